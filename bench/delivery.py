"""Delivery and schedule benchmark.

1. Building and serialising the email (mail.build_message) for three briefing sizes.
2. Delivering to N recipients through a real SMTP server on 127.0.0.1 (aiosmtpd), with the
   SQLite ledger doing its three commits per message.
3. A year of the daemon's schedule in several time zones, with the clock frozen at every moment
   APScheduler would fire a job: days with exactly one briefing (must be all of them).

Prints a table; the last line is one JSON object (bench/run_all.py collects it).
"""

from __future__ import annotations

import json
import socket
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import time_machine
import yaml
from aiosmtpd.controller import Controller

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefing import deliver  # noqa: E402
from briefing.config import Config, load_config  # noqa: E402
from briefing.mail import MailContent, build_message, message_bytes, new_message_id  # noqa: E402
from briefing.outbox import write_files  # noqa: E402
from briefing.schedule import Daemon, briefing_trigger, collect_trigger  # noqa: E402
from briefing.store import Store  # noqa: E402
from briefing.when import briefing_date  # noqa: E402

NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
RECIPIENTS = 50
ZONES = [
    ("Europe/London", "07:00"), ("America/New_York", "02:30"), ("America/New_York", "01:30"),
    ("Australia/Lord_Howe", "01:45"),
]


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def content(scale: int) -> MailContent:
    para = "The council said the bridge would reopen on Monday, a spokesperson confirmed. "
    return MailContent(
        title="Daily Briefing", date="2026-11-22", story_count=scale,
        text=(para * 6 + "\n\n") * scale, html=("<p>" + para * 6 + "</p>\n") * scale * 3,
        pdf=bytes(range(256)) * 200 * scale,
    )


def bench_build() -> list[dict[str, Any]]:
    rows = []
    for label, scale in (("small (3 stories)", 3), ("typical (12)", 12), ("large (40)", 40)):
        mail = content(scale)
        runs = 20
        started = time.perf_counter()
        for _ in range(runs):
            raw = message_bytes(
                build_message(
                    mail, sender="desk@example.org", recipients="reader@example.net",
                    message_id=new_message_id(mail.date, "reader@example.net", "desk@example.org"),
                    sent_at=NOW, unsubscribe="https://example.org/u",
                )
            )
        per = (time.perf_counter() - started) / runs
        rows.append({"case": label, "bytes": len(raw), "ms_per_message": round(per * 1000, 2)})
    return rows


def make_config(folder: Path, **data: Any) -> Config:
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump({"database": "briefing.db", "outbox": "outbox", **data}))
    return load_config(path)


def bench_delivery(folder: Path) -> dict[str, Any]:
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        to = [f"reader{i}@example.net" for i in range(RECIPIENTS)]
        config = make_config(
            folder, email={"smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
                           "from": "desk@example.org", "to": to},
        )
        with Store(config.database) as store:
            started = time.perf_counter()
            files = deliver.message_files(config, store, content(12), NOW)
            write_files(config.outbox / "2026-11-22", files)
            prepared = time.perf_counter() - started
            started = time.perf_counter()
            report = deliver.deliver_pending(config, store, NOW, "2026-11-22")
            sent = time.perf_counter() - started
            again = deliver.deliver_pending(config, store, NOW, "2026-11-22", retry_failed=True)
    finally:
        controller.stop()
    return {
        "recipients": RECIPIENTS, "prepare_s": round(prepared, 3), "send_s": round(sent, 3),
        "messages_per_s": round(report.sent / sent, 1), "sent": report.sent,
        "received": sink.count, "resent_on_second_run": len(again.results),
    }


def fire_times(trigger: Any, start: datetime, end: datetime) -> list[datetime]:
    times, previous, now = [], None, start
    while True:
        fire = trigger.get_next_fire_time(previous, now)
        if fire is None or fire >= end:
            return times
        times.append(fire.astimezone(UTC))
        previous = now = fire


def bench_year(folder: Path, tz: str, at: str) -> dict[str, Any]:
    config = make_config(
        folder, timezone=tz, schedule={"time": at, "collect_every_minutes": 60}
    )
    built: list[str] = []

    def build(cfg: Config, store: Store, now: datetime) -> None:
        date = briefing_date(now, cfg.tz)
        store.record_briefing(date, now, {}, {})
        built.append(date)

    daemon = Daemon(
        config, build=build, collect=lambda *a: None, deliver=lambda *a: None
    )
    start = datetime(2026, 1, 1, tzinfo=config.tz).astimezone(UTC)
    end = datetime(2027, 1, 1, tzinfo=config.tz).astimezone(UTC)
    events = [(t, daemon.briefing_job) for t in fire_times(briefing_trigger(config), start, end)]
    ticks = fire_times(collect_trigger(config, start), start, end)
    events += [(t, daemon.collect_job) for t in ticks]
    started = time.perf_counter()
    for moment, job in sorted(events, key=lambda e: (e[0], e[1].__name__)):
        with time_machine.travel(moment, tick=False):
            job()
    elapsed = time.perf_counter() - started
    per_day = Counter(built)
    cron_fires = sum(1 for _, job in events if job == daemon.briefing_job)
    return {
        "zone": f"{tz} {at}", "days": 365, "cron_fires": cron_fires,
        "days_with_one": sum(1 for n in per_day.values() if n == 1),
        "days_with_two": sum(1 for n in per_day.values() if n > 1),
        "days_missing": 365 - len(per_day), "jobs_run": len(events),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_rows = bench_build()
        (root / "deliver").mkdir()
        delivery = bench_delivery(root / "deliver")
        years = []
        for i, (tz, at) in enumerate(ZONES):
            (root / f"year{i}").mkdir()
            years.append(bench_year(root / f"year{i}", tz, at))

    print("## Building the message")
    print(f"{'case':<20}{'bytes':>10}{'ms/message':>12}")
    for row in build_rows:
        print(f"{row['case']:<20}{row['bytes']:>10}{row['ms_per_message']:>12}")
    print("\n## Delivery to a local SMTP server (ledger in SQLite)")
    for key, value in delivery.items():
        print(f"{key:<24}{value}")
    print("\n## A year of the daemon's schedule (cron + hourly collect, frozen clock)")
    print(f"{'zone':<28}{'cron fires':>11}{'one/day':>9}{'two':>5}{'none':>6}{'s':>7}")
    for y in years:
        print(
            f"{y['zone']:<28}{y['cron_fires']:>11}{y['days_with_one']:>9}"
            f"{y['days_with_two']:>5}{y['days_missing']:>6}{y['seconds']:>7}"
        )
    print(json.dumps({"build": build_rows, "delivery": delivery, "schedule_year": years}))


if __name__ == "__main__":
    main()
