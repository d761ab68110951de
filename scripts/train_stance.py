"""Train the two stance models shipped in briefing/models_data (see briefing/learned_stance.py).

Usage: .venv/bin/python scripts/train_stance.py [--emergent DIR] [--fnc DIR] [--out DIR]

- headline_stance.json: multinomial logistic regression on headline_features, fitted on the
  Emergent rows whose articleId is NOT in the official test split (official-test-correct.csv +
  official-test-errors.csv); C chosen by 5-fold cross-validation grouped by claim on those
  rows. The test split is never read for anything but its ids.
- disagreement.json: gradient-boosted trees (disagree vs the rest) on disagreement_features,
  fitted on FNC-1 train (train_stances.csv + train_bodies.csv) minus a validation set of
  bodies: those of a fifth of its claims (bodies joined by a related headline), so no claim
  is on both sides. Each pair gives two views, the whole body and its one sentence that shares
  most with the headline (preferring a sentence with a denial cue), so the model also scores
  single sentences. The threshold is chosen on the validation bodies (best F1 among cuts with
  precision >= 0.5). The competition test files are never read.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from briefing.learned_stance import (  # noqa: E402
    DISAGREE_MODEL,
    HEADLINE_MODEL,
    Features,
    TreeModel,
    _sentences,
    disagreement_features,
    headline_features,
)
from briefing.terms import content_terms  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "eval-data"
OUT = ROOT / "briefing" / "models_data"
LABELS = ("for", "against", "observing")
HEADLINE_CS = (0.3, 1.0, 3.0, 10.0)
TREES = 100
LEAVES = 15
MIN_PRECISION = 0.5
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


def _round(values: Sequence[float]) -> list[float]:
    return [float(f"{v:.6g}") for v in values]


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
        str(name): _round(coef[:, j]) for j, name in enumerate(names) if np.any(coef[:, j])
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
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(features)
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
    best = max(HEADLINE_CS, key=lambda c: cv[c])
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


def _single_sentence(claim: str, body: str) -> str | None:
    """The body sentence sharing most content terms with the claim, a denial breaking ties."""
    from briefing.text import split_sentences

    spans = split_sentences(body)
    analysed = _sentences(body)
    if not spans or len(spans) != len(analysed):
        return None
    terms = set(content_terms(claim))
    scores = [len(terms & s.terms) + 0.5 * s.denies for s in analysed]
    best = max(range(len(spans)), key=scores.__getitem__)
    return spans[best].text


def fnc_views(
    pairs: list[dict[str, str]], bodies: dict[str, str]
) -> list[tuple[Features, bool, str, str]]:
    """(features, is disagree, body id, view) for the whole body and its closest sentence."""
    views = []
    for pair in sorted(pairs, key=lambda p: p["Body ID"]):  # keeps each body's analysis cached
        claim, body = pair["Headline"], bodies[pair["Body ID"]]
        gold = pair["Stance"] == "disagree"
        views.append((disagreement_features(claim, body), gold, pair["Body ID"], "body"))
        sentence = _single_sentence(claim, body)
        if sentence is not None:
            views.append(
                (disagreement_features(claim, sentence), gold, pair["Body ID"], "sentence")
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
    """Best F1 among the thresholds with precision >= MIN_PRECISION (best F1 if none)."""
    if not any(gold):
        return 0.5
    precision, recall, thresholds = precision_recall_curve(gold, scores)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-12)
    ok = precision[:-1] >= MIN_PRECISION
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
            "threshold": _round(nodes["num_threshold"]),
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


def train_disagreement(folder: Path, seed: int = 15) -> dict[str, object]:
    bodies = {r["Body ID"]: r["articleBody"] for r in _read(folder / "train_bodies.csv")}
    pairs = [p for p in _read(folder / "train_stances.csv") if p["Body ID"] in bodies]
    group = claim_groups(pairs)
    claims = sorted(set(group.values()))
    random.Random(seed).shuffle(claims)
    held_claims = set(claims[: max(1, len(claims) // 5)])
    held = {b for b, c in group.items() if c in held_claims}
    views = fnc_views(pairs, bodies)
    train = [v for v in views if v[2] not in held]
    val_body = [v for v in views if v[2] in held and v[3] == "body"]
    val_sentence = [v for v in views if v[2] in held and v[3] == "sentence"]

    vectorizer = DictVectorizer(sparse=False)
    x_train = vectorizer.fit_transform([v[0] for v in train])
    model = HistGradientBoostingClassifier(
        max_iter=TREES, learning_rate=0.1, max_leaf_nodes=LEAVES, random_state=seed
    )
    model.fit(x_train, [v[1] for v in train])

    def scores(rows: list[tuple[Features, bool, str, str]]) -> list[float]:
        if not rows:
            return []
        return [float(p) for p in model.predict_proba(vectorizer.transform([r[0] for r in rows]))[:, 1]]

    gold = [v[1] for v in val_body]
    body_scores = scores(val_body)
    threshold = round(pick_threshold(gold, body_scores), 6)
    p, r, f1 = _prf(gold, [x >= threshold for x in body_scores])
    sentence_gold = [v[1] for v in val_sentence]
    sp, sr, sf = _prf(sentence_gold, [x >= threshold for x in scores(val_sentence)])
    exported = _export_trees(vectorizer, model, threshold, {
        "trained_on": "FNC-1 train minus the bodies of a held-out fifth of its claims",
        "train_views": len(train),
        "validation_bodies": len(held),
        "trees": TREES,
        "leaves": LEAVES,
        "min_precision": MIN_PRECISION,
        "validation_body": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4),
                            "pairs": len(val_body), "disagree": sum(gold)},
        "validation_sentence": {"precision": round(sp, 4), "recall": round(sr, 4),
                                "f1": round(sf, 4), "pairs": len(val_sentence),
                                "disagree": sum(sentence_gold)},
    })
    # the written-out trees must score as scikit-learn does
    check = TreeModel.from_json(exported)
    for row, expected in zip(val_body[:200], body_scores[:200], strict=False):
        assert abs(check.probabilities(row[0])[1] - expected) < 1e-4
    return exported


def _write(path: Path, model: dict[str, object]) -> None:
    path.write_text(json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n",
                    encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emergent", type=Path, default=SHARED / "emergent")
    parser.add_argument("--fnc", type=Path, default=SHARED / "fnc1")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, train, folder in (
        (HEADLINE_MODEL, train_headline, args.emergent),
        (DISAGREE_MODEL, train_disagreement, args.fnc),
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
