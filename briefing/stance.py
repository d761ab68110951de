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
_CLAIM_OBJECT = re.compile(
    r"^(?:\W*[\w’'-]+\W+){0,3}?(?:claims?|reports?|allegations?|assertions?|accusations?|"
    r"statements?|suggestions?|idea|notion|charges?|rumou?rs?|account|figures?|version|"
    r"findings?|conclusions?|characteri[sz]ation|assessment|narrative|this|that|it)\b|^that\b",
    re.IGNORECASE,
)

_DENIAL_CUES = re.compile(
    r"\b(?:not true|untrue|false(?:ly|hood)?|fake|propaganda|misleading|baseless|groundless|"
    r"unfounded|nonsense|fabricat\w*|lies|lying|hoax|disinformation|misinformation|"
    r"do(?:es)? not correspond to reality|not correspond to reality|"
    r"no (?:agreement|deal|decision|accord|treaty|contract|order) (?:has|had|was|have) been|"
    r"never happened|did not happen|has not happened|no truth|without foundation|"
    r"(?:was|were|has|have|had) never (?:been )?(?:said|discussed|made|signed|agreed|"
    r"planned|proposed|offered|sent|deployed|happened|existed|took place)|"
    r"never took place|no plans? to|"
    r"no evidence|not the case|categorically|absurd|ridiculous)\b",
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
    if lowered in STRONG_DENY_VERBS or has_denial_cue(content):
        return True
    return lowered in WEAK_DENY_VERBS and bool(_CLAIM_OBJECT.match(content))


def has_denial_cue(text: str) -> bool:
    """True when ``text`` carries wording that rejects a claim ("propaganda", "not true"...)."""
    return bool(_DENIAL_CUES.search(text))


def headline_stance(headline: str) -> HeadlineStance:
    """How a headline relates to the claim it reports: refutes it ("against"), reports it as
    someone's unverified claim ("observing"), or states it as fact ("for")."""
    if _REFUTING_HEADLINE.search(headline) or any(
        w.lower() in DENY_VERBS for w in re.findall(r"\w+", headline)
    ):
        return "against"
    if _HEDGES.search(headline):
        return "observing"
    return "for"
