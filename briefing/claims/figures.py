"""Numbers with what they count, normalised to intervals and grouped by the quantity measured.

"at least 10,000 soldiers" -> [10000, inf); "around 11,000 troops" -> [9900, 12100];
approximate qualifiers (about, around, some, roughly, approximately, an estimated, close to)
stand for the value plus or minus 10% and "nearly" / "almost" for up to 10% below it, so
"about 4,000" and "some 6,500" cannot both be true;
"between 10,000 and 14,000" -> [10000, 14000]. Values of one quantity disagree only when two of
them, from different origins, cannot both be true (their intervals do not overlap). A value's
role (the figure now, an earlier / replaced figure, a target or forecast, "other" subsets) is
part of the quantity, so "raised to 4.5% from 4.25%" or "aims for 500, built 320" never raise
an alarm.

Two values count the same thing only when the unit (soldiers = troops), the country, the action
(sent vs killed) and the words around them agree, and they are within a factor of five of each
other: news numbers that far apart measure different things. Dates, years, ages, times and
list labels are not figures. A sum of money counts only when the words say what it is: a noun
after it ("$172,100 salary", "$5 million in salary"), before it ("a payoff of $20 million") or
a verb just before it ("earned", "fined", "paid"); salary, wages and pay are one measure.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..models import Article, FigureMove, FigureSet, FigureValue
from ..terms import content_terms
from ..text import split_sentences
from .parties import country_mentions, country_of
from .stance import wordset


def _in_order(words: str) -> list[str]:
    return words.split()


_UNITS = _in_order("two three four five six seven eight nine")
_TEENS = _in_order(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _in_order("twenty thirty forty fifty sixty seventy eighty ninety")
_NUMBER_WORDS = {w: float(k + 2) for k, w in enumerate(_UNITS)}
_NUMBER_WORDS |= {w: float(k + 10) for k, w in enumerate(_TEENS)}
_NUMBER_WORDS |= {w: float(10 * (k + 2)) for k, w in enumerate(_TENS)}
_WORD_NUM = (
    rf"(?:{'|'.join(_TENS)})(?:-(?:one|{'|'.join(_UNITS)}))?|{'|'.join(_TEENS + _UNITS)}"
)
_NUM = rf"\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|\b(?:{_WORD_NUM})\b"
_SCALE = r"(?:\s*(?:thousand|million|billion|trillion|bn|m|k)\b)?"
_QUALIFIER = (
    r"at least|no fewer than|no less than|more than|over|upwards of|in excess of|above|"
    r"exceeding|nearly|almost|around|about|approximately|roughly|some|an estimated|estimated|"
    r"close to|up to|as many as|as much as|at most|no more than|fewer than|less than|under|"
    r"below|just over|"
    r"just under|well over"
)
_CURRENCY = r"[$£€¥]|US\$"
_FIGURE = re.compile(
    rf"(?:(?P<qual>{_QUALIFIER})\s+)?"
    rf"(?:(?P<range>between)\s+)?"
    rf"(?P<cur>{_CURRENCY})?(?P<num>{_NUM})(?P<scale>{_SCALE})"
    rf"(?:\s*(?:-|–|to|and)\s*(?P<cur2>{_CURRENCY})?(?P<num2>{_NUM})(?P<scale2>{_SCALE}))?"
    r"(?P<pct>\s*(?:%|percent\b|per cent\b|percentage points?\b))?",
    re.IGNORECASE,
)
_SCALES = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9, "bn": 1e9,
           "trillion": 1e12}
_MONTHS = wordset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
)
_STOP_NP = wordset(
    """to in of on at by for from with and or but had has have was were is are be been will
    would could should may might as than that which who while since after before into over
    under during against per each a an the this these those its their his her it they so
    far now already yet still again last next ago more less also only just about around
    worldwide nationwide overall altogether apiece each when where if"""
)
_VERB_WORDS = wordset(
    """lost left fled died went made took got came saw held fell rose grew ran began became
    kept met paid put said sent set told won lay led hit cost remain remained stood"""
)
_MEASURE_WORDS = wordset("square cubic metric")
_UNIT_CLASSES = {
    "troop": "troops", "soldier": "troops", "serviceman": "troops", "servicemen": "troops",
    "fighter": "troops", "personnel": "troops", "force": "troops", "service member": "troops",
    "people": "people", "person": "people", "persons": "people", "resident": "people",
    "civilian": "civilians",
    "kilometer": "km", "kilometre": "km", "km": "km", "square kilometer": "km²",
    "square kilometre": "km²", "sq km": "km²", "km2": "km²", "mile": "miles",
    "square mile": "sq mi", "death": "deaths", "casualty": "casualties",
    "ship": "vessels", "vessel": "vessels", "boat": "vessels", "container ship": "vessels",
    "cargo ship": "vessels", "tanker": "vessels",
    "ton": "tonnes", "tonne": "tonnes", "metric ton": "tonnes", "metric tonne": "tonnes",
    "kilogram": "kg", "kilo": "kg", "kg": "kg", "pound": "lb", "lb": "lb", "lbs": "lb",
    "worshipper": "worshippers", "parishioner": "worshippers", "congregant": "worshippers",
}
# Percentages of one measure named in different words: "pay rise" / "wage increase".
_MEASURE_SYNONYMS = {
    "wage": "pay", "wages": "pay", "salary": "pay", "salaries": "pay", "earnings": "pay",
    "pay": "pay", "prices": "price", "inflation": "inflation",
}
_HOMES = re.compile(
    r"^\s*(?:people\s+|residents\s+)?(?:from|out of)\s+(?:their|his|her)\s+homes?\b", re.I
)
_PREDICATES = {
    "casualties": "killed killing kill kills dead died die wounded wounding injured injuring "
    "hurt losses casualties",
    "deployed": "sent send sends sending deployed deploy deploys deploying dispatched "
    "dispatch fought fighting stationed transferred operating fight",
    "detained": "arrested detained held captured jailed",
    "displaced": "evacuated evacuate evacuating displaced fled forced driven homeless",
}
_PREDICATE_OF = {w: cls for cls, ws in _PREDICATES.items() for w in ws.split()}
_PERCENT_MEASURES = wordset(
    """rate rates inflation growth unemployment turnout share stake tariff tariffs tax taxes
    interest yield yields gdp economy sales profit profits revenue revenues price prices
    support approval vote votes margin discount stock shares wages pay wage salary salaries
    earnings"""
)
_OLD = re.compile(
    r"\b(?:from|previous|earlier|old|former|down from|up from|compared (?:with|to)|"
    r"initially|originally|prior)\s*$",
    re.IGNORECASE,
)
_OLD_CONTEXT = re.compile(
    r"\b(?:earlier (?:claims?|estimates?|figures?|reports?)|previous (?:\w+ )?(?:of|at)|"
    r"down from|up from|compared (?:with|to)|decrease from|increase from|drop from|"
    r"rise from|initially|originally)\b",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\b(?:target(?:s|ed|ing)?|goal|aims?|aimed|aiming|plans?|planned|expects?|expected|"
    r"forecasts?|forecast|projects?|projected|pledged?|promised?|seeks?|hopes?|intends?|"
    r"wants?|would|will)\b",
    re.IGNORECASE,
)
_APPROX = 0.1


@dataclass(frozen=True)
class Figure:
    """One number found in an article, before grouping."""

    value: FigureValue
    unit_class: str
    entity: str
    predicate: str
    role: str
    label: str
    origin: str
    context: frozenset[str] = frozenset()


def _number(num: str, scale: str | None) -> float:
    lowered = num.lower()
    if lowered[:1].isalpha():
        tens, _, unit = lowered.partition("-")
        value = _NUMBER_WORDS[tens] + (_NUMBER_WORDS.get(unit, 1.0) if unit else 0.0)
        return value * _SCALES.get((scale or "").strip().lower(), 1.0)
    value = float(num.replace(",", ""))
    key = (scale or "").strip().lower()
    return value * _SCALES.get(key, 1.0)


def _interval(qualifier: str, low: float, high: float) -> tuple[float, float, str]:
    q = qualifier.lower()
    if low != high:
        return low, high, "between"
    if q in {"at least", "no fewer than", "no less than"}:
        return low, math.inf, "at least"
    if q in {"more than", "over", "upwards of", "in excess of", "above", "exceeding",
             "just over", "well over"}:
        return low, math.inf, "more than"
    if q in {"nearly", "almost", "just under"}:
        return round(low * (1 - _APPROX), 6), low, "nearly"
    if q in {"up to", "as many as", "as much as", "at most", "no more than"}:
        return 0.0, low, "up to"
    if q in {"fewer than", "less than", "under", "below"}:
        return 0.0, low, "less than"
    if q:
        return round(low * (1 - _APPROX), 6), round(low * (1 + _APPROX), 6), "approximately"
    return low, low, "exact"


def _singular(word: str) -> str:
    w = word.lower()
    if w in _UNIT_CLASSES:
        return w
    for suffix, repl in (("ies", "y"), ("men", "man"), ("s", "")):
        if w.endswith(suffix) and len(w) > 3:
            return w[: -len(suffix)] + repl
    return w


def _noun_phrase(text: str, pos: int, limit: int) -> tuple[str, int]:
    """The words after a number that say what it counts: 'North Korean soldiers'."""
    words: list[str] = []
    end = pos
    for m in re.finditer(r"[A-Za-z][\w’'-]*", text[pos:limit]):
        gap = text[end : pos + m.start()]
        if gap.strip() not in {"", "-"} or len(words) >= 4:
            break
        word = m.group(0)
        low = word.lower()
        if low in _STOP_NP or low in _MONTHS or low in _VERB_WORDS:
            break
        if low in _PREDICATE_OF and low not in {"dead", "losses", "casualties"}:
            break
        if low.endswith("ed") and len(words) > 0:
            break
        words.append(word)
        end = pos + m.end()
    return " ".join(words), end


def _unit_class(np: str) -> tuple[str, str]:
    """(unit class, head) for a noun phrase; the head is the last word."""
    words = np.split()
    if not words:
        return "", ""
    head = _singular(words[-1])
    two = " ".join(_singular(w) for w in words[-2:]).lower()
    if len(words) >= 2 and (words[-2].lower() in _MEASURE_WORDS or two in _UNIT_CLASSES):
        return _UNIT_CLASSES.get(two, two), two
    return _UNIT_CLASSES.get(head, head), head


def _predicate(before: str, after: str) -> str:
    near_before = re.findall(r"[a-z]+", before.lower())[-5:]
    near_after = re.findall(r"[a-z]+", after.lower())[:5]
    for word in reversed(near_before):
        if word in _PREDICATE_OF:
            return _PREDICATE_OF[word]
    for word in near_after:
        if word in _PREDICATE_OF:
            return _PREDICATE_OF[word]
    return ""


_TARGET_AFTER = re.compile(
    r"^\W*(?:\w+\W+)?(?:target|goal|aim|ceiling|cap|limit|forecast|projection|estimate for)\b",
    re.IGNORECASE,
)


def _role(before: str, after: str) -> str:
    """'reported' for the figure as it stands, 'earlier' for a figure it replaced, 'target' for
    a goal, plan or forecast."""
    if _OLD.search(before) or _OLD_CONTEXT.search(before[-30:]):
        return "earlier"
    if _TARGET.search(before[-50:]) or _TARGET_AFTER.match(after):
        return "target"
    return "reported"


def _is_date_or_label(text: str, start: int, end: int, num: str) -> bool:
    before = text[max(0, start - 12) : start].lower()
    after = text[end : end + 3]
    prev_word = re.findall(r"[a-z.]+", before)[-1:] or [""]
    if prev_word[0].rstrip(".") in _MONTHS:
        return True
    if re.fullmatch(r"(?:1[89]|20)\d\d", num) and not after.startswith("%"):
        return True
    if re.match(r"\s*(?:st|nd|rd|th)\b", after) or re.match(r"[.:]\d", after):
        return True
    if start > 1 and text[start - 1] == "," and text[start - 2].isdigit():
        return True  # "1,3-galactose": a chemical name, not a count
    return bool(start > 0 and (text[start - 1].isalnum() or text[start - 1] in "-/"))


_NOT_A_QUANTITY = re.compile(
    r"^\s*(?:-?year-old|years? old|a\.?m\.?\b|p\.?m\.?\b|gmt|bst|utc|cet|[ecmp][sd]t\b|s\b|"
    r"o['’]clock)",
    re.IGNORECASE,
)
_KNOWN_SHORT_UNITS = frozenset({"km", "km²", "kg", "mph", "kph", "mw", "gw", "mm", "cm"})
_CONTEXT_WORDS = 12
MIN_SHARED_CONTEXT = 2
MIN_CONTEXT_TO_DISAGREE = 3
MAGNITUDE_RATIO = 5.0


def _context(text: str, start: int, end: int, s_start: int, s_end: int) -> frozenset[str]:
    """What surrounds a figure in its sentence: content stems a few words either side, and the
    countries named there (so "North Korean" and "North Korea" meet)."""
    left_text, right_text = text[s_start:start], text[end:s_end]
    left = content_terms(left_text)[-_CONTEXT_WORDS:]
    right = content_terms(right_text)[:_CONTEXT_WORDS]
    places = country_mentions(f"{left_text[-150:]} {text[start:end]} {right_text[:150]}")
    return frozenset(left + right + [f"country:{c}" for c in places])


def _measured_noun(before: str) -> str:
    """For '$20 million' with nothing after it: 'a payoff of' -> 'payoff'."""
    m = re.search(r"([a-z]{3,})\s+(?:of|worth|at|totall?ing)\s+(?:about\s+|around\s+)?$", before)
    return m.group(1) if m else ""


_MONEY_VERBS = {
    verb: measure
    for measure, verbs in {
        "earned": "earned earn earns earning made make makes making",
        "payment": "paid pay pays paying",
        "fine": "fined",
        "spending": "spent spend spends spending",
        "cost": "cost costs costing",
        "value": "worth valued",
        "raised": "raised raise raises raising",
        "taken": "took take takes taking stole steal steals stealing stolen embezzled",
        "donation": "donated donate donates gave give gives giving",
        "debt": "owes owe owed owing",
    }.items()
    for verb in verbs.split()
}
# "$5 million in salary", "$60,000 in cash": the noun after "in" says what the sum is, unless
# it only says what form the money took
_MONEY_IN = re.compile(r"\s+in\s+([a-z]{3,})\b(?:\s+([a-z]{3,})\b)?")
_MONEY_FORMS = wordset("cash cheques checks bills coins dollars pounds euros")
_MONEY_MODIFIERS = wordset(
    "federal state local city annual yearly total back unpaid additional new extra public"
)


def _money_measure(before: str, after: str) -> str:
    """What a sum with no noun after it is: '$5 million in salary' -> pay, 'earned another
    $4.9 million' -> earnings, 'fined $5,000' -> fine; '' when the words do not say."""
    named = _MONEY_IN.match(after)
    if named is not None:
        first, second = named.group(1), named.group(2) or ""
        noun = second if first in _MONEY_MODIFIERS and second else first  # "in federal taxes"
        if noun not in _MONEY_FORMS | _STOP_NP | _MONTHS:
            return _MEASURE_SYNONYMS.get(noun, noun)
    near = re.findall(r"[a-z]+", before.lower())[-3:]
    for word in reversed(near):
        if word in _MONEY_VERBS:
            return _MONEY_VERBS[word]
        if word not in {"another", "a", "an", "the", "total", "of", "nearly", "about", "some"}:
            break
    return ""


def _entity(np_text: str, before: str) -> str:
    for word_pair in re.findall(r"[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)?", np_text):
        entity = country_of(word_pair) or country_of(word_pair.split()[0])
        if entity:
            return entity
    named = country_mentions(before[-120:])
    return named[-1] if named else ""


_CUSTODY = re.compile(r"\s*(?:in\s+(?:prison|jail|custody)|behind\s+bars|of\s+imprisonment)\b")


def _figures_in_sentence(
    article: Article, origin: str, s_start: int, s_end: int
) -> list[Figure]:
    text = article.text
    sentence = text[s_start:s_end]
    found = []
    for m in _FIGURE.finditer(sentence):
        start, end = s_start + m.start(), s_start + m.end()
        if _is_date_or_label(text, s_start + m.start("num"), s_start + m.end("num"),
                             m.group("num")):
            continue
        if m.group("num2") and not m.group("range") and "and" in m.group(0).split():
            continue
        if _NOT_A_QUANTITY.match(text[end:s_end]):
            continue
        glued = re.match(r"[A-Za-z]+", text[s_start + m.end("num") :])
        if glued and not (m.group("scale") or m.group("pct")) and (
            glued.group(0).lower() not in _KNOWN_SHORT_UNITS | {"s"}
        ):
            continue  # "49ers quarterback", "3D printers": a name, not a count
        low = _number(m.group("num"), m.group("scale"))
        high = low
        if m.group("num2"):
            high = _number(m.group("num2"), m.group("scale2") or m.group("scale"))
        if high < low:
            continue
        before = text[s_start:start]
        np_text, np_end = ("", end) if m.group("pct") else _noun_phrase(text, end, s_end)
        scale = (m.group("scale") or "").strip().lower()
        if scale in {"m", "k", "bn"} and not m.group("cur"):
            continue
        homes = None if np_text or m.group("pct") else _HOMES.match(text[end:s_end])
        if homes is not None:
            np_text, np_end = "people", end + homes.end()  # "forced 1,500 from their homes"
        if m.group("pct"):
            recent = re.findall(r"[a-z]+", before.lower())[-8:]
            following = re.findall(r"[a-z]+", text[end:s_end].lower())[:2]
            measure = next((w for w in reversed(recent) if w in _PERCENT_MEASURES), "") or next(
                (w for w in following if w in _PERCENT_MEASURES), ""
            )
            measure = _MEASURE_SYNONYMS.get(measure, measure)
            unit = "percentage points" if "point" in m.group("pct") else "%"
            unit_class, label = f"{unit}:{measure}", measure
        elif m.group("cur"):
            named = _unit_class(np_text)[1] or _measured_noun(before.lower())
            measure = _MEASURE_SYNONYMS.get(named, named) or _money_measure(
                before, text[end:s_end]
            )
            unit_class, unit, label = f"{m.group('cur')}:{measure}", m.group("cur"), measure
        else:
            unit_class, measure = _unit_class(np_text)
            unit, label = (np_text.split()[-1].lower() if np_text else measure), np_text
        custody = _CUSTODY.match(text, np_end, s_end)
        if measure and custody and re.match(r"^(?:year|month|week|day)s?$", measure):
            # "sentenced to 13 years in prison": a sentence, not a span of time
            unit_class, unit = f"custody:{measure.rstrip('s')}", measure.rstrip("s") + "s"
            label, measure, np_end = f"{unit} in custody", "custody", custody.end()
        if not measure or re.match(r"^(?:year|month|week|day|hour|minute|second|time)s?$",
                                   measure):
            continue
        if len(measure) < 3 and measure not in _KNOWN_SHORT_UNITS and unit_class[0] not in "%$£€¥U":
            continue
        after = text[np_end:s_end]
        lo, hi, qualifier = _interval(m.group("qual") or "", low, high)
        role = _role(before, after)
        if re.search(r"\b(?:other|more|additional|further|remaining|extra)\b", np_text, re.I):
            role = "others"
        if role == "reported" and re.match(r"\s*(?:to|from)\s", after) and re.search(
            r"\bfrom\s*$", before
        ):
            role = "earlier"
        value = FigureValue(
            value=low,
            unit=unit_class if unit_class in {"km²", "km"} else unit,
            text=text[start:np_end].strip(),
            article_id=article.id,
            low=lo,
            high=hi,
            qualifier=qualifier,
            source=article.source,
            start=start,
            end=np_end,
        )
        found.append(
            Figure(
                value=value,
                unit_class=unit_class,
                entity=_entity(np_text, before),
                predicate=_predicate(before, after),
                role=role,
                label=label,
                origin=origin,
                context=_context(text, start, np_end, s_start, s_end)
                | {f"action:{_predicate(before, after)}"} - {"action:"},
            )
        )
    return found


def extract_figures(article: Article, origin: str) -> list[Figure]:
    """Numbers in ``article`` that say what they count, with exact offsets into its text."""
    found: list[Figure] = []
    for sentence in split_sentences(article.text):
        if re.match(r"^\d+[.)]\s", sentence.text):
            continue
        found += _figures_in_sentence(article, origin, sentence.start, sentence.end)
    return found


def _compatible(a: Figure, b: Figure) -> bool:
    """Could ``a`` and ``b`` measure the same thing? Same unit and role, no conflicting country
    or action, different articles, and enough shared words around them."""
    return (
        a.unit_class == b.unit_class
        and a.role == b.role
        and a.value.article_id != b.value.article_id
        and (not a.entity or not b.entity or a.entity == b.entity)
        and (not a.predicate or not b.predicate or a.predicate == b.predicate)
        and len(a.context & b.context) >= _shared_context_needed(a, b)
        and _same_magnitude(a.value.value, b.value.value)
        and _modifiers_fit(a, b)
        and _modifiers_fit(b, a)
    )


def _shared_context_needed(a: Figure, b: Figure) -> int:
    """Fewer shared words will do for one value given with the same words ("$160 bail")."""
    same = a.label == b.label and a.value.low == b.value.low and a.value.high == b.value.high
    return MIN_SHARED_CONTEXT - 1 if same else MIN_SHARED_CONTEXT


_GENERIC_MODIFIERS = wordset(
    """new old total estimated additional further local young small large big major minor own
    former current existing first last full entire whole"""
)


def _modifiers_fit(a: Figure, b: Figure) -> bool:
    """'three legal clients' is not 'seven clients' unless the other side speaks of legal
    work too: every plain modifier of ``a``'s noun appears around ``b``."""
    words = a.label.split()[:-1]
    if len(words) >= 1 and " ".join(_singular(w) for w in a.label.split()[-2:]) in _UNIT_CLASSES:
        words = words[:-1]  # "container ships" is one noun: vessels
    modifiers = {
        stem
        for w in words
        if w.islower() and w not in _MEASURE_WORDS and w not in _GENERIC_MODIFIERS
        for stem in content_terms(w)
    }
    return modifiers <= b.context | set(content_terms(b.label))


def _same_magnitude(a: float, b: float) -> bool:
    """Outlets reporting one fact differ by less than a factor of five; numbers further apart
    (921 drone cases and 40 near-misses) measure different things."""
    small, large = sorted((abs(a), abs(b)))
    return large <= MAGNITUDE_RATIO * small


def _disagree(group: list[Figure]) -> bool:
    """Two values from different origins that cannot both be true, said of the same thing
    (their surroundings share more words than grouping alone needs)."""
    return any(
        len(a.context & b.context) >= MIN_CONTEXT_TO_DISAGREE for a, b in _conflicts(group)
    )


def _quantity(group: list[Figure]) -> str:
    label = max((f.label for f in group), key=lambda s: (len(s.split()), s))
    entity = next((f.entity for f in group if f.entity), "")
    predicate = next((f.predicate for f in group if f.predicate), "")
    role = group[0].role
    parts = [label]
    if entity and entity.lower() not in label.lower() and not any(
        country_of(w) == entity for w in label.split()
    ):
        parts.insert(0, f"{entity}:")
    if predicate:
        parts.append(f"({predicate})")
    if role != "reported":
        parts.append(f"[{role}]")
    return " ".join(parts)


def _overlap(a: Figure, b: Figure) -> bool:
    return not (a.value.high < b.value.low or b.value.high < a.value.low)


def _conflicts(group: list[Figure]) -> Iterator[tuple[Figure, Figure]]:
    """The pairs of values from different origins that cannot both be true."""
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            if a.origin != b.origin and not _overlap(a, b):
                yield a, b


def _named_together(group: list[Figure], by_article: dict[str, set[float]]) -> bool:
    """Two values of the group that conflict both stand in one article ("the Obamas paid
    $98,169, the Bidens $96,378"): the group mixes two things, not two accounts of one."""
    return any(
        b.value.value in by_article[a.value.article_id]
        or a.value.value in by_article[b.value.article_id]
        for a, b in _conflicts(group)
    )


def group_figures(figures: Iterable[Figure]) -> tuple[FigureSet, ...]:
    """Group figures by quantity (each article at most once per group); keep the groups that
    at least two independent origins report."""
    figures = list(figures)
    by_article: dict[str, set[float]] = {}
    for fig in figures:
        by_article.setdefault(fig.value.article_id, set()).add(fig.value.value)
    groups: list[list[Figure]] = []
    for fig in figures:
        fits = [g for g in groups if all(_compatible(fig, other) for other in g)]
        # a group holding a value this one agrees with first: of two couples' tax bills that
        # two outlets both give, each joins its own
        agreeing = [g for g in fits if any(_overlap(fig, other) for other in g)]
        if fits:
            (agreeing or fits)[0].append(fig)
        else:
            groups.append([fig])
    sets = []
    for group in groups:
        if len({f.origin for f in group}) < 2 or _named_together(group, by_article):
            continue
        disagree = _disagree(group)
        if not disagree and next(_conflicts(group), None) is not None:
            # Values that cannot both be true, said in words too far apart to be sure they
            # measure one thing: neither "differ" nor "agree" can be shown.
            continue
        seen: set[tuple[str, float, float]] = set()
        values = []
        for f in group:
            key = (f.origin, f.value.low, f.value.high)
            if key not in seen:  # one origin's value repeated by its copies is one value
                seen.add(key)
                values.append(f.value)
        sets.append(FigureSet(quantity=_quantity(group), values=tuple(values), disagree=disagree))
    return tuple(sets)


def figures_moved(earlier: Iterable[Figure], today: Iterable[Figure]) -> tuple[FigureMove, ...]:
    """Quantities a later report gives a value that no earlier report of the same quantity
    gave ("12 dead" yesterday, "19 dead" today): each with the earlier and the new values."""
    before = list(earlier)
    groups: list[tuple[list[Figure], list[Figure]]] = []
    for fig in today:
        matches = [e for e in before if _compatible(e, fig)]
        if not matches or any(
            e.value.low <= fig.value.high and fig.value.low <= e.value.high for e in matches
        ):
            continue
        for old, new in groups:
            if all(_compatible(fig, other) for other in new):
                new.append(fig)
                old.extend(m for m in matches if m not in old)
                break
        else:
            groups.append((matches, [fig]))
    return tuple(
        FigureMove(
            quantity=_quantity(old + new),
            before=tuple(f.value for f in old),
            after=tuple(f.value for f in new),
        )
        for old, new in groups
    )
