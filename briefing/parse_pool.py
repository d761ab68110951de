"""The CPU work of a collect run, kept off the event loop that drives the fetches.

Parsing a feed, turning entry HTML into text and cleaning it cost milliseconds each; done on
the event loop (or in a thread, which holds the GIL just the same) they delay every response
still in flight. With enough feeds to keep them busy the work runs in worker processes, so it
overlaps the network waits on another core; with a few feeds, in a thread, as starting
processes would cost more than it saves.

Workers come from a forkserver (a fresh interpreter, never a fork of this threaded process).
A worker that dies (a crash inside a C parser, the OOM killer) breaks the pool: the pool is
replaced and the task tried once more, so feeds merely in flight at the time are not lost; a
task that breaks the pool twice raises :class:`ParseError` for its feed alone.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from functools import partial
from typing import TypeVar

from .clean import clean_text
from .errors import ParseError
from .feeds import FeedEntry, ParsedFeed, html_to_text, parse_feed

log = logging.getLogger("briefing.parse_pool")

# Below this many feeds to parse, a thread does the work: the pool would start too late to pay.
POOL_MIN_FEEDS = 8
MAX_WORKERS = 2
WORKER_NICENESS = 5

T = TypeVar("T")


def pool_size(feeds: int) -> int:
    """Worker processes worth starting for ``feeds`` feeds (0: use a thread)."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if feeds < POOL_MIN_FEEDS or (cpus or 1) < 2 \
            or "forkserver" not in multiprocessing.get_all_start_methods():
        return 0
    return min(MAX_WORKERS, cpus or 1)


def entry_texts(htmls: Sequence[str]) -> list[tuple[str, str]]:
    """(plain text, cleaned text) of each entry's HTML."""
    texts = [html_to_text(html) for html in htmls]
    return [(text, clean_text(text)) for text in texts]


def parse_with_texts(body: bytes, headers: Mapping[str, str], now: datetime
                     ) -> tuple[ParsedFeed, list[tuple[str, str]] | None]:
    feed = parse_feed(body, headers, now=now)
    return feed, entry_texts([entry.html for entry in feed.entries])


def clean_texts(texts: Sequence[str]) -> list[str]:
    return [clean_text(text) for text in texts]


def _ready() -> int:
    return os.getpid()


def _yield_to_the_event_loop() -> None:
    # Workers with a backlog would otherwise take turns on the CPU with the event loop, and
    # every response still in flight would wait for its turn; the loop drives all the rest.
    os.nice(WORKER_NICENESS)


class ParsePool:
    """Runs the CPU work in ``processes`` worker processes, or in a thread when 0.

    Use as an async context manager; leaving it shuts the workers down. Workers start in the
    background: starting one blocks until the forkserver has forked it, which must not hold up
    the event loop that is sending the first requests meanwhile.
    """

    def __init__(self, processes: int) -> None:
        self.processes = processes
        self._starting: asyncio.Future[ProcessPoolExecutor] | None = None

    async def __aenter__(self) -> ParsePool:
        if self.processes:
            self._begin()
        return self

    async def __aexit__(self, *exc: object) -> None:
        executor = await self._executor()
        self._starting = None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)

    def _begin(self) -> None:
        self._starting = asyncio.ensure_future(asyncio.to_thread(self._start))

    def _start(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("forkserver")
        # The forkserver imports the parsing code once; every worker forked from it has it.
        context.set_forkserver_preload([__name__])
        executor = ProcessPoolExecutor(self.processes, mp_context=context,
                                       initializer=_yield_to_the_event_loop)
        # One no-op each starts every worker now, while the first responses are in flight.
        for _ in range(self.processes):
            executor.submit(_ready)
        return executor

    async def _executor(self) -> ProcessPoolExecutor | None:
        """The started executor; None in thread mode or if processes could not be started."""
        if self._starting is None:
            return None
        try:
            return await asyncio.shield(self._starting)
        except (OSError, ValueError) as err:
            log.warning("parse workers did not start (%s); parsing in a thread", err)
            self._starting = None
            return None

    async def _run(self, task: Callable[[], T]) -> T:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            executor = await self._executor()
            if executor is None:
                return await asyncio.to_thread(task)
            try:
                return await loop.run_in_executor(executor, task)
            except BrokenProcessPool:
                if attempt == 2:
                    raise ParseError("the parser process died on this feed") from None
                if self._starting is not None and self._starting.done() \
                        and self._starting.result() is executor:
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._begin()
        raise AssertionError("unreachable")

    async def parse(self, body: bytes, headers: Mapping[str, str], now: datetime, *,
                    with_texts: bool = False,
                    ) -> tuple[ParsedFeed, list[tuple[str, str]] | None]:
        """The parsed feed and, if ``with_texts``, (text, cleaned text) of every entry."""
        if with_texts:
            return await self._run(partial(parse_with_texts, body, dict(headers), now))
        return await self._run(partial(parse_feed, body, dict(headers), now=now)), None

    async def entry_texts(self, entries: Sequence[FeedEntry]) -> list[tuple[str, str]]:
        """(plain text, cleaned text) of each entry."""
        if not entries:
            return []
        return await self._run(partial(entry_texts, [entry.html for entry in entries]))

    async def clean_texts(self, texts: Sequence[str]) -> list[str]:
        if not texts:
            return []
        return await self._run(partial(clean_texts, list(texts)))
