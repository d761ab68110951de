from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from smtp_helpers import (
    PrivateCa,
    ScriptedHandler,
    client_context,
    free_port,
    make_certificate,
    password_checker,
    server_context,
    smtp_server,
)

from briefing.config import Config, EmailConfig, load_config
from briefing.errors import ConfigError, DeliveryError, InsecureTransportError
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


# email.ca_file: a relay whose certificate comes from a private CA --------------------------


@pytest.fixture(scope="module")
def private_ca(tmp_path_factory: pytest.TempPathFactory) -> PrivateCa:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a throwaway CA")
    return PrivateCa.create(tmp_path_factory.mktemp("private-ca"))


@contextmanager
def relay(ca: PrivateCa, security: str, alt_names: str = "IP:127.0.0.1,DNS:localhost") -> Iterator[
    tuple[ScriptedHandler, int]
]:
    """A server presenting a certificate that ``ca`` signed, with STARTTLS required or implicit."""
    context = server_context(*ca.issue(f"relay-{security}-{len(alt_names)}", alt_names))
    tls: dict[str, Any] = (
        {"ssl_context": context} if security == "ssl"
        else {"tls_context": context, "require_starttls": True}
    )
    with smtp_server(**tls) as running:
        yield running


def _config_file(folder: Path, port: int, security: str, **email: object) -> Config:
    folder.mkdir(parents=True, exist_ok=True)
    data = {
        "email": {
            "smtp_host": "127.0.0.1", "smtp_port": port, "security": security,
            "from": SENDER, "to": ["reader@example.net"], "timeout_seconds": 5, **email,
        }
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_ca_file_makes_a_private_ca_relay_trusted(
    private_ca: PrivateCa, tmp_path: Path, security: str
) -> None:
    conf = tmp_path / "conf"
    (conf / "certs").mkdir(parents=True)
    shutil.copy(private_ca.cert, conf / "certs" / "relay-ca.pem")
    with relay(private_ca, security) as (handler, port):
        config = _config_file(conf, port, security, ca_file="certs/relay-ca.pem")
        assert config.email.ca_file == conf / "certs" / "relay-ca.pem"
        raw = _raw(["reader@example.net"])
        outcomes = send_message(config.email, raw, SENDER, ["reader@example.net"], delays=NO_WAIT)
    assert outcomes["reader@example.net"].state == "sent"
    [got] = handler.received
    assert got.content == raw


def test_the_same_relay_is_refused_without_ca_file(private_ca: PrivateCa, tmp_path: Path) -> None:
    waits: list[float] = []
    with relay(private_ca, "starttls") as (handler, port):
        config = _config_file(tmp_path, port, "starttls")
        assert config.email.ca_file is None
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            SmtpClient(config.email).open()
        outcomes = send_message(
            config.email, _raw(["reader@example.net"]), SENDER, ["reader@example.net"],
            delays=(0.0,), sleep=waits.append,
        )
    outcome = outcomes["reader@example.net"]
    assert outcome.state == "deferred"
    assert "certificate verify failed" in outcome.detail
    assert waits == [0.0]
    assert handler.received == []
    assert not any(c.startswith("RCPT") for c in handler.commands)


def test_ca_file_of_another_ca_is_refused(private_ca: PrivateCa, tmp_path: Path) -> None:
    stranger = PrivateCa.create(tmp_path / "stranger", name="Some Other CA")
    with relay(private_ca, "starttls") as (handler, port):
        config = _config_file(tmp_path, port, "starttls", ca_file=str(stranger.cert))
        with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
            SmtpClient(config.email).open()
    assert handler.received == []


def test_ca_file_keeps_hostname_checking_on(private_ca: PrivateCa, tmp_path: Path) -> None:
    with relay(private_ca, "starttls", alt_names="DNS:mail.example.test") as (handler, port):
        config = _config_file(tmp_path, port, "starttls", ca_file=str(private_ca.cert))
        with pytest.raises(DeliveryError, match="mismatch"):
            SmtpClient(config.email).open()
    assert handler.received == []


def test_an_injected_context_wins_over_ca_file(private_ca: PrivateCa, tmp_path: Path) -> None:
    stranger = PrivateCa.create(tmp_path / "stranger", name="Some Other CA")
    with relay(private_ca, "starttls") as (handler, port):
        config = _config_file(tmp_path, port, "starttls", ca_file=str(stranger.cert))
        outcomes = send_message(
            config.email, _raw(["r@example.net"]), SENDER, ["r@example.net"],
            ssl_context=client_context(private_ca.cert), delays=NO_WAIT,
        )
    assert outcomes["r@example.net"].state == "sent"
    assert len(handler.received) == 1


def _not_pem(ca: PrivateCa, folder: Path, kind: str) -> Path:
    if kind == "der":
        return ca.der()
    if kind == "empty":
        path = folder / "empty.pem"
        path.write_bytes(b"")
        return path
    if kind == "key":
        return ca.key
    path = folder / "notes.pem"
    path.write_text("ask the mail admin for the relay certificate\n", encoding="utf-8")
    return path


def test_a_missing_ca_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        _config_file(tmp_path, 587, "starttls", ca_file="certs/nowhere.pem")
    message = str(info.value)
    assert "email.ca_file" in message
    assert f"{tmp_path / 'certs' / 'nowhere.pem'}: file not found" in message
    assert "\n" not in message


@pytest.mark.parametrize("kind", ["der", "empty", "key", "text"])
def test_a_ca_file_that_is_not_pem_certificates_is_a_config_error(
    private_ca: PrivateCa, tmp_path: Path, kind: str
) -> None:
    bad = _not_pem(private_ca, tmp_path, kind)
    with pytest.raises(ConfigError) as info:
        _config_file(tmp_path, 587, "starttls", ca_file=str(bad))
    message = str(info.value)
    assert "email.ca_file" in message
    assert f"{bad}: not a PEM file of CA certificates" in message
    assert "\n" not in message


def test_a_folder_as_ca_file_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    with pytest.raises(ConfigError, match=r"email\.ca_file: .*cannot read"):
        _config_file(tmp_path, 587, "starttls", ca_file="certs")


def test_a_ca_file_spoiled_after_loading_fails_before_connecting(
    private_ca: PrivateCa, tmp_path: Path
) -> None:
    ca = tmp_path / "ca.pem"
    shutil.copy(private_ca.cert, ca)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        listener.setblocking(False)
        port = listener.getsockname()[1]
        config = _config_file(tmp_path, port, "starttls", ca_file="ca.pem", timeout_seconds=1)
        ca.write_text("rotated by hand, badly\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=r"^email\.ca_file: cannot load CA certificates"):
            send_message(config.email, _raw(["r@example.net"]), SENDER, ["r@example.net"])
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_the_cli_reports_a_bad_ca_file_in_one_line_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "ca.pem").write_text("not a certificate\n", encoding="utf-8")
    (tmp_path / "config.yaml").write_text("email: {ca_file: ca.pem}\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "briefing", "status", "--config", "config.yaml"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "email.ca_file" in lines[0] and "Traceback" not in done.stderr
