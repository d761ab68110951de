"""Rendering: email HTML, plain text and the PDF's HTML, checked on their parsed output."""

from __future__ import annotations

import logging
import os
import re
from dataclasses import replace
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest
from jinja2 import UndefinedError
from render_fixtures import HOSTILE, hostile_briefing, make_briefing, make_story

from briefing import render
from briefing.errors import RenderError
from briefing.models import Briefing, Claim, Dispute, StoryBrief, SummarySentence, WhyGrouped

GOLDEN = Path(__file__).resolve().parent / "golden"


class Parsed(HTMLParser):
    """Tags with their attributes, in document order, plus the text between them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.events: list[tuple[str, str]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "a" and "href" in values:
            self.events.append(("href", values["href"]))

    def handle_data(self, data: str) -> None:
        self.events.append(("text", data))

    def text(self) -> str:
        return " ".join(" ".join(v for k, v in self.events if k == "text").split())

    def find(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def twenty() -> Briefing:
    return make_briefing(20)


@pytest.fixture(scope="module")
def twenty_html(twenty: Briefing) -> str:
    return render.render_html(twenty)


def test_twenty_story_email_fits_gmail_without_dropping_anything(
    twenty: Briefing, twenty_html: str
) -> None:
    assert len(twenty_html.encode("utf-8")) <= 102 * 1024
    parsed = Parsed(twenty_html)
    headlines = [" ".join(h.split()) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", twenty_html)]
    assert headlines == [b.headline for b in twenty.stories]
    assert "MORE STORIES" not in parsed.text()


def test_email_is_self_contained_table_layout_with_inlined_css(twenty_html: str) -> None:
    parsed = Parsed(twenty_html)
    assert not parsed.find("script") and not parsed.find("link") and not parsed.find("img")
    assert "@import" not in twenty_html and "@font-face" not in twenty_html
    widths = [attrs["width"] for attrs in parsed.find("table") if "width" in attrs]
    assert "600" in widths
    assert all(w == "100%" or int(w) <= 600 for w in widths)
    px = [int(v) for v in re.findall(r"(?<![-\w])width:\s*(\d+)px", twenty_html)]
    assert px and max(px) <= 600
    assert all(t.get("role") == "presentation" for t in parsed.find("table"))
    (h2,) = parsed.find("h2")[:1]
    assert "Georgia" in h2["style"] and "serif" in h2["style"]
    wrap = next(t for t in parsed.find("table") if t.get("width") == "600")
    assert "Arial,Helvetica,sans-serif" in wrap["style"].replace(" ", "")
    (style,) = re.findall(r"<style>(.*?)</style>", twenty_html, re.S)
    assert "prefers-color-scheme:dark" in style.replace(" ", "")
    assert ".st h2" not in style.split("@media")[0]


def test_email_declares_color_scheme_and_hides_a_preheader(twenty: Briefing) -> None:
    html = render.render_html(twenty)
    parsed = Parsed(html)
    metas = {m.get("name"): m.get("content") for m in parsed.find("meta")}
    assert metas["color-scheme"] == "light dark"
    assert metas["supported-color-schemes"] == "light dark"
    first_div = parsed.find("div")[0]
    assert first_div["class"] == "ph"
    assert "display:none" in first_div["style"] and "mso-hide:all" in first_div["style"]
    body_text = parsed.text()
    assert body_text.index(twenty.stories[0].headline) > body_text.index("20 stories:")


def test_each_summary_sentence_links_to_its_own_article(twenty: Briefing, twenty_html: str) -> None:
    events = Parsed(twenty_html).events
    for brief in twenty.stories[:3]:
        urls = {a.id: a.url for a in brief.story.articles}
        for sentence in brief.summary:
            at = next(
                i
                for i, (kind, value) in enumerate(events)
                if kind == "text"
                and sentence.text in value
                and i + 1 < len(events)
                and events[i + 1] == ("href", urls[sentence.article_id])
            )
            assert at >= 0


def test_every_source_article_is_linked_in_html_and_pdf_markup(twenty: Briefing) -> None:
    for html in (render.render_html(twenty), render.print_html(twenty)):
        hrefs = {a["href"] for a in Parsed(html).find("a") if "href" in a}
        for brief in twenty.stories:
            assert {a.url for a in brief.story.articles} <= hrefs


def test_story_blocks_show_claims_disputes_numbers_and_why_grouped() -> None:
    briefing = make_briefing(2)
    for html in (render.render_html(briefing), render.print_html(briefing)):
        text = Parsed(html).text()
        story_two = text[text.index(briefing.stories[1].headline, text.index("Metro Ledger")) :]
        assert story_two.startswith(briefing.stories[1].headline + " DEVELOPING")
        assert "5 sources · 4 independent origins" in text
        assert (
            "KEY CLAIMS 2 origins A transport ministry spokesperson said extra buses would run "
            "from Monday while the work continues — " in text
        )
        assert (
            "DISPUTED 3 origins The Lindenport council said: “the bridge closure was the only "
            "safe option after the latest inspection” — Harbour Herald, Northern Wire, "
            "Valley Times single source VERSUS The operators' union denied that any inspection"
            in text
        )
        assert (
            "NUMBERS DIFFER: RESIDENTS AFFECTED Harbour Herald about 1,200 residents "
            "Valley Times at least 2,000 residents Metro Ledger some 900 residents" in text
        )
        assert "shared terms Lindenport, bridge closure, council, inspection" in text
        assert "similarity 0.47" in text
        assert "Fri 20 Nov 07:00 – Sat 21 Nov 07:00 (Europe/London)" in text
        assert "Saturday 21 November 2026" in text


def test_script_in_titles_shows_as_text_in_every_format() -> None:
    briefing = hostile_briefing()
    for html in (render.render_html(briefing), render.print_html(briefing)):
        parsed = Parsed(html)
        assert not parsed.find("script")
        assert html.count("&lt;script&gt;") >= 5
        assert f"Headline {HOSTILE}" in parsed.text()
        assert f"Title {HOSTILE}" in parsed.text()
        assert f"Actor {HOSTILE}" in parsed.text()
        assert not any(a.get("href", "").startswith("javascript") for a in parsed.find("a"))
    text = render.render_text(briefing)
    flat = " ".join(text.split())
    assert f"Headline {HOSTILE}" in flat and f"Title {HOSTILE}" in flat
    assert "&lt;" not in text and "javascript:" not in text


def test_every_template_is_autoescaped_and_strict() -> None:
    env = render._environment()
    names = [p.name for p in render.TEMPLATES_DIR.glob("*.j2")]
    assert {"email.html.j2", "print.html.j2", "layout.html.j2", "_story.html.j2"} <= set(names)
    for name in names:
        template = env.get_template(name)
        assert template.environment.autoescape is True
        source = (render.TEMPLATES_DIR / name).read_text(encoding="utf-8")
        assert "|safe" not in source.replace(" ", "") and "autoescape false" not in source
    assert env.from_string("{{ x }}").render(x=HOSTILE) == (
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
    )
    with pytest.raises(UndefinedError):
        env.from_string("{{ missing.attribute }}").render()


def test_unsafe_article_link_is_shown_without_href() -> None:
    briefing = hostile_briefing()
    html = render.render_html(briefing)
    bad = briefing.stories[0].story.articles[1]
    assert bad.title in Parsed(html).text()
    assert "javascript" not in html


def test_broken_references_are_reported_and_skipped(caplog: pytest.LogCaptureFixture) -> None:
    brief = make_story(0)
    ghost = SummarySentence("A sentence nobody wrote.", "no-such-article", 0, 24)
    broken = replace(
        brief,
        summary=(*brief.summary, ghost),
        claims=(*brief.claims, Claim("Nobody", "x", "asserts", ("missing",), 1)),
        disputes=(*brief.disputes, Dispute(claim=0, counter=(99,)), Dispute(claim=7, counter=())),
    )
    briefing = replace(make_briefing(1), stories=(broken,))
    with caplog.at_level(logging.WARNING, logger="briefing.render"):
        html = render.render_html(briefing)
        text = render.render_text(briefing)
    assert "A sentence nobody wrote." not in html and "A sentence nobody wrote." not in text
    assert "Nobody" in Parsed(html).text()
    assert html.count("VERSUS") == 1
    messages = [r.getMessage() for r in caplog.records]
    assert any("unknown article 'no-such-article'" in m for m in messages)
    assert sum("dispute points outside" in m for m in messages) >= 2


def test_naive_times_and_unknown_zone_fall_back_to_utc(caplog: pytest.LogCaptureFixture) -> None:
    base = make_briefing(1, timezone="Mars/Olympus_Mons")
    brief = base.stories[0]
    articles = list(brief.story.articles)
    articles[2] = replace(articles[2], published=datetime(2026, 11, 21, 1, 0))
    mixed = replace(brief, story=replace(brief.story, articles=tuple(articles)))
    naive = replace(
        base,
        window_start=datetime(2026, 11, 20, 7, 0),
        window_end=datetime(2026, 11, 21, 7, 0),
        stories=(mixed,),
    )
    with caplog.at_level(logging.WARNING, logger="briefing.render"):
        text = render.render_text(naive)
    assert "Window: Fri 20 Nov 07:00 – Sat 21 Nov 07:00 (UTC)" in text
    assert "[1] Valley Times, Sat 01:00:" in text
    assert any("unknown time zone" in r.getMessage() for r in caplog.records)


def test_empty_briefing_says_so_everywhere() -> None:
    empty = replace(make_briefing(0), date="not-a-date")
    for out in (
        Parsed(render.render_html(empty)).text(),
        Parsed(render.print_html(empty)).text(),
        render.render_text(empty),
    ):
        assert "No new stories in this window." in out
        assert "not-a-date" in out


def test_oversized_email_keeps_leading_stories_and_lists_the_rest(twenty: Briefing) -> None:
    html = render.render_html(twenty, max_bytes=40_000)
    assert len(html.encode("utf-8")) <= 40_000
    kept = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert 0 < len(kept) < 20
    assert kept == [b.headline for b in twenty.stories[: len(kept)]]
    text = Parsed(html).text()
    assert f"{20 - len(kept)} MORE STORIES" in text
    for brief in twenty.stories[len(kept) :]:
        assert brief.headline in text
    assert "20 stories" in text
    with pytest.raises(RenderError):
        render.render_html(twenty, max_bytes=2_000)


def test_plain_text_carries_the_same_content_wrapped(twenty: Briefing) -> None:
    text = render.render_text(twenty)
    assert all(len(line) <= 76 or line.lstrip().startswith("http") for line in text.splitlines())
    flat = " ".join(text.split())
    for brief in twenty.stories:
        assert " ".join(brief.headline.split()) in flat
        for article in brief.story.articles:
            assert article.url in text
        for sentence in brief.summary:
            assert sentence.text in flat
    assert "[DEVELOPING]" in text and "single source" in text and "NUMBERS DIFFER" in text
    assert "vs The operators' union denied" in flat


def test_print_html_sets_the_page_size_and_refuses_others() -> None:
    briefing = make_briefing(1)
    assert "size: Letter;" in render.print_html(briefing, page_size="Letter")
    assert "size: A4;" in render.print_html(briefing)
    with pytest.raises(RenderError):
        render.print_html(briefing, page_size="A0; } body { display: none")


def _normalise(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip().splitlines()) + "\n"


@pytest.mark.parametrize(
    ("name", "produce"),
    [
        ("email.html", lambda b: render.render_html(b)),
        ("briefing.txt", lambda b: render.render_text(b)),
        ("print.html", lambda b: render.print_html(b)),
    ],
)
def test_golden_files(name: str, produce: object) -> None:
    """Set BRIEFING_REGENERATE=1 to rewrite the golden files after an intended change."""
    assert callable(produce)
    actual = _normalise(produce(make_briefing(2)))
    path = GOLDEN / name
    if os.environ.get("BRIEFING_REGENERATE") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"{path} missing: run with BRIEFING_REGENERATE=1"
    assert actual == _normalise(path.read_text(encoding="utf-8"))


def test_story_without_claims_or_figures_renders_plainly() -> None:
    brief = make_story(3, articles=1)
    plain = StoryBrief(story=brief.story, headline="Quiet story", summary=brief.summary[:1])
    briefing = replace(make_briefing(1), stories=(plain,))
    text = Parsed(render.render_html(briefing)).text()
    assert "Quiet story" in text and "1 source · 1 independent origin" in text
    assert "KEY CLAIMS" not in text and "DISPUTED" not in text and "NUMBERS DIFFER" not in text


def test_claims_show_best_backed_first_and_never_double_quote() -> None:
    brief = make_story(0)
    quoted = Claim("The mayor", '"We are ready," she said.', "asserts", ("s0a0",), 1, verb="said")
    backed = Claim("The police", "roads reopen at noon", "asserts", ("s0a1", "s0a2"), 4)
    briefing = replace(
        make_briefing(1), stories=(replace(brief, claims=(*brief.claims, quoted, backed)),)
    )
    text = Parsed(render.render_html(briefing)).text()
    key = text[text.index("KEY CLAIMS") : text.index("DISPUTED")]
    assert key.index("4 origins") < key.index("2 origins") < key.index("single source")
    assert 'The mayor said "We are ready," she said.' in key
    assert '“"' not in text
    assert 'The mayor said "We are ready," she said.' in " ".join(
        render.render_text(briefing).split()
    )


def test_only_quoted_words_stand_in_quotation_marks() -> None:
    """A direct quote is shown in quotation marks; reported speech is the article's wording,
    without them (and set in italics in HTML), in the email, the print page and the text."""
    brief = make_story(0)
    direct = Claim("The harbour master", "The pier is closed until further notice",
                   "asserts", ("s0a0",), 1, verb="said", quoted=True)
    reported = Claim("The ferry company", "the timetable was unchanged",
                     "asserts", ("s0a1",), 1, verb="told", quoted=False)
    according = Claim("Coastguard officers", "two boats were damaged",
                      "asserts", ("s0a2",), 1, verb="according to", quoted=False)
    report = Claim("The report", "Forty minutes passed before help came",
                   "asserts", ("s0a2",), 1, verb="according to", quoted=False)
    briefing = replace(
        make_briefing(1),
        stories=(replace(brief, claims=(direct, reported, according, report)),),
    )
    for html in (render.render_html(briefing), render.print_html(briefing)):
        text = Parsed(html).text().replace(" ,", ",")  # text() spaces out every element
        assert "The harbour master said: “The pier is closed until further notice”" in text
        assert "The ferry company said the timetable was unchanged" in text
        assert "“the timetable" not in text
        assert "According to Coastguard officers, two boats were damaged" in text
        assert "According to the report, Forty minutes passed" in text
        assert "<i>the timetable was unchanged</i>" in html
        assert "<i>The pier" not in html
    plain = " ".join(render.render_text(briefing).split())
    assert "The harbour master said: “The pier is closed until further notice”" in plain
    assert "The ferry company said the timetable was unchanged (single source)" in plain
    assert "According to Coastguard officers, two boats were damaged" in plain
    assert "According to the report, Forty minutes passed" in plain


def test_control_characters_and_broken_unicode_are_dropped_not_fatal() -> None:
    nasty = "A\x00B\x0bC\x1b[31m \u202eevil\u202c \ud800 \U0001f600 caf\u00e9"
    brief = make_story(0)
    articles = tuple(
        replace(a, title=nasty, url=a.url + ("\x00" if i == 1 else ""))
        for i, a in enumerate(brief.story.articles)
    )
    story = replace(brief.story, articles=articles, why_grouped=WhyGrouped((nasty, "")))
    briefing = replace(
        make_briefing(1),
        title=nasty,
        date=nasty,
        stories=(replace(brief, headline=nasty, story=story),),
    )
    shown = "ABC[31m evil \U0001f600 caf\u00e9"
    for out in (
        Parsed(render.render_html(briefing)).text(),
        Parsed(render.print_html(briefing)).text(),
        render.render_text(briefing),
    ):
        assert shown in out
        assert not any(c in out for c in "\x00\x1b\u202e\ud800")
    assert brief.story.articles[1].url not in render.render_html(briefing)


def test_agreeing_figures_show_as_a_range_and_differing_ones_as_a_dispute() -> None:
    from briefing.models import FigureSet, FigureValue

    story = make_story(0)
    arts = story.story.articles
    agree = FigureSet(
        quantity="soldiers deployed",
        values=(
            FigureValue(
                10000,
                "soldiers",
                "between 10,000 and 14,000 soldiers",
                arts[0].id,
                10000,
                14000,
                "between",
            ),
            FigureValue(
                11000, "soldiers", "around 11,000 troops", arts[1].id, 9900, 12100, "approximate"
            ),
        ),
        disagree=False,
    )
    same = FigureSet(
        quantity="year lease",
        values=(
            FigureValue(30, "year", "30-year lease", arts[0].id, 30, 30),
            FigureValue(30, "year", "30-year lease", arts[1].id, 30, 30),
        ),
        disagree=False,
    )
    figures = (*story.figures, agree, same)
    briefing = replace(make_briefing(1), stories=(replace(story, figures=figures),))
    text = render.render_text(briefing)
    assert "NUMBERS DIFFER: residents affected" in text
    assert "NUMBERS AGREE: soldiers deployed (10,000–14,000)" in text
    assert "around 11,000 troops" in text
    assert "year lease" not in text  # everyone gives the same number: nothing to compare
    html = render.render_html(briefing)
    assert "NUMBERS AGREE: SOLDIERS DEPLOYED (10,000–14,000)" in html
