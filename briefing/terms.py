"""Content terms for comparing statements: lower-cased Snowball stems of the words that carry
meaning (no stop words, no reporting or denial vocabulary)."""

from __future__ import annotations

from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from .claims.stance import DENY_VERBS, wordset
from .text import words

_NOISE_WORDS = DENY_VERBS | wordset(
    """claim claims claimed assertion assertions statement statements report reports
    reported said says say propaganda misleading false denied according told"""
)


@lru_cache(maxsize=1)
def _stemmer() -> SnowballStemmer:
    return SnowballStemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball stem; a "-ment" noun also loses the suffix, so "agreement" meets "agreed"."""
    if word.endswith("ment") and len(word) > 7:
        word = word[:-4]
    return str(_stemmer().stem(word))


def content_terms(text: str) -> list[str]:
    """Stems of the meaningful words of ``text``, in order."""
    lowered = (w.lower() for w in words(text))
    return [
        stem(w)
        for w in lowered
        if len(w) > 1 and not w.isdigit() and w not in ENGLISH_STOP_WORDS and w not in _NOISE_WORDS
    ]
