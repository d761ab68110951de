"""``briefing status``: what the daemon has done, what it will do, and what needs a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .archive import day_folders
from .config import Config
from .deliver import FAILED, SENDING, UNCONFIRMED, UNFINISHED
from .local import is_local
from .schedule import due_date, next_briefing_time
from .store import Delivery, Store, from_iso

FEED_FAILURES_ALERT = 3
DELIVERY_STUCK_AFTER = timedelta(hours=1)
MISSED_BRIEFING_GRACE = timedelta(hours=1)
FAILED_DELIVERY_LOOKBACK_DAYS = 7


@dataclass(frozen=True)
class FeedHealth:
    name: str
    url: str
    last_success: datetime | None
    last_attempt: datetime | None
    failures: int
    next_poll: datetime | None
    last_error: str | None
    disabled: bool
    disabled_reason: str = ""
    """Why a disabled feed is off (``FeedState.gone_reason``)."""
    discovered_url: str | None = None
    """The feed a configured web page links to, which collect reads instead."""

    @property
    def healthy(self) -> bool:
        return not self.disabled and self.failures < FEED_FAILURES_ALERT



@dataclass(frozen=True)
class Status:
    now: datetime
    last_briefing: str | None
    last_briefing_as_of: datetime | None
    next_briefing: datetime
    last_collect: datetime | None
    feeds: tuple[FeedHealth, ...]
    pending: tuple[Delivery, ...]
    failed: tuple[Delivery, ...]
    problems: tuple[str, ...]
    days_kept: int = 0
    last_prune: tuple[datetime, str] | None = None
    """When day folders were last removed for ``archive.keep_days``, and their dates."""

    @property
    def needs_attention(self) -> bool:
        return bool(self.problems)


def _when(text: str | None) -> datetime | None:
    return from_iso(text) if text else None


def _local(moment: datetime, config: Config) -> str:
    return moment.astimezone(config.tz).strftime("%Y-%m-%d %H:%M %Z")


def _disabled_problem(feed: FeedHealth, config: Config, now: datetime) -> str:
    """A disabled feed's ``next_poll`` is when collect re-checks it."""
    if feed.next_poll is None or feed.next_poll <= now:
        when = "re-checked on the next collect"
    else:
        when = f"re-checked after {_local(feed.next_poll, config)}"
    return (f"feed {feed.name} is disabled ({feed.disabled_reason}), {when}"
            " or with `briefing collect --force`")


def gather_status(config: Config, store: Store, now: datetime) -> Status:
    problems: list[str] = []

    last = store.last_briefing()
    last_collect = store.last_run("collect")
    collected_at = last_collect[0] if last_collect else None
    stale_after = timedelta(minutes=3 * config.schedule.collect_every_minutes + 10)
    if collected_at is None:
        problems.append("nothing has been collected yet")
    elif now - collected_at > stale_after:
        problems.append(f"last collect was {collected_at.isoformat()}, more than {stale_after} ago")

    missed = due_date(config, store, now - MISSED_BRIEFING_GRACE)
    if missed is not None:
        problems.append(f"the briefing for {missed} is overdue")

    states = {s.url: s for s in store.feed_states()}
    feeds = []
    for source in config.source_list():
        state = states.get(source.url)
        health = FeedHealth(
            name=source.name,
            url=source.url,
            last_success=_when(state.last_success) if state else None,
            last_attempt=_when(state.last_attempt) if state else None,
            failures=state.failures if state else 0,
            next_poll=_when(state.next_poll) if state else None,
            last_error=state.last_error if state else None,
            disabled=state.disabled if state else False,
            disabled_reason=state.gone_reason if state else "",
            discovered_url=state.discovered_url if state else None,
        )
        feeds.append(health)
        if health.disabled:
            problems.append(_disabled_problem(health, config, now))
        elif not health.healthy:
            problems.append(
                f"feed {source.name} failed {health.failures} times in a row:"
                f" {health.last_error or 'unknown error'}"
            )

    pending = tuple(store.deliveries(states=UNFINISHED))
    for row in pending:
        updated = from_iso(row.updated)
        if row.state in (SENDING, UNCONFIRMED) and now - updated > DELIVERY_STUCK_AFTER:
            problems.append(
                f"delivery of {row.date} to {row.recipient} was interrupted ({row.state});"
                " the next send retries it"
            )
        elif now - updated > DELIVERY_STUCK_AFTER:
            problems.append(
                f"delivery of {row.date} to {row.recipient} still {row.state} after"
                f" {row.attempts} attempts: {row.last_error or 'not tried yet'}"
            )
    since = (now - timedelta(days=FAILED_DELIVERY_LOOKBACK_DAYS)).date().isoformat()
    failed = tuple(r for r in store.deliveries(states=(FAILED,)) if r.date >= since)
    for row in failed:
        problems.append(
            f"delivery of {row.date} to {row.recipient} failed: {row.last_error}"
            f" (retry with: briefing send --date {row.date})"
        )

    return Status(
        now=now,
        last_briefing=str(last["date"]) if last else None,
        last_briefing_as_of=from_iso(str(last["as_of"])) if last else None,
        next_briefing=next_briefing_time(config, now),
        last_collect=collected_at,
        feeds=tuple(feeds),
        pending=pending,
        failed=failed,
        problems=tuple(problems),
        days_kept=len(day_folders(config.outbox)),
        last_prune=store.last_run("prune"),
    )


def _archive_line(status: Status, config: Config) -> str:
    keep = config.archive.keep_days
    line = f"{status.days_kept} day folder{'s' if status.days_kept != 1 else ''} in the outbox"
    line += f" (keep_days {keep})" if keep is not None else " (all kept)"
    if status.last_prune is None:
        return line + ", nothing pruned yet"
    when, dates = status.last_prune
    pruned = dates.split()
    named = ", ".join(pruned) if len(pruned) <= 4 else f"{pruned[0]} to {pruned[-1]}"
    return (line + f"; last pruned {_local(when, config)}: {len(pruned)} day"
            f"{'s' if len(pruned) != 1 else ''} ({named})")


def format_status(status: Status, config: Config) -> str:
    """Plain text for the terminal, local times in the configured zone."""

    def local(moment: datetime | None) -> str:
        return _local(moment, config) if moment else "never"

    lines = [
        f"last briefing:  {status.last_briefing or 'none'}"
        + (f" (as of {local(status.last_briefing_as_of)})" if status.last_briefing_as_of else ""),
        f"next briefing:  {local(status.next_briefing)}",
        f"last collect:   {local(status.last_collect)}",
        f"deliveries:     {len(status.pending)} pending, {len(status.failed)} failed",
        f"archive:        {_archive_line(status, config)}",
        "feeds:",
    ]
    for feed in status.feeds:
        mark = "ok  " if feed.healthy else "FAIL"
        if feed.disabled:
            lines.append(
                f"  {mark} {feed.name}: disabled ({feed.disabled_reason}),"
                f" last success {local(feed.last_success)}, next re-check {local(feed.next_poll)}"
            )
            continue
        upcoming = "at every collect" if is_local(feed.url) else local(feed.next_poll)
        lines.append(
            f"  {mark} {feed.name}: last success {local(feed.last_success)},"
            f" {feed.failures} failures, next poll {upcoming}"
        )
        if feed.discovered_url:
            lines.append(
                f"       reads {feed.discovered_url}, the feed its page links to"
                " (put that URL in config.yaml)"
            )
    if status.problems:
        lines.append("needs attention:")
        lines.extend(f"  - {p}" for p in status.problems)
    else:
        lines.append("all good")
    return "\n".join(lines)
