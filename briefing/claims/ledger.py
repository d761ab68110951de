"""The Key claims of a story: statements of one party that say the same thing merged into one claim
with its independent origins counted, disputes linked, the strongest kept."""

from __future__ import annotations

import re

import numpy as np

from ..models import Claim, Dispute, FigureSet, Story
from .actors import ROLE_MODIFIERS, ROLE_NOUNS
from .disputes import TITLE_WORDS, Disagreement, DisagreementScorer, as_disagreement, link_disputes
from .figures import extract_figures, group_figures
from .items import Group, Item, Similarity
from .speakers import items_for_story
from .stance import wordset

MERGE_SIMILARITY = 0.3
# Two parties' statements merge only when they say much the same and name one speaker in
# common (outlets naming one organisation or person in different words).
CROSS_NAME_MERGE_SIMILARITY = 0.25
CONTESTED_MERGE_SIMILARITY = 0.2
MAX_CLAIMS = 6
# A briefing shows the strongest disputes of a story, each with its strongest counters; a
# 50-article story can hold dozens, which would turn one story into pages of the PDF.
MAX_DISPUTES = 4
MAX_COUNTERS = 3


def _merge(items: list[Item], sim: Similarity) -> list[Group]:
    """Statements of one party with one stance that say the same thing become one claim
    (single pass, each joining the closest group centroid above MERGE_SIMILARITY)."""
    vectors = sim.matrix([i.content for i in items])
    groups: list[Group] = []
    members: list[list[int]] = []
    centroids: list[np.ndarray] = []
    for k, (item, vec) in enumerate(zip(items, vectors, strict=True)):
        best, best_score = -1, 0.0
        for g, group in enumerate(groups):
            if group.stance != item.stance:
                continue
            score = float(centroids[g] @ vec)
            if group.party == item.party:
                if score < MERGE_SIMILARITY:
                    continue
            elif score < CROSS_NAME_MERGE_SIMILARITY or not any(
                _same_speaker(i.actor, item.actor) for i in group.items
            ):
                continue
            if score >= best_score:
                best, best_score = g, score
        if best < 0:
            groups.append(Group([item]))
            members.append([k])
            centroids.append(vec)
        else:
            groups[best].items.append(item)
            members[best].append(k)
            mean = np.mean(vectors[members[best]], axis=0)
            centroids[best] = mean / (float(np.linalg.norm(mean)) or 1.0)
    return groups
_GENERIC_NAME_WORDS = wordset(
    """university college school hospital institute department ministry office center centre
    national state federal united new north south east west"""
)


def _name_tokens(actor: str) -> set[str]:
    return {
        w.lower()
        for w in re.findall(r"[\w’'.-]*\w", actor)
        if w[:1].isupper()
        and w.lower() not in ROLE_NOUNS | ROLE_MODIFIERS | TITLE_WORDS | _GENERIC_NAME_WORDS
    }


def _same_speaker(a: str, b: str) -> bool:
    """'Lancaster University' and 'University of Lancaster', 'Head of King's College
    London's department of chemistry' and 'King's College London': one name in common."""
    return bool(_name_tokens(a) & _name_tokens(b))


def _speaks_for(speaker: str, body: str) -> bool:
    """Whether ``speaker`` is a role holder of ``body``: 'Port authority spokesperson Maria
    Olsen' of 'Port Calder Harbour Authority', 'Brightwater chief executive Tomas Reyne' of
    'Brightwater Logistics'."""
    words, of = speaker.casefold().split(), set(body.casefold().split())
    return (
        len(words) > len(of)
        and bool(of & set(words))
        and any(w in ROLE_NOUNS and w not in of for w in words)
    )


def _readable_actor(group: Group) -> str:
    """The group's speakers as one phrase: an organisation that also speaks through a named
    role holder is left to them, and the rest are joined with "and"."""
    actors: list[str] = []
    for item in group.items:
        if item.actor not in actors and not any(item.actor in a for a in actors):
            actors = [a for a in actors if a not in item.actor]
            actors.append(item.actor)
    actors = [a for a in actors if not any(_speaks_for(b, a) for b in actors if b != a)][:3]
    definite = {
        i.actor for i in group.items if i.definite and i.actor.lower() == i.attribution.actor
    }
    shown = [
        f"the {a[:1].lower()}{a[1:]}" if a in definite
        else a[:1].lower() + a[1:] if k and a.split()[0].lower() in ROLE_NOUNS | ROLE_MODIFIERS
        else a
        for k, a in enumerate(actors)
    ]
    if shown[0].startswith("the "):
        shown[0] = "T" + shown[0][1:]
    *first, last = shown
    return f"{', '.join(first)} and {last}" if first else last


def _representative(item: Item) -> tuple[bool, int, int]:
    """The statement a claim shows: the earliest, unless it only points back ("denied the
    charges against her") and another says it in the speaker's own words or in full."""
    att = item.attribution
    return (att.anaphoric and not att.quoted, item.article_index, att.start)


def _to_claim(group: Group, disputed: bool) -> Claim:
    first = min(group.items, key=_representative)
    article_ids = [first.article_id]
    for item in sorted(group.items, key=lambda i: i.article_index):
        if item.article_id not in article_ids:
            article_ids.append(item.article_id)
    verb = first.attribution.verb
    return Claim(
        actor=_readable_actor(group),
        text=first.content,
        stance=group.stance,
        article_ids=tuple(article_ids),
        origins=len({i.origin for i in group.items}),
        verb="said" if verb == "read" else verb,
        disputed=disputed,
        start=first.attribution.content_start,
        end=first.attribution.content_end,
        quoted=first.attribution.quoted,
    )


def _merge_contested(
    groups: list[Group], contested: dict[int, list[int]], sim: Similarity
) -> None:
    """One party's contested claims that say much the same thing ("fully recaptured Kursk",
    "the operation to liberate Kursk Oblast is complete") become one claim with all its
    counters, so the reader sees the dispute once."""
    keys = sorted(contested)
    vectors = {g: sim.matrix([i.content for i in groups[g].items]) for g in keys}
    for a_pos, a in enumerate(keys):
        if a not in contested:
            continue
        for b in keys[a_pos + 1 :]:
            if b not in contested or groups[a].party != groups[b].party:
                continue
            if float(np.max(vectors[a] @ vectors[b].T)) < CONTESTED_MERGE_SIMILARITY:
                continue
            groups[a].items.extend(groups[b].items)
            groups[b].items = []
            vectors[a] = np.vstack([vectors[a], vectors[b]])
            contested[a].extend(d for d in contested.pop(b) if d not in contested[a])


def _strongest(
    groups: list[Group], contested: dict[int, list[int]], max_disputes: int, max_counters: int
) -> dict[int, list[int]]:
    """The ``max_disputes`` disputes whose claims have the most origins, each with its
    ``max_counters`` best-backed counters (ties: earliest group first)."""

    def rank(g: int) -> tuple[int, int]:
        return (-len({i.origin for i in groups[g].items}), g)

    kept = sorted((g for g, ds in contested.items() if ds), key=rank)[:max_disputes]
    return {g: sorted(contested[g], key=rank)[:max_counters] for g in kept}


def _words(text: str) -> int:
    return len(re.findall(r"\w+(?:['’]\w+)?", text))


_POINTS_BACK_AT = re.compile(r"\b(?:it|this|that|them)\W*$", re.IGNORECASE)


def _says_nothing_alone(group: Group) -> bool:
    """A denial whose words name nothing without the claim it answers ("denied having written
    it"), or a short statement in the article's words that only points back ("it was a false
    identification")."""
    return all(
        _words(i.content) < 3
        or bool(i.attribution.answers and i.attribution.anaphoric)
        or (_words(i.content) < 5 and _POINTS_BACK_AT.search(i.content) is not None)
        if group.stance == "denies"
        else i.attribution.anaphoric and not i.attribution.quoted and _words(i.content) < 8
        for i in group.items
    )


def _words_shown(group: Group) -> str:
    return " ".join(min(group.items, key=_representative).content.casefold().split())


def analyse_claims(
    story: Story,
    max_claims: int = MAX_CLAIMS,
    disagreement: Disagreement | DisagreementScorer | None = None,
    max_disputes: int = MAX_DISPUTES,
    max_counters: int = MAX_COUNTERS,
) -> tuple[tuple[Claim, ...], tuple[Dispute, ...]]:
    """Attributed claims of a story, merged across articles, and the disputes between them
    (``disagreement``: an optional scorer for linking a denial to the claim it contests).
    Shown: every side of the ``max_disputes`` strongest disputes, then up to ``max_claims``
    other claims."""
    items = items_for_story(story)
    if not items:
        return (), ()
    sim = Similarity([i.context for i in items])
    groups = _merge(items, sim)
    contested = link_disputes(groups, sim, as_disagreement(disagreement))
    _merge_contested(groups, contested, sim)
    contested = _strongest(groups, contested, max_disputes, max_counters)
    counters = {d for ds in contested.values() for d in ds}

    def priority(g: int) -> tuple[int, int, int, int]:
        group = groups[g]
        first = min((i.article_index, i.attribution.start) for i in group.items)
        origins = len({i.origin for i in group.items})
        flagged = 0 if g in contested else 1 if g in counters else 2
        # a speaker's first words before the quotation they go on with
        carried = all(i.attribution.carried for i in group.items)
        return (flagged, carried, -origins, first[0] * 10**7 + first[1])

    order = sorted((g for g in range(len(groups)) if groups[g].items), key=priority)
    keep = [g for g in order if g in contested or g in counters]
    # An outlet's own verdict is shown only against the claim it rejects, never as a claim;
    # so is a denial that only points back ("denied the claims", "saying it's untrue").
    shown = {_words_shown(groups[g]) for g in keep}
    others = []
    for g in order:
        if g in keep or groups[g].party.startswith("outlet:") or _says_nothing_alone(groups[g]):
            continue
        words = _words_shown(groups[g])
        if words not in shown:  # a page repeating a sentence with another attribution
            shown.add(words)
            others.append(g)
    keep += others[:max_claims]
    keep.sort(key=priority)
    index_of = {g: k for k, g in enumerate(keep)}
    claims = tuple(_to_claim(groups[g], disputed=g in contested) for g in keep)
    disputes = tuple(
        Dispute(claim=index_of[g], counter=tuple(sorted(index_of[d] for d in ds)), kind="denial")
        for g, ds in sorted(contested.items(), key=lambda kv: index_of[kv[0]])
    )
    return claims, disputes


def analyse_figures(story: Story) -> tuple[FigureSet, ...]:
    figures = []
    for article in story.articles:
        origin = story.origins.get(article.id, article.id)
        figures.extend(extract_figures(article, origin))
    return group_figures(figures)


def analyse_story(
    story: Story, disagreement: Disagreement | DisagreementScorer | None = None
) -> tuple[tuple[Claim, ...], tuple[Dispute, ...], tuple[FigureSet, ...]]:
    """Claims (merged, with independent-origin counts), disputes and figure groups of a story.
    ``disagreement`` replaces the shared-content test that links a denial to the claim it
    contests: a :class:`Disagreement` (the briefing uses :func:`learned_disagreement`), or a
    plain ``scorer(claim, text) -> float`` read as contradicting at 0.5 or above."""
    claims, disputes = analyse_claims(story, disagreement=disagreement)
    return claims, disputes, analyse_figures(story)
