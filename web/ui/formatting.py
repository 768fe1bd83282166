"""How numbers and dates read on the pages: ``Rp1.500.000``, ``28 September 2022``,
``28 September 2022 pukul 15.00`` (DOMAIN.md "Conventions a person expects")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import format_date
from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from core.money import rupiah as _rupiah

# Times are stored as naive UTC. Lampung (and every province so far) is on WIB, which has no
# daylight saving, so a fixed offset is exact and needs no tz database on the server.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")


def rupiah(amount: int | None) -> str:
    """The official spelling, ``Rp1.500.000``; a dash when there is no amount yet."""
    return "–" if amount is None else _rupiah(int(amount))


def _locale() -> str:
    return str(get_locale() or "id")


def tanggal(value: dt.date | dt.datetime | None) -> str:
    """``28 September 2022`` (Babel's month names in the page's language)."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        value = local(value).date()
    return format_date(value, "d MMMM y", locale=_locale())


def local(value: dt.datetime) -> dt.datetime:
    """A stored naive-UTC time in WIB."""
    return value.replace(tzinfo=dt.UTC).astimezone(WIB)


def waktu(value: dt.datetime | None) -> str:
    """``28 September 2022 pukul 15.00 WIB`` (Indonesian writes the hour with a dot)."""
    if value is None:
        return "–"
    at = local(value)
    sep = "." if _locale() == "id" else ":"
    clock = f"{at.hour:02d}{sep}{at.minute:02d}"
    return _("%(date)s pukul %(time)s WIB", date=tanggal(value), time=clock)


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
