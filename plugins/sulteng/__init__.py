"""Provinsi Sulawesi Tengah: RAD P3AKS 2025–2029, set by a Peraturan Gubernur.

What it exercises beyond Lampung: four pillars, a Pergub decree format, and an extra stage —
Biro Hukum's legal review between Bappeda's budget confirmation and the governor, since a Pergub
needs legal drafting; and in the progress-report workflow, Bappeda's evaluation between the Kepala
OPD and the Pokja secretariat's verification. Implements only hooks, with the names of the plugin
API (``core.plugin``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from marshmallow import Schema

from core.plugin import (
    N_,
    ActivityView,
    DemoData,
    Gate,
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
    return_report,
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
POKJA_ROLE = "pokja"
EVALUATION_ROLE = "bappeda"  # Bappeda evaluates the reports against the RPJMD's indicators

# The Pokja P3AKS (three reviewers from Bappeda, DP3A and Kesbangpol) reads the substance after
# the Kepala OPD: two of them must concur. An objection is recorded beside the others; only
# when two concurrences are out of reach does the activity go back to the OPD.
POKJA_GATE = Gate(
    parties=f"role:{POKJA_ROLE}",
    rule="quorum",
    quorum=2,
    on_objection="record",
    passes="lolos_pokja",
    objects="kembalikan_pokja",
    concur_action="setujui_pokja",
    object_action="keberatan_pokja",
    concur_label="Setujui sebagai anggota Pokja",
    object_label="Catat keberatan Pokja",
    label="Anggota Pokja P3AKS",
)


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
    # Province-wide: Biro Hukum reviews every OPD's activities, and so does the Pokja.
    return [RoleInfo(LEGAL_ROLE, "Reviu Biro Hukum"), RoleInfo(POKJA_ROLE, "Anggota Pokja P3AKS")]


@hookimpl
def customize_workflow(workflow: WorkflowBuilder) -> None:
    """Two of the three Pokja reviewers concur before Bappeda; every confirmed activity goes
    through Biro Hukum before the governor signs the Pergub."""
    workflow.add_state(
        State("pokja_review", "Reviu Pokja P3AKS", gate=POKJA_GATE), after="opd_review"
    )
    workflow.reroute(action="approve", source="opd_review", target="pokja_review")
    workflow.add_transition(
        Transition(POKJA_GATE.passes, "pokja_review", "budget_review", (), "Disetujui Pokja")
    )
    workflow.add_transition(
        replace(
            return_transition("pokja_review", POKJA_ROLE),
            action=POKJA_GATE.objects or "",
            roles=(),
            label="Dikembalikan: kuorum Pokja tidak tercapai",
        )
    )
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
def customize_report_workflow(workflow: WorkflowBuilder) -> None:
    """Bappeda evaluates every progress report the Kepala OPD approved (Evaluasi Bappeda: the
    realisation against the RPJMD's indicators) before the Pokja secretariat verifies it; it
    may send the report back to the OPD with a note, as the other reviewers may."""
    workflow.add_state(
        State("bappeda_evaluation", "Evaluasi Bappeda", stage_role=EVALUATION_ROLE),
        after="head_review",
    )
    workflow.reroute(action="approve", source="head_review", target="bappeda_evaluation")
    workflow.add_transition(
        Transition(
            "evaluate",
            "bappeda_evaluation",
            "pokja_verification",
            (EVALUATION_ROLE,),
            "Nyatakan telah dievaluasi",
            four_eyes=True,
        )
    )
    workflow.add_transition(return_report("bappeda_evaluation", EVALUATION_ROLE))


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
