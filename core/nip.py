"""The NIP (Nomor Induk Pegawai): 18 digits, written ``19860926 201505 1 001``.

Layout of a civil servant's (PNS) NIP: digits 1–8 the birth date (``YYYYMMDD``), 9–14 the
appointment as CPNS (``YYYYMM``), 15 the sex (1 man, 2 woman), 16–18 a sequence (never 000).

What is refused and what only warns (decided here, documented in docs/architecture.md):

- **Errors** (the number is not stored): anything but digits and spaces, or not 18 digits. A
  number of the wrong shape is a typing mistake, never a real NIP.
- **Warnings** (stored, shown beside the number, returned by the API): every plausibility check
  of the parts: a birth date that is no calendar day, an appointment month outside 01–12, an
  appointment in the future or before the 18th birthday, an age at appointment above 70, a sex
  digit other than 1 or 2, the sequence 000. Registers hold old and odd numbers (and the person
  may be right while the rule is not), so the admin is told, not blocked.
- **PPPK** numbers (Nomor Induk PPPK) carry ``21`` in the appointment month's place (the year
  of appointment, then ``21``: ``19860710 202321 2 014``): they are recognised and get only the
  informational warning ``nip_pppk``; the month checks are skipped for them.

``today`` is a parameter so that the checks are the same at any date (tests freeze it).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from core.errors import Violation
from core.messages import N_, msg

LENGTH = 18
PPPK_MONTH = "21"
MIN_AGE, MAX_AGE = 18, 70  # at appointment
_DIGITS = re.compile(r"[0-9]*")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class NipCheck:
    """The digits (None when refused), the errors that refuse it and the warnings."""

    digits: str | None
    errors: tuple[Violation, ...] = ()
    warnings: tuple[Violation, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def normalise(text: str) -> str:
    """The input without its spaces (``19860926 201505 1 001`` → ``198609262015051001``)."""
    return _SPACES.sub("", text)


def format_nip(digits: str | None) -> str:
    """``198609262015051001`` → ``19860926 201505 1 001``; anything else is shown as stored."""
    if not digits or len(digits) != LENGTH or not _DIGITS.fullmatch(digits):
        return digits or ""
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _warn(field: str, code: str, message: str) -> Violation:
    return Violation(code, message, field, warning=True)


def _appointment_warnings(
    field: str, digits: str, birth: dt.date | None, today: dt.date
) -> list[Violation]:
    year, month = int(digits[8:12]), digits[12:14]
    if month == PPPK_MONTH:
        out = [
            _warn(
                field,
                "nip_pppk",
                N_("Bagian pengangkatan berisi kode 21: tampaknya Nomor Induk PPPK."),
            )
        ]
        if year > today.year:
            out.append(
                _warn(field, "nip_appointment_future", N_("Tahun pengangkatan belum terjadi."))
            )
        return out
    if not 1 <= int(month) <= 12:
        return [
            _warn(
                field,
                "nip_appointment_month",
                msg("Bulan pengangkatan ({month}) bukan bulan yang sah.", month=month),
            )
        ]
    appointed = (year, int(month))
    if appointed > (today.year, today.month):
        return [_warn(field, "nip_appointment_future", N_("Bulan pengangkatan belum terjadi."))]
    if birth is None:
        return []
    age = year - birth.year - (int(month) < birth.month)
    if age < MIN_AGE:
        return [
            _warn(
                field,
                "nip_appointment_too_young",
                msg("Pengangkatan sebelum usia {age} tahun.", age=MIN_AGE),
            )
        ]
    if age > MAX_AGE:
        return [
            _warn(
                field,
                "nip_appointment_too_old",
                msg("Usia saat pengangkatan lebih dari {age} tahun.", age=MAX_AGE),
            )
        ]
    return []


def check_nip(text: str, today: dt.date, field: str = "nip") -> NipCheck:
    """Check a typed NIP (spaces allowed); see the module docstring for what refuses and what
    warns. The warnings and errors name ``field``."""
    digits = normalise(text)
    if not _DIGITS.fullmatch(digits):
        return NipCheck(
            None, (Violation("nip_digits", "NIP hanya boleh berisi angka (dan spasi).", field),)
        )
    if len(digits) != LENGTH:
        return NipCheck(
            None,
            (
                Violation(
                    "nip_length",
                    msg("NIP harus {n} angka (tertulis {got}).", n=LENGTH, got=len(digits)),
                    field,
                ),
            ),
        )
    warnings: list[Violation] = []
    birth = _date(digits[:8])
    if birth is None or birth > today:
        warnings.append(
            _warn(
                field, "nip_birth_date", N_("Delapan angka pertama bukan tanggal lahir yang sah.")
            )
        )
        birth = None
    warnings += _appointment_warnings(field, digits, birth, today)
    if digits[14] not in "12":
        warnings.append(_warn(field, "nip_sex", N_("Angka ke-15 (jenis kelamin) harus 1 atau 2.")))
    if digits[15:] == "000":
        warnings.append(_warn(field, "nip_sequence", N_("Nomor urut (tiga angka terakhir) 000.")))
    return NipCheck(digits, (), tuple(warnings))


__all__ = ["LENGTH", "NipCheck", "check_nip", "format_nip", "normalise"]
