"""Dedup: canonical URLs, exact copies and near-duplicate wire copies share an origin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from briefing.dedup import assign_origins, canonical_url, content_hash
from briefing.models import Article

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# A wire report written for these tests (fiction), reused by outlets with small changes.
WIRE = (
    "OSTRAVEN (Meridian Wire) - The state grid operator switched on the country's largest "
    "battery store on Tuesday, a bank of lithium cells beside the old Kelmscott power station "
    "that can feed the network for four hours at full output.\n\n"
    "Grid director Anneliese Vorhaus said the store would soak up surplus wind power at night "
    "and release it during the evening peak, when prices climb fastest. Engineers spent two "
    "years connecting the site to the high voltage line that once carried coal power south.\n\n"
    "The project cost 410 million crowns, a third of it from a regional development fund. "
    "Critics in parliament said the money would have done more good insulating homes, but "
    "the operator argued that storage was the cheapest way to stop wasting wind energy.\n\n"
    "A second store of similar size is planned near the northern port of Haldby."
)
REWRITE = (
    "Ostraven's grid has a new giant battery. Opened this week next to the shuttered Kelmscott "
    "coal plant, the installation is meant to store wind energy produced overnight and sell it "
    "back when demand spikes after work. Anneliese Vorhaus, who runs the grid, called it a "
    "turning point, though opposition MPs questioned the price tag of 410 million crowns and "
    "asked why home insulation had not come first. Another battery is planned for Haldby."
)


def article(
    key: str,
    text: str,
    *,
    url: str | None = None,
    minutes: int = 0,
    source: str | None = None,
    title: str | None = None,
) -> Article:
    moment = T0 + timedelta(minutes=minutes)
    return Article(
        id=key,
        source=source if source is not None else f"Outlet {key}",
        url=url if url is not None else f"https://{key}.example/story",
        title=title if title is not None else f"Title {key}",
        text=text,
        published=moment,
        fetched=moment,
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://www.Example.com:443/News/Story/?utm_source=rss&utm_medium=feed&id=7#top",
            "https://example.com/News/Story?id=7",
        ),
        ("http://example.com/a?b=2&a=1&fbclid=XYZ&gclid=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?ocid=rss&cmpid=x&smid=tw-share", "https://example.com/a"),
        ("https://example.com/", "https://example.com/"),
        ("https://example.com", "https://example.com/"),
        ("  https://example.com/x/  ", "https://example.com/x"),
    ],
)
def test_canonical_url_strips_what_does_not_change_the_page(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_canonical_url_keeps_parameters_that_select_the_page() -> None:
    assert canonical_url("https://example.com/view?id=1") != canonical_url(
        "https://example.com/view?id=2"
    )


@pytest.mark.parametrize("url", ["", "/srv/articles/one.txt", "file:///tmp/a.txt", "not a url"])
def test_canonical_url_leaves_non_web_addresses_alone(url: str) -> None:
    assert canonical_url(url) == url.strip()


def test_content_hash_ignores_case_and_spacing_but_not_words() -> None:
    assert content_hash(WIRE) == content_hash(WIRE.upper().replace("\n", " \t "))
    assert content_hash(WIRE) != content_hash(WIRE.replace("410", "420"))
    assert content_hash("Too short to compare.") is None


def test_same_canonical_url_is_one_origin_and_the_earliest_article_names_it() -> None:
    late = article("late", "A first version of a report.", url="https://a.example/x?utm_source=t",
                   minutes=30)
    early = article("early", "A different text entirely.", url="https://www.a.example/x",
                    minutes=5)
    assert assign_origins([late, early]) == {"late": "early", "early": "early"}


def test_identical_bodies_at_different_addresses_share_an_origin() -> None:
    one = article("one", WIRE, minutes=10)
    two = article("two", WIRE.replace("\n\n", "\n"), minutes=0)
    assert assign_origins([one, two]) == {"one": "two", "two": "two"}


def test_wire_copy_with_new_footer_and_dropped_paragraph_is_a_near_duplicate() -> None:
    paragraphs = WIRE.split("\n\n")
    edited = "\n\n".join(paragraphs[:3]) + "\n\nShare this article\n\nRead more: energy prices"
    origins = assign_origins([article("wire", WIRE), article("copy", edited, minutes=20)])
    assert origins["copy"] == "wire"


def test_an_edited_copy_joins_exact_copies_whichever_of_them_comes_first() -> None:
    paragraphs = WIRE.split("\n\n")
    edited = "\n\n".join(paragraphs[:3]) + "\n\n(Additional reporting by our newsdesk)"
    items = [
        article("late", WIRE, minutes=30),
        article("first", WIRE.upper(), minutes=0),
        article("edit", edited, minutes=40),
        article("own", REWRITE, minutes=5),
    ]
    for order in (items, items[::-1]):
        assert assign_origins(order) == {
            "late": "first", "first": "first", "edit": "first", "own": "own"
        }


def test_independent_report_of_the_same_event_is_its_own_origin() -> None:
    origins = assign_origins([article("wire", WIRE), article("own", REWRITE, minutes=20)])
    assert origins == {"wire": "wire", "own": "own"}


def test_one_outlet_filing_one_body_under_different_titles_is_a_template_not_a_text() -> None:
    wall = (
        "We use cookies and similar technologies to improve your experience, measure traffic and "
        "show you relevant advertising. Choose Accept to continue to the site, or Manage to "
        "review your choices. You can change your mind at any time in the privacy centre."
    )
    items = [
        article("p1", wall, source="Daily Pane", title="Council approves new cycle lanes"),
        article("p2", wall, source="Daily Pane", title="Striker signs three-year deal", minutes=5),
        article("w1", WIRE, source="Daily Pane", title="Grid switches on battery", minutes=9),
        article("w2", WIRE, source="Evening Star", title="Giant battery opens", minutes=12),
    ]
    origins = assign_origins(items)
    assert origins["p1"] != origins["p2"]
    # The same text under different titles from different outlets is syndication.
    assert origins["w2"] == origins["w1"] == "w1"


def test_short_bodies_are_not_joined_by_their_text() -> None:
    teaser = "Read the full story on our website."
    origins = assign_origins([article("a", teaser), article("b", teaser, minutes=1)])
    assert origins == {"a": "a", "b": "b"}


def test_origins_do_not_depend_on_input_order() -> None:
    paragraphs = WIRE.split("\n\n")
    items = [
        article("w1", WIRE, minutes=3),
        article("w2", "\n\n".join(paragraphs[:3]), minutes=1),
        article("w3", WIRE + "\n\n(Meridian Wire)", minutes=2),
        article("own", REWRITE, minutes=0),
    ]
    forward = assign_origins(items)
    assert forward == assign_origins(list(reversed(items)))
    assert forward == {"w1": "w2", "w2": "w2", "w3": "w2", "own": "own"}


def test_empty_and_odd_input_does_not_crash() -> None:
    assert assign_origins([]) == {}
    naive = Article(
        id="naive", source="X", url="", title="", text="", published=datetime(2026, 1, 1),
        fetched=datetime(2026, 1, 1),
    )
    blank = article("blank", "   ", url="")
    assert assign_origins([naive, blank]) == {"naive": "naive", "blank": "blank"}
