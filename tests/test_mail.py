from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from pydantic import ValidationError

from briefing.config import EmailConfig
from briefing.errors import DeliveryError
from briefing.mail import (
    MailContent,
    build_message,
    message_bytes,
    new_message_id,
    one_line,
    recipients_of,
    subject_for,
)

SENT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
SENDER = "Morning Desk <desk@example.org>"


def _content(**changes: object) -> MailContent:
    base: dict[str, object] = {
        "title": "Daily Briefing",
        "date": "2026-11-22",
        "story_count": 12,
        "text": "Plain body: café, naïve, 12 stories.\n" + "long line " * 40 + "\n",
        "html": "<html><body><p>Rich body with &amp; entity and ünïcode</p></body></html>",
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nfake pdf bytes\n%%EOF\n",
    }
    base.update(changes)
    return MailContent(**base)  # type: ignore[arg-type]


def _parse(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _build(content: MailContent | None = None, **kwargs: object) -> bytes:
    options: dict[str, object] = {
        "sender": SENDER,
        "recipients": "reader@example.net",
        "message_id": "<fixed.1@example.org>",
        "sent_at": SENT,
        "unsubscribe": None,
    }
    options.update(kwargs)
    return message_bytes(build_message(content or _content(), **options))  # type: ignore[arg-type]


def test_structure_is_mixed_holding_alternative_text_first_then_pdf() -> None:
    msg = _parse(_build())
    assert msg.get_content_type() == "multipart/mixed"
    parts = list(msg.iter_parts())
    assert [p.get_content_type() for p in parts] == ["multipart/alternative", "application/pdf"]
    alternatives = list(parts[0].iter_parts())
    assert [p.get_content_type() for p in alternatives] == ["text/plain", "text/html"]
    assert "café, naïve" in alternatives[0].get_content()
    assert "ünïcode" in alternatives[1].get_content()
    assert parts[1].get_filename() == "briefing-2026-11-22.pdf"
    assert parts[1].get_content() == _content().pdf


def test_without_pdf_still_mixed_with_only_the_alternative() -> None:
    msg = _parse(_build(_content(pdf=None)))
    assert msg.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["multipart/alternative"]


def test_headers() -> None:
    msg = _parse(_build(recipients=["a@example.net", "B Reader <b@example.net>"]))
    assert msg["Subject"] == "Daily Briefing - 22 Nov 2026 - 12 stories"
    assert msg["From"] == SENDER
    assert recipients_of(_build(recipients=["a@example.net", "B <b@example.net>"])) == [
        "a@example.net",
        "b@example.net",
    ]
    assert msg["Message-ID"] == "<fixed.1@example.org>"
    assert msg["Date"].datetime == SENT
    assert msg["MIME-Version"] == "1.0"
    assert "List-Unsubscribe" not in msg


def test_subject_formats() -> None:
    assert subject_for("Daily Briefing", "2026-11-02", 1) == "Daily Briefing - 2 Nov 2026 - 1 story"
    assert subject_for("", "2026-01-09", 0) == "Daily Briefing - 9 Jan 2026 - 0 stories"


def test_wire_form_uses_crlf_short_lines_and_7bit() -> None:
    raw = _build(_content(html="<p>" + "x" * 5000 + "</p>"))
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    assert all(byte < 128 for byte in raw)


def test_same_inputs_serialise_identically() -> None:
    assert _build() == _build()


def test_unsubscribe_https_adds_one_click_post_header() -> None:
    msg = _parse(_build(unsubscribe="https://example.org/unsub?u=1"))
    assert msg["List-Unsubscribe"] == "<https://example.org/unsub?u=1>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_unsubscribe_mailto_has_no_post_header() -> None:
    msg = _parse(_build(unsubscribe="mailto:leave@example.org"))
    assert msg["List-Unsubscribe"] == "<mailto:leave@example.org>"
    assert "List-Unsubscribe-Post" not in msg


@pytest.mark.parametrize(
    "title",
    [
        "Storm\r\nBcc: victim@example.com",
        "Storm\nBcc: victim@example.com",
        "Storm\rBcc: victim@example.com",
        "Storm\r\n\r\n<html>injected body</html>",
        "Storm\x00\x0bBcc: victim@example.com",
    ],
)
def test_line_breaks_in_a_title_never_add_a_header(title: str) -> None:
    raw = _build(_content(title=title))
    msg = _parse(raw)
    assert "Bcc" not in msg
    assert msg["Subject"].startswith("Storm ")
    assert "\r" not in msg["Subject"] and "\n" not in msg["Subject"]
    header_block = raw.split(b"\r\n\r\n", 1)[0]
    header_names = [
        line.split(b":", 1)[0]
        for line in header_block.split(b"\r\n")
        if line and not line[:1].isspace()
    ]
    assert b"Bcc" not in header_names
    assert sorted(set(header_names)) == sorted(header_names)


def test_line_break_in_an_address_is_refused() -> None:
    with pytest.raises(DeliveryError):
        _build(recipients="reader@example.net\r\nBcc: victim@example.com")
    with pytest.raises(DeliveryError):
        _build(sender="desk@example.org\nBcc: victim@example.com")


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(DeliveryError):
        _build(recipients="not an address")
    with pytest.raises(DeliveryError):
        _build(message_id="no-brackets@example.org")
    with pytest.raises(DeliveryError):
        _build(unsubscribe="https://example.org/a>, <https://evil.example")
    with pytest.raises(ValueError):
        _build(sent_at=datetime(2026, 11, 22, 7, 0))


def test_message_ids_are_unique_and_use_the_sender_domain() -> None:
    first = new_message_id("2026-11-22", "a@example.net", SENDER)
    second = new_message_id("2026-11-22", "a@example.net", SENDER)
    assert first != second
    assert first.startswith("<") and first.endswith("@example.org>")


def test_one_line() -> None:
    assert one_line(" a\r\n\tb\x00c ") == "a b c"


def test_text_that_imitates_the_boundary_cannot_split_the_message() -> None:
    seed = hashlib.sha256(b"<fixed.1@example.org>").hexdigest()[:24]
    trap = f"\n--=_briefing_1_{seed}\nContent-Type: text/html\n\n<b>forged</b>\n"
    msg = _parse(_build(_content(text=trap, html=trap)))
    [alternative, pdf] = msg.iter_parts()
    plain, html = alternative.iter_parts()
    assert plain.get_content().replace("\r\n", "\n") == trap
    assert html.get_content().replace("\r\n", "\n") == trap
    assert pdf.get_content_type() == "application/pdf"


@pytest.mark.parametrize(
    "address", ["reader@example.net\r\nBcc: victim@example.com", "rené@example.net", "nobody"]
)
def test_config_refuses_addresses_that_cannot_be_mail_headers(address: str) -> None:
    with pytest.raises(ValidationError):
        EmailConfig.model_validate({"to": [address]})
    with pytest.raises(ValidationError):
        EmailConfig.model_validate({"from": address})


def test_golden_message() -> None:
    """The whole wire form against tests/golden/briefing.eml (BRIEFING_REGENERATE=1 rewrites it).

    Boundaries derive from the Message-ID and the Date is given, so nothing needs normalising."""
    raw = _build(
        _content(pdf=b"%PDF-1.7 tiny"),
        recipients="Reader <reader@example.net>",
        unsubscribe="https://example.org/unsubscribe?list=daily",
    )
    path = Path(__file__).resolve().parent / "golden" / "briefing.eml"
    if os.environ.get("BRIEFING_REGENERATE") == "1":
        path.write_bytes(raw)
    assert path.is_file(), f"{path} missing: run with BRIEFING_REGENERATE=1"
    assert raw == path.read_bytes()
