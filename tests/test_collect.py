from __future__ import annotations

import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers_http import Handler, LoopbackServer, Request, rss, static, trickle

from briefing.collect import GONE_RECHECK, CollectReport, collect_sources
from briefing.config import FetchConfig
from briefing.models import Source
from briefing.store import MIGRATIONS, Store, from_iso, iso

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
CONFIG = FetchConfig(timeout_seconds=5.0, connect_timeout_seconds=2.0, full_text=False)
LONG = " ".join(["The council approved the budget after a long debate about schools."] * 12)
ITEMS = [("a", "Budget approved", LONG), ("b", "Bridge reopens", LONG.replace("budget", "bridge"))]


def collect(store: Store, sources: list[Source], *, now: datetime = NOW, force: bool = True,
            config: FetchConfig = CONFIG, parse_workers: int | None = None) -> CollectReport:
    return collect_sources(sources, store, config, now, allow_private_hosts=True, force=force,
                           parse_workers=parse_workers)


@pytest.fixture
def server():
    with LoopbackServer() as srv:
        yield srv


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "briefing.db") as db:
        yield db


def _articles(store: Store) -> list[str]:
    return [a.title for a in store.articles_in_window(
        NOW - timedelta(days=30), NOW + timedelta(days=1), before_date="9999-12-31")]


def test_collects_a_feed_and_saves_its_state(server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(rss(ITEMS, ttl=90), headers=[("ETag", '"v1"')])
    source = Source("Daily", server.url("/feed"))
    report = collect(store, [source])
    (result,) = report.results
    assert (result.status, result.new, result.entries) == ("ok", 2, 2)
    assert report.new_articles == 2 and not report.all_failed
    assert sorted(_articles(store)) == ["Bridge reopens", "Budget approved"]
    state = store.feed_state(source.url)
    assert state.etag == '"v1"' and state.failures == 0 and state.ttl_minutes == 90
    assert from_iso(state.next_poll or "") == NOW + timedelta(minutes=90)


def test_304_writes_nothing_and_feed_not_due_is_skipped(
        server: LoopbackServer, store: Store) -> None:
    def handle(request: Request) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            request.reply(304, headers=[("ETag", '"v1"')])
        else:
            request.reply(200, rss(ITEMS), [("ETag", '"v1"')])

    server.routes["/feed"] = handle
    source = Source("Daily", server.url("/feed"))
    collect(store, [source])
    later = NOW + timedelta(hours=2)
    (result,) = collect(store, [source], now=later).results
    assert (result.status, result.new, result.http_status) == ("not-modified", 0, 304)
    assert store.article_count() == 2
    assert store.feed_state(source.url).last_success == "2025-11-03T14:00:00Z"
    (skipped,) = collect(store, [source], now=later + timedelta(minutes=5), force=False).results
    assert skipped.status == "skipped"
    assert len(server.requests("/feed")) == 2


def test_retry_after_postpones_and_keeps_what_was_seen(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(rss(ITEMS), headers=[("ETag", '"v1"')])
    source = Source("Daily", server.url("/feed"))
    collect(store, [source])
    server.routes["/feed"] = static(b"busy", 503, [("Retry-After", "10800")], "text/plain")
    (result,) = collect(store, [source]).results
    assert result.status == "postponed" and not result.failed
    state = store.feed_state(source.url)
    assert from_iso(state.next_poll or "") == NOW + timedelta(hours=3)
    assert state.etag == '"v1"' and store.article_count() == 2
    (skipped,) = collect(store, [source], now=NOW + timedelta(hours=2), force=False).results
    assert skipped.status == "skipped"


def test_permanent_redirect_moves_the_feed_after_three_observations(
        server: LoopbackServer, store: Store) -> None:
    def moved(request: Request) -> None:
        request.reply(301, headers=[("Location", "/new")])

    server.routes["/old"] = moved
    server.routes["/new"] = static(rss(ITEMS))
    source = Source("Daily", server.url("/old"))
    for run in range(1, 4):
        (result,) = collect(store, [source]).results
        assert result.status == "ok"
        assert store.feed_state(source.url).redirect_count == run
    assert store.feed_state(source.url).redirect_url == server.url("/new")
    server.seen.clear()
    collect(store, [source])
    assert [s.path for s in server.seen] == ["/new"]
    assert store.article_count() == 2


def test_410_disables_the_feed_until_its_recheck(server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(b"gone", 410, content_type="text/plain")
    source = Source("Daily", server.url("/feed"))
    (result,) = collect(store, [source]).results
    assert result.status == "gone" and result.failed
    state = store.feed_state(source.url)
    assert state.disabled and state.last_status == 410
    assert from_iso(state.next_poll or "") == NOW + GONE_RECHECK == NOW + timedelta(days=7)
    for later in (timedelta(hours=1), timedelta(days=3), GONE_RECHECK - timedelta(minutes=10)):
        (again,) = collect(store, [source], now=NOW + later, force=False).results
        assert again.status == "disabled" and not again.failed
        assert "re-checked after 2025-11-10T12:00:00Z" in (again.error or "")
    assert len(server.requests("/feed")) == 1


def test_a_feed_back_after_the_recheck_delay_is_reenabled_and_collected(
        server: LoopbackServer, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    source = Source("Daily", server.url("/feed"))
    server.routes["/feed"] = static(rss(ITEMS[:1]))
    collect(store, [source])
    server.routes["/feed"] = static(b"", 410)
    collect(store, [source], now=NOW + timedelta(hours=1))
    assert store.feed_state(source.url).disabled
    server.routes["/feed"] = static(rss(ITEMS, ttl=60))
    caplog.set_level("INFO", logger="briefing.collect")
    back = NOW + timedelta(hours=1) + GONE_RECHECK
    (result,) = collect(store, [source], now=back, force=False).results
    assert (result.status, result.new, result.entries) == ("ok", 1, 2)
    assert sorted(_articles(store)) == ["Bridge reopens", "Budget approved"]
    state = store.feed_state(source.url)
    assert not state.disabled and state.failures == 0 and state.last_error is None
    assert state.last_status == 200 and state.last_success == iso(back)
    assert from_iso(state.next_poll or "") == back + timedelta(hours=1)
    assert [r.levelname for r in caplog.records if "feed Daily is back" in r.getMessage()] \
        == ["INFO"]
    assert len(server.requests("/feed")) == 3


def test_force_rechecks_a_disabled_feed_early_and_a_304_reenables_it(
        server: LoopbackServer, store: Store) -> None:
    source = Source("Daily", server.url("/feed"))
    server.routes["/feed"] = static(rss(ITEMS), headers=[("ETag", '"v1"')])
    collect(store, [source])
    server.routes["/feed"] = static(b"", 410)
    collect(store, [source])
    (skipped,) = collect(store, [source], now=NOW + timedelta(days=1), force=False).results
    assert skipped.status == "disabled"
    assert len(server.requests("/feed")) == 2

    def revalidate(request: Request) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            request.reply(304, headers=[("ETag", '"v1"')])
        else:
            request.reply(200, rss(ITEMS), [("ETag", '"v1"')])

    server.routes["/feed"] = revalidate
    (result,) = collect(store, [source], now=NOW + timedelta(days=1), force=True).results
    assert (result.status, result.http_status) == ("not-modified", 304)
    assert server.requests("/feed")[-1].headers.get("if-none-match") == '"v1"'
    state = store.feed_state(source.url)
    assert not state.disabled and state.etag == '"v1"' and store.article_count() == 2
    (due,) = collect(store, [source], now=NOW + timedelta(days=1, hours=2), force=False).results
    assert due.status == "not-modified"
    assert len(server.requests("/feed")) == 4


def test_a_second_410_keeps_the_feed_disabled_for_another_week(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(b"", 410)
    source = Source("Daily", server.url("/feed"))
    collect(store, [source])
    recheck = NOW + GONE_RECHECK
    (result,) = collect(store, [source], now=recheck, force=False).results
    assert (result.status, result.http_status) == ("gone", 410)
    state = store.feed_state(source.url)
    assert state.disabled and from_iso(state.next_poll or "") == recheck + GONE_RECHECK
    (still,) = collect(store, [source], now=recheck + timedelta(days=6), force=False).results
    assert still.status == "disabled"
    assert len(server.requests("/feed")) == 2


@pytest.mark.parametrize(("route", "expected"), [
    (static(b"oops", 500, content_type="text/plain"), "HTTP 500"),
    (static(b"<html><body>no feed here</body></html>", content_type="text/html"),
     "not a usable feed"),
    (static(b"busy", 503, [("Retry-After", "60")], "text/plain"), "HTTP 503"),
], ids=["server-error", "not-a-feed", "retry-after"])
def test_a_failed_recheck_keeps_the_feed_disabled_and_records_the_error(
        server: LoopbackServer, store: Store, route: Handler, expected: str) -> None:
    server.routes["/feed"] = static(b"", 410)
    source = Source("Daily", server.url("/feed"))
    collect(store, [source])
    server.routes["/feed"] = route
    later = NOW + timedelta(days=2)
    (result,) = collect(store, [source], now=later).results
    assert result.status == "error" and expected in (result.error or "")
    state = store.feed_state(source.url)
    assert state.disabled and expected in (state.last_error or "")
    assert from_iso(state.next_poll or "") == later + GONE_RECHECK
    assert store.article_count() == 0
    (skipped,) = collect(store, [source], now=later + timedelta(days=1), force=False).results
    assert skipped.status == "disabled" and expected in (skipped.error or "")
    assert len(server.requests("/feed")) == 2


def test_a_feed_disabled_before_rechecks_existed_waits_a_week_from_its_410(
        server: LoopbackServer, tmp_path: Path) -> None:
    source = Source("Daily", server.url("/feed"))
    gone_at = NOW - timedelta(days=2)
    legacy = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    legacy.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    steps = dict(MIGRATIONS)
    for name in ("001_initial", "002_feed_ttl"):
        steps[name](legacy)
        legacy.execute("INSERT INTO migrations VALUES (?, ?)", (name, iso(gone_at)))
    legacy.execute(
        "INSERT INTO feeds(url, name, last_attempt, last_status, last_error, next_poll, disabled)"
        " VALUES (?, 'Daily', ?, 410, '410 Gone: feed disabled', ?, 1)",
        (source.url, iso(gone_at), iso(gone_at - timedelta(minutes=30))))
    legacy.close()
    server.routes["/feed"] = static(rss(ITEMS))
    with Store(tmp_path / "old.db") as store:
        assert store.feed_state(source.url).next_poll == iso(gone_at + GONE_RECHECK)
        (waiting,) = collect(store, [source], force=False).results
        assert waiting.status == "disabled" and server.requests("/feed") == []
        (back,) = collect(store, [source], now=gone_at + GONE_RECHECK, force=False).results
    assert (back.status, back.new) == ("ok", 2)
    assert len(server.requests("/feed")) == 1


def test_failures_back_off_and_keep_validators(server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(rss(ITEMS), headers=[("ETag", '"v1"')])
    source = Source("Daily", server.url("/feed"))
    collect(store, [source])
    server.routes["/feed"] = static(b"oops", 500, content_type="text/plain")
    delays = []
    for _ in range(3):
        (result,) = collect(store, [source]).results
        assert result.status == "error" and result.http_status == 500
        state = store.feed_state(source.url)
        delays.append(from_iso(state.next_poll or "") - NOW)
    assert delays == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=4)]
    assert state.failures == 3 and state.etag == '"v1"'
    assert store.article_count() == 2


def test_item_that_drops_out_and_returns_is_not_new(server: LoopbackServer, store: Store) -> None:
    source = Source("Daily", server.url("/feed"))
    server.routes["/feed"] = static(rss(ITEMS))
    assert collect(store, [source]).new_articles == 2
    server.routes["/feed"] = static(rss(ITEMS[1:]))
    assert collect(store, [source]).new_articles == 0
    server.routes["/feed"] = static(rss(ITEMS))
    assert collect(store, [source]).new_articles == 0
    assert store.article_count() == 2


@pytest.mark.parametrize("parse_workers", [0, 1])
def test_teaser_entry_gets_the_full_article_page(
        server: LoopbackServer, store: Store, parse_workers: int) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the report says the harbour wall will be rebuilt by spring, "
        f"according to the port authority's engineers.</p>" for i in range(8))
    page = (f"<html><head><title>Harbour wall</title></head><body><nav>Home | News</nav>"
            f"<article><h1>Harbour wall to be rebuilt</h1>{paragraphs}</article>"
            f"<footer>Copyright the paper</footer></body></html>").encode()
    server.routes["/articles/harbour"] = static(page, content_type="text/html")
    teaser = "The harbour wall will be rebuilt… Read more"
    server.routes["/feed"] = static(rss([("harbour", "Harbour wall", teaser)],
                                        link_base=server.url("/articles/")))
    config = CONFIG.model_copy(update={"full_text": True})
    (result,) = collect(store, [Source("Port", server.url("/feed"))], config=config,
                        parse_workers=parse_workers).results
    assert result.new == 1
    (article,) = store.articles_in_window(NOW - timedelta(days=1), NOW, before_date="9999-12-31")
    assert "Paragraph 7 of the report" in article.text
    assert "Read more" not in article.text and "Copyright" not in article.text


def test_parse_workers_store_what_a_thread_stores(server: LoopbackServer, tmp_path: Path) -> None:
    script = "<script>document.write('tracker')</script><style>p { color: red }</style>"
    feeds = {f"/f{i}": [(f"{i}{guid}", f"{title} {i}", f"<p>{text}</p>{script}<p>Read more</p>")
                        for guid, title, text in ITEMS] for i in range(3)}
    sources = [Source(f"Feed {path}", server.url(path)) for path in feeds]
    stored = {}
    for workers in (0, 2):
        for path, items in feeds.items():
            server.routes[path] = static(rss(items))
        with Store(tmp_path / f"{workers}.db") as db:
            first = collect(db, sources, parse_workers=workers)
            # A new item on a feed read before: only that one is converted and stored.
            server.routes["/f0"] = static(rss([*feeds["/f0"], ("new", "Ferry", LONG)]))
            second = collect(db, sources, now=NOW + timedelta(hours=1), parse_workers=workers)
            stored[workers] = [(a.id, a.title, a.text) for a in db.articles_in_window(
                NOW - timedelta(days=30), NOW + timedelta(days=1), before_date="9999-12-31")]
        assert (first.new_articles, second.new_articles) == (6, 1)
    assert stored[0] == stored[2] and len(stored[0]) == 7
    for _id, _title, text in stored[2]:
        assert "tracker" not in text and "color" not in text and "Read more" not in text


def test_long_entry_keeps_the_feed_text(server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(rss(ITEMS[:1], link_base=server.url("/articles/")))
    config = CONFIG.model_copy(update={"full_text": True})
    collect(store, [Source("Daily", server.url("/feed"))], config=config)
    assert server.requests("/articles/a") == []
    assert store.article_count() == 1


def test_slow_and_broken_feeds_do_not_stall_or_fail_the_run(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/slow"] = trickle(promised=100000, chunks=60, delay=0.1, byte=b"<")
    server.routes["/junk"] = static(b"<html><body>not a feed</body></html>",
                                    content_type="text/html")
    server.routes["/bad-xml"] = static(rss(ITEMS)[:-30])
    server.routes["/good"] = static(rss(ITEMS))
    sources = [Source(name, server.url(f"/{name}")) for name in ("slow", "junk", "bad-xml", "good")]
    sources.append(Source("down", "http://127.0.0.1:9/feed"))
    report = collect(store, sources,
                     config=CONFIG.model_copy(update={"timeout_seconds": 1.5}))
    outcome = {r.name: r for r in report.results}
    assert outcome["slow"].status == "error" and "1.5 s" in (outcome["slow"].error or "")
    assert outcome["junk"].status == "error"
    assert outcome["down"].status == "error"
    assert outcome["good"].status == "ok" and outcome["good"].new == 2
    assert outcome["bad-xml"].status == "ok" and "malformed" in (outcome["bad-xml"].error or "")
    assert not report.all_failed and report.failed == 3


def test_per_host_limit_bounds_concurrent_requests(server: LoopbackServer, store: Store) -> None:
    lock = threading.Lock()
    active = [0, 0]

    def counted(request: Request) -> None:
        with lock:
            active[0] += 1
            active[1] = max(active[1], active[0])
        time.sleep(0.2)
        with lock:
            active[0] -= 1
        request.reply(200, rss(ITEMS))

    for i in range(8):
        server.routes[f"/f{i}"] = counted
    config = CONFIG.model_copy(update={"per_host": 2, "concurrency": 16})
    report = collect(store, [Source(f"f{i}", server.url(f"/f{i}")) for i in range(8)],
                     config=config)
    assert all(r.status == "ok" for r in report.results)
    assert active[1] == 2


def test_blocked_feed_is_reported(store: Store) -> None:
    source = Source("Intranet", "http://127.0.0.1:9/feed")
    report = collect_sources([source], store, CONFIG, NOW, allow_private_hosts=False, force=True)
    assert report.results[0].status == "blocked"
    assert report.all_failed
    assert store.feed_state(source.url).failures == 1


def test_relative_links_resolve_against_the_fetched_url(
        server: LoopbackServer, store: Store) -> None:
    body = (b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
            b"<item><guid>r1</guid><title>Relative</title><link>/news/r1</link>"
            b"<description>Short.</description></item></channel></rss>")
    server.routes["/feeds/main.xml"] = static(body)
    collect(store, [Source("Rel", server.url("/feeds/main.xml"))])
    (article,) = store.articles_in_window(NOW - timedelta(days=1), NOW + timedelta(days=1),
                                          before_date="9999-12-31")
    assert article.url == server.url("/news/r1")


def test_429_with_http_date_postpones_and_without_retry_after_backs_off(
        server: LoopbackServer, store: Store) -> None:
    later = "Mon, 03 Nov 2025 18:00:00 GMT"
    server.routes["/a"] = static(b"slow down", 429, [("Retry-After", later)], "text/plain")
    server.routes["/b"] = static(b"slow down", 429, content_type="text/plain")
    report = collect(store, [Source("A", server.url("/a")), Source("B", server.url("/b"))])
    assert [r.status for r in report.results] == ["postponed", "error"]
    assert from_iso(store.feed_state(server.url("/a")).next_poll or "") == NOW + timedelta(hours=6)
    assert from_iso(store.feed_state(server.url("/b")).next_poll or "") == NOW + timedelta(hours=1)


def test_each_feed_gets_a_log_line_and_progress_off_a_terminal_is_harmless(
        server: LoopbackServer, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    server.routes["/feed"] = static(rss(ITEMS))
    server.routes["/gone"] = static(b"", 410)
    caplog.set_level("INFO", logger="briefing.collect")
    report = collect_sources(
        [Source("Daily", server.url("/feed")), Source("Old", server.url("/gone"))], store,
        CONFIG, NOW, allow_private_hosts=True, progress=True)
    assert report.new_articles == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "briefing.collect"]
    assert "Daily: ok HTTP 200, 2 new of 2" in lines
    assert any(line.startswith("Old: gone HTTP 410") for line in lines)
    assert report.summary_line() == "collected 2 new articles from 2 sources (1 gone, 1 ok)"


def test_old_teasers_are_not_fetched(server: LoopbackServer, store: Store) -> None:
    server.routes["/feed"] = static(rss([("old", "Old story", "Short teaser…")],
                                        link_base=server.url("/articles/")))
    config = CONFIG.model_copy(update={"full_text": True})
    report = collect(store, [Source("Daily", server.url("/feed"))], config=config,
                     now=NOW + timedelta(days=5))
    assert report.new_articles == 1
    assert server.requests("/articles/old") == []


@pytest.mark.slow
def test_corpus_feeds_through_the_whole_collect_path(
        shared: Path, server: LoopbackServer, store: Store) -> None:
    roots = [shared / "eval-data" / "feedparser-tests", shared / "eval-data" /
             "node-feedparser-feeds"]
    files = sorted(p for root in roots for p in root.rglob("*")
                   if p.is_file() and p.name not in ("LICENSE", "SOURCE.txt"))[::8]
    sources = []
    for i, path in enumerate(files):
        server.routes[f"/c{i}"] = static(path.read_bytes(), content_type="application/xml")
        sources.append(Source(path.name, server.url(f"/c{i}")))
    config = CONFIG.model_copy(update={"concurrency": 32, "per_host": 32})
    report = collect(store, sources, config=config)
    assert len(report.results) == len(files) > 200
    statuses = {r.status for r in report.results}
    assert statuses <= {"ok", "error"}
    assert all(r.error for r in report.results if r.status == "error")
    assert sum(r.status == "ok" for r in report.results) > len(files) // 2
    assert store.article_count() > 0


# -- feed autodiscovery ---------------------------------------------------------------------

def _page(*links: str, base: str | None = None) -> bytes:
    """A home page whose <head> holds ``links`` (raw <link> markup) and an optional <base>."""
    head = (f"<base href='{base}'>" if base else "") + "".join(links)
    return (f"<!doctype html><html><head><title>Home</title>{head}</head>"
            f"<body><h1>Welcome</h1><p>Latest stories below.</p></body></html>").encode()


def _alternate(href: str, kind: str = "application/rss+xml", title: str = "News") -> str:
    return f"<link rel='alternate' type='{kind}' title='{title}' href='{href}'>"


def _revalidating(body: bytes, etag: str) -> Handler:
    def handle(request: Request) -> None:
        if request.headers.get("If-None-Match") == etag:
            request.reply(304, headers=[("ETag", etag)])
        else:
            request.reply(200, body, [("ETag", etag)])

    return handle


def test_a_home_page_is_read_through_the_feed_it_links_to(
        server: LoopbackServer, store: Store, caplog: pytest.LogCaptureFixture) -> None:
    server.routes["/"] = static(_page(_alternate("/comments/feed", title="Comments"),
                                      _alternate("/feed.xml")), content_type="text/html")
    server.routes["/feed.xml"] = _revalidating(rss(ITEMS), '"v1"')
    source = Source("Home", server.url("/"))
    caplog.set_level("INFO", logger="briefing.collect")
    (result,) = collect(store, [source]).results
    hint = (f"{source.url} is a web page; using the feed it links to: "
            f"{server.url('/feed.xml')} (put that URL in config.yaml)")
    assert (result.status, result.new, result.entries, result.error) == ("ok", 2, 2, hint)
    assert sorted(_articles(store)) == ["Bridge reopens", "Budget approved"]
    assert [r.getMessage() for r in caplog.records if "is a web page" in r.getMessage()
            and r.levelname == "INFO"] \
        == [f"Home: {hint}", f"Home: ok HTTP 200, 2 new of 2 - {hint}"]
    state = store.feed_state(source.url)
    assert state.discovered_url == server.url("/feed.xml") and state.etag == '"v1"'
    assert [s.path for s in server.seen] == ["/", "/feed.xml"]

    server.seen.clear()
    caplog.clear()
    (again,) = collect(store, [source], now=NOW + timedelta(hours=2)).results
    assert (again.status, again.http_status, again.error) == ("not-modified", 304, hint)
    assert [s.path for s in server.seen] == ["/feed.xml"]
    assert server.seen[0].headers.get("if-none-match") == '"v1"'
    assert not any(r.getMessage() == f"Home: {hint}" for r in caplog.records)
    assert store.article_count() == 2
    # Entries keep the identity of the configured source, whatever address served them.
    assert {a.feed for a in store.articles_in_window(
        NOW - timedelta(days=30), NOW + timedelta(days=1), before_date="9999-12-31")} \
        == {source.url}


def test_new_items_of_a_discovered_feed_are_collected_without_the_page(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page(_alternate("/atom", "application/atom+xml")),
                                content_type="text/html")
    server.routes["/atom"] = static(rss(ITEMS[:1]))
    source = Source("Home", server.url("/"))
    assert collect(store, [source]).new_articles == 1
    server.routes["/atom"] = static(rss(ITEMS))
    (result,) = collect(store, [source], now=NOW + timedelta(hours=1)).results
    assert (result.status, result.new, result.entries) == ("ok", 1, 2)
    assert [s.path for s in server.seen] == ["/", "/atom", "/atom"]


def test_a_page_that_links_to_no_feed_is_reported_as_before(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page("<link rel='stylesheet' href='/site.css'>",
                                      _alternate("/feed.json", "application/feed+json")),
                                content_type="text/html")
    source = Source("Home", server.url("/"))
    for run, delay in enumerate((timedelta(hours=1), timedelta(hours=2)), start=1):
        (result,) = collect(store, [source]).results
        assert result.status == "error" and result.failed
        assert "not a usable feed" in (result.error or "")
        assert (result.error or "").endswith("the page links to no feed")
        state = store.feed_state(source.url)
        assert state.failures == run and state.discovered_url is None
        assert from_iso(state.next_poll or "") == NOW + delay
    assert [s.path for s in server.seen] == ["/", "/"]


def test_a_link_to_another_page_is_followed_once_and_reported(
        server: LoopbackServer, store: Store) -> None:
    page = _page(_alternate("/about"))
    server.routes["/"] = static(page, content_type="text/html")
    server.routes["/about"] = static(page, content_type="text/html")
    source = Source("Home", server.url("/"))
    (result,) = collect(store, [source]).results
    assert result.status == "error" and result.failed
    assert f"the linked feed {server.url('/about')} is not usable: not a usable feed" \
        in (result.error or "")
    assert [s.path for s in server.seen] == ["/", "/about"]
    state = store.feed_state(source.url)
    assert state.failures == 1 and state.discovered_url is None


def test_a_page_whose_feed_link_names_itself_is_not_fetched_again(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page(_alternate("/")), content_type="text/html")
    source = Source("Home", server.url("/"))
    (result,) = collect(store, [source]).results
    assert result.status == "error" and result.failed
    assert (result.error or "").endswith("the page links to no feed")
    assert [s.path for s in server.seen] == ["/"]
    assert store.feed_state(source.url).failures == 1


def test_a_linked_feed_that_fails_is_reported_with_its_address(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page(_alternate("/missing.xml")), content_type="text/html")
    source = Source("Home", server.url("/"))
    (result,) = collect(store, [source]).results
    assert (result.status, result.http_status) == ("error", 404)
    assert f"the linked feed {server.url('/missing.xml')} is not usable: HTTP 404" \
        in (result.error or "")
    assert store.feed_state(source.url).failures == 1


@pytest.mark.parametrize(("path", "links", "fetched"), [
    ("/site/index.html", [_alternate("rss.xml")], "/site/rss.xml"),
    ("/site/index.html", [_alternate("main.xml")], "/feeds/main.xml"),
    ("/site/", [_alternate("../top.xml")], "/top.xml"),
], ids=["relative", "base-href", "dot-dot"])
def test_relative_feed_links_resolve_against_the_page_or_its_base(
        server: LoopbackServer, store: Store, path: str, links: list[str], fetched: str) -> None:
    base = "/feeds/" if fetched == "/feeds/main.xml" else None
    server.routes[path] = static(_page(*links, base=base), content_type="text/html")
    server.routes[fetched] = static(rss(ITEMS))
    source = Source("Home", server.url(path))
    (result,) = collect(store, [source]).results
    assert (result.status, result.new) == ("ok", 2)
    assert store.feed_state(source.url).discovered_url == server.url(fetched)
    assert [s.path for s in server.seen] == [path, fetched]


@pytest.mark.parametrize("gone", [
    static(b"not found", 404, content_type="text/plain"),
    static(b"", 410),
    # Links on what the remembered address answers are never followed (one hop only).
    static(_page(_alternate("/elsewhere.xml")), content_type="text/html"),
], ids=["404", "410", "now-a-page"])
def test_a_remembered_feed_that_fails_sends_the_next_run_back_to_the_page(
        server: LoopbackServer, store: Store, gone: Handler) -> None:
    server.routes["/"] = static(_page(_alternate("/old.xml")), content_type="text/html")
    server.routes["/old.xml"] = static(rss(ITEMS[:1]), headers=[("ETag", '"old"')])
    source = Source("Home", server.url("/"))
    collect(store, [source])
    server.routes["/old.xml"] = gone
    (failed,) = collect(store, [source], now=NOW + timedelta(hours=1)).results
    assert failed.status == "error" and failed.failed
    assert f"the linked feed {server.url('/old.xml')} is not usable" in (failed.error or "")
    assert f"the next run reads {source.url} again" in (failed.error or "")
    state = store.feed_state(source.url)
    assert not state.disabled and state.failures == 1
    assert (state.discovered_url, state.etag) == (None, None)

    # The site moved its feed: the next run finds the new one from the page.
    server.routes["/"] = static(_page(_alternate("/new.xml")), content_type="text/html")
    server.routes["/new.xml"] = static(rss(ITEMS))
    (found,) = collect(store, [source], now=NOW + timedelta(hours=3)).results
    assert (found.status, found.new) == ("ok", 1)
    assert server.url("/new.xml") in (found.error or "")
    assert store.feed_state(source.url).discovered_url == server.url("/new.xml")
    assert [s.path for s in server.seen] == ["/", "/old.xml", "/old.xml", "/", "/new.xml"]
    assert server.seen[2].headers.get("if-none-match") == '"old"'
    assert "if-none-match" not in server.seen[3].headers


def test_a_remembered_feed_with_a_server_error_is_kept(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page(_alternate("/feed.xml")), content_type="text/html")
    server.routes["/feed.xml"] = static(rss(ITEMS))
    source = Source("Home", server.url("/"))
    collect(store, [source])
    server.routes["/feed.xml"] = static(b"oops", 500, content_type="text/plain")
    (result,) = collect(store, [source], now=NOW + timedelta(hours=1)).results
    assert (result.status, result.http_status) == ("error", 500)
    state = store.feed_state(source.url)
    assert state.discovered_url == server.url("/feed.xml") and state.failures == 1
    assert [s.path for s in server.seen] == ["/", "/feed.xml", "/feed.xml"]


def test_a_disabled_feed_whose_address_became_a_home_page_comes_back(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(b"", 410)
    source = Source("Home", server.url("/"))
    collect(store, [source])
    assert store.feed_state(source.url).disabled
    server.routes["/"] = static(_page(_alternate("/feed.xml")), content_type="text/html")
    server.routes["/feed.xml"] = static(rss(ITEMS))
    (result,) = collect(store, [source], now=NOW + GONE_RECHECK, force=False).results
    assert (result.status, result.new) == ("ok", 2)
    state = store.feed_state(source.url)
    assert not state.disabled and state.discovered_url == server.url("/feed.xml")


def test_the_linked_feed_is_fetched_under_the_same_size_cap(
        server: LoopbackServer, store: Store) -> None:
    server.routes["/"] = static(_page(_alternate("/big.xml")), content_type="text/html")
    big = rss([(f"g{i}", f"Story {i}", LONG) for i in range(40)])
    server.routes["/big.xml"] = static(big)
    config = CONFIG.model_copy(update={"max_bytes": len(big) // 2})
    (result,) = collect(store, [Source("Home", server.url("/"))], config=config).results
    assert result.status == "error"
    assert f"the linked feed {server.url('/big.xml')} is not usable: body of" \
        in (result.error or "")
    assert "byte cap" in (result.error or "") and store.article_count() == 0


def test_a_discovered_feed_that_moves_permanently_is_remembered_at_its_new_address(
        server: LoopbackServer, store: Store) -> None:
    def moved(request: Request) -> None:
        request.reply(301, headers=[("Location", "/feeds/main.xml")])

    server.routes["/"] = static(_page(_alternate("/rss")), content_type="text/html")
    server.routes["/rss"] = moved
    server.routes["/feeds/main.xml"] = static(rss(ITEMS))
    source = Source("Home", server.url("/"))
    (result,) = collect(store, [source]).results
    assert (result.status, result.new) == ("ok", 2)
    assert server.url("/feeds/main.xml") in (result.error or "")
    assert store.feed_state(source.url).discovered_url == server.url("/feeds/main.xml")
    collect(store, [source], now=NOW + timedelta(hours=1))
    assert [s.path for s in server.seen] == ["/", "/rss", "/feeds/main.xml", "/feeds/main.xml"]


def test_a_database_from_before_discovery_gains_the_column(
        server: LoopbackServer, tmp_path: Path) -> None:
    source = Source("Home", server.url("/"))
    legacy = sqlite3.connect(tmp_path / "old.db", isolation_level=None)
    legacy.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)")
    for name, step in MIGRATIONS[:3]:
        step(legacy)
        legacy.execute("INSERT INTO migrations VALUES (?, ?)", (name, iso(NOW)))
    legacy.execute("INSERT INTO feeds(url, name, etag) VALUES (?, 'Home', '\"p\"')",
                   (source.url,))
    legacy.close()
    server.routes["/"] = static(_page(_alternate("/feed.xml")), content_type="text/html")
    server.routes["/feed.xml"] = static(rss(ITEMS))
    with Store(tmp_path / "old.db") as store:
        assert "004_discovered_feed" in store.applied_migrations()
        before = store.feed_state(source.url)
        assert before.discovered_url is None and before.etag == '"p"'
        (result,) = collect(store, [source]).results
        assert (result.status, result.new) == ("ok", 2)
        assert store.feed_state(source.url).discovered_url == server.url("/feed.xml")
