"""Feed autodiscovery: what real pages link to, what the parser costs, what collect requests.

Usage: .venv/bin/python bench/discovery.py [--shared PATH] [--sources N]

1. briefing.feeds.discover_feed_links on every page of ScrapingHub's article-extraction
   benchmark (real news and blog pages): how many name a feed, how many links, comment feeds,
   time per page.
2. The same function on every file of the feedparser and node-feedparser corpora (feeds, not
   pages, many malformed): it must never raise.
3. collect on a loopback server, N sources configured as home pages that link to their feeds
   against N configured with the feed URLs: requests and seconds of a first and a second run.

Prints tables and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers_http import LoopbackServer, rss, static  # noqa: E402

from briefing.collect import collect_sources  # noqa: E402
from briefing.config import FetchConfig  # noqa: E402
from briefing.feeds import discover_feed_links  # noqa: E402
from briefing.models import Source  # noqa: E402
from briefing.store import Store  # noqa: E402

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)


def _pages(shared: Path) -> dict[str, bytes]:
    root = shared / "eval-data" / "scrapinghub-aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return {truth[k].get("url") or f"https://aeb.example/{k}":
            gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()) for k in sorted(truth)}


def _timed_links(body: bytes, url: str) -> tuple[list[str], float]:
    start = time.perf_counter()
    links = discover_feed_links(body, url)
    return links, (time.perf_counter() - start) * 1000


def bench_pages(shared: Path) -> dict[str, float | int]:
    pages = _pages(shared)
    with_feed = links_total = comment_pages = comment_first = raised = 0
    times = []
    for url, body in pages.items():
        try:
            links, ms = _timed_links(body, url)
        except Exception:  # counted: the function promises never to raise
            raised += 1
            continue
        times.append(ms)
        with_feed += bool(links)
        links_total += len(links)
        comment_pages += any("comments" in link.lower() for link in links)
        comment_first += bool(links) and "comment" in links[0].lower()
    return {"pages": len(pages), "pages_with_feed": with_feed, "links": links_total,
            "pages_with_comment_feed": comment_pages,
            "first_link_a_comment_feed": comment_first, "raised": raised,
            "median_ms": round(statistics.median(times), 2),
            "p95_ms": round(statistics.quantiles(times, n=20)[-1], 2),
            "max_ms": round(max(times), 2)}


def bench_corpus(shared: Path) -> dict[str, float | int]:
    roots = [shared / "eval-data" / "feedparser-tests", shared / "eval-data" /
             "node-feedparser-feeds"]
    files = sorted(p for root in roots for p in root.rglob("*")
                   if p.is_file() and p.name not in ("LICENSE", "SOURCE.txt"))
    raised = found = 0
    start = time.perf_counter()
    for path in files:
        try:
            found += bool(discover_feed_links(path.read_bytes(), "http://corpus.example/"))
        except Exception:  # counted: the function promises never to raise
            raised += 1
    seconds = time.perf_counter() - start
    return {"files": len(files), "raised": raised, "files_with_links": found,
            "ms_per_file": round(seconds * 1000 / max(len(files), 1), 3)}


def _collect(server: LoopbackServer, sources: list[Source], store: Store, now: datetime
             ) -> tuple[int, float, int]:
    server.seen.clear()
    config = FetchConfig(full_text=False, concurrency=16, per_host=16)
    start = time.perf_counter()
    report = collect_sources(sources, store, config, now, allow_private_hosts=True, force=True,
                             parse_workers=0)
    return len(server.seen), time.perf_counter() - start, report.new_articles


def bench_collect(count: int) -> list[dict[str, float | int | str]]:
    text = " ".join(["The council approved the budget after a long debate about schools."] * 8)
    rows: list[dict[str, float | int | str]] = []
    with LoopbackServer() as server, tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            items = [(f"{i}-{n}", f"Story {n} of site {i}", text) for n in range(10)]
            server.routes[f"/s{i}/feed.xml"] = static(rss(items))
            page = (f"<!doctype html><html><head><title>Site {i}</title>"
                    f"<link rel='alternate' type='application/rss+xml' href='feed.xml'>"
                    f"</head><body>{'<p>front page</p>' * 200}</body></html>").encode()
            server.routes[f"/s{i}/"] = static(page, content_type="text/html")
        for kind, path in (("home page", "/s{}/"), ("feed URL", "/s{}/feed.xml")):
            sources = [Source(f"site {i}", server.url(path.format(i))) for i in range(count)]
            with Store(Path(tmp) / f"{kind}.db") as store:
                first = _collect(server, sources, store, NOW)
                second = _collect(server, sources, store, NOW + timedelta(hours=1))
            rows.append({"configured": kind, "run1_requests": first[0],
                         "run1_s": round(first[1], 2), "run1_new": first[2],
                         "run2_requests": second[0], "run2_s": round(second[1], 2)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO / ".." / "shared")
    parser.add_argument("--sources", type=int, default=40)
    args = parser.parse_args()
    if not (args.shared / "eval-data").is_dir():
        print(json.dumps({"skipped": f"{args.shared} has no eval-data"}))
        return
    pages = bench_pages(args.shared)
    print("## discover_feed_links on ScrapingHub AEB pages")
    for key, value in pages.items():
        print(f"{key:<26}{value}")
    corpus = bench_corpus(args.shared)
    print("\n## discover_feed_links on the feed corpora (not pages; must not raise)")
    for key, value in corpus.items():
        print(f"{key:<26}{value}")
    rows = bench_collect(args.sources)
    print(f"\n## collect, {args.sources} sources, first and second run")
    print(f"{'configured':<12}{'run1 req':>9}{'run1 s':>8}{'new':>6}{'run2 req':>10}"
          f"{'run2 s':>8}")
    for row in rows:
        print(f"{row['configured']:<12}{row['run1_requests']:>9}{row['run1_s']:>8}"
              f"{row['run1_new']:>6}{row['run2_requests']:>10}{row['run2_s']:>8}")
    print(json.dumps({"pages": pages, "corpus": corpus, "collect": rows}))


if __name__ == "__main__":
    main()
