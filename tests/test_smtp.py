from __future__ import annotations

import ssl
from datetime import UTC, datetime
from pathlib import Path

import pytest
from smtp_helpers import (
    ScriptedHandler,
    client_context,
    free_port,
    make_certificate,
    password_checker,
    smtp_server,
)

from briefing.config import EmailConfig
from briefing.errors import DeliveryError, InsecureTransportError
from briefing.mail import MailContent, build_message, message_bytes
from briefing.smtp import SmtpClient, send_message

SENDER = "desk@example.org"
NO_WAIT = (0.01, 0.01, 0.01)


def _raw(to: list[str]) -> bytes:
    content = MailContent(
        title="Daily Briefing", date="2026-11-22", story_count=2,
        text="Two stories today.\n", html="<p>Two stories today.</p>", pdf=b"%PDF-1.4 x",
    )
    msg = build_message(
        content, sender=SENDER, recipients=to, message_id="<t.1@example.org>",
        sent_at=datetime(2026, 11, 22, 7, tzinfo=UTC),
    )
    return message_bytes(msg)


def _email(port: int, **changes: object) -> EmailConfig:
    data: dict[str, object] = {
        "smtp_host": "127.0.0.1", "smtp_port": port, "security": "none",
        "from": SENDER, "to": ["reader@example.net"], "timeout_seconds": 5,
    }
    data.update(changes)
    return EmailConfig.model_validate(data)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def test_delivery_is_read_back_and_parsed() -> None:
    raw = _raw(["reader@example.net"])
    with smtp_server() as (handler, port):
        outcomes = send_message(_email(port), raw, SENDER, ["reader@example.net"], delays=NO_WAIT)
    assert outcomes["reader@example.net"].state == "sent"
    assert outcomes["reader@example.net"].code == 250
    [got] = handler.received
    assert got.mail_from == SENDER and got.rcpt_tos == ["reader@example.net"]
    assert got.content == raw
    msg = got.parsed()
    assert msg["Subject"] == "Daily Briefing - 22 Nov 2026 - 2 stories"
    assert msg["Message-ID"] == "<t.1@example.org>"
    body = msg.get_body(("plain",))
    assert body is not None and body.get_content().splitlines() == ["Two stories today."]


def test_451_then_success_is_retried_with_backoff() -> None:
    waits: list[float] = []
    handler = ScriptedHandler(data_replies=["451 4.3.0 try again later"])
    with smtp_server(handler) as (_, port):
        outcomes = send_message(
            _email(port), _raw(["reader@example.net"]), SENDER, ["reader@example.net"],
            delays=(0.02, 0.05), sleep=waits.append,
        )
    assert outcomes["reader@example.net"].state == "sent"
    assert waits == [0.02]
    assert handler.commands.count("DATA") == 2
    assert len(handler.received) == 1


def test_4xx_every_time_ends_deferred_after_the_last_delay() -> None:
    waits: list[float] = []
    handler = ScriptedHandler(data_replies=["421 4.7.0 busy"] * 5)
    with smtp_server(handler) as (_, port):
        outcomes = send_message(
            _email(port), _raw(["reader@example.net"]), SENDER, ["reader@example.net"],
            delays=(0.01, 0.02), sleep=waits.append,
        )
    outcome = outcomes["reader@example.net"]
    assert outcome.state == "deferred"
    assert outcome.code == 421
    assert waits == [0.01, 0.02]
    assert handler.received == []


def test_550_fails_that_recipient_without_retry() -> None:
    waits: list[float] = []
    handler = ScriptedHandler(rcpt_replies={"gone@example.net": ["550 5.1.1 no such user"]})
    with smtp_server(handler) as (_, port):
        outcomes = send_message(
            _email(port), _raw(["gone@example.net"]), SENDER, ["gone@example.net"],
            delays=NO_WAIT, sleep=waits.append,
        )
    assert outcomes["gone@example.net"].state == "failed"
    assert outcomes["gone@example.net"].code == 550
    assert "no such user" in outcomes["gone@example.net"].describe()
    assert waits == []
    assert handler.received == []
    assert "DATA" not in handler.commands


def test_550_at_data_fails_every_accepted_recipient() -> None:
    handler = ScriptedHandler(data_replies=["554 5.6.0 message refused"])
    with smtp_server(handler) as (_, port):
        outcomes = send_message(
            _email(port), _raw(["a@example.net"]), SENDER, ["a@example.net"], delays=NO_WAIT
        )
    assert outcomes["a@example.net"].state == "failed"
    assert outcomes["a@example.net"].code == 554


def test_partial_refusal_is_recorded_per_recipient() -> None:
    to = ["a@example.net", "gone@example.net", "later@example.net"]
    handler = ScriptedHandler(
        rcpt_replies={
            "gone@example.net": ["550 5.1.1 unknown"],
            "later@example.net": ["452 4.2.2 mailbox full"],
        }
    )
    waits: list[float] = []
    with smtp_server(handler) as (_, port):
        outcomes = send_message(
            _email(port), _raw(to), SENDER, to, delays=(0.01,), sleep=waits.append
        )
    assert {r: o.state for r, o in outcomes.items()} == {
        "a@example.net": "sent",
        "gone@example.net": "failed",
        "later@example.net": "sent",
    }
    assert waits == [0.01]
    assert [r.rcpt_tos for r in handler.received] == [["a@example.net"], ["later@example.net"]]


def test_starttls_with_self_signed_certificate_and_login(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    env = "BRIEFING_TEST_SMTP_PASSWORD"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(env, "s3cret")
        with smtp_server(
            tls_context=server_ctx, require_starttls=True, auth_require_tls=True,
            authenticator=password_checker("desk", "s3cret"),
        ) as (handler, port):
            email = _email(port, security="starttls", username="desk", password_env=env)
            outcomes = send_message(
                email, _raw(["reader@example.net"]), SENDER, ["reader@example.net"],
                ssl_context=client_context(cert), delays=NO_WAIT,
            )
    assert outcomes["reader@example.net"].state == "sent"
    assert len(handler.received) == 1


def test_starttls_refuses_an_untrusted_certificate(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    with (
        smtp_server(tls_context=server_ctx, require_starttls=True) as (handler, port),
        pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"),
    ):
        SmtpClient(_email(port, security="starttls")).open()
    assert handler.received == []


def test_wrong_password_is_a_delivery_error(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    env = "BRIEFING_TEST_SMTP_PASSWORD"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(env, "wrong")
        with smtp_server(
            tls_context=server_ctx, authenticator=password_checker("desk", "s3cret"),
            auth_exclude_mechanism=["LOGIN"],
        ) as (_, port):
            email = _email(port, security="starttls", username="desk", password_env=env)
            with pytest.raises(DeliveryError, match="login"):
                SmtpClient(email, ssl_context=client_context(cert)).open()


def test_missing_starttls_refuses_to_send_credentials_in_clear() -> None:
    env = "BRIEFING_TEST_SMTP_PASSWORD"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(env, "s3cret")
        with smtp_server(auth_require_tls=False) as (handler, port):
            email = _email(port, security="starttls", username="desk", password_env=env)
            with pytest.raises(InsecureTransportError, match="STARTTLS"):
                send_message(email, _raw(["r@example.net"]), SENDER, ["r@example.net"])
    assert not any(c.startswith("AUTH") for c in handler.commands)
    assert handler.received == []


def test_credentials_with_security_none_are_refused() -> None:
    email = _email(free_port(), security="none", username="desk", password_env="UNUSED")
    with pytest.raises(InsecureTransportError):
        SmtpClient(email).open()


def test_implicit_tls(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    with smtp_server(ssl_context=server_ctx) as (handler, port):
        outcomes = send_message(
            _email(port, security="ssl"), _raw(["r@example.net"]), SENDER, ["r@example.net"],
            ssl_context=client_context(cert), delays=NO_WAIT,
        )
    assert outcomes["r@example.net"].state == "sent"
    assert len(handler.received) == 1


def test_nothing_listening_is_deferred_not_a_crash() -> None:
    waits: list[float] = []
    outcomes = send_message(
        _email(free_port()), _raw(["r@example.net"]), SENDER, ["r@example.net"],
        delays=(0.01,), sleep=waits.append,
    )
    assert outcomes["r@example.net"].state == "deferred"
    assert "cannot connect" in outcomes["r@example.net"].detail
    assert waits == [0.01]


def test_an_address_the_client_cannot_encode_fails_alone() -> None:
    to = ["rené@example.net", "ok@example.net"]
    with smtp_server() as (handler, port):
        outcomes = send_message(_email(port), _raw(["ok@example.net"]), SENDER, to, delays=NO_WAIT)
    assert outcomes["rené@example.net"].state == "failed"
    assert "not ASCII" in outcomes["rené@example.net"].detail
    assert outcomes["ok@example.net"].state == "sent"
    assert [r.rcpt_tos for r in handler.received] == [["ok@example.net"]]


def test_a_sender_the_client_cannot_encode_fails_every_recipient() -> None:
    with smtp_server() as (handler, port):
        outcomes = send_message(
            _email(port), _raw(["ok@example.net"]), "désk@example.org", ["ok@example.net"],
            delays=NO_WAIT,
        )
    assert outcomes["ok@example.net"].state == "failed"
    assert handler.received == []
