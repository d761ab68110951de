"""What reads badly out of context in a summary: boilerplate, captions and photo credits,
author bios, questions, fragments, unattributed open quotes, and openers that point back
("He", "This", "But", "However") at a sentence the reader has not seen."""

from __future__ import annotations

import re

from .text import words

MIN_WORDS = 6
MAX_WORDS = 70

_BOILERPLATE_PHRASES = (
    "click here", "sign up", "subscribe", "newsletter", "read more", "follow us", "cookie",
    "all rights reserved", "copyright", "©", "advertisement", "share this", "email this",
    "e-mail this", "javascript", "your browser", "terms of service", "terms of use",
    "privacy policy", "log in", "login", "min read", "be the first to comment",
    "download the app", "download our app", "contributed to this report",
    "this story has been updated", "http://", "https://", "www.",
)  # fmt: skip
_CAPTION_PHRASES = (
    "(photo", "(image", "(picture", "(credit", "getty images", "/afp", "ap photo", "reuters/",
    "photograph:", "image caption", "image copyright", "pictured", "file photo", "photo credit",
    "shutterstock",
)  # fmt: skip
_HANDLE = re.compile(r"\S@\S+\.[a-z]{2,}|(?:^|\s)[@#]\w{2,}", re.IGNORECASE)
_LABEL = re.compile(
    r"(?:related|watch|listen|read|more|see also|photo|image|video|credit|source)\s*:",
    re.IGNORECASE,
)
_BIO = re.compile(
    r"[A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3} (?:is|was) an? (?:[\w-]+ ){0,4}"
    r"(?:editor|reporter|correspondent|writer|journalist|columnist|contributor|producer)\b"
)
_DANGLING = frozenset(
    """he she it they this these those that his her its their him them such but however also
    and or yet so still instead moreover furthermore additionally nevertheless nonetheless
    besides otherwise thus therefore meanwhile""".split()  # noqa: SIM905
)
_TIME_NOUNS = frozenset(
    """year week month morning afternoon evening night weekend season summer winter spring
    autumn fall time""".split()  # noqa: SIM905
)
_QUOTES = '"“”'
_TERMINAL = re.compile(r"[.!…][\"'”’)\]]*$")


def is_caption(text: str) -> bool:
    """A photo caption or credit (check the whole line: a credit taints its caption)."""
    lowered = text.lower()
    return any(phrase in lowered for phrase in _CAPTION_PHRASES)


def is_boilerplate(text: str) -> bool:
    lowered = text.lower()
    if any(phrase in lowered for phrase in _BOILERPLATE_PHRASES):
        return True
    if ("@" in text or "#" in text) and _HANDLE.search(text):
        return True
    return bool(_LABEL.match(text) or _BIO.match(text))


def reads_alone(text: str) -> bool:
    """False for what reads badly out of context: boilerplate, captions, questions, fragments."""
    stripped = text.strip()
    count = len(words(stripped))
    if count < MIN_WORDS or count > MAX_WORDS:
        return False
    if not _TERMINAL.search(stripped):
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in _QUOTES + "'‘"):
        return False
    if stripped.count('"') % 2 or stripped.count("“") != stripped.count("”"):
        return False
    if stripped.rstrip(_QUOTES + "'’)").endswith("?"):
        return False
    return not (is_boilerplate(stripped) or is_caption(stripped))


def needs_predecessor(text: str) -> bool:
    """True when the sentence opens with a pronoun or connective pointing at what came before
    (a quotation is exempt: its attribution says who speaks)."""
    if text.lstrip()[:1] in _QUOTES + "'‘":
        return False
    first = [w.lower() for w in words(text[:60])[:2]]
    if not first or first[0] not in _DANGLING:
        return False
    return not (first[0] in {"this", "that"} and len(first) > 1 and first[1] in _TIME_NOUNS)
