from __future__ import annotations

import calendar
import itertools
import json
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import feedparser
import pytest

from briefing import summarize as summarize_module
from briefing.feeds import html_to_text
from briefing.models import Article, Story
from briefing.summarize import (
    ALGORITHMS,
    choose_headline,
    needs_predecessor,
    reads_alone,
    summarize_story,
)
from briefing.text import split_sentences, words

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO / ".." / "shared"
T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def make_article(
    key: str, text: str, *, title: str = "", source: str = "", hours: int = 0
) -> Article:
    when = T0 + timedelta(hours=hours)
    return Article(
        id=key,
        source=source or f"Outlet {key}",
        url=f"https://example.org/{key}",
        title=title or f"Title {key}",
        text=text,
        published=when,
        fetched=when,
    )


def make_story(*articles: Article) -> Story:
    return Story(id="story", articles=tuple(articles), origins={a.id: a.id for a in articles})


HARBOUR_A = (
    "The harbour authority of Port Elling closed the northern quay on Tuesday after a crane "
    "collapsed onto a cargo ship during a storm.\n"
    "Nobody was injured in the collapse, the authority said in a statement.\n"
    "It said repairs would take at least three weeks.\n"
    "Photo: A crane lies across the deck of a cargo ship (Jane Doe/Agency)\n"
    "Sign up for our newsletter to get the latest harbour news every morning.\n"
    "Will the port reopen before the grain season starts?\n"
)
HARBOUR_B = (
    "A crane collapsed onto a cargo ship during a storm on Tuesday, and the harbour authority of "
    "Port Elling closed the northern quay.\n"
    "Shipping companies said the closure would delay grain exports from the region by weeks.\n"
    "However, the harbour master insisted the southern quay could absorb most of the traffic.\n"
)
HARBOUR_C = (
    "Insurers estimated the damage to the quay and the vessel at twelve million euros on "
    "Wednesday.\n"
    "The crane operator blamed gusts of more than one hundred kilometres an hour for the "
    "accident.\n"
)


def harbour_story() -> Story:
    return make_story(
        make_article(
            "a",
            HARBOUR_A,
            title="Crane collapse shuts Port Elling quay - Coast Daily",
            source="Coast Daily",
            hours=0,
        ),
        make_article("b", HARBOUR_B, title="Storm topples crane onto ship at Port Elling", hours=2),
        make_article(
            "c", HARBOUR_C, title="Port Elling crane damage put at 12 million euros", hours=5
        ),
    )


def assert_verbatim(story: Story, summary: tuple) -> None:
    by_id = {a.id: a for a in story.articles}
    for sentence in summary:
        assert by_id[sentence.article_id].text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_every_algorithm_gives_verbatim_sentences_within_budget(algorithm: str) -> None:
    story = harbour_story()
    summary = summarize_story(story, algorithm=algorithm, max_words=60, max_sentences=3)
    assert 1 <= len(summary) <= 3
    assert sum(len(words(s.text)) for s in summary) <= 60
    assert_verbatim(story, summary)


def test_two_outlets_versions_of_one_fact_never_both_appear() -> None:
    story = harbour_story()
    summary = summarize_story(story, algorithm="lexrank", max_words=200, max_sentences=8)
    texts = [s.text for s in summary]
    collapse = [t for t in texts if "crane collapsed onto a cargo ship" in t]
    assert len(collapse) == 1


def test_boilerplate_captions_questions_are_never_picked() -> None:
    story = harbour_story()
    summary = summarize_story(story, algorithm="lexrank", max_words=500, max_sentences=20)
    joined = " ".join(s.text for s in summary)
    assert "newsletter" not in joined
    assert "Photo:" not in joined
    assert "?" not in joined
    assert summary, "the story has good sentences to pick"


def test_dangling_opener_only_with_its_predecessor() -> None:
    story = harbour_story()
    for budget in (30, 60, 120, 500):
        summary = summarize_story(story, algorithm="lexrank", max_words=budget, max_sentences=20)
        picked = {(s.article_id, s.start) for s in summary}
        for s in summary:
            if s.text.startswith(("It said", "However")):
                article = next(a for a in story.articles if a.id == s.article_id)
                previous_end = article.text.rfind("\n", 0, s.start - 1) + 1
                assert (s.article_id, previous_end) in picked


def test_reading_order_opening_article_then_oldest_first_each_in_source_order() -> None:
    story = harbour_story()
    published = {a.id: a.published for a in story.articles}
    summary = summarize_story(story, algorithm="lexrank", max_words=500, max_sentences=20)
    assert len({s.article_id for s in summary}) >= 2
    groups: list[str] = []
    for sentence in summary:
        if not groups or groups[-1] != sentence.article_id:
            groups.append(sentence.article_id)
    assert len(groups) == len(set(groups)), "each article's sentences stay together"
    later = [published[g] for g in groups[1:]]
    assert later == sorted(later)
    for article_id in groups:
        starts = [s.start for s in summary if s.article_id == article_id]
        assert starts == sorted(starts)


def test_summary_opens_with_a_lead_sentence() -> None:
    story = harbour_story()
    summary = summarize_story(story, algorithm="lexrank", max_words=60, max_sentences=3)
    article = next(a for a in story.articles if a.id == summary[0].article_id)
    lead_starts = [span.start for span in split_sentences(article.text)[:2]]
    assert summary[0].start in lead_starts


def test_sentence_budget_is_respected() -> None:
    summary = summarize_story(harbour_story(), algorithm="lexrank", max_words=500, max_sentences=2)
    assert len(summary) == 2


def test_empty_and_textless_stories_give_empty_summaries() -> None:
    assert summarize_story(make_story(), algorithm="lexrank", max_words=50, max_sentences=3) == ()
    blank = make_story(make_article("x", ""), make_article("y", "   \n\n"))
    assert summarize_story(blank, algorithm="textrank", max_words=50, max_sentences=3) == ()


def test_unknown_algorithm_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown summary algorithm"):
        summarize_story(harbour_story(), algorithm="gpt", max_words=50, max_sentences=3)


def test_filters() -> None:
    assert reads_alone("The council approved the new budget on Monday evening.")
    assert not reads_alone("Click here to read more about the budget and the council.")
    assert not reads_alone("Why did the council approve the new budget so quickly?")
    assert not reads_alone("budget approved")
    assert not reads_alone("and then the council approved the budget after midnight.")
    assert needs_predecessor("But the mayor vetoed it within an hour.")
    assert needs_predecessor("They said the vote was rushed through.")
    assert not needs_predecessor("The mayor vetoed the budget within an hour.")


def test_headline_is_a_member_title_with_outlet_suffix_trimmed() -> None:
    story = harbour_story()
    headline = choose_headline(story)
    assert headline in {
        "Crane collapse shuts Port Elling quay",
        "Storm topples crane onto ship at Port Elling",
        "Port Elling crane damage put at 12 million euros",
    }
    lone = make_story(
        make_article(
            "z", HARBOUR_C, title="Insurers count cost - Coast Daily", source="Coast Daily"
        )
    )
    assert choose_headline(lone) == "Insurers count cost"


def test_headline_without_titles_falls_back_to_a_sentence() -> None:
    story = make_story(make_article("z", HARBOUR_C, title=" "))
    assert choose_headline(story).startswith("Insurers estimated")


def seed_story() -> Story:
    folder = SHARED / "seeds"
    files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
    if not files:
        pytest.skip("shared seeds are not available")
    articles = []
    for index, path in enumerate(files):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(make_article(path.stem, body, title=title.strip(), hours=index))
    return make_story(*articles)


@pytest.mark.parametrize("algorithm", ["lexrank", "textrank", "lsa"])
def test_every_seed_sentence_is_verbatim(algorithm: str) -> None:
    story = seed_story()
    summary = summarize_story(story, algorithm=algorithm, max_words=10_000, max_sentences=10_000)
    assert len(summary) >= 10
    assert_verbatim(story, summary)
    texts = [s.text for s in summary]
    assert len(texts) == len(set(texts))


def test_seed_summary_reads_well() -> None:
    story = seed_story()
    summary = summarize_story(story, algorithm="lexrank", max_words=120, max_sentences=5)
    assert summary
    assert_verbatim(story, summary)
    for sentence in summary:
        assert reads_alone(sentence.text)
    assert not needs_predecessor(summary[0].text)


SAMPLES = REPO / "samples"


def sample_articles() -> tuple[dict[str, Article], dict]:
    feeds = sorted((SAMPLES / "feeds").glob("*.xml"))
    expectations = SAMPLES / "expectations.json"
    if not feeds or not expectations.is_file():
        pytest.skip("bundled samples are not available")
    articles: dict[str, Article] = {}
    for path in feeds:
        parsed = feedparser.parse(BytesIO(path.read_bytes()))
        source = parsed.feed.get("title", path.stem)
        for entry in parsed.entries:
            bodies = [c.get("value", "") for c in entry.get("content", [])]
            html = max([*bodies, entry.get("summary", "")], key=len)
            when = datetime.fromtimestamp(calendar.timegm(entry.published_parsed), tz=UTC)
            articles[entry.link] = Article(
                id=entry.link,
                source=source,
                url=entry.link,
                title=entry.title,
                text=html_to_text(html),
                published=when,
                fetched=when,
            )
    return articles, json.loads(expectations.read_text(encoding="utf-8"))


def test_every_sentence_of_every_sample_article_is_verbatim() -> None:
    articles, _ = sample_articles()
    assert len(articles) >= 15
    for article in articles.values():
        spans = split_sentences(article.text)
        assert spans
        for span in spans:
            assert article.text[span.start : span.end] == span.text


@pytest.mark.parametrize("algorithm", ["lexrank", "textrank", "lsa"])
@pytest.mark.parametrize(("max_words", "max_sentences"), [(120, 5), (60, 3), (10_000, 10_000)])
def test_sample_story_summaries_read_well(
    algorithm: str, max_words: int, max_sentences: int
) -> None:
    articles, expect = sample_articles()
    boilerplate = [line for item in expect["boilerplate"] for line in item["lines"]]
    for story_info in expect["stories"]:
        members = [articles[url] for url in story_info["articles"]]
        story = make_story(*members)
        summary = summarize_story(
            story, algorithm=algorithm, max_words=max_words, max_sentences=max_sentences
        )
        assert summary, story_info["key"]
        assert len(summary) <= max_sentences
        assert sum(len(words(s.text)) for s in summary) <= max_words
        assert_verbatim(story, summary)
        texts = [s.text for s in summary]
        assert len(texts) == len(set(texts)), "no sentence twice"
        for text in texts:
            for line in boilerplate:
                assert text not in line
                assert len(words(line)) < 3 or line not in text
            assert reads_alone(text)
        assert not needs_predecessor(texts[0])
        for before, after in itertools.pairwise(summary):
            if needs_predecessor(after.text):
                assert before.article_id == after.article_id
                article = next(a for a in story.articles if a.id == after.article_id)
                between = article.text[before.end : after.start]
                assert not split_sentences(between), "a dangling opener follows its predecessor"


def test_sample_headlines_are_member_titles() -> None:
    articles, expect = sample_articles()
    for story_info in expect["stories"]:
        members = [articles[url] for url in story_info["articles"]]
        headline = choose_headline(make_story(*members))
        assert headline in {a.title for a in members}


def test_wire_dateline_is_left_out_and_offsets_stay_exact() -> None:
    wire = (
        "PORT ELLING (Coastal Wire) - The harbour authority closed the northern quay on Tuesday "
        "after a crane collapsed onto a cargo ship.\n"
        "Repairs to the quay are expected to take at least three weeks, the authority said.\n"
    )
    story = make_story(make_article("w", wire))
    summary = summarize_story(story, algorithm="lexrank", max_words=500, max_sentences=10)
    assert_verbatim(story, summary)
    assert not any("Coastal Wire" in s.text for s in summary)
    assert any(s.text.startswith("The harbour authority closed") for s in summary)


def test_mixed_naive_and_aware_times_and_missing_titles_do_not_crash() -> None:
    naive = make_article("n", HARBOUR_C, hours=1)
    naive = Article(**{**naive.__dict__, "published": naive.published.replace(tzinfo=None)})
    untitled = Article(**{**make_article("u", HARBOUR_B).__dict__, "title": ""})
    story = make_story(make_article("a", HARBOUR_A), naive, untitled)
    for algorithm in ALGORITHMS:
        summary = summarize_story(story, algorithm=algorithm, max_words=200, max_sentences=6)
        assert summary
        assert_verbatim(story, summary)
    assert choose_headline(story)


def test_a_budget_smaller_than_any_sentence_gives_an_empty_summary() -> None:
    assert summarize_story(harbour_story(), algorithm="lexrank", max_words=5, max_sentences=3) == ()


def test_a_very_large_story_is_summarised_from_each_article_s_first_sentences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(summarize_module, "MAX_SENTENCES", 100)
    filler = "".join(
        f"Filler line number {n} repeats the harbour report again.\n" for n in range(30)
    )
    articles = [
        make_article(
            f"x{n}", HARBOUR_A.replace("Port Elling", f"Port Elling {n}") + filler, hours=n
        )
        for n in range(10)
    ]
    story = make_story(*articles)
    summary = summarize_story(story, algorithm="lexrank", max_words=500, max_sentences=50)
    assert summary
    assert_verbatim(story, summary)
    for sentence in summary:
        article = next(a for a in story.articles if a.id == sentence.article_id)
        assert sentence.start < article.text.index("Filler line number 4 ")
