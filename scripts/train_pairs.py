"""A learned pair scorer for story grouping, measured on the short-text dev sets (issue 16).

Usage: .venv/bin/python scripts/train_pairs.py [--shared PATH] [--model-out FILE]

Each pair of items gets features the cluster stage has or can compute cheaply: the project's
length-aware similarity (briefing.cluster), the cosines of the head part (title + first 60
words), of the body part, of the names and of the words alone; how many head terms the two
share, the share of the shorter item's head terms found in the other, the mean and the largest
inverse document frequency of a shared head term, shared numbers; each item's length in words
and body weight (headline / teaser / full text); and how near each item is to the other among
all its neighbours (rank and similarity relative to its nearest, by the project similarity and
by the head cosine). A logistic regression is fitted on the dev parts only (Emergent dev part,
FNC-1 train, the two Multi-News dev parts; every positive pair, every pair with similarity above
0.02, 2% of the rest weighted back up; each set weighing the same). Its probability, made
symmetric, is the similarity of dense average linkage; the cut is the one with the best mean F1
over the dev parts, then applied unchanged to the held-out parts.

Printed per part: the naive baseline (best cut in hindsight on that very part), the project
pipeline as it is, dense average linkage on the project similarity (cut chosen on dev parts),
and the learned scorer. Takes about two minutes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import AgglomerativeClustering
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import clusters as bench  # noqa: E402

from briefing import cluster, dedup  # noqa: E402
from briefing.models import Article  # noqa: E402

CUTS = np.round(np.arange(0.05, 0.751, 0.025), 3)
SAMPLE = 0.02
NEAR = 0.02
FEATURES = [
    "similarity", "head_cos", "body_cos", "names_cos", "words_cos", "log_shared",
    "shared_share", "mean_idf", "max_idf", "numbers", "min_log_words", "max_log_words",
    "min_body_weight", "max_body_weight",
    "sim_min_rank", "sim_max_rank", "sim_min_rel", "sim_max_rel",
    "head_min_rank", "head_max_rank", "head_min_rel", "head_max_rel",
]
RANK_FEATURES = 8
# Square roots of the five cosines let a linear model bend at small values.
ROOTED = 5


def _pairwise_max_idf(binary: sp.csr_matrix, idf: np.ndarray, cap: int = 300) -> np.ndarray:
    """For every two items the largest IDF of a head term both have (terms in at most
    ``cap`` items; 0 when they share none)."""
    n = binary.shape[0]
    out = np.zeros((n, n), dtype=np.float32)
    columns = binary.tocsc()
    df = np.diff(columns.indptr)
    for term in np.argsort(idf, kind="stable"):
        if 2 <= df[term] <= cap:
            items = columns.indices[columns.indptr[term] : columns.indptr[term + 1]]
            out[np.ix_(items, items)] = idf[term]
    return out


def _ranks(similarity: np.ndarray) -> list[np.ndarray]:
    """Symmetric neighbour-rank features: log rank of each among the other's neighbours (min,
    max) and similarity relative to each one's nearest (min, max)."""
    s = similarity.copy()
    np.fill_diagonal(s, -1.0)
    rank = np.log1p(np.argsort(np.argsort(-s, axis=1), axis=1).astype(np.float32))
    relative = s / np.maximum(s.max(axis=1), 1e-6)[:, None]
    return [
        np.minimum(rank, rank.T), np.maximum(rank, rank.T),
        np.minimum(relative, relative.T), np.maximum(relative, relative.T),
    ]


def pair_features(articles: Sequence[Article]) -> np.ndarray:
    """An (n, n, len(FEATURES)) array of pair features over ``articles`` (as one window)."""
    origins = dedup.assign_origins(articles)
    _, stand_ins = cluster._apart(articles, cluster._origin_texts(articles, origins))
    features = cluster._features(articles, stand_ins)
    matrix, head_columns = features.matrix, features.head_columns
    split = matrix.shape[1] - head_columns
    head, body = normalize(matrix[:, split:]), matrix[:, :split]
    names = normalize(body[:, : features.name_columns])
    words = normalize(body[:, features.name_columns :])
    binary = (matrix[:, split:] > 0).astype(np.float32)
    numeric = np.flatnonzero([t[1:2].isdigit() for t in features.names[split:]])
    numbers = binary[:, numeric]
    n = matrix.shape[0]
    df = np.asarray(binary.sum(axis=0)).ravel()
    idf = (np.log((n + 1) / (df + 1)) + 1).astype(np.float32)
    terms = np.asarray(binary.sum(axis=1)).ravel()
    index = np.arange(n)

    def cos(m: sp.csr_matrix) -> np.ndarray:
        return np.asarray((m @ m.T).toarray(), dtype=np.float32)

    similarity = cos(matrix) / np.maximum(
        features.evidence(index[:, None], index[None, :]), 1e-6
    )
    head_cos = cos(head)
    shared = cos(binary)
    idf_sum = np.asarray((binary @ sp.diags(idf) @ binary.T).toarray(), dtype=np.float32)
    fewest = np.maximum(np.minimum(terms[:, None], terms[None, :]), 1)
    length = np.log1p(np.minimum([len(f"{a.title} {a.text}".split()) for a in articles], 2000))
    weight = features.body_weight
    ones = np.ones((n, n), dtype=np.float32)
    columns = [
        similarity, head_cos, cos(normalize(body)), cos(names), cos(words), np.log1p(shared),
        shared / fewest, idf_sum / np.maximum(shared, 1), _pairwise_max_idf(binary, idf),
        np.minimum(cos(numbers), 3),
        np.minimum(length[:, None], length[None, :]) * ones,
        np.maximum(length[:, None], length[None, :]) * ones,
        np.minimum(weight[:, None], weight[None, :]) * ones,
        np.maximum(weight[:, None], weight[None, :]) * ones,
        *_ranks(similarity), *_ranks(head_cos),
    ]
    return np.stack([np.asarray(c, dtype=np.float32) for c in columns], axis=-1)


def expand(x: np.ndarray) -> np.ndarray:
    return np.concatenate([x, np.sqrt(np.clip(x[:, :ROOTED], 0.0, None))], axis=1)


def training_pairs(
    parts: dict[str, tuple[np.ndarray, np.ndarray]], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs, ys, ws = [], [], []
    for x_all, same in parts.values():
        upper = np.triu_indices(x_all.shape[0], 1)
        x, y = x_all[upper], same[upper]
        near = y | (x[:, 0] > NEAR)
        sampled = rng.random(len(y)) < SAMPLE
        keep = near | sampled
        weight = np.where(near, 1.0, 1.0 / SAMPLE)[keep]
        xs.append(x[keep])
        ys.append(y[keep])
        ws.append(weight / weight.sum())
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws) * 1e5


def linkage_f1(
    similarity: np.ndarray, keys: list[str], gold: dict[str, str], cuts: Sequence[float]
) -> list[float]:
    distance = np.clip(1.0 - similarity, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    scores = []
    for cut in cuts:
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average",
            distance_threshold=1.0 - cut,
        ).fit_predict(distance)
        predicted = {k: f"c{label}" for k, label in zip(keys, labels, strict=True)}
        scores.append(bench.bcubed(gold, predicted)[2])
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=bench.SHARED)
    parser.add_argument("--model-out", type=Path)
    parser.add_argument("--without-ranks", action="store_true",
                        help="leave out the neighbour-rank features")
    args = parser.parse_args()
    started = time.perf_counter()
    sets = bench.dev_sets(args.shared)
    data = {}
    for name, (articles, gold) in sets.items():
        labels = np.array([gold[a.id] for a in articles])
        features = pair_features(articles)
        if args.without_ranks:
            features = features[..., : len(FEATURES) - RANK_FEATURES]
        data[name] = (features, labels[:, None] == labels[None, :])
    dev = [name for name in sets if name.endswith(" dev")]
    x, y, w = training_pairs({name: data[name] for name in dev}, np.random.default_rng(0))
    expanded = expand(x)
    mean, scale = expanded.mean(axis=0), expanded.std(axis=0) + 1e-6
    model = LogisticRegression(C=1.0, max_iter=3000).fit((expanded - mean) / scale, y, w)

    learned, ours = {}, {}
    for name, (articles, gold) in sets.items():
        features = data[name][0]
        n = features.shape[0]
        flat = (expand(features.reshape(-1, features.shape[-1])) - mean) / scale
        probability = model.predict_proba(flat)[:, 1].reshape(n, n)
        keys = [a.id for a in articles]
        learned[name] = linkage_f1((probability + probability.T) / 2, keys, gold, CUTS)
        ours[name] = linkage_f1(features[..., 0], keys, gold, CUTS)
    pick = int(np.argmax(np.mean([learned[name] for name in dev], axis=0)))
    pick_ours = int(np.argmax(np.mean([ours[name] for name in dev], axis=0)))
    print(f"learned cut {CUTS[pick]:.3f}, dense-ours cut {CUTS[pick_ours]:.3f} (both chosen "
          f"on the dev parts); {len(y)} training pairs, {int(y.sum())} same-story")
    print("learned F1 by cut: " + " ".join(f"{c:.3f}" for c in CUTS))
    for name in sets:
        print(f"  {name:<34} " + " ".join(f"{f:.3f}" for f in learned[name]))
    print(f"{'set / part':<34} {'items':>5}  {'base':>5} {'proj':>5} {'ours':>5} {'learn':>5}"
          f"  {'learn-base':>10} {'learn-proj':>10}")
    figures = {}
    for name, (articles, gold) in sets.items():
        base = bench.naive_baseline(articles, gold)[2]
        proj = bench.project(articles, gold)[2]
        mine, dense = learned[name][pick], ours[name][pick_ours]
        print(f"{name:<34} {len(articles):>5}  {base:.3f} {proj:.3f} {dense:.3f} {mine:.3f}"
              f"  {mine - base:>+10.3f} {mine - proj:>+10.3f}")
        figures[bench._slug(name)] = {"baseline": round(base, 4), "project": round(proj, 4),
                                      "dense_ours": round(dense, 4), "learned": round(mine, 4)}
    used = FEATURES[: len(FEATURES) - RANK_FEATURES] if args.without_ranks else FEATURES
    weights = dict(zip([*used, *(f"sqrt_{f}" for f in used[:ROOTED])],
                       (model.coef_[0] / scale).round(4).tolist(), strict=True))
    print("coefficients (per unit of each raw feature):")
    print("  " + ", ".join(f"{k} {v:+.3f}" for k, v in weights.items()))
    print(f"seconds: {time.perf_counter() - started:.0f}")
    if args.model_out:
        args.model_out.write_text(json.dumps({
            "features": used, "rooted": ROOTED, "mean": mean.round(6).tolist(),
            "scale": scale.round(6).tolist(), "coef": model.coef_[0].round(6).tolist(),
            "intercept": float(model.intercept_[0]), "cut": float(CUTS[pick]),
        }, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
