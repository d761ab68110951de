"""Sections: stories placed by their articles' sources and keywords, shown grouped in every
output; configured through config.yaml and validated with one-line errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from render_look import pdf_text, tools_missing
from sections_helpers import SECTIONS, cli, sample_config

from briefing.models import Article, Story, StoryBrief
from briefing.sections import OTHER, Section, Sectioner, assign

T = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)


def article(id: str, source: str, title: str, text: str = "") -> Article:
    return Article(id=id, source=source, url=f"https://x.example/{id}", title=title, text=text,
                   published=T, fetched=T)


def brief(rank: int, *articles: Article) -> StoryBrief:
    story = Story(id=f"s{rank}", articles=articles, origins={a.id: a.id for a in articles})
    return StoryBrief(story=story, headline=articles[0].title, summary=(), rank=rank)


SPORT = Section("Sport", keywords=("marathon", "cup final"))
MONEY = Section("Money", sources=frozenset({"Ledger"}), keywords=("bank",))


def test_an_article_goes_by_source_first_then_by_keyword_hits() -> None:
    sectioner = Sectioner([SPORT, MONEY])
    assert sectioner.of_article(article("a", "Ledger", "Marathon sponsor")) == "Money"
    assert sectioner.of_article(article("b", "Post", "City marathon")) == "Sport"
    # whole words only, any case: "banking" is not "bank", "CUP FINAL" is "cup final"
    assert sectioner.of_article(article("c", "Post", "Banking hours")) is None
    assert sectioner.of_article(article("d", "Post", "CUP FINAL tonight")) == "Sport"
    # a title hit weighs three text hits
    mixed = article("e", "Post", "Bank sponsors race", "marathon marathon")
    assert sectioner.of_article(mixed) == "Money"


def test_a_story_goes_where_most_of_its_articles_belong() -> None:
    sectioner = Sectioner([SPORT, MONEY])
    majority = [article("a", "Ledger", "x"), article("b", "Post", "marathon"),
                article("c", "Post", "cup final"), article("d", "Post", "nothing")]
    assert sectioner.of_story(majority) == "Sport"
    tie = [article("a", "Ledger", "x"), article("b", "Post", "marathon")]
    assert sectioner.of_story(tie) == "Sport"  # the section configured first wins a tie
    assert sectioner.of_story([article("a", "Post", "weather")]) == OTHER


def test_stories_are_ordered_by_section_then_rank_other_last() -> None:
    briefs = [
        brief(1, article("a", "Post", "weather")),
        brief(2, article("b", "Ledger", "rates")),
        brief(3, article("c", "Post", "marathon")),
        brief(4, article("d", "Post", "bank")),
    ]
    placed = assign(briefs, [SPORT, MONEY])
    assert [(b.section, b.rank) for b in placed] == [
        ("Sport", 3), ("Money", 2), ("Money", 4), (OTHER, 1),
    ]


@pytest.fixture(scope="module")
def sectioned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sectioned")
    config = sample_config(folder, sections=SECTIONS)
    done = cli("run", "--config", str(config), "--as-of", "2026-11-21T07:00:00Z", "--no-send",
               cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder / "outbox" / "2026-11-21"


def test_json_gives_each_story_its_section_in_configured_order(sectioned: Path) -> None:
    data = json.loads((sectioned / "briefing.json").read_text())
    sections = [s["section"] for s in data["stories"]]
    assert sections == sorted(sections, key=["Business", "Sport", "Local", "Other"].index)
    assert set(sections) == {"Business", "Sport", "Local", "Other"}
    by_headline = {s["headline"]: s["section"] for s in data["stories"]}
    assert by_headline["Reserve bank cuts interest rate to 4.25%"] == "Business"
    assert by_headline["Okonkwo breaks course record to win Port Calder marathon"] == "Sport"
    assert by_headline["Volunteers count record number of wintering swans on the Merrow estuary"] \
        == "Local"


def test_text_html_and_eml_show_section_headings(sectioned: Path) -> None:
    text = (sectioned / "briefing.txt").read_text()
    names = ("Business", "Sport", "Local", "Other")
    headings = [text.index(f"\n{name.upper()}\n") for name in names]
    assert headings == sorted(headings)
    html = (sectioned / "briefing.html").read_text()
    assert [html.index(f">{n}</h2>") for n in ("BUSINESS", "SPORT", "LOCAL", "OTHER")] == sorted(
        html.index(f">{n}</h2>") for n in ("BUSINESS", "SPORT", "LOCAL", "OTHER")
    )
    eml = message_from_bytes((sectioned / "briefing.eml").read_bytes(), policy=policy.default)
    assert "SPORT" in eml.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.skipif(bool(tools_missing()), reason="poppler not installed")
def test_pdf_contents_list_stories_under_their_sections(sectioned: Path) -> None:
    text = pdf_text(sectioned / "briefing.pdf")
    contents = text[text.index("CONTENTS"):]
    # pdftotext spaces out the letter-spaced heading
    sport = contents.replace(" ", "").upper().index("SPORT")
    contents = contents.replace(" ", "")
    marathon = contents.index("Okonkwobreakscourserecord")
    local = contents.upper().index("LOCAL", sport)
    assert sport < marathon < local
    # numbering runs on across sections: the marathon story is not "1." again
    line = next(x for x in contents.splitlines() if "Okonkwobreaks" in x)
    assert not line.startswith("1.")


def test_without_sections_json_has_no_section_key(tmp_path: Path) -> None:
    config = sample_config(tmp_path)
    done = cli("run", "--config", str(config), "--as-of", "2026-11-21T07:00:00Z", "--no-send",
               "--no-collect", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "outbox/2026-11-21/briefing.json").read_text())
    assert data["stories"] == [] or all("section" not in s for s in data["stories"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"sections": [{"name": "World", "sources": ["Nowhere Times"]}]},
         "sections.0.sources.0: unknown source 'Nowhere Times'"),
        ({"sections": [{"name": "World"}]}, "sections.0: give sources or keywords"),
        ({"sections": [{"name": "Other", "keywords": ["x"]}]}, "sections.0.name: 'Other' is"),
        ({"sections": [{"name": "A", "keywords": ["x"]}, {"name": "A", "keywords": ["y"]}]},
         "sections.1.name: section 'A' is listed twice"),
        ({"sections": [{"name": "A", "keywords": [" "]}]}, "sections.0.keywords: Value error"),
        ({"sections": SECTIONS,
          "email": {"to": [{"address": "a@example.net", "sections": ["Weather"]}]}},
         "email.to.0.sections.0: unknown section 'Weather'"),
        ({"email": {"to": [{"address": "a@example.net", "sections": ["Sport"]}]}},
         "email.to.0.sections: no `sections` are configured"),
        ({"email": {"to": [{"address": "a@example.net", "max_stories": 0}]}},
         "email.to.0.max_stories: Input should be greater than or equal to 1"),
        ({"email": {"to": [{"address": "not-an-address"}]}}, "email.to.0.address: Value error"),
        ({"email": {"to": [{"adress": "a@example.net"}]}},
         "email.to.0.address: required key is missing"),
        ({"archive_url": "ftp://x.example/"}, "archive_url: Value error, must be an http(s) URL"),
    ],
)
def test_bad_sections_and_recipients_are_one_line_errors(
    tmp_path: Path, extra: dict[str, object], message: str
) -> None:
    config = sample_config(tmp_path, **extra)
    done = cli("run", "--config", str(config), "--no-collect", cwd=tmp_path, timeout=60)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
