"""The columns of a plan's matrix, shared by the export, the template and the import.

Built from the province's own form (its ``details`` schema) and reference data, never from one
province's field names: a ``details`` field takes its codes from the reference list named after
it (``locations``, ``funding_source`` → ``funding_sources``, ``partner_opds`` → ``opds``), the
same convention as the activity form, or from a ``Choice`` field's own codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from marshmallow import fields as mfields

from core.plugins import ProvinceRuntime
from core.schemas import Choice
from core.types import Code

# How a column is read back by the import: ``info`` columns are written, never read.
TEXT, CODE, CODES, MONEY, INFO = "text", "code", "codes", "money", "info"

# Column A of a row that is not an activity (a pillar heading, a subtotal): the import skips
# rows marked so, and an operator's own rows leave it blank or number them.
HEADING_MARK = "PILAR"
TOTAL_MARK = "JUMLAH"

# Headers of the fields the core and the national P3AKS form know; a plugin field names itself
# through marshmallow ``metadata={"label": ...}``, else its key is tidied.
HEADERS = {
    "title": "Nama kegiatan",
    "description": "Uraian",
    "pillar": "Pilar",
    "target_group": "Kelompok sasaran",
    "locations": "Lokasi",
    "indicator": "Indikator kinerja",
    "sub_activity_code": "Kode sub-kegiatan",
    "funding_source": "Sumber dana",
    "conflict_types": "Jenis konflik",
    "partner_opds": "OPD mitra",
}
# Where known fields stand, as the RAD matrix prints them: the code before the activity, the
# funding source and partners after the money. Other fields keep their declared order.
LEADING = ("sub_activity_code",)
TRAILING = ("funding_source", "partner_opds")
LIST_SEPARATOR = "; "


@dataclass(frozen=True)
class Column:
    """``path`` is where the value goes in the activity payload (``title``,
    ``details.locations``, ``years.2023.proposed_budget``), which is also how a violation of the
    API's rules finds its column."""

    header: str
    kind: str
    path: str = ""
    width: int = 18
    required: bool = False
    choices: tuple[Code, ...] = ()
    year: int | None = None

    @property
    def coded(self) -> bool:
        return self.kind in (CODE, CODES) and bool(self.choices)


@dataclass(frozen=True)
class Matrix:
    columns: tuple[Column, ...]
    years: tuple[int, ...]
    by_path: dict[str, Column] = field(default_factory=dict)

    def index(self, path: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.path == path)


def reference_codes(key: str, runtime: ProvinceRuntime) -> tuple[Code, ...] | None:
    lists = runtime.reference.lists
    for candidate in (key, f"{key}s", key.rsplit("_", 1)[-1]):
        if candidate in lists:
            return tuple(lists[candidate])
    return None


def header_of(key: str, mfield: mfields.Field | None = None) -> str:
    if mfield is not None and mfield.metadata.get("label"):
        return str(mfield.metadata["label"])
    return HEADERS.get(key, key.replace("_", " ").capitalize())


def _detail_column(key: str, mfield: mfields.Field, runtime: ProvinceRuntime) -> Column:
    choices = reference_codes(key, runtime)
    if isinstance(mfield, Choice):
        choices = mfield.codes
    many = isinstance(mfield, mfields.List)
    kind = (CODES if many else CODE) if choices is not None else TEXT
    width = 40 if key == "indicator" else 24 if many else 18
    return Column(
        header_of(key, mfield),
        kind,
        f"details.{key}",
        width,
        bool(mfield.required),
        tuple(choices or ()),
    )


def year_columns(year: int) -> list[Column]:
    return [
        Column(f"Target {year}", TEXT, f"years.{year}.target", 14, year=year),
        Column(f"Usulan {year} (Rp)", MONEY, f"years.{year}.proposed_budget", 17, year=year),
        Column(f"Ditetapkan {year} (Rp)", INFO, f"years.{year}.confirmed_budget", 17, year=year),
    ]


def matrix_columns(runtime: ProvinceRuntime, years: Sequence[int]) -> Matrix:
    """Every column of the matrix for a plan whose period is ``years``."""
    detail = {
        key: _detail_column(key, mfield, runtime)
        for key, mfield in runtime.details_schema.fields.items()
    }
    middle = [c for k, c in detail.items() if k not in LEADING + TRAILING]
    pillars = tuple(runtime.reference.lists.get("pillars", []))
    opds = tuple(runtime.reference.lists.get("opds", []))
    columns = [
        Column("No.", INFO, "no", 6),
        Column("No. registrasi", INFO, "registration_number", 16),
        Column(HEADERS["pillar"], CODE, "pillar", 18, True, pillars),
        *(detail[k] for k in LEADING if k in detail),
        Column(HEADERS["title"], TEXT, "title", 40, True),
        Column(HEADERS["description"], TEXT, "description", 30),
        *middle,
        *(c for y in years for c in year_columns(y)),
        *(detail[k] for k in TRAILING if k in detail),
        Column("OPD penanggung jawab", INFO, "opd", 24, choices=opds),
        Column("Status", INFO, "state", 16),
    ]
    return Matrix(tuple(columns), tuple(years), {c.path: c for c in columns})
