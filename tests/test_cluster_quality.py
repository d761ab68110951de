"""Quality floor for story clustering: BCubed F1 on the Multi-News mixture (issue 4's benchmark,
scored by bench/clusters.py's own functions). The benchmark measured F1 0.877; the floor leaves
room for small, deliberate trade-offs but fails on a real regression."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

F1_FLOOR = 0.85
PRECISION_FLOOR = 0.93


def bench_clusters() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "clusters.py"
    spec = importlib.util.spec_from_file_location("bench_clusters", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_multinews_mixture_bcubed_floor(shared: Path) -> None:
    bench = bench_clusters()
    articles, gold = bench.multinews_articles(shared)
    assert len(articles) > 500
    predicted, _, stories = bench.run(articles)
    precision, recall, f1 = bench.bcubed(gold, predicted)
    assert precision >= PRECISION_FLOOR, (precision, recall, f1)
    assert f1 >= F1_FLOOR, (precision, recall, f1)
    assert 200 <= stories <= len(articles)
