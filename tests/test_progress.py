"""The build shows its steps on a terminal and nothing anywhere else."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from briefing import pipeline
from briefing.config import load_config
from briefing.progress import Steps
from briefing.store import Store

SAMPLES_AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=120), screen


def test_steps_show_on_a_terminal_with_a_count_for_counted_steps() -> None:
    console, screen = _terminal()
    with Steps(True, console=console) as steps:
        steps.step("grouping 3 articles into stories")
        steps.step("summarising stories and checking claims", total=2)
        steps.advance()
        steps.advance()
        console.file.flush()
    shown = _ESCAPES.sub("", screen.getvalue())
    assert "grouping 3 articles into stories" in shown
    assert "summarising stories and checking claims" in shown
    assert "2/2" in shown


@pytest.mark.parametrize("terminal", [True, False])
def test_steps_are_silent_when_off_or_not_on_a_terminal(terminal: bool) -> None:
    screen = io.StringIO()
    console = Console(file=screen, force_terminal=terminal)
    with Steps(not terminal, console=console) as steps:
        steps.step("grouping 3 articles into stories", total=3)
        steps.advance()
    assert screen.getvalue() == ""


def test_a_build_reports_each_step_of_the_samples(repo: Path, tmp_path: Path) -> None:
    config = load_config(repo / "config.yaml").model_copy(
        update={"database": tmp_path / "briefing.db", "outbox": tmp_path / "outbox"}
    )
    console, screen = _terminal()
    with Store(config.database) as store:
        pipeline.collect(config, store, NOW)
        with Steps(True, console=console) as steps:
            briefing = pipeline.build_briefing(config, store, SAMPLES_AS_OF, steps)
            files = pipeline.render_files(config, briefing, steps)
    shown = _ESCAPES.sub("", screen.getvalue())
    assert re.search(r"grouping \d+ articles into stories", shown)
    stories = len(briefing.stories)
    assert f"{stories}/{stories}" in shown
    assert "rendering the PDF" in shown
    assert files["briefing.pdf"].startswith(b"%PDF")


def test_a_run_off_a_terminal_prints_no_progress(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_config(repo / "config.yaml").model_copy(
        update={"database": tmp_path / "briefing.db", "outbox": tmp_path / "outbox"}
    )
    with Store(config.database) as store:
        pipeline.run_once(config, store, SAMPLES_AS_OF, NOW, progress=True)
    captured = capsys.readouterr()
    assert "grouping" not in captured.err and "rendering" not in captured.err
