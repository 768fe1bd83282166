"""How numbers and dates read on the pages: ``Rp1.500.000``, ``28 September 2022``,
``28 September 2022 pukul 15.00 WITA`` (DOMAIN.md "Conventions a person expects").

Times are shown in the zone of the viewing user's province, which is the province of every
activity they can see (provinces are kept apart); a template may pass another zone."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from babel.dates import format_date
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from core.money import rupiah as _rupiah
from core.timezones import DEFAULT_ZONE, local_date, local_time
from web.ui.layout import runtime


def rupiah(amount: int | None) -> str:
    """The official spelling, ``Rp1.500.000``; a dash when there is no amount yet."""
    return "–" if amount is None else _rupiah(int(amount))


def _locale() -> str:
    return str(get_locale() or "id")


def zone() -> str:
    """The IANA zone of the logged-in user's province; WIB before anyone logs in."""
    if not current_user.is_authenticated:
        return DEFAULT_ZONE
    return runtime().info.timezone


def _day(day: dt.date) -> str:
    return _formatted_day(day, _locale())


@lru_cache(maxsize=4096)
def _formatted_day(day: dt.date, locale: str) -> str:
    # Babel parses the pattern and looks the month up on every call; a page of fifty activities
    # shows a handful of distinct days (issue 17: a tenth of the dashboard's rendering).
    return format_date(day, "d MMMM y", locale=locale)


def tanggal(value: dt.date | dt.datetime | None, in_zone: str | None = None) -> str:
    """``28 September 2022`` (Babel's month names in the page's language); a moment is shown
    on the day it falls on in the province."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = local_date(value, in_zone or zone())
    return _day(value)


def waktu(value: dt.datetime | None, in_zone: str | None = None) -> str:
    """``28 September 2022 pukul 15.00 WITA`` (Indonesian writes the hour with a dot)."""
    if value is None:
        return "–"
    at = local_time(value, in_zone or zone(), "." if _locale() == "id" else ":")
    return _("%(date)s pukul %(time)s", date=_day(at.date), time=at.clock)


def ribuan(value: Any) -> str:
    """A plain integer with Indonesian thousands dots, for form inputs: ``150.000.000``."""
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return "" if value is None else str(value)


def init_app(app: Flask) -> None:
    app.add_template_filter(rupiah, "rupiah")
    app.add_template_filter(tanggal, "tanggal")
    app.add_template_filter(waktu, "waktu")
    app.add_template_filter(ribuan, "ribuan")
