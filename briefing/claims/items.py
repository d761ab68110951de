"""The statements of a story as the ledger works on them: one attributed statement (Item), the
statements merged as one claim (Group), and the content similarity that compares them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..models import Stance
from ..terms import content_terms
from .attribution import Attribution


@dataclass
class Item:
    """One attributed statement of one article, with its actor resolved."""

    attribution: Attribution
    article_index: int
    article_id: str
    origin: str
    actor: str
    party: str
    stance: Stance
    content: str
    context: str
    explicit_denial: bool = False
    anchor: Item | None = None
    antecedent: str = ""
    continues: Item | None = None
    """The party's own denial this statement goes on from ("operations in Kursk continue")."""
    definite: bool = False
    """The actor is a common noun the article gave with "the" ("the company said")."""


@dataclass
class Group:
    items: list[Item] = field(default_factory=list)

    @property
    def stance(self) -> Stance:
        return self.items[0].stance

    @property
    def party(self) -> str:
        return self.items[0].party


class Similarity:
    """TF-IDF cosine over stemmed content words, fitted on one story's statements."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._vectorizer = TfidfVectorizer(analyzer=content_terms, norm="l2")
        docs = [t for t in texts if content_terms(t)] or ["empty"]
        self._vectorizer.fit(docs)

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._vectorizer.transform(texts).toarray())
