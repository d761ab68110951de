"""Collect speed: 200 feeds served on 127.0.0.1 with 100 ms latency per response.

Usage: .venv/bin/python bench/collect_speed.py [--feeds 200] [--hosts 50] [--latency 0.1]

The feeds are spread over ``--hosts`` HTTP servers on 127.0.0.1 (one port each), as real
subscriptions are spread over many sites; the per-host limit counts per origin (scheme, host,
port). The servers run in a child process so their work does not share this process's GIL.
Side by side, for two feed shapes (summary feeds: 25 items with a 2-3 sentence description;
full-content feeds: 20 items of four paragraphs):

1. baseline: ``feedparser.parse(url)`` on each URL in turn (feedparser's own fetcher);
2. ours: ``briefing.collect.collect_sources`` with the default FetchConfig (16 requests at once,
   2 per origin) into a fresh SQLite database, parsing, cleaning and storing every entry, with
   the default parse workers (processes, see briefing/parse_pool.py).
   ``full_text`` is off so both sides do the same work (the baseline fetches no pages);
3. ours with the parsing in a thread instead (``parse_workers=0``): what the processes buy;
4. ours again an hour later: every feed answers 304 to the conditional GET.

CPU is this process's only (the parse workers are not its children). Parse workers re-import
this script (multiprocessing's rule for ``__main__``), so the project's modules are imported
inside the functions that use them, as the ``briefing`` console script imports only the CLI.

Prints a table and, as its last line, one JSON object.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path

import feedparser

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers_http import LoopbackServer, Request  # noqa: E402

NOW = datetime(2025, 11, 3, 12, 0, tzinfo=UTC)
WORDS = ("council harbour budget minister bridge river station report vote market school "
         "hospital storm energy court police election trade rail water farm plan city")
SHAPES = {"summary": (25, 0), "full-content": (20, 4)}


def _sentence(rng: random.Random) -> str:
    vocabulary = WORDS.split(" ")
    words = [rng.choice(vocabulary) for _ in range(rng.randint(10, 18))]
    return " ".join(words).capitalize() + "."


def make_feed(index: int, items: int, paragraphs: int, rng: random.Random) -> bytes:
    """An RSS 2.0 feed; ``paragraphs`` 0 gives a 2-3 sentence plain description."""
    parts = [f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
             f"<title>Outlet {index}</title><link>http://outlet{index}.example/</link>"
             f"<description>Synthetic outlet {index}</description>"]
    for j in range(items):
        published = format_datetime(NOW - timedelta(minutes=37 * j + index), usegmt=True)
        if paragraphs:
            body = "".join(f"<p>{' '.join(_sentence(rng) for _ in range(3))}</p>"
                           for _ in range(paragraphs))
        else:
            body = " ".join(_sentence(rng) for _ in range(rng.randint(2, 3)))
        parts.append(
            f"<item><guid>outlet{index}-{j}</guid><title>{_sentence(rng)[:-1]}</title>"
            f"<link>http://outlet{index}.example/{j}</link><pubDate>{published}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode()


def serve(feeds: int, hosts: int, latency: float, items: int, paragraphs: int,
          pipe: Connection) -> None:
    """Child process: run the servers, send their feed URLs, serve until told to stop."""
    rng = random.Random(7)
    servers = [LoopbackServer(latency=latency) for _ in range(hosts)]
    urls = []
    for i in range(feeds):
        server = servers[i % hosts]
        body = make_feed(i, items, paragraphs, rng)
        etag = f'"feed-{i}"'

        def handle(request: Request, body: bytes = body, etag: str = etag) -> None:
            if request.headers.get("If-None-Match") == etag:
                request.reply(304, headers=[("ETag", etag)])
            else:
                request.reply(200, body, [("ETag", etag)])

        server.routes[f"/feed{i}.xml"] = handle
        urls.append(server.url(f"/feed{i}.xml"))
    for server in servers:
        server.__enter__()
    pipe.send(urls)
    pipe.recv()
    for server in servers:
        server.__exit__(None, None, None)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_shape(name: str, args: argparse.Namespace) -> dict[str, float | int | str]:
    from briefing.collect import collect_sources
    from briefing.config import FetchConfig
    from briefing.models import Source
    from briefing.parse_pool import pool_size
    from briefing.store import Store

    items, paragraphs = SHAPES[name]
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(
        target=serve, args=(args.feeds, args.hosts, args.latency, items, paragraphs, child))
    process.start()
    try:
        urls: list[str] = parent.recv()
        start = time.perf_counter()
        baseline_entries = sum(len(feedparser.parse(url).entries) for url in urls)
        baseline = time.perf_counter() - start

        config = FetchConfig(full_text=False, concurrency=args.concurrency)
        sources = [Source(f"Outlet {i}", url) for i, url in enumerate(urls)]
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            start, cpu = time.perf_counter(), _cpu()
            report = collect_sources(sources, store, config, NOW, allow_private_hosts=True)
            ours, ours_cpu = time.perf_counter() - start, _cpu() - cpu
            start = time.perf_counter()
            again = collect_sources(sources, store, config, NOW + timedelta(hours=1),
                                    allow_private_hosts=True)
            ours_304 = time.perf_counter() - start
            stored = store.article_count()
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "bench.db") as store:
            start, cpu = time.perf_counter(), _cpu()
            threaded = collect_sources(sources, store, config, NOW, allow_private_hosts=True,
                                       parse_workers=0)
            in_thread, in_thread_cpu = time.perf_counter() - start, _cpu() - cpu
            stored_in_thread = store.article_count()
    finally:
        parent.send("stop")
        process.join(timeout=10)
    return {
        "shape": name, "items": items, "paragraphs": paragraphs,
        "feedparser_sequential_s": round(baseline, 3), "baseline_entries": baseline_entries,
        "collect_s": round(ours, 3), "collect_cpu_s": round(ours_cpu, 3),
        "collect_304_s": round(ours_304, 3),
        "speedup": round(baseline / ours, 1), "articles_stored": stored,
        "parse_workers": pool_size(len(sources)),
        "collect_thread_s": round(in_thread, 3), "collect_thread_cpu_s": round(in_thread_cpu, 3),
        "speedup_thread": round(baseline / in_thread, 1),
        "articles_stored_thread": stored_in_thread,
        "feeds_ok": sum(r.status == "ok" for r in report.results),
        "feeds_ok_thread": sum(r.status == "ok" for r in threaded.results),
        "feeds_not_modified": sum(r.status == "not-modified" for r in again.results),
    }


def main() -> None:
    from briefing.config import FetchConfig

    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=FetchConfig().concurrency)
    parser.add_argument("--shapes", nargs="+", choices=list(SHAPES), default=list(SHAPES))
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    rows = [run_shape(name, args) for name in args.shapes]
    print(f"{args.feeds} feeds on {args.hosts} servers on 127.0.0.1, "
          f"{args.latency * 1000:.0f} ms latency per response; concurrency {args.concurrency}, "
          f"2 per origin; {os.cpu_count()} CPUs, load average {load_before:.1f} before the run; "
          f"{rows[0]['parse_workers']} parse workers")
    print(f"{'feeds':<24} {'feedparser in turn':>18} {'collect_sources':>16} {'(CPU)':>7} "
          f"{'speed-up':>9} {'in a thread':>12} {'speed-up':>9} {'all 304':>8} {'stored':>7}")
    for row in rows:
        label = f"{row['shape']} ({row['items']} items)"
        print(f"{label:<24} {row['feedparser_sequential_s']:>17.2f}s {row['collect_s']:>15.2f}s "
              f"{row['collect_cpu_s']:>6.2f}s {row['speedup']:>8.1f}x "
              f"{row['collect_thread_s']:>11.2f}s {row['speedup_thread']:>8.1f}x "
              f"{row['collect_304_s']:>7.2f}s {row['articles_stored']:>7}")
    summary = {"feeds": args.feeds, "hosts": args.hosts, "latency_s": args.latency,
               "concurrency": args.concurrency, "load_average_before": load_before,
               "shapes": rows}
    for row in rows:
        key = "speedup" if row["shape"] == "summary" else "speedup_full_content"
        summary[key] = row["speedup"]
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
