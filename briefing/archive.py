"""The outbox's archive: ``index.html`` (every briefing kept, newest first) and ``feed.xml`` (an
Atom feed with one entry per day), rebuilt from the day folders after each build, and the
pruning of day folders older than ``archive.keep_days``.

The day folders are the source of truth: each ``<YYYY-MM-DD>/briefing.json`` says the date,
as-of time and stories; ``briefing.html`` becomes the feed entry's content. A folder without a
readable ``briefing.json`` is left alone and not listed.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path

import lxml.html
from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from lxml import etree

from .errors import DeliveryError, RenderError
from .feeds import GENERATOR_URI
from .outbox import atomic_write
from .resources import templates_dir
from .store import from_iso, iso

log = logging.getLogger(__name__)

INDEX_NAME = "index.html"
FEED_NAME = "feed.xml"
TOP_HEADLINES = 3
FEED_DAYS = 30
"""feed.xml carries the newest days only (each entry holds a whole briefing); index.html lists
every day kept."""
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class ArchivedDay:
    """One day folder as the archive lists it."""

    date: str
    title: str
    as_of: datetime
    story_count: int
    headlines: tuple[str, ...]
    html: str
    """The day's ``briefing.html`` ("" when missing): the feed entry's content."""
    has_pdf: bool

    @property
    def html_href(self) -> str:
        return f"{self.date}/briefing.html"

    @property
    def pdf_href(self) -> str:
        return f"{self.date}/briefing.pdf"

    @property
    def date_label(self) -> str:
        return date.fromisoformat(self.date).strftime("%A %-d %B %Y")


@dataclass
class ArchiveResult:
    paths: list[Path] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)


def day_folders(outbox: Path) -> list[Path]:
    """Folders named like a date directly under ``outbox``, newest first."""
    if not outbox.is_dir():
        return []
    found = [p for p in outbox.iterdir() if p.is_dir() and _DAY.match(p.name) and _is_date(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_day(folder: Path) -> ArchivedDay | None:
    """The archive's view of one day folder, or None when its ``briefing.json`` is unusable."""
    try:
        data = json.loads((folder / "briefing.json").read_text(encoding="utf-8"))
        stories = data["stories"]
        headlines = tuple(str(s["headline"]) for s in stories[:TOP_HEADLINES])
        as_of = from_iso(str(data["as_of"]))
        title = str(data.get("title") or "Daily Briefing")
    except (OSError, ValueError, KeyError, TypeError) as err:
        log.warning("archive: %s skipped (no usable briefing.json: %s)", folder, err)
        return None
    try:
        html = (folder / "briefing.html").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        html = ""
    return ArchivedDay(
        date=folder.name,
        title=title,
        as_of=as_of,
        story_count=len(stories),
        headlines=headlines,
        html=html,
        has_pdf=(folder / "briefing.pdf").is_file(),
    )


def prune(outbox: Path, keep_days: int | None, protected: Collection[str] = ()) -> list[str]:
    """Remove the day folders more than ``keep_days`` days older than the newest one (dates in
    ``protected``, such as days with deliveries still to make, stay); returns the dates removed,
    oldest first."""
    folders = day_folders(outbox)
    if keep_days is None or not folders:
        return []
    cutoff = date.fromisoformat(folders[0].name) - timedelta(days=keep_days)
    removed = []
    for folder in reversed(folders):
        if date.fromisoformat(folder.name) > cutoff or folder.name in protected:
            continue
        try:
            shutil.rmtree(folder)
        except OSError as err:
            log.warning("archive: could not remove %s: %s", folder, err.strerror or err)
            continue
        removed.append(folder.name)
    return removed


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(templates_dir()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def index_html(days: Sequence[ArchivedDay], title: str) -> str:
    """The archive page: one row per day, newest first."""
    try:
        return _environment().get_template("archive.html.j2").render(title=title, days=days)
    except TemplateError as err:
        raise RenderError(f"template archive.html.j2 failed: {err}") from err


def _body_html(document: str) -> str:
    """The inside of an HTML document's <body>: what a feed entry's content holds."""
    if not document.strip():
        return ""
    try:
        root = lxml.html.document_fromstring(document)
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    if body is None:
        return ""
    # The email's preheader is hidden by an inline style that feed readers strip.
    for hidden in body.find_class("ph"):
        hidden.drop_tree()
    inner = [body.text or ""]
    inner += [etree.tostring(child, encoding="unicode", method="html") for child in body]
    return "".join(inner).strip()


def feed_id(title: str) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{title}").urn


def entry_id(title: str, day: str) -> str:
    """Stable across rebuilds of the same day: a reader shows a rebuilt day as updated."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"briefing:{title}:{day}").urn


def atom_feed(days: Sequence[ArchivedDay], title: str) -> bytes:
    """An Atom 1.0 document with one entry per day (the newest ``FEED_DAYS``). Links are
    relative to the outbox, so the feed works read from disk or served from any address."""
    ET.register_namespace("", _ATOM)
    days = days[:FEED_DAYS]

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    feed = ET.Element(f"{{{_ATOM}}}feed")
    sub(feed, "id", feed_id(title))
    sub(feed, "title", title)
    newest = max((d.as_of for d in days), default=datetime(1970, 1, 1, tzinfo=UTC))
    sub(feed, "updated", iso(newest))
    sub(feed, "link", rel="alternate", type="text/html", href=INDEX_NAME)
    sub(feed, "link", rel="self", type="application/atom+xml", href=FEED_NAME)
    author = sub(feed, "author")
    sub(author, "name", title)
    sub(feed, "generator", "briefing", uri=GENERATOR_URI)
    for day in days:
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(title, day.date))
        sub(entry, "title", f"{day.title}: {day.date_label}")
        sub(entry, "updated", iso(day.as_of))
        sub(entry, "published", iso(day.as_of))
        sub(entry, "link", rel="alternate", type="text/html", href=day.html_href)
        if day.has_pdf:
            sub(entry, "link", rel="enclosure", type="application/pdf", href=day.pdf_href)
        sub(entry, "summary", _summary(day))
        content = _body_html(day.html)
        if content:
            sub(entry, "content", content, type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _summary(day: ArchivedDay) -> str:
    count = f"{day.story_count} {'story' if day.story_count == 1 else 'stories'}"
    return f"{count}: {'; '.join(day.headlines)}" if day.headlines else count


def update_archive(
    outbox: Path, title: str, keep_days: int | None, protected: Collection[str] = ()
) -> ArchiveResult:
    """Prune old day folders, then replace ``index.html`` and ``feed.xml`` atomically."""
    result = ArchiveResult(pruned=prune(outbox, keep_days, protected))
    days = [day for folder in day_folders(outbox) if (day := read_day(folder)) is not None]
    files = {
        INDEX_NAME: index_html(days, title).encode("utf-8"),
        FEED_NAME: atom_feed(days, title),
    }
    for name, data in files.items():
        target = outbox / name
        try:
            atomic_write(target, data)
        except OSError as err:
            raise DeliveryError(f"cannot write {target}: {err.strerror or err}") from None
        result.paths.append(target)
    return result
