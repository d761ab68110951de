"""Quality gate: ROUGE on a small fixed subset of the shared Multi-News sample.

The full benchmark is bench/summaries.py (results in bench/RESULTS.md); this pins a floor so a
regression fails `make test`, using the benchmark's own row reader, story builder and naive
baseline. The floor sits a little under the measured figures.
"""

from __future__ import annotations

from pathlib import Path

from bench_loader import load_bench
from rouge_score import rouge_scorer

from briefing.summarize import summarize_story

ROWS = 16
FLOOR_R2 = 14.0  # measured 14.83
FLOOR_GAIN = 1.0  # measured +2.02 (naive LexRank 12.81)


def test_rouge2_floor_and_gain_over_naive_lexrank(shared: Path) -> None:
    bench = load_bench("summaries")
    csv_path = shared / "eval-data" / "multinews-sample" / "multinews_test_sample250.csv"
    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    ours, naive = [], []
    for index, (documents, reference) in enumerate(bench.read_rows(csv_path, ROWS)):
        story = bench.story_of(documents, f"row{index}")
        summary = summarize_story(
            story, algorithm="lexrank", max_words=bench.BUDGET, max_sentences=1000
        )
        texts = {a.id: a.text for a in story.articles}
        assert all(texts[s.article_id][s.start : s.end] == s.text for s in summary)
        ours.append(scorer.score(reference, "\n".join(s.text for s in summary))["rouge2"].fmeasure)
        naive_text = bench.naive(documents, "lexrank")
        naive.append(scorer.score(reference, naive_text)["rouge2"].fmeasure)
    assert len(ours) == ROWS
    ours_r2 = 100 * sum(ours) / len(ours)
    naive_r2 = 100 * sum(naive) / len(naive)
    print(f"R-2 on {len(ours)} rows: ours {ours_r2:.2f}, naive LexRank {naive_r2:.2f}")
    assert ours_r2 >= FLOOR_R2
    assert ours_r2 - naive_r2 >= FLOOR_GAIN
