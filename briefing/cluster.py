"""Group a window's articles into stories and rank them: the cluster stage.

Each article becomes a TF-IDF vector (scikit-learn) in two parts. The body part holds the
words of its title and of its body's first ``BODY_WORDS`` words (reports of one event that
open differently still share wording further down), plus the names it mentions (capitalised
spans: people, places, organisations). The head part holds the stems and numbers of its title
and first ``HEAD_WORDS`` words. How much of the vector each part carries follows how much text
the article has: a full text rests mostly on its body, a headline or teaser mostly on its head,
and a pair's similarity is divided by the most their parts let them reach, so one threshold
serves headlines, teasers, full texts and stories that mix them. The names shown as evidence
are those the titles and leads lean on; for a story of headlines, the words they share.
Copies of one text are grouped as one, except a short stand-in page (an embed notice, an
archive note) found under unrelated headlines or none: each copy of it is placed by its
headline alone (without one it is a story of its own). Neighbours come from a sparse product
restricted to distinctive features (an inverted index: only articles sharing a rare term meet),
so the cost grows with the number of articles rather than its square; a pair is linked when its
similarity clears a threshold that rises with the publication gap. Linked groups are then
refined by average-linkage agglomerative clustering (scikit-learn) so one loose link cannot
chain two events together; a group too large to refine at once is refined in blocks whose
pieces are merged again by average linkage. A new story that matches a story of an earlier
briefing takes over its id and is marked developing.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import (
    ENGLISH_STOP_WORDS,
    CountVectorizer,
    TfidfTransformer,
)
from sklearn.preprocessing import normalize

from .config import ClusterConfig
from .models import Article, Story, WhyGrouped
from .terms import stem

LEAD_WORDS = 200
BODY_WORDS = 600
# Every name in the first this many characters of the body counts for similarity (about 1000
# words); in why_grouped only those of the title and lead or repeated early do.
NAME_CHARS = 6000
TITLE_REPEAT = 2
NAME_WEIGHT = 0.8
WHY_TERMS = 8
IDF_FULL_DOCS = 20
NAME_SCAN_CHARS = 1600
MAX_BLOCK = 1000
BLOCK_STEP = 0.02
# Candidate pairs allowed per article in the window (see _candidate_pairs).
PAIRS_PER_ARTICLE = 400
# A text of up to TEASER_WORDS words is a teaser (compared mostly by its head); from
# FULL_TEXT_WORDS on it is a full text, whose body carries BODY_SHARE of its vector. The head
# is the title and the text's first HEAD_WORDS words.
TEASER_WORDS = 30
HEAD_WORDS = 60
FULL_TEXT_WORDS = 150
BODY_SHARE = 0.95
SHORT_BODY_SHARE = 0.5
FULL_TEXT_EASING = 0.1
_HEAD_TOKEN = re.compile(r"(?u)\b\w[\w']*")

# Names are capitalised spans found by a regular expression: a named-entity model (spaCy,
# NLTK) would need a download at run time, which the project forbids.
# A capitalised word; an apostrophe continues it ("O'Brien") unless it starts a possessive
# "'s", which ends the name, so "Russia's Kursk Oblast" gives "Russia" and "Kursk Oblast".
_NAME_TOKEN = r"[A-Z](?:[\w.-]*\w)?(?:['’](?!s\b)\w+)*"
_CONNECTOR = r"(?:of|de|al|bin|van|von|la|le)[ \t]+"
_NAME = re.compile(rf"\b{_NAME_TOKEN}(?:[ \t]+(?:{_CONNECTOR})?{_NAME_TOKEN})*")
MAX_NAME_TOKENS = 3
_SENTENCE_OPENERS = frozenset('.!?:;"“‘(\n|—-')
_STOP = frozenset(w.capitalize() for w in ENGLISH_STOP_WORDS) | frozenset(
    {"Mr", "Mrs", "Ms", "Dr", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
     "Saturday", "Sunday", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
     "Oct", "Nov", "Dec", "January", "February", "March", "April", "May", "June", "July",
     "August", "September", "October", "November", "December", "Today", "Yesterday", "Read",
     "Advertisement", "Photo", "Image", "Getty", "Images", "AP", "Reuters", "News", "Published",
     "Updated", "Share", "Video", "Min", "Said", "Says", "According"}
)


# Letters only (numbers are too ambiguous across stories), plus reporting verbs and other words
# every news article uses.
_WORD_PATTERN = r"(?u)\b[^\W\d_][^\W\d_]+\b"
_WORD_STOP = sorted(
    ENGLISH_STOP_WORDS
    | {"said", "says", "say", "told", "according", "added", "asked", "reported", "report",
       "reports", "news", "year", "years", "today", "yesterday", "week", "percent", "just",
       "like", "new", "people", "time", "mr", "mrs", "ms", "read", "share", "photo"}
)
_WORD_STOP_SET = frozenset(_WORD_STOP)
# Longer than this, a body copied under unrelated headlines is taken for a real shared text.
STAND_IN_MAX_WORDS = 150


@dataclass(frozen=True)
class _Features:
    matrix: sp.csr_matrix
    names: list[str]
    name_columns: int
    leading: sp.csr_matrix
    """Which names (columns) each article leans on: in its title or lead, or repeated early."""
    body_weight: np.ndarray
    """Each row's weight on its body part; the rest (squared) is on its head part."""
    head_columns: int
    """The last this many columns are the head part (title and teaser stems)."""

    def evidence(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The most two rows' vectors can agree, given the parts both have (see _features)."""
        a, b = self.body_weight[rows], self.body_weight[cols]
        depth = (a + b) / (2.0 * BODY_SHARE)
        return (a * b + np.sqrt((1.0 - a * a) * (1.0 - b * b))) * (1.0 - FULL_TEXT_EASING * depth)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(article: Article) -> datetime:
    return _aware(article.published)


def _chronological(article: Article) -> tuple[datetime, str]:
    return _when(article), article.id


def _lead(text: str) -> str:
    return " ".join(text[: LEAD_WORDS * 12].split(None, LEAD_WORDS)[:LEAD_WORDS])


def _name_spans(text: str) -> list[tuple[str, int]]:
    """Capitalised spans of ``text`` with their offsets, function words trimmed. A lone
    capitalised word that opens a sentence or a quote ("Despite", "Keeping") is left out: only
    its use mid-sentence shows that it is a name."""
    found: list[tuple[str, int]] = []
    for match in _NAME.finditer(text):
        raw = match.group(0)
        start = match.start()
        spaced = " " in raw or "\t" in raw
        if not spaced and (len(raw) < 2 or raw in _STOP):
            continue
        before = text[max(0, start - 3) : start].rstrip(" \t")
        opens = not before or before[-1] in _SENTENCE_OPENERS
        if spaced:
            _add_span([_undateline(t) for t in raw.split()], start, opens, found)
        elif not opens:
            found.append((_undateline(raw), start))
    return found


def _undateline(token: str) -> str:
    return token.capitalize() if token.isupper() and len(token) > 4 else token


def _add_span(
    tokens: list[str], start: int, opens_sentence: bool, found: list[tuple[str, int]]
) -> None:
    while tokens and (tokens[0] in _STOP or tokens[0].islower()):
        tokens = tokens[1:]
    while tokens and (tokens[-1] in _STOP or tokens[-1].islower()):
        tokens = tokens[:-1]
    if len(tokens) > MAX_NAME_TOKENS:
        # A long capitalised run is a title-case headline or a list, not one name.
        found.extend(
            (token, start)
            for token in tokens
            if token not in _STOP and len(token) > 1 and not token.islower()
        )
    elif len(tokens) > 1 or (tokens and len(tokens[0]) > 1 and not opens_sentence):
        found.append((" ".join(tokens), start))


def names_in(text: str) -> list[str]:
    """The capitalised spans of ``text`` that look like names, in order."""
    return [name for name, _ in _name_spans(text)]


def article_names(article: Article, lead: str | None = None) -> list[str]:
    """The names that matter: those in the title and lead, and any the body repeats early on."""
    return sorted(_names(article, lead)[0])


def _names(
    article: Article, lead: str | None = None, scan_chars: int = 0
) -> tuple[set[str], set[str]]:
    """The names that matter (see ``article_names``) and, with ``scan_chars``, those plus every
    name in the body's first ``scan_chars`` characters."""
    lead = _lead(article.text) if lead is None else lead
    early = max(NAME_SCAN_CHARS, len(lead) + 200)
    reach = max(early, scan_chars)
    body = article.text[:reach] if lead else ""
    head = len(article.title) + 1 + len(lead)
    early += len(article.title) + 1
    counts: Counter[str] = Counter()
    leading: set[str] = set()
    named: set[str] = set()
    for name, start in _name_spans(f"{article.title}\n{body}"):
        named.add(name)
        if start < early:
            counts[name] += 1
        if start < head:
            leading.add(name)
    matter = leading | {name for name, n in counts.items() if n >= 2}
    return matter, (matter | named if scan_chars else matter)


def _name_tokens(names: list[str]) -> list[str]:
    # Full names plus their last word, so "Vladimir Putin" and "Putin" meet.
    tokens = set(names)
    tokens.update(name.split()[-1] for name in names if " " in name)
    return sorted(tokens)


def _weighted(
    documents: Sequence[object], vectorizer: CountVectorizer
) -> tuple[sp.csr_matrix, list[str]]:
    try:
        counts = vectorizer.fit_transform(documents)
    except ValueError:  # nothing to count in any document
        return sp.csr_matrix((len(documents), 0), dtype=np.float32), []
    weigher = TfidfTransformer(sublinear_tf=True).fit(counts)
    # IDF from a handful of articles is noise: five reports of one event would make the event's
    # own words the least weighted. Shrink it towards 1 until the window holds enough articles.
    shrink = min(1.0, len(documents) / IDF_FULL_DOCS)
    weigher.idf_ = 1.0 + (weigher.idf_ - 1.0) * shrink
    return weigher.transform(counts), list(vectorizer.get_feature_names_out())


def _without_templates(articles: Sequence[Article], leads: list[str]) -> list[str]:
    """Leads with template text removed: a lead one outlet also runs under another title is a
    cookie wall or paywall page that stood in for the article, so it says nothing about it."""
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    keys = [(a.source, lead.casefold()) for a, lead in zip(articles, leads, strict=True)]
    for article, key in zip(articles, keys, strict=True):
        if key[1]:
            titles[key].add(" ".join(article.title.casefold().split()))
    return [
        "" if len(titles.get(key, ())) > 1 else lead
        for lead, key in zip(leads, keys, strict=True)
    ]


def _body(text: str) -> str:
    """The first ``BODY_WORDS`` words of ``text``."""
    return " ".join(text[: BODY_WORDS * 12].split(None, BODY_WORDS)[:BODY_WORDS])


def _head_terms(text: str) -> list[str]:
    """Stems of the words and the numbers of a title and teaser: a dozen words must count
    every form ("kept", "keeps") and figure ("19M") they have."""
    terms = []
    for token in _HEAD_TOKEN.findall(text.casefold().replace("’", "'")):
        token = token.removesuffix("'s")
        if token[0].isdigit():
            terms.append(token)
        elif len(token) > 1 and token not in _WORD_STOP_SET:
            terms.append(stem(token))
    return terms


def _head(article: Article, lead: str) -> str:
    return f"{article.title} {' '.join(lead.split(None, HEAD_WORDS)[:HEAD_WORDS])}"


def _body_weight(lead: str) -> float:
    """How much of a row rests on its body: none for a headline or teaser, ``BODY_SHARE`` for
    a full text, in between for a few paragraphs."""
    words = len(lead.split(None, FULL_TEXT_WORDS))
    share = min(1.0, max(0.0, (words - TEASER_WORDS) / (FULL_TEXT_WORDS - TEASER_WORDS)))
    return SHORT_BODY_SHARE + (BODY_SHARE - SHORT_BODY_SHARE) * share


def _features(articles: Sequence[Article], stand_ins: frozenset[int] = frozenset()) -> _Features:
    """Vectors of ``articles``; those in ``stand_ins`` (indexes) by their title alone.

    A row has two parts: the body (title and body words, names) and the head (stems and
    numbers of the title and the text's first ``HEAD_WORDS`` words). A full text rests on
    both, a headline or teaser on its head alone, so a headline meets a full report of its
    event by the report's own headline and lead rather than getting lost among its words;
    ``_Features.evidence`` says how similar two rows can be at most, by which their similarity
    is divided before any threshold applies."""
    leads = _without_templates(
        articles, ["" if i in stand_ins else _lead(a.text) for i, a in enumerate(articles)]
    )
    texts = [
        f"{(a.title + ' ') * TITLE_REPEAT}{_body(a.text) if lead else ''}"
        for a, lead in zip(articles, leads, strict=True)
    ]
    word_matrix, word_terms = _weighted(
        texts,
        CountVectorizer(stop_words=_WORD_STOP, token_pattern=_WORD_PATTERN, dtype=np.float32),
    )
    found = [_names(a, lead, NAME_CHARS) for a, lead in zip(articles, leads, strict=True)]
    name_matrix, name_terms = _weighted(
        [sorted(names) for _, names in found],
        CountVectorizer(analyzer=_name_tokens, lowercase=False, dtype=np.float32),
    )
    leading = sp.csr_matrix((len(articles), 0), dtype=np.float32)
    if name_terms:
        leading = CountVectorizer(
            analyzer=_name_tokens, lowercase=False, binary=True, vocabulary=name_terms,
            dtype=np.float32,
        ).fit_transform([sorted(names) for names, _ in found])
    body = sp.hstack([name_matrix * NAME_WEIGHT, word_matrix], format="csr")
    if body.shape[1]:
        body = normalize(body)
    head_matrix, head_terms = _weighted(
        [_head(a, lead) for a, lead in zip(articles, leads, strict=True)],
        CountVectorizer(analyzer=_head_terms, dtype=np.float32),
    )
    if head_matrix.shape[1]:
        head_matrix = normalize(head_matrix)
    weight = np.array([_body_weight(lead) for lead in leads], dtype=np.float32)
    # A row with nothing in its head part (no title, no words) rests on its body alone.
    empty_head = np.diff(head_matrix.indptr) == 0
    weight[empty_head & (np.diff(body.indptr) > 0)] = 1.0
    matrix = sp.hstack(
        [sp.diags(weight) @ body, sp.diags(np.sqrt(1.0 - weight * weight)) @ head_matrix],
        format="csr",
    )
    return _Features(
        matrix=matrix,
        names=name_terms + word_terms + [f"~{t}" for t in head_terms],
        name_columns=len(name_terms),
        leading=leading,
        body_weight=weight,
        head_columns=len(head_terms),
    )


def _candidate_pairs(matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) sharing a distinctive feature, with their similarity over those features.

    A feature found in ``df`` articles makes ``df * (df - 1) / 2`` pairs, so features are taken
    from the rarest up while the pairs they make stay within ``PAIRS_PER_ARTICLE`` times the
    number of articles: the cost stays linear, and only the commonest words of the window are
    left out. Rows are unit vectors over every feature, so the dot product over the kept ones
    is the cosine minus the small share those common words would add.
    """
    n = matrix.shape[0]
    df = np.diff(matrix.tocsc().indptr).astype(np.int64)
    order = np.argsort(df, kind="stable")
    pairs = np.cumsum(df[order] * (df[order] - 1) // 2)
    affordable = order[pairs <= max(PAIRS_PER_ARTICLE * n, 1)]
    keep = affordable[df[affordable] >= 2]
    rare = matrix[:, np.sort(keep)]
    overlap = sp.triu(rare @ rare.T, k=1).tocoo()
    return overlap.row, overlap.col, overlap.data


def _origin_texts(fresh: Sequence[Article], origins: dict[str, str]) -> list[np.ndarray]:
    """Indexes of ``fresh`` grouped by origin, earliest copy first, groups in that order."""
    by_origin: dict[str, list[int]] = {}
    for index in sorted(range(len(fresh)), key=lambda i: _chronological(fresh[i])):
        by_origin.setdefault(origins.get(fresh[index].id, fresh[index].id), []).append(index)
    return [np.array(copies, dtype=np.int64) for copies in by_origin.values()]


def _title_words(title: str) -> frozenset[str]:
    return frozenset(re.findall(_WORD_PATTERN, title.casefold())) - _WORD_STOP_SET


def _stand_in_pages(fresh: Sequence[Article], texts: list[np.ndarray]) -> set[int]:
    """Texts (indexes into ``texts``) whose copies are stand-in pages rather than one report:
    a short body found under headlines that have no word in common (or no headline at all),
    such as a social-media embed notice or an archive crawl note that extraction returned in
    place of several unrelated articles. Wire copies keep a shared headline word."""
    found = set()
    for index, copies in enumerate(texts):
        if len(copies) < 2 or len(fresh[copies[0]].text.split()) > STAND_IN_MAX_WORDS:
            continue
        if not frozenset.intersection(*(_title_words(fresh[i].title) for i in copies)):
            found.add(index)
    return found


def _apart(
    fresh: Sequence[Article], texts: list[np.ndarray]
) -> tuple[list[np.ndarray], frozenset[int]]:
    """``texts`` with each copy of a stand-in page on its own, and the indexes of those copies:
    a stand-in page says nothing about the article it replaced, whose headline still may."""
    stand_ins = _stand_in_pages(fresh, texts)
    kept = [copies for index, copies in enumerate(texts) if index not in stand_ins]
    single = [np.array([copy]) for index in sorted(stand_ins) for copy in texts[index]]
    return kept + single, frozenset(int(copy) for copies in single for copy in copies)


def _required(gap_hours: np.ndarray, settings: ClusterConfig) -> np.ndarray:
    extra_days = np.maximum(gap_hours - settings.grace_hours, 0.0) / 24.0
    need = settings.similarity + settings.penalty_per_day * extra_days
    return np.where(gap_hours > settings.max_gap_days * 24.0, np.inf, need)


def _components(
    members: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int
) -> list[np.ndarray]:
    graph = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    labels = labels[members]
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    return [np.sort(members[part]) for part in np.split(order, bounds)]


def _blocks(
    members: np.ndarray, rows: np.ndarray, cols: np.ndarray, margin: np.ndarray, floor: float
) -> Iterator[np.ndarray]:
    """Connected groups of linked articles, none larger than ``MAX_BLOCK``: an oversized group
    is cut again using only its stronger links, so the dense refinement stays small."""
    n = int(max(members.max(initial=-1), rows.max(initial=-1), cols.max(initial=-1))) + 1
    inside = np.zeros(n, dtype=bool)
    inside[members] = True
    keep = inside[rows] & inside[cols] & (margin >= floor)
    for block in _components(members, rows[keep], cols[keep], n):
        if len(block) <= MAX_BLOCK:
            yield block
        else:
            yield from _blocks(block, rows[keep], cols[keep], margin[keep], floor + BLOCK_STEP)


def _similarities(members: np.ndarray, features: _Features) -> np.ndarray:
    """Dense similarities among ``members``, each divided by the most the pair can reach."""
    sub = features.matrix[members]
    sims = (sub @ sub.T).toarray()
    return sims / np.maximum(features.evidence(members[:, None], members[None, :]), 1e-6)


def _refine(
    members: np.ndarray, features: _Features, hours: np.ndarray, settings: ClusterConfig
) -> list[np.ndarray]:
    """Split a linked group with average linkage, so every sub-group is similar on average."""
    if len(members) < 2:
        return [members]
    sims = _similarities(members, features)
    gaps = np.abs(hours[members][:, None] - hours[members][None, :])
    need = _required(gaps, settings)
    # Distance 1 - (similarity - extra needed for the gap): the plain threshold then applies.
    adjusted = sims - np.where(np.isinf(need), 2.0, need - settings.similarity)
    distance = np.clip(1.0 - adjusted, 0.0, 3.0)
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - settings.average_similarity,
    ).fit_predict(distance)
    return [members[labels == label] for label in np.unique(labels)]


def _grouped(
    firsts: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    margin: np.ndarray,
    features: _Features,
    hours: np.ndarray,
    settings: ClusterConfig,
) -> Iterator[np.ndarray]:
    """Stories (as rows of ``firsts``' articles) from the linked pairs: each connected group is
    refined by average linkage; one too large to refine at once is cut into blocks on its
    stronger links, each refined, and the pieces then merged again by average linkage."""
    n = len(firsts)
    for component in _components(np.arange(n), rows, cols, n):
        if len(component) <= MAX_BLOCK:
            yield from _refine(firsts[component], features, hours, settings)
            continue
        pieces = [
            piece
            for block in _blocks(component, rows, cols, margin, BLOCK_STEP)
            for piece in _refine(firsts[block], features, hours, settings)
        ]
        yield from _merge_pieces(pieces, features, hours, settings)


def _summed_evidence(membership: sp.csr_matrix, body: np.ndarray) -> np.ndarray:
    """For every two groups, the sum of ``_Features.evidence`` over their pairs of members:
    sum (a_i a_j + c_i c_j)(1 - e (a_i + a_j) / 2s) expands into products of sums per group."""
    head = np.sqrt(1.0 - body * body)
    a, c = membership @ body, membership @ head
    aa, ca = membership @ (body * body), membership @ (head * body)
    plain = np.outer(a, a) + np.outer(c, c)
    tilted = np.outer(aa, a) + np.outer(a, aa) + np.outer(ca, c) + np.outer(c, ca)
    return plain - FULL_TEXT_EASING / (2.0 * BODY_SHARE) * tilted


def _merge_pieces(
    pieces: list[np.ndarray], features: _Features, hours: np.ndarray, settings: ClusterConfig
) -> list[np.ndarray]:
    """Average linkage over groups already formed: merge the two groups whose mean
    similarity (sums of similarities over sums of what the pairs can reach, gap penalty of
    their mean times added) is highest, while it clears ``average_similarity``. Sums add up
    when groups merge, so the mean similarity of merged groups is exact."""
    k = len(pieces)
    if k < 2:
        return pieces
    membership = sp.csr_matrix(
        (
            np.ones(sum(len(p) for p in pieces), dtype=np.float32),
            (np.repeat(np.arange(k), [len(p) for p in pieces]), np.concatenate(pieces)),
        ),
        shape=(k, features.matrix.shape[0]),
    )
    sums = membership @ features.matrix
    total = (sums @ sums.T).toarray().astype(np.float64)
    reach = _summed_evidence(membership, features.body_weight.astype(np.float64))
    sizes = np.array([len(p) for p in pieces], dtype=np.float64)
    when = np.array([hours[p].mean() for p in pieces])
    groups: list[list[int]] = [[i] for i in range(k)]
    alive = np.ones(k, dtype=bool)
    while True:
        extra = _required(np.abs(when[:, None] - when[None, :]), settings) - settings.similarity
        score = total / np.maximum(reach, 1e-9) - extra
        score[~alive] = -np.inf
        score[:, ~alive] = -np.inf
        np.fill_diagonal(score, -np.inf)
        i, j = np.unravel_index(int(np.argmax(score)), score.shape)
        if score[i, j] < settings.average_similarity:
            break
        for matrix in (total, reach):
            matrix[i, :] += matrix[j, :]
            matrix[:, i] += matrix[:, j]
        when[i] = (when[i] * sizes[i] + when[j] * sizes[j]) / (sizes[i] + sizes[j])
        sizes[i] += sizes[j]
        groups[i].extend(groups[j])
        alive[j] = False
    return [np.sort(np.concatenate([pieces[g] for g in groups[i]])) for i in np.flatnonzero(alive)]


def _story_id(article_ids: Sequence[str]) -> str:
    digest = hashlib.sha1("\n".join(sorted(article_ids)).encode("utf-8")).hexdigest()
    return f"s-{digest[:16]}"


def _headline_terms(titles: Sequence[str]) -> list[str]:
    """Words the headlines share, as spelled most often, the most widely shared first: each
    in at least two headlines and a quarter of them (forms of one word count as one)."""
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    headlines: Counter[str] = Counter()
    first: dict[str, int] = {}
    for title in titles:
        seen = set()
        for token in _HEAD_TOKEN.findall(title.replace("’", "'")):
            token = token.removesuffix("'s")
            folded = token.casefold()
            if len(token) < 2 or token[0].isdigit() or folded in _WORD_STOP_SET:
                continue
            key = stem(folded)
            spellings[key][token] += 1
            first.setdefault(key, len(first))
            seen.add(key)
        headlines.update(seen)
    need = max(2, math.ceil(len(titles) / 4))
    shared = [key for key, n in headlines.items() if n >= need]
    shared.sort(key=lambda key: (-headlines[key], first[key]))
    return [_spelling(spellings[key]) for key in shared[:WHY_TERMS]]


def _spelling(forms: Counter[str]) -> str:
    """The most common form; lower case when a third of the headlines write it so (a common
    word that title-case headlines capitalise), so names keep their capitals."""
    lower = sum(n for form, n in forms.items() if form.islower())
    if 3 * lower >= forms.total():
        return max((form for form in forms if form.islower()), key=lambda f: (forms[f], f))
    return forms.most_common(1)[0][0]


def _why(members: np.ndarray, features: _Features, articles: Sequence[Article]) -> WhyGrouped:
    """What ``members`` share: for a story half or more of headlines and teasers the words of
    their headlines, otherwise the names and words their texts lean on; and their mean
    similarity."""
    if len(members) < 2:
        return WhyGrouped(terms=(), similarity=1.0)
    sims = _similarities(members, features)
    m = len(members)
    similarity = float((sims.sum() - np.trace(sims)) / (m * (m - 1)))
    if np.mean(features.body_weight[members] <= SHORT_BODY_SHARE) >= 0.5:
        headline_terms = _headline_terms([articles[i].title for i in members if articles[i].title])
        return WhyGrouped(terms=tuple(headline_terms), similarity=round(similarity, 3))
    sub = features.matrix[members]
    # A name counts as shared where the articles lean on it, not where the body mentions it.
    present = np.asarray((sub > 0).sum(axis=0)).ravel()
    present[: features.name_columns] = np.asarray(features.leading[members].sum(axis=0)).ravel()
    weight = np.asarray(sub.sum(axis=0)).ravel()
    # Head columns are stems: the words they come from are in the body columns.
    present[len(features.names) - features.head_columns :] = 0
    shared = np.flatnonzero(present >= max(2, math.ceil(m / 2)))
    # The more articles share a term the earlier; then names before words, full names first.
    ranked = sorted(
        shared,
        key=lambda c: (
            -present[c],
            c >= features.name_columns,
            " " not in features.names[c],
            -weight[c],
            c,
        ),
    )
    names = [features.names[c] for c in shared if c < features.name_columns]
    spelled = {name.casefold(): name for name in names}
    mentioned = np.flatnonzero(present[: features.name_columns])
    in_names = {word for c in mentioned for word in features.names[c].casefold().split()}
    terms: list[str] = []
    for column in ranked:
        term = features.names[column]
        if column >= features.name_columns:
            if term in in_names and term not in spelled:
                continue  # a piece of a name ("north" of "North Korea"): the name says it
            term = spelled.get(term, term)
        if any(term.casefold() in t.casefold().split() for t in terms):
            continue
        terms.append(term)
        if len(terms) == WHY_TERMS:
            break
    return WhyGrouped(terms=tuple(terms), similarity=round(similarity, 3))


def _centroids(groups: Sequence[np.ndarray], matrix: sp.csr_matrix) -> sp.csr_matrix:
    """Unit-length centre of each group's rows (a sparse membership matrix times the rows)."""
    rows = np.concatenate([np.full(len(g), i) for i, g in enumerate(groups)])
    cols = np.concatenate(groups)
    membership = sp.csr_matrix(
        (np.ones(len(cols), dtype=np.float32), (rows, cols)), shape=(len(groups), matrix.shape[0])
    )
    centres = membership @ matrix
    return normalize(centres) if centres.shape[1] else centres


def _continue_prior(
    stories: list[Story],
    centroids: sp.csr_matrix,
    prior: Sequence[Story],
    prior_centroids: sp.csr_matrix,
    settings: ClusterConfig,
) -> list[Story]:
    if not prior or not stories:
        return stories
    sims = (centroids @ prior_centroids.T).toarray()
    firsts = [min(_when(a) for a in s.articles) for s in stories]
    lasts = [max(_when(a) for a in p.articles) for p in prior]
    continuity = settings.model_copy(update={"similarity": settings.continuity_similarity})
    pairs = []
    for i, j in zip(*np.nonzero(sims > 0), strict=True):
        gap = abs((firsts[i] - lasts[j]).total_seconds()) / 3600.0
        need = float(_required(np.array([gap]), continuity)[0])
        if sims[i, j] >= need:
            pairs.append((-float(sims[i, j]), int(i), int(j)))
    taken_story: set[int] = set()
    taken_prior: set[int] = set()
    result = list(stories)
    for _, i, j in sorted(pairs):
        if i in taken_story or j in taken_prior:
            continue
        taken_story.add(i)
        taken_prior.add(j)
        result[i] = replace(stories[i], id=prior[j].id, developing=True)
    return result


def article_vectors(
    articles: Sequence[Article], origins: dict[str, str]
) -> tuple[sp.csr_matrix, frozenset[int]]:
    """The unit vectors ``cluster_stories`` compares, one row per article in the order given,
    and the indexes of the stand-in pages among them (compared by headline alone)."""
    _, stand_ins = _apart(articles, _origin_texts(articles, origins))
    return _features(articles, stand_ins).matrix, stand_ins


def cluster_stories(
    articles: Sequence[Article],
    origins: dict[str, str],
    now: datetime,
    prior: Sequence[Story] = (),
    *,
    settings: ClusterConfig | None = None,
) -> list[Story]:
    """Group ``articles`` into stories; a story continuing one in ``prior`` keeps its id and is
    marked developing. Articles already used by a prior story are left out."""
    settings = settings or ClusterConfig()
    now = _aware(now)
    used = {a.id for story in prior for a in story.articles}
    fresh = sorted({a.id: a for a in articles if a.id not in used}.values(), key=lambda a: a.id)
    prior = [p for p in prior if p.articles]
    if not fresh:
        return []
    # Copies of one text are one story whatever their words; grouping their origins (one
    # earliest copy each) also keeps a syndicated text's words from looking common.
    texts, stand_ins = _apart(fresh, _origin_texts(fresh, origins))
    every = list(fresh) + [a for p in prior for a in p.articles]
    features = _features(every, stand_ins)
    n = len(fresh)
    matrix = features.matrix[:n]
    hours = np.array([(_when(a) - now).total_seconds() / 3600.0 for a in fresh])
    firsts = np.array([copies[0] for copies in texts])
    rows, cols, sims = _candidate_pairs(matrix[firsts])
    sims = sims / np.maximum(features.evidence(firsts[rows], firsts[cols]), 1e-6)
    margin = sims - _required(np.abs(hours[firsts][rows] - hours[firsts][cols]), settings)
    linked = margin >= 0
    groups: list[np.ndarray] = []
    stories = []
    position = {int(f): t for t, f in enumerate(firsts)}
    for story_texts in _grouped(
        firsts, rows[linked], cols[linked], margin[linked], features, hours, settings
    ):
        members = np.sort(np.concatenate([texts[position[int(f)]] for f in story_texts]))
        groups.append(members)
        members_articles = tuple(sorted((fresh[i] for i in members), key=_chronological))
        stories.append(
            Story(
                id=_story_id([a.id for a in members_articles]),
                articles=members_articles,
                origins={a.id: origins.get(a.id, a.id) for a in members_articles},
                why_grouped=_why(
                    story_texts if len(story_texts) > 1 else members, features, every
                ),
            )
        )
    if prior:
        sizes = np.array([len(p.articles) for p in prior])
        starts = n + np.concatenate([[0], np.cumsum(sizes)[:-1]])
        prior_groups = [
            np.arange(start, start + size) for start, size in zip(starts, sizes, strict=True)
        ]
        stories = _continue_prior(
            stories,
            _centroids(groups, features.matrix),
            prior,
            _centroids(prior_groups, features.matrix),
            settings,
        )
    return sorted(stories, key=lambda s: s.id)


def _score(story: Story, now: datetime) -> float:
    newest = max(_when(a) for a in story.articles)
    age_hours = max((now - newest).total_seconds() / 3600.0, 0.0)
    return (
        2.0 * math.log1p(story.origin_count)
        + math.log1p(story.source_count)
        + 1.0 / (1.0 + age_hours / 12.0)
        + (0.5 if story.developing else 0.0)
    )


def rank_stories(stories: Sequence[Story], now: datetime, limit: int) -> list[Story]:
    """Stories in the order a reader should see them, at most ``limit``: multi-source stories
    first (more independent origins, more outlets, newer, developing), single-source after."""
    now = _aware(now)
    ranked = sorted(
        (s for s in stories if s.articles),
        key=lambda s: (s.source_count < 2, -_score(s, now), s.id),
    )
    return ranked[: max(limit, 0)]
