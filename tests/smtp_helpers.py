"""A real SMTP server on 127.0.0.1 (aiosmtpd) whose replies a test can script."""

from __future__ import annotations

import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    def parsed(self) -> EmailMessage:
        msg = message_from_bytes(self.content, policy=policy.default)
        assert isinstance(msg, EmailMessage)
        return msg


@dataclass
class ScriptedHandler:
    """Accepts everything unless told otherwise.

    ``rcpt_replies[address]`` and ``data_replies`` are queues of replies used one per command;
    ``on_rcpt`` / ``on_data`` / ``on_quit`` run (in the server thread) when that command arrives,
    ``on_data`` after the message is stored and before the reply goes out.
    """

    received: list[Received] = field(default_factory=list)
    rcpt_replies: dict[str, list[str]] = field(default_factory=dict)
    data_replies: list[str] = field(default_factory=list)
    commands: list[str] = field(default_factory=list)
    on_rcpt: Callable[[str], None] | None = None
    on_data: Callable[[], None] | None = None
    on_quit: Callable[[], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        self.commands.append(f"RCPT {address}")
        if self.on_rcpt is not None:
            self.on_rcpt(address)
        queue = self.rcpt_replies.get(address)
        reply = queue.pop(0) if queue else "250 OK"
        if reply.startswith("250"):
            envelope.rcpt_tos.append(address)
        return reply

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.commands.append("DATA")
        reply = self.data_replies.pop(0) if self.data_replies else "250 2.0.0 queued"
        if reply.startswith("250"):
            with self.lock:
                self.received.append(
                    Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
                )
        if self.on_data is not None:
            self.on_data()
        return reply

    async def handle_QUIT(self, server: Any, session: Any, envelope: Any) -> str:
        self.commands.append("QUIT")
        if self.on_quit is not None:
            self.on_quit()
        return "221 Bye"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 / localhost, made with the openssl CLI."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@dataclass(frozen=True)
class PrivateCa:
    """A throwaway certificate authority, made with the openssl CLI, that signs server certs."""

    folder: Path
    cert: Path
    key: Path

    @classmethod
    def create(cls, folder: Path, name: str = "Briefing Test CA") -> PrivateCa:
        folder.mkdir(parents=True, exist_ok=True)
        cert, key = folder / "ca.pem", folder / "ca.key"
        _openssl(
            "req", "-x509", *_EC_KEY, "-nodes", "-days", "2", "-keyout", str(key),
            "-out", str(cert), "-subj", f"/CN={name}",
        )
        return cls(folder, cert, key)

    def issue(self, name: str, alt_names: str = "IP:127.0.0.1,DNS:localhost") -> tuple[Path, Path]:
        """A server certificate and key for ``alt_names`` (subjectAltName syntax)."""
        cert, key, csr = (self.folder / f"{name}.{ext}" for ext in ("pem", "key", "csr"))
        extensions = self.folder / f"{name}.ext"
        extensions.write_text(
            f"subjectAltName={alt_names}\nbasicConstraints=critical,CA:FALSE\n"
            "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        )
        _openssl(
            "req", "-new", *_EC_KEY, "-nodes", "-keyout", str(key), "-out", str(csr),
            "-subj", f"/CN={name}",
        )
        _openssl(
            "x509", "-req", "-in", str(csr), "-CA", str(self.cert), "-CAkey", str(self.key),
            "-days", "2", "-out", str(cert), "-extfile", str(extensions),
        )
        return cert, key

    def der(self) -> Path:
        """The CA certificate in DER form: the usual wrong kind of file for ``email.ca_file``."""
        der = self.folder / "ca.der"
        _openssl("x509", "-in", str(self.cert), "-outform", "DER", "-out", str(der))
        return der


_EC_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    return context


def password_checker(user: str, password: str) -> Callable[..., AuthResult]:
    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == user
            and auth_data.password.decode() == password
        )
        return AuthResult(success=ok, handled=False)

    return authenticate


@contextmanager
def smtp_server(handler: ScriptedHandler | None = None, **kwargs: Any) -> Iterator[
    tuple[ScriptedHandler, int]
]:
    handler = handler or ScriptedHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def client_context(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))
