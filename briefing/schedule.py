"""``briefing daemon``: collect every N minutes, build and mail the briefing at the local time.

APScheduler 3.x ``BlockingScheduler`` with two jobs, both ``max_instances=1, coalesce=True``:

- ``briefing``: ``CronTrigger`` at ``schedule.time`` in ``config.timezone`` (an IANA zone, so
  the local time holds across DST): collect, build, write the outbox, deliver.
- ``collect``: ``IntervalTrigger`` every ``schedule.collect_every_minutes``, first run at start.
  After collecting it also **catches up**: if today's scheduled time has passed and the store has
  no briefing for today's local date, it builds and sends it now; otherwise it retries mail the
  ledger still holds as unfinished (deferred by a 4xx, or interrupted by a crash).

Whether a briefing is due is decided by the briefing date in the store (``has_briefing``), never
by trusting misfire settings; so a daemon started at 07:30 after being down at 07:00 sends
today's briefing once, the repeated hour when clocks go back cannot give two, and the skipped
hour when clocks go forward cannot give none. Every job holds ``lock.build_lock``, so the
daemon and ``briefing run`` never build at once. SIGTERM / SIGINT stop the scheduler, let the
job in hand finish, and return normally.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time
from types import FrameType

from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .config import Config
from .errors import BriefingError, LockError
from .lock import build_lock
from .store import Store
from .when import briefing_date

log = logging.getLogger(__name__)

BuildFn = Callable[[Config, Store, datetime], object]
CollectFn = Callable[[Config, Store, datetime], object]
DeliverFn = Callable[[Config, Store, datetime], object]

LOCK_PATIENCE_SECONDS = 15 * 60


def briefing_trigger(config: Config) -> CronTrigger:
    return CronTrigger(
        hour=config.schedule.hour, minute=config.schedule.minute, timezone=config.tz
    )


def collect_trigger(config: Config, start: datetime | None = None) -> IntervalTrigger:
    return IntervalTrigger(
        minutes=config.schedule.collect_every_minutes, start_date=start, timezone=config.tz
    )


def next_briefing_time(config: Config, now: datetime) -> datetime:
    """The next scheduled briefing after ``now`` (UTC)."""
    fire = briefing_trigger(config).get_next_fire_time(None, now.astimezone(config.tz))
    assert fire is not None
    return fire.astimezone(UTC)


def due_date(config: Config, store: Store, now: datetime) -> str | None:
    """Today's local date if its scheduled time has passed and it has no briefing yet."""
    local = now.astimezone(config.tz)
    if local.time() < time(config.schedule.hour, config.schedule.minute):
        return None
    date = briefing_date(now, config.tz)
    return None if store.has_briefing(date) else date


def _default_build(config: Config, store: Store, now: datetime) -> object:
    from . import pipeline

    return pipeline.run_once(config, store, now, now, do_collect=True, send=True)


def _default_collect(config: Config, store: Store, now: datetime) -> object:
    from . import pipeline

    return pipeline.collect(config, store, now)


def _default_deliver(config: Config, store: Store, now: datetime) -> object:
    """Today's briefing once its time has come (also when a manual ``run --no-send`` built
    it), then whatever the ledger holds as unfinished for any day."""
    from . import deliver

    today = briefing_date(now, config.tz)
    local = now.astimezone(config.tz)
    if store.has_briefing(today) and local.time() >= time(
        config.schedule.hour, config.schedule.minute
    ):
        deliver.deliver_pending(config, store, now, today)
    return deliver.deliver_pending(config, store, now)


class Daemon:
    """The daemon's jobs, separate from the scheduler so tests can call them at frozen times."""

    def __init__(
        self,
        config: Config,
        *,
        build: BuildFn = _default_build,
        collect: CollectFn = _default_collect,
        deliver: DeliverFn = _default_deliver,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.config = config
        self.build = build
        self.collect = collect
        self.deliver = deliver
        self.clock = clock or (lambda: datetime.now(UTC))
        self.stopping = threading.Event()
        self.built: list[str] = []

    def _locked(self, purpose: str, work: Callable[[Store, datetime], None]) -> bool:
        """Run ``work`` under the build lock, waiting for a ``briefing run`` to finish first."""
        waited = 0.0
        while True:
            try:
                with build_lock(self.config.database, f"daemon {purpose}"):
                    with Store(self.config.database) as store:
                        work(store, self.clock())
                    return True
            except LockError as err:
                if waited >= LOCK_PATIENCE_SECONDS or self.stopping.wait(5.0):
                    log.warning("%s skipped: %s", purpose, err)
                    return False
                waited += 5.0

    def _build_or_deliver(self, store: Store, now: datetime) -> None:
        """Build (and send) today's briefing if it is due; otherwise retry unfinished mail."""
        date = due_date(self.config, store, now)
        if date is None:
            self.deliver(self.config, store, now)
            return
        log.info("building the briefing for %s", date)
        self.build(self.config, store, now)
        self.built.append(date)

    def briefing_job(self) -> None:
        """The scheduled build: today's briefing unless it exists already."""
        self._guard("briefing", self._build_or_deliver)

    def collect_job(self) -> None:
        """Collect, then catch up on a briefing that should exist by now, or on deferred mail."""

        def work(store: Store, now: datetime) -> None:
            self.collect(self.config, store, now)
            self._build_or_deliver(store, now)

        self._guard("collect", work)

    def _guard(self, purpose: str, work: Callable[[Store, datetime], None]) -> None:
        # A failed job is logged and the daemon keeps its schedule; the next collect retries.
        try:
            self._locked(purpose, work)
        except BriefingError as err:
            log.error("%s failed: %s", purpose, err)
        except Exception:
            log.exception("%s failed unexpectedly", purpose)


def build_scheduler(daemon: Daemon) -> BlockingScheduler:
    config = daemon.config
    scheduler = BlockingScheduler(timezone=config.tz)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
    scheduler.add_job(
        daemon.briefing_job, briefing_trigger(config), id="briefing", name="briefing",
        **common,
    )
    scheduler.add_job(
        daemon.collect_job, collect_trigger(config), id="collect", name="collect",
        next_run_time=daemon.clock().astimezone(config.tz), **common,
    )
    return scheduler


def run_daemon(config: Config, *, daemon: Daemon | None = None) -> None:
    """Run until SIGTERM or SIGINT; the job in hand finishes before this returns."""
    daemon = daemon or Daemon(config)
    scheduler = build_scheduler(daemon)

    def stop(signum: int, _frame: FrameType | None) -> None:
        if daemon.stopping.is_set():
            return
        log.info("signal %d: finishing the job in hand, then exiting", signum)
        daemon.stopping.set()
        if scheduler.state == STATE_STOPPED:
            raise SystemExit(0)  # signalled before the scheduler started: nothing in hand
        # shutdown(wait=True) joins the running job; off the signal handler so it can block
        threading.Thread(target=scheduler.shutdown, kwargs={"wait": True}).start()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        log.info(
            "daemon started: briefing at %s %s, collect every %d min; next briefing %s",
            config.schedule.time, config.timezone, config.schedule.collect_every_minutes,
            next_briefing_time(config, daemon.clock()).isoformat(),
        )
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("daemon stopped")
