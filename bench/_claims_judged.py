"""Claim precision judged by reading: the claims the briefing shows, each judged right or wrong.

The labelled set (bench/_claims_labelled.py) scores claims by matching them to labels, which
undercounts a right claim whenever the labels left a statement out. Here a reader who saw
neither the code nor the labels judged each shown claim against its article
(bench/claims_labels/judged.json): the actor made the statement (actor_ok), names them so a
reader knows who it is (actor_complete), the content is what they said and reads on its own
(content_ok), and quotation marks are shown exactly when the words stood inside them
(quoted_ok). A judgment is keyed by a hash of the row, the actor and the text, so the file
stores no article text; a claim whose wording changed since it was judged is counted as
unjudged and left out of the precision, and the count of unjudged claims is printed beside it.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench._claims_labelled import LABELS_DIR, story_of
from briefing.claims.disputes import Disagreement, DisagreementScorer, learned_disagreement
from briefing.claims.ledger import analyse_story
from briefing.models import Claim

JUDGED = LABELS_DIR / "judged.json"


def claim_key(row: int, claim: Claim) -> str:
    return hashlib.sha1(f"{row}|{claim.actor}|{claim.text}".encode()).hexdigest()[:16]


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def bench_judged(
    csv_path: Path,
    judged_path: Path = JUDGED,
    *,
    splits: Sequence[str] = ("dev", "holdout"),
    disagreement: Disagreement | DisagreementScorer | str | None = "learned",
) -> dict[str, dict[str, float]]:
    """Judged precision of the claims analyse_story shows on the labelled stories (with the
    learned disagreement scorer, as the briefing runs it, unless told otherwise)."""
    if isinstance(disagreement, str):
        disagreement = learned_disagreement()
    if not judged_path.exists():
        print("judged claims: no bench/claims_labels/judged.json, skipped")
        return {}
    verdicts: dict[str, dict[str, Any]] = {
        j["key"]: j for j in json.loads(judged_path.read_text(encoding="utf-8"))["claims"]
    }
    stories = json.loads((LABELS_DIR / "stories.json").read_text(encoding="utf-8"))
    with csv_path.open(encoding="utf-8") as handle:
        rows = [r["documents"] for r in csv.DictReader(handle)]
    counts = {s: {"shown": 0, "judged": 0, "right": 0, "actor_complete": 0} for s in splits}
    for entry in stories:
        if entry["split"] not in counts:
            continue
        story = story_of(entry["row"], ast.literal_eval(rows[entry["row"]]))
        claims, _, _ = analyse_story(story, disagreement=disagreement)
        tally = counts[entry["split"]]
        for claim in claims:
            tally["shown"] += 1
            verdict = verdicts.get(claim_key(entry["row"], claim))
            if verdict is None:
                continue
            tally["judged"] += 1
            tally["right"] += verdict["verdict"] == "right"
            tally["actor_complete"] += verdict["verdict"] == "right" and verdict["actor_complete"]
    out = {
        split: {
            "shown": c["shown"],
            "judged": c["judged"],
            "judged_precision": _share(c["right"], c["judged"]),
            "judged_precision_complete_actor": _share(c["actor_complete"], c["judged"]),
        }
        for split, c in counts.items()
    }
    print("| claims judged by reading | " + " | ".join(splits) + " |")
    print("|---|" + "---|" * len(splits))
    for key in ("shown", "judged", "judged_precision", "judged_precision_complete_actor"):
        print(f"| {key} | " + " | ".join(str(out[s][key]) for s in splits) + " |")
    print()
    return out
