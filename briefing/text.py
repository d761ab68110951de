"""Sentence and word units with exact character offsets, and a sumy tokenizer that needs no
downloads (sumy's default tokenizer fetches NLTK data at run time, which fails offline).

Sentence splitting is hand-written: pysbd gets news text right but compiles hundreds of
regular expressions per paragraph (over a second for a 50-article story), and NLTK's Punkt
needs a model download. The rules below cover what news prose needs: titles before names,
initials, initialisms such as "U.S.", "No. 5", "Jan. 6", closing quotes after the stop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)

# A stop (with any closing quotes or brackets) followed by space and what can open a sentence,
# or a stop glued to the next sentence where a page lost the space ("told LiveScience.European").
_CANDIDATE = re.compile(
    r"[.!?…]+[\"'”’)\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])|(?<=[a-z]{2})\.(?=[A-Z][a-z]{2,})"
)
_OPENING_PUNCTUATION = "\"'“‘([{*-–—"

# Always followed by a name or a number: a stop after these never ends a sentence.
_TITLES = frozenset(
    {
        "mr", "mrs", "ms", "messrs", "dr", "prof", "sen", "sens", "rep", "reps", "gov", "gen",
        "col", "lt", "sgt", "capt", "cpl", "pvt", "adm", "cmdr", "maj", "brig", "rev", "fr", "st",
        "mt", "ft", "pres", "supt", "insp", "det", "hon", "vs", "v", "approx", "dept", "est",
    }
)  # fmt: skip
# Followed by a number they never end a sentence ("No. 5", "Jan. 6", "Art. 51").
_BEFORE_NUMBER = frozenset(
    {
        "no", "nos", "vol", "p", "pp", "fig", "art", "sec", "ch", "op", "jan", "feb", "mar",
        "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    }
)  # fmt: skip
# Ambiguous ("U.S.", "Inc."): a sentence ends there only when a typical sentence opener follows.
_AMBIGUOUS = frozenset({"inc", "corp", "co", "ltd", "bros", "jr", "sr", "etc", "al"})
_OPENERS = frozenset(
    {
        "the", "a", "an", "he", "she", "it", "they", "we", "i", "you", "but", "and", "or", "so",
        "in", "on", "at", "by", "for", "from", "to", "of", "with", "this", "that", "these",
        "those", "there", "his", "her", "their", "its", "our", "my", "however", "meanwhile",
        "after", "before", "when", "while", "as", "if", "since", "although", "though", "still",
        "yet", "also", "then", "now", "today", "yesterday", "last", "earlier", "later", "some",
        "many", "most", "other", "others", "officials", "police", "authorities", "both", "all",
        "no", "not", "one", "two", "three", "what", "why", "how", "who", "where", "according",
        "despite", "during", "under", "over", "about", "more", "less", "several", "such",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A piece of a text: ``source[start:end] == text``."""

    text: str
    start: int
    end: int


def split_paragraphs(text: str) -> list[Span]:
    """Non-empty lines/paragraphs of ``text`` with their offsets."""
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        chunk = match.group(0)
        stripped = chunk.strip()
        if stripped:
            start = match.start() + (len(chunk) - len(chunk.lstrip()))
            spans.append(Span(stripped, start, start + len(stripped)))
    return spans


def _token_before(text: str, end: int) -> str:
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip(_OPENING_PUNCTUATION)


def _word_after(text: str, start: int) -> str:
    match = _WORD.search(text, start)
    return match.group(0) if match else ""


def _ends_sentence(text: str, stop: re.Match[str]) -> bool:
    if text[stop.start()] != ".":
        return True
    if stop.group(0).startswith(".."):
        return True
    token = _token_before(text, stop.start())
    following = _word_after(text, stop.end())
    lowered = token.lower()
    if lowered in _TITLES:
        return False
    if lowered in _BEFORE_NUMBER and following[:1].isdigit():
        return False
    if len(token) == 1 and token.isupper():
        return False
    if "." in token.strip(".") or lowered in _AMBIGUOUS:
        return following.lower() in _OPENERS
    return True


def _split_line(text: str, start: int, end: int) -> list[Span]:
    spans = []
    cursor = start
    for stop in _CANDIDATE.finditer(text, start, end):
        if not _ends_sentence(text, stop):
            continue
        piece = text[cursor : stop.end()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            spans.append(Span(piece.strip(), cursor + lead, cursor + lead + len(piece.strip())))
        cursor = stop.end()
    piece = text[cursor:end]
    if piece.strip():
        lead = len(piece) - len(piece.lstrip())
        spans.append(Span(piece.strip(), cursor + lead, cursor + lead + len(piece.strip())))
    return spans


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text``; a sentence never crosses a line break. Offsets are exact."""
    spans: list[Span] = []
    for para in split_paragraphs(text):
        spans.extend(_split_line(text, para.start, para.end))
    return spans


def words(text: str) -> list[str]:
    return _WORD.findall(text)


class SentenceTokenizer:
    """The tokenizer object sumy's parsers expect (``to_sentences`` / ``to_words``)."""

    language = "english"

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        return tuple(s.text for s in split_sentences(paragraph))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
