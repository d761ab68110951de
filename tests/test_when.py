from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest

from briefing.errors import InputError
from briefing.when import briefing_date, parse_as_of, window

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_as_of_forms() -> None:
    seven = time(7, 0)
    assert parse_as_of("2026-11-21T07:00:00Z", LONDON, seven) == datetime(
        2026, 11, 21, 7, tzinfo=UTC
    )
    assert parse_as_of("2026-07-01T07:00", LONDON, seven) == datetime(2026, 7, 1, 6, tzinfo=UTC)
    assert parse_as_of("2026-07-01", NEW_YORK, seven) == datetime(2026, 7, 1, 11, tzinfo=UTC)
    with pytest.raises(InputError):
        parse_as_of("21/11/2026", LONDON, seven)


def test_briefing_date_is_local() -> None:
    late = datetime(2026, 11, 22, 2, 30, tzinfo=UTC)
    assert briefing_date(late, NEW_YORK) == "2026-11-21"
    assert briefing_date(late, LONDON) == "2026-11-22"


def test_window_is_the_hours_before_as_of() -> None:
    end = datetime(2026, 11, 21, 7, tzinfo=UTC)
    start, stop = window(end, 24)
    assert stop == end and (stop - start).total_seconds() == 24 * 3600
