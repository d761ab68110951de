"""Learned stance: two small models shipped as JSON in briefing/models_data/ and
trained by scripts/train_stance.py.

- :func:`learned_headline_stance`: a headline's stance towards the claim it reports (for /
  against / observing), from word n-grams and the hand-written rules of
  :mod:`briefing.claims.stance`; trained on the Emergent rows outside its official test split.
- :func:`disagreement`: the probability that a text (an article body or a single sentence)
  denies or contradicts a claim, from denial cues near content shared with the claim, by
  gradient-boosted trees trained on FNC-1 train; :func:`disagrees` applies the cut chosen on
  held-out training claims.

The feature functions here are the ones the training script uses, so a model and its features
cannot drift apart; changing a feature or a lexicon it reads means retraining.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from itertools import pairwise
from typing import cast

from ..terms import content_terms
from ..text import split_sentences, words
from .stance import (
    DENY_VERBS,
    HeadlineStance,
    has_denial_cue,
    headline_hedges,
    headline_refutes,
    outlet_denies,
    rule_headline_stance,
    wordset,
)

HEADLINE_MODEL = "headline_stance.json"
DISAGREE_MODEL = "disagreement.json"

Features = dict[str, float]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
REFUTE_WORDS = wordset(
    """hoax hoaxes fake faked fakes false falsely untrue bogus debunk debunks debunked debunking
    fabricated fabrication fabrications myth myths satire satirical prank pranks phony fraud
    fraudulent nonsense baseless unfounded groundless retract retracts retracted retraction
    doubt doubts doubtful dubious misleading rumour rumours rumor rumors scam spoof parody
    photoshopped doctored denial denials"""
)
NEGATIONS = wordset("not no never nothing nobody none neither nor n't cannot without")
_HEDGE_WORDS = wordset(
    """reportedly allegedly alleged claims claimed claim reports reported report rumoured
    rumored may might could possibly apparently purportedly supposedly unconfirmed unverified
    speculation believed suspected"""
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("’", "'"))


# -- headline stance (Emergent) -------------------------------------------------------------


def headline_features(headline: str) -> Features:
    """Word unigrams and bigrams of the headline, its first word, a question mark, and what
    the hand-written rules of :mod:`briefing.claims.stance` say about it."""
    tokens = _tokens(headline)
    features: Features = {f"w:{t}": 1.0 for t in tokens}
    features.update({f"b:{a} {b}": 1.0 for a, b in pairwise(tokens)})
    if tokens:
        features[f"first:{tokens[0]}"] = 1.0
    features[f"rule:{rule_headline_stance(headline)}"] = 1.0
    cues = {
        "refutes": headline_refutes(headline),
        "hedges": headline_hedges(headline),
        "deny_verb": any(t in DENY_VERBS for t in tokens),
        "denial_cue": has_denial_cue(headline),
        "outlet_denies": outlet_denies(headline),
        "question": "?" in headline,
        "colon": ":" in headline,
        "quoted": bool(re.search(r"[\"“”‘]|'\w", headline)),
    }
    features.update({f"cue:{k}": 1.0 for k, v in cues.items() if v})
    return features


# -- disagreement (FNC-1) ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Sentence:
    terms: frozenset[str]
    deny_verb: bool
    denial_cue: bool
    refute: bool
    negation: bool
    hedge: bool

    @property
    def denies(self) -> bool:
        return self.deny_verb or self.denial_cue or self.refute


@lru_cache(maxsize=2048)
def _sentences(text: str) -> tuple[_Sentence, ...]:
    out = []
    for span in split_sentences(text) or ():
        lowered = [w.lower().replace("’", "'") for w in words(span.text)]
        tokens = set(lowered) | {"n't" for w in lowered if w.endswith("n't")}
        out.append(
            _Sentence(
                terms=frozenset(content_terms(span.text)),
                deny_verb=bool(tokens & DENY_VERBS),
                denial_cue=has_denial_cue(span.text) or outlet_denies(span.text),
                refute=bool(tokens & REFUTE_WORDS),
                negation=bool(tokens & NEGATIONS),
                hedge=bool(tokens & _HEDGE_WORDS),
            )
        )
    return tuple(out)


@lru_cache(maxsize=2048)
def _lexicon_words(text: str) -> frozenset[str]:
    return frozenset(_tokens(text)) & (REFUTE_WORDS | DENY_VERBS | _HEDGE_WORDS)


@lru_cache(maxsize=4096)
def _claim_view(claim: str) -> tuple[frozenset[str], Features]:
    terms = frozenset(content_terms(claim))
    tokens = set(_tokens(claim))
    features: Features = {
        f"claim_rule:{rule_headline_stance(claim)}": 1.0,
        "claim_refutes": float(bool(tokens & REFUTE_WORDS) or headline_refutes(claim)),
        "claim_negation": float(bool(tokens & NEGATIONS)),
        "claim_question": float("?" in claim),
        "claim_terms": math.log1p(len(terms)),
    }
    features.update(
        {f"claim_word:{w}": 1.0 for w in tokens & (REFUTE_WORDS | DENY_VERBS | _HEDGE_WORDS)}
    )
    return terms, features


def _best(overlaps: list[float], flags: list[bool]) -> float:
    return max((o for o, f in zip(overlaps, flags, strict=True) if f), default=0.0)


def disagreement_features(claim: str, text: str) -> Features:
    """How much of the claim the text covers, and whether the sentences that cover it carry
    denial verbs, verdicts ("is false"), refuting words ("hoax") or negation; what the claim
    itself says (a claim that is itself a refutation meets a text that asserts)."""
    claim_terms, features = _claim_view(claim)
    features = dict(features)
    sentences = _sentences(text)
    if not claim_terms or not sentences:
        features["empty"] = 1.0
        return features
    size = len(claim_terms)
    overlaps = [len(claim_terms & s.terms) / size for s in sentences]
    text_terms = frozenset().union(*(s.terms for s in sentences))
    shared = len(claim_terms & text_terms)
    cover = shared / size
    # a denial often points back at the sentence before it ("The report is false.")
    window = [max(o, overlaps[i - 1] if i else 0.0) for i, o in enumerate(overlaps)]
    n = len(sentences)
    denies = [s.denies for s in sentences]
    features.update(
        {
            "cover": cover,
            "cosine": shared / math.sqrt(size * len(text_terms)) if text_terms else 0.0,
            "shared_log": math.log1p(shared),
            "max_overlap": max(overlaps),
            "single": float(n == 1),
            "sentences_log": math.log1p(n),
            "deny_verb_overlap": _best(overlaps, [s.deny_verb for s in sentences]),
            "denial_cue_overlap": _best(overlaps, [s.denial_cue for s in sentences]),
            "refute_overlap": _best(overlaps, [s.refute for s in sentences]),
            "negation_overlap": _best(overlaps, [s.negation for s in sentences]),
            "hedge_overlap": _best(overlaps, [s.hedge for s in sentences]),
            "denies_window_overlap": _best(window, denies),
            "deny_verb_share": sum(s.deny_verb for s in sentences) / n,
            "denial_cue_share": sum(s.denial_cue for s in sentences) / n,
            "refute_share": sum(s.refute for s in sentences) / n,
            "negation_share": sum(s.negation for s in sentences) / n,
            "hedge_share": sum(s.hedge for s in sentences) / n,
            "denies_any": float(any(denies)),
        }
    )
    lead = sentences[:3]
    features["lead_refute"] = float(any(s.refute or s.denial_cue for s in lead))
    features["lead_deny_verb"] = float(any(s.deny_verb for s in lead))
    for word in sorted(_lexicon_words(text)):
        features[f"text_word:{word}"] = 1.0
    asserts = features.get("claim_rule:for", 0.0)
    for name in ("refute_share", "denial_cue_share", "negation_share", "denies_window_overlap",
                 "lead_refute"):
        features[f"x:claim_asserts*{name}"] = asserts * features[name]
    refutes = features["claim_refutes"]
    features.update(
        {
            "x:cover*denies_any": cover * features["denies_any"],
            "x:cover*denial_cue_share": cover * features["denial_cue_share"],
            "x:cover*refute_share": cover * features["refute_share"],
            "x:claim_refutes*cover": refutes * cover,
            "x:claim_refutes*no_denial": refutes * cover * (1.0 - features["denies_any"]),
            "x:claim_hedges*cover": features.get("claim_rule:observing", 0.0) * cover,
        }
    )
    return features


# -- the shipped models -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearModel:
    """A logistic model over named features: one weight row per class (binary models have
    one row, the positive class)."""

    classes: tuple[str, ...]
    weights: Mapping[str, tuple[float, ...]]
    intercept: tuple[float, ...]
    threshold: float
    meta: Mapping[str, object]

    def probabilities(self, features: Features) -> tuple[float, ...]:
        scores = list(self.intercept)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None and value:
                for k, w in enumerate(row):
                    scores[k] += w * value
        if len(scores) == 1:
            p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, scores[0]))))
            return (1.0 - p, p)
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return tuple(e / total for e in exp)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> LinearModel:
        weights = cast(Mapping[str, list[float]], data["weights"])
        return cls(
            classes=tuple(cast(list[str], data["classes"])),
            weights={k: tuple(v) for k, v in weights.items()},
            intercept=tuple(cast(list[float], data["intercept"])),
            threshold=float(cast(float, data.get("threshold", 0.5))),
            meta=cast(Mapping[str, object], data.get("meta", {})),
        )


@dataclass(frozen=True)
class _Tree:
    feature: tuple[int, ...]  # -1 at a leaf
    threshold: tuple[float, ...]
    left: tuple[int, ...]
    right: tuple[int, ...]
    value: tuple[float, ...]


@dataclass(frozen=True)
class TreeModel:
    """Binary gradient-boosted trees (scikit-learn's HistGradientBoostingClassifier, written
    out node by node): a feature at or below a node's threshold goes left; a feature the
    text does not have counts as 0."""

    classes: tuple[str, ...]
    features: tuple[str, ...]
    baseline: float
    trees: tuple[_Tree, ...]
    threshold: float
    sentence_threshold: float
    meta: Mapping[str, object]

    def probabilities(self, features: Features) -> tuple[float, ...]:
        x = [features.get(name, 0.0) for name in self.features]
        raw = self.baseline
        for tree in self.trees:
            node = 0
            while tree.feature[node] >= 0:
                goes_left = x[tree.feature[node]] <= tree.threshold[node]
                node = tree.left[node] if goes_left else tree.right[node]
            raw += tree.value[node]
        p = 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, raw))))
        return (1.0 - p, p)

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TreeModel:
        trees = cast(list[dict[str, list[float]]], data["trees"])
        return cls(
            classes=tuple(cast(list[str], data["classes"])),
            features=tuple(cast(list[str], data["features"])),
            baseline=float(cast(float, data["baseline"])),
            trees=tuple(
                _Tree(
                    feature=tuple(int(v) for v in t["feature"]),
                    threshold=tuple(t["threshold"]),
                    left=tuple(int(v) for v in t["left"]),
                    right=tuple(int(v) for v in t["right"]),
                    value=tuple(t["value"]),
                )
                for t in trees
            ),
            threshold=float(cast(float, data["threshold"])),
            sentence_threshold=float(
                cast(float, data.get("sentence_threshold", data["threshold"]))
            ),
            meta=cast(Mapping[str, object], data.get("meta", {})),
        )


Model = LinearModel | TreeModel


def model_text(name: str) -> str:
    """The JSON of a model file shipped in briefing/models_data."""
    return files("briefing").joinpath("models_data", name).read_text(encoding="utf-8")


@cache
def load_model(name: str) -> Model:
    """A model shipped in briefing/models_data, read once."""
    data = json.loads(model_text(name))
    if data.get("kind") == "trees":
        return TreeModel.from_json(data)
    return LinearModel.from_json(data)


def learned_headline_stance(headline: str) -> HeadlineStance:
    model = load_model(HEADLINE_MODEL)
    probabilities = model.probabilities(headline_features(headline))
    best = max(range(len(probabilities)), key=probabilities.__getitem__)
    return cast(HeadlineStance, model.classes[best])


def _disagreement_model() -> TreeModel:
    model = load_model(DISAGREE_MODEL)
    assert isinstance(model, TreeModel)
    return model


def disagreement(claim: str, text: str) -> float:
    """Probability that ``text`` (an article, a paragraph or one sentence) denies or
    contradicts ``claim``; see :func:`disagrees` for the decision."""
    return _disagreement_model().probabilities(disagreement_features(claim, text))[1]


def disagreement_threshold(single_sentence: bool = False) -> float:
    """The cut above which :func:`disagreement` reads as "disagrees", chosen on held-out
    training claims: one for a whole text, one for a single sentence."""
    model = _disagreement_model()
    return model.sentence_threshold if single_sentence else model.threshold


def disagrees(claim: str, text: str) -> bool:
    """Does ``text`` deny or contradict ``claim``? The threshold follows what ``text`` is: a
    single sentence or a longer text."""
    single = len(_sentences(text)) <= 1
    return disagreement(claim, text) >= disagreement_threshold(single)
