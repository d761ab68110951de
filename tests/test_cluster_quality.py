"""Quality floor for story clustering: BCubed F1 on the Multi-News mixture (issue 4's benchmark,
scored by bench/clusters.py's own functions). The benchmark measured F1 0.877; the floor leaves
room for small, deliberate trade-offs but fails on a real regression."""

from __future__ import annotations

from pathlib import Path

from bench_loader import load_bench

F1_FLOOR = 0.85
PRECISION_FLOOR = 0.93


def test_multinews_mixture_bcubed_floor(shared: Path) -> None:
    bench = load_bench("clusters")
    articles, gold = bench.multinews_articles(shared)
    assert len(articles) > 500
    predicted, _, stories = bench.run(articles)
    precision, recall, f1 = bench.bcubed(gold, predicted)
    assert precision >= PRECISION_FLOOR, (precision, recall, f1)
    assert f1 >= F1_FLOOR, (precision, recall, f1)
    assert 200 <= stories <= len(articles)
