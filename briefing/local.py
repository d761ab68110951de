"""Local sources: a feed file on disk, or a folder of articles (.txt, .md, .html).

In a folder, each file is one article: its title is the first line of the cleaned text
(Markdown rendered to plain text first) or the page's <title>, its date the file's modification
time. A file that cannot be read or holds no text is reported and skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from datetime import date as date_type
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt

from .clean import clean_text
from .feeds import article_id, html_to_text, parse_feed
from .fulltext import extract_text, html_title
from .models import Article, Source

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 15 * 1024 * 1024
_TITLE_MAX = 200
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)


@dataclass
class LocalResult:
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    malformed: bool = False


def is_local(url: str) -> bool:
    return not re.match(r"^https?://", url, re.IGNORECASE)


def local_path(url: str) -> Path:
    if url.lower().startswith("file://"):
        return Path(url[len("file://"):])
    return Path(url).expanduser()


def read_local_source(source: Source, now: datetime) -> LocalResult:
    path = local_path(source.url)
    if path.is_dir():
        return _read_folder(source, path, now)
    return _read_feed_file(source, path, now)


def _read_feed_file(source: Source, path: Path, now: datetime) -> LocalResult:
    result = LocalResult()
    try:
        body = _read_capped(path)
    except OSError as err:
        result.problems.append(f"{path}: {err.strerror or err}")
        result.malformed = True
        return result
    feed = parse_feed(body, {}, now=now)
    if feed.problem:
        result.problems.append(f"{path}: {feed.problem}")
        result.malformed = feed.malformed
    for entry in feed.entries:
        text = clean_text(entry.text)
        result.articles.append(
            Article(
                id=article_id(source.url, entry.identity), source=source.name,
                url=entry.link or path.resolve().as_uri(), title=entry.title or _first_line(text),
                text=text, published=entry.published, fetched=now, feed=source.url,
                guid=entry.guid or entry.identity,
            )
        )
    return result


def _read_capped(path: Path) -> bytes:
    with path.open("rb") as handle:
        body = handle.read(MAX_FILE_BYTES + 1)
    if len(body) > MAX_FILE_BYTES:
        raise OSError(f"larger than {MAX_FILE_BYTES} bytes")
    return body


def _read_folder(source: Source, folder: Path, now: datetime) -> LocalResult:
    result = LocalResult()
    files = sorted(
        p for p in folder.rglob("*")
        if p.suffix.lower() in ARTICLE_SUFFIXES and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    for path in files:
        relative = path.relative_to(folder).as_posix()
        try:
            body = _read_capped(path)
            mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
        except OSError as err:
            result.problems.append(f"{relative}: {err.strerror or err}")
            continue
        meta: dict[str, Any] = {}
        if path.suffix.lower() in (".html", ".htm"):
            title, text = _html_article(body, path)
        else:
            raw = _decode(body)
            meta, raw, problem = front_matter(raw)
            if problem:
                result.problems.append(f"{relative}: {problem}")
            if path.suffix.lower() != ".txt":
                raw = _markdown_text(raw)
            title, text = split_title(clean_text(raw))
            if isinstance(meta.get("title"), str) and meta["title"].strip():
                title = " ".join(meta["title"].split())
                text = clean_text(raw)
        if not text:
            result.problems.append(f"{relative}: no article text")
            continue
        published = _meta_date(meta.get("date", meta.get("published"))) or mtime
        link = meta.get("url", meta.get("link"))
        result.articles.append(
            Article(
                id=article_id(source.url, relative), source=source.name,
                url=link if isinstance(link, str) and re.match(r"^https?://", link)
                else path.resolve().as_uri(),
                title=title, text=text,
                published=min(published, now), fetched=now, feed=source.url, guid=relative,
            )
        )
    return result


def front_matter(raw: str) -> tuple[dict[str, Any], str, str | None]:
    """Split a leading ``---`` YAML block (Jekyll/Hugo style: title, date, url) from the text.

    Returns (metadata, rest of the text, problem); a block that is not a YAML mapping is
    reported and left out, and the article is still read.
    """
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw, None
    rest = raw[match.end():]
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, rest, "front matter is not valid YAML (ignored)"
    if not isinstance(meta, dict):
        return {}, rest, "front matter is not a mapping of keys (ignored)"
    return meta, rest, None


def _meta_date(value: object) -> datetime | None:
    """A front-matter date: YAML datetime/date, or ISO text; naive times are UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, date_type):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return None


def _decode(body: bytes) -> str:
    return body.decode("utf-8-sig", errors="replace")


def _html_article(body: bytes, path: Path) -> tuple[str, str]:
    text = clean_text(extract_text(body, url=path.resolve().as_uri()) or "")
    title = html_title(body)
    if not title:
        return split_title(text)
    lines = text.split("\n\n")
    if lines and lines[0].strip().lower() == title.lower():
        text = "\n\n".join(lines[1:])
    return title, text


def _first_line(text: str) -> str:
    return text.strip().split("\n", 1)[0].strip() if text.strip() else ""


def _markdown_text(source: str) -> str:
    """Markdown rendered to plain lines: no #, *, _ or [link](url) syntax left in the text."""
    return html_to_text(MarkdownIt("commonmark").render(source))


def split_title(text: str) -> tuple[str, str]:
    """(title, body) of a cleaned article. A short first line is the title and leaves the body;
    a first line that is already prose stays in the body and lends its opening as the title."""
    paragraphs = text.split("\n\n") if text else []
    if not paragraphs:
        return "", ""
    first = paragraphs[0]
    if len(first) <= _TITLE_MAX and not re.search(r"[.!?]\s+\S", first):
        body = "\n\n".join(paragraphs[1:]).strip()
        if body:
            return first.rstrip("."), body
        return first, first
    return _shorten(first), text


def _shorten(line: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s+", line, maxsplit=1)[0]
    if len(sentence) <= _TITLE_MAX:
        return sentence
    cut = sentence[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut + "…"
