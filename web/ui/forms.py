"""The activity form, built from the province's form schema: core fields
(``ActivityInputSchema``), the plugin's ``details`` fields and its reference lists.

The form only turns HTML form data into the payload the API would send and maps the core's
violations back to the inputs; every rule stays in ``core`` (and the plugin).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError
from marshmallow import fields as mfields
from werkzeug.datastructures import MultiDict

from core.access import Actor
from core.errors import Violation
from core.models import Activity, Plan
from core.money import parse_rupiah
from core.plugins import ProvinceRuntime
from core.schemas import MAX_ID, Choice
from core.services.common import violations_from_marshmallow
from core.services.opds import live_reference
from core.types import Code, ReferenceData
from web.extensions import session
from web.ui.errors import BadInput
from web.ui.messages import translate

# Labels for the fields a person reads. A plugin field not listed here can name itself through
# marshmallow ``metadata={"label": ...}``; failing that its name is shown, tidied.
LABELS: dict[str, Any] = {
    "plan_id": _l("Rencana aksi"),
    "title": _l("Nama kegiatan"),
    "description": _l("Uraian"),
    "pillar": _l("Pilar"),
    "years": _l("Target dan anggaran per tahun"),
    "target_group": _l("Kelompok sasaran"),
    "locations": _l("Lokasi (kabupaten/kota)"),
    "indicator": _l("Indikator kinerja"),
    "sub_activity_code": _l("Kode sub-kegiatan"),
    "funding_source": _l("Sumber dana"),
    "conflict_types": _l("Jenis konflik"),
    "partner_opds": _l("OPD mitra"),
}
HINTS: dict[str, Any] = {
    "sub_activity_code": _l("Enam bagian menurut Permendagri 90/2019, mis. 2.08.03.1.01.0001."),
    "years": _l("Isi tahun yang dianggarkan saja; baris yang kosong diabaikan."),
}
LONG_TEXT = frozenset({"description"})
NUMBER = re.compile(r"-?[0-9]+")  # ASCII digits only: "²" and "٣" are digits to str.isdigit
# A route's id as the API takes it: beyond the INTEGER key is a 404, never a query.
ID = f"int(min=1, max={MAX_ID})"


def whole_number(text: str) -> int | str:
    """``"42"`` → 42; anything else, a number too long for ``int`` included, is returned as
    typed, so the schema refuses it with its own message ("Harus berupa bilangan bulat.")."""
    if not NUMBER.fullmatch(text):
        return text
    try:
        return int(text)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return text


def parse_query(schema: Schema, args: Mapping[str, str]) -> dict[str, Any]:
    """A page's query string through the API's schema: empty values are left out (a form's
    unset filter), unknown parameters ignored (a page may add its own), anything else the
    schema refuses is a ``BadInput`` (a 422 page naming the field)."""
    data = {k: v.strip() for k, v in args.items() if v.strip() and k in schema.fields}
    try:
        loaded: dict[str, Any] = schema.load(data, unknown=EXCLUDE)
    except ValidationError as err:
        raise BadInput(violations_from_marshmallow(err)) from None
    return loaded


@dataclass(frozen=True)
class FieldSpec:
    """One input: ``name`` is the violation path (``title``, ``details.locations``)."""

    name: str
    key: str
    label: Any
    kind: str  # text | textarea | select | multi
    required: bool
    choices: tuple[Code, ...] = ()
    hint: Any = ""

    @property
    def input_id(self) -> str:
        return "f-" + self.name.replace(".", "-")


def field_label(key: str, mfield: mfields.Field | None = None) -> Any:
    if mfield is not None and mfield.metadata.get("label"):
        # A plugin's Indonesian label; its English comes from the province's own catalogue.
        return _l(mfield.metadata["label"])
    return LABELS.get(key, key.replace("_", " ").capitalize())


def reference_list(
    key: str, runtime: ProvinceRuntime, reference: ReferenceData | None = None
) -> list[Code] | None:
    """The reference list a field takes its codes from, by naming convention: ``locations``,
    ``funding_source`` → ``funding_sources``, ``partner_opds`` → ``opds``; from ``reference``
    when given (the OPDs as the database has them, ``core.services.opds.live_reference``)."""
    lists = (reference or runtime.reference).lists
    for candidate in (key, f"{key}s", key.rsplit("_", 1)[-1]):
        if candidate in lists:
            return lists[candidate]
    return None


def filter_opds(runtime: ProvinceRuntime, actor: Actor) -> list[Code]:
    """The OPD filter's choices of the list and the matrix: every OPD of the province, inactive
    ones too (their activities are still listed), for whoever sees the whole province."""
    if not actor.province_wide:
        return []
    reference = live_reference(session(), runtime, actor.province_id, active_only=False)
    return reference.lists.get("opds", [])


def form_fields(
    runtime: ProvinceRuntime, reference: ReferenceData | None = None
) -> list[FieldSpec]:
    """The core fields, then the plugin's ``details`` fields in their declared order (coded
    ones with their choices from ``reference``, the plugin's lists by default)."""
    pillars = tuple(runtime.reference.lists.get("pillars", []))
    specs = [
        FieldSpec("title", "title", field_label("title"), "text", True),
        FieldSpec("description", "description", field_label("description"), "textarea", False),
        FieldSpec("pillar", "pillar", field_label("pillar"), "select", True, pillars),
    ]
    for key, mfield in runtime.details_schema.fields.items():
        choices = reference_list(key, runtime, reference)
        if isinstance(mfield, Choice):
            choices = [Code(c.code, translate(c.label)) for c in mfield.codes]
        multi = isinstance(mfield, mfields.List)
        if choices is not None:
            kind = "multi" if multi else "select"
        else:
            kind = "textarea" if key in LONG_TEXT else "text"
        specs.append(
            FieldSpec(
                f"details.{key}",
                key,
                field_label(key, mfield),
                kind,
                bool(mfield.required),
                tuple(choices or ()),
                HINTS.get(key, ""),
            )
        )
    return specs


@dataclass
class FormValues:
    """What the form shows: strings as typed (kept on error), lists for multi-selects, and one
    row per plan year (``target``, ``budget``)."""

    plan_id: str = ""
    version: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    years: dict[int, dict[str, str]] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        return self.values.get(name, "")


def plan_years(plans: Sequence[Plan], extra: Iterable[int] = ()) -> list[int]:
    years = {y for p in plans for y in range(p.start_year, p.end_year + 1)}
    return sorted(years | set(extra))


def from_activity(activity: Activity, specs: Sequence[FieldSpec]) -> FormValues:
    out = FormValues(plan_id=str(activity.plan_id), version=str(activity.version))
    details = activity.details or {}
    for spec in specs:
        raw = details.get(spec.key) if spec.name.startswith("details.") else None
        if not spec.name.startswith("details."):
            raw = getattr(activity, spec.key)
        if spec.kind == "multi":
            out.values[spec.name] = list(raw or [])
        else:
            out.values[spec.name] = "" if raw is None else str(raw)
    for y in activity.years:
        out.years[y.year] = {"target": y.target or "", "budget": _thousands(y.proposed_budget)}
    return out


def _thousands(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def from_request(form: MultiDict[str, str], specs: Sequence[FieldSpec]) -> FormValues:
    out = FormValues(plan_id=form.get("plan_id", ""), version=form.get("version", ""))
    for spec in specs:
        if spec.kind == "multi":
            out.values[spec.name] = form.getlist(spec.name)
        else:
            out.values[spec.name] = form.get(spec.name, "").strip()
    for key in form:
        m = re.fullmatch(r"years\.(\d{4})\.(target|budget)", key)
        if m:
            out.years.setdefault(int(m[1]), {})[m[2]] = form.get(key, "").strip()
    return out


def parse_amount(text: str) -> int | str:
    """An amount as officials write it ("150.000.000", "Rp150.000.000", "Rp 150.000.000,00",
    "150 juta": ``core.money.parse_rupiah``) → 150000000. Anything else is passed on as typed,
    so the core schema reports it with its own message."""
    amount = parse_rupiah(text)
    return text if amount is None else amount


def to_payload(
    values: FormValues, specs: Sequence[FieldSpec], *, for_update: bool
) -> tuple[dict[str, Any], list[int]]:
    """The API-shaped payload and, per ``years`` index, the year of its row (for errors).

    An empty input is left out of a new activity (so the core says "Wajib diisi.") and sent as
    null on an edit (the core removes that ``details`` key, then reports it if it is required).
    """
    payload: dict[str, Any] = {}
    details: dict[str, Any] = {}
    if not for_update:
        payload["plan_id"] = whole_number(values.plan_id)
    for spec in specs:
        value = values.values.get(spec.name)
        target = details if spec.name.startswith("details.") else payload
        if spec.kind == "multi":
            target[spec.key] = list(value or [])
        elif value:
            target[spec.key] = value
        elif for_update:
            target[spec.key] = None if target is details else value or ""
    payload["details"] = details
    rows: list[dict[str, Any]] = []
    index: list[int] = []
    for year in sorted(values.years):
        row = values.years[year]
        target_text, budget = row.get("target", ""), row.get("budget", "")
        if not target_text and not budget:
            continue
        item: dict[str, Any] = {"year": year, "target": target_text}
        if budget:
            item["proposed_budget"] = parse_amount(budget)
        rows.append(item)
        index.append(year)
    payload["years"] = rows
    return payload, index


def field_errors(
    violations: Iterable[Violation],
    specs: Sequence[FieldSpec],
    year_index: Sequence[int] = (),
    known: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Messages by input name; ``years.0.proposed_budget`` becomes ``years.2023.budget`` and
    anything without an input of its own goes under ``_form``."""
    names = {s.name for s in specs} | {"plan_id", "years", *known}
    out: dict[str, list[str]] = {}
    for v in violations:
        key = v.field
        m = re.fullmatch(r"years\.(\d+)\.(\w+)", key)
        if m and int(m[1]) < len(year_index):
            column = "budget" if m[2] == "proposed_budget" else m[2]
            key = f"years.{year_index[int(m[1])]}.{column}"
        elif key.startswith("details.") and key.count(".") > 1:
            key = key.rsplit(".", 1)[0]  # details.locations.0 → details.locations
        elif key not in names:
            key = "_form"
        out.setdefault(key, []).append(translate(v.message))
    return out


def describe(spec: FieldSpec | None, value: Any) -> str:
    """A stored value as a person reads it (codes as their labels)."""
    if value is None or value == "" or value == []:
        return "–"
    if spec is not None and spec.choices:
        labels = {c.code: translate(c.label) for c in spec.choices}
        items = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(str(v), str(v)) for v in items)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def by_name(specs: Sequence[FieldSpec]) -> Mapping[str, FieldSpec]:
    return {s.name: s for s in specs}
