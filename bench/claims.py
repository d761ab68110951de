"""Stance and denial detection of the claims stage, measured on public stance data sets.

Usage: .venv/bin/python bench/claims.py [--shared PATH] [--fnc-limit N]

(a) Emergent (Ferreira & Vlachos 2016), the official 524-row test split (the union of the
    authors' official-test-correct/-errors files): each article headline's stance towards its
    claim, for / against / observing. Two methods: the rules alone
    (briefing.claims.stance.rule_headline_stance: denial verbs and cues -> against; attribution or
    hedging -> observing; else for) and the learned model briefing.stance.headline_stance
    uses (briefing.learned_stance: logistic regression on word n-grams + the rules, trained by
    scripts/train_stance.py on the other 2,071 rows, articleId not in the test split). Those
    2,071 rows are the development set: the rules' figure there is in-sample for the
    lexicons; the learned model's is out-of-fold (5-fold, grouped by claim, retrained here).
    The authors' trained classifier reached 73.3% accuracy on the test split.
(b) FNC-1 competition test (25,413 headline/body pairs): precision, recall and F1 of the
    `disagree` class, predicted by briefing.claims.contests(headline, body): the body holds a
    denial that shares content with the headline (the test analyse_story uses to link a denial
    to the claim it contests), and the headline itself is not a refutation. Shown with
    attributed denials only, and with denials in the outlet's own voice ("The story is a
    hoax.") as analyse_story also uses them. Beside them the learned scorer
    briefing.learned_stance.disagreement(headline, body) >= disagreement_threshold() (boosted
    trees trained on FNC-1 train only, threshold picked on out-of-fold scores of train folds
    that hold out whole claims), with those out-of-fold figures as recorded by the training
    script, its model size and per-call cost.
(c) The seeds story: what analyse_story finds (claims, disputes, figure groups) and its cost,
    with the learned disagreement scorer as the briefing runs it (so (d) too).
(d) Multi-News sample (250 real multi-outlet stories, unlabelled): flags raised per story, a
    regression signal for false alarms.
(e) The labelled Multi-News set (bench/claims_labels/, 48 stories labelled by reading), run
    as the briefing runs it (denials linked with the learned disagreement scorer at its own
    cuts): dispute precision / recall, claim precision, junk rate, claim recall (as shown and
    before the display caps), share of claims with more than one origin, figure-group
    precision / recall, and why each labelled dispute is missed (a side not extracted, not
    linked, cut by the caps), dev and holdout apart. The matching rules are in
    bench/_claims_labelled.py. --labelled-only --rules-only also scores the rules alone.
(f) Claim precision judged by reading (bench/claims_labels/judged.json, bench/_claims_judged.py):
    each claim shown on the labelled stories judged right or wrong against its article by a
    reader who saw neither the code nor the labels; claims whose wording changed since they
    were judged are counted as unjudged and left out.
(g) Disputes judged by reading (bench/claims_labels/disputes_judged.json,
    bench/_disputes_judged.py): every dispute pair shown on the Multi-News sample, the labelled
    holdout's rows left out, judged right (the counter contests the claim, each side said by its
    actor) or wrong by a reader who saw neither the code nor the labels.

Baselines: majority class and "any denial word in the headline" for Emergent; "always
disagree" and "any denial word anywhere in the body" for FNC-1.

The last line printed is one JSON object with the headline figures.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sklearn.metrics import accuracy_score, precision_recall_fscore_support

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._claims_judged import bench_judged
from bench._claims_labelled import bench_labelled
from bench._disputes_judged import bench_disputes_judged
from briefing.claims import learned_stance
from briefing.claims.disputes import contests, denial_statements, learned_disagreement
from briefing.claims.learned_stance import disagreement, disagreement_threshold
from briefing.claims.ledger import analyse_story
from briefing.claims.stance import DENY_VERBS, has_denial_cue, headline_stance, rule_headline_stance
from briefing.models import Article, Story
from briefing.text import split_sentences

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from train_stance import headline_cv  # noqa: E402

SHARED = ROOT / ".." / "shared"
LABELS = ("for", "against", "observing")
csv.field_size_limit(1 << 30)
LABELLED_KEYS = (
    "stories", "claim_precision", "junk_rate", "multi_origin_share", "dispute_precision",
    "dispute_recall", "calm_kept", "figure_precision", "figure_recall", "claim_recall",
    "claim_recall_uncapped", "main_claim_recall", "dispute_missed_not_extracted",
    "dispute_missed_not_linked", "dispute_missed_cut_by_cap",
)


def _emergent(folder: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    test: list[dict[str, str]] = []
    for name in ("official-test-correct.csv", "official-test-errors.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            test += list(csv.DictReader(handle))
    test_ids = {row["articleId"] for row in test}
    with (folder / "url-versions-2015-06-14-clean.csv").open(encoding="utf-8") as handle:
        dev = [row for row in csv.DictReader(handle) if row["articleId"] not in test_ids]
    for row in dev:
        row["y"] = row["articleHeadlineStance"]
    return test, dev


def _denial_word(text: str) -> bool:
    return bool({w.lower() for w in re.findall(r"\w+", text)} & DENY_VERBS) or has_denial_cue(
        text
    )


def _scores(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    out = {"accuracy": float(accuracy_score(gold, pred))}
    p, r, f, _ = precision_recall_fscore_support(
        gold, pred, labels=list(LABELS), zero_division=0
    )
    for k, label in enumerate(LABELS):
        out[f"{label}_p"], out[f"{label}_r"], out[f"{label}_f1"] = (
            float(p[k]), float(r[k]), float(f[k])
        )
    out["macro_f1"] = float(sum(f) / len(f))
    return out


def _row(name: str, s: dict[str, float]) -> str:
    cells = [f"{s['accuracy']:.3f}"]
    cells += [f"{s[f'{label}_f1']:.3f}" for label in LABELS]
    cells.append(f"{s['macro_f1']:.3f}")
    return f"| {name:<44} | " + " | ".join(cells) + " |"


def _model_bytes(name: str) -> int:
    return len(learned_stance.model_text(name).encode("utf-8"))


def _microseconds(calls: Sequence[Callable[[], object]]) -> float:
    started = time.perf_counter()
    for call in calls:
        call()
    return 1e6 * (time.perf_counter() - started) / max(1, len(calls))


def bench_emergent(folder: Path) -> dict[str, float]:
    test, dev = _emergent(folder)
    print(f"Emergent: official test split {len(test)} rows "
          f"{dict(Counter(r['y'] for r in test))}; development rows {len(dev)}")
    print()
    print("| Emergent                                     | acc   | for F1 | against F1 "
          "| observing F1 | macro F1 |")
    print("|---|---|---|---|---|---|")
    results: dict[str, float] = {}
    methods: list[tuple[str, Callable[[str], str]]] = [
        ("majority class (for)", lambda _h: "for"),
        ("denial word in headline -> against, else for",
         lambda h: "against" if _denial_word(h) else "for"),
        ("rules: rule_headline_stance", rule_headline_stance),
        ("learned: headline_stance", headline_stance),
    ]
    model = learned_stance.load_model(learned_stance.HEADLINE_MODEL)
    for split, rows in (("test", test), ("dev", dev)):
        gold = [r["y"] for r in rows]
        for name, method in methods:
            if split == "dev" and method is headline_stance:
                c = float(model.meta["C"])  # type: ignore[arg-type]
                _, predicted = headline_cv(dev, c)
                name = "learned, out-of-fold (5 folds by claim)"
            else:
                predicted = [method(r["articleHeadline"]) for r in rows]
            scores = _scores(gold, predicted)
            print(_row(f"{name} [{split}]", scores))
            results[f"{split}:{name}"] = scores["accuracy"]
            if split == "test" and method is headline_stance:
                results.update({k: v for k, v in scores.items()})
    print("| Ferreira & Vlachos 2016, trained [test]      | 0.733 | | | | |")
    headlines = [r["articleHeadline"] for r in test]
    learned_us = _microseconds([lambda h=h: headline_stance(h) for h in headlines])
    rules_us = _microseconds([lambda h=h: rule_headline_stance(h) for h in headlines])
    size = _model_bytes(learned_stance.HEADLINE_MODEL)
    print()
    print(f"Learned headline stance: {size / 1024:.0f} KiB JSON "
          f"({len(model.weights)} features x {len(model.classes)} classes), "  # type: ignore[union-attr]
          f"trained in {model.meta['training_seconds']} s on {model.meta['rows']} rows, "
          f"C={model.meta['C']}; {learned_us:.0f} us per headline (rules alone {rules_us:.0f} us)")
    print()
    results["rules_test"] = results["test:rules: rule_headline_stance"]
    results["rules_dev"] = results["dev:rules: rule_headline_stance"]
    results["learned_dev_oof"] = results["dev:learned, out-of-fold (5 folds by claim)"]
    results["model_bytes"] = size
    results["us_per_call"] = learned_us
    results["training_seconds"] = float(model.meta["training_seconds"])  # type: ignore[arg-type]
    return results


def _prf(gold: Sequence[bool], pred: Sequence[bool]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bench_fnc(folder: Path, limit: int | None) -> dict[str, float]:
    with (folder / "competition_test_bodies.csv").open(encoding="utf-8") as handle:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(handle)}
    with (folder / "competition_test_stances.csv").open(encoding="utf-8") as handle:
        pairs = list(csv.DictReader(handle))
    if limit:
        pairs = pairs[:limit]
    gold = [p["Stance"] == "disagree" for p in pairs]
    print(f"FNC-1 competition test: {len(pairs)} pairs, {sum(gold)} disagree, "
          f"{len(bodies)} bodies")
    print()
    started = time.perf_counter()
    body_denies = {k: _denial_word(v) for k, v in bodies.items()}
    attributed = {k: denial_statements(v) for k, v in bodies.items()}
    any_denial = {k: denial_statements(v, attributed_only=False) for k, v in bodies.items()}
    methods: list[tuple[str, Callable[[str, str], bool]]] = [
        ("always disagree", lambda _h, _b: True),
        ("denial word anywhere in body", lambda _h, b: body_denies[b]),
        ("contests(), attributed denials only",
         lambda h, b: headline_stance(h) != "against" and contests(h, attributed[b])),
        ("contests(), + outlet-voice denials (briefing)",
         lambda h, b: headline_stance(h) != "against" and contests(h, any_denial[b])),
    ]
    print("| FNC-1 `disagree`                             | precision | recall | F1    |")
    print("|---|---|---|---|")
    out: dict[str, float] = {}
    for name, method in methods:
        pred = [method(p["Headline"], p["Body ID"]) for p in pairs]
        precision, recall, f1 = _prf(gold, pred)
        print(f"| {name:<44} | {precision:.3f}     | {recall:.3f}  | {f1:.3f} |")
        out[name] = f1
        if name.startswith("contests(), attributed denials only"):
            out["attributed_p"], out["attributed_r"], out["attributed_f1"] = precision, recall, f1
        if name.startswith("contests(), +"):
            out["p"], out["r"], out["f1"] = precision, recall, f1
    out["seconds"] = time.perf_counter() - started

    model = learned_stance.load_model(learned_stance.DISAGREE_MODEL)
    threshold = disagreement_threshold()
    started = time.perf_counter()
    scores = [disagreement(p["Headline"], bodies[p["Body ID"]]) for p in pairs]
    pair_us = 1e6 * (time.perf_counter() - started) / max(1, len(pairs))
    precision, recall, f1 = _prf(gold, [x >= threshold for x in scores])
    name = "learned: disagreement() >= threshold"
    print(f"| {name:<44} | {precision:.3f}     | {recall:.3f}  | {f1:.3f} |")
    out["learned_p"], out["learned_r"], out["learned_f1"] = precision, recall, f1
    # the best F1 any cut would reach, in hindsight: shown only to say how far the ranking is
    # from the goal, never used to pick the cut
    ranked = sorted(zip(scores, gold, strict=True), reverse=True)
    tp = best_f1 = best_p_at_goal_f1 = 0.0
    for k, (_, g) in enumerate(ranked, start=1):
        tp += g
        if tp:
            f1_here = 2 * tp / (k + sum(gold))
            best_f1 = max(best_f1, f1_here)
            if f1_here >= 0.30:  # the goal's F1: how precise can any cut be and still reach it?
                best_p_at_goal_f1 = max(best_p_at_goal_f1, tp / k)
    out["learned_best_f1_hindsight"] = best_f1
    out["learned_best_precision_at_f1_030_hindsight"] = best_p_at_goal_f1
    meta = model.meta
    body, sentence = meta["validation_body"], meta["validation_sentence"]
    assert isinstance(body, dict) and isinstance(sentence, dict)
    print(f"| learned, FNC-1 train out-of-fold (bodies)    | {body['precision']:.3f}     "
          f"| {body['recall']:.3f}  | {body['f1']:.3f} |")
    print(f"| learned, FNC-1 train out-of-fold (1 sentence) | {sentence['precision']:.3f}     "
          f"| {sentence['recall']:.3f}  | {sentence['f1']:.3f} |")
    print()
    sentences = [
        (p["Headline"], s.text)
        for p in pairs[:3000]
        for s in split_sentences(bodies[p["Body ID"]])[:1]
    ]
    sentence_us = _microseconds([lambda c=c, t=t: disagreement(c, t) for c, t in sentences])
    size = _model_bytes(learned_stance.DISAGREE_MODEL)
    print(f"Learned disagreement: threshold {threshold:.3f} for a text, "
          f"{disagreement_threshold(single_sentence=True):.3f} for one sentence "
          f"({meta['threshold_rule']}; {meta['validation']}); {size / 1024:.0f} KiB JSON, "
          f"{meta['trees']} trees; trained in {meta['training_seconds']} s; "
          f"{pair_us:.0f} us per headline/body pair (body analysis cached per body), "
          f"{sentence_us:.0f} us per claim/sentence call; best F1 of any cut in hindsight "
          f"{best_f1:.3f}, best precision of any cut with F1 >= 0.30 in hindsight "
          f"{best_p_at_goal_f1:.3f} (neither used)")
    print()
    out["learned_validation_p"] = float(body["precision"])
    out["learned_validation_r"] = float(body["recall"])
    out["learned_validation_f1"] = float(body["f1"])
    out["learned_validation_sentence_f1"] = float(sentence["f1"])
    out["learned_threshold"] = threshold
    out["learned_model_bytes"] = size
    out["learned_us_per_pair"] = pair_us
    out["learned_us_per_sentence"] = sentence_us
    out["learned_training_seconds"] = float(meta["training_seconds"])  # type: ignore[arg-type]
    return out


def bench_seeds(folder: Path) -> dict[str, float]:
    now = datetime(2025, 4, 27, tzinfo=UTC)
    articles = []
    for path in sorted(folder.glob("*.txt")):
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        articles.append(Article(path.stem, path.stem[:3], f"https://seed/{path.stem}", title,
                                text, now, now))
    story = Story("seeds", tuple(articles), {a.id: a.id for a in articles})
    started = time.perf_counter()
    claims, disputes, figures = analyse_story(story, disagreement=learned_disagreement())
    seconds = time.perf_counter() - started
    print(f"Seeds story: {len(articles)} articles -> {len(claims)} claims, "
          f"{len(disputes)} disputes, {len(figures)} figure groups "
          f"({sum(f.disagree for f in figures)} disagreeing) in {seconds:.2f}s")
    for dispute in disputes:
        claim = claims[dispute.claim]
        against = "; ".join(claims[k].actor for k in dispute.counter)
        print(f"  - {claim.actor}: \"{claim.text[:70]}\" disputed by {against}")
    for figure in figures:
        values = ", ".join(f"{v.source}: {v.text}" for v in figure.values)
        print(f"  - {figure.quantity} (disagree={figure.disagree}): {values}")
    print()
    return {"claims": len(claims), "disputes": len(disputes), "figures": len(figures),
            "seconds": seconds}


def bench_multinews(path: Path) -> dict[str, float]:
    """No labels: how often real multi-outlet stories raise a flag (a regression signal for
    false alarms; each flag was read by hand when the thresholds were set)."""
    with path.open(encoding="utf-8") as handle:
        rows = [ast.literal_eval(r["documents"]) for r in csv.DictReader(handle)]
    now = datetime(2025, 1, 1, tzinfo=UTC)
    disagreement = learned_disagreement()
    claims = disputes = groups = disagree = 0
    started = time.perf_counter()
    for i, documents in enumerate(rows):
        articles = tuple(
            Article(f"r{i}d{k}", f"outlet {k}", f"https://mn/{i}/{k}", "", d, now, now)
            for k, d in enumerate(documents)
            if d.strip()
        )
        c, d, f = analyse_story(
            Story(f"s{i}", articles, {a.id: a.id for a in articles}), disagreement=disagreement
        )
        claims += len(c)
        disputes += len(d)
        groups += len(f)
        disagree += sum(x.disagree for x in f)
    seconds = time.perf_counter() - started
    print(f"Multi-News sample, {len(rows)} stories (no labels): {claims / len(rows):.1f} claims, "
          f"{disputes / len(rows):.3f} disputes, {groups / len(rows):.2f} figure groups, "
          f"{disagree / len(rows):.3f} disagreeing figure groups per story; "
          f"{1000 * seconds / len(rows):.0f} ms per story")
    print()
    return {"disputes_per_story": disputes / len(rows),
            "disagreeing_figures_per_story": disagree / len(rows)}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--fnc-limit", type=int, default=None)
    parser.add_argument("--labelled-only", action="store_true",
                        help="only the labelled Multi-News set")
    parser.add_argument("--verbose", action="store_true",
                        help="print what missed on the dev stories of the labelled set")
    parser.add_argument("--rules-only", action="store_true",
                        help="with --labelled-only: also score the shared-content rules "
                        "without the learned disagreement scorer")
    args = parser.parse_args(argv)
    data = args.shared / "eval-data"
    sample = data / "multinews-sample" / "multinews_test_sample250.csv"
    if args.labelled_only:
        if args.rules_only:
            bench_labelled(sample, disagreement=None)
        labelled = bench_labelled(sample, verbose=args.verbose)
        judged = bench_judged(sample)
        disputes = bench_disputes_judged(sample)
        print(json.dumps({"labelled": labelled, "judged": judged, "disputes_judged": disputes}))
        return 0
    emergent = bench_emergent(data / "emergent")
    fnc = bench_fnc(data / "fnc1", args.fnc_limit)
    seeds = bench_seeds(args.shared / "seeds")
    multinews = bench_multinews(sample)
    labelled = bench_labelled(sample, verbose=args.verbose)
    judged = bench_judged(sample)
    disputes = bench_disputes_judged(sample)
    print(json.dumps({
        "emergent_accuracy": round(emergent["accuracy"], 4),
        "emergent_f1": {label: round(emergent[f"{label}_f1"], 4) for label in LABELS},
        "emergent_macro_f1": round(emergent["macro_f1"], 4),
        "fnc1_disagree_precision": round(fnc["p"], 4),
        "fnc1_disagree_recall": round(fnc["r"], 4),
        "fnc1_disagree_f1": round(fnc["f1"], 4),
        "fnc1_disagree_f1_attributed_only": round(fnc["attributed_f1"], 4),
        "fnc1_seconds": round(fnc["seconds"], 1),
        "emergent_accuracy_rules": round(emergent["rules_test"], 4),
        "emergent_dev_accuracy_rules": round(emergent["rules_dev"], 4),
        "emergent_dev_accuracy_learned_oof": round(emergent["learned_dev_oof"], 4),
        "emergent_model_bytes": int(emergent["model_bytes"]),
        "emergent_us_per_headline": round(emergent["us_per_call"], 1),
        "emergent_training_seconds": emergent["training_seconds"],
        "fnc1_disagree_learned_precision": round(fnc["learned_p"], 4),
        "fnc1_disagree_learned_recall": round(fnc["learned_r"], 4),
        "fnc1_disagree_learned_f1": round(fnc["learned_f1"], 4),
        "fnc1_disagree_learned_best_f1_hindsight": round(fnc["learned_best_f1_hindsight"], 4),
        "fnc1_disagree_learned_best_precision_at_f1_030_hindsight": round(
            fnc["learned_best_precision_at_f1_030_hindsight"], 4
        ),
        "fnc1_learned_threshold": round(fnc["learned_threshold"], 4),
        "fnc1_learned_validation_precision": fnc["learned_validation_p"],
        "fnc1_learned_validation_recall": fnc["learned_validation_r"],
        "fnc1_learned_validation_f1": fnc["learned_validation_f1"],
        "fnc1_learned_validation_sentence_f1": fnc["learned_validation_sentence_f1"],
        "fnc1_learned_model_bytes": int(fnc["learned_model_bytes"]),
        "fnc1_learned_us_per_pair": round(fnc["learned_us_per_pair"], 1),
        "fnc1_learned_us_per_sentence": round(fnc["learned_us_per_sentence"], 1),
        "fnc1_learned_training_seconds": fnc["learned_training_seconds"],
        "seeds_disputes": seeds["disputes"],
        "seeds_figure_groups": seeds["figures"],
        "multinews_disputes_per_story": round(multinews["disputes_per_story"], 4),
        "multinews_disagreeing_figures_per_story": round(
            multinews["disagreeing_figures_per_story"], 4
        ),
        **{
            f"labelled_{split}_{key}": value
            for split, figures in labelled.items()
            for key, value in figures.items()
            if key in LABELLED_KEYS
        },
        **{
            f"judged_{split}_{key}": value
            for split, figures in judged.items()
            for key, value in figures.items()
        },
        **{f"disputes_{key}": value for key, value in disputes.items()},
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
