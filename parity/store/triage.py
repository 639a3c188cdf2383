"""An officer's review of one verdict (``parity triage``), as methods of the store (either back end).

A mark says what a person concluded about one post: ``not-an-announcement`` (the matcher
should not have rated it), ``confirmed-gap`` (checked: the information really is missing in
writing) or ``wrong-match`` (the page the matcher chose does not carry the post). It is keyed
by the post id alone, so it applies to that post only and stays across runs; marking the post
again replaces the mark (``created_at`` keeps the first time). The report shows the marks;
verdicts and figures stay the matcher's, so a mark never silently changes a published rate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parity.core.timeutil import format_time, utcnow

if TYPE_CHECKING:
    from parity.store.dbapi import Connection

TRIAGE_LABELS = ("not-an-announcement", "confirmed-gap", "wrong-match")
_COLUMNS = ("post_id", "org", "label", "note", "verdict", "run_id", "created_at", "updated_at")


class TriageRecords:
    """The ``triage`` table (parity/store/schema.py); SQL both back ends speak (parity/store/dbapi.py)."""

    conn: Connection

    def post_org(self, post_id: str) -> str | None:
        """The organisation of a stored post, or None when the store has no such post."""
        row = self.conn.execute("SELECT org FROM posts WHERE id=?", (post_id,)).fetchone()
        return row[0] if row else None

    def set_triage(self, post_id: str, org: str, label: str, note: str | None = None, verdict: str | None = None,
                   run_id: str | None = None) -> dict[str, Any]:
        """Mark ``post_id`` (replacing an earlier mark); returns the stored mark."""
        if label not in TRIAGE_LABELS:
            raise ValueError(f"triage label must be one of {', '.join(TRIAGE_LABELS)}, not {label!r}")
        now = format_time(utcnow())
        self.conn.execute(
            "INSERT INTO triage (post_id, org, label, note, verdict, run_id, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?) ON CONFLICT (post_id) DO UPDATE SET label=excluded.label, note=excluded.note,"
            " verdict=excluded.verdict, run_id=excluded.run_id, updated_at=excluded.updated_at",
            (post_id, org, label, note, verdict, run_id, now, now))
        return self.triage_marks(post_ids=[post_id])[0]

    def clear_triage(self, post_id: str) -> bool:
        """Remove the mark of ``post_id``; False when there was none."""
        return self.conn.execute("DELETE FROM triage WHERE post_id=?", (post_id,)).rowcount > 0

    def triage_marks(self, orgs: list[str] | None = None, post_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Marks (of these organisations / posts; None: all), oldest first."""
        sql, args = f"SELECT {', '.join(_COLUMNS)} FROM triage", []
        where = []
        for column, values in (("org", orgs), ("post_id", post_ids)):
            if values is not None:
                if not values:
                    return []  # ``IN ()`` is SQLite's only
                where.append(f"{column} IN ({','.join('?' * len(values))})")
                args += list(values)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return [dict(zip(_COLUMNS, row)) for row in self.conn.execute(sql + " ORDER BY created_at, post_id", args)]
