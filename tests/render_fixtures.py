"""Briefings built in code for the render tests, the bench and the docs pictures.

All prose here is invented for the purpose; none of it comes from ../shared.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from briefing.models import (
    Article,
    Briefing,
    Claim,
    Dispute,
    FigureSet,
    FigureValue,
    Story,
    StoryBrief,
    SummarySentence,
    WhyGrouped,
)

HOSTILE = "<script>alert('x')</script>"
AS_OF = datetime(2026, 11, 21, 7, 0, tzinfo=UTC)
OUTLETS = ("Harbour Herald", "Northern Wire", "Valley Times", "Coastal Report", "Metro Ledger")
PLACES = ("Lindenport", "Carrow Bay", "Easterfield", "Mirefold", "Oakhaven", "Westmere")
EVENTS = (
    ("bridge closure", "The Lindenport ring road bridge will stay shut for repairs"),
    ("ferry strike", "Ferry crews walk out over rota changes"),
    ("school funding", "Council agrees emergency school funding package"),
    ("flood defences", "New flood barrier passes its first storm test"),
    ("rail timetable", "Regional rail operator rewrites winter timetable"),
)


def _sentences(topic: str, place: str, i: int) -> list[str]:
    return [
        f"Officials in {place} said on Thursday that the {topic} would affect about "
        f"{1200 + 37 * i} residents over the coming weeks.",
        f"Engineers inspecting the site described the work as urgent but manageable, "
        f"according to a statement issued late in the evening (item {i}).",
        f"Local business owners told reporters they had not been consulted before the "
        f"decision on the {topic} was announced.",
        f"The regional authority expects to publish a fuller assessment of the {topic} "
        f"before the end of the month.",
    ]


def make_story(index: int, *, developing: bool = False, articles: int = 5) -> StoryBrief:
    topic, headline = EVENTS[index % len(EVENTS)]
    place = PLACES[index % len(PLACES)]
    published = AS_OF - timedelta(hours=3 + index)
    arts = []
    for j in range(articles):
        outlet = OUTLETS[j % len(OUTLETS)]
        text = " ".join(_sentences(topic, place, index))
        arts.append(
            Article(
                id=f"s{index}a{j}",
                source=outlet,
                url=(
                    f"https://www.{outlet.lower().replace(' ', '')}.example/news/2026/11/20/"
                    f"{topic.replace(' ', '-')}-{place.lower().replace(' ', '-')}-story-{index}-{j}"
                ),
                title=f"{place}: {topic} update {j + 1} as officials weigh options",
                text=text,
                published=published + timedelta(minutes=11 * j),
                fetched=published + timedelta(minutes=11 * j + 5),
            )
        )
    summary = []
    for j, art in enumerate(arts[:5]):
        sentence = _sentences(topic, place, index)[j % 4]
        start = art.text.find(sentence)
        summary.append(SummarySentence(sentence, art.id, start, start + len(sentence)))
    claims = (
        Claim(
            actor=f"The {place} council",
            verb="said",
            text=f"the {topic} was the only safe option after the latest inspection",
            stance="asserts",
            article_ids=(arts[0 % len(arts)].id, arts[1 % len(arts)].id, arts[2 % len(arts)].id),
            origins=3,
            disputed=True,
            quoted=True,
        ),
        Claim(
            actor="The operators' union",
            verb="denied",
            text=f"that any inspection had found a risk serious enough to justify the {topic}",
            stance="denies",
            article_ids=(arts[3 % len(arts)].id,),
            origins=1,
            disputed=True,
        ),
        Claim(
            actor="A transport ministry spokesperson",
            verb="said",
            text="extra buses would run from Monday while the work continues",
            stance="asserts",
            article_ids=(arts[1 % len(arts)].id, arts[4 % len(arts)].id),
            origins=2,
        ),
    )
    figures = (
        FigureSet(
            quantity="residents affected",
            values=(
                FigureValue(
                    1200, "residents", "about 1,200 residents", arts[0 % len(arts)].id, 1100, 1300
                ),
                FigureValue(
                    2000, "residents", "at least 2,000 residents", arts[2 % len(arts)].id, 2000, 9e9
                ),
                FigureValue(
                    900, "residents", "some 900 residents", arts[4 % len(arts)].id, 850, 950
                ),
            ),
            disagree=True,
        ),
    )
    story = Story(
        id=f"story-{index}",
        articles=tuple(arts),
        origins={a.id: (arts[0 % len(arts)].id if k < 2 else a.id) for k, a in enumerate(arts)},
        why_grouped=WhyGrouped(terms=(place, topic, "council", "inspection"), similarity=0.47),
        developing=developing,
    )
    return StoryBrief(
        story=story,
        headline=f"{headline} ({place}, #{index + 1})",
        summary=tuple(summary),
        claims=claims,
        disputes=(Dispute(claim=0, counter=(1,)),),
        figures=figures,
    )


def make_briefing(stories: int = 3, *, timezone: str = "Europe/London") -> Briefing:
    return Briefing(
        date="2026-11-21",
        as_of=AS_OF,
        window_start=AS_OF - timedelta(hours=24),
        window_end=AS_OF,
        timezone=timezone,
        stories=tuple(make_story(i, developing=i % 3 == 1) for i in range(stories)),
    )


def hostile_briefing() -> Briefing:
    brief = make_story(0)
    articles = list(brief.story.articles)
    articles[0] = replace(articles[0], title=f"Title {HOSTILE}", source=f"Outlet {HOSTILE}")
    articles[1] = replace(articles[1], url="javascript:alert(document.cookie)")
    claims = list(brief.claims)
    claims[2] = replace(claims[2], actor=f"Actor {HOSTILE}", text=f"says {HOSTILE}")
    story = replace(brief.story, articles=tuple(articles))
    hostile = replace(brief, story=story, headline=f"Headline {HOSTILE}", claims=tuple(claims))
    return replace(make_briefing(1), stories=(hostile,), title=f"Brief {HOSTILE}")
