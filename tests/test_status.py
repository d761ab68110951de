from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from helpers_http import LoopbackServer, rss, static

from briefing import pipeline
from briefing.collect import GONE_RECHECK
from briefing.config import Config, load_config
from briefing.status import format_status, gather_status
from briefing.store import FeedState, Store, iso

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # 09:00 in London
FEEDS = [
    {"name": "Harbour", "url": "https://harbour.example/feed.xml"},
    {"name": "Valley", "url": "https://valley.example/atom.xml"},
]


def make_config(tmp_path: Path, sources: list[dict[str, str]] = FEEDS) -> Config:
    data = {
        "sources": sources, "database": "briefing.db", "timezone": "Europe/London",
        "allow_private_hosts": True,
        "schedule": {"time": "07:00", "collect_every_minutes": 30},
        "email": {"to": ["reader@example.net"], "security": "none"},
    }
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data))
    return load_config(tmp_path / "config.yaml")


def healthy(store: Store) -> None:
    store.mark_run("collect", NOW - timedelta(minutes=20), "3 new")
    store.record_briefing("2026-11-22", NOW - timedelta(hours=2), {}, {})
    for feed in FEEDS:
        store.save_feed_state(
            FeedState(
                url=feed["url"], name=feed["name"], last_success=iso(NOW - timedelta(minutes=20)),
                last_attempt=iso(NOW - timedelta(minutes=20)),
                next_poll=iso(NOW + timedelta(minutes=10)),
            )
        )
    store.ensure_delivery("2026-11-22", "reader@example.net", "<m.1@example.org>", NOW)
    store.update_delivery(
        "2026-11-22", "reader@example.net", state="sent", now=NOW, attempted=True
    )


def test_all_good(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        healthy(store)
        status = gather_status(config, store, NOW)
    assert status.problems == ()
    assert not status.needs_attention
    assert status.last_briefing == "2026-11-22"
    assert status.next_briefing == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
    assert status.last_collect == NOW - timedelta(minutes=20)
    assert [f.name for f in status.feeds] == ["Harbour", "Valley"]
    assert all(f.healthy for f in status.feeds)
    assert status.feeds[0].next_poll == NOW + timedelta(minutes=10)
    text = format_status(status, config)
    assert "next briefing:  2026-11-23 07:00 GMT" in text
    assert "all good" in text


def test_fresh_install_needs_attention(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        status = gather_status(config, store, NOW)
    assert status.needs_attention
    assert "nothing has been collected yet" in status.problems
    assert "the briefing for 2026-11-22 is overdue" in status.problems
    assert "last collect:   never" in format_status(status, config)


def test_overdue_only_after_a_grace_hour(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        store.mark_run("collect", NOW, "")
        early = gather_status(config, store, datetime(2026, 11, 22, 7, 30, tzinfo=UTC))
        late = gather_status(config, store, datetime(2026, 11, 22, 8, 5, tzinfo=UTC))
    assert not any("overdue" in p for p in early.problems)
    assert "the briefing for 2026-11-22 is overdue" in late.problems


def test_stale_collect_and_failing_feed(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        healthy(store)
        store.mark_run("collect", NOW - timedelta(hours=3), "")
        store.save_feed_state(
            FeedState(url=FEEDS[1]["url"], name="Valley", failures=4, last_error="HTTP 503")
        )
        status = gather_status(config, store, NOW)
    assert status.needs_attention
    assert any(p.startswith("last collect was") for p in status.problems)
    assert "feed Valley failed 4 times in a row: HTTP 503" in status.problems
    assert [f.healthy for f in status.feeds] == [True, False]
    assert "FAIL Valley" in format_status(status, config)


def test_failed_and_stuck_deliveries(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        healthy(store)
        store.ensure_delivery("2026-11-21", "gone@example.net", "<m.2@example.org>", NOW)
        store.update_delivery(
            "2026-11-21", "gone@example.net", state="failed", now=NOW, error="550 unknown user"
        )
        store.ensure_delivery("2026-11-22", "slow@example.net", "<m.3@example.org>", NOW)
        store.update_delivery(
            "2026-11-22", "slow@example.net", state="unconfirmed", now=NOW - timedelta(hours=2)
        )
        status = gather_status(config, store, NOW)
    assert [d.recipient for d in status.failed] == ["gone@example.net"]
    assert [d.recipient for d in status.pending] == ["slow@example.net"]
    assert any("briefing send --date 2026-11-21" in p for p in status.problems)
    assert any("interrupted (unconfirmed)" in p for p in status.problems)


def test_cli_status_exit_codes(tmp_path: Path) -> None:
    config = make_config(tmp_path)

    def status() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefing", "status", "--config", "config.yaml"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )

    first = status()
    assert first.returncode == 4, first.stderr
    assert "nothing has been collected yet" in first.stdout
    now = datetime.now(UTC)
    with Store(config.database) as store:
        store.mark_run("collect", now, "")
        store.record_briefing(now.astimezone(config.tz).date().isoformat(), now, {}, {})
        for feed in FEEDS:
            store.save_feed_state(FeedState(url=feed["url"], last_success=iso(now)))
    second = status()
    assert second.returncode == 0, second.stdout + second.stderr
    assert "all good" in second.stdout


def disabled(store: Store, **state: Any) -> None:
    store.save_feed_state(FeedState(url=FEEDS[1]["url"], name="Valley", disabled=True,
                                    **state))


def test_disabled_feed_names_when_it_is_rechecked(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        healthy(store)
        disabled(store, last_status=410, last_error="410 Gone",
                 last_attempt=iso(NOW), next_poll=iso(NOW + timedelta(days=7)))
        status = gather_status(config, store, NOW)
    assert status.problems == (
        "feed Valley is disabled (410 Gone), re-checked after 2026-11-29 09:00 GMT"
        " or with `briefing collect --force`",
    )
    assert [f.healthy for f in status.feeds] == [True, False]
    assert ("FAIL Valley: disabled (410 Gone), last success never,"
            " next re-check 2026-11-29 09:00 GMT") in format_status(status, config)


def test_disabled_feed_after_a_failed_recheck_and_one_already_due(tmp_path: Path) -> None:
    config = make_config(tmp_path)
    with Store(config.database) as store:
        healthy(store)
        disabled(store, last_status=500, last_error="HTTP 500",
                 next_poll=iso(NOW + timedelta(days=6, hours=15)))
        failed = gather_status(config, store, NOW)
        disabled(store, last_status=410, last_error="410 Gone: feed disabled",
                 next_poll=iso(NOW - timedelta(hours=1)))
        due = gather_status(config, store, NOW)
    assert failed.problems == (
        "feed Valley is disabled (410 Gone; last re-check failed: HTTP 500), re-checked after"
        " 2026-11-29 00:00 GMT or with `briefing collect --force`",
    )
    assert due.problems == (
        "feed Valley is disabled (410 Gone), re-checked on the next collect"
        " or with `briefing collect --force`",
    )


def test_status_of_a_feed_collect_disabled_then_brought_back(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        server.routes["/feed"] = static(b"", 410)
        config = make_config(tmp_path, [{"name": "Harbour", "url": server.url("/feed")}])
        with Store(config.database) as store:
            (gone,) = pipeline.collect(config, store, NOW).results
            assert gone.status == "gone"
            expected = (NOW + GONE_RECHECK).astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z")
            assert (f"feed Harbour is disabled (410 Gone), re-checked after {expected}"
                    " or with `briefing collect --force`") in gather_status(
                        config, store, NOW + timedelta(hours=1)).problems
            server.routes["/feed"] = static(rss([("n1", "Harbour reopens", "Ships are back.")]))
            assert pipeline.collect(config, store, NOW + timedelta(days=1)).new_articles == 0
            assert pipeline.collect(config, store, NOW + timedelta(days=1),
                                    force=True).new_articles == 1
            back = gather_status(config, store, NOW + timedelta(days=1, minutes=5))
    assert not any("Harbour" in p for p in back.problems)
    assert back.feeds[0].healthy and not back.feeds[0].disabled
    assert len(server.requests("/feed")) == 2


def test_a_local_folder_reports_its_last_read_and_a_missing_folder_fails(tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "pier.txt").write_text("Pier reopens\n\nThe pier reopened on Saturday.\n")
    config = make_config(tmp_path, [{"name": "Notes", "url": str(notes)}])
    with Store(config.database) as store:
        pipeline.collect(config, store, NOW)
        status = gather_status(config, store, NOW + timedelta(minutes=5))
        (feed,) = status.feeds
        assert feed.healthy and feed.last_success == NOW and feed.failures == 0
        assert "Notes: last success 2026-11-22 09:00 GMT, 0 failures, next poll at every " \
            "collect" in format_status(status, config)
        (notes / "pier.txt").unlink()
        notes.rmdir()
        for minutes in (30, 60, 90):
            (result,) = pipeline.collect(config, store, NOW + timedelta(minutes=minutes)).results
            assert result.status == "error"
        (feed,) = gather_status(config, store, NOW + timedelta(minutes=95)).feeds
    assert feed.failures == 3 and feed.last_success == NOW and not feed.healthy
    assert feed.last_error and "No such file or directory" in feed.last_error


def test_status_names_the_feed_a_configured_home_page_links_to(tmp_path: Path) -> None:
    with LoopbackServer() as server:
        page = (b"<!doctype html><html><head><link rel='alternate' type='application/rss+xml' "
                b"href='/feed.xml'></head><body><p>Home</p></body></html>")
        server.routes["/"] = static(page, content_type="text/html")
        server.routes["/feed.xml"] = static(rss([("n1", "Harbour reopens", "Ships are back.")]))
        config = make_config(tmp_path, [{"name": "Harbour", "url": server.url("/")}])
        with Store(config.database) as store:
            assert pipeline.collect(config, store, NOW).new_articles == 1
            status = gather_status(config, store, NOW + timedelta(minutes=5))
        feed_url = server.url("/feed.xml")
    assert status.feeds[0].discovered_url == feed_url and status.feeds[0].healthy
    assert (f"reads {feed_url}, the feed its page links to (put that URL in config.yaml)"
            in format_status(status, config))
