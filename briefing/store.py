"""The SQLite store: the only module that speaks SQL.

WAL journal, foreign keys on, and named migrations recorded in ``migrations``; each migration
runs in its own transaction. Times are stored as ISO-8601 UTC strings so they sort as text.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .models import Article


def iso(moment: datetime) -> str:
    """Canonical text form of an aware datetime (UTC, seconds precision)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _statements(db: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated DDL inside the caller's transaction (``executescript`` would commit)."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _m001_initial(db: sqlite3.Connection) -> None:
    _statements(
        db,
        """
        CREATE TABLE feeds (
            url TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            etag TEXT,
            last_modified TEXT,
            last_status INTEGER,
            last_attempt TEXT,
            last_success TEXT,
            last_error TEXT,
            failures INTEGER NOT NULL DEFAULT 0,
            next_poll TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            redirect_url TEXT,
            redirect_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            feed TEXT NOT NULL,
            source TEXT NOT NULL,
            guid TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            published TEXT NOT NULL,
            fetched TEXT NOT NULL
        );
        CREATE INDEX articles_published ON articles(published);
        CREATE INDEX articles_url ON articles(url);
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            first_date TEXT NOT NULL,
            last_date TEXT NOT NULL,
            headline TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE briefings (
            date TEXT PRIMARY KEY,
            as_of TEXT NOT NULL,
            created TEXT NOT NULL,
            story_count INTEGER NOT NULL
        );
        CREATE TABLE briefing_articles (
            date TEXT NOT NULL REFERENCES briefings(date) ON DELETE CASCADE,
            article_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            PRIMARY KEY (date, article_id)
        );
        CREATE INDEX briefing_articles_article ON briefing_articles(article_id);
        CREATE TABLE deliveries (
            date TEXT NOT NULL,
            recipient TEXT NOT NULL,
            message_id TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            updated TEXT NOT NULL,
            PRIMARY KEY (date, recipient)
        );
        CREATE TABLE runs (
            kind TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        );
        """,
    )


def _m002_feed_ttl(db: sqlite3.Connection) -> None:
    """The feed's own <ttl> (minutes), remembered so a 304 still honours it."""
    db.execute("ALTER TABLE feeds ADD COLUMN ttl_minutes INTEGER")


def _m003_gone_recheck(db: sqlite3.Connection) -> None:
    """A disabled (410 Gone) feed's ``next_poll`` is now when collect re-checks it: 7 days after
    the 410, which was the feed's last attempt."""
    db.execute(
        "UPDATE feeds SET next_poll = strftime('%Y-%m-%dT%H:%M:%SZ', last_attempt, '+7 days')"
        " WHERE disabled = 1 AND last_attempt IS NOT NULL"
    )


def _m004_discovered_feed(db: sqlite3.Connection) -> None:
    """The feed a source's web page links to, fetched instead of the page until it fails."""
    db.execute("ALTER TABLE feeds ADD COLUMN discovered_url TEXT")


def _m005_edition_stories(db: sqlite3.Connection) -> None:
    """Which stories each per-reader selection's edition of a briefing showed, so a developing
    story says what is new since that reader last saw it."""
    _statements(
        db,
        """
        CREATE TABLE edition_stories (
            date TEXT NOT NULL REFERENCES briefings(date) ON DELETE CASCADE,
            selection TEXT NOT NULL,
            story_id TEXT NOT NULL,
            PRIMARY KEY (date, selection, story_id)
        );
        CREATE INDEX edition_stories_story ON edition_stories(story_id)
        """,
    )


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("001_initial", _m001_initial),
    ("002_feed_ttl", _m002_feed_ttl),
    ("003_gone_recheck", _m003_gone_recheck),
    ("004_discovered_feed", _m004_discovered_feed),
    ("005_edition_stories", _m005_edition_stories),
]


@dataclass(frozen=True)
class FeedState:
    url: str
    name: str = ""
    etag: str | None = None
    last_modified: str | None = None
    last_status: int | None = None
    last_attempt: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    failures: int = 0
    next_poll: str | None = None
    disabled: bool = False
    redirect_url: str | None = None
    redirect_count: int = 0
    ttl_minutes: int | None = None
    discovered_url: str | None = None

    @property
    def gone_reason(self) -> str:
        """Why a disabled feed is off: collect disables only on 410, and keeps what a failed
        re-check answered."""
        if self.last_status == 410 or not self.last_error:
            return "410 Gone"
        return f"410 Gone; last re-check failed: {self.last_error}"


@dataclass(frozen=True)
class Delivery:
    date: str
    recipient: str
    message_id: str
    state: str
    attempts: int
    last_error: str | None
    updated: str


class Store:
    """A connection to the briefing database. Use as a context manager or call ``close``."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.migrate()
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: {err}") from None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise StoreError(f"{self.path}: {err}") from None
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def migrate(self) -> list[str]:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"
        )
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        applied = []
        for name, step in MIGRATIONS:
            if name in done:
                continue
            with self.transaction() as db:
                step(db)
                db.execute(
                    "INSERT INTO migrations(name, applied) VALUES (?, ?)",
                    (name, iso(datetime.now(UTC))),
                )
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM migrations ORDER BY name")]

    # articles ---------------------------------------------------------------------------

    def add_articles(self, articles: Iterable[Article]) -> list[str]:
        """Insert articles not seen before; returns the ids that were new."""
        new = []
        with self.transaction() as db:
            for a in articles:
                cur = db.execute(
                    "INSERT OR IGNORE INTO articles(id, feed, source, guid, url, title, text,"
                    " published, fetched) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        a.id,
                        a.feed,
                        a.source,
                        a.guid,
                        a.url,
                        a.title,
                        a.text,
                        iso(a.published),
                        iso(a.fetched),
                    ),
                )
                if cur.rowcount:
                    new.append(a.id)
        return new

    def known_article_ids(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                r[0]
                for r in self.db.execute(f"SELECT id FROM articles WHERE id IN ({marks})", chunk)
            )
        return found

    def article_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def articles_in_window(
        self, start: datetime, end: datetime, *, before_date: str
    ) -> list[Article]:
        """Articles published in [start, end) that no briefing dated before ``before_date`` used.

        Ordered by (published, id) so the same database and window always give the same list.
        """
        rows = self.db.execute(
            "SELECT * FROM articles a WHERE a.published >= ? AND a.published < ?"
            " AND NOT EXISTS (SELECT 1 FROM briefing_articles b"
            "                 WHERE b.article_id = a.id AND b.date < ?)"
            " ORDER BY a.published, a.id",
            (iso(start), iso(end), before_date),
        )
        return [_article(r) for r in rows]

    # stories and briefings ---------------------------------------------------------------

    def story_ids_for_articles(
        self, article_ids: Sequence[str], *, before_date: str
    ) -> dict[str, str]:
        """article id -> story id, for articles that belonged to a story of an earlier briefing."""
        return self._pairs_in(
            "SELECT article_id, story_id FROM briefing_articles"
            " WHERE article_id IN ({marks}) AND date < ?",
            (),
            article_ids,
            (before_date,),
        )

    def _pairs_in(
        self, sql: str, before: Sequence[Any], ids: Sequence[str], after: Sequence[Any]
    ) -> dict[str, str]:
        """First column -> second of ``sql`` run for ``ids`` in chunks (SQLite caps the number
        of parameters); ``{marks}`` in ``sql`` stands for one chunk's placeholders."""
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = list(ids[i : i + 500])
            query = sql.format(marks=",".join("?" * len(chunk)))
            for r in self.db.execute(query, [*before, *chunk, *after]):
                out[r[0]] = r[1]
        return out

    def prior_stories(
        self, *, since_date: str, before_date: str
    ) -> list[tuple[str, list[Article]]]:
        """Stories shown in briefings dated in [since_date, before_date), with their articles."""
        rows = self.db.execute(
            "SELECT b.story_id, a.* FROM briefing_articles b JOIN articles a ON a.id = b.article_id"
            " WHERE b.date >= ? AND b.date < ? ORDER BY b.story_id, a.published, a.id",
            (since_date, before_date),
        )
        stories: dict[str, list[Article]] = {}
        for row in rows:
            stories.setdefault(row["story_id"], []).append(_article(row))
        return sorted(stories.items())

    def story_last_dates(self, story_ids: Sequence[str], *, before_date: str) -> dict[str, str]:
        """story id -> the latest briefing date before ``before_date`` that showed it."""
        return self._pairs_in(
            "SELECT story_id, max(date) FROM briefing_articles"
            " WHERE story_id IN ({marks}) AND date < ? GROUP BY story_id",
            (),
            story_ids,
            (before_date,),
        )

    def edition_last_dates(
        self, selection: str, story_ids: Sequence[str], *, before_date: str
    ) -> dict[str, str]:
        """story id -> the latest date before ``before_date`` whose edition for ``selection``
        showed it."""
        return self._pairs_in(
            "SELECT story_id, max(date) FROM edition_stories WHERE selection = ?"
            " AND story_id IN ({marks}) AND date < ? GROUP BY story_id",
            (selection,),
            story_ids,
            (before_date,),
        )

    def story_articles_through(
        self, story_id: str, *, since_date: str, through_date: str
    ) -> list[Article]:
        """The articles briefings dated in [since_date, through_date] showed in ``story_id``."""
        rows = self.db.execute(
            "SELECT a.* FROM briefing_articles b JOIN articles a ON a.id = b.article_id"
            " WHERE b.story_id = ? AND b.date >= ? AND b.date <= ? ORDER BY a.published, a.id",
            (story_id, since_date, through_date),
        )
        return [_article(r) for r in rows]

    def record_briefing(
        self,
        date: str,
        as_of: datetime,
        memberships: dict[str, str],
        headlines: dict[str, str],
        editions: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        """Record which articles (article id -> story id) the briefing for ``date`` used, and
        which stories each per-reader selection's edition showed (selection -> story ids)."""
        with self.transaction() as db:
            db.execute("DELETE FROM briefings WHERE date = ?", (date,))
            db.execute(
                "INSERT INTO briefings(date, as_of, created, story_count) VALUES (?, ?, ?, ?)",
                (date, iso(as_of), iso(datetime.now(UTC)), len(headlines)),
            )
            db.executemany(
                "INSERT INTO briefing_articles(date, article_id, story_id) VALUES (?, ?, ?)",
                [(date, a, s) for a, s in sorted(memberships.items())],
            )
            db.executemany(
                "INSERT OR IGNORE INTO edition_stories(date, selection, story_id)"
                " VALUES (?, ?, ?)",
                [(date, k, s) for k, ids in sorted((editions or {}).items()) for s in ids],
            )
            for story_id, headline in sorted(headlines.items()):
                db.execute(
                    "INSERT INTO stories(id, first_date, last_date, headline) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET last_date = max(last_date, excluded.last_date),"
                    " first_date = min(first_date, excluded.first_date),"
                    " headline = excluded.headline",
                    (story_id, date, date, headline),
                )

    def last_briefing(self) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM briefings ORDER BY date DESC LIMIT 1").fetchone()
        return dict(row) if row else None

    def has_briefing(self, date: str) -> bool:
        return (
            self.db.execute("SELECT 1 FROM briefings WHERE date = ?", (date,)).fetchone()
            is not None
        )

    # feed state -----------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState:
        row = self.db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        if row is None:
            return FeedState(url=url)
        data = dict(row)
        data["disabled"] = bool(data["disabled"])
        return FeedState(**data)

    def feed_states(self) -> list[FeedState]:
        return [
            self.feed_state(r[0]) for r in self.db.execute("SELECT url FROM feeds ORDER BY url")
        ]

    def save_feed_state(self, state: FeedState) -> None:
        cols = list(FeedState.__dataclass_fields__)
        values = [getattr(state, c) for c in cols]
        values[cols.index("disabled")] = int(state.disabled)
        with self.transaction() as db:
            db.execute(
                f"INSERT OR REPLACE INTO feeds({', '.join(cols)})"
                f" VALUES ({', '.join('?' * len(cols))})",
                values,
            )

    # runs ---------------------------------------------------------------------------------

    def mark_run(self, kind: str, at: datetime, detail: str = "") -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO runs(kind, at, detail) VALUES (?, ?, ?)",
                (kind, iso(at), detail),
            )

    def last_run(self, kind: str) -> tuple[datetime, str] | None:
        row = self.db.execute("SELECT at, detail FROM runs WHERE kind = ?", (kind,)).fetchone()
        return (from_iso(row[0]), row[1]) if row else None

    # deliveries -----------------------------------------------------------------------------

    def ensure_delivery(
        self, date: str, recipient: str, message_id: str, now: datetime
    ) -> Delivery:
        """Create the ledger row (state pending) unless it exists; returns the stored row."""
        with self.transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO deliveries(date, recipient, message_id, state, attempts,"
                " updated) VALUES (?, ?, ?, 'pending', 0, ?)",
                (date, recipient, message_id, iso(now)),
            )
        found = self.delivery(date, recipient)
        assert found is not None
        return found

    def delivery(self, date: str, recipient: str) -> Delivery | None:
        row = self.db.execute(
            "SELECT * FROM deliveries WHERE date = ? AND recipient = ?", (date, recipient)
        ).fetchone()
        return Delivery(**dict(row)) if row else None

    def deliveries(self, *, date: str | None = None, states: Sequence[str] = ()) -> list[Delivery]:
        sql = "SELECT * FROM deliveries WHERE 1=1"
        args: list[Any] = []
        if date is not None:
            sql += " AND date = ?"
            args.append(date)
        if states:
            sql += f" AND state IN ({','.join('?' * len(states))})"
            args.extend(states)
        return [
            Delivery(**dict(r)) for r in self.db.execute(sql + " ORDER BY date, recipient", args)
        ]

    def update_delivery(
        self,
        date: str,
        recipient: str,
        *,
        state: str,
        now: datetime,
        error: str | None = None,
        attempted: bool = False,
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE deliveries SET state = ?, last_error = ?, updated = ?,"
                " attempts = attempts + ? WHERE date = ? AND recipient = ?",
                (state, error, iso(now), int(attempted), date, recipient),
            )

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def _article(row: sqlite3.Row) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        url=row["url"],
        title=row["title"],
        text=row["text"],
        published=from_iso(row["published"]),
        fetched=from_iso(row["fetched"]),
        feed=row["feed"],
        guid=row["guid"],
    )
