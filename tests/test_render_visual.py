"""The rendered briefing looked at as a person would: pixels and extracted text, not markup."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageStat
from render_fixtures import HOSTILE, hostile_briefing, make_briefing
from render_look import dump_dom, pdf_pages, pdf_text, screenshot, tools_missing

from briefing import render

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bool(tools_missing()),
        reason=f"needs {', '.join(tools_missing())} (make test installs them)",
    ),
]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _ink(image: Image.Image, background: int = 255) -> float:
    """The share of pixels that differ visibly from the page background."""
    counts = image.convert("L").histogram()
    return sum(n for v, n in enumerate(counts) if abs(v - background) > 40) / sum(counts)


def _white_run(image: Image.Image, y: int) -> int:
    """Length of the longest run of pure white pixels on row ``y``."""
    rgb = image.convert("RGB")
    best = run = 0
    for x in range(rgb.width):
        run = run + 1 if rgb.getpixel((x, y)) == (255, 255, 255) else 0
        best = max(best, run)
    return best


@pytest.fixture(scope="module")
def email_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("email") / "briefing.html"
    path.write_text(render.render_html(make_briefing(2)), encoding="utf-8")
    return path


def test_email_paints_a_600px_card_with_text(email_file: Path, tmp_path: Path) -> None:
    image = Image.open(screenshot(email_file, tmp_path / "light.png", width=800, height=1400))
    assert image.size == (800, 1400)
    assert 590 <= _white_run(image, 60) <= 600
    card = image.crop((100, 0, 700, 1400))
    assert 0.03 < _ink(card) < 0.5
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20


def test_email_fills_a_phone_screen_without_sideways_scrolling(
    email_file: Path, tmp_path: Path
) -> None:
    image = Image.open(screenshot(email_file, tmp_path / "phone.png", width=400, height=900))
    assert _white_run(image, 60) >= 370
    background = image.convert("RGB").getpixel((image.width - 1, 60))
    assert background != (255, 255, 255)


def test_unbroken_long_words_do_not_widen_the_card(tmp_path: Path) -> None:
    brief = make_briefing(1).stories[0]
    long_word = "x" * 400
    wide = replace(brief, headline=f"Headline {long_word}")
    page = tmp_path / "wide.html"
    page.write_text(render.render_html(replace(make_briefing(1), stories=(wide,))), "utf-8")
    image = Image.open(screenshot(page, tmp_path / "wide.png", width=800, height=600))
    assert 590 <= _white_run(image, 60) <= 600
    pdf = tmp_path / "wide.pdf"
    pdf.write_bytes(render.render_pdf(replace(make_briefing(1), stories=(wide,))))
    assert long_word in "".join(pdf_text(pdf).split())


def test_email_dark_mode_keeps_text_readable(email_file: Path, tmp_path: Path) -> None:
    image = Image.open(screenshot(email_file, tmp_path / "dark.png", dark=True, height=1400))
    grey = image.convert("L")
    assert ImageStat.Stat(grey).mean[0] < 90
    card = grey.crop((100, 0, 700, 1400))
    counts = card.histogram()
    assert sum(counts[171:]) / sum(counts) > 0.02


def test_script_in_titles_is_inert_text_in_chromium(tmp_path: Path) -> None:
    page = tmp_path / "hostile.html"
    page.write_text(render.render_html(hostile_briefing()), encoding="utf-8")
    dom = dump_dom(page)
    assert "<script" not in dom.lower()
    assert "Headline &lt;script&gt;alert('x')&lt;/script&gt;" in dom


@pytest.fixture(scope="module")
def pdf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "briefing.pdf"
    path.write_bytes(render.render_pdf(make_briefing(4)))
    return path


def test_pdf_pages_are_not_blank(pdf_file: Path) -> None:
    pages = pdf_pages(pdf_file, pdf_file.parent / "page", dpi=40)
    assert len(pages) >= 2
    for page in pages:
        assert _ink(Image.open(page)) > 0.01


def test_pdftotext_finds_every_headline_in_contents_and_body(pdf_file: Path) -> None:
    text = _flat(pdf_text(pdf_file))
    for brief in make_briefing(4).stories:
        assert text.count(_flat(brief.headline)) >= 2
    assert "CONTENTS" in text and "Page 1 of" in text
    assert "Saturday 21 November 2026" in text


def test_script_in_titles_prints_as_text_in_the_pdf(tmp_path: Path) -> None:
    pdf = tmp_path / "hostile.pdf"
    pdf.write_bytes(render.render_pdf(hostile_briefing()))
    assert f"Headline {HOSTILE}" in _flat(pdf_text(pdf))
