"""Who is speaking: the article's words as tokens, and the span of the speaker before or after a
reporting verb (a name, a role holder, an organisation, "the company"), with the lexicons that
tell a speaker from other words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .stance import COUNTER_VERBS, DENY_VERBS, wordset

REPORTING_VERBS = wordset(
    """say says said claim claims claimed announce announces announced confirm confirms confirmed
    acknowledge acknowledges acknowledged insist insists insisted state states stated report
    reports reported tell tells told add adds added note notes noted emphasize emphasizes
    emphasized emphasise emphasises emphasised assert asserts asserted declare declares declared
    warn warns warned argue argues argued maintain maintains maintained estimate estimates
    estimated believe believes believed reveal reveals revealed admit admits admitted inform
    informs informed proclaim proclaims proclaimed allege alleges alleged contend contends
    contended stress stresses stressed write writes wrote predict predicts predicted concede
    concedes conceded conclude concludes concluded find finds found rule rules ruled accuse
    accuses accused tweet tweets tweeted plead pleads pleaded"""
) | DENY_VERBS | COUNTER_VERBS

ROLE_NOUNS = wordset(
    """official officials spokesperson spokesman spokeswoman spokespeople minister ministry
    president army military intelligence source sources representative representatives chief
    staff general commander aide adviser advisor analyst analysts expert experts statement
    government police department agency office envoy ambassador diplomat diplomats leader
    leaders secretary mayor governor prosecutor prosecutors authorities authority command
    service services company executive executives director researchers scientists witnesses
    residents lawyer lawyers court judge spokespersons officer officers forces navy council
    committee parliament lawmakers senator senators administration bank regulator regulators
    report reports media observers monitors investigators union operator firm ministers
    board chairman chairwoman chair head premier cabinet manager managers organisers organizers
    team coach club chamber association organisation organization institute foundation
    commission society coalition federation alliance charity panel jury inquiry watchdog
    members family relatives councillor councilor councillors sheriff detective detectives
    attorney attorneys publicist rep reps principal superintendent teacher teachers professor
    researcher scientist economist doctor doctors nurse witness resident neighbor neighbors
    neighbour neighbours owner owners student students pastor priest bishop journalist
    journalists reporter reporters correspondent columnist editor psychiatrist psychologist
    activist activists campaigner campaigners lawmaker"""
)

ROLE_MODIFIERS = wordset(
    """military defense defence foreign senior former top local intelligence deputy state
    government presidential news press battlefield monitoring security interior health
    western eastern southern northern regional federal central national police fire
    emergency border chief general"""
)

CONNECTORS = wordset("of from for and the at in to")
SKIPPABLE = wordset(
    """has have had also later previously officially publicly repeatedly again firmly quickly
    then now since earlier already subsequently swiftly flatly strongly categorically is was
    were are not never has've it's"""
)
_NOT_ACTORS = wordset(
    """this that these those however meanwhile it there here what which who despite during
    while although though but and or so yet if when after before as because since in on at
    for the a an later earlier separately afterwards then now still also"""
)
PRONOUNS = wordset("he she they it we i his her their")
_FIRST_PERSON = frozenset({"I", "We", "Me", "Us"})
NOT_THIRD_PERSON = wordset("his her their it i we")
DAYS = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_TIME_PHRASE = re.compile(
    rf"\s+(?:(?:on|late on|early on|last|this|by|on the night of)\s+)?{DAYS}"
    r"(?:\s+(?:morning|afternoon|evening|night))?\s*,?\s*$|\s+(?:yesterday|today|last night|"
    r"on \w+ \d{1,2}|in a statement)\s*,?\s*$"
)
_TOKEN = re.compile(r"[\w’'.-]*\w[’']?|[“”\"«»]|[,;:()–—|]")
_ABBREVIATION = re.compile(r"(?:^|\.)[A-Za-z]$|^(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Sen|Rep|Gov|Jr|Sr)$")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


_ACTOR_WINDOW = 300


def tokens(text: str, base: int = 0) -> list[Token]:
    """Word and punctuation tokens; a line break or a full stop between words (not the dot of
    "U.S." or "Mr.") becomes a "." token so that a speaker never spans two sentences."""
    tokens: list[Token] = []
    previous_end = 0
    for m in _TOKEN.finditer(text):
        gap = text[previous_end : m.start()]
        if tokens and ("\n" in gap or (gap.startswith(".") and not _ABBREVIATION.search(
            tokens[-1].text
        ))):
            tokens.append(Token(".", base + previous_end, base + previous_end + 1))
        tokens.append(Token(m.group(0), base + m.start(), base + m.end()))
        previous_end = m.end()
    return tokens


def _is_name(word: str) -> bool:
    return word[:1].isupper()


_APPOSITION_TOKENS = 14


def _named_before_apposition(
    text: str, toks: list[Token], comma: int, start: int
) -> tuple[int, int] | None:
    """The name before a short description set off by commas: "Chair Margaret Hollis,
    granddaughter of the founder, said" and "Olga Oliker, an analyst at the group, said"."""
    for k in range(comma - 1, max(comma - _APPOSITION_TOKENS - 2, -1), -1):
        word = toks[k].text.lower()
        if word == "." and k > 0 and re.fullmatch(r"[A-Z][a-z]{0,3}", toks[k - 1].text):
            continue  # "Fla.", "M.": an abbreviation, not the end of a sentence
        relative = any(
            t.text in {"who", "whose", "which"} for t in toks[max(0, k - _APPOSITION_TOKENS) : k]
        )  # "the congressman whose father is Edward Kennedy": a clause inside the description
        if (
            word in REPORTING_VERBS
            or (word in SKIPPABLE and not relative)
            or toks[k].text in ".;:!?\"“”"
        ):
            return None
        if toks[k].text != ",":
            continue
        name = actor_before(text, toks[k].start, start)
        if name is None or not _is_name(text[name[0] : name[1]].split()[-1]):
            return None
        if _inside_description(toks, name[0]):
            continue  # "Newburn, from Gainesville, Fla., said": on to the comma before
        return name
    return None


_MEMBER_OF = wordset("of at")


def _member_of(
    text: str, toks: list[Token], place: tuple[int, int], start: int
) -> tuple[int, int] | None:
    """'Professor Jeremy Turk of St George's Hospital, London, said': the person before "of"
    with where they work (``place``); the town set off by commas after it is not the speaker."""
    phrase = text[place[0] : place[1]].split()
    joints = [k for k, w in enumerate(phrase[1:-1], 1) if w in _MEMBER_OF]
    if joints and _is_name(phrase[joints[0] - 1]):
        return place
    before = [t for t in toks if t.end <= place[0]]
    while before and before[-1].text.lower() in {"a", "an", "the"}:
        before.pop()
    if len(before) < 2 or before[-1].text not in _MEMBER_OF:
        return None
    person = actor_before(text, before[-1].start, start)
    if person is None or not _is_name(text[person[0] : person[1]].split()[-1]):
        return None
    return person[0], place[1]


def _inside_description(toks: list[Token], name_start: int) -> bool:
    """Whether the word before a name is a lower-case word of a description ("from",
    "is", "acting"), not a determiner: the name is then not the speaker."""
    before = [t for t in toks if t.end <= name_start]
    while before and before[-1].text.lower() in {"a", "an", "the"}:
        before.pop()
    return bool(before) and before[-1].text.islower() and before[-1].text not in {"and", "or"}


def actor_before(text: str, end: int, start: int = 0) -> tuple[int, int] | None:
    """The noun phrase in ``text[start:end]`` ending at ``end`` that can be a speaker."""
    when = _TIME_PHRASE.search(text, start, end)
    toks = tokens(text[start : when.start() if when else end], start)
    i = len(toks) - 1
    while i >= 0 and toks[i].text.lower() in SKIPPABLE:
        i -= 1
    if i > 0 and toks[i].text == ",":
        # "Brightwater's chief executive, Tomas Reyne, rejected": the name in apposition
        name = actor_before(text, toks[i].start, start)
        if name is None:
            return _named_before_apposition(text, toks, i, start)
        before = [t for t in toks if t.end <= name[0]]
        while before and before[-1].text.lower() in {"a", "an", "the"}:
            before.pop()
        if before and before[-1].text == ",":
            other = actor_before(text, before[-1].start, start)
            if other is not None and not _is_name(text[name[0] : name[1]]):
                return other  # "Olga Oliker, an analyst at the institute, said"
            town = text[name[0] : name[1]].split()
            if other is not None and _inside_description(toks, other[0]):
                member = _member_of(text, toks, other, start) if len(town) <= 3 else None
                if member is not None:
                    return member
                # "One of those prime ministers, Sir John Major, said": the name alone
                return _named_before_apposition(text, toks, i, start) or name
            if other is not None:
                name = other[0], name[1]
        if _inside_description(toks, name[0]):
            # "Newburn, from Gainesville, Fla., said", "Kennedy, the congressman whose father
            # is Edward Kennedy, said", "Roger Morris, acting head of the department, said"
            described = _named_before_apposition(text, toks, i, start)
            if described is not None:
                return described
        return name
    if i < 0:
        return None
    tail = None
    if (
        i >= 2
        and toks[i - 1].text == "of"
        and re.fullmatch(r"[a-z]{3,}", toks[i].text)
        and toks[i].text not in _NOT_ACTORS | REPORTING_VERBS
        and _role_noun(toks[i - 2].text)
    ):
        # "the regional chamber of commerce said"
        tail, i = i, i - 2
    last = i
    first = None
    while i >= 0:
        tok = toks[i].text
        low = tok.lower().rstrip("’'")
        low = re.sub(r"['’]s$", "", low)
        if _is_name(tok) or low in ROLE_NOUNS or low in ROLE_MODIFIERS or (
            i == last and low in DOCUMENTS
        ):
            first = i
        elif low in CONNECTORS and first is not None:
            pass
        else:
            break
        i -= 1
    if first is None:
        return None
    first = _compound_modifiers(toks, first)
    while first <= last and toks[first].text.lower() in CONNECTORS | {"a", "an"}:
        first += 1
    head = toks[last].text
    head_low = re.sub(r"['’]s$", "", head.lower())
    if not (_is_name(head) or head_low in ROLE_NOUNS or head_low in DOCUMENTS):
        return None
    if first > last:
        return None
    if last == first and toks[first].text.lower() in _NOT_ACTORS:
        return None
    while first < last and toks[first].text.lower() in _NOT_ACTORS:
        first += 1
    if any(t.text in _FIRST_PERSON for t in toks[first : last + 1]):
        return None  # "Like I said": the writer, not a speaker the story names
    described = _described_person(text, toks, first, start)
    if described is not None:
        return described
    medium = _medium(toks, first, last)
    if medium is not None and medium[1] == last:
        # "The mayor in a statement said": the speaker stands before the medium
        cut = toks[medium[0]].start
        return actor_before(text, cut, start) if cut > start else None
    if medium is not None:
        first = medium[1] + 1  # "In a statement the company said"
        while first < last and toks[first].text.lower() in CONNECTORS:
            first += 1
    return toks[first].start, toks[last if tail is None else tail].end


def _described_person(
    text: str, toks: list[Token], first: int, start: int
) -> tuple[int, int] | None:
    """'David Allsopp, professor of neuroscience at Lancaster University said' and 'Tom Lee, a
    lawyer for the family said' (no comma after the description): the person named before
    it, not the place they work or their trade alone."""
    k = first - 1
    if k >= 0 and toks[k].text.lower() in {"a", "an", "the"}:
        k -= 1
    if k >= 0 and toks[k].text in _MEMBER_OF | {"from", "for"}:
        k -= 1
        while k >= 0 and k >= first - 8 and toks[k].text.islower():
            k -= 1
    if k < 1 or toks[k].text != ",":
        return None
    person = actor_before(text, toks[k].start, start)
    if person is None:
        return None
    words = text[person[0] : person[1]].split()
    return person if len(words) >= 2 and all(_is_name(w) for w in words[-2:]) else None


_MEDIUM_PREPOSITIONS = wordset("in on via through")


def _medium(toks: list[Token], first: int, last: int) -> tuple[int, int] | None:
    """(preposition, document) token indexes of a document the words came in ("in a
    subsequent post") inside or right before the phrase ``toks[first:last + 1]``."""
    for doc in range(last, first - 1, -1):
        if toks[doc].text.lower() not in DOCUMENTS:
            continue
        k = doc - 1
        while k >= max(0, doc - 4) and (
            toks[k].text.lower() in _DETERMINERS or toks[k].text.islower()
        ):
            if toks[k].text.lower() in _MEDIUM_PREPOSITIONS:
                return k, doc
            k -= 1
        if k >= 0 and toks[k].text.lower() in _MEDIUM_PREPOSITIONS:
            return k, doc  # "In a statement", at the start of a sentence
    return None


def _role_noun(word: str) -> bool:
    return re.sub(r"['’]s$", "", word.lower()) in ROLE_NOUNS


_DETERMINERS = wordset("the a an its their his her our")


def _compound_modifiers(toks: list[Token], first: int) -> int:
    """Extend 'company' to 'power company' (or "bakers' union") when a determiner shows where
    the phrase starts, and 'chair' to "Traders' association chair" when a name does."""
    if not _role_noun(toks[first].text):
        return first
    for width in (1, 2):
        det = first - width - 1
        if det < 0:
            return first
        middle = toks[det + 1 : first]
        if not all(re.fullmatch(r"[a-z]+(?:['’]s|s['’])?", t.text) for t in middle):
            return first
        if any(t.text in _NOT_ACTORS or t.text in REPORTING_VERBS for t in middle):
            return first
        if toks[det].text.lower() in _DETERMINERS:
            return det + 1
        if _is_name(toks[det].text) and toks[det].text.lower() not in _NOT_ACTORS:
            while det > 0 and _is_name(toks[det - 1].text):
                det -= 1
            return det
    return first


def _modifies_role_noun(toks: list[Token], j: int) -> bool:
    """'transport' in 'the transport agency': a plain word right before a role noun."""
    for k in (j, j + 1):
        if k >= len(toks):
            return False
        word = toks[k].text
        if not (word.isalpha() and word.islower()) or word in _NOT_ACTORS:
            return False
        if word in REPORTING_VERBS or word in SKIPPABLE:
            return False
        if k + 1 < len(toks) and toks[k + 1].text.lower() in ROLE_NOUNS:
            return True
    return False


def actor_after(text: str, start: int) -> tuple[int, int] | None:
    """The speaker right after an inverted verb: '..., said Olga Oliker, an expert'."""
    # A speaker never crosses a line and is never this long: tokenizing the rest of the article
    # at every verb was the stage's main cost.
    line_end = text.find("\n", start)
    stop = min(len(text) if line_end < 0 else line_end, start + _ACTOR_WINDOW)
    toks = tokens(text[start:stop], start)
    j = 0
    while j < len(toks) and toks[j].text.lower() in {"a", "an", "the"}:
        j += 1
    first = j
    last = None
    while j < len(toks):
        tok = toks[j].text
        low = tok.lower()
        if _is_name(tok) or low in ROLE_NOUNS or low in ROLE_MODIFIERS:
            last = j
        elif not (low in CONNECTORS and last is not None) and not _modifies_role_noun(toks, j):
            break
        j += 1
    if last is None or first >= len(toks):
        return None
    if (
        last + 2 < len(toks)
        and toks[last + 1].text == "of"
        and _role_noun(toks[last].text)
        and re.fullmatch(r"[a-z]{3,}", toks[last + 2].text)
        and (last + 3 == len(toks) or toks[last + 3].text in ",.;:")
    ):
        last += 2  # "said the regional chamber of commerce."
    elif not (_is_name(toks[last].text) or _role_noun(toks[last].text)):
        return None  # "said the regional": a modifier is not a speaker
    return toks[first].start, toks[last].end


DOCUMENTS = wordset(
    """obituary report statement letter sign message post note notice release memo email
    filing complaint lawsuit indictment affidavit document documents ruling verdict citation"""
)
