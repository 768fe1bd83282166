"""Small public helpers for province plugins: the national P3AKS form fields, checking codes
against reference lists, the decree-number rule and the pagu warning. A plugin composes these in
its own hooks, so provinces share behaviour without sharing code paths they do not need."""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from core.errors import Violation
from core.messages import N_, msg
from core.schemas import IdSchema, Line, Str, StrList, length
from core.types import Code, ReferenceData
from core.workflow import Transition

# Permendagri 90/2019 nomenclature: urusan.bidang.program.kegiatan.sub-kegiatan (six parts),
# e.g. 2.08.03.1.01.0001. National, so every province checks it the same way.
SUB_ACTIVITY_CODE = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")


class P3aksDetails(IdSchema):
    """The form fields every RAD P3AKS matrix has; a province subclasses it to add its own.
    Codes are checked against the reference lists by ``validate_activity`` (``unknown_codes``)
    so the message can name the unknown code."""

    target_group = Line(required=True, validate=length(1, 40))
    locations = StrList(required=True)
    indicator = Str(required=True, validate=length(3, 300))
    sub_activity_code = Line(required=True, validate=length(1, 40))
    funding_source = Line(required=True, validate=length(1, 40))


class P3aksConflictDetails(P3aksDetails):
    """``P3aksDetails`` plus the social conflicts an activity responds to (UU 7/2012) and the
    partner OPDs that carry it out with the lead OPD: what Lampung and Sulawesi Tengah ask."""

    conflict_types = StrList(load_default=list)
    partner_opds = StrList(load_default=list)


def p3aks_coded_fields(locations_label: str = N_("Lokasi")) -> dict[str, tuple[str, str]]:
    """The coded fields of ``P3aksConflictDetails`` for ``check_codes``: ``{detail key:
    (reference list, label in messages)}``."""
    return {
        "locations": ("locations", locations_label),
        "target_group": ("target_groups", N_("Kelompok sasaran")),
        "funding_source": ("funding_sources", N_("Sumber dana")),
        "conflict_types": ("conflict_types", N_("Jenis konflik")),
        "partner_opds": ("opds", N_("OPD mitra")),
    }


def p3aks_details(
    locations: list[str],
    indicator: str,
    code: str,
    target: str = "perempuan_dan_anak",
    conflicts: list[str] | None = None,
    partners: list[str] | None = None,
    funding: str = "apbd",
) -> dict[str, object]:
    """A ``details`` payload of ``P3aksConflictDetails``, for demo data and tests."""
    return {
        "target_group": target,
        "locations": locations,
        "indicator": indicator,
        "sub_activity_code": code,
        "funding_source": funding,
        "conflict_types": conflicts or [],
        "partner_opds": partners or [],
    }


def code_lists(module: ModuleType) -> dict[str, list[Code]]:
    """A reference module's lists by name: every upper-case tuple of ``Code`` in it, ``OPDS``
    as ``opds``, ``FUNDING_SOURCES`` as ``funding_sources``; for ``reference_data``."""
    return {
        name.lower(): list(value)
        for name, value in vars(module).items()
        if name.isupper() and isinstance(value, tuple) and all(isinstance(v, Code) for v in value)
    }


def unknown_codes(
    details: Mapping[str, Any], key: str, allowed: set[str], label: str
) -> list[Violation]:
    """One violation per value of ``details[key]`` (a code or a list of codes) not in
    ``allowed``."""
    value = details.get(key)
    values = value if isinstance(value, list) else [value] if value is not None else []
    code, where = f"{key}_unknown", f"details.{key}"
    return [
        Violation(code, msg("{label} '{code}' tidak dikenal.", label=label, code=v), where)
        for v in values
        if v not in allowed
    ]


def check_codes(
    details: Mapping[str, Any], reference: ReferenceData, fields: Mapping[str, tuple[str, str]]
) -> list[Violation]:
    """``unknown_codes`` for several fields: ``{detail key: (reference list, label)}``."""
    out: list[Violation] = []
    for key, (list_name, label) in fields.items():
        out += unknown_codes(details, key, reference.codes(list_name), label)
    return out


# What each part of a sub-activity code is, and its digits (Kepmendagri 050-5889/2021).
_CODE_PARTS = (
    (N_("urusan"), 1),
    (N_("bidang urusan"), 2),
    (N_("program"), 2),
    (N_("tingkat pemerintahan"), 1),
    (N_("kegiatan"), 2),
    (N_("sub-kegiatan"), 4),
)
_EXAMPLE = "2.08.03.1.01.0001"


def sub_activity_code_problems(code: str) -> list[str]:
    """What is wrong with a sub-activity code, one message per wrong part, in words an
    operator can act on; empty when it is well formed. The fourth part is the level of
    government, one digit: 1 for a province's own activities."""
    if SUB_ACTIVITY_CODE.match(code):
        return []
    parts = code.split(".")
    if len(parts) != len(_CODE_PARTS):
        return [
            msg(
                "Kode sub-kegiatan harus enam bagian angka yang dipisah titik "
                "(X.XX.XX.X.XX.XXXX), mis. {example}; '{code}' berisi {count} bagian.",
                code=code,
                example=_EXAMPLE,
                count=len(parts),
            )
        ]
    out: list[str] = []
    for n, ((name, digits), part) in enumerate(zip(_CODE_PARTS, parts, strict=True), 1):
        if len(part) == digits and part.isascii() and part.isdigit():
            continue
        if n == 4:
            text = msg(
                "Kode sub-kegiatan: bagian ke-{n} ({name}) '{part}' harus {digits} angka, "
                "1 untuk kegiatan provinsi (X.XX.XX.X.XX.XXXX, mis. {example}).",
                n=n,
                name=name,
                part=part,
                digits=digits,
                example=_EXAMPLE,
            )
        else:
            text = msg(
                "Kode sub-kegiatan: bagian ke-{n} ({name}) '{part}' harus {digits} angka "
                "(X.XX.XX.X.XX.XXXX, mis. {example}).",
                n=n,
                name=name,
                part=part,
                digits=digits,
                example=_EXAMPLE,
            )
        out.append(text)
    return out


def p3aks_violations(details: Mapping[str, Any]) -> list[Violation]:
    """The national rules on ``P3aksDetails``: a six-part sub-activity code (the message says
    which part is wrong and how), a location."""
    out: list[Violation] = []
    code = details.get("sub_activity_code")
    for problem in sub_activity_code_problems(code) if isinstance(code, str) else []:
        out.append(Violation("sub_activity_code_format", problem, "details.sub_activity_code"))
    if "locations" in details and not details["locations"]:
        out.append(
            Violation(
                "locations_required", "Pilih paling sedikit satu lokasi.", "details.locations"
            )
        )
    return out


def decree_violations(
    transition: Transition, payload: Mapping[str, Any], pattern: re.Pattern[str], expected: str
) -> list[Violation]:
    """On sign-off, the decree number must match the province's format. An empty number is
    left to the core rule (``decree_required``) so it is reported once."""
    decree = (payload.get("decree_number") or "").strip()
    if not transition.requires_decree or not decree or pattern.match(decree):
        return []
    return [
        Violation(
            "decree_number_format",
            msg("Nomor keputusan harus berformat {expected}.", expected=expected),
            "decree_number",
        )
    ]


def ceiling_warnings(
    ceilings: Mapping[int, Mapping[str, int]], threshold: float
) -> list[Violation]:
    """Warnings (not errors) when a confirmation brings a year's pagu to ``threshold`` or more."""
    out: list[Violation] = []
    for year, c in sorted(ceilings.items()):
        if c["ceiling"] and c["confirmed"] >= threshold * c["ceiling"]:
            used = c["confirmed"] * 100 // c["ceiling"]
            out.append(
                Violation(
                    "ceiling_near",
                    msg("Pagu OPD tahun {year} akan terpakai {used}%.", year=year, used=used),
                    warning=True,
                )
            )
    return out
