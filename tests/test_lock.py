from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from briefing.errors import LockError
from briefing.lock import build_lock, lock_path

REPO = Path(__file__).resolve().parents[1]

HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from briefing.lock import build_lock
    with build_lock(Path(sys.argv[1]), "test holder"):
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def hold_in_child(database: Path, seconds: float) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database), str(seconds)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "holding"
    return child


def test_second_holder_gets_lock_error_naming_the_first(tmp_path: Path) -> None:
    database = tmp_path / "briefing.db"
    child = hold_in_child(database, 30)
    try:
        with pytest.raises(LockError, match=f"pid {child.pid}: test holder"), build_lock(
            database, "second"
        ):
            pass
    finally:
        child.kill()
        child.wait()


def test_kill_9_of_the_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    database = tmp_path / "briefing.db"
    child = hold_in_child(database, 30)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert lock_path(database).exists()
    with build_lock(database, "after the crash"):
        assert "after the crash" in lock_path(database).read_text()


def test_wait_takes_the_lock_once_the_holder_is_done(tmp_path: Path) -> None:
    database = tmp_path / "briefing.db"
    child = hold_in_child(database, 0.5)
    try:
        with build_lock(database, "patient", wait=30):
            assert child.wait(timeout=30) == 0
    finally:
        child.kill()


def test_threads_of_one_process_exclude_each_other(tmp_path: Path) -> None:
    database = tmp_path / "briefing.db"
    errors: list[str] = []

    def other() -> None:
        try:
            with build_lock(database, "thread"):
                pass
        except LockError as err:
            errors.append(str(err))

    with build_lock(database, "main"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert len(errors) == 1
    with build_lock(database, "again"):
        pass


def test_briefing_run_exits_3_while_the_daemon_builds(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("sources: []\ndatabase: briefing.db\n")
    child = hold_in_child(tmp_path / "briefing.db", 30)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "briefing", "run", "--config", "config.yaml"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )
    finally:
        child.kill()
        child.wait()
    assert result.returncode == 3, result.stderr
    assert "another briefing build is running" in result.stderr
