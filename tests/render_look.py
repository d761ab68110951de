"""Look at rendered output as a person would: Chromium screenshots of the email, pdftoppm pages
and pdftotext of the PDF. Used by tests/test_render_visual.py and scripts/render_examples.py.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from briefing.errors import RenderError

CHROMIUM = "/usr/bin/chromium"
# Headless, and no background traffic: this machine's network is closed.
HEADLESS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


def tools_missing() -> list[str]:
    """The external programs these helpers need that are not installed."""
    missing = [] if Path(CHROMIUM).is_file() else [CHROMIUM]
    return missing + [tool for tool in ("pdftoppm", "pdftotext") if shutil.which(tool) is None]


def screenshot(
    html_file: Path, png: Path, *, width: int = 800, height: int = 1600, dark: bool = False
) -> Path:
    """A PNG of ``html_file`` as Chromium paints it (prefers-color-scheme dark if ``dark``)."""
    with tempfile.TemporaryDirectory(prefix="briefing-chromium-") as profile:
        command = [
            CHROMIUM,
            *HEADLESS,
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={width},{height}",
        ]
        if dark:
            command.append("--force-dark-mode")
        command.append(html_file.resolve().as_uri())
        _run(command, timeout=120)
    if not png.is_file():
        raise RenderError(f"chromium wrote no screenshot for {html_file}")
    return png


def dump_dom(html_file: Path) -> str:
    """The DOM Chromium builds from ``html_file`` after any script would have run."""
    with tempfile.TemporaryDirectory(prefix="briefing-chromium-") as profile:
        done = _run(
            [
                CHROMIUM,
                *HEADLESS,
                f"--user-data-dir={profile}",
                "--dump-dom",
                html_file.resolve().as_uri(),
            ],
            timeout=120,
        )
    return done.stdout.decode("utf-8", "replace")


def pdf_pages(pdf: Path, prefix: Path, *, dpi: int = 60) -> list[Path]:
    """One PNG per page of ``pdf``, named ``<prefix>-<n>.png``, in page order."""
    _run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], timeout=120)
    pages = sorted(
        prefix.parent.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])
    )
    if not pages:
        raise RenderError(f"pdftoppm produced no pages for {pdf}")
    return pages


def pdf_text(pdf: Path) -> str:
    return _run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], timeout=120).stdout.decode("utf-8")


def _run(command: list[str], *, timeout: float) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise RenderError(f"{command[0]} failed: {err}") from err
    if done.returncode != 0:
        tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise RenderError(f"{command[0]} exited with {done.returncode}: {tail[0]}")
    return done
