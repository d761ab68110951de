"""outbox/index.html and outbox/feed.xml through the CLI: a two-day run on the bundled samples,
a rebuilt day, pruning by archive.keep_days, and the feed added as a source of its own."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import feedparser
import lxml.html
import pytest
import render_look
import yaml
from helpers_http import LoopbackServer, static

from briefing import archive
from briefing.feeds import parse_feed

REPO = Path(__file__).resolve().parents[1]
DAYS = ("2026-11-20", "2026-11-21")
AS_OF = {day: f"{day}T07:00:00Z" for day in DAYS}


def briefing(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )


def write_config(folder: Path, *, extra_sources: list[dict[str, str]] = (), **keys: object) -> Path:
    """The repository's sample config with its sources made absolute, database and outbox in
    ``folder``."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data["sources"] = [
        {"name": s["name"], "url": str(REPO / s["url"])} for s in data["sources"]
    ] + list(extra_sources)
    data.update(keys)
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


@dataclass
class TwoDays:
    folder: Path
    outbox: Path
    runs: list[subprocess.CompletedProcess[str]]
    feed_before_rebuild: bytes


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> TwoDays:
    folder = tmp_path_factory.mktemp("two-days")
    write_config(folder)
    runs = [briefing("run", "--as-of", AS_OF[day], cwd=folder) for day in DAYS]
    for run in runs:
        assert run.returncode == 0, run.stderr
    outbox = folder / "outbox"
    before = (outbox / "feed.xml").read_bytes()
    rebuilt = briefing("run", "--no-collect", "--as-of", AS_OF[DAYS[1]], cwd=folder)
    assert rebuilt.returncode == 0, rebuilt.stderr
    return TwoDays(folder, outbox, [*runs, rebuilt], before)


def day_json(outbox: Path, day: str) -> dict:
    return json.loads((outbox / day / "briefing.json").read_text(encoding="utf-8"))


def test_run_prints_the_index_and_the_feed(two_days: TwoDays) -> None:
    for run in two_days.runs:
        printed = run.stdout.splitlines()
        assert str(two_days.outbox / "index.html") in printed
        assert str(two_days.outbox / "feed.xml") in printed


def test_feed_has_one_valid_entry_per_day_newest_first(two_days: TwoDays) -> None:
    feed = feedparser.parse((two_days.outbox / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert [e.title.rsplit(" ", 3)[-3:] for e in feed.entries] == [
        ["21", "November", "2026"], ["20", "November", "2026"]
    ]
    assert feed.feed.updated == AS_OF[DAYS[1]]
    for entry, day in zip(feed.entries, reversed(DAYS), strict=True):
        data = day_json(two_days.outbox, day)
        assert entry.updated == AS_OF[day]
        assert entry.id.startswith("urn:uuid:")
        assert entry.link == f"{day}/briefing.html"
        # Content: the day's email HTML (its body), headlines and all, without the hidden
        # preheader a feed reader would show as text.
        content = entry.content[0]
        assert content.type == "text/html"
        for story in data["stories"]:
            assert lxml.html.fromstring(story["headline"]).text_content()[:40] in (
                lxml.html.fromstring(content.value).text_content()
            )
        assert 'class="ph"' not in content.value
        assert entry.summary.startswith(f"{len(data['stories'])} stor")
        for link in entry.links:
            assert (two_days.outbox / link.href).is_file(), link.href
    assert len({e.id for e in feed.entries}) == 2


def test_rebuilding_a_day_keeps_its_entry(two_days: TwoDays) -> None:
    before = feedparser.parse(two_days.feed_before_rebuild)
    after = feedparser.parse((two_days.outbox / "feed.xml").read_bytes())
    assert [e.id for e in after.entries] == [e.id for e in before.entries]
    assert [e.updated for e in after.entries] == [e.updated for e in before.entries]


def _links(html: str) -> list[str]:
    return [a.get("href") for a in lxml.html.fromstring(html).iter("a")]


def test_index_lists_every_day_with_links_that_resolve(two_days: TwoDays) -> None:
    page = (two_days.outbox / "index.html").read_text(encoding="utf-8")
    root = lxml.html.fromstring(page)
    days = root.xpath("//ol[@class='days']/li")
    assert [li.get("id") for li in days] == [f"d{DAYS[1]}", f"d{DAYS[0]}"]
    for li, day in zip(days, reversed(DAYS), strict=True):
        data = day_json(two_days.outbox, day)
        text = li.text_content()
        count = len(data["stories"])
        assert f"{count} {'story' if count == 1 else 'stories'}" in text
        for story in data["stories"][: archive.TOP_HEADLINES]:
            assert story["headline"] in text
        hrefs = [a.get("href") for a in li.iter("a")]
        assert f"{day}/briefing.html" in hrefs and f"{day}/briefing.pdf" in hrefs


@pytest.mark.slow
def test_index_page_in_chromium(two_days: TwoDays, tmp_path: Path) -> None:
    if render_look.tools_missing():
        pytest.skip(f"missing: {', '.join(render_look.tools_missing())}")
    index = two_days.outbox / "index.html"
    png = render_look.screenshot(index, tmp_path / "index.png", width=800, height=900)
    assert png.stat().st_size > 5_000
    if os.environ.get("BRIEFING_KEEP_SCREENSHOTS"):
        shutil.copy(png, Path(os.environ["BRIEFING_KEEP_SCREENSHOTS"]) / "archive-index.png")
    dom = render_look.dump_dom(index)
    hrefs = _links(dom)
    assert len(hrefs) >= 2 * 3 + 1
    for href in hrefs:
        assert not urlsplit(href).scheme, href
        resolved = (index.parent / unquote(href)).resolve()
        assert resolved.is_file(), href
        assert resolved.is_relative_to(two_days.outbox.resolve())


def test_keep_days_prunes_and_status_says_so(tmp_path: Path) -> None:
    write_config(tmp_path, archive={"keep_days": 1})
    first = briefing("run", "--as-of", AS_OF[DAYS[0]], cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "pruned" not in first.stdout
    second = briefing("run", "--as-of", AS_OF[DAYS[1]], cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert f"pruned 1 day folder(s) past archive.keep_days: {DAYS[0]}" in second.stdout
    outbox = tmp_path / "outbox"
    assert not (outbox / DAYS[0]).exists() and (outbox / DAYS[1]).is_dir()
    feed = feedparser.parse((outbox / "feed.xml").read_bytes())
    assert [e.link for e in feed.entries] == [f"{DAYS[1]}/briefing.html"]
    assert DAYS[0] not in (outbox / "index.html").read_text(encoding="utf-8")
    status = briefing("status", cwd=tmp_path)
    line = next(x for x in status.stdout.splitlines() if x.startswith("archive:"))
    assert "1 day folder in the outbox (keep_days 1)" in line
    assert f"1 day ({DAYS[0]})" in line


def test_prune_spares_protected_days_and_other_folders(tmp_path: Path) -> None:
    for name in ("2026-10-01", "2026-10-02", "2026-11-21", "notes", "2026-13-01"):
        (tmp_path / name).mkdir()
    removed = archive.prune(tmp_path, 7, protected={"2026-10-02"})
    assert removed == ["2026-10-01"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2026-10-02", "2026-11-21", "2026-13-01", "notes"
    ]
    assert archive.prune(tmp_path, None) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "archive.keep_days: Input should be greater than or equal to 1"),
        ("soon", "archive.keep_days: Input should be a valid integer"),
    ],
)
def test_bad_keep_days_is_one_line_exit_2(tmp_path: Path, value: str, message: str) -> None:
    (tmp_path / "config.yaml").write_text(f"archive:\n  keep_days: {value}\n")
    result = briefing("run", cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: config.yaml: {message}"), lines


def test_the_feed_of_briefings_is_not_collected_back(two_days: TwoDays, tmp_path: Path) -> None:
    body = (two_days.outbox / "feed.xml").read_bytes()
    # Without the generator mark the same document would give one article per briefing: the
    # loop the mark prevents.
    unmarked = body.replace(b"<generator", b"<!-- ").replace(b"briefing</generator>", b" -->")
    now = datetime(2026, 11, 22, tzinfo=UTC)
    assert len(parse_feed(unmarked, {}, now=now).entries) == 2
    parsed = parse_feed(body, {}, now=now)
    assert parsed.briefing_feed and parsed.entries == () and not parsed.malformed

    with LoopbackServer(routes={"/feed.xml": static(body, content_type="application/atom+xml")}
                        ) as server:
        write_config(
            tmp_path,
            extra_sources=[
                {"name": "Own briefings", "url": str(two_days.outbox / "feed.xml")},
                {"name": "Served briefings", "url": server.url("/feed.xml")},
            ],
            allow_private_hosts=True,
        )
        run = briefing("run", "--as-of", AS_OF[DAYS[1]], cwd=tmp_path)
        assert server.requests("/feed.xml"), "the served feed was never fetched"
    assert run.returncode == 0, run.stderr
    assert "8 sources (8 ok)" in run.stdout
    db = sqlite3.connect(tmp_path / "briefing.db")
    sources = {row[0] for row in db.execute("SELECT DISTINCT source FROM articles")}
    db.close()
    assert sources and not sources & {"Own briefings", "Served briefings"}
    built = day_json(tmp_path / "outbox", DAYS[1])
    assert built["stories"]
    used = {a["source"] for story in built["stories"] for a in story["articles"]}
    assert not used & {"Own briefings", "Served briefings"}


def _day(day: str, headline: str = "Harbour reopens") -> archive.ArchivedDay:
    return archive.ArchivedDay(
        date=day, title="Daily Briefing", as_of=datetime.fromisoformat(f"{day}T07:00:00+00:00"),
        story_count=1, headlines=(headline,), html="<html><body><p>x</p></body></html>",
        has_pdf=False,
    )


def test_feed_keeps_the_newest_days_and_escapes_what_it_shows() -> None:
    days = [_day(f"2026-10-{n:02d}", "<script>alert(1)</script> & more") for n in range(31, 0, -1)]
    feed = feedparser.parse(archive.atom_feed(days, "Mine & yours"))
    assert not feed.bozo
    assert feed.feed.title == "Mine & yours"
    assert len(feed.entries) == archive.FEED_DAYS
    assert feed.entries[0].link == "2026-10-31/briefing.html"
    assert all(len(e.links) == 1 for e in feed.entries)  # no PDF, no enclosure
    page = archive.index_html(days, "Mine & yours")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert "2026-10-01/briefing.html" in page and "briefing.pdf" not in page
