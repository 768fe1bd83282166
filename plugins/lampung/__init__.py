"""Provinsi Lampung: RAD P3AKS 2022–2024 (Keputusan Gubernur Lampung G/288/V.09/HK/2022).

Implements only hooks (``core.hookspecs``); never reaches into core internals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from marshmallow import Schema

from core.errors import Violation
from core.hookspecs import hookimpl
from core.schemas import IdSchema, Str, StrList, length
from core.types import (
    ActivityView,
    DemoData,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    RoleInfo,
)
from core.workflow import State, Transition, WorkflowBuilder, return_transition
from plugins.lampung import reference as ref
from plugins.lampung.demo import DEMO

CODE = "lampung"
SUB_ACTIVITY = re.compile(r"^\d\.\d{2}\.\d{2}\.\d\.\d{2}\.\d{4}$")
DECREE = re.compile(r"^G/\d+/[A-Z0-9.]+/HK/(\d{4})$")
CEILING_WARNING = 0.9


@hookimpl
def province_info() -> ProvinceInfo:
    return ProvinceInfo(
        code=CODE,
        name="Provinsi Lampung",
        decree_format="G/<nomor>/<kode unit>/HK/<tahun>, mis. G/288/V.09/HK/2022",
        plans=(
            PlanInfo(
                code="rad-p3aks-2022-2024",
                title="RAD P3AKS Provinsi Lampung 2022–2024",
                decree_number="Keputusan Gubernur Lampung Nomor G/288/V.09/HK/2022",
                decree_date=dt.date(2022, 4, 20),
                start_year=2022,
                end_year=2024,
            ),
        ),
    )


@hookimpl
def reference_data(reference: ReferenceData) -> None:
    reference.lists.update(
        {
            "opds": list(ref.OPDS),
            "pillars": list(ref.PILLARS),
            "locations": list(ref.LOCATIONS),
            "funding_sources": list(ref.FUNDING_SOURCES),
            "target_groups": list(ref.TARGET_GROUPS),
            "conflict_types": list(ref.CONFLICT_TYPES),
        }
    )


class LampungDetails(IdSchema):
    """Lampung's form fields (``details``); codes are checked against the reference lists by
    ``validate_activity`` so the message can name the unknown code."""

    target_group = Str(required=True, validate=length(1, 40))
    locations = StrList(required=True)
    indicator = Str(required=True, validate=length(3, 300))
    sub_activity_code = Str(required=True, validate=length(1, 40))
    funding_source = Str(required=True, validate=length(1, 40))
    conflict_types = StrList(load_default=list)
    partner_opds = StrList(load_default=list)


@hookimpl
def activity_details_schema() -> type[Schema]:
    return LampungDetails


def _unknown(details: dict[str, Any], key: str, allowed: set[str], label: str) -> list[Violation]:
    value = details.get(key)
    values = value if isinstance(value, list) else [value] if value is not None else []
    return [
        Violation(f"{key}_unknown", f"{label} '{v}' tidak dikenal.", f"details.{key}")
        for v in values
        if v not in allowed
    ]


@hookimpl
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:
    d = activity.details
    out: list[Violation] = []
    code = d.get("sub_activity_code")
    if code is not None and not SUB_ACTIVITY.match(code):
        out.append(
            Violation(
                "sub_activity_code_format",
                "Kode sub-kegiatan harus enam bagian, mis. 2.08.03.1.01.0001.",
                "details.sub_activity_code",
            )
        )
    if "locations" in d and not d["locations"]:
        out.append(
            Violation(
                "locations_required", "Pilih paling sedikit satu lokasi.", "details.locations"
            )
        )
    out += _unknown(d, "locations", reference.codes("locations"), "Lokasi")
    out += _unknown(d, "target_group", reference.codes("target_groups"), "Kelompok sasaran")
    out += _unknown(d, "funding_source", reference.codes("funding_sources"), "Sumber dana")
    out += _unknown(d, "conflict_types", reference.codes("conflict_types"), "Jenis konflik")
    out += _unknown(d, "partner_opds", reference.codes("opds"), "OPD mitra")
    return out


@hookimpl
def extra_roles() -> list[RoleInfo]:
    return [RoleInfo("kesbangpol", "Reviu Badan Kesbangpol")]


def needs_kesbangpol(activity: ActivityView) -> bool:
    return bool(ref.KESBANGPOL_CONFLICTS & set(activity.details.get("conflict_types") or ()))


@hookimpl
def workflow_conditions() -> dict[str, Callable[[ActivityView], bool]]:
    return {"kesbangpol_conflict": needs_kesbangpol}


@hookimpl
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """Land and intolerance conflicts get Badan Kesbangpol's review before Bappeda."""
    workflow.add_state(
        State("kesbangpol_review", "Reviu Badan Kesbangpol", stage_role="kesbangpol"),
        after="opd_review",
    )
    workflow.reroute(
        action="approve",
        source="opd_review",
        target="kesbangpol_review",
        when="kesbangpol_conflict",
    )
    workflow.add_transition(
        Transition(
            "endorse", "kesbangpol_review", "budget_review", ("kesbangpol",), "Rekomendasikan"
        )
    )
    workflow.add_transition(return_transition("kesbangpol_review", "kesbangpol"))


@hookimpl
def transition_rules(
    activity: ActivityView,
    transition: Transition,
    actor_id: int,
    payload: dict[str, Any],
    reference: ReferenceData,
    ceilings: dict[int, dict[str, int]],
) -> list[Violation]:
    out: list[Violation] = []
    decree = (payload.get("decree_number") or "").strip()
    if transition.target == "signed" and decree and not DECREE.match(decree):
        out.append(
            Violation(
                "decree_number_format",
                "Nomor keputusan harus berformat G/<nomor>/<kode unit>/HK/<tahun>, "
                "mis. G/288/V.09/HK/2022.",
                "decree_number",
            )
        )
    for year, c in sorted(ceilings.items()):
        if c["ceiling"] and c["confirmed"] >= CEILING_WARNING * c["ceiling"]:
            used = c["confirmed"] * 100 // c["ceiling"]
            out.append(
                Violation(
                    "ceiling_near",
                    f"Pagu OPD tahun {year} akan terpakai {used}%.",
                    warning=True,
                )
            )
    return out


@hookimpl
def demo_data() -> DemoData:
    return DEMO
