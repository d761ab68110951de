from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
import yaml
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from smtp_helpers import smtp_server

from briefing.config import Config, load_config
from briefing.lock import build_lock
from briefing.schedule import (
    Daemon,
    briefing_trigger,
    build_scheduler,
    collect_trigger,
    due_date,
    next_briefing_time,
)
from briefing.store import Store
from briefing.when import briefing_date

REPO = Path(__file__).resolve().parents[1]


def make_config(
    tmp_path: Path, tz: str = "Europe/London", at: str = "07:00", **extra: object
) -> Config:
    data: dict[str, object] = {
        "database": "briefing.db", "outbox": "outbox", "timezone": tz,
        "schedule": {"time": at, "collect_every_minutes": 60}, **extra,
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path)


class Recorder:
    """Stands in for the pipeline: records the briefing in the store like run_once does."""

    def __init__(self) -> None:
        self.builds: list[datetime] = []
        self.collects: list[datetime] = []
        self.deliveries: list[datetime] = []

    def build(self, config: Config, store: Store, now: datetime) -> None:
        store.record_briefing(briefing_date(now, config.tz), now, {}, {})
        self.builds.append(now)

    def collect(self, config: Config, store: Store, now: datetime) -> None:
        self.collects.append(now)

    def deliver(self, config: Config, store: Store, now: datetime) -> None:
        self.deliveries.append(now)

    def daemon(self, config: Config) -> Daemon:
        return Daemon(config, build=self.build, collect=self.collect, deliver=self.deliver)


def fire_times(
    trigger: CronTrigger | IntervalTrigger, start: datetime, end: datetime
) -> list[datetime]:
    """The moments APScheduler would run a job, computed the way its scheduler loop does."""
    times: list[datetime] = []
    previous = None
    now = start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return times
        times.append(fire.astimezone(UTC))
        previous = now = fire


def run_schedule(config: Config, recorder: Recorder, start: datetime, end: datetime) -> None:
    """Play both jobs at every moment their triggers fire, with the clock frozen there."""
    daemon = recorder.daemon(config)
    events: list[tuple[datetime, Callable[[], None]]] = [
        (t, daemon.briefing_job) for t in fire_times(briefing_trigger(config), start, end)
    ]
    ticks = fire_times(collect_trigger(config, start), start, end)
    events += [(t, daemon.collect_job) for t in ticks]
    for moment, job in sorted(events, key=lambda e: (e[0], e[1].__name__)):
        with time_machine.travel(moment, tick=False):
            job()


@pytest.mark.parametrize(
    ("tz", "at", "first_day", "transition"),
    [
        ("Europe/London", "07:00", "2026-03-26", "2026-03-29"),
        ("Europe/London", "07:00", "2026-10-22", "2026-10-25"),
        ("America/New_York", "02:30", "2026-03-05", "2026-03-08"),
        ("America/New_York", "01:30", "2026-10-29", "2026-11-01"),
        ("America/New_York", "01:30", "2026-03-05", "2026-03-08"),
        ("Australia/Lord_Howe", "01:45", "2026-04-02", "2026-04-05"),
    ],
)
def test_one_briefing_per_local_day_across_dst(
    tmp_path: Path, tz: str, at: str, first_day: str, transition: str
) -> None:
    config = make_config(tmp_path, tz, at)
    start = datetime.fromisoformat(first_day).replace(tzinfo=config.tz).astimezone(UTC)
    end = start + timedelta(days=7)
    recorder = Recorder()
    run_schedule(config, recorder, start, end)

    days = [briefing_date(b, config.tz) for b in recorder.builds]
    expected = [
        (datetime.fromisoformat(first_day) + timedelta(days=i)).date().isoformat() for i in range(7)
    ]
    assert Counter(days) == Counter(expected)
    assert transition in days
    hour, minute = config.schedule.hour, config.schedule.minute
    for built in recorder.builds:
        local = built.astimezone(config.tz)
        # on time, or within the hour when the scheduled wall time does not exist that day
        assert (local.hour, local.minute) >= (hour, minute)
        assert local - local.replace(hour=hour, minute=minute) < timedelta(hours=1)


def test_london_briefing_keeps_its_local_time_across_dst(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    start = datetime(2026, 3, 27, tzinfo=UTC)
    recorder = Recorder()
    run_schedule(config, recorder, start, start + timedelta(days=4))
    assert [b.isoformat() for b in recorder.builds] == [
        "2026-03-27T07:00:00+00:00",
        "2026-03-28T07:00:00+00:00",
        "2026-03-29T06:00:00+00:00",
        "2026-03-30T06:00:00+00:00",
    ]


def test_catch_up_after_downtime_sends_todays_briefing_once(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    recorder = Recorder()
    daemon = recorder.daemon(config)
    with time_machine.travel(datetime(2026, 11, 22, 7, 30, tzinfo=UTC), tick=False):
        daemon.collect_job()  # the job every start runs at once
    with time_machine.travel(datetime(2026, 11, 22, 8, 30, tzinfo=UTC), tick=False):
        daemon.collect_job()
        daemon.briefing_job()  # a late misfire of 07:00 changes nothing
    assert [b.isoformat() for b in recorder.builds] == ["2026-11-22T07:30:00+00:00"]
    assert len(recorder.deliveries) == 2
    restarted = recorder.daemon(config)
    with time_machine.travel(datetime(2026, 11, 22, 9, 0, tzinfo=UTC), tick=False):
        restarted.collect_job()
    assert len(recorder.builds) == 1


def test_start_before_the_scheduled_time_builds_nothing_early(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    recorder = Recorder()
    with time_machine.travel(datetime(2026, 11, 22, 6, 59, tzinfo=UTC), tick=False):
        recorder.daemon(config).collect_job()
    assert recorder.builds == [] and len(recorder.collects) == 1
    with Store(config.database) as store:
        assert due_date(config, store, datetime(2026, 11, 22, 6, 59, tzinfo=UTC)) is None
        assert due_date(config, store, datetime(2026, 11, 22, 7, 0, tzinfo=UTC)) == "2026-11-22"


def test_next_briefing_time_is_in_the_configured_zone(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Asia/Tokyo", "07:00")
    now = datetime(2026, 11, 22, 0, 0, tzinfo=UTC)  # 09:00 in Tokyo
    assert next_briefing_time(config, now) == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)


def test_scheduler_jobs_are_single_instance_and_coalesced(tmp_path: Path) -> None:
    config = make_config(tmp_path, "America/New_York", "06:45")
    scheduler = build_scheduler(Recorder().daemon(config))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"briefing", "collect"}
    for job in jobs.values():
        assert job.max_instances == 1
        assert job.coalesce is True
    briefing = jobs["briefing"].trigger
    assert isinstance(briefing, CronTrigger)
    assert str(briefing.timezone) == "America/New_York"
    assert {f.name: str(f) for f in briefing.fields}["hour"] == "6"
    assert {f.name: str(f) for f in briefing.fields}["minute"] == "45"
    collect = jobs["collect"].trigger
    assert isinstance(collect, IntervalTrigger)
    assert collect.interval == timedelta(minutes=60)


def test_a_job_does_not_build_while_another_build_holds_the_lock(tmp_path: Path) -> None:
    config = make_config(tmp_path, "UTC", "00:00")
    recorder = Recorder()
    daemon = recorder.daemon(config)
    daemon.stopping.set()  # do not wait for the holder: give up at once
    with build_lock(config.database, "briefing run"):
        daemon.briefing_job()
    assert recorder.builds == []
    daemon.stopping.clear()
    daemon.briefing_job()
    assert len(recorder.builds) == 1


SIGTERM_CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from briefing.config import load_config
    from briefing.schedule import Daemon, run_daemon
    from briefing.when import briefing_date

    config = load_config(sys.argv[1])
    marks = Path(sys.argv[2])

    def build(config, store, now):
        (marks / "started").write_text("1")
        time.sleep(1.5)
        store.record_briefing(briefing_date(now, config.tz), now, {}, {})
        (marks / "finished").write_text("1")

    run_daemon(config, daemon=Daemon(
        config, build=build, collect=lambda *a: None, deliver=lambda *a: None))
    print("clean exit", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signal_finishes_the_job_in_hand_and_exits_cleanly(tmp_path: Path, signum: int) -> None:
    config = make_config(tmp_path, "UTC", "00:00")
    child = subprocess.Popen(
        [sys.executable, "-c", SIGTERM_CHILD, str(config.path), str(tmp_path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 60
    while not (tmp_path / "started").exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, "the catch-up build never started"
        time.sleep(0.05)
    os.kill(child.pid, signum)
    stdout, stderr = child.communicate(timeout=60)
    assert child.returncode == 0, stderr
    assert (tmp_path / "finished").exists()
    assert "clean exit" in stdout
    with Store(config.database) as store:
        assert store.has_briefing(briefing_date(datetime.now(UTC), config.tz))


@pytest.mark.slow
def test_daemon_on_the_samples_mails_one_briefing_at_the_scheduled_minute(tmp_path: Path) -> None:
    """Acceptance: schedule one minute ahead; one message arrives, one outbox folder appears."""
    base = yaml.safe_load((REPO / "config.yaml").read_text())
    tz = "Europe/London"
    target = (datetime.now(UTC) + timedelta(seconds=70)).astimezone(
        load_config(REPO / "config.yaml").tz
    )
    with smtp_server() as (handler, port):
        data = {
            **base,
            "sources": [
                {"name": s["name"], "url": str(REPO / s["url"])} for s in base["sources"]
            ],
            "database": str(tmp_path / "briefing.db"),
            "outbox": str(tmp_path / "outbox"),
            "timezone": tz,
            "schedule": {"time": target.strftime("%H:%M"), "collect_every_minutes": 600},
            "email": {
                "smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                "from": "desk@example.org", "to": ["reader@example.net"], "attach_pdf": True,
                "timeout_seconds": 10,
            },
        }
        config_path = tmp_path / "config.yaml"
        config_path.write_text(yaml.safe_dump(data))
        child = subprocess.Popen(
            [sys.executable, "-m", "briefing", "daemon", "--config", str(config_path)],
            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 300
            while not handler.received and time.monotonic() < deadline:
                assert child.poll() is None, child.communicate()
                time.sleep(0.5)
            time.sleep(2)  # anything more that would arrive arrives now
        finally:
            child.send_signal(signal.SIGTERM)
            _, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    assert len(handler.received) == 1, stderr
    message = handler.received[0].parsed()
    assert message["Subject"].startswith("Daily Briefing - ")
    folders = [p.name for p in (tmp_path / "outbox").iterdir()]
    day = briefing_date(datetime.now(UTC), load_config(config_path).tz)
    assert folders == [day]
    assert handler.received[0].content == (tmp_path / "outbox" / day / "briefing.eml").read_bytes()
    with Store(tmp_path / "briefing.db") as store:
        [row] = store.deliveries()
        assert (row.state, row.attempts) == ("sent", 1)


def test_collect_tick_retries_mail_the_ledger_holds_as_deferred(tmp_path: Path) -> None:
    from briefing import deliver
    from briefing.mail import MailContent
    from briefing.outbox import write_files

    with smtp_server() as (handler, port):
        config = make_config(
            tmp_path, "Europe/London", "07:00",
            email={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                   "from": "desk@example.org", "to": ["reader@example.net"]},
        )
        now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
        with Store(config.database) as store:
            mail = MailContent("Daily Briefing", "2026-11-22", 1, "One story.\n", "<p>One</p>")
            files = deliver.message_files(config, store, mail, now)
            write_files(config.outbox / "2026-11-22", files)
            store.record_briefing("2026-11-22", now, {}, {})
            deliver.enroll(config, store, "2026-11-22", now)
            store.update_delivery(
                "2026-11-22", "reader@example.net", state="deferred", now=now,
                error="451 try later", attempted=True,
            )
        daemon = Daemon(config, collect=lambda *a: None)  # the real deliver step
        with time_machine.travel(now + timedelta(hours=1), tick=False):
            daemon.collect_job()
        with Store(config.database) as store:
            row = store.delivery("2026-11-22", "reader@example.net")
    assert row is not None and (row.state, row.attempts) == ("sent", 2)
    assert len(handler.received) == 1
    assert daemon.built == []


def test_a_briefing_built_by_hand_without_send_is_still_mailed_once(tmp_path: Path) -> None:
    from briefing import deliver
    from briefing.mail import MailContent
    from briefing.outbox import write_files

    with smtp_server() as (handler, port):
        config = make_config(
            tmp_path, "Europe/London", "07:00",
            email={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                   "from": "desk@example.org", "to": ["reader@example.net"]},
        )
        built_at = datetime(2026, 11, 22, 6, 30, tzinfo=UTC)  # `briefing run --no-send`
        with Store(config.database) as store:
            mail = MailContent("Daily Briefing", "2026-11-22", 1, "One story.\n", "<p>One</p>")
            files = deliver.message_files(config, store, mail, built_at)
            write_files(config.outbox / "2026-11-22", files)
            store.record_briefing("2026-11-22", built_at, {}, {})
        daemon = Daemon(config, collect=lambda *a: None)
        with time_machine.travel(datetime(2026, 11, 22, 6, 45, tzinfo=UTC), tick=False):
            daemon.collect_job()
        assert handler.received == []  # not before its time
        for moment in (datetime(2026, 11, 22, 7, 0, tzinfo=UTC), datetime(2026, 11, 22, 8, 0)):
            with time_machine.travel(moment.replace(tzinfo=UTC), tick=False):
                daemon.briefing_job()
                daemon.collect_job()
    assert len(handler.received) == 1
    assert handler.received[0].content == files["briefing.eml"]
    assert daemon.built == []
