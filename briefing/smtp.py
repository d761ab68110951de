"""Hand a serialised message to an SMTP server, and say what happened to each recipient.

``smtplib`` does the protocol; this module adds the policy around it:

- explicit timeouts on connect and every reply (``email.timeout_seconds``);
- ``security``: ``starttls`` (required: a server that does not offer it is refused, never a
  silent fall back to clear text), ``ssl`` (implicit TLS) or ``none``;
- the server's certificate is verified against the system trust store, or, when
  ``email.ca_file`` is set, against the CA certificates in that file only (hostname checking
  stays on either way; there is no switch to turn verification off);
- credentials only over TLS (``InsecureTransportError`` otherwise); the password is read from the
  environment at login time via ``EmailConfig.password()``;
- per-recipient outcomes: 2xx ``sent``, 4xx ``deferred`` (retried with backoff), 5xx ``failed``;
  a partial refusal at RCPT leaves the accepted recipients to be sent and records the others.

A lost connection or a timeout counts as a 4xx: the attempt may be repeated.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .config import EmailConfig, ca_context
from .errors import ConfigError, DeliveryError, InsecureTransportError

State = Literal["sent", "deferred", "failed"]

# Within one run; a delivery still deferred after these is retried by the daemon's next job.
DEFAULT_RETRY_DELAYS: tuple[float, ...] = (5.0, 30.0)

_TRANSIENT = (smtplib.SMTPServerDisconnected, OSError)


@dataclass(frozen=True)
class Outcome:
    """What the server said about one recipient of one message."""

    recipient: str
    state: State
    code: int | None
    detail: str

    def describe(self) -> str:
        return f"{self.code} {self.detail}".strip() if self.code else self.detail


def _state_for(code: int) -> State:
    if 200 <= code < 300:
        return "sent"
    if 400 <= code < 500:
        return "deferred"
    return "failed"


def _text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return " ".join(text.split())


def server_trust(email: EmailConfig) -> ssl.SSLContext:
    """The TLS context that verifies the SMTP server. Raises ``ConfigError`` for a bad CA file.

    The config loader already checked ``email.ca_file``; it is read again here because a
    long-running daemon may outlive the file it was started with.
    """
    if email.ca_file is None:
        return ssl.create_default_context()
    try:
        return ca_context(email.ca_file)
    except ValueError as err:
        raise ConfigError(f"email.ca_file: cannot load CA certificates: {err}") from None


class SmtpClient:
    """One SMTP session. Use as a context manager; ``send`` may be called several times.

    ``ssl_context`` replaces ``server_trust(email)``, which is built here, before any connection.
    """

    def __init__(self, email: EmailConfig, *, ssl_context: ssl.SSLContext | None = None) -> None:
        self.email = email
        self.ssl_context = ssl_context or server_trust(email)
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpClient:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def connected(self) -> bool:
        return self._smtp is not None

    def open(self) -> None:
        """Connect, secure the session as configured and log in. Raises ``DeliveryError``."""
        self.close()
        email = self.email
        if email.username and email.security == "none":
            raise InsecureTransportError(
                "email.username is set but email.security is 'none': refusing to send the"
                " password in clear text (use starttls or ssl)"
            )
        where = f"{email.smtp_host}:{email.smtp_port}"
        try:
            smtp: smtplib.SMTP
            if email.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    email.smtp_host, email.smtp_port, timeout=email.timeout_seconds,
                    context=self.ssl_context,
                )
            else:
                smtp = smtplib.SMTP(email.smtp_host, email.smtp_port, timeout=email.timeout_seconds)
        except (smtplib.SMTPException, OSError) as err:
            raise DeliveryError(f"cannot connect to SMTP server {where}: {err}") from None
        try:
            smtp.ehlo()
            if email.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise InsecureTransportError(
                        f"SMTP server {where} does not offer STARTTLS; refusing to continue in"
                        " clear text (set email.security to 'ssl' or 'none' if that is intended)"
                    )
                smtp.starttls(context=self.ssl_context)
                smtp.ehlo()
            if email.username:
                password = email.password()
                if password is None:
                    raise DeliveryError("email.username is set but email.password_env is not")
                smtp.login(email.username, password)
        except InsecureTransportError:
            _quietly_close(smtp)
            raise
        except smtplib.SMTPAuthenticationError as err:
            _quietly_close(smtp)
            raise DeliveryError(
                f"SMTP login to {where} as {email.username} refused: {err.smtp_code}"
                f" {_text(err.smtp_error)}"
            ) from None
        except (smtplib.SMTPException, ssl.SSLError, OSError) as err:
            _quietly_close(smtp)
            raise DeliveryError(f"SMTP session with {where} failed: {err}") from None
        except BaseException:
            _quietly_close(smtp)
            raise
        self._smtp = smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                _quietly_close(smtp)

    def send(
        self,
        raw: bytes,
        envelope_from: str,
        recipients: Sequence[str],
        *,
        before_data: Callable[[], None] | None = None,
    ) -> dict[str, Outcome]:
        """One SMTP transaction (MAIL, RCPT..., DATA). ``before_data`` runs just before DATA."""
        if self._smtp is None:
            self.open()
        smtp = self._smtp
        assert smtp is not None
        try:
            code, reply = smtp.mail(envelope_from)
            if code != 250:
                smtp.rset()
                return {r: Outcome(r, _state_for(code), code, _text(reply)) for r in recipients}
            outcomes: dict[str, Outcome] = {}
            accepted: list[str] = []
            for rcpt in recipients:
                try:
                    code, reply = smtp.rcpt(rcpt)
                except UnicodeError as err:
                    outcomes[rcpt] = Outcome(rcpt, "failed", None, f"address not ASCII: {err}")
                    continue
                if code in (250, 251):
                    accepted.append(rcpt)
                else:
                    outcomes[rcpt] = Outcome(rcpt, _state_for(code), code, _text(reply))
            if not accepted:
                smtp.rset()
                return outcomes
            if before_data is not None:
                before_data()
            data_reply: bytes | str
            try:
                code, data_reply = smtp.data(raw)
            except smtplib.SMTPDataError as err:
                code, data_reply = err.smtp_code, err.smtp_error
            for rcpt in accepted:
                outcomes[rcpt] = Outcome(rcpt, _state_for(code), code, _text(data_reply))
            if code != 250:
                smtp.rset()
            return outcomes
        except _TRANSIENT as err:
            _quietly_close(smtp)
            self._smtp = None
            return {
                r: Outcome(r, "deferred", None, f"connection lost: {err or type(err).__name__}")
                for r in recipients
            }
        except (smtplib.SMTPException, UnicodeError) as err:
            # e.g. a non-ASCII address and no SMTPUTF8 on either side: retrying won't help
            with contextlib.suppress(smtplib.SMTPException, OSError):
                smtp.rset()
            detail = f"refused by the client: {err}"
            return {r: Outcome(r, "failed", None, detail) for r in recipients}

    def send_with_retry(
        self,
        raw: bytes,
        envelope_from: str,
        recipients: Sequence[str],
        *,
        delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        sleep: Callable[[float], None] = time.sleep,
        on_attempt: Callable[[Sequence[str]], None] | None = None,
        before_data: Callable[[], None] | None = None,
    ) -> dict[str, Outcome]:
        """``send``, then retry the recipients that got a 4xx after each delay in ``delays``."""
        final: dict[str, Outcome] = {}
        todo = list(recipients)
        for attempt in range(len(delays) + 1):
            if attempt:
                sleep(delays[attempt - 1])
            if on_attempt is not None:
                on_attempt(todo)
            try:
                outcomes = self.send(raw, envelope_from, todo, before_data=before_data)
            except InsecureTransportError:
                raise
            except DeliveryError as err:
                outcomes = {r: Outcome(r, "deferred", None, str(err)) for r in todo}
            final.update(outcomes)
            todo = [r for r in todo if outcomes[r].state == "deferred"]
            if not todo:
                break
        return final


def _quietly_close(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(OSError):
        smtp.close()


def send_message(
    email: EmailConfig,
    raw: bytes,
    envelope_from: str,
    recipients: Sequence[str],
    *,
    ssl_context: ssl.SSLContext | None = None,
    delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Outcome]:
    """Open a session, send one message with retries, close. Returns an outcome per recipient."""
    client = SmtpClient(email, ssl_context=ssl_context)
    try:
        return client.send_with_retry(raw, envelope_from, recipients, delays=delays, sleep=sleep)
    finally:
        client.close()
