"""Who may do what: the one answer the use cases, the API and the pages all ask for.

Each rule is a ``may_*`` predicate, for a view deciding what to offer, and, where a use case
refuses, an ``ensure_*`` raising ``NotAllowed`` with the message the API answers (403). Scope,
which province and OPDs an actor sees at all, stays ``core.access``'s; a thing outside it is
``NotFound``, decided before any of these. Moving an activity along its workflow is the
engine's (the roles of each transition, core.services.transitions); this module answers the
questions around it: drafting, editing, setting pagu and signing a batch under one decree.
"""

from __future__ import annotations

from core.access import Actor
from core.errors import Conflict, NotAllowed
from core.workflow import State, StateKind, Workflow

DRAFTER_ROLE = "opd_staff"  # drafts and edits their own OPD's activities
PAGU_ROLE = "admin"  # the province admin sets every OPD's pagu
ADMIN_ROLE = PAGU_ROLE  # ... and administers the province: accounts, OPDs, acting, calendar
AUDITOR_ROLE = "viewer"  # reads the province's audit, the admin log included


def drafting_opd(actor: Actor) -> int | None:
    """The OPD the actor drafts activities for, if any."""
    return next(
        (g.opd_id for g in actor.grants if g.role == DRAFTER_ROLE and g.opd_id is not None),
        None,
    )


def may_draft(actor: Actor) -> bool:
    return drafting_opd(actor) is not None


def ensure_may_draft(actor: Actor) -> int:
    """The OPD the new activity belongs to, or ``NotAllowed``."""
    opd_id = drafting_opd(actor)
    if opd_id is None:
        raise NotAllowed("Hanya operator OPD yang dapat menyusun kegiatan.")
    return opd_id


def may_edit(actor: Actor, opd_id: int) -> bool:
    """Whether the actor's role lets them edit this OPD's activities (whether the activity's
    state allows editing at all is ``may_edit_now``)."""
    return actor.holds(DRAFTER_ROLE, opd_id)


def ensure_may_edit(actor: Actor, opd_id: int) -> None:
    if not may_edit(actor, opd_id):
        raise NotAllowed("Hanya operator OPD pemilik kegiatan yang dapat mengubahnya.")


def may_edit_now(actor: Actor, opd_id: int, state: State | None) -> bool:
    """Whether to offer editing: the role, and a state the workflow marks ``editable``."""
    return bool(state and state.editable) and may_edit(actor, opd_id)


def may_discard_draft(
    actor: Actor, opd_id: int, state: State | None, submitted_by_id: int | None
) -> bool:
    """Whether to offer *Hapus draf*: the OPD's operator, on a draft (a ``drafting`` state)
    that was never submitted (nobody else has seen it; a withdrawn submission stays)."""
    drafting = state is not None and state.kind is StateKind.DRAFTING
    return drafting and submitted_by_id is None and may_edit(actor, opd_id)


def ensure_may_discard_draft(
    actor: Actor, opd_id: int, state: State | None, submitted_by_id: int | None
) -> None:
    ensure_may_edit(actor, opd_id)
    if not may_discard_draft(actor, opd_id, state, submitted_by_id):
        raise Conflict("Hanya draf yang belum pernah diajukan yang dapat dihapus.")


def may_set_pagu(actor: Actor) -> bool:
    return actor.holds(PAGU_ROLE)


def ensure_may_set_pagu(actor: Actor) -> None:
    if not may_set_pagu(actor):
        raise NotAllowed("Hanya admin provinsi yang dapat menetapkan pagu OPD.")


def may_administer(actor: Actor) -> bool:
    """Accounts, OPDs, acting officials and the planning calendar of the actor's own province
    (scope: a province admin never sees another province's records at all)."""
    return actor.holds(ADMIN_ROLE)


def ensure_may_administer(actor: Actor) -> None:
    if not may_administer(actor):
        raise NotAllowed("Hanya admin provinsi yang dapat mengelola data ini.")


def may_extend_calendar(actor: Actor, workflow: Workflow) -> bool:
    """Extending a window of the planning calendar: the province admin, or whoever confirms
    budgets (Bappeda, found by the move that ``books_budget``, whatever a province calls it)."""
    return may_administer(actor) or may_confirm_budget(actor, workflow)


def ensure_may_extend_calendar(actor: Actor, workflow: Workflow) -> None:
    if not may_extend_calendar(actor, workflow):
        raise NotAllowed("Hanya admin provinsi dan Bappeda yang dapat memperpanjang jadwal.")


def may_read_calendar(actor: Actor, workflow: Workflow) -> bool:
    """The calendar's page and API are for those who set or extend it; everybody else reads
    its deadlines in their queues and on the dashboard."""
    return may_extend_calendar(actor, workflow)


def ensure_may_read_calendar(actor: Actor, workflow: Workflow) -> None:
    if not may_read_calendar(actor, workflow):
        raise NotAllowed(
            "Hanya admin provinsi dan Bappeda yang dapat membuka kalender perencanaan."
        )


def may_read_admin_audit(actor: Actor) -> bool:
    return actor.holds(ADMIN_ROLE) or actor.holds(AUDITOR_ROLE)


def ensure_may_read_admin_audit(actor: Actor) -> None:
    if not may_read_admin_audit(actor):
        raise NotAllowed("Hanya admin provinsi dan auditor yang dapat membaca log administrasi.")


def signing_roles(workflow: Workflow) -> frozenset[str]:
    """The roles that take a move setting an activity by decree (what batch sign-off makes),
    whatever the province calls it."""
    return frozenset(workflow.roles_for(lambda t: t.requires_decree))


def may_confirm_budget(actor: Actor, workflow: Workflow) -> bool:
    """Whether the actor holds a role of a move that books budget against pagu: the budget
    queue is theirs (each confirmation is still the engine's to allow)."""
    return bool(workflow.roles_for(lambda t: t.books_budget) & set(actor.roles))


def may_sign_in_batch(actor: Actor, workflow: Workflow) -> bool:
    """Whether the actor holds a role that signs: then batch sign-off is theirs to use (each
    activity is still checked by the engine: scope, state, four-eyes, the decree)."""
    return bool(signing_roles(workflow) & set(actor.roles))


def ensure_may_sign_in_batch(actor: Actor, workflow: Workflow) -> None:
    if not may_sign_in_batch(actor, workflow):
        raise NotAllowed("Peran Anda tidak berwenang menetapkan kegiatan.")


__all__ = [
    "ADMIN_ROLE",
    "AUDITOR_ROLE",
    "DRAFTER_ROLE",
    "PAGU_ROLE",
    "drafting_opd",
    "ensure_may_administer",
    "ensure_may_draft",
    "ensure_may_edit",
    "ensure_may_extend_calendar",
    "ensure_may_read_admin_audit",
    "ensure_may_read_calendar",
    "ensure_may_set_pagu",
    "ensure_may_sign_in_batch",
    "may_administer",
    "may_confirm_budget",
    "may_draft",
    "may_edit",
    "may_edit_now",
    "may_extend_calendar",
    "may_read_admin_audit",
    "may_read_calendar",
    "may_set_pagu",
    "may_sign_in_batch",
    "signing_roles",
]


def may_decide_at_gates(actor: Actor, workflow: Workflow) -> bool:
    """Whether the actor holds the role some gate's parties decide in (their queue of pending
    decisions, ``/persetujuan``)."""
    return any(s.gate is not None and s.gate.role in actor.roles for s in workflow.states)
