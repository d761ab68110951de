"""The one place that wires the stages together (see DESIGN.md's pipeline)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path

from . import archive, briefing_json, deliver, outbox, render, sections, selection
from .collect import CollectReport, collect_sources
from .config import Config
from .mail import MailContent
from .models import Briefing, Claim, Story, StoryBrief
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
    from . import cluster, dedup, summarize
    from .claims import disputes, ledger

    date = briefing_date(as_of, config.tz)
    start, end = window(as_of, config.window_hours)
    articles = store.articles_in_window(start, end, before_date=date)
    log.info("%d articles in the window %s .. %s", len(articles), start, end)
    steps.step(f"grouping {len(articles):,} articles into stories")
    origins = dedup.assign_origins(articles)
    prior = prior_stories(store, date)
    stories = cluster.cluster_stories(
        articles, origins, now=as_of, prior=prior, settings=config.cluster
    )
    stories = cluster.rank_stories(stories, now=as_of, limit=config.max_stories)
    briefs = []
    steps.step("summarising stories and checking claims", total=len(stories))
    disagreement = disputes.learned_disagreement()
    for rank, story in enumerate(stories, start=1):
        story_claims, story_disputes, figures = ledger.analyse_story(
            story, disagreement=disagreement
        )
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
                disputes=story_disputes,
                figures=figures,
                rank=rank,
            )
        )
        steps.advance()
    briefs = with_changes(store, briefs, prior, date)
    order: tuple[str, ...] = ()
    if config.sections:
        chosen = section_list(config)
        briefs = sections.assign(briefs, chosen)
        order = sections.used_order(briefs, sections.Sectioner(chosen).order)
    return Briefing(
        date=date,
        as_of=as_of,
        window_start=start,
        window_end=end,
        timezone=config.timezone,
        stories=tuple(briefs),
        title=config.title,
        sections=order,
        archive_url=config.archive_url,
    )


def section_list(config: Config) -> list[sections.Section]:
    return [
        sections.Section(s.name, frozenset(s.sources), tuple(s.keywords))
        for s in config.sections
    ]


def with_changes(
    store: Store, briefs: list[StoryBrief], prior: list[Story], date: str
) -> list[StoryBrief]:
    """Developing stories with what they add since the last briefing that showed them."""
    from . import changes
    from .claims import disputes, ledger

    earlier = {p.id: p for p in prior}
    developing = [b.story.id for b in briefs if b.story.developing and b.story.id in earlier]
    if not developing:
        return briefs
    last_dates = store.story_last_dates(developing, before_date=date)
    out = []
    for brief in briefs:
        before = earlier.get(brief.story.id)
        since = last_dates.get(brief.story.id)
        if brief.story.developing and before is not None and since is not None:
            earlier_claims: tuple[Claim, ...] = ledger.analyse_claims(
                before, max_claims=1000, disagreement=disputes.learned_disagreement()
            )[0]
            found = changes.story_changes(brief, before, earlier_claims, since)
            brief = replace(brief, changes=found)
        out.append(brief)
    return out


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


@dataclass
class Editions:
    """Each recipient's mail content, and which stories each selection's edition showed."""

    contents: dict[str, MailContent]
    shown: dict[str, list[str]]
    rendered: int = 0


def edition_contents(
    config: Config,
    briefing: Briefing,
    full: MailContent,
    steps: Steps | None = None,
    store: Store | None = None,
) -> Editions:
    """Recipients whose selections yield the same edition share one rendering; those who get
    the whole briefing share the outbox's files (``full``). With ``store``, a developing story
    in a selection's edition says what is new since that selection last showed it."""
    steps = steps or Steps()

    def adjust(chosen: selection.Selection, picked: Briefing) -> Briefing:
        return picked if store is None else changes_for_selection(store, picked, chosen.key)

    found = selection.editions(briefing, selection.from_config(config.email.to), adjust)
    result = Editions({}, {})
    for edition in found:
        if edition.full:
            content = full
        else:
            steps.step(f"rendering an edition of {len(edition.briefing.stories)} stories")
            content = render_mail(config, edition.briefing)
            result.rendered += 1
        for address in edition.recipients:
            result.contents[address] = content
        for chosen in edition.selections:
            if not chosen.everything:
                result.shown[chosen.key] = [b.story.id for b in edition.briefing.stories]
    return result


def changes_for_selection(store: Store, briefing: Briefing, key: str) -> Briefing:
    """``briefing`` (one selection's edition) with each developing story compared with what
    that selection's editions last showed of it: nothing when they never showed it."""
    from . import changes
    from .claims import disputes, ledger

    developing = [b.story.id for b in briefing.stories if b.changes is not None]
    if not developing:
        return briefing
    seen = store.edition_last_dates(key, developing, before_date=briefing.date)
    out = []
    for brief in briefing.stories:
        if brief.changes is not None:
            since = seen.get(brief.story.id)
            full_since = brief.changes.since
            if since is None:
                brief = replace(brief, changes=None)
            elif since != full_since:
                articles = store.story_articles_through(
                    brief.story.id,
                    since_date=days_before(briefing.date, CONTINUITY_DAYS),
                    through_date=since,
                )
                earlier = Story(brief.story.id, tuple(articles), {a.id: a.id for a in articles})
                earlier_claims = ledger.analyse_claims(
                    earlier, max_claims=1000, disagreement=disputes.learned_disagreement()
                )[0]
                brief = replace(
                    brief, changes=changes.story_changes(brief, earlier, earlier_claims, since)
                )
        out.append(brief)
    return replace(briefing, stories=tuple(out))


def render_mail(config: Config, briefing: Briefing) -> MailContent:
    """The mail parts of one edition (HTML, text, and the PDF when it is attached)."""
    files = {
        "briefing.html": render.render_html(briefing).encode("utf-8"),
        "briefing.txt": render.render_text(briefing).encode("utf-8"),
    }
    if config.email.attach_pdf:
        files["briefing.pdf"] = pdf_bytes(config, briefing)
    return deliver.mail_content(config, briefing, files)


def pdf_bytes(config: Config, briefing: Briefing) -> bytes:
    return render.render_pdf(
        briefing, page_size=config.pdf.page_size, timeout=config.pdf.timeout_seconds
    )


def record(
    store: Store, briefing: Briefing, shown: dict[str, list[str]] | None = None
) -> None:
    """Remember which articles and stories this briefing used (continuity, no repeats), and
    which stories each per-reader selection's edition showed (``shown``)."""
    store.record_briefing(
        briefing.date,
        briefing.as_of,
        {a.id: b.story.id for b in briefing.stories for a in b.story.articles},
        {b.story.id: b.headline for b in briefing.stories},
        shown,
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
        editions = edition_contents(config, briefing, content, steps, store)
        files.update(deliver.message_files(config, store, content, now, editions.contents))
        paths = write_outbox(config, briefing, files)
    record(store, briefing, editions.shown)
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
