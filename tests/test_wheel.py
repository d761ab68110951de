"""Installed as users install it: build the wheel, install it (not editable) into a fresh
virtualenv outside the checkout, then `briefing init`, `briefing pdf` and `briefing run` on the
new config with a local feed file.

Dependencies come from wherever pip is configured to look (this machine: local wheel mirrors,
no internet), as they would for a user.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import feedparser
import pytest

REPO = Path(__file__).resolve().parents[1]
SHIPPED = ("pyproject.toml", "README.md", "LICENSE", "briefing", "templates")
AS_OF = "2026-11-21T07:00:00Z"


def _run(command: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]}\n{done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin folder of a fresh virtualenv holding the wheel built from this checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    # Built from a copy so the checkout gets no build/ or egg-info folders.
    for name in SHIPPED:
        item = REPO / name
        if item.is_dir():
            shutil.copytree(item, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(item, source / name)
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
          "--quiet", "-w", str(dist), str(source)], cwd=tmp)
    wheels = list(dist.glob("briefing-*.whl"))
    assert len(wheels) == 1
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=tmp)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheels[0])],
         cwd=tmp)
    return venv / "bin"


@pytest.mark.slow
def test_the_wheel_carries_templates_assets_and_starter_files(installed: Path) -> None:
    wheel = next((installed.parent.parent / "dist").glob("briefing-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for template in (REPO / "templates").rglob("*"):
        if template.is_file():
            assert f"briefing/templates/{template.relative_to(REPO / 'templates')}" in names
    assert {"briefing/starter/config.yaml", "briefing/starter/feeds.opml"} <= names
    where = _run([str(installed / "python"), "-c", "import briefing; print(briefing.__file__)"],
                 cwd=installed.parent.parent).stdout.strip()
    assert Path(where).is_relative_to(installed.parent), where


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_a_new_user_goes_from_init_to_a_pdf(installed: Path, tmp_path: Path) -> None:
    home = tmp_path / "my-briefing"
    _run([str(installed / "briefing"), "init", str(home)], cwd=tmp_path)
    feed = REPO / "samples" / "feeds" / "harbour-herald.xml"
    shutil.copy(feed, home / "harbour.xml")
    config = home / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "\nsources: []\n" in text
    source = "\nsources:\n  - {name: Harbour Herald, url: harbour.xml}\n"
    config.write_text(text.replace("\nsources: []\n", source), encoding="utf-8")

    pdf = tmp_path / "out.pdf"
    _run([str(installed / "briefing"), "pdf", "--config", str(config), "--as-of", AS_OF,
          "-o", str(pdf)], cwd=tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    pages = _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], cwd=tmp_path).stdout
    flat = " ".join(pages.split())
    titles = [e.title for e in feedparser.parse(feed.read_bytes()).entries]
    shown = [t for t in titles if " ".join(t.split()) in flat]
    assert shown, f"no headline of the feed in the PDF: {flat[:500]}"
    assert "Harbour Herald" in flat

    run = _run([str(installed / "briefing"), "run", "--config", str(config), "--as-of", AS_OF],
               cwd=tmp_path)
    assert re.search(r"briefing 2026-11-21: \d+ stories", run.stdout)
    outbox = home / "outbox"
    for name in ("2026-11-21/briefing.pdf", "2026-11-21/briefing.html", "index.html", "feed.xml"):
        assert (outbox / name).is_file(), name
