"""The learned stance models: shipped in the package, loaded from it, sensible on sentences of
our own wording, and the training script runs end to end on a tiny synthetic data set."""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from briefing.claims.learned_stance import (
    DISAGREE_MODEL,
    HEADLINE_MODEL,
    LinearModel,
    TreeModel,
    disagreement,
    disagreement_features,
    disagreement_threshold,
    disagrees,
    headline_features,
    load_model,
)
from briefing.claims.stance import headline_stance, rule_headline_stance

ROOT = Path(__file__).resolve().parents[1]

CLAIM = "The new bridge over the river will open to traffic in March."
DENIAL = "City officials denied that the bridge over the river will open in March."
RESTATEMENT = "The bridge over the river opens to traffic in March, the mayor confirmed."
UNRELATED = "The football club won its third match of the season on Saturday."


def test_models_are_package_resources() -> None:
    from importlib.resources import files

    for name in (HEADLINE_MODEL, DISAGREE_MODEL):
        resource = files("briefing").joinpath("models_data", name)
        assert resource.is_file()
        assert json.loads(resource.read_text(encoding="utf-8"))["classes"]
    headline = load_model(HEADLINE_MODEL)
    assert isinstance(headline, LinearModel)
    assert set(headline.classes) == {"for", "against", "observing"}
    assert isinstance(load_model(DISAGREE_MODEL), TreeModel)
    assert load_model(HEADLINE_MODEL) is headline  # read once


def test_wheel_contains_the_models(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("briefing-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"briefing/models_data/{HEADLINE_MODEL}",
            f"briefing/models_data/{DISAGREE_MODEL}"} <= names


def test_headline_stance_keeps_its_labels_and_reads_clear_cases() -> None:
    assert headline_stance("Viral photo of a shark on a flooded highway is a hoax") == "against"
    assert headline_stance("Man reportedly finds a gold bar hidden in his attic") == "observing"
    assert headline_stance("Apple will release a new watch in April") == "for"
    for headline in ("", "???", "Officials deny"):
        assert headline_stance(headline) in {"for", "against", "observing"}
        assert rule_headline_stance(headline) in {"for", "against", "observing"}


def test_headline_features_carry_the_rules() -> None:
    features = headline_features("Officials deny reports the mayor resigned")
    assert features["rule:against"] == 1.0 and features["cue:deny_verb"] == 1.0
    assert features["w:deny"] == 1.0 and features["b:deny reports"] == 1.0


def test_a_denial_scores_above_an_agreeing_or_unrelated_sentence() -> None:
    denial, agree, unrelated = (disagreement(CLAIM, t) for t in (DENIAL, RESTATEMENT, UNRELATED))
    assert denial > agree and denial > unrelated
    assert disagrees(CLAIM, DENIAL)
    assert not disagrees(CLAIM, RESTATEMENT)
    assert not disagrees(CLAIM, UNRELATED)
    assert 0.0 < disagreement_threshold(single_sentence=True) < 1.0
    assert 0.0 < disagreement_threshold() < 1.0


def test_disagreement_never_fails_on_odd_input() -> None:
    for claim, text in (("", ""), (CLAIM, ""), ("", DENIAL), ("...", "!!!"), (CLAIM, "x" * 5000)):
        assert 0.0 <= disagreement(claim, text) <= 1.0
    assert disagreement_features("", "")["empty"] == 1.0


def _train_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_stance", ROOT / "scripts" /
                                                  "train_stance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def _synthetic(tmp_path: Path) -> tuple[Path, Path]:
    """Six invented claims with headlines in each stance, and bodies that assert or deny."""
    topics = ["harbour crane", "city library", "river ferry", "school roof", "night market",
              "tram line"]
    emergent, fnc = tmp_path / "emergent", tmp_path / "fnc"
    emergent.mkdir()
    fnc.mkdir()
    rows, stances, bodies = [], [], []
    for t, topic in enumerate(topics):
        claim = f"The {topic} will close next month"
        headlines = {
            "for": f"The {topic} closes next month",
            "against": f"Officials deny the {topic} will close, calling it a hoax",
            "observing": f"The {topic} may reportedly close, sources say",
        }
        for k, (stance, headline) in enumerate(headlines.items()):
            rows.append([str(len(rows)), claim, headline, stance, f"a{t}{k}", f"c{t}"])
        bodies.append([str(2 * t), f"The {topic} will close next month. Workers were told."])
        bodies.append([str(2 * t + 1), f"Officials denied that the {topic} will close. "
                                       "They said the report was false."])
        other = topics[(t + 1) % len(topics)]
        stances += [[f"The {topic} will close", str(2 * t), "agree"],
                    [f"The {topic} will close", str(2 * t + 1), "disagree"],
                    [f"The {other} opened today", str(2 * t), "unrelated"],
                    [f"The {other} opened today", str(2 * t + 1), "unrelated"]]
    header = ["id", "claimHeadline", "articleHeadline", "articleHeadlineStance", "articleId",
              "claimId"]
    _write_csv(emergent / "url-versions-2015-06-14-clean.csv", header, rows)
    test_header = ["", "claimHeadline", "articleHeadline", "y", "y_hat", "articleId", "claimId"]
    _write_csv(emergent / "official-test-correct.csv", test_header,
               [[r[0], r[1], r[2], r[3], r[3], r[4], r[5]] for r in rows[:3]])
    _write_csv(emergent / "official-test-errors.csv", test_header, [])
    _write_csv(fnc / "train_bodies.csv", ["Body ID", "articleBody"], bodies)
    _write_csv(fnc / "train_stances.csv", ["Headline", "Body ID", "Stance"], stances)
    return emergent, fnc


def test_training_script_runs_on_a_tiny_synthetic_set(tmp_path: Path) -> None:
    emergent, fnc = _synthetic(tmp_path)
    out = tmp_path / "models"
    assert _train_script().main(["--emergent", str(emergent), "--fnc", str(fnc),
                                 "--out", str(out), "--trees", "3"]) == 0
    headline = LinearModel.from_json(json.loads((out / HEADLINE_MODEL).read_text()))
    assert headline.meta["rows"] == 15  # the three test rows are left out
    trees = TreeModel.from_json(json.loads((out / DISAGREE_MODEL).read_text()))
    features = disagreement_features("The tram line will close",
                                     "Officials denied that the tram line will close.")
    assert 0.0 <= trees.probabilities(features)[1] <= 1.0
    assert len(trees.trees) > 0


def test_learned_headline_stance_beats_the_rules_floor_on_emergent() -> None:
    folder = ROOT.parent / "shared" / "eval-data" / "emergent"
    if not folder.is_dir():
        pytest.skip("../shared/eval-data/emergent is not present")
    _, test = _train_script().emergent_rows(folder)
    correct = sum(headline_stance(r["articleHeadline"]) == r["y"] for r in test)
    assert correct / len(test) >= 0.75

