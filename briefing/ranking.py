"""sumy sentence ratings, by algorithm name, with the project's tokenizer.

sumy builds LexRank's and TextRank's sentence-similarity matrices one pair at a time in pure
Python, which takes tens of seconds for a story of 50 articles (about a million pairs). The two
subclasses below compute the very same matrices with sparse matrix products; everything else
(stemming, stop words, idf, power method, damping) is sumy's own code. tests/test_ranking.py
checks that their ratings equal stock sumy's. The other algorithms run as sumy ships them;
"lsa" (a full SVD) and "kl" (quadratic in sentences) take seconds to minutes on large stories.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import sparse
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.nlp.stemmers import Stemmer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer
from sumy.utils import get_stop_words

from .text import SentenceTokenizer, words

ALGORITHMS = ("lexrank", "textrank", "lsa", "luhn", "sumbasic", "kl", "edmundson")


def _count_matrix(
    sentences: Sequence[Sequence[str]], weights: Sequence[dict[str, float]] | None = None
) -> sparse.csr_matrix:
    vocabulary: dict[str, int] = {}
    rows, cols, values = [], [], []
    for row, terms in enumerate(sentences):
        counts: Mapping[str, float] = weights[row] if weights is not None else Counter(terms)
        for term, value in counts.items():
            rows.append(row)
            cols.append(vocabulary.setdefault(term, len(vocabulary)))
            values.append(value)
    shape = (len(sentences), max(len(vocabulary), 1))
    return sparse.csr_matrix((values, (rows, cols)), shape=shape, dtype=float)


class FastLexRankSummarizer(LexRankSummarizer):
    @staticmethod
    def _compute_idf(sentences: Sequence[Sequence[str]]) -> dict[str, float]:
        containing = Counter(term for sentence in sentences for term in set(sentence))
        total = len(sentences)
        return {term: math.log(total / (1 + n)) for term, n in containing.items()}

    def _create_matrix(
        self,
        sentences: Sequence[Sequence[str]],
        threshold: float,
        tf_metrics: Sequence[dict[str, float]],
        idf_metrics: dict[str, float],
    ) -> np.ndarray:
        weighted = [{t: tf * idf_metrics[t] for t, tf in tf1.items()} for tf1 in tf_metrics]
        matrix = _count_matrix(sentences, weighted)
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        inverse = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        unit = sparse.diags(inverse) @ matrix
        cosine = sparse.csr_matrix(unit @ unit.T)
        cosine.data = (cosine.data > threshold).astype(float)
        linked = cosine.toarray()
        degrees = linked.sum(axis=1)
        degrees[degrees == 0] = 1
        return np.asarray(linked / degrees[:, None])


class FastTextRankSummarizer(TextRankSummarizer):
    def _create_matrix(self, document: Any) -> np.ndarray:
        sentences = [self._to_words_set(s) for s in document.sentences]
        count = len(sentences)
        shared = (_count_matrix(sentences) @ _count_matrix(sentences).T).toarray()
        lengths = np.array([len(s) for s in sentences], dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.where(lengths > 0, np.log(np.maximum(lengths, 1.0)), 0.0)
            norm = logs[:, None] + logs[None, :]
            weights = np.where(
                shared == 0, 0.0, np.where(np.isclose(norm, 0.0), shared, shared / norm)
            )
        weights /= weights.sum(axis=1)[:, None] + self._ZERO_DIVISION_PREVENTION
        return np.asarray(
            np.full((count, count), (1.0 - self.damping) / count) + self.damping * weights
        )


_SUMMARIZERS: dict[str, Callable[[Callable[[str], str]], Any]] = {
    "lexrank": FastLexRankSummarizer,
    "textrank": FastTextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
    "edmundson": EdmundsonSummarizer,
}


@lru_cache(maxsize=1)
def stemmer() -> Callable[[str], str]:
    """sumy's English (Snowball) stemmer, memoised: stemming dominated the run time."""
    return lru_cache(maxsize=1 << 16)(Stemmer("english"))


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    return frozenset(get_stop_words("english"))


def make_summarizer(algorithm: str, titles: Sequence[str] = ()) -> Any:
    """A configured sumy summarizer (stemmer, stop words) for ``algorithm``."""
    try:
        factory = _SUMMARIZERS[algorithm]
    except KeyError:
        raise ValueError(
            f"unknown summary algorithm {algorithm!r}; choose one of {', '.join(ALGORITHMS)}"
        ) from None
    summarizer = factory(stemmer())
    if algorithm == "edmundson":
        summarizer.null_words = stop_words()
        summarizer.bonus_words = [w for t in titles for w in words(t)] or ["news"]
        summarizer.stigma_words = ["click", "subscribe", "advertisement"]
    else:
        summarizer.stop_words = stop_words()
    return summarizer


def document_of(paragraphs: Sequence[Sequence[str]]) -> ObjectDocumentModel:
    tokenizer = SentenceTokenizer()
    return ObjectDocumentModel(
        tuple(Paragraph([Sentence(s, tokenizer) for s in para]) for para in paragraphs if para)
    )


def rate_with(summarizer: Any, paragraphs: Sequence[Sequence[str]]) -> list[float]:
    """Ratings ``summarizer`` gives every sentence, in input order (paragraphs flattened).

    sumy exposes ratings only through the ``sentences_count`` argument, which may be a callable
    receiving every sentence's (sentence, order, rating) sorted best first.
    """
    total = sum(len(p) for p in paragraphs)
    ratings = [0.0] * total
    if total == 0:
        return ratings

    def capture(infos: list[Any]) -> list[Any]:
        for info in infos:
            ratings[info.order] = float(info.rating)
        return infos

    summarizer(document_of(paragraphs), capture)
    return ratings


def rate_sentences(
    paragraphs: Sequence[Sequence[str]], algorithm: str, titles: Sequence[str] = ()
) -> list[float]:
    """sumy's ``algorithm`` rating of every sentence, in input order (paragraphs flattened)."""
    return rate_with(make_summarizer(algorithm, titles), paragraphs)
