"""The delivery ledger: each briefing reaches each recipient once, across crashes and restarts.

Every recipient gets its own message (its own Message-ID; recipients never see each other). The
message is written to the outbox as ``mail/<recipient>.eml`` (and, for the first recipient, also
as ``briefing.eml``) and **those bytes are what is sent**. The ledger (store.py's ``deliveries``
table: briefing date, recipient, Message-ID, state, attempts, last error) moves through::

    pending ──► sending ──► unconfirmed ──► sent
       ▲           │             │
       └─ deferred ◄─────────────┘ (4xx, lost connection)     failed (5xx, or attempts used up)

- The Message-ID is written into the .eml and stored in the ledger before the first attempt, and
  never changes afterwards; a rebuild of the same day keeps it, and never rewrites the .eml of a
  message that may already have left (``sending``, ``unconfirmed`` or ``sent``).
- ``sending`` is committed (attempts + 1) before MAIL FROM; ``unconfirmed`` is committed just
  before DATA; ``sent`` is committed as soon as the server answers 250.

Crash policy (the process dies, e.g. kill -9, at some point of a delivery):

- before DATA (ledger ``sending``): the server never received the message, so the next run sends
  it. Nothing is lost and nothing is duplicated.
- between the server's 250 and the ledger commit (ledger ``unconfirmed``): we cannot know whether
  the server kept the message. We choose **at-least-once**: the next run sends the same bytes
  again, with the same Message-ID, and records "resent after an interrupted attempt" as the
  last error. A lost briefing is silent; a duplicate is visible, and mail clients and servers
  that de-duplicate by Message-ID (Gmail, Outlook and others) collapse it. The window is a few
  milliseconds (one SQLite commit).
- after the ledger commit (``sent``): never sent again, not even by ``briefing send --date D``.

``failed`` rows are only retried on request (``briefing send --date D``); ``deferred`` rows are
retried by every delivery run until ``email.max_attempts`` is used up.
"""

from __future__ import annotations

import logging
import re
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.utils import parseaddr
from pathlib import Path

from .config import Config
from .errors import DeliveryError, InsecureTransportError
from .mail import MailContent, build_message, message_bytes, new_message_id
from .models import Briefing
from .outbox import day_folder
from .smtp import DEFAULT_RETRY_DELAYS, Outcome, SmtpClient
from .store import Delivery, Store

log = logging.getLogger(__name__)

PENDING, SENDING, UNCONFIRMED, DEFERRED, SENT, FAILED = (
    "pending", "sending", "unconfirmed", "deferred", "sent", "failed",
)
UNFINISHED = (PENDING, SENDING, UNCONFIRMED, DEFERRED)
MAY_HAVE_LEFT = (SENDING, UNCONFIRMED, SENT)
RESENT_NOTE = "resent after an interrupted attempt (may arrive twice, same Message-ID)"

_UNSAFE = re.compile(r"[^a-z0-9@._+-]+")


def eml_name(recipient: str) -> str:
    """The outbox file (relative to the day folder) holding this recipient's message."""
    address = parseaddr(recipient)[1] or recipient
    return f"mail/{_UNSAFE.sub('_', address.lower()).strip('._') or 'recipient'}.eml"


def mail_content(config: Config, briefing: Briefing, files: dict[str, bytes]) -> MailContent:
    """The email's parts, taken from the rendered outbox files."""
    return MailContent(
        title=briefing.title,
        date=briefing.date,
        story_count=len(briefing.stories),
        text=files["briefing.txt"].decode("utf-8"),
        html=files["briefing.html"].decode("utf-8"),
        pdf=files.get("briefing.pdf") if config.email.attach_pdf else None,
    )


def _file_message_id(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            head = handle.read(64 * 1024)
    except OSError:
        return None
    value = message_from_bytes(head, policy=policy.compat32).get("Message-ID")
    return " ".join(str(value).split()) if value else None


def message_files(
    config: Config,
    store: Store,
    content: MailContent,
    now: datetime,
    per_recipient: Mapping[str, MailContent] | None = None,
) -> dict[str, bytes]:
    """The .eml files to write into the day's outbox folder: ``briefing.eml`` and one per
    recipient (with that recipient's edition from ``per_recipient``, else ``content``).
    Message-IDs already in the ledger (or in an earlier .eml of the same day) are
    kept; a recipient whose message may already have left keeps the file it was sent from."""
    email = config.email
    folder = day_folder(config.outbox, content.date)
    files: dict[str, bytes] = {}
    if not email.to:
        msg = build_message(
            content, sender=email.from_, recipients=[],
            message_id=new_message_id(content.date, "", email.from_), sent_at=now,
            unsubscribe=email.unsubscribe,
        )
        return {"briefing.eml": message_bytes(msg)}
    for index, recipient in enumerate(email.addresses):
        mine = (per_recipient or {}).get(recipient, content)
        row = store.delivery(content.date, recipient)
        name = eml_name(recipient)
        if row is not None and row.state in MAY_HAVE_LEFT and (folder / name).exists():
            continue
        message_id = (
            row.message_id if row is not None
            else _file_message_id(folder / name)
            or new_message_id(content.date, recipient, email.from_)
        )
        raw = message_bytes(
            build_message(
                mine, sender=email.from_, recipients=recipient, message_id=message_id,
                sent_at=now, unsubscribe=email.unsubscribe,
            )
        )
        files[name] = raw
        if index == 0:
            files["briefing.eml"] = raw
    return files


@dataclass(frozen=True)
class DeliveryResult:
    date: str
    recipient: str
    message_id: str
    state: str
    attempts: int
    error: str | None

    @property
    def ok(self) -> bool:
        return self.state == SENT


@dataclass(frozen=True)
class DeliveryReport:
    results: tuple[DeliveryResult, ...]

    @property
    def sent(self) -> int:
        return sum(r.state == SENT for r in self.results)

    @property
    def failed(self) -> int:
        return sum(r.state == FAILED for r in self.results)

    @property
    def deferred(self) -> int:
        return sum(r.state in UNFINISHED for r in self.results)

    def summary_line(self) -> str:
        if not self.results:
            return "nothing to deliver"
        return f"delivered {self.sent}, deferred {self.deferred}, failed {self.failed}"


def enroll(config: Config, store: Store, date: str, now: datetime) -> list[Delivery]:
    """Ledger rows for every configured recipient whose message for ``date`` is in the outbox.

    The Message-ID stored is the one in the .eml, so the ledger and the file always agree."""
    folder = day_folder(config.outbox, date)
    rows = []
    for recipient in config.email.addresses:
        row = store.delivery(date, recipient)
        if row is None:
            message_id = _file_message_id(folder / eml_name(recipient))
            if message_id is None:
                continue
            row = store.ensure_delivery(date, recipient, message_id, now)
        rows.append(row)
    return rows


def deliver_pending(
    config: Config,
    store: Store,
    now: datetime,
    date: str | None = None,
    *,
    retry_failed: bool = False,
    ssl_context: ssl.SSLContext | None = None,
    delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] | None = None,
) -> DeliveryReport:
    """Send every unfinished delivery (of ``date``, or of every day when ``date`` is None).

    With ``date``, recipients whose message sits in that day's outbox but who have no ledger row
    yet are enrolled first. ``retry_failed`` also retries rows that failed (``briefing send``).
    Rows already ``sent`` are never touched. ``now`` stamps enrolment; ``clock`` (default: the
    system clock) stamps each ledger update. Raises ``InsecureTransportError`` before anything is
    sent when the configured transport would expose credentials.
    """
    tick = clock or (lambda: datetime.now(UTC))
    if date is not None:
        enrolled = enroll(config, store, date, now)
        if not enrolled and not (day_folder(config.outbox, date) / "briefing.eml").exists():
            raise DeliveryError(f"no briefing for {date} in {config.outbox}")
    states = (*UNFINISHED, FAILED) if retry_failed else UNFINISHED
    rows = store.deliveries(date=date, states=states)
    if not rows:
        return DeliveryReport(())
    client = SmtpClient(config.email, ssl_context=ssl_context)
    results = []
    try:
        unreachable: str | None = None
        for row in rows:
            if unreachable is not None:
                # the server could not be reached for the previous recipient: do not spend
                # every recipient's attempts and backoff on the same outage
                results.append(
                    DeliveryResult(row.date, row.recipient, row.message_id, row.state,
                                   row.attempts, f"not tried: {unreachable}")
                )
                continue
            result = _deliver_one(config, store, client, row, tick, delays, sleep)
            results.append(result)
            if result.state == DEFERRED and not client.connected and result.error:
                unreachable = result.error
    finally:
        client.close()
    return DeliveryReport(tuple(results))


def _deliver_one(
    config: Config,
    store: Store,
    client: SmtpClient,
    row: Delivery,
    tick: Callable[[], datetime],
    delays: Sequence[float],
    sleep: Callable[[float], None],
) -> DeliveryResult:
    date, recipient = row.date, row.recipient
    path = day_folder(config.outbox, date) / eml_name(recipient)
    note = RESENT_NOTE if row.state == UNCONFIRMED else None

    def finish(state: str, error: str | None) -> DeliveryResult:
        store.update_delivery(date, recipient, state=state, now=tick(), error=error)
        found = store.delivery(date, recipient)
        attempts = found.attempts if found else row.attempts
        return DeliveryResult(date, recipient, row.message_id, state, attempts, error)

    try:
        raw = path.read_bytes()
    except OSError as err:
        return finish(FAILED, f"outbox message {path} unreadable: {err.strerror or err}")
    if _file_message_id(path) != row.message_id:
        return finish(FAILED, f"{path} does not carry the ledger's Message-ID {row.message_id}")
    # A failed row is only here on request (send --date D): it gets a fresh attempt budget.
    budget = config.email.max_attempts - (0 if row.state == FAILED else row.attempts)
    if budget <= 0:
        return finish(FAILED, row.last_error or "no attempts left (email.max_attempts)")

    def on_attempt(_: Sequence[str]) -> None:
        store.update_delivery(
            date, recipient, state=SENDING, now=tick(), error=note, attempted=True
        )

    def before_data() -> None:
        store.update_delivery(date, recipient, state=UNCONFIRMED, now=tick(), error=note)

    envelope_from = parseaddr(config.email.from_)[1]
    try:
        outcomes = client.send_with_retry(
            raw, envelope_from, [recipient], delays=list(delays)[: budget - 1],
            sleep=sleep, on_attempt=on_attempt, before_data=before_data,
        )
    except InsecureTransportError:
        store.update_delivery(
            date, recipient, state=DEFERRED, now=tick(),
            error="refused: credentials would travel in clear text",
        )
        raise
    outcome: Outcome = outcomes[recipient]
    if outcome.state == "sent":
        log.info("delivered %s to %s", date, recipient)
        return finish(SENT, note)
    found = store.delivery(date, recipient)
    used = (found.attempts if found else row.attempts) - row.attempts
    if outcome.state == "deferred" and used < budget:
        return finish(DEFERRED, outcome.describe())
    return finish(FAILED, outcome.describe())
