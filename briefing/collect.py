"""Collect new articles from every source into the store.

Local sources are read from disk; http(s) feeds are fetched concurrently, bounded overall and
per host, by :class:`briefing.fetch.Fetcher`. One slow or broken feed never stalls or fails the
run: every fetch has a deadline, each feed ends with a result line in the log and a row in the
report, and its state (validators, failures, next poll, redirects) is saved through the store.

Per feed: a feed not yet due (``next_poll``) is skipped unless ``force``; 304 writes nothing but
the schedule; 429/503 postpone by Retry-After; 301/308 move the feed only after
``MOVE_AFTER`` consecutive identical observations; 410 disables it; other failures back off and
keep the validators, so nothing seen is forgotten.

A source that answers with a web page instead of a feed is read through the feed the page links
to (``<link rel="alternate" type="application/rss+xml" ...>``), one hop and under the same
limits; that address is kept in ``discovered_url`` and fetched directly, validators and all,
until it fails with 404/410 or stops being a feed (see ``_forget_discovered``).

A disabled feed gets a second chance: its ``next_poll`` holds the re-check time, ``GONE_RECHECK``
after the 410 (or after the last failed re-check); until then, and unless ``force``, it is
reported ``disabled`` without a request. A re-check answered by a usable feed or a 304 re-enables
the feed and collects it in the same run; any other answer keeps it disabled and restarts the
clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import urljoin

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .config import FetchConfig
from .errors import BlockedAddressError, FetchError
from .feeds import FeedEntry, ParsedFeed, article_id, discover_feed_links
from .fetch import PAGE_ACCEPT, Fetcher, FetchResult, next_poll
from .fulltext import extract_text, is_teaser
from .local import LocalResult, is_local, read_local_source
from .models import Article, Source
from .parse_pool import ParsePool, pool_size
from .store import FeedState, Store, from_iso, iso

log = logging.getLogger("briefing.collect")

MOVE_AFTER = 3
MAX_FULL_TEXT_PER_FEED = 30
# Older entries cannot reach a briefing any more; their pages are not worth a request.
FULL_TEXT_MAX_AGE = timedelta(days=3)
DUE_SLACK = timedelta(minutes=2)
FAILED = ("error", "blocked", "gone")
GONE_RECHECK = timedelta(days=7)


@dataclass(frozen=True)
class FeedResult:
    """What happened to one source in one collect run.

    status: ok | not-modified | postponed | skipped | disabled | gone | blocked | error
    """

    name: str
    url: str
    status: str
    new: int = 0
    entries: int = 0
    error: str | None = None
    http_status: int | None = None

    @property
    def failed(self) -> bool:
        return self.status in FAILED

    def line(self) -> str:
        code = f" HTTP {self.http_status}" if self.http_status else ""
        detail = f" - {self.error}" if self.error else ""
        return f"{self.name}: {self.status}{code}, {self.new} new of {self.entries}{detail}"


@dataclass(frozen=True)
class CollectReport:
    results: tuple[FeedResult, ...]

    @property
    def new_articles(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.failed)

    @property
    def all_failed(self) -> bool:
        return bool(self.results) and self.failed == len(self.results)

    def summary_line(self) -> str:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        detail = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        return (f"collected {self.new_articles} new articles from {len(self.results)} sources"
                + (f" ({detail})" if detail else ""))


def _log_result(result: FeedResult) -> None:
    level = logging.WARNING if result.failed else logging.INFO
    log.log(level, "%s", result.line())


def _store_local(source: Source, local: LocalResult, store: Store, now: datetime) -> FeedResult:
    new = store.add_articles(local.articles)
    error = "; ".join(local.problems[:3]) or None
    if len(local.problems) > 3:
        error = f"{error}; and {len(local.problems) - 3} more"
    status = "error" if local.malformed and not local.articles else "ok"
    state = replace(store.feed_state(source.url), name=source.name, last_attempt=iso(now),
                    last_error=error)
    if status == "ok":
        state = replace(state, last_success=iso(now), failures=0)
    else:
        state = replace(state, failures=state.failures + 1)
    store.save_feed_state(state)
    return FeedResult(source.name, source.url, status, len(new), len(local.articles), error)


def _discovery_hint(source: Source, feed_url: str) -> str:
    return (f"{source.url} is a web page; using the feed it links to: {feed_url} "
            f"(put that URL in config.yaml)")


def _entry_article(source: Source, entry: FeedEntry, text: str, now: datetime) -> Article:
    return Article(
        id=article_id(source.url, entry.identity), source=source.name,
        url=entry.link or source.url,
        title=entry.title or text.split("\n", 1)[0][:200], text=text,
        published=entry.published, fetched=now, feed=source.url,
        guid=entry.guid or entry.identity,
    )


class _Collector:
    def __init__(self, store: Store, fetcher: Fetcher, pool: ParsePool, config: FetchConfig,
                 now: datetime, base: timedelta, force: bool) -> None:
        self.store = store
        self.fetcher = fetcher
        self.pool = pool
        self.config = config
        self.now = now
        self.base = base
        self.force = force

    async def source(self, source: Source) -> FeedResult:
        state = self.store.feed_state(source.url)
        due = (self.force or not state.next_poll
               or from_iso(state.next_poll) <= self.now + DUE_SLACK)
        if state.disabled and not due:
            return FeedResult(source.name, source.url, "disabled",
                              error=f"{state.gone_reason}; re-checked after {state.next_poll}")
        if not due:
            return FeedResult(source.name, source.url, "skipped",
                              error=f"next poll at {state.next_poll}")
        moved = state.redirect_url if state.redirect_count >= MOVE_AFTER else None
        url = state.discovered_url or moved or source.url
        state = replace(state, name=source.name, last_attempt=iso(self.now))
        try:
            result = await self.fetcher.fetch(
                url, etag=state.etag, last_modified=state.last_modified)
        except BlockedAddressError as err:
            return self._failed(source, state, "blocked", str(err))
        except FetchError as err:
            return self._failed(source, state, "error", str(err))
        if not state.discovered_url:
            # Redirects are tracked for the configured address only.
            state = self._track_redirect(state, result, moved)
        return await self._handle(source, state, result)

    def _failed(self, source: Source, state: FeedState, status: str, error: str,
                http_status: int | None = None, headers: dict[str, str] | None = None
                ) -> FeedResult:
        if state.disabled:
            return self._disable(source, state, status, error, http_status)
        failures = state.failures + 1
        self.store.save_feed_state(replace(
            state, failures=failures, last_error=error, last_status=http_status,
            next_poll=iso(next_poll(self.now, base=self.base, headers=headers,
                                    ttl_minutes=state.ttl_minutes, failures=failures)),
        ))
        return FeedResult(source.name, source.url, status, error=error, http_status=http_status)

    def _disable(self, source: Source, state: FeedState, status: str, error: str,
                        http_status: int | None) -> FeedResult:
        """The feed is gone, or a re-check of a disabled feed failed: disabled until
        ``GONE_RECHECK`` from now."""
        recheck = iso(self.now + GONE_RECHECK)
        self.store.save_feed_state(replace(
            state, disabled=True, last_status=http_status, last_error=error, next_poll=recheck))
        return FeedResult(source.name, source.url, status, http_status=http_status,
                          error=f"{error}; feed disabled, re-checked after {recheck}")

    @staticmethod
    def _track_redirect(state: FeedState, result: FetchResult, moved: str | None) -> FeedState:
        target = result.permanent_redirect
        if target is None:
            return state if moved else replace(state, redirect_url=None, redirect_count=0)
        if target == state.redirect_url and not moved:
            return replace(state, redirect_count=state.redirect_count + 1)
        return replace(state, redirect_url=target, redirect_count=1)

    async def _handle(self, source: Source, state: FeedState, result: FetchResult) -> FeedResult:
        status = result.status
        headers = dict(result.headers)
        if state.discovered_url and status in (404, 410):
            return self._forget_discovered(source, state, f"HTTP {status}", status, headers)
        if status == 410:
            return self._disable(
                source, replace(state, disabled=True), "gone", "410 Gone", 410)
        if status in (429, 503) and headers.get("retry-after") and not state.disabled:
            failures = state.failures + 1
            self.store.save_feed_state(replace(
                state, failures=failures, last_status=status,
                last_error=f"HTTP {status}, Retry-After {headers['retry-after']}",
                next_poll=iso(next_poll(self.now, base=self.base, headers=headers,
                                        ttl_minutes=state.ttl_minutes, failures=failures)),
            ))
            return FeedResult(source.name, source.url, "postponed", http_status=status,
                              error=f"Retry-After {headers['retry-after']}")
        if status == 304:
            self.store.save_feed_state(self._succeeded(state, headers, 304, state.ttl_minutes))
            hint = _discovery_hint(source, state.discovered_url) if state.discovered_url else None
            return FeedResult(source.name, source.url, "not-modified", error=hint,
                              http_status=304)
        if not 200 <= status < 300:
            return self._failed(source, state, "error", f"HTTP {status}", status, headers)

        feed, texts, headers = await self._parse(state, result)
        if not feed.entries and feed.malformed:
            unusable = f"not a usable feed: {feed.problem}"
            if state.discovered_url:
                return self._forget_discovered(source, state, unusable, status)
            return await self._discover(source, state, result, unusable)
        if state.discovered_url:
            state = replace(state,
                            discovered_url=result.permanent_redirect or state.discovered_url)
        return await self._store_feed(source, state, result, feed, texts, headers)

    async def _parse(self, state: FeedState, result: FetchResult
                     ) -> tuple[ParsedFeed, list[tuple[str, str]] | None, dict[str, str]]:
        """The feed in a 2xx answer, the texts of its entries if converted on the way, and the
        response headers it was parsed with."""
        headers = dict(result.headers)
        # Relative links in the feed resolve against where it was actually fetched from.
        headers["content-location"] = urljoin(result.final_url,
                                              headers.get("content-location", ""))
        # A feed never read before has nothing stored: every entry needs its text, so the
        # worker converts them in the same trip.
        feed, texts = await self.pool.parse(result.body, headers, self.now,
                                            with_texts=state.last_success is None)
        return feed, texts, headers

    async def _store_feed(self, source: Source, state: FeedState, result: FetchResult,
                          feed: ParsedFeed, texts: list[tuple[str, str]] | None,
                          headers: dict[str, str]) -> FeedResult:
        articles = await self._articles(source, feed.entries, texts)
        new = self.store.add_articles(articles)
        self.store.save_feed_state(replace(
            self._succeeded(state, headers, result.status, feed.ttl_minutes),
            etag=headers.get("etag"), last_modified=headers.get("last-modified"),
        ))
        problems = [f"malformed feed: {feed.problem}"] if feed.problem else []
        if feed.briefing_feed:
            log.info("%s is a feed of briefings: its entries are not collected as articles",
                     source.name)
        if state.discovered_url:
            problems.insert(0, _discovery_hint(source, state.discovered_url))
        return FeedResult(source.name, source.url, "ok", len(new), len(feed.entries),
                          "; ".join(problems) or None, result.status)

    async def _discover(self, source: Source, state: FeedState, page: FetchResult,
                        unusable: str) -> FeedResult:
        """The source answered with something that is not a feed: if it is a web page that
        links to a feed, fetch that feed (one hop: what it answers is never searched for links
        in turn), collect it and remember its address in ``discovered_url``."""
        links = [
            link
            for link in await asyncio.to_thread(discover_feed_links, page.body, page.final_url)
            if link not in (page.final_url, source.url)  # the page itself: nothing to follow
        ]
        if not links:
            return self._failed(source, state, "error", f"{unusable}; the page links to no feed",
                                page.status)
        link = links[0]
        failed = f"{source.url} is a web page and the linked feed {link} is not usable"
        try:
            result = await self.fetcher.fetch(link)
        except BlockedAddressError as err:
            return self._failed(source, state, "blocked", f"{failed}: {err}")
        except FetchError as err:
            return self._failed(source, state, "error", f"{failed}: {err}")
        if not 200 <= result.status < 300:
            return self._failed(source, state, "error", f"{failed}: HTTP {result.status}",
                                result.status, dict(result.headers))
        feed, texts, headers = await self._parse(state, result)
        if not feed.entries and feed.malformed:
            return self._failed(source, state, "error",
                                f"{failed}: not a usable feed: {feed.problem}", result.status)
        state = replace(state, discovered_url=result.permanent_redirect or link)
        log.info("%s: %s", source.name, _discovery_hint(source, state.discovered_url or link))
        return await self._store_feed(source, state, result, feed, texts, headers)

    def _forget_discovered(self, source: Source, state: FeedState, why: str,
                           http_status: int | None, headers: dict[str, str] | None = None
                           ) -> FeedResult:
        """The remembered linked feed is gone (404, 410) or no longer a feed: forget it and its
        validators, and count a failure (with the usual backoff). The next run reads the
        configured address again, so a site that moved its feed is found again by discovery
        and a page that stopped linking one is reported as such."""
        linked = state.discovered_url
        state = replace(state, discovered_url=None, etag=None, last_modified=None)
        return self._failed(
            source, state, "error",
            f"the linked feed {linked} is not usable: {why}; the next run reads {source.url} "
            f"again to find its feed", http_status, headers)

    def _succeeded(self, state: FeedState, headers: dict[str, str], status: int,
                   ttl: int | None) -> FeedState:
        if state.disabled:
            log.info("feed %s is back (HTTP %d after 410 Gone): re-enabled", state.name, status)
        return replace(
            state, disabled=False, failures=0, last_error=None, last_status=status,
            last_success=iso(self.now), ttl_minutes=ttl,
            next_poll=iso(next_poll(self.now, base=self.base, headers=headers, ttl_minutes=ttl)),
        )

    async def _articles(self, source: Source, entries: Sequence[FeedEntry],
                        done: Sequence[tuple[str, str]] | None) -> list[Article]:
        """Articles of the entries not stored yet; ``done``: (text, cleaned) of every entry,
        when already at hand."""
        ids = [article_id(source.url, e.identity) for e in entries]
        known = self.store.known_article_ids(ids)
        fresh = [e for e, i in zip(entries, ids, strict=True) if i not in known]
        if done is not None:
            texts = [t for t, i in zip(done, ids, strict=True) if i not in known]
        else:
            # Only entries not seen before are worth converting and cleaning.
            texts = await self.pool.entry_texts(fresh)
        teasers = [
            (e, text) for e, (text, _cleaned) in zip(fresh, texts, strict=True)
            if self.config.full_text and e.link.lower().startswith(("http://", "https://"))
            and e.published >= self.now - FULL_TEXT_MAX_AGE and is_teaser(text)
        ][:MAX_FULL_TEXT_PER_FEED]
        pages = await asyncio.gather(*(self._full_text(e.link) for e, _text in teasers))
        full = {e.identity: page for (e, text), page in zip(teasers, pages, strict=True)
                if page and len(page) > len(text)}
        full_cleaned = dict(zip(full, await self.pool.clean_texts(list(full.values())),
                                strict=True))
        articles = []
        for entry, (_text, cleaned) in zip(fresh, texts, strict=True):
            text = full_cleaned.get(entry.identity, cleaned)
            if not text and not entry.title:
                continue
            articles.append(_entry_article(source, entry, text or entry.title, self.now))
        return articles

    async def _full_text(self, link: str) -> str | None:
        try:
            page = await self.fetcher.fetch(link, accept=PAGE_ACCEPT)
        except FetchError as err:
            log.info("full text of %s not fetched: %s", link, err)
            return None
        if page.status != 200 or not page.body:
            return None
        return await asyncio.to_thread(extract_text, page.body, page.final_url)


def _progress_bar(enabled: bool) -> Progress | None:
    if not enabled:
        return None
    console = Console(stderr=True)
    if not console.is_terminal:
        return None
    return Progress(TextColumn("collecting"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), TextColumn("{task.description}"), console=console,
                    transient=True)


async def collect_sources_async(
    sources: Sequence[Source], store: Store, fetch: FetchConfig, now: datetime, *,
    allow_private_hosts: bool, progress: bool = False, interval: timedelta = timedelta(hours=1),
    force: bool = False, parse_workers: int | None = None,
) -> CollectReport:
    bar = _progress_bar(progress)
    feeds = sum(1 for s in sources if not is_local(s.url))
    task = bar.add_task("", total=len(sources)) if bar else None
    results: list[FeedResult | None] = [None] * len(sources)

    workers = pool_size(feeds) if parse_workers is None else parse_workers
    async with ParsePool(workers) as pool, \
            Fetcher(fetch, allow_private_hosts=allow_private_hosts) as fetcher:
        collector = _Collector(store, fetcher, pool, fetch, now, interval, force)

        async def one(index: int, source: Source) -> None:
            try:
                if is_local(source.url):
                    local = await asyncio.to_thread(read_local_source, source, now)
                    outcome = _store_local(source, local, store, now)
                else:
                    outcome = await collector.source(source)
            except Exception as err:  # one broken feed must not fail the run
                log.exception("collecting %s failed", source.url)
                outcome = FeedResult(source.name, source.url, "error",
                                     error=f"{type(err).__name__}: {err}")
            results[index] = outcome
            _log_result(outcome)
            if bar is not None and task is not None:
                bar.update(task, advance=1, description=source.name)

        if bar is not None:
            bar.start()
        try:
            await asyncio.gather(*(one(i, s) for i, s in enumerate(sources)))
        finally:
            if bar is not None:
                bar.stop()
    return CollectReport(tuple(r for r in results if r is not None))


def collect_sources(
    sources: Sequence[Source],
    store: Store,
    fetch: FetchConfig,
    now: datetime,
    *,
    allow_private_hosts: bool,
    progress: bool = False,
    interval: timedelta = timedelta(hours=1),
    force: bool = False,
    parse_workers: int | None = None,
) -> CollectReport:
    """Collect every source once; see the module docstring for the per-feed rules.

    ``interval`` is the base poll interval; ``force`` fetches feeds that are not due yet.
    ``parse_workers`` processes parse and clean the feeds (0: a thread; default: decided by
    :func:`briefing.parse_pool.pool_size` from the number of feeds and CPUs).
    Runs its own event loop, so call it from synchronous code.
    """
    return asyncio.run(collect_sources_async(
        sources, store, fetch, now, allow_private_hosts=allow_private_hosts, progress=progress,
        interval=interval, force=force, parse_workers=parse_workers,
    ))


