"""What changed: what a developing story adds since an earlier briefing showed it.

New outlets, claims and denials no earlier article made, and quantities whose value moved
("12 dead" then, "19 dead" now). Everything shown is copied from the articles, as in the rest
of the briefing. Pure: the story, the earlier story and its claims in, ``StoryChanges`` out.
"""

from __future__ import annotations

from collections.abc import Sequence

from .claims.figures import extract_figures, figures_moved
from .models import Claim, Story, StoryBrief, StoryChanges
from .terms import content_terms

SAME_CLAIM = 0.6
"""Share of content terms two statements must have in common to be one claim."""


def _folded(text: str) -> str:
    return " ".join(text.lower().split())


def _same(claim: Claim, earlier: Claim) -> bool:
    if claim.stance != earlier.stance:
        return False
    a, b = set(content_terms(claim.text)), set(content_terms(earlier.text))
    if not a or not b:
        return _folded(claim.text) == _folded(earlier.text)
    return len(a & b) / min(len(a), len(b)) >= SAME_CLAIM


def new_claims(
    claims: Sequence[Claim], earlier_claims: Sequence[Claim], earlier: Story
) -> tuple[Claim, ...]:
    """Claims no earlier claim matches and whose words no earlier article printed."""
    texts = [_folded(a.text) for a in earlier.articles]
    return tuple(
        c for c in claims
        if not any(_same(c, e) for e in earlier_claims)
        and not any(_folded(c.text) in t for t in texts)
    )


def new_sources(story: Story, earlier: Story) -> tuple[str, ...]:
    """Outlets of ``story`` that no earlier article came from, in order of first report."""
    seen = {a.source for a in earlier.articles}
    out: list[str] = []
    for article in sorted(story.articles, key=lambda a: (a.published, a.id)):
        if article.source not in seen and article.source not in out:
            out.append(article.source)
    return tuple(out)


def story_changes(
    brief: StoryBrief, earlier: Story, earlier_claims: Sequence[Claim], since: str
) -> StoryChanges:
    """``brief`` compared with ``earlier`` (what the briefings up to ``since`` showed)."""
    story = brief.story
    before = [
        f for a in earlier.articles for f in extract_figures(a, earlier.origins.get(a.id, a.id))
    ]
    after = [f for a in story.articles for f in extract_figures(a, story.origins.get(a.id, a.id))]
    return StoryChanges(
        since=since,
        new_sources=new_sources(story, earlier),
        new_claims=new_claims(brief.claims, earlier_claims, earlier),
        figures=figures_moved(before, after),
    )
