"""Multi-document extractive summaries: every sentence copied verbatim with its offsets.

1. Units: the sentences of every article with their character offsets.
2. Salience: sumy's rating (algorithm chosen by name, turned into a percentile so every
   algorithm's scale fits), plus closeness to the story's TF-IDF centroid, plus a lead bonus
   (news puts the facts first).
3. Filters drop what reads badly out of context: boilerplate, captions and photo credits,
   author bios, questions, fragments, unattributed open quotes; a sentence opening with a
   pronoun or "But"/"However" only follows its own predecessor.
4. Selection is greedy under the word and sentence budget. A sentence is worth the story's
   facts it adds: the word pairs (stemmed bigrams) it covers that several independent origins
   also report and no picked sentence covers yet (the concept coverage of Gillick & Favre,
   2009), per word, scaled by salience. Candidates too similar to a picked sentence (TF-IDF
   cosine) are out, so two outlets' versions of one fact never both appear.
5. Reading order: oldest article first, then position in the article.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .models import Article, Story, SummarySentence
from .ranking import ALGORITHMS, rate_sentences, stemmer, stop_words
from .text import Span, split_sentences, words

__all__ = [
    "ALGORITHMS",
    "choose_headline",
    "needs_predecessor",
    "reads_alone",
    "summarize_story",
]

MIN_WORDS = 6
MAX_WORDS_PER_SENTENCE = 70
DUPLICATE_SIMILARITY = 0.6
MIN_SUPPORT = 2

_BOILERPLATE = re.compile(
    r"click here|sign up|subscribe|newsletter|read more|follow us|cookies?\b|all rights reserved"
    r"|copyright|©|advertisement|share this|e-?mail this|javascript|your browser"
    r"|terms of (?:service|use)|privacy policy|log ?in\b|\bmin read\b|be the first to comment"
    r"|download (?:the|our) app|contributed to this report|this story has been updated"
    r"|https?://|www\.|\S@\S+\.[a-z]{2,}|(?:^|\s)[@#]\w{2,}"
    r"|^(?:related|watch|listen|read|more|see also|photo|image|video|credit|source)\s*:"
    r"|^[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3} (?:is|was) an? (?:[\w-]+ ){0,4}"
    r"(?:editor|reporter|correspondent|writer|journalist|columnist|contributor|producer)\b",
    re.IGNORECASE,
)
_CAPTION = re.compile(
    r"\((?:photo|image|picture|credit)\b|getty images|/afp\b|\bap photo\b|reuters/|photograph:"
    r"|image caption|image copyright|\bpictured\b|file photo|photo credit|/ ?shutterstock",
    re.IGNORECASE,
)
_DANGLING = frozenset(
    """he she it they this these those that his her its their him them such but however also
    and or yet so still instead moreover furthermore additionally nevertheless nonetheless
    besides otherwise thus therefore meanwhile""".split()  # noqa: SIM905
)
_TIME_NOUNS = frozenset(
    [
        "year",
        "week",
        "month",
        "morning",
        "afternoon",
        "evening",
        "night",
        "weekend",
        "season",
        "summer",
        "winter",
        "spring",
        "autumn",
        "fall",
        "time",
    ]
)
_QUOTES = '"“”'
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$")


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
    if stripped.count('"') % 2 or stripped.count("“") != stripped.count("”"):
        return False
    return not stripped.rstrip(_QUOTES + "'’)").endswith("?")


def needs_predecessor(text: str) -> bool:
    """True when the sentence opens with a pronoun or connective pointing at what came before."""
    first = [w.lower() for w in words(text[:60])[:2]]
    if not first or first[0] not in _DANGLING:
        return False
    return not (first[0] in {"this", "that"} and len(first) > 1 and first[1] in _TIME_NOUNS)


@dataclass(frozen=True)
class _Unit:
    """A sentence of one article and where it sits."""

    span: Span
    article: Article
    article_index: int
    position: int
    word_count: int
    usable: bool


def _line_around(text: str, span: Span) -> str:
    start = text.rfind("\n", 0, span.start) + 1
    end = text.find("\n", span.end)
    return text[start : end if end >= 0 else len(text)]


def _units(story: Story) -> list[_Unit]:
    units = []
    for index, article in enumerate(story.articles):
        text = article.text or ""
        for position, span in enumerate(split_sentences(text)):
            usable = reads_alone(span.text) and not _CAPTION.search(_line_around(text, span))
            units.append(_Unit(span, article, index, position, len(words(span.text)), usable))
    return units


def _stems(text: str) -> tuple[list[str], list[str]]:
    tokens = [w.lower() for w in words(text)]
    stem = stemmer()
    return tokens, [stem(t) for t in tokens]


def _content_stems(text: str) -> list[str]:
    stop = stop_words()
    tokens, stems = _stems(text)
    return [s for t, s in zip(tokens, stems, strict=True) if t not in stop]


def _bigrams(text: str) -> set[tuple[str, str]]:
    """Stemmed word pairs, leaving out pairs of two stop words."""
    stop = stop_words()
    tokens, stems = _stems(text)
    return {
        (stems[k], stems[k + 1])
        for k in range(len(tokens) - 1)
        if not (tokens[k] in stop and tokens[k + 1] in stop)
    }


def _tfidf(texts: Sequence[str]) -> sparse.csr_matrix:
    vectorizer = TfidfVectorizer(
        tokenizer=_content_stems, lowercase=False, token_pattern=None, sublinear_tf=True
    )
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(texts))
    except ValueError:  # nothing but stop words
        return sparse.csr_matrix((len(texts), 1))


def _percentile(values: Sequence[float]) -> np.ndarray:
    if len(values) < 2:
        return np.ones(len(values))
    ranks = np.argsort(np.argsort(np.asarray(values), kind="stable"), kind="stable")
    return np.asarray(ranks / (len(values) - 1), dtype=float)


def _salience(
    units: Sequence[_Unit], ratings: Sequence[float], tfidf: sparse.csr_matrix
) -> np.ndarray:
    centroid = np.asarray(tfidf.mean(axis=0)).ravel()
    length = float(np.linalg.norm(centroid)) or 1.0
    closeness = np.asarray(tfidf @ centroid).ravel() / length
    top = float(closeness.max()) if len(closeness) else 0.0
    if top > 0:
        closeness = closeness / top
    lead = 1.0 / np.sqrt(1.0 + np.array([u.position for u in units], dtype=float))
    return _percentile(ratings) + closeness + lead


def _concepts(story: Story, units: Sequence[_Unit]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Each unit's bigrams as a 0/1 matrix, and each bigram's support.

    Support counts the independent origins (wire copies share one) that report the bigram; a
    story with one origin counts sentences instead. Bigrams with support below MIN_SUPPORT
    weigh nothing.
    """
    grams = [_bigrams(u.span.text) for u in units]
    origin_of = {a.id: story.origins.get(a.id, a.id) for a in story.articles}
    origins = {origin_of[u.article.id] for u in units}
    support: Counter[tuple[str, str]] = Counter()
    if len(origins) > 1:
        per_origin: dict[str, set[tuple[str, str]]] = {}
        for unit, unit_grams in zip(units, grams, strict=True):
            per_origin.setdefault(origin_of[unit.article.id], set()).update(unit_grams)
        for origin_grams in per_origin.values():
            support.update(origin_grams)
    else:
        for unit_grams in grams:
            support.update(unit_grams)
    vocabulary = {g: k for k, g in enumerate(support)}
    rows = [i for i, unit_grams in enumerate(grams) for _ in unit_grams]
    cols = [vocabulary[g] for unit_grams in grams for g in unit_grams]
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(units), max(len(vocabulary), 1))
    )
    weights = np.zeros(max(len(vocabulary), 1))
    for gram, k in vocabulary.items():
        weights[k] = support[gram] if support[gram] >= MIN_SUPPORT else 0.0
    return matrix, weights


def summarize_story(
    story: Story,
    *,
    algorithm: str = "lexrank",
    max_words: int = 120,
    max_sentences: int = 5,
) -> tuple[SummarySentence, ...]:
    """Pick sentences from the story's articles: verbatim, non-redundant, in reading order."""
    units = _units(story)
    if not units:
        return ()
    paragraphs: dict[int, list[str]] = {}
    for unit in units:
        paragraphs.setdefault(unit.article_index, []).append(unit.span.text)
    ratings = rate_sentences(
        list(paragraphs.values()), algorithm, [a.title for a in story.articles]
    )
    if not any(u.usable for u in units):
        return ()
    tfidf = _tfidf([u.span.text for u in units])
    salience = _salience(units, ratings, tfidf)
    concepts, weights = _concepts(story, units)
    chosen = _select(units, salience, tfidf, concepts, weights, max_words, max_sentences)
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
    salience: np.ndarray,
    tfidf: sparse.csr_matrix,
    concepts: sparse.csr_matrix,
    weights: np.ndarray,
    max_words: int,
    max_sentences: int,
) -> list[int]:
    """Greedy budgeted concept coverage; near-duplicates of a pick are out."""
    count = len(units)
    lengths = np.array([max(u.word_count, 1) for u in units], dtype=float)
    open_ = np.array([u.usable for u in units])
    index_of = {(u.article_index, u.position): i for i, u in enumerate(units)}
    predecessor = np.array(
        [
            index_of.get((u.article_index, u.position - 1), -1)
            if needs_predecessor(u.span.text)
            else count
            for u in units
        ]
    )
    picked = np.zeros(count + 1, dtype=bool)
    picked[count] = True  # "no predecessor needed" points here
    uncovered = weights.copy()
    redundancy = np.zeros(count)
    chosen: list[int] = []
    used = 0.0
    while len(chosen) < max_sentences:
        gain = np.asarray(concepts @ uncovered).ravel()
        value = gain / lengths * (1.0 + salience) + 1e-6 * salience
        eligible = (
            open_
            & (used + lengths <= max_words)
            & (redundancy < DUPLICATE_SIMILARITY)
            & np.where(predecessor >= 0, picked[np.maximum(predecessor, 0)], False)
        )
        if not eligible.any():
            break
        best = int(np.argmax(np.where(eligible, value, -np.inf)))
        chosen.append(best)
        picked[best] = True
        open_[best] = False
        used += lengths[best]
        uncovered[concepts[best].indices] = 0.0
        redundancy = np.maximum(redundancy, np.asarray(tfidf @ tfidf[best].T.toarray()).ravel())
    return chosen


_TITLE_SUFFIX = re.compile(r"\s+[-–—|:]\s+[^-–—|:]{2,40}$")
MAX_TITLE_WORDS = 25


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
    titles = [_clean_title(a.title or "", a.source) for a in story.articles]
    usable = [t for t in titles if 3 <= len(words(t)) <= MAX_TITLE_WORDS]
    if not usable:
        usable = [t for t in titles if 0 < len(words(t)) <= MAX_TITLE_WORDS]
    if not usable:
        for article in story.articles:
            for span in split_sentences(article.text or ""):
                if reads_alone(span.text):
                    return span.text
        return titles[0] if titles else ""
    if len(usable) == 1:
        return usable[0]
    matrix = _tfidf(usable)
    centrality = np.asarray((matrix @ matrix.T).sum(axis=1)).ravel()
    best = max(
        range(len(usable)),
        key=lambda k: (round(float(centrality[k]), 9), -abs(len(words(usable[k])) - 11), -k),
    )
    return usable[best]
