from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.clean import clean_text

# Boilerplate that must never survive cleaning, whatever the page.
FURNITURE = [
    re.compile(r"^(be the first to comment|leave a reply|read more|show more|video|avatar"
               r"|article image|news feed)$", re.I),
    re.compile(r"^\d+ min read$", re.I),
    re.compile(r"^\|?\s*published\b", re.I),
    re.compile(r"^related:", re.I),
    re.compile(r"^sources?:", re.I),
    re.compile(r"\((?:[^()]*/[^()]*|[^()]*getty images)\)$", re.I),
    re.compile(r"^[A-Z][\w']*(?: [A-Z][\w']*){0,3} [–—-] .+ [–—] .+$"),
    re.compile(r"^[A-Z]\w+ [A-Z]\w+ is an? (?:\w+ ){0,3}(?:editor|reporter|correspondent)\b"),
]


def _seeds(shared: Path) -> list[tuple[str, str]]:
    files = sorted((shared / "seeds").glob("*.txt"))
    if not files:
        pytest.skip("no seed articles")
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def _long_sentences(text: str) -> list[str]:
    return [ln.strip(" •") for ln in text.splitlines()
            if len(ln.split()) >= 25 and re.search(r"[.!?\"”]$", ln.strip())]


def test_seeds_lose_all_furniture_and_keep_their_prose(shared: Path) -> None:
    for name, raw in _seeds(shared):
        cleaned = clean_text(raw)
        paragraphs = cleaned.split("\n\n")
        for para in paragraphs:
            assert para in raw, f"{name}: cleaning must copy lines verbatim"
            for pattern in FURNITURE:
                assert not pattern.search(para), f"{name}: furniture kept: {para[:80]!r}"
        assert len(paragraphs) == len(set(paragraphs)), f"{name}: repeated line kept"
        prose = _long_sentences(raw)
        kept = [p for p in prose if p in paragraphs]
        assert len(kept) >= 0.8 * len(prose), f"{name}: lost prose {len(kept)}/{len(prose)}"


def test_clean_seed_without_furniture_is_unchanged(shared: Path) -> None:
    for name, raw in _seeds(shared):
        lines = [ln.strip() for ln in raw.splitlines() if ln.strip()]
        if all(len(ln.split()) >= 25 for ln in lines):
            assert clean_text(raw).split("\n\n") == lines, name


def test_each_kind_of_furniture_is_dropped() -> None:
    story = "The council voted on Tuesday to approve the new harbour budget of 12 million."
    page = "\n".join([
        "Local News",
        "Harbour budget approved after long debate",
        "3 min read",
        "Harbour budget approved after long debate",
        "The harbour at dawn, seen from the north pier. (Jane Roe/Example Press via Getty Images)",
        "| Published March 3, 2025",
        "Share on Facebook",
        "Advertisement",
        story,
        "Related: Ferry timetable changes next month",
        "Subscribe to our newsletter",
        "Garden Hoses – Water more with less effort — hoses that never kink.",
        "Photo: John Smith",
        "Read more",
        "Jane Roe",
        "Senior Harbour Reporter",
        "Jane Roe is a reporter at the Example Gazette covering ports and shipping.",
        "Show More",
    ])
    assert clean_text(page).split("\n\n") == ["Harbour budget approved after long debate", story]


def test_comment_prompt_ends_the_article() -> None:
    text = "First real paragraph of the story.\nBe the first to comment\nLeave a Reply\nName"
    assert clean_text(text) == "First real paragraph of the story."


def test_headline_glued_to_prose_is_split() -> None:
    text = ("Mayor Opens New Bridge Over the RiverThe mayor opened the bridge on Monday morning. "
            "Traffic started to flow at noon.")
    assert clean_text(text).split("\n\n") == [
        "Mayor Opens New Bridge Over the River",
        "The mayor opened the bridge on Monday morning. Traffic started to flow at noon.",
    ]


def test_caption_glued_to_prose_is_split_and_dropped() -> None:
    text = ("Crowds gather at the square. (Ann Lee/Example Wire)Thousands of people marched "
            "through the city centre on Saturday.")
    assert clean_text(text) == (
        "Thousands of people marched through the city centre on Saturday.")


def test_camel_case_names_are_not_split() -> None:
    text = "Analysts at DeepState and YouTube creators reported the move on Friday, officials said."
    assert clean_text(text) == text


def test_cut_related_teaser_and_its_headline_are_dropped() -> None:
    story = "The port will reopen on Monday, the authority said in a statement."
    teaser_head = "Shipping lines plan new routes as port reopens, experts say"
    teaser = ("Several shipping lines are preparing new routes through the northern harbour, "
              "industry analysts and several captains told reporters this week. Since the port "
              "authority first announced the reopening of the harbour in early")
    assert clean_text("\n".join([story, teaser_head, teaser])) == story


def test_sources_list_is_dropped_but_prose_after_it_kept() -> None:
    text = "\n".join([
        "The summit ended without an agreement, diplomats said on Sunday.",
        "SOURCES:",
        "WIRE ONE – Summit ends without deal",
        "PAPER TWO – Leaders leave summit early",
        "",
        "Talks are expected to resume in the spring, according to officials.",
    ])
    assert clean_text(text).split("\n\n") == [
        "The summit ended without an agreement, diplomats said on Sunday.",
        "Talks are expected to resume in the spring, according to officials.",
    ]


def test_empty_and_whitespace_text() -> None:
    assert clean_text("") == ""
    assert clean_text(" \n\t\n ") == ""


def test_extraction_and_cleaning_keep_aeb_quality(shared: Path) -> None:
    """Quality gate: fetch-free extract + clean on the first 60 AEB pages (full run in
    bench/extraction.py). A cleaning rule that eats article text fails here."""
    import gzip
    import json
    import sys

    from briefing.fulltext import extract_text

    root = shared / "eval-data" / "scrapinghub-aeb"
    if not root.is_dir():
        pytest.skip("AEB data absent")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench._aeb_metric import score

    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    keys = sorted(truth)[:60]
    got = {}
    for key in keys:
        html = gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes())
        got[key] = clean_text(extract_text(html, truth[key].get("url")) or "")
    metrics = score({k: truth[k].get("articleBody", "") for k in keys}, got)
    assert metrics["f1"] >= 0.94
    assert metrics["recall"] >= 0.95
