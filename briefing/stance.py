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


DENY_VERBS = wordset(
    """deny denies denied denying dispute disputes disputed disputing reject rejects rejected
    rejecting dismiss dismisses dismissed dismissing refute refutes refuted refuting rebut
    rebuts rebutted contest contests contested debunk debunks debunked debunking disavow
    disavowed repudiate repudiated"""
)

_DENIAL_CUES = re.compile(
    r"\b(?:not true|untrue|false(?:ly|hood)?|fake|propaganda|misleading|baseless|groundless|"
    r"unfounded|nonsense|fabricat\w*|lies|lying|hoax|disinformation|misinformation|"
    r"do(?:es)? not correspond to reality|not correspond to reality|"
    r"no (?:agreement|deal|decision|accord|treaty|contract|order) (?:has|had|was|have) been|"
    r"never happened|did not happen|has not happened|no truth|without foundation|"
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
