"""The core route of a progress report (issue 14): drafted by the OPD's operator, approved by
the Kepala OPD, verified by the Pokja P3AKS secretariat, accepted; returned with a note at each
review step. The only module that names the report's actions and states; provinces change it
through ``customize_report_workflow`` with the same ``WorkflowBuilder`` as activities. Labels
are what a user reads: Bahasa Indonesia."""

from __future__ import annotations

from core.messages import N_
from core.workflow.model import State, StateKind, Transition, WorkflowBuilder

REPORT_SUBJECT = "report"  # the workflow type (``Workflow.subject``)
POKJA_ROLE = "pokja"  # the Pokja P3AKS secretariat (Perpres 18/2014 Art. 23; Lampung: DPPPA)

REPORT_STATES: tuple[State, ...] = (
    State(
        "draft", N_("Draf Laporan"), editable=True, stage_role="opd_staff", kind=StateKind.DRAFTING
    ),
    State("head_review", N_("Persetujuan Kepala OPD"), stage_role="opd_head"),
    State("pokja_verification", N_("Verifikasi Sekretariat Pokja"), stage_role=POKJA_ROLE),
    State("accepted", N_("Diterima"), final=True, kind=StateKind.APPROVED),
    State(
        "returned",
        N_("Dikembalikan untuk Perbaikan"),
        editable=True,
        stage_role="opd_staff",
        kind=StateKind.RETURNED,
    ),
)


def return_report(source: str, role: str, *, target: str = "returned") -> Transition:
    """Send a report back from ``source`` for correction (a note required; a new round)."""
    return Transition(
        "return",
        source,
        target,
        (role,),
        N_("Kembalikan untuk perbaikan"),
        comment_required=True,
        counts_round=True,
        sends_back=True,
    )


REPORT_TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit", "draft", "head_review", ("opd_staff",), N_("Ajukan"), records_submitter=True
    ),
    Transition(
        "submit",
        "returned",
        "head_review",
        ("opd_staff",),
        N_("Ajukan kembali"),
        records_submitter=True,
    ),
    Transition(
        "withdraw", "head_review", "draft", ("opd_staff",), N_("Tarik kembali"), withdraws=True
    ),
    Transition(
        "approve", "head_review", "pokja_verification", ("opd_head",), N_("Setujui"), four_eyes=True
    ),
    Transition(
        "verify", "pokja_verification", "accepted", (POKJA_ROLE,), N_("Verifikasi"), four_eyes=True
    ),
    return_report("head_review", "opd_head"),
    return_report("pokja_verification", POKJA_ROLE),
)


def report_builder(province: str) -> WorkflowBuilder:
    return WorkflowBuilder(province, REPORT_STATES, REPORT_TRANSITIONS, subject=REPORT_SUBJECT)
