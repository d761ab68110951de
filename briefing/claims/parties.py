"""Which side an actor speaks for: "Kremlin spokesperson Dmitry Peskov" -> Russia,
"Ukraine's General Staff" -> Ukraine, "Kyiv" -> Ukraine, "Western officials" -> West.

Country names come from pycountry. pycountry has no demonyms ("Ukrainian") or metonyms
("Kremlin", "Kyiv"), so those are derived by suffix rules or listed here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from .actors import ROLE_NOUNS
from .stance import wordset

_METONYMS = {
    "kremlin": "Russia",
    "moscow": "Russia",
    "kyiv": "Ukraine",
    "kiev": "Ukraine",
    "pyongyang": "North Korea",
    "seoul": "South Korea",
    "beijing": "China",
    "tehran": "Iran",
    "washington": "United States",
    "white house": "United States",
    "pentagon": "United States",
    "state department": "United States",
    "u.s.": "United States",
    "us": "United States",
    "usa": "United States",
    "america": "United States",
    "american": "United States",
    "uk": "United Kingdom",
    "britain": "United Kingdom",
    "british": "United Kingdom",
    "downing street": "United Kingdom",
    "whitehall": "United Kingdom",
    "london": "United Kingdom",
    "paris": "France",
    "elysee": "France",
    "berlin": "Germany",
    "tokyo": "Japan",
    "jerusalem": "Israel",
    "ankara": "Turkey",
    "brussels": "European Union",
    "eu": "European Union",
    "european": "European Union",
    "nato": "NATO",
    "western": "West",
    "west": "West",
    "dprk": "North Korea",
    "korean people's army": "North Korea",
    "french": "France",
    "german": "Germany",
    "afghan": "Afghanistan",
    "spanish": "Spain",
    "dutch": "Netherlands",
    "danish": "Denmark",
    "swedish": "Sweden",
    "polish": "Poland",
    "turkish": "Turkey",
    "greek": "Greece",
    "swiss": "Switzerland",
    "thai": "Thailand",
    "filipino": "Philippines",
    "mexican": "Mexico",
    "welsh": "United Kingdom",
    "scottish": "United Kingdom",
}

PARTY_MODIFIERS = wordset(
    "the a an its their power local regional national state federal city town county"
)
_DEMONYM_SUFFIXES = ("ian", "ean", "an", "ese", "ish", "i", "n")


def _short_name(country: object) -> str:
    name = getattr(country, "common_name", None) or country.name  # type: ignore[attr-defined]
    return str(name).split(",")[0].strip()


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    names: dict[str, str] = {}
    for country in pycountry.countries:
        short = _short_name(country)
        names[short.lower()] = short
        names[country.name.lower()] = short
    names["russia"] = "Russia"
    names["north korea"] = "North Korea"
    names["south korea"] = "South Korea"
    names["turkey"] = "Turkey"
    return names


@lru_cache(maxsize=4096)
def country_of(word: str) -> str | None:
    """The country a name, demonym or metonym stands for, or None."""
    key = re.sub(r"(['’]s|['’])$", "", word.strip()).lower()
    if not key:
        return None
    if key in _METONYMS:
        return _METONYMS[key]
    countries = _countries()
    if key in countries:
        return countries[key]
    if len(key) < 5:
        return None
    for suffix in _DEMONYM_SUFFIXES:
        if key.endswith(suffix):
            stem = key[: -len(suffix)]
            for ending in ("", "a", "ia", "e", "y"):
                if stem + ending in countries:
                    return countries[stem + ending]
    return None


_NAME_WORD = re.compile(r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*")


def party_of(actor: str) -> str:
    """The side ``actor`` speaks for: a country (or bloc) when one is named; else the
    organisation or name it starts with ("Brightwater chief executive Tomas Reyne" ->
    "brightwater"); else its head word ("the company" -> "company")."""
    lowered = actor.lower()
    for phrase, country in _METONYMS.items():
        if " " in phrase and phrase in lowered:
            return country
    tokens = re.findall(r"[\w.'’-]+", actor)
    for i in range(len(tokens) - 1):
        pair = f"{tokens[i]} {tokens[i + 1]}"
        found = country_of(pair)
        if found:
            return found
    for token in tokens:
        if not token[:1].isupper():
            continue
        found = country_of(token)
        if found:
            return found
    words = re.findall(r"[\w.'’-]*\w", actor)
    if not words:
        return lowered.strip()
    bases = [re.sub(r"['’]s?$", "", w).lower() for w in words]
    lead = 0
    while lead < len(words) - 1 and bases[lead] in _LEADING_ROLES:
        lead += 1  # "Actress Sally Struthers", "Rep for Struthers": the name decides
    if lead and any(w[:1].isupper() for w in words[lead:]):
        words, bases = words[lead:], bases[lead:]
    if words[0][:1].isupper() and any(b in ROLE_NOUNS for b in bases[1:]):
        return bases[0]
    return bases[0] if words[0][:1].isupper() else bases[-1]


_LEADING_ROLES = ROLE_NOUNS | wordset(
    """actress actor singer rapper star model his her their its for of to the a an mr mrs ms
    dr lt sgt capt det gen col"""
)
_CAPTION_WORDS = wordset(
    "image images photo photos photograph picture caption video copyright getty file credit"
)
_ADJECTIVES = wordset(
    """jewish muslim christian catholic democratic republican conservative liberal progressive
    socialist"""
) | PARTY_MODIFIERS
_NOT_NAMES = wordset("and of the for in at")
_TIME_WORDS = wordset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight
    january february march april may june july august september october november december"""
)


def _demonym(word: str) -> bool:
    """'German', 'Ukrainian': a word naming a country's people or things, not the country or
    a capital standing for it ("Kremlin", "Tehran")."""
    low = re.sub(r"(['’]s|['’])$", "", word).lower()
    found = country_of(low)
    if found is None or low == found.lower():
        return False
    if low in _METONYMS:
        return low.endswith(("an", "ish", "ese", "ch", "ern")) and low != "tehran"
    return True


@lru_cache(maxsize=1)
def _us_states() -> frozenset[str]:
    return frozenset(s.name.lower() for s in pycountry.subdivisions.get(country_code="US"))


def speaker(actor: str, modifiers: frozenset[str] = frozenset()) -> str | None:
    """``actor`` as a reader can take it as a speaker, or None when it is none: a photo caption
    glued before the name is dropped ("Image The White House's spokeswoman ..."); adjectives
    with no noun ("German", "Jewish", "Democratic and Republican", "The regional") and the
    writer ("Like I") are not speakers. ``modifiers``: more words that only qualify a noun."""
    words = actor.split()
    while words and (
        words[0].lower() in _CAPTION_WORDS or (words[0] == "AP" and len(words) > 1)
    ):
        words = words[1:]
    if not words or any(w in {"I", "We"} for w in words):
        return None
    content = [w for w in words if w.lower() not in _NOT_NAMES]
    if all(w.lower().strip(",.") in _TIME_WORDS for w in content):
        return None  # "Monday said": a date line, not a speaker
    if " ".join(words).lower().strip(",.") in _us_states():
        return None  # "Kentucky": a place in a date line or a possessive, not a speaker
    if content and all(
        w.lower().strip("’'") in _ADJECTIVES | modifiers or _demonym(w) for w in content
    ):
        return None
    return " ".join(words)


def country_mentions(text: str) -> list[str]:
    """Countries named in ``text`` (names, demonyms, metonyms), in order, without repeats."""
    seen: list[str] = []
    tokens = re.findall(r"[\w.'’-]+", text)
    skip = False
    for i, token in enumerate(tokens):
        if skip:
            skip = False
            continue
        if not token[:1].isupper():
            continue
        found = None
        if i + 1 < len(tokens):
            found = country_of(f"{token} {tokens[i + 1]}")
            skip = found is not None
        found = found or country_of(token)
        if found and found not in seen:
            seen.append(found)
    return seen
