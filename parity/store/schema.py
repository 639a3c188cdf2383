"""Every table of the store, defined once, and the migrations that bring an older store file up to date.

The tables are data (``TABLES``), not SQL text: each back end renders them in
its own dialect (``create_sql``), so SQLite today and PostgreSQL later create
the same columns from one definition. Migrations are written against a small
:class:`Catalog` (list columns, run a statement) and only use SQL both back
ends speak (``ALTER TABLE … ADD COLUMN``, ``INSERT … SELECT``, correlated
sub-queries), so one list of migrations serves every back end.

The version lives in ``meta.schema_version``. Version history:

1. the first layout (runs, sources, posts, web_items, verdicts, source_state, and
   a dead ``http_cache``; the crawl process added ``crawl_ledger`` and a second run
   registry ``crawl_runs`` on its own);
2. one owner for crawl state: ``crawl_ledger`` belongs to the schema, the crawl's
   run bookkeeping moves into ``runs`` (``crawl_status``, ``resumed_from``) and
   ``crawl_runs`` is folded into it, ``http_cache`` is dropped;
3. ``triage``: an officer's mark on one post (``parity triage``), kept across runs;
4. explicit read order: ``sources``, ``verdicts`` and ``crawl_ledger`` get a ``seq``
   column (insertion order, which SQLite's ``rowid`` gave implicitly and PostgreSQL
   has no equivalent of), filled from ``rowid`` for the rows a SQLite file already has.

Each change is one :class:`Migration` appended to ``MIGRATIONS`` (and, for a new
table, one entry in ``TABLES``): branches adding tables or columns merge by
appending their step after the last one.

A store made by a newer version is refused (``SchemaTooNew``), never rewritten.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("parity.store")


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"  # text | integer
    not_null: bool = False
    default: str | None = None  # an SQL literal


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (name, columns)

    @property
    def column_names(self) -> frozenset[str]:
        return frozenset(c.name for c in self.columns)


def _text(*names: str, not_null: bool = False) -> tuple[Column, ...]:
    return tuple(Column(n, "text", not_null) for n in names)


TABLES: tuple[Table, ...] = (
    Table("meta", _text("key", "value", not_null=True), ("key",)),
    # The one run registry: the CLI's run (command, exit code, summary) and the crawl's
    # bookkeeping (crawl_status, resumed_from; docs/ledger.md "Resume after an interruption").
    Table("runs", (*_text("run_id", "started_at", not_null=True), *_text("finished_at", "command", "config"),
                   Column("status", "text", True, "'running'"), Column("exit_code", "integer"),
                   *_text("summary", "crawl_status", "resumed_from")), ("run_id",)),
    # ``seq``: the order lines were recorded in (a source recorded again moves to the end).
    Table("sources", (*_text("run_id", "source_key", "org", "kind", not_null=True), Column("url"),
                      Column("status", "text", True), Column("items", "integer", True, "0"),
                      *_text("error", "detail"), Column("seq", "integer")), ("run_id", "source_key"),
          (("sources_seq", ("seq",)),)),
    Table("posts", (*_text("id", "org", "platform", not_null=True), Column("published_at"),
                    *_text("record", "content_hash", not_null=True), Column("source_key"),
                    *_text("first_seen_at", "last_seen_at", not_null=True), *_text("edited_at", "deleted_at")),
          ("id",), (("posts_org", ("org", "published_at")),)),
    Table("web_items", (*_text("id", "org", "source", not_null=True), *_text("url", "canonical_url", "published_at"),
                        *_text("record", "content_hash", not_null=True), Column("source_key"),
                        *_text("first_seen_at", "last_seen_at", not_null=True), Column("removed_at")),
          ("id",), (("web_org", ("org",)), ("web_canonical", ("canonical_url",)))),
    # ``seq``: the verdict's position in its run (the matcher's order).
    Table("verdicts", (*_text("run_id", "post_id", "org", "verdict", "record", not_null=True), Column("seq", "integer")),
          ("run_id", "post_id")),
    Table("source_state", _text("source_key", "state", "updated_at", not_null=True), ("source_key",)),
    # The crawl ledger: one row per (source, URL); docs/ledger.md describes every column.
    Table("crawl_ledger", (*_text("source_key", "url", "kind", not_null=True), Column("parent"),
                           *_text("state", "run_id", not_null=True), Column("attempts", "integer", True, "0"),
                           Column("http_status", "integer"),
                           *_text("etag", "last_modified", "sitemap_lastmod", "item_id", "body_sha256", "context"),
                           *_text("first_seen_at", "updated_at", not_null=True), Column("error"),
                           Column("seq", "integer")),  # the order rows were first planned in
          ("source_key", "url"),
          (("crawl_ledger_run", ("run_id", "state")), ("crawl_ledger_parent", ("source_key", "parent")),
           ("crawl_ledger_seq", ("seq",)))),
    # An officer's mark on one post (parity triage; parity/store/triage.py): the latest mark per post.
    Table("triage", (*_text("post_id", "org", "label", not_null=True), *_text("note", "verdict", "run_id"),
                     *_text("created_at", "updated_at", not_null=True)), ("post_id",), (("triage_org", ("org",)),)),
)
TABLE = {t.name: t for t in TABLES}

#: Text compares byte-wise on both back ends (SQLite's BINARY; PostgreSQL's "C" whatever the
#: database's locale), so every ``ORDER BY`` on text gives the same order.
_TYPES = {"sqlite": {"text": "TEXT", "integer": "INTEGER"},
          "postgresql": {"text": 'TEXT COLLATE "C"', "integer": "BIGINT"}}


def create_sql(table: Table, dialect: str = "sqlite") -> list[str]:
    """``CREATE TABLE`` and its ``CREATE INDEX`` statements in ``dialect`` (sqlite | postgresql)."""
    types = _TYPES[dialect]
    parts = [" ".join(filter(None, (c.name, types[c.type], "NOT NULL" if c.not_null else "",
                                    f"DEFAULT {c.default}" if c.default is not None else "")))
             for c in table.columns]
    parts.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    statements = [f"CREATE TABLE IF NOT EXISTS {table.name} ({', '.join(parts)})"]
    statements += [f"CREATE INDEX IF NOT EXISTS {name} ON {table.name} ({', '.join(cols)})"
                   for name, cols in table.indexes]
    return statements


class Catalog(Protocol):
    """What migrations need from a back end: its dialect, its tables' columns, a statement, one value."""

    dialect: str

    def columns(self, table: str) -> set[str] | None:
        """Column names, or None when the table does not exist."""

    def execute(self, sql: str) -> None: ...

    def value(self, sql: str) -> object: ...


def ensure_table(catalog: Catalog, table: Table) -> bool:
    """Create ``table`` if missing; add its indexes if it has the expected columns. False: wrong shape."""
    have = catalog.columns(table.name)
    if have is not None and not table.column_names <= have:
        return False  # damage: crawl state is repaired by parity/store/repair.py, the rest left for a person
    statements = create_sql(table, catalog.dialect)
    for sql in statements if have is None else statements[1:]:
        catalog.execute(sql)
    return True


def move_aside(catalog: Catalog, name: str) -> str:
    """Rename a damaged table to ``<name>_damaged_<UTC time>`` (kept for a person to look at)."""
    aside = f"{name}_damaged_{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%f')}"
    catalog.execute(f"ALTER TABLE {name} RENAME TO {aside}")
    return aside


# -- migrations ------------------------------------------------------------------------------------

def _add_missing_columns(catalog: Catalog, table: Table) -> None:
    have = catalog.columns(table.name) or set()
    for column in table.columns:
        if column.name not in have:
            catalog.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {_TYPES[catalog.dialect][column.type]}")


_CRAWL_RUNS = {"run_id", "started_at", "finished_at", "status", "resumed_from"}


def _v2_one_owner_for_crawl_state(catalog: Catalog) -> None:
    """``runs`` gains the crawl columns and absorbs ``crawl_runs``; ``http_cache`` goes."""
    _add_missing_columns(catalog, TABLE["runs"])
    legacy = catalog.columns("crawl_runs")
    if legacy is not None and _CRAWL_RUNS <= legacy:
        catalog.execute(
            "UPDATE runs SET crawl_status = (SELECT c.status FROM crawl_runs c WHERE c.run_id = runs.run_id),"
            " resumed_from = (SELECT c.resumed_from FROM crawl_runs c WHERE c.run_id = runs.run_id)"
            " WHERE run_id IN (SELECT run_id FROM crawl_runs)")
        # A crawl started without the CLI (python -m crawler.run) had no row in runs: it gets one.
        catalog.execute(
            "INSERT INTO runs (run_id, started_at, finished_at, command, status, crawl_status, resumed_from)"
            " SELECT run_id, started_at, finished_at, 'crawler.run',"
            " CASE WHEN status = 'resumed' THEN 'interrupted' ELSE status END, status, resumed_from"
            " FROM crawl_runs WHERE run_id NOT IN (SELECT run_id FROM runs)")
        catalog.execute("DROP TABLE crawl_runs")
    elif legacy is not None:
        log.warning("store: table crawl_runs has an unexpected shape; moved aside as %s",
                    move_aside(catalog, "crawl_runs"))
    catalog.execute("DROP TABLE IF EXISTS http_cache")


#: Tables read back in insertion order: SQLite's ``rowid`` order becomes an explicit ``seq``.
_SEQ_TABLES = ("sources", "verdicts", "crawl_ledger")


def _v4_explicit_read_order(catalog: Catalog) -> None:
    """``seq`` on the tables read in insertion order; existing SQLite rows keep their ``rowid`` order."""
    for name in _SEQ_TABLES:
        table = TABLE[name]
        _add_missing_columns(catalog, table)
        if catalog.dialect == "sqlite":
            catalog.execute(f"UPDATE {name} SET seq = rowid WHERE seq IS NULL")
        for sql in create_sql(table, catalog.dialect)[1:]:
            catalog.execute(sql)


@dataclass(frozen=True)
class Migration:
    version: int
    summary: str
    apply: Callable[[Catalog], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "the first layout", lambda catalog: None),
    Migration(2, "one owner for crawl state: crawl_ledger in the schema, crawl_runs folded into runs, "
                 "http_cache dropped", _v2_one_owner_for_crawl_state),
    # upgrade() creates missing tables before the migrations run; this step only records the version
    Migration(3, "triage marks (parity triage)", lambda catalog: ensure_table(catalog, TABLE["triage"]) and None),
    Migration(4, "explicit read order: seq on sources, verdicts and crawl_ledger", _v4_explicit_read_order),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


class SchemaTooNew(RuntimeError):
    """The store was written by a newer version of reach-parity."""


def stored_version(catalog: Catalog) -> int:
    if catalog.columns("meta") is None:
        return 0
    value = catalog.value("SELECT value FROM meta WHERE key = 'schema_version'")
    try:
        return int(str(value)) if value is not None else 0
    except ValueError:
        return 0


def upgrade(catalog: Catalog) -> int:
    """Bring the store to ``SCHEMA_VERSION`` (the caller holds a write transaction). Returns the old version.

    Missing tables are created from ``TABLES`` first (an empty file becomes the
    current layout at once); then every migration newer than the stored version
    runs, each written to be a no-op on a store that already has its change.
    """
    version = stored_version(catalog)
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(f"schema version {version}; this version of reach-parity reads up to {SCHEMA_VERSION}")
    for table in TABLES:
        ensure_table(catalog, table)
    for migration in MIGRATIONS:
        if migration.version > version:
            migration.apply(catalog)
    if version != SCHEMA_VERSION:
        catalog.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '%d')"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value" % SCHEMA_VERSION)
        if version:
            log.info("store: schema upgraded from version %d to %d", version, SCHEMA_VERSION)
    return version
