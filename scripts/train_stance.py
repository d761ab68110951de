"""Train the two stance models shipped in briefing/models_data (see briefing/claims/learned_stance.py).

Usage: .venv/bin/python scripts/train_stance.py [--emergent DIR] [--fnc DIR] [--out DIR]
       [--trees N]

- headline_stance.json: multinomial logistic regression on headline_features, fitted on the
  Emergent rows whose articleId is NOT in the official test split (official-test-correct.csv +
  official-test-errors.csv); n-grams seen in one training headline only are dropped; C is
  chosen by 5-fold cross-validation grouped by claim on those rows. The test split is never
  read for anything but its ids.
- disagreement.json: gradient-boosted trees (disagree vs the rest) on disagreement_features,
  fitted on FNC-1 train (train_stances.csv + train_bodies.csv). Each pair gives two views, the
  whole body and its one sentence that shares most with the headline (a denial sentence
  first; a disagreeing pair's sentence only when it carries a denial cue), so the model also
  scores single sentences; denial features may only raise the score (monotonic constraints).
  Thresholds (one for whole texts, one for single sentences) are chosen on out-of-fold scores
  of 5 folds that each hold out whole claims (bodies joined by a related headline; see
  pick_threshold); the shipped model is then fitted on all of train. The competition test
  files are never read.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, precision_recall_curve
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.claims.learned_stance import (
    DISAGREE_MODEL,
    HEADLINE_MODEL,
    Features,
    TreeModel,
    _sentences,
    disagreement_features,
    headline_features,
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
MIN_PRECISION = 0.5
MIN_RECALL = 0.05  # a cut is not chosen on a handful of pairs
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


def fnc_views(
    pairs: list[dict[str, str]], bodies: dict[str, str]
) -> list[tuple[Features, bool, str, str]]:
    """(features, is disagree, body id, view) for the whole body and for its one sentence
    closest to the headline. A disagreeing body's sentence is kept only when it carries a
    denial cue: otherwise it is not where the body disagrees and its label would be noise."""
    views = []
    for pair in sorted(pairs, key=lambda p: p["Body ID"]):  # keeps each body's analysis cached
        claim, body = pair["Headline"], bodies[pair["Body ID"]]
        gold = pair["Stance"] == "disagree"
        views.append((disagreement_features(claim, body), gold, pair["Body ID"], "body"))
        found = _single_sentence(claim, body)
        if found is not None and (found[1] or not gold):
            views.append(
                (disagreement_features(claim, found[0]), gold, pair["Body ID"], "sentence")
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
    """The cut with the best F1 among those reaching precision >= MIN_PRECISION at recall >=
    MIN_RECALL; the best F1 of all cuts when none does."""
    if not any(gold):
        return 0.5
    precision, recall, thresholds = precision_recall_curve(gold, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = (precision[:-1] >= MIN_PRECISION) & (recall[:-1] >= MIN_RECALL)
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
    vectorizer: DictVectorizer,
    model: HistGradientBoostingClassifier,
    threshold: float,
    meta: dict[str, object],
) -> dict[str, object]:
    names = [str(n) for n in vectorizer.get_feature_names_out()]
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
    "lead_deny_verb",
)


def _fit_trees(
    vectorizer: DictVectorizer, rows: list[tuple[Features, bool, str, str]], seed: int,
    trees: int,
) -> HistGradientBoostingClassifier:
    names = list(vectorizer.get_feature_names_out())
    model = HistGradientBoostingClassifier(
        max_iter=trees, learning_rate=0.1, max_leaf_nodes=LEAVES, random_state=seed,
        monotonic_cst=[1 if n in INCREASING else 0 for n in names],
    )
    model.fit(vectorizer.transform([r[0] for r in rows]), [r[1] for r in rows])
    return model


def train_disagreement(
    folder: Path, seed: int = 15, folds: int = 5, trees: int = TREES
) -> dict[str, object]:
    bodies = {r["Body ID"]: r["articleBody"] for r in _read(folder / "train_bodies.csv")}
    pairs = [p for p in _read(folder / "train_stances.csv") if p["Body ID"] in bodies]
    group = claim_groups(pairs)
    views = fnc_views(pairs, bodies)
    vectorizer = DictVectorizer(sparse=False)
    vectorizer.fit([v[0] for v in views])

    # out-of-fold scores: each fold holds out the bodies of a fifth of the claims
    groups = [group[v[2]] for v in views]
    splits = min(folds, len(set(groups)))
    oof = [0.0] * len(views)
    for train_idx, held_idx in GroupKFold(n_splits=splits).split(views, groups=groups):
        model = _fit_trees(vectorizer, [views[i] for i in train_idx], seed, trees)
        x = vectorizer.transform([views[i][0] for i in held_idx])
        for i, p in zip(held_idx, model.predict_proba(x)[:, 1], strict=True):
            oof[i] = float(p)

    report: dict[str, object] = {}
    thresholds: dict[str, float] = {}
    for view in ("body", "sentence"):
        idx = [i for i, v in enumerate(views) if v[3] == view]
        gold = [views[i][1] for i in idx]
        scores = [oof[i] for i in idx]
        thresholds[view] = round(pick_threshold(gold, scores), 6)
        p, r, f1 = _prf(gold, [x >= thresholds[view] for x in scores])
        report[view] = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                        "average_precision": round(float(average_precision_score(gold, scores)),
                                                   4) if any(gold) else 0.0,
                        "pairs": len(idx), "disagree": sum(gold),
                        "threshold": thresholds[view]}

    model = _fit_trees(vectorizer, views, seed, trees)
    exported = _export_trees(vectorizer, model, thresholds["body"], {
        "trained_on": "FNC-1 train (train_stances.csv + train_bodies.csv)",
        "views": len(views),
        "claims": len(set(groups)),
        "trees": trees,
        "leaves": LEAVES,
        "threshold_rule": f"best F1 with precision >= {MIN_PRECISION} at recall >= "
                          f"{MIN_RECALL}, else best F1",
        "validation": f"{splits}-fold out-of-fold, folds hold out whole claims",
        "validation_body": report["body"],
        "validation_sentence": report["sentence"],
    })
    exported["sentence_threshold"] = thresholds["sentence"]
    # the written-out trees must score as scikit-learn does
    check = TreeModel.from_json(exported)
    sample = views[:: max(1, len(views) // 200)]
    expected = model.predict_proba(vectorizer.transform([v[0] for v in sample]))[:, 1]
    worst = max(abs(check.probabilities(row[0])[1] - p)
                for row, p in zip(sample, expected, strict=True))
    assert worst < 1e-4, f"the written-out trees score {worst} away from scikit-learn's"
    return exported


def _write(path: Path, model: dict[str, object]) -> None:
    path.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n",
                    encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emergent", type=Path, default=SHARED / "emergent")
    parser.add_argument("--fnc", type=Path, default=SHARED / "fnc1")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--trees", type=int, default=TREES)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, train, folder in (
        (HEADLINE_MODEL, train_headline, args.emergent),
        (DISAGREE_MODEL, lambda f: train_disagreement(f, trees=args.trees), args.fnc),
    ):
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
