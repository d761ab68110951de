"""Train the stance models shipped in briefing/models_data (briefing/claims/learned_stance.py).

Usage: .venv/bin/python scripts/train_stance.py [--emergent DIR] [--fnc DIR] [--out DIR]
       [--trees N] [--only-disagreement]

- headline_stance.json: multinomial logistic regression on headline_features, fitted on the
  Emergent rows whose articleId is NOT in the official test split (official-test-correct.csv +
  official-test-errors.csv); n-grams seen in one training headline only are dropped; C is
  chosen by 5-fold cross-validation grouped by claim on those rows. The test split is never
  read for anything but its ids.
- disagreement.json: gradient-boosted trees (disagree vs the rest, classes weighted to
  balance) on disagreement_features plus one stacked feature, the score of a sparse logistic
  model on lexical_features (word n-grams of the headline, of the text's first sentence and
  of its two sentences closest to the headline), fitted on FNC-1 train (train_stances.csv +
  train_bodies.csv). The logistic model learns from the related (not `unrelated`) pairs only,
  on n-grams seen in at least LEXICAL_MIN_COUNT of them, and keeps its LEXICAL_KEEP largest
  weights. Each pair gives two views, the whole body and its one sentence that shares most
  with the headline (a denial sentence first; a disagreeing pair's sentence only when it
  carries a denial cue), so the model also scores single sentences; denial features may only
  raise the score (monotonic constraints).
  Validation: 5 folds that each hold out whole claims (bodies joined by a related headline).
  The stacked feature is cross-fitted so that no score a tree sees was learned from its own
  row: for held-out fold f, the trees learn on the other folds' rows, each scored by a
  logistic model fitted without fold f and without that row's fold, and fold f is scored by
  one fitted without fold f. Thresholds (one for whole texts, one for single sentences) are
  chosen on those out-of-fold scores (see pick_threshold). The shipped trees then learn on all
  of train, each row's stacked feature from the logistic model fitted without its fold, and
  the shipped logistic model is fitted on all of train. The competition test files are never
  read.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import sparse
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.claims.learned_stance import (
    DISAGREE_MODEL,
    HEADLINE_MODEL,
    LEXICAL_FEATURE,
    Features,
    TreeModel,
    _sentences,
    disagreement_features,
    headline_features,
    lexical_features,
    model_features,
)
from briefing.terms import content_terms

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "eval-data"
OUT = ROOT / "briefing" / "models_data"
LABELS = ("for", "against", "observing")
HEADLINE_CS = (0.3, 1.0, 3.0, 10.0)
MIN_COUNT = 2  # an n-gram seen in one training headline only is not kept
TREES = 100
LEAVES = 15
CLASS_WEIGHT = "balanced"
LEXICAL_C = 0.1
LEXICAL_MIN_COUNT = 10  # an n-gram in fewer related training pairs gets no weight
LEXICAL_KEEP = 5000  # the largest weights kept: a small file, and no worse out of fold
# the goal the cut aims at: disagree precision >= 0.5 with F1 >= 0.30
MIN_PRECISION = 0.5
MIN_F1 = 0.30
csv.field_size_limit(1 << 30)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def emergent_rows(folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(training rows, official test rows): the official split is the union of the authors'
    test-correct/-errors files; training rows are all others."""
    test = _read(folder / "official-test-correct.csv") + _read(folder / "official-test-errors.csv")
    test_ids = {row["articleId"] for row in test}
    train = [
        row
        for row in _read(folder / "url-versions-2015-06-14-clean.csv")
        if row["articleId"] not in test_ids
    ]
    return train, test


def _round(values: Sequence[float], digits: int = 6) -> list[float]:
    return [float(f"{v:.{digits}g}") for v in values]


def _export(
    vectorizer: DictVectorizer,
    coef: np.ndarray,
    intercept: np.ndarray,
    classes: Sequence[str],
    threshold: float,
    meta: dict[str, object],
) -> dict[str, object]:
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): _round(coef[:, j], 4) for j, name in enumerate(names) if np.any(coef[:, j])
    }
    return {
        "classes": list(classes),
        "intercept": _round(intercept),
        "threshold": threshold,
        "weights": weights,
        "meta": meta,
    }


def _fit_headline(features: list[Features], labels: list[str], c: float) -> tuple[
    DictVectorizer, LogisticRegression
]:
    seen = Counter(name for row in features for name in row)
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(
        [{k: v for k, v in row.items() if seen[k] >= MIN_COUNT} for row in features]
    )
    model = LogisticRegression(C=c, max_iter=2000)
    model.fit(x, labels)
    return vectorizer, model


def headline_cv(
    rows: list[dict[str, str]], c: float, folds: int = 5
) -> tuple[float, list[str]]:
    """Out-of-fold accuracy (folds grouped by claim) and the out-of-fold predictions."""
    features = [headline_features(r["articleHeadline"]) for r in rows]
    labels = [r["articleHeadlineStance"] for r in rows]
    groups = [r["claimId"] for r in rows]
    splits = min(folds, len(set(groups)))
    predicted = [""] * len(rows)
    for train_idx, test_idx in GroupKFold(n_splits=splits).split(features, labels, groups):
        vectorizer, model = _fit_headline(
            [features[i] for i in train_idx], [labels[i] for i in train_idx], c
        )
        out = model.predict(vectorizer.transform([features[i] for i in test_idx]))
        for i, label in zip(test_idx, out, strict=True):
            predicted[i] = str(label)
    accuracy = sum(p == g for p, g in zip(predicted, labels, strict=True)) / len(rows)
    return accuracy, predicted


def train_headline(folder: Path) -> dict[str, object]:
    rows, _ = emergent_rows(folder)
    cv = {c: headline_cv(rows, c)[0] for c in HEADLINE_CS}
    # the strongest regularisation within half a point of the best: smaller and as good
    best = min(c for c in HEADLINE_CS if cv[c] >= max(cv.values()) - 0.005)
    vectorizer, model = _fit_headline(
        [headline_features(r["articleHeadline"]) for r in rows],
        [r["articleHeadlineStance"] for r in rows],
        best,
    )
    classes = [str(c) for c in model.classes_]
    return _export(
        vectorizer, model.coef_, model.intercept_, classes, 0.0,
        {
            "trained_on": "Emergent rows outside the official test split",
            "rows": len(rows),
            "C": best,
            "cv_accuracy_by_C": {str(c): round(a, 4) for c, a in cv.items()},
        },
    )


def _single_sentence(claim: str, body: str) -> tuple[str, bool] | None:
    """The body sentence that shares most content terms with the claim, a denial sentence
    sharing at least one first; and whether it carries a denial cue."""
    from briefing.text import split_sentences

    spans = split_sentences(body)
    analysed = _sentences(body)
    if not spans or len(spans) != len(analysed):
        return None
    terms = set(content_terms(claim))
    shared = [len(terms & s.terms) for s in analysed]
    scores = [n + (100 if n and s.denies else 0) for n, s in zip(shared, analysed, strict=True)]
    best = max(range(len(spans)), key=scores.__getitem__)
    return spans[best].text, analysed[best].denies


class View(NamedTuple):
    """One training row: a headline and a text (the whole body or one of its sentences)."""

    claim: str
    text: str
    features: Features
    gold: bool  # the pair is `disagree`
    body: str  # body id
    view: str  # "body" or "sentence"
    related: bool  # the pair is not `unrelated`


def fnc_views(pairs: list[dict[str, str]], bodies: dict[str, str]) -> list[View]:
    """The whole body and its one sentence closest to the headline, for each pair. A
    disagreeing body's sentence is kept only when it carries a denial cue: otherwise it is not
    where the body disagrees and its label would be noise."""
    views = []
    for pair in sorted(pairs, key=lambda p: p["Body ID"]):  # keeps each body's analysis cached
        claim, body = pair["Headline"], bodies[pair["Body ID"]]
        gold, related = pair["Stance"] == "disagree", pair["Stance"] != "unrelated"
        texts = [(body, "body")]
        found = _single_sentence(claim, body)
        if found is not None and (found[1] or not gold):
            texts.append((found[0], "sentence"))
        views.extend(
            View(claim, text, disagreement_features(claim, text), gold, pair["Body ID"], view,
                 related)
            for text, view in texts
        )
    return views


def _prf(gold: Sequence[bool], pred: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def pick_threshold(gold: Sequence[bool], scores: Sequence[float]) -> float:
    """The cut with the best F1 among those meeting the goal (precision >= MIN_PRECISION and
    F1 >= MIN_F1); the best F1 of all cuts when none does. (A precision floor alone would
    take a cut that keeps a handful of pairs when no useful cut reaches it.)"""
    if not any(gold):
        return 0.5
    precision, recall, thresholds = precision_recall_curve(gold, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = (precision[:-1] >= MIN_PRECISION) & (f1[:-1] >= MIN_F1)
    candidates = np.where(ok)[0] if ok.any() else np.arange(len(thresholds))
    best = candidates[np.argmax(f1[:-1][candidates])]
    return float(thresholds[best])


def claim_groups(pairs: list[dict[str, str]]) -> dict[str, str]:
    """Body id -> its claim: bodies joined by a related (not `unrelated`) headline belong to
    one claim, so a held-out body's claim is never seen in training."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if pair["Stance"] != "unrelated":
            parent[root("h" + pair["Headline"])] = root("b" + pair["Body ID"])
    return {p["Body ID"]: root("b" + p["Body ID"]) for p in pairs}


def _export_trees(
    names: list[str],
    model: HistGradientBoostingClassifier,
    threshold: float,
    meta: dict[str, object],
) -> dict[str, object]:
    trees = []
    for (predictor,) in model._predictors:
        nodes = predictor.nodes
        trees.append({
            "feature": [-1 if leaf else int(f)
                        for f, leaf in zip(nodes["feature_idx"], nodes["is_leaf"], strict=True)],
            "threshold": [float(v) for v in nodes["num_threshold"]],
            "left": [int(v) for v in nodes["left"]],
            "right": [int(v) for v in nodes["right"]],
            "value": _round(nodes["value"]),
        })
    return {
        "kind": "trees",
        "classes": ["other", "disagree"],
        "features": names,
        "baseline": float(model._baseline_prediction.ravel()[0]),
        "trees": trees,
        "threshold": threshold,
        "meta": meta,
    }


# denial cues in the text may only raise the score: the trees cannot learn, from the few
# FNC-1 claims, that a denial near the claim's words makes disagreement less likely
INCREASING = (
    "deny_verb_overlap", "denial_cue_overlap", "refute_overlap", "denies_window_overlap",
    "denies_any", "x:cover*denies_any", "x:cover*denial_cue_share", "x:cover*refute_share",
    "x:claim_asserts*denial_cue_share", "x:claim_asserts*refute_share",
    "x:claim_asserts*denies_window_overlap", "x:claim_asserts*lead_refute", "lead_refute",
    "lead_deny_verb", "top_denies", "top_corrects", "corrects_overlap", "lead_corrects",
    LEXICAL_FEATURE,
)


class Lexical:
    """The lexical features of every view as one sparse 0/1 matrix, and logistic models
    fitted on some of its rows."""

    def __init__(self, views: list[View]) -> None:
        vocabulary: dict[str, int] = {}
        indices: list[int] = []
        indptr = [0]
        for v in views:
            row = {vocabulary.setdefault(n, len(vocabulary))
                   for n in lexical_features(v.claim, v.text)}
            indices.extend(sorted(row))
            indptr.append(len(indices))
        # columns in name order: the same model from one run to the next (a set's order
        # changes with the hash seed, and the solver's sums with the column order)
        self.names = sorted(vocabulary)
        rank = np.empty(len(vocabulary), dtype=np.int32)
        rank[[vocabulary[n] for n in self.names]] = np.arange(len(vocabulary), dtype=np.int32)
        self.matrix = sparse.csr_matrix(
            (np.ones(len(indices)), rank[np.array(indices, dtype=np.int64)],
             np.array(indptr, dtype=np.int32)),
            shape=(len(views), len(vocabulary)),
        )
        self.matrix.sort_indices()
        self.gold = np.array([v.gold for v in views])
        self.related = np.array([v.related for v in views])

    def fit(self, rows: np.ndarray) -> tuple[np.ndarray, float]:
        """(weights over all names, intercept) of the logistic model learned on the related
        pairs among ``rows``: n-grams in fewer than LEXICAL_MIN_COUNT of them get none, and
        only the LEXICAL_KEEP largest weights are kept."""
        rows = rows[self.related[rows]]
        x = self.matrix[rows]
        counts = np.asarray(x.sum(axis=0)).ravel()
        columns = np.where(counts >= LEXICAL_MIN_COUNT)[0]
        weights = np.zeros(self.matrix.shape[1])
        if not len(columns) or len(set(self.gold[rows].tolist())) < 2:
            return weights, 0.0  # too little to learn from (the tests' tiny data set)
        model = LogisticRegression(C=LEXICAL_C, solver="liblinear", max_iter=3000, random_state=0)
        model.fit(x[:, columns], self.gold[rows])
        coef = model.coef_.ravel()
        if len(coef) > LEXICAL_KEEP:
            coef[np.abs(coef) < np.sort(np.abs(coef))[-LEXICAL_KEEP]] = 0.0
        weights[columns] = coef
        return weights, float(model.intercept_[0])

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Each view's score by the model fitted on ``rows``."""
        weights, intercept = self.fit(rows)
        return np.asarray(self.matrix @ weights).ravel() + intercept

    def export(self, rows: np.ndarray) -> dict[str, object]:
        weights, intercept = self.fit(rows)
        return {
            "intercept": float(f"{intercept:.6g}"),
            "weights": {self.names[j]: float(f"{weights[j]:.4g}")
                        for j in np.flatnonzero(weights)},
        }


def _cross_fitted(
    lexical: Lexical, fold: np.ndarray
) -> tuple[dict[int, np.ndarray], dict[tuple[int, int], np.ndarray]]:
    """Lexical scores of every view by models fitted without one fold, and without two."""
    everything = np.arange(len(fold))
    folds = sorted(set(fold.tolist()))
    without_one = {f: lexical.scores(everything[fold != f]) for f in folds}
    without_two = {
        (a, b): lexical.scores(everything[(fold != a) & (fold != b)])
        for a, b in combinations(folds, 2)
    }
    return without_one, without_two


def _matrix(views: list[View], names: list[str], lexical: np.ndarray) -> np.ndarray:
    x = np.array([[v.features.get(n, 0.0) for n in names] for v in views])
    x[:, names.index(LEXICAL_FEATURE)] = lexical
    return x


def _fit_trees(
    names: list[str], x: np.ndarray, gold: np.ndarray, seed: int, trees: int
) -> HistGradientBoostingClassifier:
    model = HistGradientBoostingClassifier(
        max_iter=trees, learning_rate=0.1, max_leaf_nodes=LEAVES, random_state=seed,
        class_weight=CLASS_WEIGHT, monotonic_cst=[1 if n in INCREASING else 0 for n in names],
    )
    model.fit(x, gold)
    return model


def _validation(views: list[View], oof: np.ndarray) -> tuple[dict[str, object], dict[str, float]]:
    """Out-of-fold precision, recall, F1 and average precision per view, at the cut
    pick_threshold takes."""
    report: dict[str, object] = {}
    thresholds: dict[str, float] = {}
    for view in ("body", "sentence"):
        idx = [i for i, v in enumerate(views) if v.view == view]
        gold = [views[i].gold for i in idx]
        scores = [float(oof[i]) for i in idx]
        thresholds[view] = round(pick_threshold(gold, scores), 6)
        p, r, f1 = _prf(gold, [x >= thresholds[view] for x in scores])
        report[view] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                        "average_precision": round(float(average_precision_score(gold, scores)),
                                                   4) if any(gold) else 0.0,
                        "pairs": len(idx), "disagree": sum(gold),
                        "threshold": thresholds[view]}
    return report, thresholds


def train_disagreement(
    folder: Path, seed: int = 15, folds: int = 5, trees: int = TREES
) -> dict[str, object]:
    bodies = {r["Body ID"]: r["articleBody"] for r in _read(folder / "train_bodies.csv")}
    pairs = [p for p in _read(folder / "train_stances.csv") if p["Body ID"] in bodies]
    group = claim_groups(pairs)
    views = fnc_views(pairs, bodies)
    names = sorted({n for v in views for n in v.features} | {LEXICAL_FEATURE})
    gold = np.array([v.gold for v in views])
    lexical = Lexical(views)

    # each fold holds out the bodies of a fifth of the claims
    groups = [group[v.body] for v in views]
    splits = min(folds, len(set(groups)))
    fold = np.zeros(len(views), dtype=int)
    for f, (_, held) in enumerate(GroupKFold(n_splits=splits).split(views, groups=groups)):
        fold[held] = f
    without_one, without_two = _cross_fitted(lexical, fold)
    oof = np.zeros(len(views))
    for f in range(splits):
        train, held = np.flatnonzero(fold != f), np.flatnonzero(fold == f)
        stacked = np.array([without_two[tuple(sorted((f, int(fold[i]))))][i] for i in train])
        model = _fit_trees(names, _matrix([views[i] for i in train], names, stacked),
                           gold[train], seed, trees)
        x = _matrix([views[i] for i in held], names, without_one[f][held])
        oof[held] = model.predict_proba(x)[:, 1]
    report, thresholds = _validation(views, oof)

    stacked = np.array([without_one[int(fold[i])][i] for i in range(len(views))])
    model = _fit_trees(names, _matrix(views, names, stacked), gold, seed, trees)
    exported = _export_trees(names, model, thresholds["body"], {
        "trained_on": "FNC-1 train (train_stances.csv + train_bodies.csv)",
        "views": len(views),
        "claims": len(set(groups)),
        "trees": trees,
        "leaves": LEAVES,
        "class_weight": CLASS_WEIGHT,
        "lexical": {"C": LEXICAL_C, "min_count": LEXICAL_MIN_COUNT, "kept": LEXICAL_KEEP,
                    "trained_on": "related pairs"},
        "threshold_rule": f"best F1 among cuts with precision >= {MIN_PRECISION} and F1 >= "
                          f"{MIN_F1}, else best F1",
        "validation": f"{splits}-fold out-of-fold, folds hold out whole claims, stacked "
                      "feature cross-fitted",
        "validation_body": report["body"],
        "validation_sentence": report["sentence"],
    })
    exported["sentence_threshold"] = thresholds["sentence"]
    exported["lexical"] = lexical.export(np.arange(len(views)))
    _check(exported, model, views, names)
    return exported


def _check(
    exported: dict[str, object],
    model: HistGradientBoostingClassifier,
    views: list[View],
    names: list[str],
) -> None:
    """The written-out model, run as the package runs it from (claim, text), must score as
    scikit-learn's trees do on the shipped lexical model's scores."""
    check = TreeModel.from_json(exported)
    sample = views[:: max(1, len(views) // 200)]
    assert check.lexical is not None
    lexical = [check.lexical.score(lexical_features(v.claim, v.text)) for v in sample]
    expected = model.predict_proba(_matrix(sample, names, np.array(lexical)))[:, 1]
    worst = max(abs(check.probabilities(model_features(check, v.claim, v.text))[1] - p)
                for v, p in zip(sample, expected, strict=True))
    assert worst < 1e-4, f"the written-out model scores {worst} away from scikit-learn's"


def _write(path: Path, model: dict[str, object]) -> None:
    path.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n",
                    encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emergent", type=Path, default=SHARED / "emergent")
    parser.add_argument("--fnc", type=Path, default=SHARED / "fnc1")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--trees", type=int, default=TREES)
    parser.add_argument("--only-disagreement", action="store_true",
                        help=f"retrain {DISAGREE_MODEL} only")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    jobs = [
        (HEADLINE_MODEL, train_headline, args.emergent),
        (DISAGREE_MODEL, lambda f: train_disagreement(f, trees=args.trees), args.fnc),
    ]
    for name, train, folder in jobs[1:] if args.only_disagreement else jobs:
        started = time.perf_counter()
        model = train(folder)
        meta = model["meta"]
        assert isinstance(meta, dict)
        meta["training_seconds"] = round(time.perf_counter() - started, 1)
        _write(args.out / name, model)
        print(f"{name}: {(args.out / name).stat().st_size} bytes; {json.dumps(meta)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
