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

Config changes are followed without a restart: before each job the daemon compares the config
file's modification time and size with the last load and, when they differ, loads it again;
SIGHUP (``systemctl reload``) re-reads it at once. A new ``schedule.time``,
``collect_every_minutes`` or ``timezone`` reschedules the jobs. A file that does not load (a
typo, an unknown key, gone) is logged once per change and the previous settings stay.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from types import FrameType

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .config import Config, load_config
from .errors import BriefingError, ConfigError, LockError
from .lock import build_lock
from .store import Store
from .when import briefing_date

log = logging.getLogger(__name__)

BuildFn = Callable[[Config, Store, datetime], object]
CollectFn = Callable[[Config, Store, datetime], object]
DeliverFn = Callable[[Config, Store, datetime], object]

LOCK_PATIENCE_SECONDS = 15 * 60

FileStamp = tuple[int, int] | None
"""A config file's (mtime in ns, size), or None when it cannot be looked at (gone)."""


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


def file_stamp(path: Path) -> FileStamp:
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


def describe_settings(config: Config) -> str:
    sources = len(config.sources)
    return (
        f"{sources} source{'s' if sources != 1 else ''}, briefing at {config.schedule.time} "
        f"{config.timezone}, collect every {config.schedule.collect_every_minutes} min"
    )


def _default_build(config: Config, store: Store, now: datetime) -> object:
    from . import pipeline

    return pipeline.run_once(config, store, now, now, do_collect=True, send=True)


def _default_collect(config: Config, store: Store, now: datetime) -> object:
    from . import pipeline

    report = pipeline.collect(config, store, now)
    # One line per collect in place of the scheduler's own per-job messages, kept below INFO.
    log.info("%s", report.summary_line())
    return report


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
    """The daemon's jobs, separate from the scheduler so tests can call them at frozen times.

    With ``config_path`` the daemon follows edits of that file (see ``reload_config``);
    without it the settings stay as given.
    """

    def __init__(
        self,
        config: Config,
        *,
        build: BuildFn = _default_build,
        collect: CollectFn = _default_collect,
        deliver: DeliverFn = _default_deliver,
        clock: Callable[[], datetime] | None = None,
        config_path: Path | None = None,
    ) -> None:
        self.config = config
        self.build = build
        self.collect = collect
        self.deliver = deliver
        self.clock = clock or (lambda: datetime.now(UTC))
        self.stopping = threading.Event()
        self.built: list[str] = []
        self.config_path = config_path
        self.scheduler: BaseScheduler | None = None
        self._stamp = file_stamp(config_path) if config_path else None
        self._reload_lock = threading.Lock()

    def reload_config(self, *, force: bool = False) -> bool:
        """Load the config file again if its mtime or size changed since the last attempt
        (``force``: even if not). True when new settings are in use.

        A file that fails to load is reported once and not tried again until it changes.
        """
        if self.config_path is None:
            return False
        with self._reload_lock:
            stamp = file_stamp(self.config_path)
            if stamp == self._stamp and not force:
                return False
            self._stamp = stamp
            try:
                new = load_config(self.config_path)
            except ConfigError as err:
                problem = " ".join(str(err).split())
                log.error("config not reloaded: %s; keeping the previous settings", problem)
                return False
            old, self.config = self.config, new
            log.info("config reloaded: %s", describe_settings(new))
            self._reschedule(old, new)
            return True

    def _reschedule(self, old: Config, new: Config) -> None:
        if self.scheduler is None:
            return
        try:
            if (old.schedule.time, old.timezone) != (new.schedule.time, new.timezone):
                job = self.scheduler.reschedule_job("briefing", trigger=briefing_trigger(new))
                log.info("briefing rescheduled: next at %s", job.next_run_time.isoformat())
            if (old.schedule.collect_every_minutes, old.timezone) != (
                new.schedule.collect_every_minutes, new.timezone
            ):
                job = self.scheduler.reschedule_job("collect", trigger=collect_trigger(new))
                log.info("collect rescheduled: next at %s", job.next_run_time.isoformat())
        except JobLookupError:
            log.info("scheduler shut down: jobs not rescheduled")

    def _locked(self, purpose: str, work: Callable[[Config, Store, datetime], None]) -> bool:
        """Run ``work`` under the build lock, waiting for a ``briefing run`` to finish first."""
        config = self.config  # one job runs with one set of settings, even across a reload
        waited = 0.0
        while True:
            try:
                with build_lock(config.database, f"daemon {purpose}"):
                    with Store(config.database) as store:
                        work(config, store, self.clock())
                    return True
            except LockError as err:
                if waited >= LOCK_PATIENCE_SECONDS or self.stopping.wait(5.0):
                    log.warning("%s skipped: %s", purpose, err)
                    return False
                waited += 5.0

    def _build_or_deliver(self, config: Config, store: Store, now: datetime) -> None:
        """Build (and send) today's briefing if it is due; otherwise retry unfinished mail."""
        date = due_date(config, store, now)
        if date is None:
            self.deliver(config, store, now)
            return
        log.info("building the briefing for %s", date)
        self.build(config, store, now)
        self.built.append(date)

    def briefing_job(self) -> None:
        """The scheduled build: today's briefing unless it exists already."""
        self._guard("briefing", self._build_or_deliver)

    def collect_job(self) -> None:
        """Collect, then catch up on a briefing that should exist by now, or on deferred mail."""

        def work(config: Config, store: Store, now: datetime) -> None:
            self.collect(config, store, now)
            self._build_or_deliver(config, store, now)

        self._guard("collect", work)

    def _guard(self, purpose: str, work: Callable[[Config, Store, datetime], None]) -> None:
        # A failed job is logged and the daemon keeps its schedule; the next collect retries.
        try:
            self.reload_config()
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
    daemon.scheduler = scheduler
    return scheduler


def run_daemon(
    config: Config, *, daemon: Daemon | None = None, config_path: Path | None = None
) -> None:
    """Run until SIGTERM or SIGINT; the job in hand finishes before this returns.

    ``config_path`` (used when no ``daemon`` is given) is the file to follow; SIGHUP re-reads it.
    """
    daemon = daemon or Daemon(config, config_path=config_path)
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

    def reload_now(signum: int) -> None:
        if daemon.config_path is None:
            log.warning("signal %d: no config file to re-read", signum)
            return
        log.info("signal %d: re-reading %s", signum, daemon.config_path)
        daemon.reload_config(force=True)

    def hangup(signum: int, _frame: FrameType | None) -> None:
        if not daemon.stopping.is_set():
            threading.Thread(target=reload_now, args=(signum,), daemon=True).start()

    handlers: dict[int, Callable[[int, FrameType | None], None]] = {
        signal.SIGTERM: stop, signal.SIGINT: stop
    }
    if hasattr(signal, "SIGHUP"):  # not on Windows
        handlers[signal.SIGHUP] = hangup
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    try:
        log.info(
            "daemon started: %s; next briefing %s", describe_settings(daemon.config),
            next_briefing_time(daemon.config, daemon.clock()).isoformat(),
        )
        scheduler.start()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("daemon stopped")
