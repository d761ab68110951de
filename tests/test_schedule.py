from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
    run_daemon,
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
        self.settings: list[Config] = []

    def build(self, config: Config, store: Store, now: datetime) -> None:
        store.record_briefing(briefing_date(now, config.tz), now, {}, {})
        self.builds.append(now)

    def collect(self, config: Config, store: Store, now: datetime) -> None:
        self.collects.append(now)
        self.settings.append(config)

    def deliver(self, config: Config, store: Store, now: datetime) -> None:
        self.deliveries.append(now)

    def daemon(self, config: Config, *, follow: bool = False) -> Daemon:
        return Daemon(
            config, build=self.build, collect=self.collect, deliver=self.deliver,
            config_path=config.path if follow else None,
        )


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
    folders = sorted(p.name for p in (tmp_path / "outbox").iterdir())
    day = briefing_date(datetime.now(UTC), load_config(config_path).tz)
    assert folders == [day, "feed.xml", "index.html"]
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


# -- following edits of config.yaml -----------------------------------------------------------


def edit(
    path: Path | None, change: Callable[[dict[str, Any]], object] | str | bytes
) -> None:
    """Save the file as a person's editor would: new content, a later modification time.

    ``change`` edits the parsed YAML in place, or is the file's new raw content. The mtime is
    moved a second on because two writes inside one filesystem timestamp tick, with equal sizes,
    look unchanged to a stat (edits by a person are seconds apart).
    """
    assert path is not None
    before = path.stat().st_mtime_ns if path.exists() else time.time_ns()
    if isinstance(change, bytes):
        path.write_bytes(change)
    elif isinstance(change, str):
        path.write_text(change)
    else:
        data = yaml.safe_load(path.read_text())
        change(data)
        path.write_text(yaml.safe_dump(data))
    os.utime(path, ns=(before + 1_000_000_000, before + 1_000_000_000))


def write_article(folder: Path, name: str, title: str, body: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{title}\n\n{body}\n")


def at(hour: int, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 11, 22, hour, minute, tzinfo=UTC), tick=False)


def messages(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        r.getMessage() for r in caplog.records
        if r.name == "briefing.schedule" and r.levelno == level
    ]


def test_a_feed_added_between_two_collects_is_collected_by_the_second(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="briefing.schedule")
    write_article(
        tmp_path / "harbour", "ferry.txt", "Ferry timetable changes from Monday",
        "The harbour authority said the early ferry will leave twenty minutes later. "
        "Commuters were told to check the new timetable before travelling.",
    )
    write_article(
        tmp_path / "valley", "bridge.txt", "Valley bridge reopens after repairs",
        "The council reopened the old stone bridge on Saturday after six weeks of work. "
        "Engineers replaced two arches that had cracked during the spring floods.",
    )
    config = make_config(tmp_path, sources=[{"name": "Harbour News", "url": "harbour"}])
    recorder = Recorder()
    daemon = Daemon(
        config, build=recorder.build, deliver=recorder.deliver, config_path=config.path
    )  # the real collect step

    def outlets() -> set[str]:
        with Store(config.database) as store:
            found = store.articles_in_window(
                datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC),
                before_date="2026-12-01",
            )
        return {a.source for a in found}

    with at(5):
        daemon.collect_job()
    assert outlets() == {"Harbour News"}
    edit(config.path, lambda d: d["sources"].append({"name": "Valley Post", "url": "valley"}))
    with at(6):
        daemon.collect_job()
    assert outlets() == {"Harbour News", "Valley Post"}
    assert [s.name for s in daemon.config.sources] == ["Harbour News", "Valley Post"]
    assert messages(caplog, logging.INFO).count(
        "config reloaded: 2 sources, briefing at 07:00 Europe/London, collect every 60 min"
    ) == 1
    assert messages(caplog, logging.ERROR) == []
    assert recorder.builds == []


def test_a_broken_edit_is_reported_once_and_the_old_settings_keep_working(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="briefing.schedule")
    config = make_config(tmp_path, sources=[{"name": "A", "url": "a"}])
    recorder = Recorder()
    daemon = recorder.daemon(config, follow=True)
    assert config.path is not None

    def names() -> list[str]:
        return [s.name for s in recorder.settings[-1].sources]

    with at(5):
        daemon.collect_job()
    assert names() == ["A"]

    good = config.path.read_text()
    edit(config.path, good.replace("sources:", "sources: [", 1))  # invalid YAML
    for minute in (10, 20, 30):
        with at(5, minute):
            daemon.collect_job()
    errors = messages(caplog, logging.ERROR)
    assert len(errors) == 1, errors
    assert "not valid YAML at line" in errors[0]
    assert errors[0].endswith("; keeping the previous settings")
    assert len(recorder.collects) == 4 and names() == ["A"]

    typo = yaml.safe_load(good)
    typo["schedule"]["tme"] = "08:00"  # an unknown key
    edit(config.path, yaml.safe_dump(typo))
    for minute in (40, 50):
        with at(5, minute):
            daemon.collect_job()
    errors = messages(caplog, logging.ERROR)
    assert len(errors) == 2, errors
    assert "schedule.tme: unknown key; keeping the previous settings" in errors[1]
    assert "\n" not in errors[1]
    assert len(recorder.collects) == 6 and names() == ["A"]
    assert daemon.config.schedule.time == "07:00"

    def fixed(data: dict[str, Any]) -> None:
        del data["schedule"]["tme"]
        data["schedule"]["time"] = "08:00"
        data["sources"].append({"name": "B", "url": "b"})

    edit(config.path, fixed)
    with at(6):
        daemon.collect_job()
    assert names() == ["A", "B"]
    assert daemon.config.schedule.time == "08:00"
    assert "config reloaded: 2 sources, briefing at 08:00 Europe/London, collect every 60 min" in (
        messages(caplog, logging.INFO)
    )
    assert len(messages(caplog, logging.ERROR)) == 2


def test_a_vanished_or_unreadable_config_keeps_the_previous_settings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="briefing.schedule")
    config = make_config(tmp_path, sources=[{"name": "A", "url": "a"}])
    assert config.path is not None
    recorder = Recorder()
    daemon = recorder.daemon(config, follow=True)
    good = config.path.read_text()
    config.path.unlink()
    for hour in (5, 6):
        with at(hour):
            daemon.collect_job()
    [gone] = messages(caplog, logging.ERROR)
    assert "config file not found; keeping the previous settings" in gone
    assert len(recorder.collects) == 2 and daemon.config is config

    edit(config.path, b"\xff\xfe" + good.encode("utf-16-le"))
    with at(6, 30):
        daemon.collect_job()
    assert "not UTF-8 text" in messages(caplog, logging.ERROR)[-1]
    assert len(recorder.collects) == 3 and daemon.config is config

    edit(config.path, good)
    with at(6, 45):
        daemon.collect_job()
    assert daemon.config is not config and daemon.config == config
    assert len(messages(caplog, logging.ERROR)) == 2


def test_a_daemon_given_no_config_path_keeps_its_settings(tmp_path: Path) -> None:
    config = make_config(tmp_path, sources=[{"name": "A", "url": "a"}])
    recorder = Recorder()
    daemon = recorder.daemon(config)
    edit(config.path, lambda d: d["sources"].append({"name": "B", "url": "b"}))
    assert daemon.reload_config(force=True) is False
    with at(5):
        daemon.collect_job()
    assert recorder.settings == [config]


def test_a_new_schedule_time_reschedules_the_briefing_job(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="briefing.schedule")
    config = make_config(tmp_path, "Europe/London", "07:00")
    daemon = Recorder().daemon(config, follow=True)
    scheduler = build_scheduler(daemon)
    collect_before = scheduler.get_job("collect").trigger

    def fields(trigger: CronTrigger) -> dict[str, str]:
        return {f.name: str(f) for f in trigger.fields}

    edit(config.path, lambda d: d["schedule"].update(time="09:30"))
    with at(5):
        daemon.collect_job()
        briefing = scheduler.get_job("briefing")
        assert isinstance(briefing.trigger, CronTrigger)
        assert (fields(briefing.trigger)["hour"], fields(briefing.trigger)["minute"]) == (
            "9", "30",
        )
        assert briefing.next_run_time == datetime(2026, 11, 22, 9, 30, tzinfo=ZoneInfo("UTC"))
        assert scheduler.get_job("collect").trigger is collect_before  # its cadence is unchanged
    assert "briefing rescheduled: next at 2026-11-22T09:30:00+00:00" in messages(
        caplog, logging.INFO
    )

    edit(config.path, lambda d: d.update(timezone="Asia/Tokyo"))
    edit(config.path, lambda d: d["schedule"].update(collect_every_minutes=15))
    with at(10):  # 19:00 in Tokyo
        daemon.briefing_job()
        briefing = scheduler.get_job("briefing")
        assert str(briefing.trigger.timezone) == "Asia/Tokyo"
        assert briefing.next_run_time == datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
        collect = scheduler.get_job("collect")
        assert isinstance(collect.trigger, IntervalTrigger)
        assert collect.trigger.interval == timedelta(minutes=15)
        assert collect.next_run_time == datetime(2026, 11, 22, 10, 15, tzinfo=UTC)


def test_moving_the_time_later_on_a_day_already_built_builds_nothing_more(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    recorder = Recorder()
    daemon = recorder.daemon(config, follow=True)
    with at(7):
        daemon.briefing_job()
    edit(config.path, lambda d: d["schedule"].update(time="09:00"))
    for hour in (8, 9, 10):
        with at(hour):
            daemon.briefing_job()
            daemon.collect_job()
    assert daemon.config.schedule.time == "09:00"
    assert [b.isoformat() for b in recorder.builds] == ["2026-11-22T07:00:00+00:00"]


def test_moving_the_time_later_before_it_comes_waits_for_the_new_time(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    recorder = Recorder()
    daemon = recorder.daemon(config, follow=True)
    with at(6, 30):
        daemon.collect_job()
    edit(config.path, lambda d: d["schedule"].update(time="08:00"))
    with at(7):
        daemon.briefing_job()  # the old trigger fires once more: the new settings come first
    assert recorder.builds == []
    with at(8):
        daemon.briefing_job()
    assert [b.isoformat() for b in recorder.builds] == ["2026-11-22T08:00:00+00:00"]


def test_moving_the_time_earlier_past_now_builds_at_the_next_collect(tmp_path: Path) -> None:
    config = make_config(tmp_path, "Europe/London", "07:00")
    recorder = Recorder()
    daemon = recorder.daemon(config, follow=True)
    with at(6):
        daemon.collect_job()
    assert recorder.builds == []
    edit(config.path, lambda d: d["schedule"].update(time="05:30"))
    with at(6, 30):
        daemon.collect_job()
    with at(7):
        daemon.briefing_job()
        daemon.collect_job()
    assert [b.isoformat() for b in recorder.builds] == ["2026-11-22T06:30:00+00:00"]


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="no SIGHUP on this platform")
def test_run_daemon_reloads_on_sighup_and_restores_the_signal_handlers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="briefing.schedule")
    config = make_config(tmp_path, "UTC", "23:59", sources=[{"name": "A", "url": "a"}])
    recorder = Recorder()
    collected = threading.Event()
    reloaded = threading.Event()

    class Watched(Daemon):
        def reload_config(self, *, force: bool = False) -> bool:
            done = super().reload_config(force=force)
            if force:
                reloaded.set()
            return done

    def collect(config: Config, store: Store, now: datetime) -> None:
        recorder.collect(config, store, now)
        collected.set()

    daemon = Watched(
        config, build=recorder.build, collect=collect, deliver=recorder.deliver,
        config_path=config.path,
    )
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGHUP, signal.SIGTERM)}

    def operator() -> None:
        try:
            if collected.wait(30):
                edit(config.path, lambda d: d["sources"].append({"name": "B", "url": "b"}))
                os.kill(os.getpid(), signal.SIGHUP)
                reloaded.wait(30)
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    helper = threading.Thread(target=operator)
    helper.start()
    run_daemon(config, daemon=daemon)
    helper.join()
    assert reloaded.is_set()
    assert [s.name for s in daemon.config.sources] == ["A", "B"]
    assert "config reloaded: 2 sources, briefing at 23:59 UTC, collect every 60 min" in messages(
        caplog, logging.INFO
    )
    assert {sig: signal.getsignal(sig) for sig in before} == before


def zone_with_hours_left() -> tuple[str, datetime]:
    """A zone where it is now between 01:00 and 20:59, so +2 h and +3 h are later today."""
    for name in ("UTC", "Asia/Tokyo"):
        local = datetime.now(ZoneInfo(name))
        if 1 <= local.hour <= 20:
            return name, local
    raise AssertionError("UTC or Tokyo always has a daytime hour")


@pytest.mark.slow
def test_sighup_makes_the_running_daemon_reread_its_config(tmp_path: Path) -> None:
    tz, local = zone_with_hours_left()
    first, second = f"{local.hour + 2:02d}:00", f"{local.hour + 3:02d}:15"
    config = make_config(tmp_path, tz, first)
    edit(config.path, lambda d: d["schedule"].update(collect_every_minutes=600))
    log_path = tmp_path / "daemon.log"

    def log_text() -> str:
        return " ".join(log_path.read_text().split())

    def wait_for(what: Callable[[], bool], label: str) -> None:
        deadline = time.monotonic() + 60
        while not what():
            assert child.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, f"{label}:\n{log_path.read_text()}"
            time.sleep(0.1)

    with log_path.open("w") as log_file:
        child = subprocess.Popen(
            [sys.executable, "-m", "briefing", "daemon", "--config", str(config.path)],
            cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log_file, text=True,
            env={**os.environ, "COLUMNS": "300"},
        )
        try:
            wait_for(lambda: "daemon started" in log_text(), "the daemon did not start")
            # The daemon's line after a collect (opening the store here could race the daemon's
            # migration); APScheduler's own per-job lines are not logged at INFO.
            collected = re.compile(r"INFO briefing\.schedule: collected 0 new articles")
            wait_for(lambda: bool(collected.search(log_text())), "no first collect")
            assert "config reloaded" not in log_text()

            child.send_signal(signal.SIGHUP)  # unchanged file: re-read all the same
            wait_for(lambda: "config reloaded" in log_text(), "SIGHUP did not reload")

            edit(config.path, lambda d: d["schedule"].update(time=second))
            child.send_signal(signal.SIGHUP)
            wait_for(lambda: f"briefing at {second} {tz}" in log_text(), "no second reload")
            wait_for(lambda: "briefing rescheduled" in log_text(), "not rescheduled")
        finally:
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=60)
    text = log_text()
    assert child.returncode == 0, text
    assert text.count("config reloaded: 0 sources") == 2
    next_briefing = local.replace(hour=local.hour + 3, minute=15, second=0, microsecond=0)
    assert f"briefing rescheduled: next at {next_briefing.isoformat()}" in text
    assert "daemon stopped" in text
    assert "ERROR" not in text
    assert "Running job" not in text and "executed successfully" not in text


def test_a_recipient_added_before_the_briefing_time_is_mailed_too(tmp_path: Path) -> None:
    from briefing import deliver
    from briefing.mail import MailContent
    from briefing.outbox import write_files

    def build(config: Config, store: Store, now: datetime) -> None:
        """`run --no-send` with the settings the daemon hands over: one message per recipient."""
        mail = MailContent("Daily Briefing", "2026-11-22", 1, "One story.\n", "<p>One</p>")
        write_files(config.outbox / "2026-11-22", deliver.message_files(config, store, mail, now))
        store.record_briefing("2026-11-22", now, {}, {})

    with smtp_server() as (handler, port):
        config = make_config(
            tmp_path, "Europe/London", "07:00",
            email={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                   "from": "desk@example.org", "to": ["reader@example.net"]},
        )
        daemon = Daemon(config, build=build, collect=lambda *a: None, config_path=config.path)
        with at(6):
            daemon.collect_job()
        edit(config.path, lambda d: d["email"]["to"].append("editor@example.net"))
        with at(7):
            daemon.briefing_job()
        with at(7, 10):
            daemon.collect_job()  # the real deliver step mails what the build wrote
    assert sorted(r for m in handler.received for r in m.rcpt_tos) == [
        "editor@example.net", "reader@example.net",
    ]
    assert daemon.built == ["2026-11-22"]
