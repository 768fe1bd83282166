"""The progress report's form on the pages (issue 14): what an official types ("60", "2,5",
"Rp 45.000.000") shaped into the API's report payload (``core.schemas.ReportInputSchema``), so
the pages and the API read the same messages; and the list page's filters.

A number that is not one is passed on as typed: the core's schema names the field ("Harus berupa
angka."). An emptied input is sent as null (a number) or an empty text on an edit, so clearing
a value is an edit too, and the submit rules (``core.report_rules``) say what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from core.models import ProgressReport
from core.schemas import MAX_ID, REPORT_FIELDS, IdSchema, Line, QueryInt, between, length
from web.ui.formatting import ribuan
from web.ui.forms import parse_amount, whole_number
from web.ui.messages import translate

# What the error summary and the inputs call each field.
LABELS: dict[str, Any] = {
    "output_target": _l("Target keluaran"),
    "output_realised": _l("Capaian keluaran"),
    "output_unit": _l("Satuan"),
    "budget_realised": _l("Realisasi anggaran (Rp)"),
    "obstacles": _l("Kendala"),
    "follow_up": _l("Tindak lanjut"),
    "activity_id": _l("Kegiatan"),
    "year": _l("Tahun"),
    "period": _l("Periode"),
    "comment": _l("Catatan"),
}
QUANTITIES = ("output_target", "output_realised")
TEXTS = ("output_unit", "obstacles", "follow_up")
# "60", "2,5", "1.250" (dots group thousands, a comma starts the fraction, as Indonesian writes
# numbers), and "2.5" (a dot that cannot be a thousands group reads as the fraction).
# A minus sign is kept, so the range rule says that a quantity may not be negative.
_GROUPED = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+(?:,[0-9]+)?)")
_DOTTED = re.compile(r"-?(?:[0-9]+\.[0-9]{1,2}|[0-9]+\.[0-9]{4,})")


def parse_quantity(text: str) -> float | str:
    """A quantity as officials write it → a float; anything else as typed (the schema refuses
    it by name). ASCII digits only, as ``whole_number`` takes them."""
    cleaned = "".join(text.split())
    if _GROUPED.fullmatch(cleaned):
        return float(cleaned.replace(".", "").replace(",", "."))
    if _DOTTED.fullmatch(cleaned):
        return float(cleaned)
    return text


def quantity_text(value: float | None) -> str:
    """A stored quantity as an official would type it again: ``60``, ``2,5``."""
    if value is None:
        return ""
    if float(value).is_integer():
        return ribuan(int(value))
    whole, _, fraction = f"{value:.6f}".rstrip("0").partition(".")
    return f"{ribuan(int(whole))},{fraction}"


def quantity(value: float | None) -> str:
    """A quantity on the page: ``2,5`` in Bahasa Indonesia, ``2.5`` in English; a dash if none."""
    if value is None:
        return "–"
    text = quantity_text(value)
    if str(get_locale() or "id") == "en":
        return text.replace(".", "\0").replace(",", ".").replace("\0", ",")
    return text


def percent(part: float | None, whole: float | None) -> str | None:
    """``66,7 %`` (English ``66.7%``); None when either is missing or the whole is zero."""
    if part is None or not whole:
        return None
    share = round(100 * float(part) / float(whole), 1)
    number = quantity(share)
    return f"{number}%" if str(get_locale() or "id") == "en" else f"{number} %"


@dataclass
class ReportValues:
    """The inputs as typed (or as stored, for an edit's first view)."""

    typed: dict[str, str] = field(default_factory=dict)
    version: str = ""

    def get(self, name: str) -> str:
        return self.typed.get(name, "")


def from_report(report: ProgressReport) -> ReportValues:
    typed = {name: quantity_text(getattr(report, name)) for name in QUANTITIES}
    budget = report.budget_realised
    typed["budget_realised"] = "" if budget is None else ribuan(budget)
    typed.update({name: getattr(report, name) or "" for name in TEXTS})
    return ReportValues(typed, str(report.version))


def from_form(form: Mapping[str, str]) -> ReportValues:
    return ReportValues(
        {name: str(form.get(name, "")) for name in REPORT_FIELDS}, str(form.get("version", ""))
    )


def to_payload(values: ReportValues) -> dict[str, Any]:
    """The API's report fields (an edit's: every field, emptied ones as null or "")."""
    payload: dict[str, Any] = {}
    for name in QUANTITIES:
        text = values.get(name).strip()
        payload[name] = parse_quantity(text) if text else None
    budget = values.get("budget_realised").strip()
    payload["budget_realised"] = parse_amount(budget) if budget else None
    for name in TEXTS:
        payload[name] = values.get(name).strip()
    return payload


def version_of(values: ReportValues) -> int:
    """The version the page was read at; -1 (a stale page, 409) when it names none."""
    version = whole_number(values.version)
    return version if isinstance(version, int) and 0 <= version <= MAX_ID else -1


def field_errors(violations: Any, known: tuple[str, ...] = REPORT_FIELDS) -> dict[str, list[str]]:
    """Messages by input; a rule about no input of the form (the period, say) on top."""
    out: dict[str, list[str]] = {}
    for v in violations:
        key = v.field if v.field in known else "_form"
        text = translate(v.message)
        if key == "_form" and v.field in LABELS:  # still say which value it is about
            text = f"{translate(LABELS[v.field])}: {text}"
        out.setdefault(key, []).append(text)
    return out


class NewReportSchema(IdSchema):
    """What the "Buat laporan" link names: the activity, year and period (``?kegiatan=``...)."""

    kegiatan = QueryInt(required=True, validate=between(1, MAX_ID))
    tahun = QueryInt(required=True, validate=between(2000, 2100))
    periode = Line(required=True, validate=length(1, 20))


class ReportListSchema(IdSchema):
    """The list page's filters."""

    year = QueryInt(validate=between(2000, 2100))
    period = Line(validate=length(1, 20))
    state = Line(validate=length(1, 40))
    before = QueryInt(validate=between(1, MAX_ID))  # keyset: the page after the last id shown
