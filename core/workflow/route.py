"""The core route: draft → OPD review → budget confirmation → governor sign-off, with return
for revision and rejection. The only module that gives the core actions and states their names
and their meaning; provinces change it through ``customize_workflow``. Labels are what a user
reads: Bahasa Indonesia."""

from __future__ import annotations

from core.workflow.model import State, StateKind, Transition, WorkflowBuilder

CORE_STATES: tuple[State, ...] = (
    State("draft", "Draf", editable=True, stage_role="opd_staff", kind=StateKind.DRAFTING),
    State("opd_review", "Reviu Kepala OPD", stage_role="opd_head"),
    State(
        "budget_review", "Verifikasi Anggaran Bappeda", stage_role="bappeda", kind=StateKind.BUDGET
    ),
    State(
        "governor_signoff",
        "Menunggu Penetapan Gubernur",
        stage_role="governor",
        kind=StateKind.SIGNOFF,
    ),
    State("signed", "Ditetapkan", final=True, kind=StateKind.APPROVED),
    State(
        "returned",
        "Dikembalikan untuk Revisi",
        editable=True,
        stage_role="opd_staff",
        kind=StateKind.RETURNED,
    ),
    State("rejected", "Ditolak", final=True, kind=StateKind.REJECTED),
)


def return_transition(source: str, role: str, *, target: str = "returned") -> Transition:
    """Send back for revision from ``source`` (a note required; the confirmed budget, if any,
    goes back to the pagu; a new revision round starts)."""
    return Transition(
        "return",
        source,
        target,
        (role,),
        "Kembalikan untuk revisi",
        comment_required=True,
        counts_round=True,
        releases_budget=True,
        sends_back=True,
    )


def reject_transition(source: str, role: str, *, target: str = "rejected") -> Transition:
    """Refuse for good from ``source`` (a note required; the confirmed budget is released)."""
    return Transition(
        "reject",
        source,
        target,
        (role,),
        "Tolak",
        comment_required=True,
        releases_budget=True,
    )


CORE_TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "draft", "opd_review", ("opd_staff",), "Ajukan", records_submitter=True),
    Transition(
        "submit",
        "returned",
        "opd_review",
        ("opd_staff",),
        "Ajukan kembali",
        records_submitter=True,
    ),
    Transition("approve", "opd_review", "budget_review", ("opd_head",), "Setujui", four_eyes=True),
    # Before the Kepala OPD acts, the submitter may take it back to the draft.
    Transition("withdraw", "opd_review", "draft", ("opd_staff",), "Tarik kembali", withdraws=True),
    Transition(
        "confirm_budget",
        "budget_review",
        "governor_signoff",
        ("bappeda",),
        "Konfirmasi anggaran",
        books_budget=True,
    ),
    Transition(
        "sign", "governor_signoff", "signed", ("governor",), "Tetapkan", requires_decree=True
    ),
    return_transition("opd_review", "opd_head"),
    return_transition("budget_review", "bappeda"),
    return_transition("governor_signoff", "governor"),
    reject_transition("budget_review", "bappeda"),
    reject_transition("governor_signoff", "governor"),
)


def core_builder(province: str) -> WorkflowBuilder:
    return WorkflowBuilder(province, CORE_STATES, CORE_TRANSITIONS)
