"""A sectioned email with a developing story, looked at in Chromium: the card keeps its width
on desktop and phone, dark mode stays dark, and the section headings and the "New since" block
are in the page Chromium builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from render_look import dump_dom, screenshot, tools_missing
from sections_helpers import SECTIONS, cli, sample_config

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bool(tools_missing()), reason="needs Chromium and poppler"),
]


def _white_run(image: Image.Image, y: int) -> int:
    rgb = image.convert("RGB")
    best = run = 0
    for x in range(rgb.width):
        run = run + 1 if rgb.getpixel((x, y)) == (255, 255, 255) else 0
        best = max(best, run)
    return best


@pytest.fixture(scope="module")
def email(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sectioned-two-days")
    config = sample_config(folder, sections=SECTIONS)
    for as_of in ("2026-11-20T07:00:00Z", "2026-11-21T07:00:00Z"):
        done = cli("run", "--config", str(config), "--as-of", as_of, "--no-send", cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder / "outbox/2026-11-21/briefing.html"


def test_sectioned_email_keeps_the_600px_card_on_desktop_and_phone(
    email: Path, tmp_path: Path
) -> None:
    desktop = Image.open(screenshot(email, tmp_path / "desktop.png", width=800, height=1600))
    assert 590 <= _white_run(desktop, 60) <= 600
    phone = Image.open(screenshot(email, tmp_path / "phone.png", width=400, height=900))
    assert _white_run(phone, 60) >= 370


def test_sectioned_email_dark_mode_is_dark(email: Path, tmp_path: Path) -> None:
    dark = Image.open(screenshot(email, tmp_path / "dark.png", dark=True, height=1600))
    assert ImageStat.Stat(dark.convert("L")).mean[0] < 90


def test_chromium_shows_section_headings_in_order_and_the_new_since_block(email: Path) -> None:
    dom = dump_dom(email)
    headings = re.findall(r'<h2 class="sxh"[^>]*>([^<]+)</h2>', dom)
    assert headings == ["BUSINESS", "SPORT", "LOCAL", "OTHER"]
    assert "NEW SINCE" in dom
    assert 'href="../2026-11-20/briefing.html"' in dom
    assert (email.parent / "../2026-11-20/briefing.html").resolve().is_file()
