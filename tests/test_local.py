from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from briefing.collect import collect_sources
from briefing.config import FetchConfig
from briefing.local import read_local_source, split_title
from briefing.models import Source
from briefing.store import Store

NOW = datetime(2025, 4, 28, 12, 0, tzinfo=UTC)


def _set_mtime(path: Path, moment: datetime) -> None:
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def test_seed_folder_becomes_articles_with_file_dates(shared: Path, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    seeds = sorted((shared / "seeds").glob("*.txt"))
    if not seeds:
        pytest.skip("no seed articles")
    for i, seed in enumerate(seeds):
        copy = folder / seed.name
        shutil.copy(seed, copy)
        _set_mtime(copy, NOW - timedelta(hours=i + 1))
    source = Source("Seeds", str(folder))
    result = read_local_source(source, NOW)
    assert result.problems == []
    assert len(result.articles) == len(seeds)
    for i, (seed, article) in enumerate(zip(seeds, result.articles, strict=True)):
        raw = seed.read_text(encoding="utf-8")
        assert article.published == NOW - timedelta(hours=i + 1)
        assert article.title and len(article.title) <= 201
        assert article.title in raw or article.title.rstrip("…") in raw
        assert article.text and all(p in raw for p in article.text.split("\n\n"))
        assert article.source == "Seeds" and article.feed == str(folder)
        assert article.url == (folder / seed.name).resolve().as_uri()
    again = read_local_source(source, NOW + timedelta(days=1))
    assert [a.id for a in again.articles] == [a.id for a in result.articles]


def test_seed_folder_through_collect_is_stored_once(shared: Path, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(shared / "seeds", folder)
    with Store(tmp_path / "db.sqlite") as store:
        first = collect_sources([Source("Seeds", str(folder))], store, FetchConfig(), NOW,
                                allow_private_hosts=False)
        second = collect_sources([Source("Seeds", str(folder))], store, FetchConfig(), NOW,
                                 allow_private_hosts=False)
        assert first.new_articles == len(list(folder.glob("*.txt"))) > 0
        assert second.new_articles == 0
        assert store.article_count() == first.new_articles


def test_markdown_html_and_text_files(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(
        "# Dam repairs finished\n\nThe dam was *repaired* in [May](http://x.example/).\n\n"
        "- Engineers **checked** the spillway.\n")
    paragraphs = "".join(f"<p>Paragraph {i}: the library reopened after a long renovation "
                         f"that took two years and cost more than planned.</p>" for i in range(6))
    (tmp_path / "two.html").write_text(
        f"<html><head><title>Library reopens</title></head><body><article>{paragraphs}"
        f"</article></body></html>")
    (tmp_path / "three.txt").write_text("Short headline\nFirst line of the story.\n")
    (tmp_path / "empty.txt").write_text("\n\n")
    (tmp_path / "notes.csv").write_text("a,b\n")
    (tmp_path / ".hidden.txt").write_text("Hidden\nNot an article.\n")
    result = read_local_source(Source("Folder", str(tmp_path)), NOW)
    by_title = {a.title: a for a in result.articles}
    assert set(by_title) == {"Dam repairs finished", "Library reopens", "Short headline"}
    assert by_title["Dam repairs finished"].text == (
        "The dam was repaired in May.\n\nEngineers checked the spillway.")
    assert "Paragraph 5" in by_title["Library reopens"].text
    assert by_title["Short headline"].text == "First line of the story."
    assert result.problems == ["empty.txt: no article text"]


def test_future_file_time_is_clamped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Headline\nBody of the article.\n")
    _set_mtime(path, NOW + timedelta(days=3))
    (article,) = read_local_source(Source("F", str(tmp_path)), NOW).articles
    assert article.published == NOW


def test_feed_file_source(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text(
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Local</title>"
        "<item><guid>x1</guid><title>Ferry resumes</title><link>http://example.org/x1</link>"
        "<pubDate>Sun, 27 Apr 2025 08:00:00 GMT</pubDate>"
        "<description>The ferry resumed service on Sunday. Read more</description></item>"
        "</channel></rss>")
    result = read_local_source(Source("Local", str(feed)), NOW)
    (article,) = result.articles
    assert article.title == "Ferry resumes"
    assert article.text == "The ferry resumed service on Sunday. Read more"
    assert article.published == datetime(2025, 4, 27, 8, 0, tzinfo=UTC)
    assert article.url == "http://example.org/x1"


def test_missing_and_malformed_feed_files_are_reported(tmp_path: Path) -> None:
    missing = read_local_source(Source("Gone", str(tmp_path / "nope.xml")), NOW)
    assert missing.articles == [] and missing.malformed and missing.problems
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"\x00\x01 this is not xml")
    broken = read_local_source(Source("Bad", str(bad)), NOW)
    assert broken.articles == [] and broken.malformed
    with Store(tmp_path / "db.sqlite") as store:
        report = collect_sources([Source("Bad", str(bad)), Source("Gone", str(tmp_path / "x"))],
                                 store, FetchConfig(), NOW, allow_private_hosts=False)
    assert [r.status for r in report.results] == ["error", "error"]


def test_split_title() -> None:
    assert split_title("Headline\n\nBody text.") == ("Headline", "Body text.")
    prose = "The first line is already a sentence. It goes on."
    title, body = split_title(prose + "\n\nMore.")
    assert title == "The first line is already a sentence." and body.startswith(prose)
    assert split_title("Only a heading") == ("Only a heading", "Only a heading")


def test_front_matter_gives_title_date_and_url(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\ntitle: Council approves  budget\ndate: 2026-11-20T15:30:00Z\n"
        "url: https://council.example/budget\n---\n"
        "The council approved the budget on Friday. It passed by 30 votes to 12.\n"
    )
    (folder / "b.txt").write_text("---\ndate: 2026-11-19\n---\nLibrary hours\n\nThe library opens.")
    (folder / "c.txt").write_text("---\n[not: a mapping\n---\nBridge closed\n\nThe bridge shut.\n")
    now = datetime(2026, 11, 22, tzinfo=UTC)
    result = read_local_source(Source(name="Notes", url=str(folder)), now)
    by_guid = {a.guid: a for a in result.articles}
    a, b, c = by_guid["a.md"], by_guid["b.txt"], by_guid["c.txt"]
    assert a.title == "Council approves budget"
    assert a.published == datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
    assert a.url == "https://council.example/budget"
    assert a.text.startswith("The council approved the budget")
    assert (b.title, b.published) == ("Library hours", datetime(2026, 11, 19, tzinfo=UTC))
    assert b.text == "The library opens."
    assert c.title == "Bridge closed" and c.published <= now
    assert result.problems == ["c.txt: front matter is not valid YAML (ignored)"]
