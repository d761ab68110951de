"""Which articles are copies of one text: the dedup stage.

Three signals put articles into one *origin* group (an independent text): the same canonical
URL, the same normalised body (content hash), or near-identical bodies (word shingles compared
with MinHash LSH, as syndicated wire copies with a changed intro or footer are). The origin id
of a group is the id of its earliest article (ties broken by id), so it is deterministic.
"""

from __future__ import annotations

import hashlib
import re
import string
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import scipy.sparse as sp
from courlan import normalize_url
from datasketch import MinHash, MinHashLSH
from scipy.sparse.csgraph import connected_components

from .models import Article

# Query keys courlan's tracker list keeps but news sites use only for attribution.
_EXTRA_TRACKERS = re.compile(
    r"^(?:ocid|cmpid|cmp|smid|smtyp|partner|ito|mbid|taid|sr_share|s_cid|intcmp|"
    r"at_[a-z_]+|ns_[a-z_]+|__twitter_impression|WT\.[a-z_]+)$",
    re.IGNORECASE,
)
_PUNCTUATION_TO_SPACE = bytes.maketrans(
    string.punctuation.encode("ascii"), b" " * len(string.punctuation)
)

_MULTIPLIER = 1_000_003
_MASK32 = np.uint64(0xFFFFFFFF)

SHINGLE_WORDS = 5
# Copies of one wire text share their opening; comparing the first few hundred words is enough
# and keeps the cost flat for very long pages.
SHINGLE_SCAN_WORDS = 400
NUM_PERM = 128
NEAR_DUPLICATE_JACCARD = 0.6
MIN_SHINGLES = 8
# Bodies shorter than this many words are too thin to call two texts copies of each other
# (a one-line teaser, a photo caption): only their URL or exact content can join them.
MIN_WORDS_FOR_HASH = 12


def canonical_url(url: str) -> str:
    """``url`` without what does not change the page: tracking parameters, fragment, default
    port, ``www.``, http versus https, letter case of the host, parameter order and a trailing
    slash. courlan does the normalising and knows the common trackers; news-specific
    attribution keys are dropped here.

    Anything that is not an http(s) URL (a local path, an empty string) comes back stripped.
    """
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return url
    try:
        normal = urlsplit(normalize_url(url, trailing_slash=False))
    except ValueError:
        return url
    host = normal.netloc.removeprefix("www.")
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(normal.query, keep_blank_values=True)
            if not _EXTRA_TRACKERS.match(key)
        )
    )
    path = normal.path.rstrip("/") or "/"
    return urlunsplit(("https", host, path, query, ""))


def content_hash(text: str) -> str | None:
    """A digest of the body with letter case and spacing ignored; ``None`` when the body is
    too short for equality to mean it is the same text."""
    tokens = text.casefold().split()
    if len(tokens) < MIN_WORDS_FOR_HASH:
        return None
    return hashlib.sha1(" ".join(tokens).encode("utf-8")).hexdigest()


def shingle_words(text: str) -> list[bytes]:
    """The first ``SHINGLE_SCAN_WORDS`` words of a body, lower-cased, ASCII punctuation dropped.

    Bytes rather than str: encoding once and splitting in C keeps this cheap for a day's
    articles, and crc32 takes the words as they are.
    """
    head = text[: SHINGLE_SCAN_WORDS * 12].encode("utf-8", "replace").lower()
    return head.translate(_PUNCTUATION_TO_SPACE).split()[:SHINGLE_SCAN_WORDS]


def shingle_hashes(
    bodies: Sequence[Sequence[bytes]], size: int = SHINGLE_WORDS
) -> list[np.ndarray]:
    """For each tokenised body, the 32-bit hashes of its distinct ``size``-word windows.

    A window's hash is a polynomial of its words' crc32 values (crc32, unlike Python's salted
    ``hash``, gives the same values every run), computed with numpy over all bodies at once;
    windows that would straddle two bodies are dropped.
    """
    tokens = [word for body in bodies for word in body]
    words = np.fromiter(map(zlib.crc32, tokens), dtype=np.uint64, count=len(tokens))
    windows = max(len(tokens) - size + 1, 0)
    combined = np.zeros(windows, dtype=np.uint64)
    for offset in range(size):
        combined = (combined * np.uint64(_MULTIPLIER) + words[offset : offset + windows]) & _MASK32
    result = []
    start = 0
    for body in bodies:
        end = start + len(body)
        result.append(np.unique(combined[start : end - size + 1]) if end - start >= size else
                      np.zeros(0, dtype=np.uint64))
        start = end
    return result


def minhashes(bodies: Sequence[Sequence[bytes]]) -> list[MinHash | None]:
    """A MinHash signature per tokenised body, ``None`` where one is too short to compare."""
    template = MinHash(num_perm=NUM_PERM, seed=1, hashfunc=int)
    result: list[MinHash | None] = []
    for values in shingle_hashes(bodies):
        if len(values) < MIN_SHINGLES:
            result.append(None)
            continue
        signature = template.copy()
        signature.update_batch(values.tolist())
        result.append(signature)
    return result


def _when(article: Article) -> datetime:
    moment = article.published
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _equal_key_pairs(keys: Iterable[tuple[int, str | None]]) -> Iterator[tuple[int, int]]:
    """Links from each article to the first article that has the same key."""
    first: dict[str, int] = {}
    for index, key in keys:
        if key is None:
            continue
        if key in first:
            yield first[key], index
        else:
            first[key] = index


def _near_duplicate_pairs(
    articles: Sequence[Article], threshold: float, indexes: Sequence[int]
) -> Iterator[tuple[int, int]]:
    # Weighted towards recall: a missed pair costs a false corroboration, a spurious candidate
    # only one exact signature comparison.
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, weights=(0.2, 0.8))
    signatures: dict[int, MinHash] = {}
    for index, sig in enumerate(minhashes([shingle_words(a.text) for a in articles])):
        if sig is None:
            continue
        for other in lsh.query(sig):
            # LSH returns candidates; confirm with the signature estimate before linking.
            if sig.jaccard(signatures[other]) >= threshold:
                yield indexes[other], indexes[index]
        lsh.insert(index, sig)
        signatures[index] = sig


def template_bodies(articles: Sequence[Article], hashes: Sequence[str | None]) -> set[int]:
    """Indexes of articles whose body one outlet also files under another title: a cookie wall,
    paywall or error page that extraction returned in place of the article, not a text."""
    titles: dict[tuple[str, str], set[str]] = defaultdict(set)
    for article, digest in zip(articles, hashes, strict=True):
        if digest is not None:
            titles[(article.source, digest)].add(" ".join(article.title.casefold().split()))
    return {
        index
        for index, (article, digest) in enumerate(zip(articles, hashes, strict=True))
        if digest is not None and len(titles[(article.source, digest)]) > 1
    }


def assign_origins(
    articles: Sequence[Article], *, threshold: float = NEAR_DUPLICATE_JACCARD
) -> dict[str, str]:
    """Map each article id to its origin id: the id of the earliest article of its copy group.

    Articles are linked by canonical URL, content hash and near-duplicate bodies; an origin is
    a connected group of links. ``threshold`` is the estimated Jaccard similarity of shingle
    sets above which two bodies count as copies of one text.
    """
    if not articles:
        return {}
    hashes = [content_hash(a.text) for a in articles]
    templates = template_bodies(articles, hashes)
    bodies = [i for i in range(len(articles)) if i not in templates]
    same_body = list(_equal_key_pairs((i, hashes[i]) for i in bodies))
    # An exact copy is linked by its hash already: only the first of each needs shingling.
    copies = {later for _, later in same_body}
    distinct = [i for i in bodies if i not in copies]
    links = [
        *_equal_key_pairs((i, canonical_url(a.url) or None) for i, a in enumerate(articles)),
        *same_body,
        *_near_duplicate_pairs([articles[i] for i in distinct], threshold, distinct),
    ]
    count = len(articles)
    rows = np.array([i for i, _ in links], dtype=np.int64)
    cols = np.array([j for _, j in links], dtype=np.int64)
    graph = sp.coo_matrix((np.ones(len(links)), (rows, cols)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    earliest: dict[int, int] = {}
    for index in sorted(range(count), key=lambda i: (_when(articles[i]), articles[i].id)):
        earliest.setdefault(int(labels[index]), index)
    return {a.id: articles[earliest[int(labels[i])]].id for i, a in enumerate(articles)}
