"""Per-reader selection: the part of the day's briefing one recipient asked for.

A selection is a set of sections (None: all) and a story cap (None: all). Recipients whose
selections pick the same stories share one rendering, so a day with 300 recipients and three
kinds of reader renders three briefings, not 300. Pure: data in, data out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
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

    @property
    def key(self) -> str:
        """A stable name for the ledger of what this selection's editions showed."""
        if self.everything:
            return "all"
        sections = ",".join(sorted(self.sections)) if self.sections is not None else "*"
        return f"sections={sections};max={self.max_stories or '*'}"


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
    """One distinct briefing, the selections that yield it and the recipients who get it."""

    briefing: Briefing
    selections: tuple[Selection, ...]
    recipients: tuple[str, ...]
    full: bool


Adjust = Callable[[Selection, Briefing], Briefing]


def _signature(briefing: Briefing) -> tuple[tuple[str, str | None], ...]:
    """What makes two editions differ: their stories and what each is compared with."""
    return tuple(
        (b.story.id, b.changes.since if b.changes is not None else None)
        for b in briefing.stories
    )


def editions(
    briefing: Briefing,
    recipients: Iterable[tuple[str, Selection]],
    adjust: Adjust | None = None,
) -> list[Edition]:
    """Recipients grouped by the edition their selection yields, in first-seen order.
    ``adjust`` may rework a selection's edition (what changed since *those* readers last saw
    a story); editions that come out the same are one. The edition equal to the whole briefing
    is marked ``full`` (its files are the outbox's)."""
    by_selection: dict[Selection, list[str]] = {}
    for address, selection in recipients:
        by_selection.setdefault(selection, []).append(address)
    whole = _signature(briefing)
    groups: dict[tuple[tuple[str, str | None], ...], Edition] = {}
    for selection, addresses in by_selection.items():
        picked = apply(briefing, selection)
        if adjust is not None and not selection.everything:
            picked = adjust(selection, picked)
        key = _signature(picked)
        found = groups.get(key)
        if found is None:
            groups[key] = Edition(picked, (selection,), tuple(addresses), key == whole)
        else:
            groups[key] = replace(
                found,
                selections=(*found.selections, selection),
                recipients=(*found.recipients, *addresses),
            )
    return list(groups.values())


def from_config(to: Sequence[RecipientConfig]) -> list[tuple[str, Selection]]:
    """(address, selection) for each ``email.to`` entry."""
    return [
        (
            r.address,
            Selection(frozenset(r.sections) if r.sections is not None else None, r.max_stories),
        )
        for r in to
    ]
