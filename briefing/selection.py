"""Per-reader selection: the part of the day's briefing one recipient asked for.

A selection is a set of sections (None: all) and a story cap (None: all). Recipients whose
selections pick the same stories share one rendering, so a day with 300 recipients and three
kinds of reader renders three briefings, not 300. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .config import RecipientConfig
from .models import Briefing


@dataclass(frozen=True)
class Selection:
    sections: frozenset[str] | None = None
    max_stories: int | None = None

    @property
    def everything(self) -> bool:
        return self.sections is None and self.max_stories is None


def apply(briefing: Briefing, selection: Selection) -> Briefing:
    """The briefing with only the selected sections' stories, at most ``max_stories`` of them
    (the highest ranked), in the briefing's display order."""
    if selection.everything:
        return briefing
    chosen = [
        b for b in briefing.stories
        if selection.sections is None or b.section in selection.sections
    ]
    if selection.max_stories is not None:
        keep = {id(b) for b in sorted(chosen, key=lambda b: b.rank)[: selection.max_stories]}
        chosen = [b for b in chosen if id(b) in keep]
    present = {b.section for b in chosen}
    return replace(
        briefing,
        stories=tuple(chosen),
        sections=tuple(name for name in briefing.sections if name in present),
    )


@dataclass(frozen=True)
class Edition:
    """One distinct briefing and the recipients who get it."""

    briefing: Briefing
    recipients: tuple[str, ...]
    full: bool

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(b.story.id for b in self.briefing.stories)


def editions(
    briefing: Briefing, recipients: Iterable[tuple[str, Selection]]
) -> list[Edition]:
    """Recipients grouped by the stories their selection yields, in first-seen order; the
    edition equal to the whole briefing is marked ``full`` (its files are the outbox's)."""
    whole = tuple(b.story.id for b in briefing.stories)
    groups: dict[tuple[str, ...], tuple[Briefing, list[str]]] = {}
    for address, selection in recipients:
        picked = apply(briefing, selection)
        key = tuple(b.story.id for b in picked.stories)
        groups.setdefault(key, (picked, []))[1].append(address)
    return [
        Edition(picked, tuple(addresses), key == whole)
        for key, (picked, addresses) in groups.items()
    ]


def from_config(to: Sequence[RecipientConfig]) -> list[tuple[str, Selection]]:
    """(address, selection) for each ``email.to`` entry."""
    return [
        (
            r.address,
            Selection(frozenset(r.sections) if r.sections is not None else None, r.max_stories),
        )
        for r in to
    ]
