"""Collect new articles from every source into the store.

Local sources are read from disk; http(s) feeds are fetched concurrently (bounded overall and
per host) by :mod:`briefing.fetch`. One slow or broken feed never stalls or fails the run: each
feed ends with a result line in the log and a row in the report, and its state (validators,
failures, next poll) is saved through the store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .config import FetchConfig
from .local import is_local, read_local_source
from .models import Source
from .store import Store

log = logging.getLogger("briefing.collect")


@dataclass(frozen=True)
class FeedResult:
    """What happened to one source in one collect run."""

    name: str
    url: str
    status: str
    new: int = 0
    entries: int = 0
    error: str | None = None
    http_status: int | None = None

    @property
    def failed(self) -> bool:
        return self.status in ("error", "gone", "blocked")


@dataclass(frozen=True)
class CollectReport:
    results: tuple[FeedResult, ...]

    @property
    def new(self) -> int:
        return sum(r.new for r in self.results)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if r.failed)

    @property
    def ok(self) -> int:
        return len(self.results) - self.failed

    def summary(self) -> str:
        return (f"{len(self.results)} sources: {self.new} new articles, {self.ok} ok, "
                f"{self.failed} failed")


def _log_result(result: FeedResult) -> None:
    level = logging.WARNING if result.failed or result.error else logging.INFO
    detail = f" ({result.error})" if result.error else ""
    log.log(level, "%s: %s, %d new of %d%s", result.name, result.status, result.new,
            result.entries, detail)


def collect_local(source: Source, store: Store, now: datetime) -> FeedResult:
    local = read_local_source(source, now)
    new = store.add_articles(local.articles)
    error = "; ".join(local.problems[:3]) or None
    status = "error" if local.malformed and not local.articles else "ok"
    return FeedResult(source.name, source.url, status, len(new), len(local.articles), error)


def collect_sources(
    sources: Sequence[Source],
    store: Store,
    fetch: FetchConfig,
    now: datetime,
    *,
    allow_private_hosts: bool,
    progress: bool = False,
) -> CollectReport:
    results = []
    for source in sources:
        if is_local(source.url):
            result = collect_local(source, store, now)
        else:
            result = FeedResult(source.name, source.url, "error", error="http not yet supported")
        _log_result(result)
        results.append(result)
    return CollectReport(tuple(results))
