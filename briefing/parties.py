"""Which side an actor speaks for: "Kremlin spokesperson Dmitry Peskov" -> Russia,
"Ukraine's General Staff" -> Ukraine, "Kyiv" -> Ukraine, "Western officials" -> West.

Country names come from pycountry. pycountry has no demonyms ("Ukrainian") or metonyms
("Kremlin", "Kyiv"), so those are derived by suffix rules or listed here.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from .attribution import ROLE_NOUNS
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
    if words[0][:1].isupper() and any(b in ROLE_NOUNS for b in bases[1:]):
        return bases[0]
    return bases[0] if words[0][:1].isupper() else bases[-1]


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
