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
   cosine), or whose content words were mostly said already, are out, so two outlets'
   versions of one fact never both appear.
5. Reading order: the opening sentence's article first, then the others oldest first, each
   in source order.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from .models import Article, Story, SummarySentence
from .ranking import ALGORITHMS, rate_sentences, stemmer, stop_words
from .sentence_filters import is_caption, needs_predecessor, reads_alone
from .text import Span, split_paragraphs, split_sentences, words

__all__ = [
    "ALGORITHMS",
    "choose_headline",
    "needs_predecessor",
    "reads_alone",
    "summarize_story",
]

DUPLICATE_SIMILARITY = 0.6
MIN_SUPPORT = 2
LEAD_SENTENCES = 2
SAID_ALREADY = 0.8
MAX_SENTENCES = 2500
MIN_SENTENCES_PER_ARTICLE = 8


@dataclass(frozen=True)
class _Unit:
    """A sentence of one article, where it sits, and its words."""

    span: Span
    article: Article
    article_index: int
    position: int
    usable: bool
    tokens: tuple[str, ...]
    stems: tuple[str, ...]

    @property
    def word_count(self) -> int:
        return len(self.tokens)

    def content_stems(self) -> list[str]:
        stop = stop_words()
        return [s for t, s in zip(self.tokens, self.stems, strict=True) if t not in stop]

    def bigrams(self) -> set[tuple[str, str]]:
        """Stemmed word pairs, leaving out pairs of two stop words."""
        stop = stop_words()
        tokens, stems = self.tokens, self.stems
        return {
            (stems[k], stems[k + 1])
            for k in range(len(tokens) - 1)
            if not (tokens[k] in stop and tokens[k + 1] in stop)
        }


_DATELINE = re.compile(
    r"[A-Z][A-Z.'’ -]{2,40}(?:, ?[A-Z][\w.' ]{1,30})? ?(?:\([^()]{1,40}\))? ?[-–—]{1,2} +"
    r"(?=[A-Z\"“])"
)


def _without_dateline(span: Span) -> Span:
    """The sentence after a wire dateline ("LONDON (Agency) - "), still verbatim."""
    match = _DATELINE.match(span.text)
    if not match:
        return span
    return Span(span.text[match.end() :], span.start + match.end(), span.end)


def _units(story: Story) -> list[_Unit]:
    """Every article's sentences; in a very large story only each article's first ones, so the
    sentence-similarity matrices stay within MAX_SENTENCES squared."""
    stem = stemmer()
    per_article = max(MIN_SENTENCES_PER_ARTICLE, MAX_SENTENCES // max(len(story.articles), 1))
    units = []
    for index, article in enumerate(story.articles):
        text = article.text or ""
        caption_lines = [(p.start, p.end) for p in split_paragraphs(text) if is_caption(p.text)]
        for position, whole in enumerate(split_sentences(text)[:per_article]):
            span = _without_dateline(whole)
            on_caption_line = any(s <= span.start < e for s, e in caption_lines)
            tokens = tuple(w.lower() for w in words(span.text))
            units.append(
                _Unit(
                    span=span,
                    article=article,
                    article_index=index,
                    position=position,
                    usable=not on_caption_line and reads_alone(span.text),
                    tokens=tokens,
                    stems=tuple(stem(t) for t in tokens),
                )
            )
    return units


def _tfidf(documents: Sequence[Sequence[str]]) -> sparse.csr_matrix:
    """TF-IDF rows of already tokenised and stemmed documents."""
    vectorizer = TfidfVectorizer(analyzer=list, sublinear_tf=True)
    try:
        return sparse.csr_matrix(vectorizer.fit_transform(documents))
    except ValueError:  # nothing but stop words
        return sparse.csr_matrix((len(documents), 1))


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
    grams = [u.bigrams() for u in units]
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
        list(paragraphs.values()), algorithm, [a.title or "" for a in story.articles]
    )
    if not any(u.usable for u in units):
        return ()
    tfidf = _tfidf([u.content_stems() for u in units])
    salience = _salience(units, ratings, tfidf)
    concepts, weights = _concepts(story, units)
    chosen = _select(units, salience, tfidf, concepts, weights, max_words, max_sentences)
    chosen = _reading_order(units, chosen)
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
    """Greedy budgeted concept coverage; near-duplicates of a pick are out.

    A sentence whose content words are SAID_ALREADY (a share) in earlier picks is out too.
    The first pick opens the summary, so it comes from the first LEAD_SENTENCES of an article
    when one fits, and its worth is not divided by its length (a good lead is long).
    """
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
    word_matrix = tfidf.copy()
    word_matrix.data[:] = 1.0
    sizes = np.maximum(np.asarray(word_matrix.sum(axis=1)).ravel(), 1.0)
    said = np.zeros(word_matrix.shape[1])
    is_lead = np.array([u.position < LEAD_SENTENCES for u in units])
    picked = np.zeros(count + 1, dtype=bool)
    picked[count] = True  # "no predecessor needed" points here
    uncovered = weights.copy()
    redundancy = np.zeros(count)
    chosen: list[int] = []
    used = 0.0
    while len(chosen) < max_sentences:
        gain = np.asarray(concepts @ uncovered).ravel()
        eligible = (
            open_
            & (used + lengths <= max_words)
            & (redundancy < DUPLICATE_SIMILARITY)
            & (word_matrix @ said < SAID_ALREADY * sizes)
            & np.where(predecessor >= 0, picked[np.maximum(predecessor, 0)], False)
        )
        if not eligible.any():
            break
        if chosen:
            value = gain / lengths * (1.0 + salience) + 1e-6 * salience
        else:
            value = gain * (1.0 + salience) + 1e-6 * salience
            if (eligible & is_lead).any():
                eligible &= is_lead
        best = int(np.argmax(np.where(eligible, value, -np.inf)))
        chosen.append(best)
        picked[best] = True
        open_[best] = False
        used += lengths[best]
        uncovered[concepts[best].indices] = 0.0
        said[tfidf[best].indices] = 1.0
        redundancy = np.maximum(redundancy, np.asarray(tfidf @ tfidf[best].T.toarray()).ravel())
    return chosen


def _aware(moment: datetime) -> datetime:
    """Naive times count as UTC, so a story mixing both still sorts."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _reading_order(units: Sequence[_Unit], chosen: Sequence[int]) -> list[int]:
    """The opening pick's article first, the other articles oldest first, each in source order
    (so a sentence that needs its predecessor always follows it directly)."""
    if not chosen:
        return []
    opening = units[chosen[0]].article_index

    def key(i: int) -> tuple[bool, datetime, int, int]:
        unit = units[i]
        return (
            unit.article_index != opening,
            _aware(unit.article.published),
            unit.article_index,
            unit.span.start,
        )

    return sorted(chosen, key=key)


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
    stop = stop_words()
    stem = stemmer()
    matrix = _tfidf([[stem(w.lower()) for w in words(t) if w.lower() not in stop] for t in usable])
    centrality = np.asarray((matrix @ matrix.T).sum(axis=1)).ravel()
    best = max(
        range(len(usable)),
        key=lambda k: (round(float(centrality[k]), 9), -abs(len(words(usable[k])) - 11), -k),
    )
    return usable[best]
