from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def briefing(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_help_lists_every_command(tmp_path: Path) -> None:
    result = briefing("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "pdf", "collect", "send", "sources", "daemon", "status"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("window_hours: -3\n", "window_hours: Input should be greater than 0"),
        ("email: {to: nobody}\n", "email.to: Input should be a valid list"),
        ("sources: [{name: x}]\n", "sources.0.url: required key is missing"),
    ],
)
def test_bad_config_is_one_line_and_exit_2(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "config.yaml").write_text(config)
    result = briefing("run", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert message in lines[0]


def test_missing_config_is_exit_2(tmp_path: Path) -> None:
    result = briefing("collect", "--config", "absent.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "absent.yaml: config file not found" in result.stderr


def test_bad_as_of_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("sources: []\n")
    result = briefing("pdf", "--config", "config.yaml", "--as-of", "yesterday-ish", cwd=tmp_path)
    assert result.returncode == 2
    assert "--as-of: 'yesterday-ish' is not an ISO-8601 date or time" in result.stderr
    assert "Traceback" not in result.stderr


def test_sources_import_adds_the_opml_feeds_to_the_config(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text(
        "# my feeds\nsources:\n  - {name: Kept, url: 'https://kept.example/rss'}\n"
    )
    (tmp_path / "feeds.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        '<outline text="News"><outline type="rss" text="Alpha" xmlUrl="https://alpha.example/feed"/>'
        '<outline type="rss" text="Kept" xmlUrl="https://kept.example/rss"/></outline>'
        "</body></opml>"
    )
    result = briefing("sources", "import", "feeds.opml", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "added Alpha: https://alpha.example/feed" in result.stdout
    assert "1 new source added" in result.stdout
    text = (tmp_path / "config.yaml").read_text()
    assert text.startswith("# my feeds")
    assert "https://alpha.example/feed" in text and text.count("kept.example") == 1


def test_sources_import_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("sources: []\n")
    result = briefing("sources", "import", "nope.opml", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
