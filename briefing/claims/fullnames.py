"""A person's full name as a story's articles give it, for a speaker named by surname alone.

Articles name a person in full once ("CNN host Piers Morgan") and by surname after that
("Morgan told POLITICO"), so a claim's actor is often a bare surname. The story's own text
says who that is, unless it names two people of that surname ("Donald Trump", "Ivanka Trump"):
then the surname stays as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from ..cluster import names_in
from .actors import ROLE_NOUNS
from .parties import country_of
from .stance import wordset

_WORD = re.compile(r"[A-Z][a-z]+(?:['’-][A-Z]?[a-z]+)*\.?|[A-Z]\.")
_NOT_A_FIRST_NAME = wordset(
    """mr mrs ms dr prof professor sen senator rep representative gov governor president
    minister secretary judge justice chief officer detective sheriff sergeant lieutenant
    captain general gen colonel col coach director chairman chairwoman chair mayor
    attorney lawyer spokesman spokeswoman spokesperson ceo host actor actress singer star
    king queen prince princess pope saint st lord lady sir dame the a an and of for in on at
    to by with from but when after before as if said says new north south east west
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december dear hello hi thanks"""
)
_HONORIFIC = wordset("mr mrs ms miss dr prof professor sen rep gov")


def _person(span: str) -> tuple[str, str] | None:
    """(surname, "First Surname") when the last two words of a name span read as a person's
    first name and surname."""
    words = span.split()
    if len(words) < 2:
        return None
    first, last = words[-2], words[-1]
    if not (_WORD.fullmatch(first) and _WORD.fullmatch(last)) or last.endswith("."):
        return None
    if first.lower().rstrip(".") in _NOT_A_FIRST_NAME or last.lower() in _NOT_A_FIRST_NAME:
        return None
    if last.lower() in ROLE_NOUNS:
        return None  # "Police Department", "Cabinet Office": a body, not a person
    return last, f"{first} {last}"


def person_forms(texts: Iterable[str]) -> dict[str, Counter[str]]:
    """surname -> how often each "First Surname" of that surname is written in ``texts``."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for span in names_in(text):
            person = _person(span)
            if person:
                seen.setdefault(person[0], Counter())[person[1]] += 1
    return seen


def _spelled(forms: Counter[str]) -> list[str]:
    return [f for f in forms if not f.split()[0].endswith(".")]  # not "J. Smith"


def full_names(texts: Iterable[str] | dict[str, Counter[str]]) -> dict[str, str]:
    """surname -> the one full name the texts give a person of that surname."""
    seen = texts if isinstance(texts, dict) else person_forms(texts)
    out: dict[str, str] = {}
    for surname, forms in seen.items():
        spelled = _spelled(forms)
        if len(spelled) == 1:
            out[surname] = spelled[0]
    return out


def first_names(seen: dict[str, Counter[str]]) -> dict[str, str]:
    """first name -> the one full name the texts give a person of that first name ("Tom" ->
    "Tom Venn" beside "Ada Venn")."""
    people: dict[str, set[str]] = {}
    for forms in seen.values():
        for full in _spelled(forms):
            people.setdefault(full.split()[0], set()).add(full)
    return {first: next(iter(fulls)) for first, fulls in people.items() if len(fulls) == 1}


# "Dallas Bishop Edward Burns ... the bishop added": a title before a person's name
_TITLED = re.compile(
    r"\b(Bishop|Principal|Mayor|Governor|Sheriff|Detective|Superintendent|Judge|Coach|Pastor|"
    r"Senator|Archbishop|Cardinal|Chancellor|Commissioner|Inspector|Sergeant|Captain|"
    r"Lieutenant|Prosecutor)\s+([A-Z][a-z]+(?:\s+[A-Z]\.)?\s+[A-Z][a-z][\w’'-]+)"
)
_THE_TITLE = re.compile(r"^(?:[Tt]he\s+)?([A-Za-z]+)$")


def titled_people(texts: Iterable[str]) -> dict[str, str]:
    """title -> "Title First Surname" for a title the texts give one person only."""
    seen: dict[str, set[str]] = {}
    for text in texts:
        for m in _TITLED.finditer(text):
            seen.setdefault(m.group(1).lower(), set()).add(f"{m.group(1)} {m.group(2)}")
    return {title: next(iter(people)) for title, people in seen.items() if len(people) == 1}


def in_full(
    actor: str,
    names: dict[str, str],
    titled: dict[str, str] | None = None,
    firsts: dict[str, str] | None = None,
) -> str:
    """``actor`` with a bare surname ("Morgan", "Mr. Durham") given in full when the story
    names that person unambiguously, and a bare title ("the bishop") with the one person the
    story gives that title; any other actor unchanged."""
    bare_title = _THE_TITLE.match(actor)
    if titled and bare_title is not None and bare_title.group(1).lower() in titled:
        return titled[bare_title.group(1).lower()]
    words = actor.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _HONORIFIC:
        words = words[1:]
    if len(words) != 1:
        return actor
    by_surname = names.get(words[0])
    by_first = _by_first_name(words[0], firsts or {})
    if by_surname and by_first and by_surname != by_first:
        return actor  # "Dylan": "Dylan Farrow", or someone surnamed Dylan
    return by_surname or by_first or actor


def _by_first_name(word: str, firsts: dict[str, str]) -> str | None:
    """"Bill" as the one person the story names in full as "Bill Hudson"."""
    if country_of(word) is not None or word.lower() in _NOT_A_FIRST_NAME | ROLE_NOUNS:
        return None
    return firsts.get(word)
