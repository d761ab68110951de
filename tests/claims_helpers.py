"""Building Story objects for the claims tests: from the shared seeds, from fixture files and
from inline articles."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from briefing.models import Article, Claim, Story

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "claims"
NOW = datetime(2025, 4, 27, 12, 0, tzinfo=UTC)


def article(article_id: str, text: str, source: str = "", title: str = "") -> Article:
    return Article(
        id=article_id,
        source=source or f"Outlet {article_id}",
        url=f"https://news.example/{article_id}",
        title=title or f"Title {article_id}",
        text=text,
        published=NOW,
        fetched=NOW,
    )


def story(*articles: Article, origins: dict[str, str] | None = None) -> Story:
    return Story(
        id="story",
        articles=tuple(articles),
        origins=origins or {a.id: a.id for a in articles},
    )


def seed_story() -> Story:
    """The five seed articles as one story, each its own origin (first line = title)."""
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        articles.append(article(path.stem, text, source=f"seed {path.stem[:3]}", title=title))
    return story(*articles)


def fixture_story(path: Path) -> Story:
    """A fixture file: '# ' comment lines, then articles each starting with a header line
    '=== id: X | source: Y | origin: Z', then a title line, then the text."""
    articles = []
    origins = {}
    blocks = re.split(r"^=== ", path.read_text(encoding="utf-8"), flags=re.MULTILINE)[1:]
    for block in blocks:
        header, _, body = block.partition("\n")
        meta = dict(part.strip().split(": ", 1) for part in header.split("|"))
        title, _, text = body.partition("\n")
        articles.append(article(meta["id"], text, source=meta["source"], title=title))
        origins[meta["id"]] = meta["origin"]
    return story(*articles, origins=origins)


def assert_verbatim(text: str, claim: Claim) -> None:
    """A claim's words are the article's: one slice of it from ``start`` to ``end``, or slices
    in order joined by " … " where the speaker's words of attribution were left out."""
    pieces = claim.text.split(" … ")
    assert text[claim.start : claim.start + len(pieces[0])] == pieces[0]
    assert text[claim.end - len(pieces[-1]) : claim.end] == pieces[-1]
    at = claim.start
    for piece in pieces:
        found = text.find(piece, at, claim.end)
        assert found >= 0, f"{piece!r} is not in the article between its offsets"
        at = found + len(piece)
