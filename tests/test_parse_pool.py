from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from functools import partial

import pytest
from helpers_http import rss

from briefing.errors import ParseError
from briefing.parse_pool import POOL_MIN_FEEDS, ParsePool, pool_size

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
BODY = rss([
    ("a", "Harbour &amp; wall", "<p>The wall will be rebuilt.</p><script>alert('x')</script>"
                                "<p>Read more</p><style>p { color: red }</style>"),
    ("b", "Bridge", "The bridge reopens on Monday after repairs to its deck."),
])


def test_few_feeds_are_parsed_in_a_thread() -> None:
    assert pool_size(POOL_MIN_FEEDS - 1) == 0
    cpus = len(os.sched_getaffinity(0))
    assert pool_size(200) == (min(2, cpus) if cpus >= 2 else 0)


@pytest.mark.parametrize("processes", [0, 1])
def test_parse_and_texts_agree_in_a_thread_and_in_a_worker(processes: int) -> None:
    async def run() -> None:
        async with ParsePool(processes) as pool:
            feed, texts = await pool.parse(BODY, {"content-type": "application/rss+xml"}, NOW,
                                           with_texts=True)
            plain, none = await pool.parse(BODY, {}, NOW)
            later = await pool.entry_texts(plain.entries)
            cleaned = await pool.clean_texts(
                ["The council met on Tuesday to discuss the budget.\nRead more\n5 min read"])
        assert none is None and plain == feed
        assert [e.title for e in feed.entries] == ["Harbour & wall", "Bridge"]
        assert texts == later == [
            ("The wall will be rebuilt.\nRead more", "The wall will be rebuilt."),
            ("The bridge reopens on Monday after repairs to its deck.",
             "The bridge reopens on Monday after repairs to its deck."),
        ]
        assert cleaned == ["The council met on Tuesday to discuss the budget."]

    asyncio.run(run())


def test_a_worker_that_dies_fails_its_own_task_and_the_pool_goes_on() -> None:
    async def run() -> None:
        async with ParsePool(1) as pool:
            with pytest.raises(ParseError):
                await pool._run(partial(os._exit, 3))
            feed, _ = await pool.parse(BODY, {}, NOW)
        assert len(feed.entries) == 2

    asyncio.run(run())
