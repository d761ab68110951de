"""Denial and hedging cues: is a statement a denial, a report of someone else's claim, or an
assertion? Used for claim stances in a story and measured on Emergent / FNC-1 (bench/claims.py).
"""

from __future__ import annotations

import re
from typing import Literal

HeadlineStance = Literal["for", "against", "observing"]


def wordset(words: str) -> frozenset[str]:
    """A lexicon written as one whitespace-separated string."""
    return frozenset(words.split())


STRONG_DENY_VERBS = wordset(
    """deny denies denied denying refute refutes refuted refuting rebut rebuts rebutted debunk
    debunks debunked debunking disavow disavowed repudiate repudiated"""
)
WEAK_DENY_VERBS = wordset(
    """dispute disputes disputed disputing reject rejects rejected rejecting dismiss dismisses
    dismissed dismissing contest contests contested"""
)
DENY_VERBS = STRONG_DENY_VERBS | WEAK_DENY_VERBS
# "Boehner countered that the White House wants gimmicks": a rebuttal contests what it answers
# (kept apart from DENY_VERBS, which the shipped stance models were trained on)
COUNTER_VERBS = wordset(
    "counter counters countered countering retort retorts retorted contradict contradicts "
    "contradicted"
)
_CLAIM_OBJECT = re.compile(
    r"^(?:\W*[\w’'-]+\W+){0,3}?(?:claims?|reports?|allegations?|assertions?|accusations?|"
    r"statements?|suggestions?|idea|notion|rumou?rs?|account|figures?|version|"
    r"findings?|conclusions?|characteri[sz]ation|assessment|narrative|announcements?|this|that|"
    r"it)\b|^that\b",
    re.IGNORECASE,
)

_VERDICT = (
    r"(?:false|fake|untrue|not true|baseless|groundless|unfounded|fabricated|fabrications?|"
    r"misleading|nonsense|propaganda|lies|a lie|a hoax|hoax|incorrect|inaccurate|"
    r"disinformation|misinformation|fiction|a fabrication|not accurate|not correct)"
)
_DENIAL_CUES = re.compile(
    # a verdict on something: "the reports are false", "labelling them as propaganda"
    rf"\b(?:is|are|was|were|be|been|being|remains?)\s+(?:\w+ly\s+|all\s+|just\s+|simply\s+)?"
    rf"{_VERDICT}\b|"
    rf"\b(?:as|called|calling|dubbed)\s+(?:\w+ly\s+|a\s+|an\s+|pure\s+)?{_VERDICT}\b|"
    r"\bdo(?:es)? not correspond to reality|\bnot correspond to reality|"
    r"\bno (?:\w+ ){0,2}?(?:agreement|deal|decision|accord|treaty|contract|order|lease|"
    r"settlement|ceasefire) (?:has|had|was|have) been|"
    r"\b(?:never happened|did not happen|has not happened|never took place|no truth|"
    r"without foundation|not the case)\b|"
    r"\bthere (?:is|was) no (?:evidence|truth|proof) (?:that|to support|for)\b|"
    # a plea or a claim of innocence answers an accusation
    r"\bnot guilty\b|\b(?:is|was|are|were|being|been)\s+(?:\w+ly\s+)?innocent\b|"
    r"\b(?:his|her|their|my|our)\s+innocence\b|"
    rf"\b(?:is|are|was|were)\s+(?:a|an)\s+{_VERDICT}\b|"
    # "We deny these charges", "it's untrue": a speaker's own denial inside a quote
    r"\b(?:I|we)\s+(?:\w+ly\s+)?(?:deny|denied|reject|refute|dispute)\b|"
    rf"\b(?:it|that|this)['’]s\s+(?:\w+ly\s+|just\s+|simply\s+|all\s+)?{_VERDICT}\b|"
    r"\b(?:was|were|has|have|had) never (?:been )?(?:said|discussed|made|signed|agreed|"
    r"planned|proposed|offered|sent|deployed|happened|existed|took place)\b",
    re.IGNORECASE,
)
_REQUEST_OBJECT = re.compile(
    r"^\W*(?:\w+\W+){0,3}?(?:motion|request|bail|application|appeal|permission|access|entry|"
    r"petition|visa|parole|licen[cs]e|asylum|admission|service|treatment|coverage|benefits?|"
    r"bond|requests?|motions?|applications?|appeals?|claims? for|funding)\b",
    re.IGNORECASE,
)
_OUTLET_VERDICT = re.compile(
    r"\b(?:is|was|are|were|turned out to be|has been|have been|proved to be)\s+"
    r"(?:(?:a|an|completely|totally|entirely|just|simply|all|clearly|indeed|in fact)\s+)*"
    r"(?:hoax|fake|untrue|not true|fabricated|a fabrication|satire|satirical|debunked|"
    r"made up|photoshopped|doctored)\b|"
    r"\bthere (?:is|was) no (?:evidence|truth|proof) (?:that|to|of|for)\b|\bno truth to\b",
    re.IGNORECASE,
)
_OUTLET_DENIAL = re.compile(
    r"\b(?:claims?|reports?|rumou?rs?|stor(?:y|ies)|allegations?|assertions?|accounts?|"
    r"statements?|photos?|videos?|footage|images?|pictures?|this|that|it)\b[^.;]{0,80}?\b"
    r"(?:is|are|was|were|has been|have been|turned out to be|proved|proven)\s+(?:\w+ly\s+)?"
    r"(?:false|fake|untrue|not true|a hoax|hoaxes|baseless|unfounded|fabricated|misleading|"
    r"incorrect|inaccurate|debunked|satire|satirical|a fabrication)\b",
    re.IGNORECASE,
)

_REFUTING_HEADLINE = re.compile(
    r"\b(?:hoax|fake|false|debunk\w*|den(?:y|ies|ied)|not true|untrue|rumou?rs? (?:is|are) "
    r"(?:false|untrue)|isn[’']t|aren[’']t|wasn[’']t|didn[’']t|doesn[’']t|don[’']t|won[’']t|"
    r"not|no|never|satire|satirical|myth|refut\w*|dismiss\w*|reject\w*|nonsense|bogus|"
    r"scam|fabricat\w*|busted|phony|prank|spoof|parody)\b",
    re.IGNORECASE,
)

_HEDGES = re.compile(
    r"\b(?:report(?:s|ed|edly)?|claim(?:s|ed)?|alleg\w*|rumou?r\w*|purported\w*|supposed\w*|"
    r"may|might|could|possibl\w*|apparent\w*|believed|suspected|unconfirmed|unverified|"
    r"says?|said|according|sources?|appears?|seem\w*|speculat\w*|if|whether|probe|"
    r"investigat\w*|feared|fears|likely|allegedly)\b|\?",
    re.IGNORECASE,
)


def is_denial(verb: str, content: str) -> bool:
    """Does ``verb`` with ``content`` contest a claim? "denied" always does; "rejected",
    "dismissed", "disputed" only when their object is a claim ("rejected the report", "dismissed
    the claims as propaganda"), not an offer, a worker or an election result."""
    lowered = verb.lower()
    if lowered in DENY_VERBS and _REQUEST_OBJECT.match(content):
        return False
    if lowered in STRONG_DENY_VERBS | COUNTER_VERBS or has_denial_cue(content):
        return True
    return lowered in WEAK_DENY_VERBS and bool(_CLAIM_OBJECT.match(content))


def outlet_denies(sentence: str) -> bool:
    """An outlet rejecting a claim in its own voice: "Reports that ... are false."."""
    return bool(_OUTLET_DENIAL.search(sentence) or _OUTLET_VERDICT.search(sentence))


def has_denial_cue(text: str) -> bool:
    """True when ``text`` carries wording that rejects a claim ("propaganda", "not true"...)."""
    return bool(_DENIAL_CUES.search(text))


def headline_refutes(headline: str) -> bool:
    """The headline carries refuting wording: a denial verb, "hoax", "not true", a negation."""
    return bool(_REFUTING_HEADLINE.search(headline)) or any(
        w.lower() in DENY_VERBS for w in re.findall(r"\w+", headline)
    )


def headline_hedges(headline: str) -> bool:
    """The headline attributes or hedges ("reportedly", "may", "says", a question)."""
    return bool(_HEDGES.search(headline))


def rule_headline_stance(headline: str) -> HeadlineStance:
    """The hand-written rules: refuting wording -> "against", attribution or hedging ->
    "observing", else "for"."""
    if headline_refutes(headline):
        return "against"
    if headline_hedges(headline):
        return "observing"
    return "for"


def headline_stance(headline: str) -> HeadlineStance:
    """How a headline relates to the claim it reports: refutes it ("against"), reports it as
    someone's unverified claim ("observing"), or states it as fact ("for"). Decided by the
    learned model of :mod:`briefing.claims.learned_stance` (word n-grams and the rules above as
    features); :func:`rule_headline_stance` is the rules alone."""
    from .learned_stance import learned_headline_stance

    return learned_headline_stance(headline)
