"""Working days: weekends, national holidays and cuti bersama excluded (``holidays`` package,
Indonesia's ``public`` and ``government`` categories). Days are the province's local days
(``core.timezones``): a moment is counted on the day it falls on in the province's zone."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from core.timezones import local_date


class WorkingCalendar:
    def __init__(self, country: str = "ID", subdiv: str | None = None) -> None:
        self.country = country
        self.subdiv = subdiv

    @lru_cache(maxsize=64)  # noqa: B019 - calendars live as long as the process; few years used
    def _holidays(self, year: int) -> holidays.HolidayBase:
        return holidays.country_holidays(
            self.country,
            subdiv=self.subdiv,
            years=year,
            categories=("public", "government"),
            language="id",
        )

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays(day.year).get(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        days = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days += 1
        return days

    def working_days_since(self, since: dt.datetime, now: dt.datetime, zone: str) -> int:
        """Working days after the local day of ``since`` up to the local day of ``now``, both
        in ``zone`` (an IANA name): 23.30 WIB on a Monday is already Tuesday in WITA."""
        return self.working_days_between(local_date(since, zone), local_date(now, zone))
