"""The reader's language in what is written while they are away: inbox lines and e-mails.

The pages translate with Flask-Babel; delivery runs in a worker with no request, so it reads the
same catalogues itself (``babel.support``, merged the way Flask-Babel merges them: each later
folder's texts override the earlier ones', core's folder comes last). The composition root
hands over the folders the pages use; core does not know where they are. Indonesian needs no
catalogue: the message ids are the Indonesian texts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from babel.support import NullTranslations, Translations

from core.money import rupiah
from core.timezones import local_time

DEFAULT = "id"
LANGUAGES = ("id", "en")

MONTHS = {
    "id": (
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}


class Gettext(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


def known(language: str | None) -> str:
    """``language`` if Sepakat speaks it, else Indonesian."""
    return language if language in LANGUAGES else DEFAULT


@dataclass(frozen=True)
class Reader:
    """One language: its catalogue and how it writes dates and times."""

    language: str
    catalogue: Gettext

    def _(self, message: str) -> str:
        return self.catalogue.gettext(message) if message else message

    def n_(self, singular: str, plural: str, n: int) -> str:
        return self.catalogue.ngettext(singular, plural, n)

    def date(self, day: dt.date) -> str:
        """``17 Agustus 2025`` / ``17 August 2025``."""
        return f"{day.day} {MONTHS[self.language][day.month - 1]} {day.year}"

    def moment(self, at: dt.datetime, zone: str) -> str:
        """``28 September 2022 pukul 15.00 WIB`` / ``28 September 2022 at 15:00 WIB``."""
        if self.language == "en":
            t = local_time(at, zone, sep=":")
            return f"{self.date(t.date)} at {t.clock}"
        t = local_time(at, zone)
        return f"{self.date(t.date)} pukul {t.clock}"

    def money(self, amount: int) -> str:
        return rupiah(amount)  # officials write Rupiah the same way in either language


@dataclass
class Catalogues:
    """The catalogues of each language from ``directories`` (Flask-Babel's search path)."""

    directories: Sequence[str] = ()
    _loaded: dict[str, Gettext] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_path(cls, search_path: str | None) -> Catalogues:
        """From Flask-Babel's ``BABEL_TRANSLATION_DIRECTORIES`` (folders joined by ``;``)."""
        return cls(tuple(d for d in (search_path or "").split(";") if d))

    def reader(self, language: str | None) -> Reader:
        lang = known(language)
        if lang not in self._loaded:
            self._loaded[lang] = self._load(lang)
        return Reader(lang, self._loaded[lang])

    def _load(self, language: str) -> Gettext:
        merged: NullTranslations | None = None
        if language != DEFAULT:
            for folder in self.directories:
                found = Translations.load(folder, [language], "messages")
                if merged is None or not isinstance(merged, Translations):
                    merged = found
                elif isinstance(found, Translations):
                    merged.merge(found)
        return merged if merged is not None else NullTranslations()
