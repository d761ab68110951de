"""One pass through every stage: bundled samples and the shared seed articles."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from html import escape
from pathlib import Path

import pytest

from briefing import pipeline
from briefing.config import load_config, parse_config
from briefing.store import Store

SAMPLES_AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
OUTBOX_FILES = {"briefing.html", "briefing.txt", "briefing.pdf", "briefing.json", "briefing.eml"}


def sample_config(repo: Path, tmp_path: Path):
    config = load_config(repo / "config.yaml")
    return config.model_copy(
        update={"database": tmp_path / "briefing.db", "outbox": tmp_path / "outbox"}
    )


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.RunResult, Path]:
    repo = Path(__file__).resolve().parents[1]
    tmp = tmp_path_factory.mktemp("samples")
    config = sample_config(repo, tmp)
    with Store(config.database) as store:
        result = pipeline.run_once(config, store, SAMPLES_AS_OF, NOW)
    return result, tmp


def test_samples_produce_every_outbox_file(sample_run: tuple[pipeline.RunResult, Path]) -> None:
    result, tmp = sample_run
    folder = tmp / "outbox" / "2026-11-21"
    assert {p.name for p in folder.iterdir()} >= OUTBOX_FILES
    assert {p.name for p in result.paths} >= OUTBOX_FILES
    for name in OUTBOX_FILES:
        assert (folder / name).stat().st_size > 200, name
    data = json.loads((folder / "briefing.json").read_text())
    assert data["schema"] == "briefing/1"
    assert data["date"] == "2026-11-21"
    assert data["window"] == {"start": "2026-11-20T07:00:00Z", "end": "2026-11-21T07:00:00Z"}
    multi = [s for s in data["stories"] if s["sources"] >= 2]
    assert len(multi) >= 3, [s["headline"] for s in data["stories"]]
    for story in data["stories"]:
        texts = {a["id"]: a for a in story["articles"]}
        assert story["summary"], story["headline"]
        for sentence in story["summary"]:
            assert sentence["article_id"] in texts
            assert sentence["end"] - sentence["start"] == len(sentence["text"])


def test_summary_sentences_are_verbatim(sample_run: tuple[pipeline.RunResult, Path]) -> None:
    result, _ = sample_run
    for brief in result.briefing.stories:
        texts = {a.id: a.text for a in brief.story.articles}
        for s in brief.summary:
            assert texts[s.article_id][s.start : s.end] == s.text


def test_html_shows_each_story_with_its_sources(
    sample_run: tuple[pipeline.RunResult, Path],
) -> None:
    result, tmp = sample_run
    html = (tmp / "outbox" / "2026-11-21" / "briefing.html").read_text()
    for brief in result.briefing.stories:
        for article in brief.story.articles:
            if article.url.startswith("https://"):
                assert f'href="{article.url}"' in html
            else:  # a local file: named, but never linked in mail
                assert article.url not in html
                assert escape(article.title) in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_shows_every_headline(sample_run: tuple[pipeline.RunResult, Path]) -> None:
    result, tmp = sample_run
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp / "outbox" / "2026-11-21" / "briefing.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    for brief in result.briefing.stories:
        assert " ".join(brief.headline.split())[:40] in flat, brief.headline


def test_same_inputs_give_byte_identical_json(repo: Path, tmp_path: Path) -> None:
    outputs = []
    for name in ("one", "two"):
        config = sample_config(repo, tmp_path / name)
        with Store(config.database) as store:
            pipeline.collect(config, store, NOW)
            briefing = pipeline.build_briefing(config, store, SAMPLES_AS_OF)
        outputs.append(pipeline.briefing_json.to_json(briefing))
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["stories"]


def test_rebuilding_the_same_day_is_stable(repo: Path, tmp_path: Path) -> None:
    config = sample_config(repo, tmp_path)
    with Store(config.database) as store:
        first = pipeline.run_once(config, store, SAMPLES_AS_OF, NOW)
        second = pipeline.run_once(config, store, SAMPLES_AS_OF, NOW)
    assert pipeline.briefing_json.to_json(first.briefing) == pipeline.briefing_json.to_json(
        second.briefing
    )


SEED_DAY = {"000": 26, "001": 26, "003": 26, "004": 26}


def test_seed_reports_form_one_story(shared: Path, tmp_path: Path) -> None:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for n, seed in enumerate(sorted((shared / "seeds").glob("*.txt"))):
        if seed.name[:3] not in SEED_DAY:
            continue
        target = folder / seed.name
        shutil.copyfile(seed, target)
        stamp = datetime(2025, 4, 26, 8 + n, 0, tzinfo=UTC).timestamp()
        os.utime(target, (stamp, stamp))
    config = parse_config(
        {"sources": [{"name": "Seeds", "url": "seeds"}], "database": "b.db", "outbox": "out"},
        tmp_path / "config.yaml",
    )
    as_of = datetime(2025, 4, 27, 6, 0, tzinfo=UTC)
    with Store(config.database) as store:
        result = pipeline.run_once(config, store, as_of, as_of)
    stories = result.briefing.stories
    assert len(stories) == 1, [b.headline for b in stories]
    story = stories[0]
    assert len(story.story.articles) == 4
    assert len(story.summary) >= 2
    texts = {a.id: a.text for a in story.story.articles}
    for s in story.summary:
        assert texts[s.article_id][s.start : s.end] == s.text
