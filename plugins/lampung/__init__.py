"""Provinsi Lampung: RAD P3AKS 2022–2024 (Keputusan Gubernur Lampung G/288/V.09/HK/2022).

Implements only hooks, with the names of the plugin API (``core.plugin``); never reaches into
core internals.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from marshmallow import Schema

from core.plugin import (
    ActivityView,
    Condition,
    DemoData,
    Gate,
    P3aksConflictDetails,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    ReportingPeriod,
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
from plugins.lampung import reference as ref
from plugins.lampung.demo import DEMO

CODE = "lampung"
DECREE = re.compile(r"^G/\d+/[A-Z0-9.]+/HK/(\d{4})$")
CEILING_WARNING = 0.9


@hookimpl
def province_info() -> ProvinceInfo:
    return ProvinceInfo(
        code=CODE,
        name="Provinsi Lampung",
        decree_format="G/<nomor>/<kode unit>/HK/<tahun>, mis. G/288/V.09/HK/2022",
        timezone="Asia/Jakarta",  # WIB
        registration_prefix="LPG",
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
    reference.lists.update(code_lists(ref))


@hookimpl
def activity_details_schema() -> type[Schema]:
    return P3aksConflictDetails


CODED_FIELDS = p3aks_coded_fields(locations_label="Lokasi")


@hookimpl
def validate_activity(activity: ActivityView, reference: ReferenceData) -> list[Violation]:
    return p3aks_violations(activity.details) + check_codes(
        activity.details, reference, CODED_FIELDS
    )


@hookimpl
def extra_roles() -> list[RoleInfo]:
    return [RoleInfo("kesbangpol", "Reviu Badan Kesbangpol")]


def needs_kesbangpol(activity: ActivityView) -> bool:
    return bool(ref.KESBANGPOL_CONFLICTS & set(activity.details.get("conflict_types") or ()))


# Every partner OPD's Kepala OPD concurs; one objection returns the activity with its note.
PARTNER_GATE = Gate(
    parties="partner_opd_heads",
    passes="lanjut_dari_mitra",
    objects="kembalikan_dari_mitra",
    concur_action="setujui_mitra",
    object_action="keberatan_mitra",
    concur_label="Setujui sebagai OPD mitra",
    object_label="Ajukan keberatan sebagai OPD mitra",
    label="Kepala OPD mitra",
)


def has_partners(activity: ActivityView) -> bool:
    return bool(PARTNER_GATE.partner_opds(activity))


@hookimpl
def workflow_conditions() -> dict[str, Callable[[ActivityView], bool]]:
    # The labels are what the workflow page reads after "jika" (if).
    return {
        "kesbangpol_conflict": Condition("jenis konflik lahan atau intoleransi", needs_kesbangpol),
        "has_partners": Condition("ada OPD mitra", has_partners),
    }


@hookimpl
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """An activity with partner OPDs waits for every partner's Kepala OPD after its own Kepala
    OPD approves (Persetujuan OPD mitra); land and intolerance conflicts then get Badan
    Kesbangpol's review before Bappeda."""
    workflow.add_state(
        State("partner_review", "Persetujuan OPD mitra", gate=PARTNER_GATE), after="opd_review"
    )
    workflow.add_state(
        State("kesbangpol_review", "Reviu Badan Kesbangpol", stage_role="kesbangpol"),
        after="partner_review",
    )
    # Tried in the order added: partners first, then the Kesbangpol route, then Bappeda.
    workflow.reroute(
        action="approve", source="opd_review", target="partner_review", when="has_partners"
    )
    workflow.reroute(
        action="approve",
        source="opd_review",
        target="kesbangpol_review",
        when="kesbangpol_conflict",
    )
    passed = Transition(
        PARTNER_GATE.passes, "partner_review", "budget_review", (), "Disetujui semua OPD mitra"
    )
    workflow.add_transition(replace(passed, target="kesbangpol_review", when="kesbangpol_conflict"))
    workflow.add_transition(passed)
    workflow.add_transition(
        replace(
            return_transition("partner_review", "opd_head"),
            action=PARTNER_GATE.objects or "",
            roles=(),
            label="Dikembalikan atas keberatan OPD mitra",
        )
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
    return decree_violations(
        transition, payload, DECREE, "G/<nomor>/<kode unit>/HK/<tahun>, mis. G/288/V.09/HK/2022"
    ) + ceiling_warnings(ceilings, CEILING_WARNING)


@hookimpl
def reporting_periods(plan: PlanInfo, year: int) -> list[ReportingPeriod]:
    """Lampung's OPDs report to the Pokja P3AKS per semester, by the tenth of the month after
    it (the planning calendar may move a year's due date)."""
    return [
        ReportingPeriod(
            "S1", "Semester I", dt.date(year, 1, 1), dt.date(year, 6, 30), dt.date(year, 7, 10)
        ),
        ReportingPeriod(
            "S2",
            "Semester II",
            dt.date(year, 7, 1),
            dt.date(year, 12, 31),
            dt.date(year + 1, 1, 10),
        ),
    ]


@hookimpl
def demo_data() -> DemoData:
    return DEMO
