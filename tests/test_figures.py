"""Figures: numbers with what they count, normalised to intervals, grouped by quantity."""

from __future__ import annotations

import json
import math
from datetime import timedelta

import pytest
from claims_helpers import FIXTURES, NOW, SEEDS, article, fixture_story, seed_story, story

from briefing import briefing_json
from briefing.claims.figures import extract_figures
from briefing.claims.ledger import analyse_figures
from briefing.models import Briefing, FigureSet, StoryBrief


def _one(text: str):  # type: ignore[no-untyped-def]
    found = extract_figures(article("a", text), "a")
    assert len(found) == 1, [f.value.text for f in found]
    return found[0]


@pytest.mark.parametrize(
    ("sentence", "phrase", "low", "high", "qualifier"),
    [
        ("Officials said 23 container ships were stuck.", "23 container ships", 23, 23, "exact"),
        ("It sent at least 10,000 soldiers.", "at least 10,000 soldiers", 10_000, math.inf,
         "at least"),
        ("It sent more than 10,000 soldiers.", "more than 10,000 soldiers", 10_000, math.inf,
         "more than"),
        ("It sent between 10,000 and 14,000 soldiers.",
         "between 10,000 and 14,000 soldiers", 10_000, 14_000, "between"),
        ("It sent around 11,000 troops.", "around 11,000 troops", 9_900, 12_100,
         "approximately"),
        ("It sent up to 2,000 troops.", "up to 2,000 troops", 0, 2_000, "up to"),
        ("Kyiv holds 800 square kilometres of land.", "800 square kilometres", 800, 800,
         "exact"),
        ("It sent 1.5 million troops.", "1.5 million troops", 1_500_000, 1_500_000, "exact"),
    ],
)
def test_numbers_become_intervals(
    sentence: str, phrase: str, low: float, high: float, qualifier: str
) -> None:
    fig = _one(sentence)
    assert fig.value.text == phrase
    assert fig.value.low == pytest.approx(low)
    assert fig.value.high == pytest.approx(high) if math.isfinite(high) else fig.value.high == high
    assert fig.value.qualifier == qualifier
    assert sentence[fig.value.start : fig.value.end] == phrase


def test_percent_needs_to_know_what_it_measures() -> None:
    fig = _one("Inflation rose to 4.5% in March.")
    assert fig.value.unit == "%" and fig.value.value == 4.5
    assert fig.unit_class == "%:inflation"
    assert extract_figures(article("a", "It went up 4.5% on the day."), "a") == []


@pytest.mark.parametrize(
    "text",
    [
        "The incursion began in August 2024 and ended on April 26.",
        "Talks resumed in 2022.",
        "1. Deepening alliance\n2. Expansion of the war",
        "The COVID-19 response and the G7 summit were discussed.",
        "It happened on the 3rd floor.",
    ],
)
def test_dates_years_and_labels_are_not_figures(text: str) -> None:
    assert extract_figures(article("a", text), "a") == []


def _figures(*texts: str, origins: list[str] | None = None) -> tuple[FigureSet, ...]:
    arts = [article(f"a{k}", t) for k, t in enumerate(texts)]
    names = origins or [a.id for a in arts]
    mapping = {a.id: o for a, o in zip(arts, names, strict=True)}
    return analyse_figures(story(*arts, origins=mapping))


def test_soldiers_and_troops_are_one_quantity_when_estimates_overlap() -> None:
    sets = _figures(
        "Seoul said North Korea had sent at least 10,000 troops to Russia.",
        "Officials said between 10,000 and 14,000 North Korean soldiers fought in Kursk.",
        "Analysts said around 11,000 North Korean troops were deployed.",
    )
    assert len(sets) == 1
    assert len(sets[0].values) == 3
    assert sets[0].disagree is False


def test_values_that_cannot_all_be_true_disagree() -> None:
    sets = _figures(
        "Police said 12 people were killed in the blast.",
        "Hospital officials said 30 people were killed in the blast.",
    )
    assert len(sets) == 1 and sets[0].disagree is True


def test_one_origin_giving_two_numbers_is_not_a_disagreement() -> None:
    sets = _figures(
        "Police said 12 people were killed in the blast.",
        "Police said 30 people were killed in the blast.",
        origins=["wire", "wire"],
    )
    assert all(not s.disagree for s in sets)


def test_casualties_and_deployments_are_different_quantities() -> None:
    sets = _figures(
        "Ukraine said at least 30 North Korean soldiers were killed or wounded.",
        "Officials said North Korea sent at least 10,000 soldiers.",
        "Its forces killed at least 30 North Korean soldiers, Kyiv said.",
        "Seoul said North Korea has sent about 11,000 soldiers.",
    )
    assert len(sets) == 2
    assert not any(s.disagree for s in sets)
    lows = sorted(sorted(v.low for v in s.values) for s in sets)
    assert lows == [[30, 30], [9_900, 10_000]]


def test_new_rate_and_old_rate_are_not_a_disagreement() -> None:
    sets = _figures(
        "The Northland central bank raised its main rate to 4.5% from 4.25%.",
        "The Northland central bank lifted its rate to 4.5 percent, up from 4.25 percent.",
        "The bank's previous rate of 4.25% had stood since June; its new rate is 4.5%.",
    )
    assert sets
    assert not any(s.disagree for s in sets)
    by_role = {s.quantity: sorted(v.value for v in s.values) for s in sets}
    assert [4.5, 4.5, 4.5] in by_role.values()
    assert [4.25, 4.25, 4.25] in by_role.values()


def test_target_and_actual_are_not_a_disagreement() -> None:
    sets = _figures(
        "Riverside council has built 320 homes under its housing plan so far.",
        "Riverside council aims to build 500 homes under its housing plan by 2027.",
        "About 320 homes have been completed under the council's housing plan; the council's "
        "target is 500 homes.",
    )
    assert not any(s.disagree for s in sets)
    assert len(sets) == 2


def test_consensus_fixture_figures_agree() -> None:
    sets = analyse_figures(fixture_story(FIXTURES / "consensus_storm.txt"))
    assert sets and not any(s.disagree for s in sets)


def test_seeds_north_korean_troop_estimates_form_one_group() -> None:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present")
    s = seed_story()
    sets = analyse_figures(s)
    troop_sets = [
        fs for fs in sets if any("10,000" in v.text or "11,000" in v.text for v in fs.values)
    ]
    assert len(troop_sets) == 1
    troops = troop_sets[0]
    by_article = {v.article_id[:3]: v for v in troops.values}
    assert set(by_article) == {"000", "002", "003", "004"}
    assert by_article["000"].text == "between 10,000 and 14,000 North Korean soldiers"
    assert by_article["002"].text == "at least 10,000 troops"
    assert by_article["003"].text == "over 10,000 North Korean soldiers"
    assert by_article["004"].text == "around 11,000 troops"
    assert troops.disagree is False
    assert all(v.source for v in troops.values)
    for value in troops.values:
        text = next(a.text for a in s.articles if a.id == value.article_id)
        assert text[value.start : value.end] == value.text
    assert not any(fs.disagree for fs in sets)


def test_open_ended_interval_is_valid_json() -> None:
    s = story(
        article("a", "Seoul said North Korea had sent at least 10,000 troops to Russia."),
        article(
            "b", "Officials said between 10,000 and 14,000 North Korean troops were sent to Russia."
        ),
    )
    figures = analyse_figures(s)
    assert figures and figures[0].values[0].high == math.inf
    brief = StoryBrief(story=s, headline="h", summary=(), figures=figures)
    out = briefing_json.to_json(
        Briefing("2025-04-27", NOW, NOW - timedelta(days=1), NOW, "UTC", (brief,))
    )

    def refuse(constant: str) -> float:
        raise AssertionError(f"not JSON: {constant}")

    data = json.loads(out, parse_constant=refuse)
    values = data["stories"][0]["figures"][0]["values"]
    assert values[0]["low"] == 10_000 and values[0]["high"] is None


def test_number_words_and_subsets() -> None:
    fig = _one("Twelve people were injured when the roof fell, police said.")
    assert (fig.value.text, fig.value.low, fig.value.high) == ("Twelve people", 12, 12)
    sets = _figures(
        "Police in Hillford said three other men were detained after the Hillford raid.",
        "Police in Hillford said four men were detained after the Hillford raid.",
    )
    assert not any(s.disagree for s in sets)


def _pair(first: str, second: str, origins: dict[str, str] | None = None) -> tuple[FigureSet, ...]:
    return analyse_figures(story(article("a", first), article("b", second), origins=origins))


def test_approximate_values_far_apart_disagree() -> None:
    """'about' / 'some' stand for the value plus or minus 10%: 4,000 and 6,500 cannot both be
    right, whether the outlets' wording is close (flagged) or thin (never shown as agreeing)."""
    (group,) = _pair(
        "About 4,000 residents were evacuated from the valley after the dam cracked.",
        "Some 6,500 residents were evacuated from the valley after the dam cracked.",
    )
    assert group.disagree
    assert [(v.low, v.high) for v in group.values] == [(3600, 4400), (5850, 7150)]
    thin = _pair("About 4,000 residents left the valley.", "Some 6,500 residents left it.")
    assert all(g.disagree for g in thin)


def test_a_number_glued_to_a_name_counts_nothing() -> None:
    found = extract_figures(
        article("a", "The 49ers quarterback threw for 300 yards on Sunday."), "a"
    )
    assert [f.value.text for f in found] == ["300 yards"]


def test_one_origins_repeated_value_is_one_value() -> None:
    figures = analyse_figures(story(
        article("a", "At least 12 fishing boats sank in the storm off Kessa, the coastguard said."),
        article("b", "At least 12 fishing boats sank in the storm off Kessa, the coastguard said."),
        article("c", "Some 14 fishing boats sank in the storm off Kessa overnight."),
        origins={"a": "wire", "b": "wire", "c": "c"},
    ))
    (group,) = figures
    assert [v.article_id for v in group.values] == ["a", "c"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("About 40 container ships were stuck outside the port of Veldt after the strike began.",
         "Nearly 60 vessels were stuck outside the port of Veldt after the strike began."),
        ("Nurses at the Orrin hospital trust accepted a 4% pay rise after the strike.",
         "Nurses at the Orrin hospital trust accepted a 6% wage increase after the strike."),
        ("About 1,200 people were evacuated from Dorrow after the river flooded.",
         "The floods in Dorrow forced 1,500 from their homes after the river burst."),
        ("Velmark threw away 9.4 million metric tons of electronic waste last year.",
         "Velmark threw away 9.6 million tonnes of electronic waste last year."),
    ],
)
def test_one_quantity_named_with_different_nouns_is_one_group(first: str, second: str) -> None:
    (group,) = _pair(first, second)
    assert [v.article_id for v in group.values] == ["a", "b"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Vance earned $4.9 million from his ownership stake in the Orrin fund last year.",
         "Filings show Vance made another $4.9 million from his stake in the Orrin fund."),
        ("The filing shows Vance drew more than $5 million in salary at the Orrin fund.",
         "Vance was paid a $5.2 million salary at the Orrin fund, the filing shows."),
        ("The Orrin club was fined about $40,000 after the crowd trouble, the league said.",
         "The league said the Orrin club was fined $42,000 after the crowd trouble."),
    ],
)
def test_a_sum_of_money_is_named_by_the_words_around_it(first: str, second: str) -> None:
    (group,) = _pair(first, second)
    assert [v.article_id for v in group.values] == ["a", "b"]
    assert not group.disagree


def test_different_sums_of_one_person_stay_apart() -> None:
    assert _pair(
        "Vance earned $4.9 million from his ownership stake in the Orrin fund.",
        "Vance drew $5 million in salary from the Orrin fund.",
    ) == ()


@pytest.mark.parametrize(
    "text", ["The shares rose to $45 on Monday.", "Tickets for the Orrin final sold for $60."]
)
def test_a_sum_the_words_do_not_name_is_no_figure(text: str) -> None:
    assert extract_figures(article("a", text), "a") == []


def test_two_things_one_outlet_names_together_are_not_a_disagreement() -> None:
    """Both outlets give both couples' tax bills: $81,200 and $79,400 are two things."""
    figures = _pair(
        "The Varga couple paid $81,200 in federal taxes; the Lind couple paid $79,400 in taxes.",
        "The Lind couple paid $79,400 in federal taxes, while the Vargas paid $81,200 in taxes.",
    )
    assert not any(g.disagree for g in figures)
    assert sorted(v.value for g in figures for v in g.values) == [79_400, 79_400, 81_200, 81_200]


def test_one_value_given_with_the_same_words_needs_less_shared_context() -> None:
    same = _pair("The singer was freed after posting $240 bail on Tuesday night.",
                 "The singer was cooperative, officers said, and was released on $240 bail.")
    assert [len(g.values) for g in same] == [2]
    different = _pair("The singer was freed after posting $240 bail on Tuesday night.",
                      "The singer was cooperative, officers said, and was released on $300 bail.")
    assert different == ()


def test_a_prison_term_is_a_figure_and_other_spans_of_time_are_not() -> None:
    fig = _one("The court in Tarrow sentenced Orrin Vale to 13 years in prison on Friday.")
    assert (fig.value.text, fig.value.low, fig.unit_class) == (
        "13 years in prison", 13.0, "custody:year"
    )
    assert extract_figures(article("a", "Orrin Vale spent 3 years in Tarrow."), "a") == []
    groups = _pair("A judge sentenced Orrin Vale to 13 years in prison for the Tarrow fraud.",
                   "Orrin Vale was jailed for 15 years in prison for the Tarrow fraud.")
    assert [g.disagree for g in groups] == [True]
