"""Run every benchmark in bench/ and write bench/RESULTS.md (what ``make bench`` does).

A benchmark is any ``bench/*.py`` script except this one, helper modules and names starting
with ``_``. Each runs as a subprocess with the project's venv Python, prints a table and, as
its last line, one JSON object. A benchmark that fails, times out or prints no JSON is reported
as failed in RESULTS.md; the others still run. RESULTS.md is rewritten after every benchmark, so
an interrupted run still leaves what it measured.

Usage: .venv/bin/python bench/run_all.py [--only NAME ...] [--output PATH]
(with --only and no --output the results go to bench/RESULTS-partial.md, not RESULTS.md)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
HELPERS = {"run_all.py", "world.py"}
LAST = ("scale.py",)
"""Run after the quality benchmarks: the heaviest, and it wants the machine to itself."""
TIMEOUTS = {"scale.py": 1200.0}
DEFAULT_TIMEOUT = 600.0
PACKAGES = (
    "feedparser", "httpx", "trafilatura", "lxml", "sumy", "pysbd", "nltk", "scikit-learn",
    "numpy", "scipy", "datasketch", "jinja2", "css-inline", "nh3", "weasyprint", "pydantic",
    "apscheduler", "rouge-score", "pyinstrument",
)
STALLED_TAIL = 15


@dataclass
class Outcome:
    name: str
    seconds: float
    status: str
    table: str = ""
    figures: dict[str, Any] | None = None
    problem: str = ""
    command: list[str] = field(default_factory=list)
    load: tuple[float, float] = (0.0, 0.0)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def venv_python() -> str:
    candidate = REPO / ".venv" / "bin" / "python"
    return str(candidate) if candidate.exists() else sys.executable


def discover(only: list[str] | None = None) -> list[Path]:
    scripts = [
        p for p in sorted(BENCH.glob("*.py"))
        if p.name not in HELPERS and not p.name.startswith("_")
    ]
    if only:
        wanted = {n.removesuffix(".py") for n in only}
        scripts = [p for p in scripts if p.stem in wanted]
    return sorted(scripts, key=lambda p: (p.name in LAST, p.name))


def last_json(stdout: str) -> dict[str, Any] | None:
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        return None
    try:
        value = json.loads(lines[-1])
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def run_benchmark(script: Path, python: str) -> Outcome:
    command = [python, str(script.relative_to(REPO) if script.is_relative_to(REPO) else script)]
    timeout = TIMEOUTS.get(script.name, DEFAULT_TIMEOUT)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            command, cwd=REPO, capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as err:
        out = err.stdout.decode() if isinstance(err.stdout, bytes) else (err.stdout or "")
        return Outcome(script.stem, round(time.perf_counter() - started, 1), "timed out",
                       table=out, problem=f"no result within {timeout:.0f} s", command=command)
    seconds = round(time.perf_counter() - started, 1)
    lines = done.stdout.rstrip().splitlines()
    figures = last_json(done.stdout)
    table = "\n".join(lines[:-1] if figures is not None else lines).strip("\n")
    if done.returncode != 0 or figures is None:
        tail = "\n".join(done.stderr.strip().splitlines()[-STALLED_TAIL:])
        why = f"exit code {done.returncode}" if done.returncode else "no JSON on the last line"
        return Outcome(script.stem, seconds, "failed", table=table, figures=figures,
                       problem=f"{why}\n{tail}".strip(), command=command)
    if "skipped" in figures:
        return Outcome(script.stem, seconds, "skipped", table=table, figures=figures,
                       problem=str(figures["skipped"]), command=command)
    return Outcome(script.stem, seconds, "ok", table=table, figures=figures, command=command)


# -- the machine and the software -------------------------------------------------------------


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
         if line.startswith("model name")),
        platform.processor() or "unknown",
    )
    mem = next(
        (int(line.split()[1]) for line in _read("/proc/meminfo").splitlines()
         if line.startswith("MemTotal:")),
        0,
    )
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "CPU": cpu,
        "cores": f"{os.cpu_count()} (usable by this process: {usable})",
        "RAM": f"{mem / 1024 / 1024:.1f} GiB" if mem else "unknown",
        "OS": platform.platform(),
    }


_VERSIONS_SCRIPT = """
import json, sqlite3, sys
from importlib import metadata
out = {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}
for name in sys.argv[1:]:
    try:
        out[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        out[name] = "not installed"
print(json.dumps(out))
"""


def versions(python: str) -> dict[str, str]:
    """Versions as the benchmarks' interpreter sees them."""
    done = subprocess.run(
        [python, "-c", _VERSIONS_SCRIPT, *PACKAGES], capture_output=True, text=True, check=False
    )
    return last_json(done.stdout) or {"python": "unknown"}


def git_revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=REPO, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "briefing", "bench")
    return commit + (" (with uncommitted changes in briefing/ or bench/)" if dirty else "")


def code_fingerprint() -> str:
    """A hash of the package and templates, to notice code edited while the benchmarks ran."""
    digest = hashlib.sha1()
    for folder in ("briefing", "templates"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


# -- RESULTS.md ---------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:,.3f}".rstrip("0").rstrip(".")
    elif isinstance(value, list) and all(isinstance(v, int | float) for v in value):
        text = " / ".join(_cell(v) for v in value)
    elif isinstance(value, bool) or value is None:
        text = str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        text = json.dumps(value) if isinstance(value, list | dict) else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted keys -> leaves; a list of numbers stays one leaf (e.g. R-1 / R-2 / R-L)."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows += flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = []
        for index, inner in enumerate(value):
            rows += flatten(inner, f"{prefix}[{index}]")
        return rows
    return [(prefix, value)]


def _scale_section(figures: dict[str, Any]) -> list[str]:
    lines = [
        f"Synthetic world: {figures['feeds']} feeds on {min(figures['hosts'], figures['feeds'])}"
        f" loopback hosts, {figures['articles']:,} articles drawn from the Multi-News sample, "
        f"{figures['latency_seconds']} s server latency, "
        f"{figures['teaser_share']:.0%} of feeds teaser-only (their pages fetched and "
        "extracted). Each phase runs in its own process.",
        "",
        "| figure | measured | goal | met |",
        "|---|---:|---|---|",
    ]
    for row in figures.get("checks", []):
        met = {True: "yes", False: "**NO**", None: "–"}[row["ok"]]
        lines.append(f"| {_cell(row['figure'])} | {_cell(row['value'])} | "
                     f"{_cell(row['goal'])} | {met} |")
    for phase, error in (figures.get("errors") or {}).items():
        lines.append(f"\n**{phase} failed:**\n\n```\n{error}\n```")
    e2e = figures.get("e2e")
    if e2e:
        peaks = e2e["rss_mb"].get("by_stage", {})
        cpu = e2e.get("cpu_seconds", {})
        lines += ["", "End-to-end run per stage: wall-clock seconds, CPU seconds (the PDF worker "
                  "process included), and the peak resident memory sampled while the stage ran "
                  "(the build's stages measured inside the same run):", "",
                  "| stage | seconds | CPU seconds | peak RSS MB |", "|---|---:|---:|---:|"]
        lines += [f"| {k} | {_cell(v)} | {_cell(cpu.get(k, ''))} | {_cell(peaks.get(k, ''))} |"
                  for k, v in e2e["seconds"].items()]
        lines += [f"| build: {k} | {_cell(v)} | | {_cell(peaks.get('build: ' + k, ''))} |"
                  for k, v in sorted(e2e["build_stages"].items(), key=lambda kv: -kv[1])]
        lines += [
            "",
            f"Peak RSS of the pipeline process {e2e['rss_mb']['peak']} MB (kernel ru_maxrss; "
            f"the PDF is rendered in a separate short-lived process); {e2e['parses']} feedparser "
            f"parses; HTTP {_cell(e2e['http'])}; {e2e['new_articles']:,} new articles; "
            f"{e2e['stories']} stories (median {e2e['story_size_median']} articles), "
            f"{e2e['claims']} claims; PDF {e2e['pdf_bytes']:,} bytes. "
            f"Whole process incl. interpreter start: {e2e['process_seconds']} s.",
        ]
    again = figures.get("again")
    if again:
        lines += [
            "",
            f"Nothing-new run (`briefing collect --force` through the CLI, real clock), run "
            f"twice: {', '.join(str(t) for t in again.get('tries_seconds', []))} s; "
            f"the best, {again['process_seconds']} s for the whole process, of which importing the "
            f"CLI {again['seconds']['import cli']} s and the collect command (its own imports "
            f"included) {again['seconds']['collect command']} s; {again['parses']} parses; "
            f"HTTP {_cell(again['http'])}; articles stored {again['articles_stored']:,} "
            "(unchanged).",
        ]
    archive = figures.get("archive") or {}
    if archive:
        lines += ["", "Briefing build over the same window with older articles in the "
                  "database (best of the runs; older articles at 2,800 a day with past "
                  "briefings, newest first, so the smaller archive is the newest part of the "
                  "larger):", "",
                  "| older articles | articles in DB | DB MB | fill s | build runs s (CPU s) "
                  "| best s | best CPU s | select window s |",
                  "|---:|---:|---:|---:|---|---:|---:|---:|"]
        for size, data in sorted(archive.items(), key=lambda kv: int(kv[0])):
            fill, build = data["fill"], data["build"]
            runs = ", ".join(f"{_cell(r['seconds'])} ({_cell(r['cpu_seconds'])})"
                             for r in build["runs"])
            select = min(r["stages"].get("select window", 0) for r in build["runs"])
            lines.append(f"| {int(size):,} | {build['articles_in_db']:,} | {fill['db_mb']} | "
                         f"{fill['seconds_insert'] + fill['seconds_briefings']:.1f} | {runs} | "
                         f"{build['best']} | {build['best_cpu']} | {_cell(select)} |")
    profile = figures.get("profile")
    if profile:
        top = profile["top"]
        named = "; ".join(
            f"({i}) `{row['function']}` {row['seconds']} s, through {row['mostly_in']}, "
            f"innermost {row.get('leaf', '?')}" for i, row in enumerate(top[:3], 1)
        )
        lines += ["", f"**Top three costs of the {figures['articles']:,}-article run:** {named}."]
        lines += ["", f"Profile (pyinstrument) of a second end-to-end run on a fresh database "
                  f"({profile['seconds']['total']} s under the profiler). Time charged to the "
                  "innermost project function on the stack:", "",
                  "| # | project function | seconds | through | innermost frame |",
                  "|---:|---|---:|---|---|"]
        lines += [f"| {i} | `{row['function']}` | {row['seconds']} | {_cell(row['mostly_in'])} "
                  f"| {_cell(row.get('leaf', ''))} |" for i, row in enumerate(top, 1)]
        lines += ["", "<details><summary>pyinstrument call tree</summary>", "", "```",
                  profile["text"].strip("\n"), "```", "", "</details>"]
    return lines


def render(outcomes: list[Outcome], info: dict[str, Any], pending: list[str]) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`bench/run_all.py`) on {info['date']}, "
        f"commit {info['commit']}. Do not edit by hand: run `make bench` again.",
        "",
        "## Machine and versions",
        "",
        "| | |",
        "|---|---|",
    ]
    lines += [f"| {k} | {_cell(v)} |" for k, v in info["machine"].items()]
    lines += [f"| {k} | {_cell(v)} |" for k, v in info["versions"].items()]
    lines += ["", "## Summary", "", "| benchmark | status | seconds | load average before / "
              "after |", "|---|---|---:|---|"]
    for outcome in outcomes:
        status = outcome.status if outcome.ok else f"**{outcome.status}**"
        load = f"{outcome.load[0]:.1f} / {outcome.load[1]:.1f}"
        lines.append(f"| {outcome.name} | {status} | {outcome.seconds} | {load} |")
    lines += [f"| {name} | not run yet | | |" for name in pending]
    if info.get("code_changed"):
        lines += ["", f"**The package or its templates changed while the benchmarks ran** "
                  f"(during: {', '.join(info['code_changed'])}): those figures mix versions."]
    total = sum(o.seconds for o in outcomes)
    cores = os.cpu_count() or 1
    lines += ["", f"Total {total:.0f} s. Timings are only comparable between runs on a quiet "
              f"machine: a 1-minute load average above {cores} (the core count) means other "
              "work was competing for the CPU."]
    for outcome in outcomes:
        lines += ["", f"## {outcome.name}", "", f"`{' '.join(outcome.command[1:])}`: "
                  f"{outcome.status} in {outcome.seconds} s.", ""]
        if outcome.problem:
            lines += ["```", outcome.problem, "```", ""]
        if outcome.name == "scale" and outcome.ok and outcome.figures:
            lines += _scale_section(outcome.figures)
            continue
        if outcome.table:
            lines += ["Its table (each figure beside the baselines it printed):", "", "```",
                      outcome.table, "```", ""]
        if outcome.figures:
            lines += ["Its last-line JSON:", "", "| figure | value |", "|---|---:|"]
            lines += [f"| {k} | {_cell(v)} |" for k, v in flatten(outcome.figures)]
    return "\n".join(lines).rstrip() + "\n"


def default_output(only: list[str] | None) -> Path:
    return BENCH / ("RESULTS-partial.md" if only else "RESULTS.md")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run every benchmark; write RESULTS.md.")
    parser.add_argument("--only", nargs="+", help="run only these benchmarks (names)")
    parser.add_argument(
        "--output", type=Path, default=None,
        help="where to write (default RESULTS.md; with --only, RESULTS-partial.md, so a partial "
        "run never replaces the full results)",
    )
    options = parser.parse_args(argv)
    options.output = options.output or default_output(options.only)
    python = venv_python()
    scripts = discover(options.only)
    if not scripts:
        print("no benchmarks found", file=sys.stderr)
        return 2
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": git_revision(),
        "machine": machine(),
        "versions": versions(python),
    }
    outcomes: list[Outcome] = []
    started = time.perf_counter()
    changed: list[str] = []
    info["code_changed"] = changed
    for number, script in enumerate(scripts):
        print(f"[{number + 1}/{len(scripts)}] {script.name} ...", flush=True)
        load_before, code_before = os.getloadavg()[0], code_fingerprint()
        outcome = run_benchmark(script, python)
        outcome.load = (load_before, os.getloadavg()[0])
        if code_fingerprint() != code_before:
            changed.append(script.stem)
        outcomes.append(outcome)
        print(f"    {outcome.status} in {outcome.seconds} s"
              + (f": {outcome.problem.splitlines()[0]}" if outcome.problem else ""), flush=True)
        pending = [p.stem for p in scripts[number + 1:]]
        options.output.write_text(render(outcomes, info, pending), encoding="utf-8")
    failed = [o.name for o in outcomes if o.status in ("failed", "timed out")]
    print(f"wrote {options.output} in {time.perf_counter() - started:.0f} s"
          + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
