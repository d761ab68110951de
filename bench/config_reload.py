"""What following config.yaml costs the daemon.

Usage: .venv/bin/python bench/config_reload.py [--repeat N]

1. The check before every job when nothing changed (one stat and a compare): microseconds.
2. A reload after an edit, for configs of 10, 200 and 2,000 sources: milliseconds.
3. SIGHUP on a real ``briefing daemon`` process: seconds from the signal to the
   "config reloaded" log line, and from SIGTERM to exit.

Prints a table and, as its last line, one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefing.config import load_config  # noqa: E402
from briefing.schedule import Daemon  # noqa: E402


def write_config(path: Path, sources: int, at: str = "23:59") -> None:
    data = {
        "timezone": "UTC",
        "schedule": {"time": at, "collect_every_minutes": 600},
        "sources": [
            {"name": f"Feed {i}", "url": f"https://feeds{i}.example.org/rss"}
            for i in range(sources)
        ],
    }
    before = path.stat().st_mtime_ns if path.exists() else time.time_ns()
    path.write_text(yaml.safe_dump(data))
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def unchanged_check_us(folder: Path, repeat: int) -> float:
    path = folder / "check.yaml"
    write_config(path, 10)
    daemon = Daemon(load_config(path), config_path=path)
    started = time.perf_counter()
    for _ in range(repeat):
        daemon.reload_config()
    return (time.perf_counter() - started) / repeat * 1e6


def reload_ms(folder: Path, sources: int, repeat: int) -> float:
    path = folder / f"reload-{sources}.yaml"
    write_config(path, sources)
    daemon = Daemon(load_config(path), config_path=path)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        assert daemon.reload_config(force=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1e3


def wait_for(log: Path, text: str, child: subprocess.Popen[bytes], after: int = 0) -> float:
    started = time.perf_counter()
    while text not in log.read_text()[after:]:
        if child.poll() is not None or time.perf_counter() - started > 60:
            raise RuntimeError(f"no {text!r}:\n{log.read_text()}")
        time.sleep(0.005)
    return time.perf_counter() - started


def sighup_latency(folder: Path) -> tuple[float, float]:
    path = folder / "daemon.yaml"
    write_config(path, 10)
    log = folder / "daemon.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "briefing", "daemon", "--config", str(path)],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=out,
            env={**os.environ, "COLUMNS": "300"},
        )
        try:
            wait_for(log, "collected ", child)  # the daemon's own line after the first collect
            mark = len(log.read_text())
            write_config(path, 20, at="23:58")
            child.send_signal(signal.SIGHUP)
            hup = wait_for(log, "config reloaded: 20 sources", child, mark)
        finally:
            started = time.perf_counter()
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
            term = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"exit {child.returncode}:\n{log.read_text()}")
    return hup, term


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        check = unchanged_check_us(folder, args.repeat)
        reloads = {n: reload_ms(folder, n, 20) for n in (10, 200, 2000)}
        hup, term = sighup_latency(folder)
    print(f"{'measure':<44}{'value':>12}")
    print(f"{'check before a job, file unchanged (µs)':<44}{check:>12.1f}")
    for n, ms in reloads.items():
        print(f"{f'reload, {n} sources (ms, median of 20)':<44}{ms:>12.1f}")
    print(f"{'SIGHUP to config reloaded, real daemon (s)':<44}{hup:>12.3f}")
    print(f"{'SIGTERM to exit, idle daemon (s)':<44}{term:>12.3f}")
    print(json.dumps({
        "unchanged_check_us": round(check, 2),
        "reload_ms": {str(n): round(ms, 2) for n, ms in reloads.items()},
        "sighup_to_reload_s": round(hup, 3),
        "sigterm_to_exit_s": round(term, 3),
    }))


if __name__ == "__main__":
    main()
