"""Page objects for social platforms: API answers and account feeds → ``Post`` records."""
