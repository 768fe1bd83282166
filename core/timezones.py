"""Province time zones: which IANA zones a province may declare, their Indonesian abbreviation,
and turning a stored UTC time into the wall clock a person in that province reads.

Indonesia has three zones (WIB, WITA, WIT) and no daylight saving; the IANA database
(``zoneinfo``, with the ``tzdata`` package where the system has none) spells them with four
names. Times are stored in UTC; only what a person reads, and which calendar day a moment falls
on for working-day counts, is local.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Jakarta"

# Every IANA zone of Indonesia (country code ID) and what Indonesians call it. West Kalimantan
# (Asia/Pontianak) keeps its own IANA name for history but has been on WIB since 1988.
ABBREVIATIONS: Mapping[str, str] = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}


class UnknownZone(ValueError):
    """A zone name that is not one of Indonesia's (see ``zone_problem`` for why)."""


def zone_problem(name: str) -> str | None:
    """Why ``name`` cannot be a province's zone (in Bahasa Indonesia), or None when it can."""
    if name in ABBREVIATIONS:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"Zona waktu '{name}' tidak dikenal (nama IANA, mis. 'Asia/Makassar')."
    allowed = ", ".join(f"{z} ({a})" for z, a in ABBREVIATIONS.items())
    return f"Zona waktu '{name}' berada di luar Indonesia; pilih salah satu dari {allowed}."


def zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` of one of Indonesia's zones (``ZoneInfo`` caches instances itself);
    ``UnknownZone`` for any other name."""
    if name not in ABBREVIATIONS:
        raise UnknownZone(zone_problem(name))
    return ZoneInfo(name)


def abbreviation(name: str) -> str:
    """``WIB``, ``WITA`` or ``WIT``."""
    if name not in ABBREVIATIONS:
        raise UnknownZone(zone_problem(name))
    return ABBREVIATIONS[name]


def as_utc(at: dt.datetime) -> dt.datetime:
    """``at`` as an aware UTC time; a naive value is taken to be UTC already (how SQLite and
    rows written before timestamptz hold it)."""
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


def local(at: dt.datetime, name: str) -> dt.datetime:
    """A UTC time (aware, or naive UTC) on the wall clock of zone ``name``."""
    return as_utc(at).astimezone(zone(name))


def local_date(at: dt.datetime, name: str) -> dt.date:
    """The calendar day ``at`` falls on in zone ``name``: days end at local midnight."""
    return local(at, name).date()


@dataclass(frozen=True)
class LocalTime:
    """What a person in the province reads of one moment: its day, and its clock with the
    zone (``15.38 WITA``)."""

    date: dt.date
    clock: str


def local_time(at: dt.datetime, name: str, sep: str = ".") -> LocalTime:
    """The one place a moment becomes local text. Indonesian writes the hour with a dot
    (``15.38``); English pages pass ``sep=":"``."""
    wall = local(at, name)
    return LocalTime(wall.date(), f"{wall.hour:02d}{sep}{wall.minute:02d} {ABBREVIATIONS[name]}")
