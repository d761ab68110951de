"""ROUGE of the story summarizer against naive sumy and First-3 on a Multi-News style CSV.

Usage: .venv/bin/python bench/summaries.py [CSV] [--rows N] [--algorithm NAME] [--jobs N]

The CSV has a ``documents`` column (a Python list literal of article texts) and a ``summary``
column (the reference). Every method gets the same 300-word budget and is scored with
rouge-score (ROUGE-1/2/L F1, Porter stemming). The naive baselines rank all sentences of the
concatenated documents with sumy (stemmer and stop words, the project's tokenizer because
sumy's default one needs NLTK data) and keep the top ones until the budget is full; First-3
takes the first three sentences of each document. The last line printed is one JSON object
mapping method -> [R-1, R-2, R-L]; ours is under ``briefing``.

For reference only (another scorer, do not compare): Fabbri et al. 2019 report LexRank
38.27 / 12.70 and Hi-MAP 43.47 / 14.89 (R-1 / R-2) on the full Multi-News test set.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rouge_score import rouge_scorer
from threadpoolctl import threadpool_limits

from briefing.models import Article, Story
from briefing.ranking import rate_sentences
from briefing.summarize import summarize_story
from briefing.text import split_sentences, words

DEFAULT_CSV = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "eval-data"
    / "multinews-sample"
    / "multinews_test_sample250.csv"
)
BUDGET = 300
NAIVE = ("lexrank", "textrank", "lsa")
METHODS = ("briefing", *NAIVE, "first3")
T0 = datetime(2020, 1, 1, tzinfo=UTC)


def read_rows(path: Path, limit: int | None) -> list[tuple[list[str], str]]:
    csv.field_size_limit(1 << 30)
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            try:
                documents = ast.literal_eval(record["documents"])
            except (ValueError, SyntaxError):
                print("skipped a row whose documents column is not a list literal", file=sys.stderr)
                continue
            docs = [d for d in documents if isinstance(d, str) and d.strip()]
            rows.append((docs, record["summary"]))
            if limit is not None and len(rows) >= limit:
                break
    return rows


def story_of(documents: list[str], key: str) -> Story:
    articles = tuple(
        Article(
            id=f"{key}-{i}",
            source=f"outlet {i}",
            url=f"https://example.invalid/{key}/{i}",
            title="",
            text=text,
            published=T0 + timedelta(minutes=i),
            fetched=T0,
        )
        for i, text in enumerate(documents)
    )
    return Story(id=key, articles=articles, origins={a.id: a.id for a in articles})


def fill_budget(sentences: list[str], order: list[int]) -> str:
    """Take sentences in ``order`` while they fit the budget; print them in source order."""
    taken, used = [], 0
    for i in order:
        count = len(words(sentences[i]))
        if used + count > BUDGET:
            break
        taken.append(i)
        used += count
    return "\n".join(sentences[i] for i in sorted(taken))


def naive(documents: list[str], algorithm: str) -> str:
    sentences = [s.text for d in documents for s in split_sentences(d)]
    ratings = rate_sentences([sentences], algorithm)
    order = sorted(range(len(sentences)), key=lambda i: (-ratings[i], i))
    return fill_budget(sentences, order)


def first3(documents: list[str]) -> str:
    sentences = [s.text for d in documents for s in split_sentences(d)[:3]]
    return fill_budget(sentences, list(range(len(sentences))))


def run_row(args: tuple[int, list[str], str, str]) -> dict[str, object]:
    index, documents, reference, algorithm = args
    story = story_of(documents, f"row{index}")
    started = time.perf_counter()
    summary = summarize_story(story, algorithm=algorithm, max_words=BUDGET, max_sentences=1000)
    elapsed = time.perf_counter() - started
    texts = {a.id: a.text for a in story.articles}
    verbatim = sum(texts[s.article_id][s.start : s.end] == s.text for s in summary)
    outputs = {"briefing": "\n".join(s.text for s in summary)}
    for method in NAIVE:
        outputs[method] = naive(documents, method)
    outputs["first3"] = first3(documents)
    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    scores = {}
    for method, text in outputs.items():
        result = scorer.score(reference, text)
        scores[method] = [
            result["rouge1"].fmeasure,
            result["rouge2"].fmeasure,
            result["rougeL"].fmeasure,
        ]
    return {
        "scores": scores,
        "seconds": elapsed,
        "sentences": len(summary),
        "verbatim": verbatim,
        "words": sum(len(words(s.text)) for s in summary),
    }


def single_threaded() -> None:
    """One BLAS thread per worker: the pool already uses every core."""
    threadpool_limits(1)


def time_big_story(
    rows: list[tuple[list[str], str]], algorithm: str, size: int = 50
) -> tuple[int, int, float, float]:
    """Best of three runs (wall clock, CPU) summarising one story of ``size`` documents."""
    documents = [d for docs, _ in rows for d in docs][:size]
    story = story_of(documents, "big")
    wall = cpu = float("inf")
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        summarize_story(story, algorithm=algorithm, max_words=BUDGET, max_sentences=1000)
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    sentences = sum(len(split_sentences(d)) for d in documents)
    return len(documents), sentences, wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("csv", nargs="?", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--rows", type=int, default=None)
    parser.add_argument("--algorithm", default="lexrank")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    options = parser.parse_args()
    if not options.csv.is_file():
        sys.exit(f"{options.csv}: no such file")
    rows = read_rows(options.csv, options.rows)
    tasks = [(i, docs, ref, options.algorithm) for i, (docs, ref) in enumerate(rows)]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=options.jobs, initializer=single_threaded) as pool:
        results = list(pool.map(run_row, tasks, chunksize=4))
    wall = time.perf_counter() - started

    means = {
        m: [100 * statistics.fmean(r["scores"][m][k] for r in results) for k in range(3)]  # type: ignore[index]
        for m in METHODS
    }
    sentences = sum(int(r["sentences"]) for r in results)  # type: ignore[call-overload]
    verbatim = sum(int(r["verbatim"]) for r in results)  # type: ignore[call-overload]
    seconds = [float(r["seconds"]) for r in results]  # type: ignore[arg-type]
    print(
        f"{options.csv.name}: {len(rows)} rows, budget {BUDGET} words, ours = {options.algorithm}"
    )
    print(f"{'method':<10} {'R-1':>6} {'R-2':>6} {'R-L':>6}")
    for method in METHODS:
        r1, r2, rl = means[method]
        print(f"{method:<10} {r1:6.2f} {r2:6.2f} {rl:6.2f}")
    best = max(NAIVE, key=lambda m: means[m][1])
    print(f"R-2 gain over best naive sumy ({best}): {means['briefing'][1] - means[best][1]:+.2f}")
    print(f"verbatim sentences: {verbatim}/{sentences} ({100 * verbatim / max(sentences, 1):.1f}%)")
    print(
        f"mean words per summary: {statistics.fmean(float(r['words']) for r in results):.0f}"  # type: ignore[arg-type]
    )
    print(
        f"summarize_story per row: mean {1000 * statistics.fmean(seconds):.0f} ms,"
        f" max {1000 * max(seconds):.0f} ms; whole run {wall:.0f} s on {options.jobs} processes"
    )
    single_threaded()
    more = rows if sum(len(d) for d, _ in rows) >= 50 else read_rows(options.csv, 60)
    size, sentences_big, wall_big, cpu_big = time_big_story(more, options.algorithm)
    print(
        f"{size}-article story ({sentences_big} sentences), best of 3:"
        f" {1000 * wall_big:.0f} ms wall, {1000 * cpu_big:.0f} ms CPU"
    )
    print(
        "published on the full Multi-News test set with another ROUGE scorer (not comparable):"
        " LexRank 38.27 / 12.70, Hi-MAP 43.47 / 14.89 R-1 / R-2 (Fabbri et al. 2019)"
    )
    print(json.dumps({m: [round(v, 2) for v in means[m]] for m in METHODS}))


if __name__ == "__main__":
    main()
