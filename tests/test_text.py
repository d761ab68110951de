from __future__ import annotations

import pytest

from briefing.text import SentenceTokenizer, Span, split_paragraphs, split_sentences, words


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


def test_offsets_are_exact_and_sentences_stay_on_their_line() -> None:
    text = "  First line has one sentence.  Second one here!\n\nA new paragraph? Yes.\n"
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "First line has one sentence.",
        "Second one here!",
        "A new paragraph?",
        "Yes.",
    ]
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert "\n" not in span.text


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Alvarez and Dr. Okafor met Gov. Lindqvist in St. Petersburg on Monday.",
        "The bill was signed by George W. Bush in a short ceremony.",
        "J. R. Hartley wrote the book about fly fishing.",
        "The meeting is set for Jan. 6 in Room No. 12 of the old hall.",
        "The U.S. Senate voted 52 to 48 on the measure.",
        "Acme Inc. said profits rose 3.5 per cent in the quarter.",
        "The talks ran until 11 p.m. Eastern time on Thursday.",
        "Prices rose by about 2.4% in March, the statistics office said.",
    ],
)
def test_abbreviations_initials_and_numbers_do_not_end_a_sentence(text: str) -> None:
    assert texts(text) == [text]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Troops left the U.S. The withdrawal took a week.",
            ["Troops left the U.S.", "The withdrawal took a week."],
        ),
        (
            '"We will rebuild," she said. "It will take years." Nobody disagreed.',
            ['"We will rebuild," she said.', '"It will take years."', "Nobody disagreed."],
        ),
        (
            "“Is it over?” he asked. Nobody answered.",
            ["“Is it over?” he asked.", "Nobody answered."],
        ),
        (
            "The vote was close (51 to 49). Then the chair adjourned.",
            ["The vote was close (51 to 49).", "Then the chair adjourned."],
        ),
        (
            "The numbers kept climbing... Officials stopped counting.",
            ["The numbers kept climbing...", "Officials stopped counting."],
        ),
        (
            "He joined in 2019. 2020 was harder for everyone.",
            ["He joined in 2019.", "2020 was harder for everyone."],
        ),
        (
            "He told Harbour Radio.Prices have doubled since May, he said.",
            ["He told Harbour Radio.", "Prices have doubled since May, he said."],
        ),
        ("The site is harbour.com now. It was a.b.Co before.", ["The site is harbour.com now.",
                                                                  "It was a.b.Co before."]),
        ("A heading without a stop", ["A heading without a stop"]),
    ],
)
def test_sentence_boundaries(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n  \t\n") == []
    assert split_paragraphs("\n\n") == []


def test_paragraphs_keep_offsets() -> None:
    text = "one\n  two words  \n\nthree"
    assert split_paragraphs(text) == [
        Span("one", 0, 3),
        Span("two words", 6, 15),
        Span("three", 19, 24),
    ]


def test_words_keep_hyphens_and_apostrophes() -> None:
    assert words("Kyiv’s long-range strikes didn't stop; 10,000 troops_") == [
        "Kyiv’s", "long-range", "strikes", "didn't", "stop", "10", "000", "troops",
    ]  # fmt: skip


def test_sumy_tokenizer_needs_no_downloads() -> None:
    tokenizer = SentenceTokenizer()
    assert tokenizer.language == "english"
    assert tokenizer.to_sentences("One here. Two there.") == ("One here.", "Two there.")
    assert tokenizer.to_words("One here.") == ("One", "here")
