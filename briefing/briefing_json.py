"""``briefing.json`` (schema ``briefing/1``): the contract other tools read.

Keys are written sorted and without any run-time value (no creation time), so the same inputs and
``--as-of`` give byte-identical output.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .models import Briefing, Claim, FigureValue, StoryBrief, StoryChanges
from .store import iso

SCHEMA = "briefing/1"


def _story(brief: StoryBrief) -> dict[str, Any]:
    story = brief.story
    return {
        "id": story.id,
        "headline": brief.headline,
        "developing": story.developing,
        "articles": [
            {
                "id": a.id,
                "url": a.url,
                "source": a.source,
                "title": a.title,
                "published": iso(a.published),
                "origin": story.origins.get(a.id, a.id),
            }
            for a in story.articles
        ],
        "sources": story.source_count,
        "origins": story.origin_count,
        "why_grouped": {
            "terms": list(story.why_grouped.terms),
            "similarity": round(story.why_grouped.similarity, 4),
        },
        "summary": [
            {"text": s.text, "article_id": s.article_id, "start": s.start, "end": s.end}
            for s in brief.summary
        ],
        "claims": [
            {
                "actor": c.actor,
                "verb": c.verb,
                "text": c.text,
                "quoted": c.quoted,
                "stance": c.stance,
                "article_ids": list(c.article_ids),
                "origins": c.origins,
                "disputed": c.disputed,
                "start": c.start,
                "end": c.end,
            }
            for c in brief.claims
        ],
        "disputes": [
            {"claim": d.claim, "counter": list(d.counter), "kind": d.kind} for d in brief.disputes
        ],
        "figures": [
            {
                "quantity": f.quantity,
                "disagree": f.disagree,
                "values": [
                    {
                        "value": v.value,
                        "unit": v.unit,
                        "text": v.text,
                        "article_id": v.article_id,
                        "source": v.source,
                        "low": _finite(v.low),
                        "high": _finite(v.high),
                        "qualifier": v.qualifier,
                        "start": v.start,
                        "end": v.end,
                    }
                    for v in f.values
                ],
            }
            for f in brief.figures
        ],
    }


def _claim(c: Claim) -> dict[str, Any]:
    return {
        "actor": c.actor,
        "verb": c.verb,
        "text": c.text,
        "stance": c.stance,
        "article_ids": list(c.article_ids),
        "origins": c.origins,
        "start": c.start,
        "end": c.end,
    }


def _value(v: FigureValue) -> dict[str, Any]:
    return {
        "value": v.value,
        "unit": v.unit,
        "text": v.text,
        "article_id": v.article_id,
        "source": v.source,
        "start": v.start,
        "end": v.end,
    }


def _changes(changes: StoryChanges, archive_url: str | None) -> dict[str, Any]:
    return {
        "since": changes.since,
        "url": f"{archive_url or '../'}{changes.since}/briefing.html",
        "new_sources": list(changes.new_sources),
        "new_claims": [_claim(c) for c in changes.new_claims],
        "figures": [
            {
                "quantity": m.quantity,
                "before": [_value(v) for v in m.before],
                "after": [_value(v) for v in m.after],
            }
            for m in changes.figures
        ],
    }


def _extras(brief: StoryBrief, briefing: Briefing) -> dict[str, Any]:
    """Keys present only when used, so an unsectioned briefing's JSON is as before."""
    extra: dict[str, Any] = {}
    if briefing.sections:
        extra["section"] = brief.section
    if brief.changes:
        extra["changes"] = _changes(brief.changes, briefing.archive_url)
    return extra


def _finite(number: float) -> float | None:
    """JSON has no Infinity: an open end ("at least 10,000") is written as null."""
    return number if math.isfinite(number) else None


def to_dict(briefing: Briefing) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "title": briefing.title,
        "date": briefing.date,
        "as_of": iso(briefing.as_of),
        "timezone": briefing.timezone,
        "window": {"start": iso(briefing.window_start), "end": iso(briefing.window_end)},
        "stories": [{**_story(s), **_extras(s, briefing)} for s in briefing.stories],
    }


def to_json(briefing: Briefing) -> str:
    return json.dumps(to_dict(briefing), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
