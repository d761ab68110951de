"""Sentence and word units with exact character offsets, and a sumy tokenizer that needs no
downloads (sumy's default tokenizer fetches NLTK data at run time, which fails offline)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pysbd

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)


@dataclass(frozen=True)
class Span:
    """A piece of a text: ``source[start:end] == text``."""

    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


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


def split_sentences(text: str) -> list[Span]:
    """Sentences of ``text``; a sentence never crosses a line break. Offsets are exact."""
    spans: list[Span] = []
    for para in split_paragraphs(text):
        cursor = para.start
        for piece in _segmenter().segment(para.text):
            piece = piece.strip()
            if not piece:
                continue
            found = text.find(piece, cursor, para.end)
            if found < 0:
                continue
            spans.append(Span(piece, found, found + len(piece)))
            cursor = found + len(piece)
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
