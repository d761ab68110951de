"""Quotation marks: which characters stand inside them, where a quotation closes, and a statement's
span with its outer marks taken off (so a direct quote is told from reported speech)."""

from __future__ import annotations

import re


def as_double_quoted(text: str) -> str:
    """An article that quotes with single marks (British style: ‘We will win,’ she said) with
    those marks swapped for double ones and its nested double marks for single ones, character
    for character, so every offset stays the article's; any other text is returned unchanged."""
    singles = text.count("‘")
    if singles < 2 or singles <= text.count("“") + text.count('"') // 2:
        return text
    out = list(text)
    inside = False
    for k, ch in enumerate(text):
        if ch == "\n":
            inside = False  # a quotation that goes on reopens in the next paragraph
        elif ch == "‘" and (k == 0 or not text[k - 1].isalnum()):
            out[k], inside = "“", True
        elif ch == "’" and inside and not (k + 1 < len(text) and text[k + 1].isalnum()):
            out[k], inside = "”", False  # not the apostrophe of "she’d"
        elif ch == "“":
            out[k] = "‘"
        elif ch == "”":
            out[k] = "’"
    return "".join(out)


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " ,;:—–-":
        start += 1
    while end > start and text[end - 1] in " ,;:—–-":
        end -= 1
    return start, end


def misturned_opening(text: str, k: int) -> bool:
    """A closing mark used to open a quotation ('said: ”We agree'): after a space or colon and
    right before a word."""
    return (
        text[k] == "”"
        and (k == 0 or text[k - 1] in " \t\n(:")
        and k + 1 < len(text)
        and text[k + 1].isalnum()
    )


def misturned_closing(text: str, k: int) -> bool:
    """An opening mark used to close a quotation ('results“, but'): right after a word and
    before a space or punctuation."""
    return (
        text[k] == "“"
        and k > 0
        and not text[k - 1].isspace()
        and (k + 1 == len(text) or text[k + 1] in " \t\n,.;:!?)")
    )


def quoted_mask(text: str, start: int, end: int) -> list[bool]:
    """For each character of ``text[start:end]``: is it inside quotation marks?"""
    mask = [False] * (end - start + 1)
    inside = False
    for k, ch in enumerate(text[start:end]):
        if ch == "“" and misturned_closing(text, start + k):
            inside = False
        elif ch in "“«" or (ch == "”" and misturned_opening(text, start + k)):
            inside = True
        elif ch in "”»":
            inside = False
        elif ch == '"':
            inside = not inside
        mask[k] = inside
    return mask


_OPENING_MARKS = "“«\""
_CLOSING_MARKS = "”»\""
ANY_MARK = re.compile(r"[“”«»\"]")


def unquote(text: str, start: int, end: int) -> tuple[int, int, bool]:
    """A content span that is one quotation (`"We will win."`) becomes the words inside the
    marks, flagged as quoted; any other span is reported speech and stays as it is."""
    stop = end
    while stop > start and text[stop - 1] in ".,;:!?":
        stop -= 1
    opens = text[start] in _OPENING_MARKS or misturned_opening(text, start)
    if (
        stop - start >= 2
        and opens
        and text[stop - 1] in _CLOSING_MARKS
        and not ANY_MARK.search(text, start + 1, stop - 1)
    ):
        inner_start, inner_end = trim(text, start + 1, stop - 1)
        while inner_end > inner_start and text[inner_end - 1] in ",.":
            inner_end -= 1
        if inner_end - inner_start >= 3:
            return inner_start, inner_end, True
    if (
        stop - start >= 4
        and opens
        and not ANY_MARK.search(text, start + 1, end)
    ):
        # a quotation that goes on into the next sentence: '“I could hear them.'
        inner_start, inner_end = trim(text, start + 1, stop)
        return inner_start, inner_end, True
    return start, end, False


_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "‘": "’"}


def closing_quote(clause: str) -> int:
    """Index of the quote mark closing the one that opens ``clause``, or -1. A curly single
    quote closes only after punctuation, so apostrophes ("don’t") are passed over."""
    opening = clause[0]
    closing = _QUOTE_PAIRS.get(opening)
    if closing is None:
        return -1
    for k in range(1, len(clause)):
        if clause[k] != closing:
            continue
        if opening == "‘" and clause[k - 1] not in ",.?!":
            continue
        return k
    return -1


def quotation_end(text: str, start: int, end: int) -> int:
    """A content opening with a quotation that closes before a trailing phrase ('"I am
    staying," a position she repeated later') ends with the quotation."""
    if start >= end or text[start] not in "“\"":
        return end
    close = closing_quote(text[start:end])
    if close < 0:
        return end
    rest = text[start + close + 1 : end]
    comma = text[start + close - 1] == "," or rest.lstrip().startswith(",")
    if comma and re.match(
        r"\s*,?\s*(?:a|an|the|which|who|as|in|on|adding|before|after|he|she|they|we)\b", rest
    ):
        return start + close + 1
    return end
