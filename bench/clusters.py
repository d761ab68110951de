"""Story clustering quality (BCubed) and cost.

Usage: .venv/bin/python bench/clusters.py [--shared PATH] [--articles N]

(a) Multi-News mixture: every document of every row of the 250-row sample, shuffled together;
    a row is one gold story. The documents carry no titles or dates, so they get none (empty
    title) and all share one publication time: only the text can separate them.
(b) WikiRef220: gold label = topic (file name prefix). Topics are coarser than events, so this
    is reported for reference and not tuned to.
(c) Cost: dedup + clustering of N (default 10,000) articles synthesised from the Multi-News
    documents (each a random subset of one document's sentences, spread over 24 hours), run in
    a fresh process so its peak resident memory is its own.

The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing import cluster, dedup
from briefing.models import Article
from briefing.text import split_sentences

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
NOW = datetime(2024, 1, 2, 6, 0, tzinfo=UTC)
PUBLISHED = datetime(2024, 1, 1, 12, 0, tzinfo=UTC)


def bcubed(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Item-averaged BCubed precision, recall and F1 (Amigó et al. 2009)."""
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for item, label in gold.items():
        by_gold[label].add(item)
    for item, label in predicted.items():
        by_pred[label].add(item)
    precision = recall = 0.0
    for item in gold:
        same_pred = by_pred[predicted[item]]
        same_gold = by_gold[gold[item]]
        both = len(same_pred & same_gold)
        precision += both / len(same_pred)
        recall += both / len(same_gold)
    precision /= len(gold)
    recall /= len(gold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _article(
    key: str, text: str, published: datetime, source: str, *, titled: bool
) -> Article | None:
    text = text.strip()
    if not text:
        return None
    first, _, rest = text.partition("\n")
    title = first.strip() if titled and rest.strip() else ""
    body = rest.strip() if title else text
    return Article(
        id=key, source=source, url=f"https://{source}.example/{key}", title=title, text=body,
        published=published, fetched=published,
    )


def multinews_documents(shared: Path) -> list[list[str]]:
    path = shared / "eval-data" / "multinews-sample" / "multinews_test_sample250.csv"
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        return [ast.literal_eval(row["documents"]) for row in csv.DictReader(handle)]


def multinews_articles(shared: Path) -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    for row, documents in enumerate(multinews_documents(shared)):
        for number, text in enumerate(documents):
            key = f"mn{row:03d}-{number}"
            article = _article(key, text, PUBLISHED, f"outlet{number}", titled=False)
            if article is not None:
                articles.append(article)
                gold[key] = f"row{row}"
    random.Random(7).shuffle(articles)
    return articles, gold


def wikiref_articles(shared: Path) -> tuple[list[Article], dict[str, str]]:
    folder = shared / "eval-data" / "wikiref220" / "app" / "data_processing" / "test_data"
    articles, gold = [], {}
    for path in sorted((folder / "wikiref" / "WikiRef220").glob("*.txt")):
        topic = path.name.split(" (")[0].rsplit(".", 2)[0]
        text = path.read_bytes().decode("cp1252", errors="replace")
        article = _article(
            path.stem, text, PUBLISHED, f"site{len(articles) % 17}", titled=True
        )
        if article is not None:
            articles.append(article)
            gold[path.stem] = topic
    return articles, gold


def synthetic_articles(shared: Path, count: int) -> list[Article]:
    """``count`` articles, each a random 60-90% of one Multi-News document's sentences."""
    rng = random.Random(11)
    documents = [d for docs in multinews_documents(shared) for d in docs if d.strip()]
    sentences = [[s.text for s in split_sentences(d)] for d in documents]
    articles = []
    for index in range(count):
        pick = sentences[index % len(sentences)]
        kept = [s for s in pick if rng.random() < rng.uniform(0.6, 0.9)] or pick[:1]
        published = PUBLISHED - timedelta(minutes=rng.randrange(24 * 60))
        article = _article(
            f"syn{index:05d}", "\n".join(kept), published, f"outlet{index % 97}", titled=False
        )
        if article is not None:
            articles.append(article)
    return articles


def run(articles: Sequence[Article]) -> tuple[dict[str, str], dict[str, str], int]:
    origins = dedup.assign_origins(articles)
    stories = cluster.cluster_stories(articles, origins, now=NOW, prior=[])
    predicted = {a.id: story.id for story in stories for a in story.articles}
    return predicted, origins, len(stories)


def quality(name: str, articles: list[Article], gold: dict[str, str]) -> dict[str, float]:
    start = time.perf_counter()
    predicted, origins, stories = run(articles)
    seconds = time.perf_counter() - start
    p, r, f = bcubed(gold, predicted)
    sizes = Counter(Counter(predicted.values()).values())
    print(
        f"{name:<22} {len(articles):>6} {len(set(gold.values())):>6} {stories:>7} "
        f"{len(set(origins.values())):>7} {p:>6.3f} {r:>6.3f} {f:>6.3f} {seconds:>7.2f}"
    )
    print(f"{'':<22} story sizes: {dict(sorted(sizes.items()))}")
    return {"precision": p, "recall": r, "f1": f}


def cost_child(count: int, shared: Path) -> None:
    articles = synthetic_articles(shared, count)
    start, cpu = time.perf_counter(), time.process_time()
    _, origins, stories = run(articles)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"articles": len(articles), "seconds": seconds, "cpu_seconds": cpu,
                      "peak_mb": peak_mb, "stories": stories,
                      "origins": len(set(origins.values()))}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--cost-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cost_child:
        cost_child(args.articles, args.shared)
        return 0
    if not (args.shared / "eval-data").is_dir():
        print(f"no evaluation data under {args.shared}", file=sys.stderr)
        return 2

    print(f"{'data set':<22} {'docs':>6} {'gold':>6} {'stories':>7} {'origins':>7} "
          f"{'P':>6} {'R':>6} {'F1':>6} {'seconds':>7}")
    multinews = quality("Multi-News mixture", *multinews_articles(args.shared))
    wikiref = quality("WikiRef220 (topics)", *wikiref_articles(args.shared))

    child = subprocess.run(
        [sys.executable, __file__, "--cost-child", "--articles", str(args.articles),
         "--shared", str(args.shared)],
        check=True, capture_output=True, text=True,
    )
    cost = json.loads(child.stdout.strip().splitlines()[-1])
    load = os.getloadavg()[0]
    print(f"cost: {cost['articles']} synthetic articles -> {cost['stories']} stories, "
          f"{cost['origins']} origins in {cost['seconds']:.2f} s wall, "
          f"{cost['cpu_seconds']:.2f} s CPU, peak RSS {cost['peak_mb']:.0f} MB (whole process); "
          f"{os.cpu_count()} CPUs, load average {load:.1f} at the end")
    print(json.dumps({
        "multinews_bcubed_precision": round(multinews["precision"], 4),
        "multinews_bcubed_recall": round(multinews["recall"], 4),
        "multinews_bcubed_f1": round(multinews["f1"], 4),
        "wikiref_bcubed_precision": round(wikiref["precision"], 4),
        "wikiref_bcubed_recall": round(wikiref["recall"], 4),
        "wikiref_bcubed_f1": round(wikiref["f1"], 4),
        "articles_10k": cost["articles"],
        "seconds_10k": round(cost["seconds"], 2),
        "cpu_seconds_10k": round(cost["cpu_seconds"], 2),
        "load_average": round(load, 1),
        "peak_mb_10k": round(cost["peak_mb"], 1),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
