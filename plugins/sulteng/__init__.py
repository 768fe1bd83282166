"""Provinsi Sulawesi Tengah: RAD P3AKS 2025–2029, set by a Peraturan Gubernur.

What it exercises beyond Lampung: four pillars, a Pergub decree format, and an extra stage —
Biro Hukum's legal review between Bappeda's budget confirmation and the governor, since a Pergub
needs legal drafting. Implements only hooks, with the names of the plugin API (``core.plugin``).
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema

from core.plugin import (
    N_,
    ActivityView,
    DemoData,
    P3aksConflictDetails,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    RoleInfo,
    State,
    Transition,
    Violation,
    WorkflowBuilder,
    ceiling_warnings,
    check_codes,
    code_lists,
    decree_violations,
    hookimpl,
    p3aks_coded_fields,
    p3aks_violations,
    return_transition,
)
from plugins.sulteng import reference as ref
from plugins.sulteng.demo import DEMO

CODE = "sulteng"
DECREE = re.compile(r"^Peraturan Gubernur Sulawesi Tengah Nomor [1-9]\d* Tahun (\d{4})$")
DECREE_FORMAT = (
    "Peraturan Gubernur Sulawesi Tengah Nomor <nomor> Tahun <tahun>, "
    "mis. Peraturan Gubernur Sulawesi Tengah Nomor 21 Tahun 2025"
)
CEILING_WARNING = 0.9
LEGAL_ROLE = "biro_hukum"


@hookimpl
def province_info() -> ProvinceInfo:
    return ProvinceInfo(
        code=CODE,
        name="Provinsi Sulawesi Tengah",
        decree_format=DECREE_FORMAT,
        timezone="Asia/Makassar",  # WITA (UTC+8): Palu reads its own clock
        registration_prefix="STG",
        plans=(
            PlanInfo(
                code="rad-p3aks-2025-2029",
                title="RAD P3AKS Provinsi Sulawesi Tengah 2025–2029",
                # The Pergub was drafted in 2025 (DOMAIN.md); its number is not known yet.
                decree_number="Rancangan Peraturan Gubernur Sulawesi Tengah tentang RAD P3AKS",
                decree_date=None,
                start_year=2025,
                end_year=2029,
            ),
        ),
    )


@hookimpl
def reference_data(reference: ReferenceData) -> None:
    reference.lists.update(code_lists(ref))


@hookimpl
def activity_details_schema() -> type[Schema]:
    return P3aksConflictDetails


CODED_FIELDS = p3aks_coded_fields(locations_label=N_("Kabupaten/kota"))


@hookimpl
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:
    return p3aks_violations(activity.details) + check_codes(
        activity.details, reference, CODED_FIELDS
    )


@hookimpl
def extra_roles() -> list[RoleInfo]:
    # Province-wide: Biro Hukum reviews every OPD's activities.
    return [RoleInfo(LEGAL_ROLE, "Reviu Biro Hukum")]


@hookimpl
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """Every confirmed activity goes through Biro Hukum before the governor signs the Pergub."""
    workflow.add_state(
        State("legal_review", "Reviu Biro Hukum", stage_role=LEGAL_ROLE), after="budget_review"
    )
    workflow.reroute(action="confirm_budget", source="budget_review", target="legal_review")
    workflow.add_transition(
        Transition(
            "clear_legal",
            "legal_review",
            "governor_signoff",
            (LEGAL_ROLE,),
            "Nyatakan sesuai kaidah hukum",
        )
    )
    workflow.add_transition(return_transition("legal_review", LEGAL_ROLE))


@hookimpl
def transition_rules(
    activity: ActivityView,
    transition: Transition,
    actor_id: int,
    payload: dict[str, Any],
    reference: ReferenceData,
    ceilings: dict[int, dict[str, int]],
) -> list[Violation]:
    return decree_violations(transition, payload, DECREE, DECREE_FORMAT) + ceiling_warnings(
        ceilings, CEILING_WARNING
    )


@hookimpl
def demo_data() -> DemoData:
    return DEMO
