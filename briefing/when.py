"""Dates and times as the user gives them and as briefings are named."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .errors import InputError


def parse_as_of(text: str, tz: ZoneInfo, default_time: time) -> datetime:
    """``--as-of``: an ISO-8601 moment (naive ones are local to ``tz``), or a bare date, which
    means that day at ``default_time`` local (the scheduled briefing time)."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day, default_time, tzinfo=tz).astimezone(UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"--as-of: {text!r} is not an ISO-8601 date or time (e.g. 2026-11-21T07:00:00Z)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(UTC)


def briefing_date(as_of: datetime, tz: ZoneInfo) -> str:
    """The briefing's name: the as-of date in the configured time zone."""
    return as_of.astimezone(tz).date().isoformat()


def window(as_of: datetime, hours: float) -> tuple[datetime, datetime]:
    end = as_of.astimezone(UTC)
    return end - timedelta(hours=hours), end


def days_before(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()
