"""The scale benchmark's synthetic world: valid feeds, conditional GETs answered with 304."""

from __future__ import annotations

import html
import importlib.util
import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import feedparser
import httpx
import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)

# Invented reports (not taken from any data set): three stories, two reports each.
STORIES = [
    [
        ("The harbour bridge in Lowmere will close for repairs on Monday, officials said.",
         "Engineers found corrosion in two cables during an inspection last week.",
         "Ferries will run every twenty minutes while the bridge is shut."),
        ("Lowmere's harbour bridge shuts Monday after inspectors found corroded cables.",
         "The council said repairs will take about six weeks.",
         "Extra ferries are planned."),
    ],
    [
        ("A storm left 12,000 homes in the Vell valley without power overnight.",
         "Crews expected to restore most connections by Friday evening.",
         "The utility denied that its lines had been poorly maintained."),
        ("About 11,500 customers lost power when the storm hit the Vell valley.",
         "The regional utility said most would be reconnected by the weekend."),
    ],
    [
        ("The Corran city library reopened after a two-year renovation on Saturday.",
         "The new wing holds a children's reading room and a small theatre."),
        ("Corran's renovated library opened its doors again on Saturday morning.",
         "Visitors queued before the opening, staff said.",
         "The project cost more than planned, according to the council."),
    ],
]


def _load_world() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_world", BENCH / "world.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


world = _load_world()


@pytest.fixture
def server() -> object:
    built = world.World.build(feeds=4, articles=24, as_of=AS_OF, stories=STORIES, seed=7)
    with world.WorldServer(built) as running:
        yield running


def test_world_spreads_articles_over_outlets_and_the_window() -> None:
    built = world.World.build(feeds=4, articles=40, as_of=AS_OF, stories=STORIES, seed=3)
    assert len(built.articles) == 40
    assert {a.outlet for a in built.articles} == {0, 1, 2, 3}
    assert len({a.key for a in built.articles}) == 40
    assert all(AS_OF.replace(day=20) <= a.published < AS_OF for a in built.articles)
    wire = [a for a in built.articles if a.wire]
    assert wire, "some articles must be verbatim wire copies"
    assert all(a.paragraphs == STORIES[a.story][a.document] for a in wire)


def test_every_feed_parses_with_full_text_and_links_to_served_pages(server: object) -> None:
    seen = set()
    with httpx.Client() as client:
        for url in server.feed_urls():  # type: ignore[attr-defined]
            response = client.get(url)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/rss+xml")
            parsed = feedparser.parse(io.BytesIO(response.content))
            assert not parsed.bozo, parsed.get("bozo_exception")
            assert parsed.version == "rss20"
            for entry in parsed.entries:
                seen.add(entry.id)
                assert entry.title
                assert entry.published_parsed
                text = entry.content[0].value
                assert "<p>" in text and len(text) > len(entry.summary) - 10
                page = client.get(entry.link)
                assert page.status_code == 200
                assert entry.title.rstrip("…") in html.unescape(page.text)
    assert len(seen) == 24


def test_conditional_get_answers_304_and_counts_it(server: object) -> None:
    url = server.feed_urls()[1]  # type: ignore[attr-defined]
    with httpx.Client() as client:
        first = client.get(url)
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        by_etag = client.get(url, headers={"If-None-Match": etag})
        by_date = client.get(url, headers={"If-Modified-Since": modified})
        stale = client.get(url, headers={"If-None-Match": '"something-else"'})
        missing = client.get(server.base_url + "/feeds/9999.xml")  # type: ignore[attr-defined]
        stats = client.get(server.base_url + "/_stats").json()  # type: ignore[attr-defined]
    assert (by_etag.status_code, by_date.status_code) == (304, 304)
    assert by_etag.content == b"" and by_etag.headers["etag"] == etag
    assert stale.status_code == 200 and stale.content == first.content
    assert missing.status_code == 404
    assert stats == {"feed_200": 2, "feed_304": 2, "not_found": 1}


def test_world_reads_the_multinews_sample_when_present() -> None:
    if not world.MULTINEWS.exists():
        pytest.skip("../shared/eval-data/multinews-sample is not available")
    stories = world.load_stories()
    assert len(stories) > 200
    built = world.World.build(feeds=10, articles=300, stories=stories)
    assert len({a.story for a in built.articles}) > 50
    assert all(a.paragraphs and a.title for a in built.articles)


def test_outlets_spread_over_loopback_hosts_and_teaser_feeds_lack_full_text() -> None:
    built = world.World.build(
        feeds=4, articles=16, as_of=AS_OF, stories=STORIES, seed=5, teaser_share=0.5
    )
    assert len(built.teaser_feeds) == 2
    with world.WorldServer(built, hosts=2) as running, httpx.Client() as client:
        urls = running.feed_urls()
        assert {httpx.URL(u).host for u in urls} == {"127.0.0.1", "127.0.0.2"}
        for outlet, url in enumerate(urls):
            parsed = feedparser.parse(io.BytesIO(client.get(url).content))
            assert parsed.entries and not parsed.bozo
            for entry in parsed.entries:
                if outlet in built.teaser_feeds:
                    assert "content" not in entry
                    assert len(entry.summary) <= 210
                else:
                    assert entry.content[0].value
