"""A fetched page's own headline, byline and dateline stay out of its text, whether they sit on
lines of their own or run into the first sentence. Fixture pages are fiction written for the
project; the real pages are ScrapingHub's article-extraction benchmark (skipped when absent)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from briefing.clean import clean_text
from briefing.fulltext import extract_text, page_headlines, strip_page_head

FIRST = (
    "Esk town council voted on Tuesday to build two kilometres of protected cycle lanes along "
    "the High Street and Mill Road, after a year of consultation with residents and shops."
)
SECOND = (
    "The scheme will cost 1.2 million and should be finished by the autumn. Councillor Mara "
    "Lindqvist said the lanes would make it safer for children to cycle to school."
)
INLINE_PAGE = f"""<html><head><title>Esk council approves new cycle lanes | Esk Herald</title>
</head><body><nav>Home News Sport</nav><article><div class="story">
<h1>Esk council approves new cycle lanes</h1><span class="byline">By Staff</span>
<span class="date">Published 3 March 2026, 09:14</span>
{FIRST} {SECOND}</div></article></body></html>"""
BLOCK_PAGE = f"""<html><head><meta property="og:title" content="Esk council approves new cycle
lanes"><title>Esk Herald</title></head><body><article>
<h2>Esk council approves new cycle lanes</h2><p>By Jane Roe and Tom Okafor</p>
<p>Updated: Mar 3, 2026 9:14 am GMT</p><p>{FIRST}</p><p>{SECOND}</p></article></body></html>"""


@pytest.mark.parametrize("page", [INLINE_PAGE, BLOCK_PAGE], ids=["glued", "own-lines"])
def test_the_page_head_is_not_glued_into_the_first_sentence(page: str) -> None:
    text = clean_text(extract_text(page, "https://esk-herald.example/cycle-lanes") or "")
    assert text.startswith("Esk town council voted on Tuesday")
    assert "approves" not in text and "Published" not in text and "Staff" not in text
    assert "Roe" not in text and "Updated" not in text
    assert "Lindqvist said the lanes" in text


def test_page_headlines_include_the_title_without_the_site_name() -> None:
    found = page_headlines(INLINE_PAGE)
    assert "Esk council approves new cycle lanes" in found
    assert "Esk council approves new cycle lanes | Esk Herald" in found


def test_a_sentence_opening_like_a_byline_or_date_keeps_its_words() -> None:
    assert strip_page_head("By Tuesday the council had voted.", []) == (
        "By Tuesday the council had voted."
    )
    headed = "Council votes today\nBy Staff\nThe council voted."
    assert strip_page_head(headed, ["council votes today"]) == "The council voted."


def test_real_pages_lose_their_headline_and_keep_their_body(shared: Path) -> None:
    root = shared / "eval-data" / "scrapinghub-aeb"
    if not root.is_dir():
        pytest.skip("AEB data absent")
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    stripped = 0
    for key in sorted(truth)[:60]:
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        body = " ".join(truth[key].get("articleBody", "").split())
        text = " ".join((extract_text(html, truth[key].get("url")) or "").split())
        whole = " ".join((extract_text(html, truth[key].get("url"), keep_page_head=True) or "")
                         .split())
        assert whole.endswith(text), key
        for headline in page_headlines(html):
            if len(headline.split()) >= 4 and not body.casefold().startswith(headline.casefold()):
                stripped += 1
                assert not text.casefold().startswith(headline.casefold()), key
        # Only the head went: the article's own first words are still there.
        if body and body[:40].casefold() in whole.casefold():
            assert body[:40].casefold() in text.casefold(), key
    assert stripped >= 10
