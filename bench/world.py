"""A synthetic news world for scale runs: N outlets' RSS feeds served on 127.0.0.1.

Each Multi-News row (../shared/eval-data/multinews-sample) is one story and its documents are
the reports of it. Articles are spread over outlets and over the hours before ``as_of``; a share
of them are verbatim wire copies of a document, the rest are an outlet's cut of it (some
paragraphs dropped), so text cleaning, dedup, clustering, summaries and claims all run on real
prose. Story sizes are skewed (a few big stories, many small ones) as on a real news day.

Outlet ``i`` is served from loopback address ``127.0.0.(1 + i % hosts)``, so a run can give
each outlet its own host as on the real web (the collector limits connections per host). A
``teaser_share`` of the feeds carry only a cut first paragraph, so the collector fetches those
articles' pages and extracts their text. The servers answer conditional GETs (ETag /
If-None-Match, Last-Modified / If-Modified-Since) with 304, gzip when asked, wait ``latency``
seconds before each answer, serve every article as an HTML page too, and count what they
served (``/_stats``).

Run it alone: ``python bench/world.py --feeds 200 --articles 5000 --latency 0.05``; it prints one
JSON line (base URL and feed URLs) and serves until stdin closes or it is terminated.
"""

from __future__ import annotations

import argparse
import ast
import csv
import email.utils
import gzip
import hashlib
import html
import json
import random
import re
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from socketserver import TCPServer

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
MULTINEWS = SHARED / "eval-data" / "multinews-sample" / "multinews_test_sample250.csv"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DEFAULT_AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)

_PLACES = (
    "Riverton", "Ashford", "Bayside", "Cedar Falls", "Dunmore", "Eastgate", "Fairhaven",
    "Glenwood", "Harbor City", "Ironbridge", "Juniper", "Kingsport", "Lakeview", "Millbrook",
    "Northfield", "Oakridge", "Pinecrest", "Queensbury", "Redcliff", "Stonehill",
)
_MASTHEADS = (
    "Herald", "Tribune", "Courier", "Gazette", "Ledger", "Post", "Observer", "Chronicle",
    "Sentinel", "Dispatch",
)
_MIN_DOC_CHARS = 300


@dataclass(frozen=True)
class WorldArticle:
    """One published article: which story and document it reports, and how it was copied."""

    key: str
    outlet: int
    story: int
    document: int
    wire: bool
    title: str
    paragraphs: tuple[str, ...]
    published: datetime

    @property
    def path(self) -> str:
        return f"/articles/{self.key}.html"


@dataclass(frozen=True)
class Payload:
    """A ready HTTP body with its validators."""

    body: bytes
    gzipped: bytes
    content_type: str
    etag: str
    last_modified: datetime


def load_stories(path: Path = MULTINEWS) -> list[list[tuple[str, ...]]]:
    """Multi-News rows as stories, each a list of documents, each a tuple of paragraphs."""
    csv.field_size_limit(1 << 30)
    stories = []
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            docs = []
            for doc in ast.literal_eval(row["documents"]):
                paragraphs = tuple(p.strip() for p in doc.split("\n") if p.strip())
                if sum(len(p) for p in paragraphs) >= _MIN_DOC_CHARS:
                    docs.append(paragraphs)
            if docs:
                stories.append(docs)
    return stories


def outlet_name(index: int) -> str:
    place = _PLACES[index % len(_PLACES)]
    masthead = _MASTHEADS[(index // len(_PLACES)) % len(_MASTHEADS)]
    edition = index // (len(_PLACES) * len(_MASTHEADS))
    return f"{place} {masthead}" + (f" {edition + 1}" if edition else "")


def headline_of(paragraphs: tuple[str, ...], max_words: int = 14) -> str:
    """The first sentence of the first paragraph, cut to ``max_words`` words."""
    first = re.split(r"(?<=[.!?])\s+", paragraphs[0], maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:max_words]).rstrip(",;:") + ("…" if len(words) > max_words else "")


def _spread(
    centre: datetime, earliest: datetime, latest: datetime, rng: random.Random
) -> datetime:
    """A report's time: mostly in the hours after the story broke, always inside the window."""
    moment = centre
    for _ in range(10):
        moment = centre + timedelta(hours=rng.gauss(1, 3))
        if earliest <= moment <= latest:
            break
    return min(max(moment, earliest), latest).replace(microsecond=0)


def _outlet_cut(paragraphs: tuple[str, ...], rng: random.Random) -> tuple[str, ...]:
    """An outlet's edit of a report: the lead kept, a few later paragraphs dropped."""
    if len(paragraphs) < 3:
        return paragraphs
    kept = [paragraphs[0]] + [p for p in paragraphs[1:] if rng.random() > 0.2]
    return tuple(kept) if len(kept) > 1 else paragraphs[:2]


@dataclass
class World:
    """The articles of every outlet, and their feeds and pages once a base URL is known."""

    feeds: int
    as_of: datetime
    articles: list[WorldArticle]
    teaser_feeds: frozenset[int] = frozenset()
    _payloads: dict[str, Payload] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        feeds: int = 200,
        articles: int = 5000,
        as_of: datetime = DEFAULT_AS_OF,
        window_hours: float = 24.0,
        wire_share: float = 0.15,
        teaser_share: float = 0.0,
        seed: int = 20261121,
        stories: list[list[tuple[str, ...]]] | None = None,
    ) -> World:
        if feeds < 1 or articles < 1:
            raise ValueError("a world needs at least one feed and one article")
        stories = load_stories() if stories is None else stories
        rng = random.Random(seed)
        weights = [1.0 / (rank + 1) ** 0.5 for rank in range(len(stories))]
        rng.shuffle(weights)
        earliest = as_of - timedelta(hours=window_hours) + timedelta(minutes=5)
        latest = as_of - timedelta(minutes=5)
        span = (latest - earliest).total_seconds()
        centres = [earliest + timedelta(seconds=rng.uniform(0, span)) for _ in stories]
        outlets = [i % feeds for i in range(articles)]
        rng.shuffle(outlets)
        made = []
        for number, story in enumerate(rng.choices(range(len(stories)), weights, k=articles)):
            document = rng.randrange(len(stories[story]))
            original = stories[story][document]
            wire = rng.random() < wire_share
            published = _spread(centres[story], earliest, latest, rng)
            paragraphs = original if wire else _outlet_cut(original, rng)
            made.append(
                WorldArticle(
                    key=f"a{number:06d}",
                    outlet=outlets[number],
                    story=story,
                    document=document,
                    wire=wire,
                    title=headline_of(original),
                    paragraphs=paragraphs,
                    published=published,
                )
            )
        teasers = frozenset(rng.sample(range(feeds), round(feeds * teaser_share)))
        return cls(feeds=feeds, as_of=as_of, articles=made, teaser_feeds=teasers)

    def outlet_articles(self, outlet: int) -> list[WorldArticle]:
        found = [a for a in self.articles if a.outlet == outlet]
        return sorted(found, key=lambda a: (a.published, a.key), reverse=True)

    def feed_path(self, outlet: int) -> str:
        return f"/feeds/{outlet:04d}.xml"

    def render(self, bases: list[str]) -> None:
        """Make every feed and article page; outlet ``i`` lives at ``bases[i % len(bases)]``."""
        by_outlet: dict[int, list[WorldArticle]] = {i: [] for i in range(self.feeds)}
        for article in self.articles:
            by_outlet[article.outlet].append(article)
        payloads = {}
        for outlet, items in by_outlet.items():
            items.sort(key=lambda a: (a.published, a.key), reverse=True)
            base = bases[outlet % len(bases)].rstrip("/")
            teaser = outlet in self.teaser_feeds
            payloads[self.feed_path(outlet)] = _payload(
                rss_feed(outlet, items, base, self.as_of, teaser=teaser),
                "application/rss+xml; charset=utf-8",
                max((a.published for a in items), default=self.as_of),
            )
            for article in items:
                payloads[article.path] = _payload(
                    article_page(article, outlet_name(outlet)),
                    "text/html; charset=utf-8",
                    article.published,
                )
        self._payloads = payloads

    def payload(self, path: str) -> Payload | None:
        return self._payloads.get(path)

    def truth(self) -> dict[str, dict[str, object]]:
        """Article key -> the story, document and copy kind it was made from."""
        return {
            a.key: {"story": a.story, "document": a.document, "wire": a.wire, "outlet": a.outlet}
            for a in self.articles
        }


def _http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def _payload(body: bytes, content_type: str, modified: datetime) -> Payload:
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return Payload(body, gzip.compress(body, 5, mtime=0), content_type, etag, modified)


def rss_feed(
    outlet: int, items: list[WorldArticle], base: str, built: datetime, *, teaser: bool = False
) -> bytes:
    """An RSS 2.0 feed carrying each article's full text in ``content:encoded``, or with
    ``teaser`` only the start of its first paragraph."""
    ET.register_namespace("content", CONTENT_NS)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = outlet_name(outlet)
    ET.SubElement(channel, "link").text = f"{base}/outlets/{outlet:04d}/"
    ET.SubElement(channel, "description").text = f"Latest news from {outlet_name(outlet)}"
    ET.SubElement(channel, "language").text = "en"
    ET.SubElement(channel, "lastBuildDate").text = _http_date(built)
    for article in items:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = base + article.path
        ET.SubElement(item, "guid", {"isPermaLink": "false"}).text = f"world:{article.key}"
        ET.SubElement(item, "pubDate").text = _http_date(article.published)
        lead = article.paragraphs[0]
        cut = lead if len(lead) <= 200 else lead[:200].rsplit(" ", 1)[0] + " […]"
        ET.SubElement(item, "description").text = cut if teaser else lead
        if not teaser:
            ET.SubElement(item, f"{{{CONTENT_NS}}}encoded").text = "".join(
                f"<p>{html.escape(p)}</p>" for p in article.paragraphs
            )
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(rss, encoding="utf-8")


def article_page(article: WorldArticle, outlet: str) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(article.title)}</title></head><body>"
        f"<header>{html.escape(outlet)}</header><article><h1>{html.escape(article.title)}</h1>"
        f"<time datetime=\"{article.published.isoformat()}\"></time>\n{body}</article>"
        "<footer>Share this story</footer></body></html>"
    ).encode()


def not_modified(payload: Payload, headers: dict[str, str]) -> bool:
    """RFC 9110 section 13.2.2: If-None-Match decides when present, else If-Modified-Since."""
    if_none_match = headers.get("if-none-match")
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in tags or payload.etag in tags
    since = headers.get("if-modified-since")
    if since:
        try:
            moment = email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return payload.last_modified.replace(microsecond=0) <= moment
    return False


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: WorldServer._Server

    def log_message(self, format: str, *args: object) -> None:
        """Silent: a scale run makes thousands of requests."""

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, *, head: bool) -> None:
        owner = self.server.owner
        if owner.latency:
            time.sleep(owner.latency)
        path = self.path.split("?", 1)[0]
        if path == "/_stats":
            self._send(200, json.dumps(dict(owner.stats)).encode(), {}, "application/json", head)
            return
        kind = "feed" if path.startswith("/feeds/") else "article"
        payload = owner.world.payload(path)
        if payload is None:
            owner.count("not_found")
            self._send(404, b"not found\n", {}, "text/plain", head)
            return
        validators = {"ETag": payload.etag, "Last-Modified": _http_date(payload.last_modified)}
        if not_modified(payload, {k.lower(): v for k, v in self.headers.items()}):
            owner.count(f"{kind}_304")
            self._send(304, b"", validators, None, head)
            return
        owner.count(f"{kind}_200")
        body = payload.body
        if "gzip" in self.headers.get("Accept-Encoding", "") and owner.gzip:
            body = payload.gzipped
            validators["Content-Encoding"] = "gzip"
        validators["Vary"] = "Accept-Encoding"
        self._send(200, body, validators, payload.content_type, head)

    def _send(
        self, status: int, body: bytes, headers: dict[str, str], ctype: str | None, head: bool
    ) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if ctype:
            self.send_header("Content-Type", ctype)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and status != 304:
            self.wfile.write(body)


class WorldServer:
    """Serve a :class:`World` on ``hosts`` loopback addresses from background threads."""

    class _Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 256
        owner: WorldServer

        def server_bind(self) -> None:
            """HTTPServer.server_bind without its reverse DNS lookup (slow with no resolver)."""
            TCPServer.server_bind(self)
            host, port = self.server_address[:2]
            self.server_name, self.server_port = str(host), int(port)

    def __init__(
        self, world: World, *, latency: float = 0.0, gzip: bool = True, hosts: int = 1
    ) -> None:
        if not 1 <= hosts <= 254:
            raise ValueError("hosts must be between 1 and 254 (addresses 127.0.0.1-254)")
        self.world = world
        self.latency = latency
        self.gzip = gzip
        self.stats: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._servers = []
        for number in range(1, min(hosts, world.feeds) + 1):
            httpd = self._Server((f"127.0.0.{number}", 0), _Handler)
            httpd.owner = self
            self._servers.append(httpd)
        self.bases = [f"http://127.0.0.{n + 1}:{h.server_address[1]}"
                      for n, h in enumerate(self._servers)]
        self.base_url = self.bases[0]
        world.render(self.bases)
        self._threads = [
            threading.Thread(target=h.serve_forever, daemon=True) for h in self._servers
        ]

    def count(self, what: str) -> None:
        with self._lock:
            self.stats[what] += 1

    def feed_urls(self) -> list[str]:
        return [
            self.bases[i % len(self.bases)] + self.world.feed_path(i)
            for i in range(self.world.feeds)
        ]

    def sources(self) -> list[dict[str, str]]:
        """``sources`` entries for a config.yaml."""
        return [
            {"name": outlet_name(i), "url": url} for i, url in enumerate(self.feed_urls())
        ]

    def start(self) -> WorldServer:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        # shutdown() blocks until that server's loop notices; ask them all at once.
        stoppers = [threading.Thread(target=h.shutdown) for h in self._servers]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers:
            stopper.join()
        for httpd in self._servers:
            httpd.server_close()
        for thread in self._threads:
            thread.join()

    def __enter__(self) -> WorldServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    parser.add_argument("--as-of", default=DEFAULT_AS_OF.isoformat())
    parser.add_argument("--seed", type=int, default=20261121)
    parser.add_argument("--hosts", type=int, default=1, help="loopback addresses to serve on")
    parser.add_argument("--teaser-share", type=float, default=0.0,
                        help="share of feeds carrying only teasers")
    args = parser.parse_args(argv)
    if not MULTINEWS.exists():
        print(f"world: {MULTINEWS} is missing", file=sys.stderr)
        return 2
    world = World.build(
        feeds=args.feeds,
        articles=args.articles,
        as_of=datetime.fromisoformat(args.as_of).astimezone(UTC),
        seed=args.seed,
        teaser_share=args.teaser_share,
    )
    with WorldServer(world, latency=args.latency, hosts=args.hosts) as server:
        print(json.dumps({"base_url": server.base_url, "sources": server.sources()}), flush=True)
        sys.stdin.read()
    return 0


if __name__ == "__main__":
    sys.exit(main())
