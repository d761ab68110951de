"""The one place that wires the stages together (see DESIGN.md's pipeline)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from . import archive, briefing_json, deliver, outbox, render
from .collect import CollectReport, collect_sources
from .config import Config
from .models import Briefing, Story, StoryBrief
from .progress import Steps
from .store import Store
from .when import briefing_date, days_before, window

log = logging.getLogger(__name__)

CONTINUITY_DAYS = 3


@dataclass
class RunResult:
    briefing: Briefing
    paths: list[Path] = field(default_factory=list)
    collect: CollectReport | None = None
    delivery: deliver.DeliveryReport | None = None
    pruned: list[str] = field(default_factory=list)


def collect(
    config: Config, store: Store, now: datetime, *, progress: bool = False, force: bool = False
) -> CollectReport:
    """Fetch every source that is due (``force``: every source, due or not)."""
    report = collect_sources(
        config.source_list(),
        store,
        config.fetch,
        now,
        allow_private_hosts=config.allow_private_hosts,
        progress=progress,
        interval=timedelta(minutes=config.schedule.collect_every_minutes),
        force=force,
    )
    store.mark_run("collect", now, f"{report.new_articles} new")
    return report


def prior_stories(store: Store, date: str) -> list[Story]:
    """Stories of the last few briefings, so a continuing story keeps its id."""
    found = store.prior_stories(since_date=days_before(date, CONTINUITY_DAYS), before_date=date)
    return [
        Story(id=story_id, articles=tuple(articles), origins={a.id: a.id for a in articles})
        for story_id, articles in found
    ]


def build_briefing(
    config: Config, store: Store, as_of: datetime, steps: Steps | None = None
) -> Briefing:
    """Select the window, group, summarise and analyse; pure apart from the store reads.
    ``steps`` shows what it is doing on a terminal."""
    steps = steps or Steps()
    # The grouping and text stages load scikit-learn and NLTK (seconds); `briefing collect` and
    # the daemon's collect job do not need them, so they are imported when a briefing is built.
    from . import claims, cluster, dedup, summarize

    date = briefing_date(as_of, config.tz)
    start, end = window(as_of, config.window_hours)
    articles = store.articles_in_window(start, end, before_date=date)
    log.info("%d articles in the window %s .. %s", len(articles), start, end)
    steps.step(f"grouping {len(articles):,} articles into stories")
    origins = dedup.assign_origins(articles)
    stories = cluster.cluster_stories(
        articles, origins, now=as_of, prior=prior_stories(store, date), settings=config.cluster
    )
    stories = cluster.rank_stories(stories, now=as_of, limit=config.max_stories)
    briefs = []
    steps.step("summarising stories and checking claims", total=len(stories))
    for story in stories:
        story_claims, disputes, figures = claims.analyse_story(story)
        briefs.append(
            StoryBrief(
                story=story,
                headline=summarize.choose_headline(story),
                summary=summarize.summarize_story(
                    story,
                    algorithm=config.summary.algorithm,
                    max_words=config.summary.max_words,
                    max_sentences=config.summary.max_sentences,
                ),
                claims=story_claims,
                disputes=disputes,
                figures=figures,
            )
        )
        steps.advance()
    return Briefing(
        date=date,
        as_of=as_of,
        window_start=start,
        window_end=end,
        timezone=config.timezone,
        stories=tuple(briefs),
        title=config.title,
    )


def render_files(
    config: Config, briefing: Briefing, steps: Steps | None = None
) -> dict[str, bytes]:
    """Every outbox file but the .eml, keyed by file name."""
    steps = steps or Steps()
    steps.step("rendering the email, text and JSON")
    files = {
        "briefing.json": briefing_json.to_json(briefing).encode("utf-8"),
        "briefing.html": render.render_html(briefing).encode("utf-8"),
        "briefing.txt": render.render_text(briefing).encode("utf-8"),
    }
    steps.step("rendering the PDF")
    files["briefing.pdf"] = pdf_bytes(config, briefing)
    return files


def pdf_bytes(config: Config, briefing: Briefing) -> bytes:
    return render.render_pdf(
        briefing, page_size=config.pdf.page_size, timeout=config.pdf.timeout_seconds
    )


def record(store: Store, briefing: Briefing) -> None:
    """Remember which articles and stories this briefing used (continuity, no repeats)."""
    store.record_briefing(
        briefing.date,
        briefing.as_of,
        {a.id: b.story.id for b in briefing.stories for a in b.story.articles},
        {b.story.id: b.headline for b in briefing.stories},
    )


def write_outbox(config: Config, briefing: Briefing, files: dict[str, bytes]) -> list[Path]:
    return outbox.write_files(outbox.day_folder(config.outbox, briefing.date), files)


def update_archive(config: Config, store: Store, now: datetime) -> archive.ArchiveResult:
    """Prune day folders past ``archive.keep_days`` (never a day with deliveries still to make)
    and rewrite ``index.html`` and ``feed.xml``; what was pruned is remembered for ``status``."""
    unfinished = {row.date for row in store.deliveries(states=deliver.UNFINISHED)}
    result = archive.update_archive(
        config.outbox, config.title, config.archive.keep_days, protected=unfinished
    )
    if result.pruned:
        store.mark_run("prune", now, " ".join(result.pruned))
        log.info("archive: removed the day folders %s", ", ".join(result.pruned))
    return result


def run_once(
    config: Config,
    store: Store,
    as_of: datetime,
    now: datetime,
    *,
    do_collect: bool = True,
    progress: bool = False,
    send: bool = False,
) -> RunResult:
    """Collect, build, write the outbox (the .eml files are exactly what ``send`` mails) and
    record the briefing in the ledger; with ``send``, deliver what is pending for that day."""
    report = collect(config, store, now, progress=progress) if do_collect else None
    with Steps(progress) as steps:
        briefing = build_briefing(config, store, as_of, steps)
        files = render_files(config, briefing, steps)
        steps.step("writing the outbox")
        content = deliver.mail_content(config, briefing, files)
        files.update(deliver.message_files(config, store, content, now))
        paths = write_outbox(config, briefing, files)
    record(store, briefing)
    store.mark_run("build", now, briefing.date)
    kept = update_archive(config, store, now)
    result = RunResult(briefing=briefing, paths=paths + kept.paths, collect=report,
                       pruned=kept.pruned)
    if send:
        result.delivery = deliver.deliver_pending(config, store, now, briefing.date)
    return result


def one_off_pdf(
    config: Config,
    store: Store,
    as_of: datetime,
    now: datetime,
    output: Path,
    *,
    do_collect: bool = True,
    progress: bool = False,
) -> Path:
    """A PDF of the briefing as of ``as_of``, written to ``output``; the ledger is not touched."""
    if do_collect:
        collect(config, store, now, progress=progress)
    with Steps(progress) as steps:
        briefing = build_briefing(config, store, as_of, steps)
        steps.step("rendering the PDF")
        outbox.atomic_write(output, pdf_bytes(config, briefing))
    return output
