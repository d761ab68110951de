from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import yaml
from smtp_helpers import Received, ScriptedHandler, free_port, smtp_server

from briefing import deliver
from briefing.config import Config, load_config
from briefing.errors import DeliveryError
from briefing.mail import MailContent
from briefing.outbox import write_files
from briefing.store import Store

DATE = "2026-11-22"
NOW = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
NO_WAIT = (0.0, 0.0, 0.0, 0.0)
REPO = Path(__file__).resolve().parents[1]


def make_config(tmp_path: Path, port: int, to: list[str], **email: object) -> Config:
    data = {
        "database": "briefing.db",
        "outbox": "outbox",
        "timezone": "Europe/London",
        "email": {
            "smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
            "from": "Morning Desk <desk@example.org>", "to": to, "timeout_seconds": 5,
            **email,
        },
    }
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_config(path)


def content(stories: int = 3, text: str = "Three stories.\n") -> MailContent:
    return MailContent(
        title="Daily Briefing", date=DATE, story_count=stories, text=text,
        html=f"<p>{text}</p>", pdf=b"%PDF-1.4 pretend",
    )


def build(config: Config, store: Store, mail: MailContent | None = None) -> dict[str, bytes]:
    files = deliver.message_files(config, store, mail or content(), NOW)
    write_files(config.outbox / DATE, files)
    return files


def message_id(raw: bytes) -> str:
    return str(message_from_bytes(raw, policy=policy.default)["Message-ID"])


def test_outbox_eml_is_exactly_what_is_sent_and_only_once(tmp_path: Path) -> None:
    with smtp_server() as (handler, port):
        config = make_config(tmp_path, port, ["reader@example.net"])
        with Store(config.database) as store:
            files = build(config, store)
            assert set(files) == {"briefing.eml", "mail/reader@example.net.eml"}
            report = deliver.deliver_pending(config, store, NOW, DATE, delays=NO_WAIT)
            assert report.summary_line() == "delivered 1, deferred 0, failed 0"
            again = deliver.deliver_pending(config, store, NOW, DATE, retry_failed=True)
            assert again.results == ()
            row = store.delivery(DATE, "reader@example.net")
    on_disk = (config.outbox / DATE / "briefing.eml").read_bytes()
    [got] = handler.received
    assert got.content == on_disk
    assert got.mail_from == "desk@example.org"
    assert row is not None and row.state == "sent" and row.attempts == 1
    assert row.message_id == message_id(on_disk)


def test_message_id_is_stored_before_the_first_attempt(tmp_path: Path) -> None:
    seen: list[tuple[str, str] | None] = []
    handler = ScriptedHandler()
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["reader@example.net"])

        def look(_: str) -> None:
            with Store(config.database) as other:
                row = other.delivery(DATE, "reader@example.net")
                seen.append((row.message_id, row.state) if row else None)

        handler.on_rcpt = look
        with Store(config.database) as store:
            build(config, store)
            deliver.deliver_pending(config, store, NOW, DATE, delays=NO_WAIT)
    [got] = handler.received
    assert seen == [(message_id(got.content), "sending")]


def test_rebuild_keeps_message_id_and_never_rewrites_a_sent_message(tmp_path: Path) -> None:
    with smtp_server() as (handler, port):
        config = make_config(tmp_path, port, ["a@example.net", "b@example.net"])
        with Store(config.database) as store:
            first = build(config, store)
            handler.rcpt_replies["b@example.net"] = ["450 4.2.1 later"] * 2
            deliver.deliver_pending(config, store, NOW, DATE, delays=(0.0,))
            assert store.delivery(DATE, "a@example.net").state == "sent"  # type: ignore[union-attr]
            assert store.delivery(DATE, "b@example.net").state == "deferred"  # type: ignore[union-attr]
            second = build(config, store, content(4, "Four stories now.\n"))
            assert set(second) == {"mail/b@example.net.eml"}
            assert message_id(second["mail/b@example.net.eml"]) == message_id(
                first["mail/b@example.net.eml"]
            )
            deliver.deliver_pending(config, store, NOW, None, delays=NO_WAIT)
    folder = config.outbox / DATE
    assert (folder / "mail/a@example.net.eml").read_bytes() == first["mail/a@example.net.eml"]
    assert (folder / "briefing.eml").read_bytes() == first["briefing.eml"]
    by_rcpt = {r.rcpt_tos[0]: r for r in handler.received}
    assert set(by_rcpt) == {"a@example.net", "b@example.net"}
    assert b"Four stories now." in by_rcpt["b@example.net"].content
    assert by_rcpt["a@example.net"].content == first["mail/a@example.net.eml"]


def test_550_fails_only_that_recipient_and_send_date_retries_it(tmp_path: Path) -> None:
    handler = ScriptedHandler(rcpt_replies={"gone@example.net": ["550 5.1.1 unknown user"]})
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["ok@example.net", "gone@example.net"])
        with Store(config.database) as store:
            build(config, store)
            report = deliver.deliver_pending(config, store, NOW, DATE, delays=NO_WAIT)
            states = {r.recipient: r.state for r in report.results}
            assert states == {"ok@example.net": "sent", "gone@example.net": "failed"}
            failed = store.delivery(DATE, "gone@example.net")
            assert failed is not None and "550" in (failed.last_error or "")
            assert deliver.deliver_pending(config, store, NOW, None).results == ()
            retried = deliver.deliver_pending(config, store, NOW, DATE, retry_failed=True)
            assert [(r.recipient, r.state) for r in retried.results] == [
                ("gone@example.net", "sent")
            ]
    assert sorted(r.rcpt_tos[0] for r in handler.received) == ["gone@example.net", "ok@example.net"]


def test_451_then_success_counts_two_attempts(tmp_path: Path) -> None:
    handler = ScriptedHandler(data_replies=["451 4.3.0 greylisted"])
    waits: list[float] = []
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["reader@example.net"])
        with Store(config.database) as store:
            build(config, store)
            deliver.deliver_pending(config, store, NOW, DATE, delays=(0.5, 1.0), sleep=waits.append)
            row = store.delivery(DATE, "reader@example.net")
    assert row is not None and row.state == "sent" and row.attempts == 2
    assert waits == [0.5]
    assert len(handler.received) == 1


def test_deferred_until_attempts_run_out_then_failed(tmp_path: Path) -> None:
    handler = ScriptedHandler(data_replies=["421 4.3.2 shutting down"] * 10)
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["reader@example.net"], max_attempts=3)
        with Store(config.database) as store:
            build(config, store)
            deliver.deliver_pending(config, store, NOW, DATE, delays=(0.0,))
            row = store.delivery(DATE, "reader@example.net")
            assert row is not None and (row.state, row.attempts) == ("deferred", 2)
            deliver.deliver_pending(config, store, NOW, None, delays=(0.0,))
            row = store.delivery(DATE, "reader@example.net")
    assert row is not None and (row.state, row.attempts) == ("failed", 3)
    assert "421" in (row.last_error or "")
    assert handler.received == []


def test_missing_outbox_message_is_reported_not_lost(tmp_path: Path) -> None:
    with smtp_server() as (handler, port):
        config = make_config(tmp_path, port, ["reader@example.net"])
        with Store(config.database) as store:
            build(config, store)
            deliver.enroll(config, store, DATE, NOW)
            (config.outbox / DATE / "mail/reader@example.net.eml").unlink()
            report = deliver.deliver_pending(config, store, NOW, None)
    [result] = report.results
    assert result.state == "failed" and "unreadable" in (result.error or "")
    assert handler.received == []


def test_send_date_without_a_briefing_is_an_error(tmp_path: Path) -> None:
    config = make_config(tmp_path, 25, ["reader@example.net"])
    with Store(config.database) as store, pytest.raises(DeliveryError, match="no briefing"):
        deliver.deliver_pending(config, store, NOW, "2026-01-01", retry_failed=True)


def test_no_recipients_still_writes_a_briefing_eml(tmp_path: Path) -> None:
    config = make_config(tmp_path, 25, [])
    with Store(config.database) as store:
        files = build(config, store)
        assert deliver.deliver_pending(config, store, NOW, DATE).results == ()
    assert set(files) == {"briefing.eml"}
    parsed = message_from_bytes(files["briefing.eml"], policy=policy.default)
    assert parsed["To"] == "undisclosed-recipients:;"


def test_eml_names_are_safe_file_names() -> None:
    assert deliver.eml_name("Reader <Reader@Example.NET>") == "mail/reader@example.net.eml"
    assert deliver.eml_name("../../etc/passwd@x") == "mail/etc_passwd@x.eml"


# kill -9 at each point of a delivery -----------------------------------------------------

CHILD = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from briefing.config import load_config
    from briefing.deliver import deliver_pending
    from briefing.store import Store

    config = load_config(sys.argv[1])
    with Store(config.database) as store:
        print("ready", flush=True)
        deliver_pending(config, store, datetime.now(UTC), None, delays=(0.0,))
    print("finished", flush=True)
    """
)


def run_child_killed_at(point: str, config: Config, handler: ScriptedHandler) -> int:
    """Deliver in a child process that the SMTP server kills -9 at ``point``."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(config.path)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )

    def kill() -> None:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)

    if point == "before DATA":
        handler.on_rcpt = lambda _: kill()
    elif point == "after 250":
        handler.on_data = kill
    else:
        handler.on_quit = kill
    child.communicate(timeout=60)
    handler.on_rcpt = handler.on_data = handler.on_quit = None
    return child.returncode


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "ledger_after_kill", "copies"),
    [("before DATA", "sending", 1), ("after 250", "unconfirmed", 2), ("after commit", "sent", 1)],
)
def test_kill_9_during_delivery(
    tmp_path: Path, point: str, ledger_after_kill: str, copies: int
) -> None:
    handler = ScriptedHandler()
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["reader@example.net"])
        with Store(config.database) as store:
            build(config, store)
            deliver.enroll(config, store, DATE, NOW)
        assert run_child_killed_at(point, config, handler) == -signal.SIGKILL

        with Store(config.database) as store:
            assert store.integrity_check() == "ok"
            row = store.delivery(DATE, "reader@example.net")
            assert row is not None and row.state == ledger_after_kill
            delivered_before_restart = len(handler.received)
            # restart: an ordinary delivery run, then one more to show nothing repeats
            deliver.deliver_pending(config, store, NOW, None, delays=NO_WAIT)
            deliver.deliver_pending(config, store, NOW, DATE, retry_failed=True, delays=NO_WAIT)
            final = store.delivery(DATE, "reader@example.net")

    assert final is not None and final.state == "sent"
    received: list[Received] = handler.received
    assert len(received) == copies
    assert len({message_id(r.content) for r in received}) == 1
    assert message_id(received[0].content) == final.message_id
    if point == "after commit":
        assert delivered_before_restart == 1
        assert final.attempts == 1
    if point == "after 250":
        assert final.last_error == deliver.RESENT_NOTE


def test_unreachable_server_does_not_spend_every_recipients_attempts(tmp_path: Path) -> None:
    to = ["a@example.net", "b@example.net", "c@example.net"]
    config = make_config(tmp_path, free_port(), to)
    waits: list[float] = []
    with Store(config.database) as store:
        build(config, store)
        report = deliver.deliver_pending(
            config, store, NOW, DATE, delays=(0.1,), sleep=waits.append
        )
        rows = {d.recipient: (d.state, d.attempts) for d in store.deliveries()}
    assert rows == {"a@example.net": ("deferred", 2), "b@example.net": ("pending", 0),
                    "c@example.net": ("pending", 0)}
    assert waits == [0.1]
    assert report.deferred == 3 and report.sent == 0
    assert [r.error.startswith("not tried") for r in report.results if r.error] == [
        False, True, True
    ]


def test_cli_send_then_send_date_retries_what_failed(tmp_path: Path) -> None:
    def briefing(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "briefing", *args, "--config", "config.yaml"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )

    handler = ScriptedHandler(rcpt_replies={"reader@example.net": ["550 5.7.1 not today"]})
    with smtp_server(handler) as (_, port):
        config = make_config(tmp_path, port, ["reader@example.net"])
        with Store(config.database) as store:
            build(config, store)
        first = briefing("send", "--date", DATE)
        assert first.returncode == 1, first.stderr
        assert "reader@example.net: failed (550 5.7.1 not today)" in first.stdout
        plain = briefing("send")
        assert plain.returncode == 0, plain.stderr
        assert "nothing to deliver" in plain.stdout
        again = briefing("send", "--date", DATE)
        assert again.returncode == 0, again.stderr
        assert "delivered 1, deferred 0, failed 0" in again.stdout
        bad = briefing("send", "--date", "22/11/2026")
        assert bad.returncode == 2
        assert "--date" in bad.stderr
    assert len(handler.received) == 1
    assert handler.received[0].content == (config.outbox / DATE / "briefing.eml").read_bytes()
