from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.errors import StoreError
from briefing.models import Article
from briefing.store import MIGRATIONS, FeedState, Store

T0 = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)


def article(n: int, hours_ago: float) -> Article:
    return Article(
        id=f"a{n}",
        source=f"Outlet {n % 3}",
        url=f"https://o.example/{n}",
        title=f"Title {n}",
        text=f"Body of article {n}.",
        published=T0 - timedelta(hours=hours_ago),
        fetched=T0,
        feed="https://o.example/feed",
    )


def test_migrations_are_recorded_and_not_rerun(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    with Store(db) as store:
        assert store.applied_migrations() == [name for name, _ in MIGRATIONS]
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(db) as store:
        assert store.migrate() == []
        assert store.integrity_check() == "ok"


def test_articles_are_inserted_once(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        assert store.add_articles([article(1, 1), article(2, 2)]) == ["a1", "a2"]
        assert store.add_articles([article(2, 2), article(3, 3)]) == ["a3"]
        assert store.article_count() == 3
        assert store.known_article_ids(["a1", "zz"]) == {"a1"}


def test_window_excludes_articles_used_by_an_earlier_briefing(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        store.add_articles([article(1, 1), article(2, 5), article(3, 30)])
        window = (T0 - timedelta(hours=24), T0)
        assert [a.id for a in store.articles_in_window(*window, before_date="2026-11-21")] == [
            "a2",
            "a1",
        ]
        store.record_briefing("2026-11-20", T0 - timedelta(days=1), {"a2": "s1"}, {"s1": "H"})
        assert [a.id for a in store.articles_in_window(*window, before_date="2026-11-21")] == ["a1"]
        # Rebuilding the earlier day itself still sees its own articles.
        assert "a2" in [a.id for a in store.articles_in_window(*window, before_date="2026-11-20")]
        prior = store.prior_stories(since_date="2026-11-18", before_date="2026-11-21")
        assert [(sid, [a.id for a in arts]) for sid, arts in prior] == [("s1", ["a2"])]
        assert store.has_briefing("2026-11-20") and not store.has_briefing("2026-11-21")


def test_rebuilding_a_briefing_replaces_its_record(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        store.add_articles([article(1, 1), article(2, 2)])
        store.record_briefing("2026-11-21", T0, {"a1": "s1", "a2": "s1"}, {"s1": "H"})
        store.record_briefing("2026-11-21", T0, {"a1": "s1"}, {"s1": "H2"})
        rows = store.db.execute("SELECT article_id FROM briefing_articles").fetchall()
        assert [r[0] for r in rows] == ["a1"]


def test_feed_state_round_trip(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        assert store.feed_state("https://f.example/rss") == FeedState(url="https://f.example/rss")
        state = FeedState(url="https://f.example/rss", etag='"x"', failures=2, disabled=True)
        store.save_feed_state(state)
        assert store.feed_state(state.url) == state


def test_delivery_ledger(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        first = store.ensure_delivery("2026-11-21", "a@example.org", "<m1@x>", T0)
        again = store.ensure_delivery("2026-11-21", "a@example.org", "<m2@x>", T0)
        assert first.message_id == again.message_id == "<m1@x>"
        store.update_delivery("2026-11-21", "a@example.org", state="sent", now=T0, attempted=True)
        sent = store.delivery("2026-11-21", "a@example.org")
        assert sent is not None and sent.state == "sent" and sent.attempts == 1
        assert store.deliveries(states=["pending"]) == []


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with Store(tmp_path / "b.db") as store:
        with pytest.raises(sqlite3.IntegrityError), store.transaction() as db:
            db.execute("INSERT INTO runs(kind, at) VALUES ('x', 'y')")
            db.execute("INSERT INTO runs(kind, at) VALUES ('x', 'y')")
        assert store.last_run("x") is None


def test_unusable_database_path_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError):
        Store(tmp_path / "dir.db")
