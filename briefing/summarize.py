"""Multi-document extractive summaries: every sentence copied verbatim with its offsets.

sumy rates the story's sentences (algorithm chosen by name), filters drop what reads badly out
of context, maximal marginal relevance keeps two outlets' versions of one fact from both
appearing, and the pick is laid out in reading order (oldest article first, source position).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from .models import Article, Story, SummarySentence
from .ranking import ALGORITHMS, rate_sentences, stemmer, stop_words
from .text import Span, split_sentences, words

__all__ = ["ALGORITHMS", "choose_headline", "needs_predecessor", "reads_alone", "summarize_story"]

MIN_WORDS = 6
MAX_WORDS_PER_SENTENCE = 70
DUPLICATE_SIMILARITY = 0.6
MMR_LAMBDA = 0.7

_BOILERPLATE = re.compile(
    r"click here|sign up|subscribe|newsletter|read more|follow us|cookies?\b|all rights reserved"
    r"|copyright|©|advertisement|share this|e-?mail this|javascript|your browser"
    r"|terms of (?:service|use)|privacy policy|log ?in\b|\bmin read\b|be the first to comment"
    r"|download (?:the|our) app|contributed to this report|this story has been updated"
    r"|^(?:related|watch|listen|read|more|see also|photo|image|video)\s*:",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\((?:photo|image|picture)\b|getty images|/afp\b|\bap photo\b|reuters/|photograph:"
    r"|image caption|image copyright|\bpictured\b|file photo|\(credit",
    re.IGNORECASE,
)
_DANGLING = frozenset(
    [
        "he",
        "she",
        "it",
        "they",
        "this",
        "these",
        "those",
        "that",
        "his",
        "her",
        "its",
        "their",
        "him",
        "them",
        "there",
        "such",
        "but",
        "however",
        "also",
        "and",
        "or",
        "yet",
        "so",
        "still",
        "instead",
        "moreover",
        "furthermore",
        "additionally",
        "nevertheless",
        "nonetheless",
        "besides",
        "otherwise",
        "thus",
        "therefore",
        "then",
        "meanwhile",
    ]
)
_QUOTES = '"“”'
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$")


@dataclass(frozen=True)
class _Unit:
    """A sentence of one article and where it sits."""

    span: Span
    article: Article
    article_index: int
    position: int
    word_count: int


def _opener(text: str) -> str:
    first = words(text[:40])
    return first[0].lower() if first else ""


def reads_alone(text: str) -> bool:
    """False for what reads badly out of context: boilerplate, captions, questions, fragments."""
    stripped = text.strip()
    count = len(words(stripped))
    if count < MIN_WORDS or count > MAX_WORDS_PER_SENTENCE:
        return False
    if not _TERMINAL.search(stripped):
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in _QUOTES + "'‘"):
        return False
    if _BOILERPLATE.search(stripped) or _CAPTION.search(stripped):
        return False
    if sum(stripped.count(q) for q in '"') % 2 or stripped.count("“") != stripped.count("”"):
        return False
    return not stripped.rstrip(_QUOTES + "'’)").endswith("?")


def needs_predecessor(text: str) -> bool:
    """True when the sentence opens with a pronoun or connective pointing at what came before."""
    return _opener(text) in _DANGLING


def _units(story: Story) -> list[list[_Unit]]:
    per_article = []
    for index, article in enumerate(story.articles):
        spans = split_sentences(article.text or "")
        per_article.append(
            [_Unit(s, article, index, pos, len(words(s.text))) for pos, s in enumerate(spans)]
        )
    return per_article


def _content_stems(text: str) -> list[str]:
    stop = stop_words()
    stem = stemmer()
    return [stem(w) for w in (w.lower() for w in words(text)) if w not in stop]


def _similarity_matrix(texts: Sequence[str]) -> np.ndarray:
    vectorizer = TfidfVectorizer(
        tokenizer=_content_stems,
        lowercase=False,
        token_pattern=None,
        sublinear_tf=True,
    )
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:
        return np.zeros((len(texts), len(texts)))
    sims = (matrix @ matrix.T).toarray()
    return np.asarray(sims)


def summarize_story(
    story: Story,
    *,
    algorithm: str = "lexrank",
    max_words: int = 120,
    max_sentences: int = 5,
) -> tuple[SummarySentence, ...]:
    """Pick sentences from the story's articles: verbatim, non-redundant, in reading order."""
    per_article = _units(story)
    units = [u for group in per_article for u in group]
    if not units:
        return ()
    ratings = rate_sentences(
        [[u.span.text for u in group] for group in per_article],
        algorithm,
        [a.title for a in story.articles],
    )
    top = max(ratings) or 1.0
    scores = [max(r, 0.0) / top for r in ratings]
    candidates = [i for i, u in enumerate(units) if reads_alone(u.span.text)]
    if not candidates:
        return ()
    sims = _similarity_matrix([units[i].span.text for i in candidates])
    local = {unit_index: k for k, unit_index in enumerate(candidates)}
    chosen = _select(units, candidates, scores, sims, local, max_words, max_sentences)
    chosen.sort(
        key=lambda i: (units[i].article.published, units[i].article_index, units[i].span.start)
    )
    return tuple(
        SummarySentence(
            text=units[i].span.text,
            article_id=units[i].article.id,
            start=units[i].span.start,
            end=units[i].span.end,
        )
        for i in chosen
    )


def _select(
    units: Sequence[_Unit],
    candidates: Sequence[int],
    scores: Sequence[float],
    sims: np.ndarray,
    local: dict[int, int],
    max_words: int,
    max_sentences: int,
) -> list[int]:
    """Greedy maximal marginal relevance under the word and sentence budget."""
    chosen: list[int] = []
    chosen_keys: set[tuple[int, int]] = set()
    used_words = 0
    remaining = set(candidates)
    while remaining and len(chosen) < max_sentences:
        best, best_value = -1, -np.inf
        for i in remaining:
            unit = units[i]
            if used_words + unit.word_count > max_words:
                continue
            if needs_predecessor(unit.span.text) and (
                (unit.article_index, unit.position - 1) not in chosen_keys
            ):
                continue
            k = local[i]
            redundancy = max((sims[k, local[j]] for j in chosen), default=0.0)
            if redundancy >= DUPLICATE_SIMILARITY:
                continue
            value = MMR_LAMBDA * scores[i] - (1 - MMR_LAMBDA) * redundancy
            if value > best_value or (value == best_value and i < best):
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
        chosen_keys.add((units[best].article_index, units[best].position))
        used_words += units[best].word_count
        remaining.discard(best)
    return chosen


_TITLE_SUFFIX = re.compile(r"\s+[-–—|:]\s+[^-–—|:]{2,40}$")


def _clean_title(title: str, source: str) -> str:
    title = " ".join(title.split())
    match = _TITLE_SUFFIX.search(title)
    if match and len(title) - len(match.group(0)) >= 10:
        suffix = match.group(0).strip(" -–—|:").lower()
        if source and (suffix in source.lower() or source.lower() in suffix):
            title = title[: match.start()]
    return title


def choose_headline(story: Story) -> str:
    """The member title closest to what the whole story says (outlet suffixes trimmed)."""
    titles = [_clean_title(a.title, a.source) for a in story.articles]
    usable = [(i, t) for i, t in enumerate(titles) if len(words(t)) >= 3]
    if not usable:
        usable = [(i, t) for i, t in enumerate(titles) if t]
    if not usable:
        for article in story.articles:
            for span in split_sentences(article.text or ""):
                return span.text
        return ""
    if len(usable) == 1:
        return usable[0][1]
    texts = [t for _, t in usable]
    sims = _similarity_matrix(texts)
    centrality = sims.sum(axis=1)
    best = max(
        range(len(usable)),
        key=lambda k: (round(float(centrality[k]), 9), -abs(len(words(texts[k])) - 11), -k),
    )
    return texts[best]
