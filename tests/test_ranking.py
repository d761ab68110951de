from __future__ import annotations

import numpy as np
import pytest
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from briefing.ranking import ALGORITHMS, rate_sentences, rate_with, stemmer, stop_words

PARAGRAPHS = [
    [
        "The river rose above its banks on Sunday night and flooded the lower town.",
        "Emergency crews evacuated three hundred residents from the lower town before dawn.",
        "The mayor said the flood barrier had failed at two places along the river.",
    ],
    [
        "Residents of the lower town were evacuated as the river flooded streets overnight.",
        "Forecasters expect more rain on Tuesday.",
        "The mayor promised an inquiry into why the flood barrier failed.",
        "Rain.",
        "",
    ],
    ["A school and two care homes were also evacuated, officials said."],
]


def stock(summarizer_class: type) -> object:
    summarizer = summarizer_class(stemmer())
    summarizer.stop_words = stop_words()
    return summarizer


@pytest.mark.parametrize(
    ("algorithm", "stock_class"),
    [("lexrank", LexRankSummarizer), ("textrank", TextRankSummarizer)],
)
def test_fast_matrices_rate_exactly_like_stock_sumy(algorithm: str, stock_class: type) -> None:
    ours = rate_sentences(PARAGRAPHS, algorithm)
    theirs = rate_with(stock(stock_class), PARAGRAPHS)
    assert len(ours) == sum(len(p) for p in PARAGRAPHS)
    assert np.allclose(ours, theirs)
    assert max(ours) > min(ours)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_rates_every_sentence(algorithm: str) -> None:
    ratings = rate_sentences(PARAGRAPHS, algorithm, titles=["Flood in the lower town"])
    assert len(ratings) == 9
    assert all(np.isfinite(ratings))


def test_a_flood_sentence_ranks_first_and_the_empty_one_last() -> None:
    ratings = rate_sentences(PARAGRAPHS, "lexrank")
    assert int(np.argmax(ratings)) in {0, 1, 2, 3, 5}
    assert ratings[7] == 0.0


def test_empty_input_and_unknown_algorithm() -> None:
    assert rate_sentences([], "lexrank") == []
    with pytest.raises(ValueError, match="unknown summary algorithm"):
        rate_sentences(PARAGRAPHS, "bart")
