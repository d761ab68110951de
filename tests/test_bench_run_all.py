"""bench/run_all.py: a failing benchmark is reported, never fatal; figures reach RESULTS.md."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[1] / "bench"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_run_all", BENCH / "run_all.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


run_all = _load()


def _script(folder: Path, name: str, body: str) -> Path:
    path = folder / name
    path.write_text(body, encoding="utf-8")
    return path


def test_outcomes_of_good_failing_silent_and_skipped_scripts(tmp_path: Path) -> None:
    good = _script(tmp_path, "good.py", 'print("a  1")\nprint(\'{"f1": 0.5, "r": [1, 2]}\')\n')
    crash = _script(tmp_path, "crash.py", 'print("partial")\nraise SystemExit("broken data")\n')
    silent = _script(tmp_path, "silent.py", 'print("a table but no json")\n')
    skipped = _script(tmp_path, "skip.py", 'print(\'{"skipped": "no data"}\')\n')
    outcomes = [run_all.run_benchmark(p, sys.executable) for p in (good, crash, silent, skipped)]
    assert [o.status for o in outcomes] == ["ok", "failed", "failed", "skipped"]
    assert outcomes[0].figures == {"f1": 0.5, "r": [1, 2]} and outcomes[0].table == "a  1"
    assert "broken data" in outcomes[1].problem and "exit code 1" in outcomes[1].problem
    assert "no JSON" in outcomes[2].problem
    info = {"date": "d", "commit": "c", "machine": {"CPU": "x"}, "versions": {"python": "3"}}
    page = run_all.render(outcomes, info, ["later"])
    assert "| good | ok |" in page and "| crash | **failed** |" in page
    assert "| f1 | 0.5 |" in page and "| r | 1 / 2 |" in page
    assert "| later | not run yet |" in page


def test_discover_skips_helpers_and_runs_scale_last() -> None:
    names = [p.name for p in run_all.discover()]
    assert "run_all.py" not in names and "world.py" not in names
    assert not any(n.startswith("_") for n in names)
    if "scale.py" in names:
        assert names[-1] == "scale.py"


def test_a_partial_run_never_replaces_the_full_results() -> None:
    assert run_all.default_output(None).name == "RESULTS.md"
    assert run_all.default_output(["claims"]).name == "RESULTS-partial.md"
