"""Article-body extraction quality on ScrapingHub's article-extraction benchmark (AEB).

Usage: .venv/bin/python bench/extraction.py [--shared PATH] [--limit N]

Every page of ../shared/eval-data/scrapinghub-aeb/html is served gzip-encoded from a loopback
HTTP server and goes through the project's own path: briefing.fetch.Fetcher (deadline, size cap,
decompression) -> briefing.fulltext.extract_text -> briefing.clean.clean_text. Baselines on the
same pages: trafilatura.extract with its defaults, our extraction without clean_text, and the
benchmark's stored trafilatura 2.0.0 output (to check this metric reproduces the published
0.958). Metric: the benchmark's own, 4-gram token shingles per document, TP/FP/FN normalised
per document, precision and recall averaged over documents, F1 of the two averages.

Prints a table and, as its last line, one JSON object with ``aeb_f1`` (our full path).
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import ipaddress
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers_http import LoopbackServer, Request  # noqa: E402

from bench._aeb_metric import score  # noqa: E402
from briefing.clean import clean_text  # noqa: E402
from briefing.config import FetchConfig  # noqa: E402
from briefing.fetch import PAGE_ACCEPT, Fetcher  # noqa: E402
from briefing.fulltext import extract_text  # noqa: E402


async def _fetch_all(server: LoopbackServer, keys: list[str]) -> dict[str, bytes]:
    config = FetchConfig(concurrency=8, per_host=8)
    async with Fetcher(config, allow_private_hosts=True) as fetcher:
        async def one(key: str) -> tuple[str, bytes]:
            result = await fetcher.fetch(server.url(f"/{key}"), accept=PAGE_ACCEPT)
            return key, result.body

        return dict(await asyncio.gather(*(one(k) for k in keys)))


def _timed(label: str, fn: Callable[[], dict[str, str]], timings: dict[str, float]
           ) -> dict[str, str]:
    start = time.perf_counter()
    out = fn()
    timings[label] = time.perf_counter() - start
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO / ".." / "shared")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    root = args.shared / "eval-data" / "scrapinghub-aeb"
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[: args.limit or None]
    gold = {k: truth[k].get("articleBody", "") for k in keys}
    urls = {k: truth[k].get("url") or None for k in keys}
    pages = {k: gzip.decompress((root / "html" / f"{k}.html.gz").read_bytes()) for k in keys}

    with LoopbackServer() as server:
        for key in keys:
            compressed = gzip.compress(pages[key])

            def handle(request: Request, body: bytes = compressed) -> None:
                request.reply(200, body, [("Content-Encoding", "gzip")], "text/html")

            server.routes[f"/{key}"] = handle
        start = time.perf_counter()
        fetched = asyncio.run(_fetch_all(server, keys))
        fetch_seconds = time.perf_counter() - start
    assert ipaddress.ip_address(server.host).is_loopback
    identical = sum(fetched[k] == pages[k] for k in keys)

    timings: dict[str, float] = {}
    extracted = _timed("ours, no clean",
                       lambda: {k: extract_text(fetched[k], urls[k]) or "" for k in keys}, timings)
    ours = _timed("ours (fetch+extract+clean)",
                  lambda: {k: clean_text(extracted[k]) for k in keys}, timings)
    timings["ours (fetch+extract+clean)"] += timings["ours, no clean"]
    baseline = _timed("trafilatura defaults",
                      lambda: {k: trafilatura.extract(pages[k], url=urls[k]) or "" for k in keys},
                      timings)
    stored_path = root / "output" / "trafilatura.json"
    stored = json.loads(stored_path.read_text(encoding="utf-8"))["output"]
    published = {k: stored.get(k, {}).get("articleBody", "") for k in keys}

    rows = [
        ("ours (fetch+extract+clean)", score(gold, ours)),
        ("ours, no clean", score(gold, extracted)),
        ("trafilatura defaults", score(gold, baseline)),
        ("stored trafilatura 2.0.0 output", score(gold, published)),
    ]
    print(f"ScrapingHub AEB, {len(keys)} pages; fetched through briefing.fetch in "
          f"{fetch_seconds:.2f} s ({identical}/{len(keys)} bodies byte-identical after gzip)")
    print(f"trafilatura {trafilatura.__version__}")
    print(f"{'extractor':<34} {'F1':>6} {'prec':>6} {'recall':>6} {'seconds':>8}")
    for name, metrics in rows:
        seconds = f"{timings[name]:8.2f}" if name in timings else f"{'-':>8}"
        print(f"{name:<34} {metrics['f1']:6.3f} {metrics['precision']:6.3f} "
              f"{metrics['recall']:6.3f} {seconds}")
    summary = {
        "aeb_f1": round(rows[0][1]["f1"], 4),
        "aeb_precision": round(rows[0][1]["precision"], 4),
        "aeb_recall": round(rows[0][1]["recall"], 4),
        "aeb_f1_no_clean": round(rows[1][1]["f1"], 4),
        "trafilatura_defaults_f1": round(rows[2][1]["f1"], 4),
        "stored_trafilatura_f1": round(rows[3][1]["f1"], 4),
        "pages": len(keys),
        "bodies_identical": identical,
    }
    print(json.dumps(summary, sort_keys=True))


if __name__ == "__main__":
    main()
