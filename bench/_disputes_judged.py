"""Dispute precision judged by reading, on the whole Multi-News sample (250 real stories).

The labelled set (bench/_claims_labelled.py) holds 48 stories; its dispute precision rests on a
dozen pairs. Here every dispute the briefing shows on the sample's stories is judged by a reader
who saw neither the code nor the labels (bench/claims_labels/disputes_judged.json): is the
counter really contesting the claim (denying it, or saying something that cannot be true with
it), with both sides said by the actors shown? Rows of the labelled holdout are left out, so
nothing judged here is a look at the holdout. A judgment is keyed by a hash of the row and both
sides' actor and text (no article text is stored); a pair whose wording changed since it was
judged is counted as unjudged and left out of the precision. Pairs on even rows are the part the
code may be tuned on; pairs on odd rows are held out and reported apart.

Usage: .venv/bin/python bench/_disputes_judged.py --export FILE   (the pairs not yet judged,
with row, document indexes, actors, verbs and texts, for a reader)
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._claims_labelled import LABELS_DIR, story_of
from briefing.claims.disputes import learned_disagreement
from briefing.claims.ledger import analyse_story
from briefing.models import Claim

JUDGED = LABELS_DIR / "disputes_judged.json"
SAMPLE = (
    Path(__file__).resolve().parents[2]
    / "shared" / "eval-data" / "multinews-sample" / "multinews_test_sample250.csv"
)


def dispute_key(row: int, claim: Claim, counter: Claim) -> str:
    text = f"{row}|{claim.actor}|{claim.text}|{counter.actor}|{counter.text}"
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _holdout_rows() -> set[int]:
    stories = json.loads((LABELS_DIR / "stories.json").read_text(encoding="utf-8"))
    return {s["row"] for s in stories if s["split"] == "holdout"}


def shown_pairs(csv_path: Path) -> Iterator[tuple[int, Claim, Claim]]:
    """(row, claim, counter) for every dispute shown on the sample, holdout rows left out."""
    with csv_path.open(encoding="utf-8") as handle:
        rows = [r["documents"] for r in csv.DictReader(handle)]
    holdout = _holdout_rows()
    disagreement = learned_disagreement()
    for row, documents in enumerate(rows):
        if row in holdout:
            continue
        story = story_of(row, ast.literal_eval(documents))
        if not story.articles:
            continue
        claims, disputes, _ = analyse_story(story, disagreement=disagreement)
        for dispute in disputes:
            for k in dispute.counter:
                yield row, claims[dispute.claim], claims[k]


def _part(row: int) -> str:
    """Pairs on even rows are the ones the code may be tuned on; odd rows are held out."""
    return "tune" if row % 2 == 0 else "heldout"


def bench_disputes_judged(csv_path: Path, judged_path: Path = JUDGED) -> dict[str, float]:
    if not judged_path.exists():
        print("judged disputes: no bench/claims_labels/disputes_judged.json, skipped")
        return {}
    verdicts: dict[str, dict[str, Any]] = {
        j["key"]: j for j in json.loads(judged_path.read_text(encoding="utf-8"))["pairs"]
    }
    counts = {part: {"shown": 0, "judged": 0, "right": 0} for part in ("tune", "heldout")}
    for row, claim, counter in shown_pairs(csv_path):
        tally = counts[_part(row)]
        tally["shown"] += 1
        verdict = verdicts.get(dispute_key(row, claim, counter))
        if verdict is not None:
            tally["judged"] += 1
            tally["right"] += verdict["verdict"] == "right"
    out: dict[str, float] = {}
    print("| disputes judged by reading (sample less labelled holdout) | tune | heldout | all |")
    print("|---|---|---|---|")
    for key in ("shown", "judged", "right"):
        values = [counts["tune"][key], counts["heldout"][key]]
        print(f"| {key} | {values[0]} | {values[1]} | {sum(values)} |")
        out.update({f"{part}_{key}": counts[part][key] for part in counts})
    shares = []
    for part in ("tune", "heldout", "all"):
        right = sum(c["right"] for p, c in counts.items() if part in (p, "all"))
        judged = sum(c["judged"] for p, c in counts.items() if part in (p, "all"))
        out[f"{part}_judged_precision"] = round(right / judged, 3) if judged else 0.0
        shares.append(str(out[f"{part}_judged_precision"]))
    print("| judged_precision | " + " | ".join(shares) + " |")
    print()
    return out


def _side(claim: Claim) -> dict[str, object]:
    return {
        "actor": claim.actor, "verb": claim.verb, "text": claim.text, "quoted": claim.quoted,
        "docs": sorted({int(a.rpartition("d")[2]) for a in claim.article_ids}),
    }


def export_unjudged(csv_path: Path, out: Path, judged_path: Path = JUDGED) -> int:
    done = set()
    if judged_path.exists():
        done = {j["key"] for j in json.loads(judged_path.read_text(encoding="utf-8"))["pairs"]}
    pairs = [
        {"key": dispute_key(row, claim, counter), "row": row,
         "claim": _side(claim), "counter": _side(counter)}
        for row, claim, counter in shown_pairs(csv_path)
        if dispute_key(row, claim, counter) not in done
    ]
    out.write_text(json.dumps(pairs, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(pairs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=Path, default=SAMPLE)
    parser.add_argument("--export", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.export is not None:
        print(f"{export_unjudged(args.sample, args.export)} pairs written to {args.export}")
        return 0
    bench_disputes_judged(args.sample)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
