"""Sections: place each story in the configured section most of its articles belong to.

An article belongs to the first section (in configured order) that lists its source; failing
that, to the section whose keywords it mentions most (whole words, any case; a hit in the
title counts three times one in the text; ties go to the earlier section). A story goes to the
section most of its sectioned articles belong to (ties: the earlier section), and to "Other"
when none of its articles belongs anywhere. Pure: stories in, stories out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from .models import Article, StoryBrief

OTHER = "Other"
TITLE_WEIGHT = 3


@dataclass(frozen=True)
class Section:
    name: str
    sources: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()

    def pattern(self) -> re.Pattern[str] | None:
        if not self.keywords:
            return None
        words = "|".join(re.escape(k.strip()) for k in self.keywords)
        return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


class Sectioner:
    """Compiled once per briefing; ``of_article`` and ``of_story`` answer section names."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = list(sections)
        self.patterns = [s.pattern() for s in self.sections]

    @property
    def order(self) -> tuple[str, ...]:
        return (*(s.name for s in self.sections), OTHER)

    def of_article(self, article: Article) -> str | None:
        for section in self.sections:
            if article.source in section.sources:
                return section.name
        best, best_hits = None, 0
        for section, pattern in zip(self.sections, self.patterns, strict=True):
            if pattern is None:
                continue
            hits = TITLE_WEIGHT * len(pattern.findall(article.title)) + len(
                pattern.findall(article.text)
            )
            if hits > best_hits:
                best, best_hits = section.name, hits
        return best

    def of_story(self, articles: Sequence[Article]) -> str:
        votes = Counter(name for a in articles if (name := self.of_article(a)) is not None)
        if not votes:
            return OTHER
        top = max(votes.values())
        return next(s.name for s in self.sections if votes.get(s.name) == top)


def assign(briefs: Sequence[StoryBrief], sections: Sequence[Section]) -> list[StoryBrief]:
    """Each story with its section, in display order: sections as configured, "Other" last,
    and by rank within a section."""
    sectioner = Sectioner(sections)
    placed = [replace(b, section=sectioner.of_story(b.story.articles)) for b in briefs]
    return arrange(placed, sectioner.order)


def arrange(briefs: Sequence[StoryBrief], order: Sequence[str]) -> list[StoryBrief]:
    """Stories grouped by section in ``order`` (unknown or no section last), by rank within."""
    place = {name: i for i, name in enumerate(order)}
    return sorted(briefs, key=lambda b: (place.get(b.section or "", len(place)), b.rank))


def used_order(briefs: Sequence[StoryBrief], order: Sequence[str]) -> tuple[str, ...]:
    """The names of ``order`` that at least one story falls in."""
    used = {b.section for b in briefs}
    return tuple(name for name in order if name in used)
