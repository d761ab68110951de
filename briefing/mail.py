"""Build the briefing email: pure (data in, message out; no network, disk or clock).

Shape: ``multipart/mixed`` holding ``multipart/alternative`` (``text/plain`` then ``text/html``)
and, when given, the PDF as an attachment. Every header value that could come from a feed (the
briefing title) is flattened to one line, and the standard library's ``email.policy`` refuses
any CR/LF that would still slip through, so no input can add a header.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, getaddresses, make_msgid, parseaddr

from .errors import DeliveryError

# SMTP policy: CRLF line ends, 78-column folding, and headers containing CR/LF are rejected.
WIRE_POLICY = policy.SMTP.clone(raise_on_defect=True)

_LINE_BREAKS = re.compile(r"[\s\x00-\x1f\x7f]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class MailContent:
    """What one briefing contributes to its email."""

    title: str
    date: str
    story_count: int
    text: str
    html: str
    pdf: bytes | None = None


def one_line(value: str) -> str:
    """Collapse every run of whitespace and control characters (CR, LF, tab, NUL...) to a space."""
    return _LINE_BREAKS.sub(" ", value).strip()


def subject_for(title: str, date: str, story_count: int) -> str:
    """``Daily Briefing - 22 Nov 2026 - 12 stories``."""
    day = date_type.fromisoformat(date)
    label = f"{day.day} {day.strftime('%b %Y')}"
    noun = "story" if story_count == 1 else "stories"
    return f"{one_line(title) or 'Daily Briefing'} - {label} - {story_count} {noun}"


def _address(value: str, field: str) -> str:
    if _CONTROL.search(value):
        raise DeliveryError(f"email.{field}: {value!r} contains a line break or control character")
    name, addr = parseaddr(value)
    if not addr or "@" not in addr:
        raise DeliveryError(f"email.{field}: {value!r} is not an email address")
    try:
        return str(Address(display_name=name, addr_spec=addr))
    except (ValueError, IndexError) as err:
        raise DeliveryError(f"email.{field}: {value!r} is not an email address ({err})") from None


def address_domain(sender: str) -> str:
    addr = parseaddr(sender)[1]
    return addr.rpartition("@")[2] or "localhost"


def new_message_id(date: str, recipient: str, sender: str) -> str:
    """A fresh, globally unique Message-ID for one briefing and recipient (store it, then reuse)."""
    tag = hashlib.sha1(recipient.lower().encode()).hexdigest()[:8]
    return make_msgid(idstring=f"briefing.{date}.{tag}", domain=address_domain(sender))


def build_message(
    content: MailContent,
    *,
    sender: str,
    recipients: str | Sequence[str],
    message_id: str,
    sent_at: datetime,
    unsubscribe: str | None = None,
) -> EmailMessage:
    """The complete message; ``message_bytes`` gives what goes on the wire and into the outbox."""
    if sent_at.tzinfo is None:
        raise ValueError("sent_at must be timezone-aware")
    to = [recipients] if isinstance(recipients, str) else list(recipients)
    if not re.fullmatch(r"<[^<>\s]+@[^<>\s]+>", message_id):
        raise DeliveryError(f"invalid Message-ID {message_id!r}")

    msg = EmailMessage(policy=WIRE_POLICY)
    msg["Subject"] = subject_for(content.title, content.date, content.story_count)
    msg["From"] = _address(sender, "from")
    if to:
        msg["To"] = ", ".join(_address(r, "to") for r in to)
    else:
        msg["To"] = "undisclosed-recipients:;"
    msg["Date"] = format_datetime(sent_at)
    msg["Message-ID"] = message_id
    if unsubscribe:
        url = one_line(unsubscribe)
        if not url.startswith(("mailto:", "https://")) or any(c in url for c in "<>, "):
            raise DeliveryError(f"email.unsubscribe: {unsubscribe!r} is not a mailto: or https URL")
        msg["List-Unsubscribe"] = f"<{url}>"
        if url.startswith("https://"):
            msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    msg["Auto-Submitted"] = "auto-generated"

    # quoted-printable keeps every line short and 7-bit, so no relay needs 8BITMIME.
    msg.set_content(content.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(content.html, subtype="html", charset="utf-8", cte="quoted-printable")
    if content.pdf is not None:
        msg.add_attachment(
            content.pdf,
            maintype="application",
            subtype="pdf",
            filename=f"briefing-{content.date}.pdf",
        )
    else:
        msg.make_mixed()
    for part in msg.iter_parts():
        _drop_nested_mime_version(part)
    _fix_boundaries(msg, message_id)
    return msg


def _drop_nested_mime_version(part: MIMEPart) -> None:
    """``email`` leaves a MIME-Version header on parts it nests; only the top level needs one."""
    del part["MIME-Version"]
    for child in part.iter_parts():
        _drop_nested_mime_version(child)


def _fix_boundaries(msg: EmailMessage, message_id: str) -> None:
    """Boundaries derived from the Message-ID so the same message always serialises the same.

    Every leaf part is quoted-printable or base64, and neither encoding can produce ``=_``
    followed by text (QP writes ``=`` as ``=3D``; base64 has no ``_``), so the boundary can never
    occur inside a part."""
    seed = hashlib.sha256(message_id.encode()).hexdigest()[:24]
    for depth, part in enumerate(p for p in msg.walk() if p.is_multipart()):
        part.set_boundary(f"=_briefing_{depth}_{seed}")


def message_bytes(msg: EmailMessage) -> bytes:
    """The wire form (CRLF line ends): exactly what is written to ``briefing.eml`` and sent."""
    return msg.as_bytes(policy=WIRE_POLICY)


def recipients_of(raw: bytes) -> list[str]:
    """The addresses in the To header of a serialised message."""
    parsed = message_from_bytes(raw, policy=policy.default)
    return [addr for _, addr in getaddresses(parsed.get_all("To", [])) if addr]
