"""Plain data passed between pipeline stages.

Stage modules take and return these; none of them does I/O. Times are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Stance = Literal["asserts", "denies"]


@dataclass(frozen=True)
class Source:
    """One feed the user follows: an http(s) feed URL or a local feed file / article folder."""

    name: str
    url: str


@dataclass(frozen=True)
class Article:
    """One article as stored: cleaned text, the outlet it came from and when it was published."""

    id: str
    source: str
    url: str
    title: str
    text: str
    published: datetime
    fetched: datetime
    feed: str = ""
    guid: str = ""


@dataclass(frozen=True)
class WhyGrouped:
    """The evidence for grouping a story's articles: shared terms / names and a similarity."""

    terms: tuple[str, ...] = ()
    similarity: float = 1.0


@dataclass(frozen=True)
class Story:
    """Articles about one event; ``origins``: article id -> origin id (wire copies share one)."""

    id: str
    articles: tuple[Article, ...]
    origins: dict[str, str]
    why_grouped: WhyGrouped = field(default_factory=WhyGrouped)
    developing: bool = False

    @property
    def source_count(self) -> int:
        return len({a.source for a in self.articles})

    @property
    def origin_count(self) -> int:
        return len(set(self.origins.values())) or len(self.articles)


@dataclass(frozen=True)
class SummarySentence:
    """A sentence copied verbatim: ``article.text[start:end] == text``."""

    text: str
    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class Claim:
    """An attributed assertion quoted from one or more articles."""

    actor: str
    text: str
    stance: Stance
    article_ids: tuple[str, ...]
    origins: int
    verb: str = ""
    disputed: bool = False
    start: int = 0
    end: int = 0
    quoted: bool = False
    """``text`` stood inside quotation marks in the article (a direct quote); otherwise it is
    the article's own wording of what was said (reported speech)."""


@dataclass(frozen=True)
class Dispute:
    """``claim`` and ``counter`` are indexes into the story's claims."""

    claim: int
    counter: tuple[int, ...]
    kind: str = "denial"


@dataclass(frozen=True)
class FigureValue:
    """A number as one article gives it, normalised to the interval [low, high]."""

    value: float
    unit: str
    text: str
    article_id: str
    low: float
    high: float
    qualifier: str = "exact"
    source: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class FigureSet:
    quantity: str
    values: tuple[FigureValue, ...]
    disagree: bool


@dataclass(frozen=True)
class FigureMove:
    """A quantity an earlier briefing gave as ``before`` and today's articles give as ``after``."""

    quantity: str
    before: tuple[FigureValue, ...]
    after: tuple[FigureValue, ...]


@dataclass(frozen=True)
class StoryChanges:
    """What a developing story adds since the briefing of ``since`` (a date) last showed it."""

    since: str
    new_sources: tuple[str, ...] = ()
    new_claims: tuple[Claim, ...] = ()
    figures: tuple[FigureMove, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.new_sources or self.new_claims or self.figures)


@dataclass(frozen=True)
class StoryBrief:
    """A story with everything the briefing shows about it; ``rank`` is its place by
    importance (1 = first), ``section`` the configured section it falls in (None: unsectioned)."""

    story: Story
    headline: str
    summary: tuple[SummarySentence, ...]
    claims: tuple[Claim, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    figures: tuple[FigureSet, ...] = ()
    rank: int = 0
    section: str | None = None
    changes: StoryChanges | None = None


@dataclass(frozen=True)
class Briefing:
    date: str
    as_of: datetime
    window_start: datetime
    window_end: datetime
    timezone: str
    stories: tuple[StoryBrief, ...]
    title: str = "Daily Briefing"
    sections: tuple[str, ...] = ()
    """Section names in display order ("Other" last) when the config has sections."""
    archive_url: str | None = None
    """Where earlier briefings are published (``<archive_url><date>/briefing.html``)."""
