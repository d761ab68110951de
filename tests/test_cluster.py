"""Story clustering: a labelled fixture set (fiction written for the project), the seed
articles with their real dates, time awareness, continuity, evidence and ranking."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from briefing import cluster as cluster_module
from briefing.cluster import article_names, cluster_stories, names_in, rank_stories
from briefing.config import ClusterConfig, parse_config
from briefing.dedup import assign_origins
from briefing.models import Article, Story

SEEDS = Path(__file__).resolve().parents[1] / ".." / "shared" / "seeds"
NOW = datetime(2026, 5, 14, 7, 0, tzinfo=UTC)

# (gold story, outlet, hours before NOW, title, text)
FIXTURE: list[tuple[str, str, float, str, str]] = [
    ("bridge", "Dunmore Post", 10, "Harlow Bridge shut after inspectors find cracks",
     "Harlow Bridge in Dunmore was closed to all traffic on Wednesday after inspectors found "
     "cracks in two of its steel supports. Dunmore County Council said the crossing would stay "
     "shut until repairs are finished, probably in the spring. Engineer Priya Nandakumar said "
     "the cracks were found during a routine inspection and that nobody had been at risk. "
     "Drivers face a twelve kilometre diversion through Aldgrove."),
    ("bridge", "Valley Courier", 8, "Cracked supports close Dunmore's Harlow Bridge",
     "Commuters in Dunmore will have to find another way across the river after the Harlow "
     "Bridge was closed. Priya Nandakumar, the council engineer who led the inspection, said "
     "cracks in the steel supports made the closure unavoidable. Dunmore County Council "
     "expects the bridge to reopen in the spring and has signposted a diversion via Aldgrove."),
    ("bridge", "Northern Ledger", 5, "Diversion chaos as Harlow Bridge closes",
     "Queues stretched through Aldgrove on Thursday morning, the first rush hour since the "
     "Harlow Bridge closure. The bridge, Dunmore's main river crossing, was shut when "
     "inspectors discovered cracked supports. Council engineer Priya Nandakumar apologised "
     "for the disruption but said safety came first. Repairs could last until spring."),
    ("rangers", "Dunmore Post", 9, "Dunmore Rangers beat Castlefield United 3-1",
     "Dunmore Rangers came from behind to beat Castlefield United 3-1 at Millfield Park on "
     "Tuesday night. Striker Owen Tallis scored twice after the break and goalkeeper Marek "
     "Sobczak saved a penalty. The win lifts Rangers to third in the league table."),
    ("rangers", "Sports Wire", 7, "Tallis double sinks Castlefield",
     "Owen Tallis scored two second-half goals as Dunmore Rangers beat Castlefield United at "
     "Millfield Park. Castlefield had led through an early header, but Marek Sobczak's penalty "
     "save turned the match and Rangers climbed to third place."),
    ("pellworth", "Business Daily", 12, "Pellworth Pharmaceuticals to cut 200 jobs in Redmarsh",
     "Pellworth Pharmaceuticals will cut 200 jobs at its Redmarsh plant, chief executive Greta "
     "Holloway said on Wednesday, blaming falling demand for its cough medicines. The Allied "
     "Chemical Workers union called the cuts a betrayal and said it would ballot members on "
     "strike action. Pellworth employs about 900 people in Redmarsh."),
    ("pellworth", "Northern Ledger", 9, "Union threatens strike over Pellworth job cuts",
     "The Allied Chemical Workers union has threatened strike action after Pellworth "
     "Pharmaceuticals announced 200 redundancies. Greta Holloway, Pellworth's chief executive, "
     "said the company had no choice as orders for cough medicines collapsed. Union officials "
     "said the Redmarsh plant was profitable and the job cuts were unnecessary."),
    ("pellworth", "Valley Courier", 6, "What Pellworth's cuts mean for Redmarsh",
     "For Redmarsh, where Pellworth Pharmaceuticals is the largest private employer, the loss "
     "of 200 jobs is a heavy blow. Greta Holloway said the plant would stay open. The Allied "
     "Chemical Workers union is preparing a strike ballot."),
    ("flood", "Valley Courier", 11, "Flood warning for River Sable in Redmarsh",
     "The Environment Agency has issued a flood warning for the River Sable at Redmarsh after "
     "two days of heavy rain. Residents of low-lying streets near Quayside were told to move "
     "valuables upstairs. Agency officer Tom Brandreth said the river was expected to peak "
     "overnight and sandbags were available at the Redmarsh leisure centre."),
    ("flood", "Northern Ledger", 4, "River Sable expected to peak overnight",
     "Sandbags were handed out at the Redmarsh leisure centre as the River Sable rose towards "
     "its banks. Tom Brandreth of the Environment Agency said the flood warning covered "
     "Quayside and the streets around the old mill, and heavy rain would continue overnight."),
    ("conductor", "Arts Review", 14, "Vellmar Symphony names Lise Fontaine as conductor",
     "The Vellmar Symphony Orchestra has appointed Lise Fontaine as its principal conductor from "
     "next season. Fontaine, who trained in Lyon, said she wanted to bring more contemporary "
     "music to the orchestra's programme."),
    ("beetle", "Science Weekly", 13, "New beetle species found in Corran Forest",
     "Entomologists have described a new species of ground beetle from Corran Forest. The "
     "insect, a glossy black beetle barely four millimetres long, lives under moss on fallen "
     "oaks. Researcher Hana Okoye said the find showed how little of the forest's insect life "
     "had been surveyed."),
]


def fixture_articles() -> tuple[list[Article], dict[str, str]]:
    articles, gold = [], {}
    for number, (story, outlet, hours, title, text) in enumerate(FIXTURE):
        moment = NOW - timedelta(hours=hours)
        key = f"a{number:02d}"
        articles.append(
            Article(id=key, source=outlet, url=f"https://{outlet.split()[0].lower()}.example/{key}",
                    title=title, text=text, published=moment, fetched=moment)
        )
        gold[key] = story
    return articles, gold


def bcubed_f1(gold: dict[str, str], predicted: dict[str, str]) -> float:
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[str, set[str]] = defaultdict(set)
    for item, label in gold.items():
        by_gold[label].add(item)
        by_pred[predicted[item]].add(item)
    precision = sum(len(by_gold[gold[i]] & by_pred[predicted[i]]) / len(by_pred[predicted[i]])
                    for i in gold) / len(gold)
    recall = sum(len(by_gold[gold[i]] & by_pred[predicted[i]]) / len(by_gold[gold[i]])
                 for i in gold) / len(gold)
    return 2 * precision * recall / (precision + recall)


def partition(stories: list[Story]) -> dict[str, str]:
    return {a.id: story.id for story in stories for a in story.articles}


def test_fixture_set_groups_each_event_and_keeps_place_name_neighbours_apart() -> None:
    articles, gold = fixture_articles()
    stories = cluster_stories(articles, assign_origins(articles), now=NOW, prior=[])
    predicted = partition(stories)
    assert bcubed_f1(gold, predicted) >= 0.95
    # Both traps share a place name with another story but are different events.
    assert predicted["a00"] != predicted["a03"]  # Harlow Bridge vs Dunmore Rangers
    assert predicted["a05"] != predicted["a08"]  # Pellworth in Redmarsh vs Redmarsh floods
    assert sorted(len(s.articles) for s in stories) == [1, 1, 2, 2, 3, 3]


def test_a_cookie_wall_one_outlet_returns_for_every_article_does_not_make_a_story() -> None:
    wall = (
        "Before you continue. We use cookies and data to deliver and maintain our services, "
        "measure audience engagement and show personalised advertising. Select Accept all to "
        "agree or More options to review your choices at any time."
    )
    titles = ["Harbour ferry fares to rise in spring", "Library wins national design award",
              "Storm damages pier at Kestrel Bay"]
    articles = [
        Article(id=f"w{i}", source="Kestrel Times", url=f"https://kt.example/{i}", title=title,
                text=wall, published=NOW - timedelta(hours=i), fetched=NOW)
        for i, title in enumerate(titles)
    ]
    stories = cluster_stories(articles, assign_origins(articles), now=NOW, prior=[])
    assert sorted(len(s.articles) for s in stories) == [1, 1, 1]


def test_an_embed_notice_outlets_return_for_unrelated_articles_counts_only_by_headline() -> None:
    notice = (
        "Posts with a place. You can attach where you are to your posts from the app or the "
        "website, and remove that history whenever you like. Find out more in the help centre."
    )
    titles = ["Harbour ferry fares to rise in spring", "Library wins national design award",
              "Storm damages pier at Kestrel Bay", "",
              "Cracks close Harlow Bridge: Dunmore engineer Priya Nandakumar explains"]
    stand_ins = [
        Article(id=f"n{i}", source=f"Outlet {i}", url=f"https://o{i}.example/{i}", title=title,
                text=notice, published=NOW - timedelta(hours=i), fetched=NOW)
        for i, title in enumerate(titles)
    ]
    articles, _ = fixture_articles()
    window = articles + stand_ins
    origins = assign_origins(window)
    assert len({origins[a.id] for a in stand_ins}) == 1  # still one text for dedup
    by_article = partition(cluster_stories(window, origins, now=NOW, prior=[]))
    assert len({by_article[a.id] for a in stand_ins}) == len(stand_ins)
    # The page says nothing, but a headline still places the article it stood in for.
    *unrelated, bridge = stand_ins
    assert by_article[bridge.id] == by_article["a00"]
    assert not {by_article[a.id] for a in unrelated} & {by_article[a.id] for a in articles}
    # The same short notice under headlines that share a word is one wire brief, one story.
    briefs = [replace(a, title=f"Kestrel Bay pier: {a.title or 'update'}") for a in stand_ins]
    stories = cluster_stories(briefs, assign_origins(briefs), now=NOW, prior=[])
    assert [len(s.articles) for s in stories] == [len(briefs)]


def test_article_vectors_are_the_unit_rows_clustering_compares_with_stand_ins_marked() -> None:
    articles, gold = fixture_articles()
    page = ("This crawl note stands in for a page the archive could not keep. The archive "
            "collects pages every day so that links in old reports keep working; Harlow Bridge "
            "and Dunmore appear here only as words of an index.")
    notice = Article(id="n1", source="Outlet 1", url="https://o1.example/1",
                     title="Library wins national design award", text=page,
                     published=NOW, fetched=NOW)
    copy = replace(notice, id="n2", source="Outlet 2", url="https://o2.example/2",
                   title="Ferry fares rise")
    window = [*articles, notice, copy]
    vectors, stand_ins = cluster_module.article_vectors(window, assign_origins(window))
    assert vectors.shape[0] == len(window)
    assert stand_ins == {len(articles), len(articles) + 1}
    sims = (vectors @ vectors.T).toarray()
    assert sims.diagonal() == pytest.approx(1.0, abs=1e-5)
    bridge = [i for i, a in enumerate(articles) if gold[a.id] == "bridge"]
    beetle = next(i for i, a in enumerate(articles) if gold[a.id] == "beetle")
    assert min(sims[bridge[0], i] for i in bridge[1:]) > sims[bridge[0], beetle]
    # A stand-in page is compared by its headline alone, not by the body it shares.
    assert sims[len(articles), bridge[0]] < 0.05


def test_the_body_beyond_the_lead_brings_reports_of_one_event_together() -> None:
    articles, _ = fixture_articles()
    shared = ("Later in the evening, councillors approved plans for the Orrin Quay marina, "
              "with berths for two hundred boats, a boatyard and a harbour office. Developer "
              "Calloway Marine expects building work to begin in autumn and to finish within "
              "two years. Objectors warned that dredging would disturb wading birds on the "
              "mudflats, but the planning committee accepted the ecologist's mitigation report. ")
    meeting = [
        Article(id=f"m{i}", source=f"Outlet {i}", url=f"https://m{i}.example/", title="",
                text=f"{variant} " * 18 + shared * 2,
                published=NOW - timedelta(hours=i), fetched=NOW)
        for i, variant in enumerate([
            "Residents crowded into the town hall for a long agenda about parking.",
            "A packed public gallery watched the quarterly session on street lighting.",
        ])
    ]
    window = articles + meeting
    by_article = partition(cluster_stories(window, assign_origins(window), now=NOW, prior=[]))
    assert by_article["m0"] == by_article["m1"]
    assert by_article["m0"] not in {by_article[a.id] for a in articles}


def test_every_article_lands_in_exactly_one_story_with_its_origin() -> None:
    articles, _ = fixture_articles()
    origins = assign_origins(articles)
    stories = cluster_stories(articles, origins, now=NOW, prior=[])
    placed = [a.id for s in stories for a in s.articles]
    assert sorted(placed) == sorted(a.id for a in articles)
    for story in stories:
        assert story.origins == {a.id: origins[a.id] for a in story.articles}
        assert not story.developing


def test_why_grouped_names_what_the_articles_share() -> None:
    articles, _ = fixture_articles()
    stories = cluster_stories(articles, assign_origins(articles), now=NOW, prior=[])
    bridge = next(s for s in stories if "a00" in {a.id for a in s.articles})
    assert any("Nandakumar" in term for term in bridge.why_grouped.terms)
    assert "Harlow Bridge" in bridge.why_grouped.terms
    assert 0.0 < bridge.why_grouped.similarity < 1.0
    single = next(s for s in stories if [a.id for a in s.articles] == ["a11"])
    assert single.why_grouped.terms == ()


def test_story_ids_are_deterministic_and_independent_of_input_order() -> None:
    articles, _ = fixture_articles()
    origins = assign_origins(articles)
    forward = cluster_stories(articles, origins, now=NOW, prior=[])
    backward = cluster_stories(list(reversed(articles)), origins, now=NOW, prior=[])
    assert forward == backward
    assert len({s.id for s in forward}) == len(forward)


def test_the_same_report_days_apart_needs_more_evidence_than_hours_apart() -> None:
    articles, _ = fixture_articles()
    first, second = articles[0], articles[1]
    moved = Article(**{**second.__dict__, "published": first.published - timedelta(days=9)})
    apart = partition(cluster_stories([first, moved], {}, now=NOW, prior=[]))
    assert apart[first.id] != apart[moved.id]
    together = partition(cluster_stories([first, second], {}, now=NOW, prior=[]))
    assert together[first.id] == together[second.id]


def test_a_continuing_story_keeps_its_id_and_is_developing() -> None:
    articles, _ = fixture_articles()
    yesterday = [
        Article(**{**a.__dict__, "id": f"old-{a.id}", "published": a.published - timedelta(days=1)})
        for a in articles[:2] + articles[9:10]
    ]
    prior = [
        Story(id="s-bridge-yesterday", articles=tuple(yesterday[:2]), origins={}),
        Story(id="s-flood-yesterday", articles=(yesterday[2],), origins={}),
        Story(id="s-unrelated", articles=(), origins={}),
    ]
    today = articles[2:5]  # the third bridge report and both Rangers reports
    stories = cluster_stories(today, assign_origins(today), now=NOW, prior=prior)
    by_article = {a.id: s for s in stories for a in s.articles}
    assert by_article["a02"].id == "s-bridge-yesterday"
    assert by_article["a02"].developing
    assert by_article["a03"].id != "s-flood-yesterday"
    assert not by_article["a03"].developing


def test_articles_used_by_an_earlier_briefing_are_not_repeated() -> None:
    articles, _ = fixture_articles()
    prior = [Story(id="s-old", articles=tuple(articles[:2]), origins={})]
    stories = cluster_stories(articles[:3], {}, now=NOW, prior=prior)
    assert [a.id for s in stories for a in s.articles] == ["a02"]
    assert stories[0].id == "s-old"
    assert cluster_stories(articles[:2], {}, now=NOW, prior=prior) == []


def test_thresholds_come_from_config() -> None:
    articles, _ = fixture_articles()
    strict = ClusterConfig(similarity=0.99, average_similarity=0.99)
    stories = cluster_stories(articles, {}, now=NOW, prior=[], settings=strict)
    assert len(stories) == len(articles)
    config = parse_config({"cluster": {"similarity": 0.2}}, Path("config.yaml"))
    assert config.cluster.similarity == 0.2
    assert config.cluster.max_gap_days == ClusterConfig().max_gap_days


def test_malformed_articles_do_not_crash_clustering() -> None:
    naive = datetime(2026, 5, 13, 12, 0)
    odd = [
        Article(id="empty", source="X", url="", title="", text="", published=NOW, fetched=NOW),
        Article(id="digits", source="X", url="", title="123", text="4 5 6 !!!", published=naive,
                fetched=naive),
        Article(id="caps", source="Y", url="", title="BREAKING", text="ALL CAPS TEXT HERE.",
                published=NOW, fetched=NOW),
    ]
    stories = cluster_stories(odd, {}, now=NOW, prior=[])
    assert sorted(a.id for s in stories for a in s.articles) == ["caps", "digits", "empty"]
    assert cluster_stories([], {}, now=NOW, prior=[]) == []
    lone = cluster_stories(odd[:1], {}, now=naive, prior=[Story("s-p", (odd[1],), {})])
    assert [a.id for s in lone for a in s.articles] == ["empty"]
    assert len(rank_stories([*stories, Story(id="s-none", articles=(), origins={})], now=naive,
                            limit=5)) == 3


def test_names_are_capitalised_spans_without_sentence_openers_or_possessives() -> None:
    text = "Despite the rain, Russia's army met Chief of Staff Valery Gerasimov in Kursk Oblast."
    found = names_in(text)
    assert "Despite" not in found
    assert "Russia" in found
    assert "Chief of Staff Valery Gerasimov" not in found  # too long to be one name
    assert "Gerasimov" in found
    assert "Kursk Oblast" in found
    lead_only = Article(id="x", source="s", url="", title="Quiet day", text="Nothing named here.",
                        published=NOW, fetched=NOW)
    assert article_names(lead_only) == []


def test_ranking_puts_multi_source_stories_first_and_caps_the_list() -> None:
    articles, _ = fixture_articles()
    stories = cluster_stories(articles, assign_origins(articles), now=NOW, prior=[])
    ranked = rank_stories(stories, now=NOW, limit=10)
    multi = [s.source_count >= 2 for s in ranked]
    assert multi == sorted(multi, reverse=True)
    assert [s.origin_count for s in ranked] == [3, 3, 2, 2, 1, 1]
    assert len(rank_stories(stories, now=NOW, limit=2)) == 2
    assert rank_stories(stories, now=NOW, limit=10) == ranked


def test_ranking_counts_origins_not_outlets_and_favours_developing_stories() -> None:
    articles, _ = fixture_articles()
    a, b, c = articles[5], articles[6], articles[7]
    copies = Story(id="s-copies", articles=(a, b, c), origins={a.id: a.id, b.id: a.id, c.id: a.id})
    independent = Story(id="s-independent", articles=(a, b), origins={a.id: a.id, b.id: b.id})
    assert [s.id for s in rank_stories([copies, independent], now=NOW, limit=5)] == [
        "s-independent", "s-copies"
    ]
    plain = Story(id="s-a", articles=(a, b), origins={a.id: a.id, b.id: b.id})
    developing = Story(id="s-b", articles=(a, b), origins={a.id: a.id, b.id: b.id},
                       developing=True)
    assert rank_stories([plain, developing], now=NOW, limit=5)[0].id == "s-b"


def _seed_articles() -> list[Article]:
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    dates = {"002": datetime(2024, 12, 16, 12, 0, tzinfo=UTC)}
    articles = []
    for path in sorted(SEEDS.glob("*.txt")):
        number = path.name[:3]
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        published = dates.get(number, datetime(2025, 4, 26, 12, 0, tzinfo=UTC))
        articles.append(
            Article(id=number, source=f"outlet {number}", url=f"https://seed{number}.example/",
                    title=title.strip(), text=body.strip(), published=published,
                    fetched=published)
        )
    return articles


def test_seed_reports_of_one_day_form_one_story_and_the_december_report_another() -> None:
    articles = _seed_articles()
    stories = cluster_stories(
        articles, assign_origins(articles), now=datetime(2025, 4, 27, 6, 0, tzinfo=UTC), prior=[]
    )
    groups = sorted(sorted(a.id for a in s.articles) for s in stories)
    assert groups == [["000", "001", "003", "004"], ["002"]]
    kursk = next(s for s in stories if len(s.articles) == 4)
    assert any("Kursk" in term for term in kursk.why_grouped.terms)


def test_an_oversized_linked_group_is_refined_in_blocks_and_merged_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    articles, _ = fixture_articles()
    whole = {frozenset(a.id for a in s.articles)
             for s in cluster_stories(articles, {}, now=NOW, prior=[])}
    for limit in (2, 1):
        monkeypatch.setattr(cluster_module, "MAX_BLOCK", limit)
        blocks = list(cluster_module._blocks(np.arange(3), np.array([0, 1]), np.array([1, 2]),
                                             np.array([0.3, 0.05]), 0.0))
        assert max(len(block) for block in blocks) <= limit
        stories = cluster_stories(articles, {}, now=NOW, prior=[])
        assert {frozenset(a.id for a in s.articles) for s in stories} == whole


def test_a_big_story_stays_one_story_when_its_words_are_in_every_article() -> None:
    articles, _ = fixture_articles()
    bridge = articles[:3]
    sentences = [s for a in bridge for s in a.text.split(". ")]
    rewrites = [
        Article(
            id=f"r{i:03d}", source=f"Outlet {i}", url=f"https://o{i}.example/bridge",
            title=bridge[i % 3].title, text=". ".join(sentences[(i + k * 7) % len(sentences)]
                                                     for k in range(5)),
            published=NOW - timedelta(minutes=i), fetched=NOW,
        )
        for i in range(150)
    ]
    copies = [
        Article(**{**bridge[0].__dict__, "id": f"c{i:03d}", "source": f"Wire client {i}",
                   "url": f"https://client{i}.example/harlow"})
        for i in range(120)
    ]
    window = articles + rewrites + copies
    stories = cluster_stories(window, assign_origins(window), now=NOW, prior=[])
    by_article = partition(stories)
    big = {by_article[a.id] for a in bridge + rewrites + copies}
    assert len(big) == 1
    assert by_article["a03"] not in big  # the Dunmore Rangers report stays apart
