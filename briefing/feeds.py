"""Feed bytes -> entries. Pure: the caller supplies the body, the response headers and ``now``.

feedparser is only ever given a ``BytesIO``: a string argument would let it fetch URLs or open
local files on its own, without our timeouts, size cap or address guard.
"""

from __future__ import annotations

import calendar
import hashlib
import io
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "pre", "table", "tr", "section", "article", "figure", "figcaption", "header", "footer", "hr",
}
# Names this program in the <generator> of the feed of briefings it writes (archive.py).
GENERATOR_URI = "https://github.com/briefing/briefing"
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "template")


@dataclass(frozen=True)
class FeedEntry:
    """One item of a feed. ``html`` is its longest content or summary as the feed gave it;
    ``text`` is that converted to plain lines, on first use, so entries a caller already has
    cost no conversion."""

    identity: str
    guid: str
    link: str
    title: str
    html: str
    published: datetime
    date_parsed: bool

    @cached_property
    def text(self) -> str:
        return html_to_text(self.html)


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    entries: tuple[FeedEntry, ...]
    ttl_minutes: int | None
    bozo: bool
    problem: str | None
    is_feed: bool
    briefing_feed: bool = False
    """The feed of briefings this program writes (``feed.xml``): its entries are briefings built
    from articles, never articles themselves, so they are not returned."""

    @property
    def malformed(self) -> bool:
        return self.bozo or not self.is_feed


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment with block elements on their own lines."""
    if "<" not in fragment:
        return _squeeze(_unescape_entities(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return _squeeze(fragment)
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCK_TAGS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() != "br":
                element.text = "\n" + (element.text or "")
    return _squeeze(root.text_content())


def _unescape_entities(text: str) -> str:
    if "&" not in text:
        return text
    try:
        return str(lxml.html.fromstring(f"<p>{text}</p>").text_content())
    except (etree.ParserError, ValueError):
        return text


_SPACES = re.compile(r"[ \t\u00a0\r\f\v]+")


def _squeeze(text: str) -> str:
    lines = (line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return "\n".join(line for line in lines if line)


def content_hash(*parts: str) -> str:
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass"))
    return "sha1:" + digest.hexdigest()


def article_id(feed_url: str, identity: str) -> str:
    """Stable article id: sha1 of the feed URL and the entry identity."""
    return hashlib.sha1(f"{feed_url}\n{identity}".encode("utf-8", "surrogatepass")).hexdigest()


def _entry_time(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get, not FeedParserDict.get: the latter maps missing keys onto others with a
        # deprecation warning.
        value = dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
    return None


def _entry_html(entry: Mapping[str, Any]) -> str:
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if len(value) > len(best):
            best = value
    summary = entry.get("summary") or ""
    if len(summary) > len(best):
        best = summary
    return str(best)


def _ttl(parsed: Any) -> int | None:
    raw = parsed.feed.get("ttl")
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _feedparser(body: bytes, headers: Mapping[str, str]) -> Any:
    # Entry HTML only ever becomes plain text here (html_to_text drops scripts and the like),
    # so feedparser's costly sanitiser and URI rewriting would be wasted work.
    return feedparser.parse(io.BytesIO(body), response_headers=dict(headers),
                            sanitize_html=False, resolve_relative_uris=False)


_BASE_ATTRIBUTE = re.compile(rb"base\s*=")


def _is_web(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _join(base: str, uri: str) -> str:
    try:
        return urljoin(base, uri)
    except ValueError:  # feedparser drops a URI that cannot be joined
        return ""


def _resolve(entries: Any, base: str) -> list[tuple[str, str]] | None:
    """(guid, link) of each entry resolved against ``base`` as feedparser resolves them when
    given the document's address, or None if that cannot be told from its output.

    Given an address, feedparser joins it onto every element's base URI as it parses, a third
    of its time on a typical feed; joining the few URIs that need it afterwards is cheap.
    Links are always resolved; a GUID only when it is a permalink, which feedparser's output
    shows only when the GUID came before any link (``guidislink``).
    """
    uris = []
    for raw in entries:
        guid = str(raw.get("id") or "").strip()
        link = str(raw.get("link") or "").strip()
        if base:
            if link:
                link = _join(base, link)
            joined = _join(base, guid) if guid else guid
            if joined != guid:
                if not raw.get("guidislink"):
                    return None
                guid = joined
        uris.append((guid, link))
    return uris


def parse_feed(body: bytes, headers: Mapping[str, str], *, now: datetime) -> ParsedFeed:
    """Parse a feed document. Never raises on bad input: the result says what was wrong.

    Dates: published, else updated; an unparseable or missing date becomes ``now`` and a date
    in the future is clamped to ``now``. Identity: GUID, else link, else a hash of the content;
    GUIDs repeated within the feed are told apart by GUID + link.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    base = lowered.pop("content-location", "")
    try:
        # Only an absolute http(s) address is resolved here; any other, and documents that set
        # base URIs of their own (xml:base), go to feedparser.
        uris = None
        if not base or (_is_web(base) and not _BASE_ATTRIBUTE.search(body)):
            # An empty value, not none: feedparser judges the content type only when there
            # are headers at all.
            parsed = _feedparser(body, {**lowered, "content-location": ""} if base else lowered)
            uris = _resolve(parsed.entries, base)
        if uris is None:
            parsed = _feedparser(body, {**lowered, "content-location": base})
            uris = _resolve(parsed.entries, "")
    except Exception as err:  # feedparser's contract is never to raise; guard it anyway
        return ParsedFeed("", (), None, True, f"{type(err).__name__}: {err}", False)
    assert uris is not None
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc else "malformed feed"
    is_feed = bool(parsed.get("version")) or bool(parsed.entries)
    if not is_feed and problem is None:
        problem = "not a recognised feed format"

    if _is_briefing_feed(parsed):
        return ParsedFeed(_feed_title(parsed), (), _ttl(parsed), bool(parsed.get("bozo")),
                          problem, is_feed, briefing_feed=True)
    guid_counts = Counter(guid for guid, _link in uris if guid)
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw, (guid, link) in zip(parsed.entries, uris, strict=True):
        title = html_to_text(str(raw.get("title") or "")).replace("\n", " ")
        html = _entry_html(raw)
        if guid and guid_counts[guid] > 1 and link:
            identity = f"{guid} {link}"
        elif guid:
            identity = guid
        elif link:
            identity = link
        else:
            text = html_to_text(html)
            if not (title or text):
                continue
            identity = content_hash(title, text)
        if identity in seen:
            continue
        seen.add(identity)
        when = _entry_time(raw)
        date_parsed = when is not None
        if when is None or when > now:
            when = now
        entries.append(FeedEntry(identity, guid, link, title, html, when.replace(microsecond=0),
                                 date_parsed))
    return ParsedFeed(_feed_title(parsed), tuple(entries), _ttl(parsed), bool(parsed.get("bozo")),
                      problem, is_feed)


def _feed_title(parsed: Any) -> str:
    return html_to_text(str(parsed.feed.get("title") or "")).replace("\n", " ")


def _is_briefing_feed(parsed: Any) -> bool:
    generator = parsed.feed.get("generator_detail") or {}
    return str(generator.get("href") or "").rstrip("/") == GENERATOR_URI


# feed+json is left out: feedparser cannot read JSON Feed.
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})


def _feed_link(element: Any) -> str | None:
    """The href of a ``<link>`` that announces an RSS/Atom/RDF feed, else None."""
    rel = str(element.get("rel") or "").lower().split()
    kind = str(element.get("type") or "").split(";", 1)[0].strip().lower()
    href = str(element.get("href") or "").strip()
    return href if "alternate" in rel and kind in _FEED_TYPES and href else None


def _is_fetchable(url: str) -> bool:
    if not _is_web(url):
        return False
    try:
        urlsplit(url).port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return False
    return True


def discover_feed_links(body: bytes, base_url: str) -> list[str]:
    """The feeds a web page names in ``<link rel="alternate" type="application/rss+xml">``
    (or atom+xml, rdf+xml), as absolute http(s) URLs in document order without duplicates;
    comment feeds (title or address mentioning "comments") come after the others.

    Relative addresses resolve against the page's ``<base href>`` if it has one, else
    ``base_url``. Never raises: a body that is not HTML gives [].
    """
    try:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            # Not UTF-8: lxml follows a byte-order mark or <meta charset>, else reads Latin-1.
            root = lxml.html.document_fromstring(body)
        else:
            root = lxml.html.document_fromstring(
                body, parser=lxml.html.HTMLParser(encoding="utf-8"))
        base = base_url
        for element in root.iter("base"):
            href = str(element.get("href") or "").strip()
            if href:
                base = _join(base_url, href) or base_url
                break
        found: list[tuple[bool, str]] = []
        for element in root.iter("link"):
            link = _feed_link(element)
            if link is None:
                continue
            url = _join(base, link)
            if not _is_fetchable(url):
                continue
            title = str(element.get("title") or "")
            comments = "comments" in title.lower() or "comments" in url.lower()
            found.append((comments, url))
    except (etree.LxmlError, ValueError, TypeError):
        return []
    ordered = [url for comments, url in found if not comments]
    ordered += [url for comments, url in found if comments]
    return list(dict.fromkeys(ordered))
