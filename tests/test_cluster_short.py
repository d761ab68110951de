"""Story grouping when items carry little text: headlines only, teasers, and stories mixing
full texts with headlines. Every fixture is fiction written for the project."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from briefing.cluster import cluster_stories
from briefing.dedup import assign_origins
from briefing.models import Article, Story

NOW = datetime(2026, 3, 9, 7, 0, tzinfo=UTC)

FLOOD_TEXT = (
    "Water from the River Tarn broke through the embankment at Millbridge early on Sunday, "
    "flooding some two hundred homes on the Eastmoor estate. Firefighters used boats to reach "
    "residents trapped upstairs, and the county council opened the Millbridge leisure centre "
    "as a rest centre. Council leader Amara Quist said the embankment had been inspected in "
    "the autumn and found sound. The Environment Office said the Tarn had risen almost two "
    "metres overnight after three days of rain on the fells above the town. Residents said "
    "the water arrived within minutes of the sirens. Engineers expect to close the breach "
    "with sandbags and rock by Tuesday if the rain eases, and the council has asked people "
    "on the estate not to return to their homes until the electricity has been checked. "
    "Insurers have set up a help desk at the leisure centre."
)

# (outlet, title, text): one story told by three full texts and five headline-only entries.
MIXED_STORY = [
    ("Tarn Gazette", "Millbridge embankment breach floods Eastmoor estate", FLOOD_TEXT),
    ("Fell Herald", "Homes flooded as River Tarn bursts Millbridge embankment",
     "Two hundred homes on Millbridge's Eastmoor estate were flooded on Sunday when the River "
     "Tarn broke through its embankment. Firefighters rescued residents by boat and the "
     "council opened the leisure centre to those forced out. Amara Quist, who leads the "
     "council, said the embankment had passed an inspection in the autumn. The river rose "
     "nearly two metres overnight after days of heavy rain on the fells, according to the "
     "Environment Office. Engineers hope to seal the breach by Tuesday. People have been told "
     "not to go back to the estate until the power supply has been made safe, and insurers "
     "are meeting residents at the leisure centre."),
    ("Northern Wire", "Boats rescue Millbridge residents after Tarn floods estate",
     "Firefighters in boats rescued families from upstairs windows in Millbridge on Sunday "
     "after the River Tarn burst through an embankment and flooded the Eastmoor estate. About "
     "two hundred homes are under water. The council, led by Amara Quist, opened a rest centre "
     "in the town's leisure centre. Rain had fallen for three days on the fells and the Tarn "
     "rose by almost two metres overnight. The breach should be closed with rock and sandbags "
     "by Tuesday, engineers said, if the weather allows. Residents were asked to stay away "
     "until electricity on the estate has been checked."),
    ("Dale Daily", "Millbridge flood: Eastmoor estate under water", ""),
    ("Radio Fells", "River Tarn bursts embankment in Millbridge", ""),
    ("Quick News", "Eastmoor homes flooded after Tarn embankment breach", ""),
    ("Tarn Today", "Millbridge rescue boats as Tarn floods two hundred homes", ""),
    ("Fell Post", "Council leader Quist says Millbridge embankment was sound", ""),
]

# Distinct stories of one topic, one day: each pair shares its topic word ("court", "storm",
# "results") but no event. (gold story, title, teaser)
TOPIC_NEIGHBOURS = [
    ("court-a", "Court jails Halvard Brennick for pension fraud",
     "A judge at Wexcombe Crown Court jailed former fund manager Halvard Brennick for six years."),
    ("court-a", "Brennick sentenced over pension fund fraud",
     "Halvard Brennick took savings from retired dock workers, the Wexcombe court heard."),
    ("court-a", "Six years for Brennick in Wexcombe pension case", ""),
    ("court-b", "Court clears Ilse Marrow of poisoning neighbour",
     "A jury at Ostrey Court found teacher Ilse Marrow not guilty of poisoning her neighbour."),
    ("court-b", "Ilse Marrow acquitted in Ostrey poisoning trial",
     "Marrow wept as the verdict was read out in the Ostrey court."),
    ("court-b", "Jury finds Marrow not guilty of neighbour poisoning", ""),
    ("storm-a", "Storm Evander cuts power to Kelby coast",
     "Storm Evander brought winds of 140 km/h to the Kelby coast, leaving 30,000 homes dark."),
    ("storm-a", "Evander leaves thousands in Kelby without electricity",
     "Engineers are working to restore power after Storm Evander toppled lines near Kelby."),
    ("storm-a", "Kelby power cuts as Storm Evander makes landfall", ""),
    ("storm-b", "Storm Rosalind floods Pennick valley farms",
     "Storm Rosalind dropped a month of rain on the Pennick valley, flooding farmland."),
    ("storm-b", "Rosalind rain swamps Pennick farmland",
     "Farmers in the Pennick valley moved livestock as Storm Rosalind's rain kept falling."),
    ("storm-b", "Pennick farmers count cost of Storm Rosalind", ""),
    ("results-a", "Orvane results: profit doubles on chip demand",
     "Chipmaker Orvane reported quarterly profit of 2.1 billion, double a year earlier."),
    ("results-a", "Orvane doubles quarterly profit as chip sales soar",
     "Orvane said demand for its data-centre chips outstripped supply all quarter."),
    ("results-a", "Chipmaker Orvane profit doubles", ""),
    ("results-b", "Kestrel Foods results: sales slide, dividend cut",
     "Grocer Kestrel Foods cut its dividend after quarterly sales fell 8 percent."),
    ("results-b", "Kestrel Foods cuts dividend as sales fall",
     "Kestrel Foods blamed cheaper rivals for the fall in sales at its supermarkets."),
    ("results-b", "Dividend cut at grocer Kestrel Foods after sales slide", ""),
]


def _article(key: str, outlet: str, title: str, text: str, hours: float = 3.0) -> Article:
    published = NOW - timedelta(hours=hours)
    slug = outlet.casefold().replace(" ", "-")
    return Article(
        id=key, source=slug, url=f"https://{slug}.example/{key}", title=title, text=text,
        published=published, fetched=published,
    )


def _stories(articles: list[Article]) -> list[Story]:
    return cluster_stories(articles, assign_origins(articles), now=NOW, prior=[])


def _groups(stories: list[Story]) -> set[frozenset[str]]:
    return {frozenset(a.id for a in s.articles) for s in stories}


def test_three_full_texts_and_five_headlines_of_one_event_make_one_story() -> None:
    articles = [
        _article(f"m{i}", outlet, title, text, hours=2 + i)
        for i, (outlet, title, text) in enumerate(MIXED_STORY)
    ]
    stories = _stories(articles)
    assert _groups(stories) == {frozenset(a.id for a in articles)}
    why = stories[0].why_grouped
    # Short items are grouped by their headlines' words; the reason shown says which.
    assert {"Millbridge", "Tarn"} <= {word for term in why.terms for word in term.split()}


def test_the_mixed_story_stays_apart_from_another_flood_that_day() -> None:
    story = [
        _article(f"m{i}", outlet, title, text, hours=2 + i)
        for i, (outlet, title, text) in enumerate(MIXED_STORY)
    ]
    other = [
        _article("o1", "Coast Echo", "Flood warnings for Saltharbour as spring tides rise", ""),
        _article("o2", "Harbour FM", "Saltharbour seafront flooded by spring tide", ""),
        _article("o3", "Coast Echo", "Saltharbour tide floods seafront cafes",
                 "Spring tides pushed sea water over the Saltharbour promenade on Sunday, "
                 "flooding a row of cafes and closing the coast road for the afternoon."),
    ]
    groups = _groups(_stories(story + other))
    assert frozenset(a.id for a in story) in groups
    assert frozenset({"o1", "o2", "o3"}) in groups


def test_stories_sharing_only_a_topic_word_stay_apart() -> None:
    articles = [
        _article(f"t{i:02d}", f"Outlet {i % 5}", title, teaser, hours=1 + i % 6)
        for i, (_, title, teaser) in enumerate(TOPIC_NEIGHBOURS)
    ]
    gold = {f"t{i:02d}": label for i, (label, _, _) in enumerate(TOPIC_NEIGHBOURS)}
    stories = _stories(articles)
    expected = {
        frozenset(key for key, label in gold.items() if label == story)
        for story in set(gold.values())
    }
    # No story mixes two events; each event is one story.
    assert _groups(stories) == expected


def test_why_grouped_for_headlines_names_words_their_headlines_share() -> None:
    articles = [
        _article(f"t{i:02d}", f"Outlet {i % 5}", title, "", hours=1 + i % 6)
        for i, (_, title, _) in enumerate(TOPIC_NEIGHBOURS)
    ]
    stories = _stories(articles)
    titles = {a.id: a.title.casefold() for a in articles}
    court = next(s for s in stories if "t00" in {a.id for a in s.articles})
    assert "Brennick" in court.why_grouped.terms
    for story in stories:
        for term in story.why_grouped.terms:
            shared = sum(term.casefold() in titles[a.id] for a in story.articles)
            assert shared >= 2, (term, [a.title for a in story.articles])
