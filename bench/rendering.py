"""Render cost and size: email HTML, plain text and PDF for synthetic briefings of 1-60 stories
(tests/render_fixtures.py: every story with 5 sources, 5 summary sentences, 3 claims, a dispute
and a figure set, i.e. heavier than a typical day) and for the bundled samples.

Usage: .venv/bin/python bench/rendering.py [--repeat N]

Times are medians of N runs (wall clock, this machine); ``pdf_cpu_s`` is the mean CPU time of
the WeasyPrint child process, which stays meaningful when the machine is busy. The PDF time
includes starting that process; ``pdf worker start`` is that fixed part alone (a one-line page).
The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO / "scripts"))

from render_examples import sample_briefing  # noqa: E402
from render_fixtures import make_briefing  # noqa: E402

from briefing import render  # noqa: E402
from briefing.models import Briefing  # noqa: E402


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pages(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            info = subprocess.run(
                ["pdfinfo", handle.name], capture_output=True, text=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return -1
    return next(
        (int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), -1
    )


def measure(name: str, briefing: Briefing, repeat: int) -> dict[str, Any]:
    html_s, html = timed(lambda: render.render_html(briefing), repeat)
    text_s, text = timed(lambda: render.render_text(briefing), repeat)
    pdf_runs = max(1, repeat // 2)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf_s, pdf = timed(lambda: render.render_pdf(briefing), pdf_runs)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    pdf_cpu = (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) / pdf_runs
    shown = html.count("<h2")
    return {
        "case": name,
        "stories": len(briefing.stories),
        "html_kb": round(len(html.encode()) / 1024, 1),
        "html_stories_shown": shown,
        "html_ms": round(html_s * 1000, 1),
        "text_kb": round(len(text.encode()) / 1024, 1),
        "text_ms": round(text_s * 1000, 1),
        "pdf_kb": round(len(pdf) / 1024, 1),
        "pdf_pages": pages(pdf),
        "pdf_s": round(pdf_s, 2),
        "pdf_cpu_s": round(pdf_cpu, 2),
    }


def worker_start(repeat: int) -> float:
    page = b"<!DOCTYPE html><html><body><p>x</p></body></html>"
    seconds, _ = timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "briefing.pdf_worker"],
            input=page,
            capture_output=True,
            check=True,
            cwd=REPO,
        ),
        repeat,
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = [measure(f"synthetic-{n}", make_briefing(n), args.repeat) for n in (1, 5, 20, 60)]
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(measure("samples", sample_briefing(Path(tmp)), args.repeat))
    start = worker_start(args.repeat)
    columns = list(rows[0])
    print(" | ".join(columns))
    print(" | ".join("---" for _ in columns))
    for row in rows:
        print(" | ".join(str(row[c]) for c in columns))
    print(f"\npdf worker start (process + WeasyPrint import, one-line page): {start:.2f} s")
    print(f"email budget: {render.EMAIL_MAX_BYTES} bytes (Gmail clips at about 102 KB)")
    print(json.dumps({"cases": rows, "pdf_worker_start_s": round(start, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
