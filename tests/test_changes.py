"""What changed: a developing story shows what is new since the earlier briefing showed it
(new outlets, new claims and denials, figures that moved), copied verbatim from the articles,
with a link to the earlier briefing. Checked on a two-day run of real builds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from render_look import pdf_text, tools_missing
from sections_helpers import cli, developing_config, sample_config

from briefing.changes import new_claims, new_sources, story_changes
from briefing.models import Article, Claim, Story, StoryBrief

DAY1, DAY2 = "2026-11-20T12:00:00Z", "2026-11-21T07:00:00Z"


def article(id: str, source: str, text: str, day: int) -> Article:
    when = datetime(2026, 11, day, 6, 0, tzinfo=UTC)
    return Article(id=id, source=source, url=f"https://x.example/{id}", title=text[:30],
                   text=text, published=when, fetched=when)


def test_story_changes_lists_new_outlets_claims_and_moved_figures() -> None:
    old = article("a", "Wire", "Floods in the Kessel valley killed 12 people on Thursday, "
                  "the regional fire service said.", 20)
    new = article("b", "Post", "Floods in the Kessel valley have killed 19 people, the "
                  "regional fire service said on Friday. Mayor Piet Laan denied that the "
                  "sirens had failed.", 21)
    earlier = Story("s", (old,), {"a": "a"})
    today = Story("s", (new,), {"b": "b"}, developing=True)
    denial = Claim("Mayor Piet Laan", "the sirens had failed", "denies", ("b",), 1)
    repeated = Claim("fire service", "Floods in the Kessel valley have killed 19 people",
                     "asserts", ("b",), 1)
    said_before = Claim("fire service", "Floods in the Kessel valley killed 12 people",
                        "asserts", ("a",), 1)
    brief = StoryBrief(today, "Kessel floods", (), claims=(repeated, denial))
    found = story_changes(brief, earlier, (said_before,), "2026-11-20")
    assert found.since == "2026-11-20"
    assert found.new_sources == ("Post",)
    assert found.new_claims == (denial,)
    [move] = found.figures
    assert [v.text for v in move.before] == ["12 people"]
    assert [v.text for v in move.after] == ["19 people"]
    # verbatim: every value is a slice of its article
    assert new.text[move.after[0].start:move.after[0].end] == "19 people"


def test_nothing_new_is_no_change() -> None:
    old = article("a", "Wire", "The bridge reopened, the council said.", 20)
    earlier = Story("s", (old,), {"a": "a"})
    same_outlet = article("b", "Wire", "Traffic is flowing again.", 21)
    today = Story("s", (same_outlet,), {"b": "b"})
    assert new_sources(today, earlier) == ()
    reprinted = Claim("the council", "The bridge reopened", "asserts", ("b",), 1)
    assert new_claims((reprinted,), (), earlier) == ()  # its words were printed before
    assert not story_changes(StoryBrief(today, "x", ()), earlier, (), "2026-11-20")


@pytest.fixture(scope="module")
def two_days(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("developing")
    config = developing_config(folder)
    for as_of in (DAY1, DAY2):
        done = cli("run", "--config", str(config), "--as-of", as_of, "--no-send", cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder / "outbox"


def test_json_records_what_changed_since_yesterday(two_days: Path) -> None:
    [story] = json.loads((two_days / "2026-11-21/briefing.json").read_text())["stories"]
    assert story["developing"] is True
    changes = story["changes"]
    assert changes["since"] == "2026-11-20"
    assert changes["url"] == "../2026-11-20/briefing.html"
    assert (two_days / "2026-11-21" / changes["url"]).resolve().is_file()
    assert changes["new_sources"] == ["Harbour Post", "Valley Courier"]
    denials = [c for c in changes["new_claims"] if c["stance"] == "denies"]
    assert denials and denials[0]["actor"] == "Kessel mayor Piet Laan"
    [move] = changes["figures"]
    assert [v["text"] for v in move["before"]] == ["12 people"]
    assert {v["text"] for v in move["after"]} == {"19 people"}
    # yesterday's briefing had nothing to compare with
    [first] = json.loads((two_days / "2026-11-20/briefing.json").read_text())["stories"]
    assert "changes" not in first


def test_text_and_html_show_the_moved_figure_and_link_back(two_days: Path) -> None:
    text = (two_days / "2026-11-21/briefing.txt").read_text()
    assert "NEW SINCE FRI 20 NOV (../2026-11-20/briefing.html)" in text
    assert "12 people yesterday, 19 people [1][2] today" in " ".join(text.split())
    assert "New denial: Kessel mayor Piet Laan denied the valley" in " ".join(text.split())
    html = (two_days / "2026-11-21/briefing.html").read_text()
    assert 'href="../2026-11-20/briefing.html"' in html
    assert "New sources: Harbour Post, Valley Courier" in html


@pytest.mark.skipif(bool(tools_missing()), reason="poppler not installed")
def test_pdf_shows_what_changed(two_days: Path) -> None:
    text = " ".join(pdf_text(two_days / "2026-11-21/briefing.pdf").split())
    assert "NEW SINCE FRI 20 NOV" in text
    assert "12 people (yesterday) → 19 people (today)" in text


def test_archive_url_makes_the_link_absolute(tmp_path: Path) -> None:
    config = developing_config(tmp_path, archive_url="https://news.example/briefings")
    for as_of in (DAY1, DAY2):
        done = cli("run", "--config", str(config), "--as-of", as_of, "--no-send", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    html = (tmp_path / "outbox/2026-11-21/briefing.html").read_text()
    assert 'href="https://news.example/briefings/2026-11-20/briefing.html"' in html


def test_samples_two_day_run_marks_the_port_story_with_its_new_outlets(tmp_path: Path) -> None:
    config = sample_config(tmp_path)
    for as_of in ("2026-11-20T07:00:00Z", "2026-11-21T07:00:00Z"):
        done = cli("run", "--config", str(config), "--as-of", as_of, "--no-send", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    stories = json.loads((tmp_path / "outbox/2026-11-21/briefing.json").read_text())["stories"]
    [port] = [s for s in stories if s["developing"]]
    assert port["changes"]["since"] == "2026-11-20"
    assert port["changes"]["new_sources"]
    assert any(c["stance"] == "denies" for c in port["changes"]["new_claims"])
    texts = {a["id"]: a for a in port["articles"]}
    for claim in port["changes"]["new_claims"]:
        assert claim["article_ids"][0] in texts


def test_each_reader_is_told_what_is_new_since_they_last_saw_the_story(tmp_path: Path) -> None:
    """Day 1 the flood story has no siren in it (section Other); day 2 it does (Sirens). A
    reader of Sirens only never saw it: no "new since" block. A reader of Other and Sirens saw
    it on day 1, as did a reader of everything: both get the block."""
    config = developing_config(
        tmp_path,
        sections=[{"name": "Sirens", "keywords": ["sirens"]}],
        email={"from": "desk@example.org", "to": [
            "all@example.net",
            {"address": "sirens@example.net", "sections": ["Sirens"]},
            {"address": "both@example.net", "sections": ["Other", "Sirens"]},
        ]},
    )
    for as_of in (DAY1, DAY2):
        done = cli("run", "--config", str(config), "--as-of", as_of, "--no-send", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    day1 = json.loads((tmp_path / "outbox/2026-11-20/briefing.json").read_text())["stories"]
    day2 = json.loads((tmp_path / "outbox/2026-11-21/briefing.json").read_text())["stories"]
    assert [s["section"] for s in day1] == ["Other"]
    assert [s["section"] for s in day2] == ["Sirens"] and "changes" in day2[0]
    mail = tmp_path / "outbox/2026-11-21/mail"

    def text_of(name: str) -> str:
        msg = message_from_bytes((mail / name).read_bytes(), policy=policy.default)
        part = msg.get_body(("plain",))
        assert part is not None
        return " ".join(part.get_content().split())

    assert "NEW SINCE FRI 20 NOV" in text_of("all@example.net.eml")
    assert "NEW SINCE FRI 20 NOV" in text_of("both@example.net.eml")
    sirens = text_of("sirens@example.net.eml")
    assert "[DEVELOPING]" in sirens and "NEW SINCE" not in sirens
