"""Check the bundled sample feeds against samples/expectations.json.

Run with the project's venv: ``.venv/bin/python samples/check_samples.py``. Prints one line per
feed and exits 1 with a list of problems if any file breaks the rules in samples/README.md.
"""

from __future__ import annotations

import difflib
import json
import sys
from calendar import timegm
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import lxml.html

HERE = Path(__file__).resolve().parent
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 4, 10
WIRE_SIMILARITY = 0.85


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _paragraphs(html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [" ".join(p.text_content().split()) for p in root.iter("p")]


def _entry_published(entry: feedparser.FeedParserDict) -> datetime | None:
    parsed = entry.get("published_parsed")
    if parsed is None:
        return None
    return datetime.fromtimestamp(timegm(parsed), tz=UTC)


def check(expect: dict) -> tuple[list[str], dict[str, list[str]]]:
    problems: list[str] = []
    texts: dict[str, list[str]] = {}
    window = (_instant(expect["published_range"]["start"]),
              _instant(expect["published_range"]["end"]))
    previous_day = (_instant(expect["previous_day_range"]["start"]),
                    _instant(expect["previous_day_range"]["end"]))
    previous_urls = {u for s in expect["stories"] for u in s.get("previous_day", [])}
    boilerplate = {b["url"]: set(b["lines"]) for b in expect["boilerplate"]}

    for outlet in expect["outlets"]:
        feed = feedparser.parse((HERE / outlet["feed"]).read_bytes())
        where = outlet["feed"]
        if feed.bozo:
            problems.append(f"{where}: bozo {feed.get('bozo_exception')!r}")
        if feed.version != outlet["format"]:
            problems.append(f"{where}: format {feed.version}, expected {outlet['format']}")
        if len(feed.entries) != outlet["entries"]:
            problems.append(f"{where}: {len(feed.entries)} entries, expected {outlet['entries']}")
        for entry in feed.entries:
            link = entry.get("link", "")
            label = f"{where} {link}"
            if urlsplit(link).hostname != outlet["domain"] or not link.startswith("https://"):
                problems.append(f"{label}: link not on https://{outlet['domain']}")
            for name in ("title", "id", "author", "summary"):
                if not entry.get(name):
                    problems.append(f"{label}: missing {name}")
            published = _entry_published(entry)
            if published is None:
                problems.append(f"{label}: publication date does not parse")
            else:
                low, high = previous_day if link in previous_urls else window
                if not low <= published <= high:
                    problems.append(f"{label}: published {published} outside {low}..{high}")
            contents = entry.get("content") or []
            if not contents or "html" not in contents[0].get("type", ""):
                problems.append(f"{label}: no HTML full text")
                continue
            paragraphs = _paragraphs(contents[0].value)
            prose = [p for p in paragraphs if p not in boilerplate.get(link, set())]
            if not MIN_PARAGRAPHS <= len(prose) <= MAX_PARAGRAPHS:
                problems.append(f"{label}: {len(prose)} prose paragraphs")
            missing = boilerplate.get(link, set()) - set(paragraphs)
            if missing:
                problems.append(f"{label}: boilerplate lines not found {sorted(missing)}")
            if link in texts:
                problems.append(f"{label}: link used twice")
            texts[link] = prose
        print(f"{where:32} {feed.version:7} bozo={int(feed.bozo)} entries={len(feed.entries)}")

    formats = [o["format"] for o in expect["outlets"]]
    if formats.count("rss20") < 2 or formats.count("atom10") < 2:
        problems.append(f"need at least two RSS and two Atom feeds, got {formats}")

    listed = [u for s in expect["stories"] for u in s["articles"] + s.get("previous_day", [])]
    listed += [single["url"] for single in expect["singles"]]
    if sorted(listed) != sorted(texts):
        unknown = set(listed) ^ set(texts)
        problems.append(f"expectations and feeds disagree on articles: {sorted(unknown)}")
    problems += _check_stories(expect, texts)
    problems += _check_local(expect)
    return problems, texts


def _joined(texts: dict[str, list[str]], url: str) -> str:
    return "\n".join(texts.get(url, []))


def _check_stories(expect: dict, texts: dict[str, list[str]]) -> list[str]:
    problems: list[str] = []
    for story in expect["stories"]:
        key = story["key"]
        outlets = {urlsplit(u).hostname for u in story["articles"]}
        if len(outlets) < 3:
            problems.append(f"{key}: reported by only {len(outlets)} outlets")
        bodies = {u: _joined(texts, u) for u in story["articles"]}
        for part in ("claim", "denial"):
            if part in story:
                needle = story[part]["contains"].lower()
                actor = story[part]["actor"]
                hits = [u for u, t in bodies.items() if needle in t.lower() and actor in t]
                if not hits:
                    problems.append(f"{key}: no article has {part} {needle!r} near {actor}")
        for value in story.get("disputed_figure", {}).get("values", []):
            if value["text"].lower() not in _joined(texts, value["article"]).lower():
                problems.append(f"{key}: {value['text']!r} not in {value['article']}")
        if "wire_copies" in story:
            first, second = (_joined(texts, u) for u in story["wire_copies"])
            ratio = difflib.SequenceMatcher(None, first, second).ratio()
            if ratio < WIRE_SIMILARITY:
                problems.append(f"{key}: wire copies only {ratio:.2f} similar")
            for url in story["wire_copies"]:
                if story["wire_credit"] not in _joined(texts, url):
                    problems.append(f"{key}: {url} lacks the wire credit")
        if "not_a_dispute" in story:
            pair = story["not_a_dispute"]
            for url, text in bodies.items():
                for number in (pair["new"], pair["old"]):
                    if f"{number}{pair['unit']}" not in text:
                        problems.append(f"{key}: {number}{pair['unit']} missing from {url}")
    return problems


def _check_local(expect: dict) -> list[str]:
    problems: list[str] = []
    for item in expect["local_articles"]:
        lines = (HERE / item["path"]).read_text(encoding="utf-8").splitlines()
        if lines and lines[0] == "---":  # front matter (date) before the title line
            lines = lines[lines.index("---", 1) + 1 :]
        paragraphs = [line for line in lines[1:] if line.strip()]
        if lines[0] != item["title"]:
            problems.append(f"{item['path']}: first line is not the title")
        if not MIN_PARAGRAPHS <= len(paragraphs) <= MAX_PARAGRAPHS:
            problems.append(f"{item['path']}: {len(paragraphs)} paragraphs")
    return problems


def main() -> int:
    expect = json.loads((HERE / "expectations.json").read_text(encoding="utf-8"))
    problems, texts = check(expect)
    print(f"{len(texts)} feed articles, {len(expect['stories'])} multi-outlet stories, "
          f"{len(expect['singles'])} singles, {len(expect['local_articles'])} local articles")
    for problem in problems:
        print("PROBLEM:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
