"""Log output: one line per event when stderr is a file or a pipe (systemd's journal), rich on a
terminal, and no per-job scheduler chatter at INFO."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LONG_NAME = "The Harbour Herald and Evening Courier of the Lower Calder Valley and the Coast"
ONE_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+: \S"
)


def _config(folder: Path) -> Path:
    feed = REPO / "samples" / "feeds" / "harbour-herald.xml"
    path = folder / "config.yaml"
    path.write_text(f"sources:\n  - {{name: {LONG_NAME}, url: '{feed}'}}\n", encoding="utf-8")
    return path


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    env.update(COLUMNS="80", **extra)
    return env


def test_each_event_is_one_line_when_stderr_is_a_file(tmp_path: Path) -> None:
    config = _config(tmp_path)
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "briefing", "collect", "-v", "--config", str(config)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=stderr, env=_env(), timeout=120,
            check=False,
        )
    assert done.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    assert lines, "nothing was logged"
    for line in lines:
        assert ONE_LINE.match(line), line
    assert any(f"INFO briefing.collect: {LONG_NAME}: ok, 5 new of 5" in line for line in lines)


def test_the_journal_gets_no_second_timestamp(tmp_path: Path) -> None:
    config = _config(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "collect", "-v", "--config", str(config)],
        cwd=tmp_path, capture_output=True, text=True, env=_env(JOURNAL_STREAM="8:12345"),
        timeout=120, check=False,
    )
    assert done.returncode == 0
    assert f"INFO briefing.collect: {LONG_NAME}: ok, 5 new of 5\n" in done.stderr
    assert all(line.startswith(("INFO ", "WARNING ")) for line in done.stderr.splitlines())


def test_a_terminal_keeps_rich_output(tmp_path: Path) -> None:
    config = _config(tmp_path)
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "briefing", "collect", "-v", "--config", str(config)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower, env=_env(TERM="xterm"),
            timeout=120, check=False,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other end is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert done.returncode == 0
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", b"".join(chunks).decode("utf-8", "replace"))
    # Rich: a level column and the event wrapped to the terminal's 80 columns.
    assert re.search(r"INFO\s+briefing\.collect: The Harbour Herald", text), text
    assert f"{LONG_NAME}: ok, 5 new of 5" not in text.replace("\r", "")
    assert not any(ONE_LINE.match(line) for line in text.splitlines())


def test_scheduler_job_chatter_is_not_logged_at_info(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import logging, threading
        from apscheduler.schedulers.background import BackgroundScheduler
        from briefing.logs import setup_logging

        setup_logging(True)
        ran, failed = threading.Event(), threading.Event()
        def collect():
            ran.set()
        def broken():
            failed.set()
            raise RuntimeError("disk full\\nsecond line")
        scheduler = BackgroundScheduler()
        scheduler.start()
        scheduler.add_job(collect, id="collect")
        scheduler.add_job(broken, id="broken")
        ran.wait(60)
        failed.wait(60)
        scheduler.shutdown(wait=True)
        logging.getLogger("briefing.schedule").info("collect done")
        """
    )
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-c", script], cwd=tmp_path, stderr=stderr, env=_env(),
            timeout=120, check=False,
        )
    assert done.returncode == 0
    lines = log.read_text(encoding="utf-8").splitlines()
    text = "\n".join(lines)
    assert "Running job" not in text and "executed successfully" not in text
    # What matters still shows, each event on one line: the job that raised, traceback folded.
    errors = [line for line in lines if " ERROR apscheduler.executors.default: " in line]
    assert len(errors) == 1 and "RuntimeError: disk full | second line" in errors[0]
    assert any(line.endswith("INFO briefing.schedule: collect done") for line in lines)
    for line in lines:
        assert ONE_LINE.match(line), line
