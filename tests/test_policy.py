"""``core.policy``: every demo user against every question the API, the pages and the use cases
ask, from one table (as tests/api/test_authz_matrix.py does for the endpoints)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from core.access import Actor, Grant
from core.errors import NotAllowed
from core.models import Opd, Province
from core.policy import (
    drafting_opd,
    ensure_may_draft,
    ensure_may_edit,
    ensure_may_set_pagu,
    ensure_may_sign_in_batch,
    may_confirm_budget,
    may_draft,
    may_edit,
    may_edit_now,
    may_set_pagu,
    may_sign_in_batch,
    signing_roles,
)
from core.testing import Harness
from core.workflow import State, Workflow

# user: (drafts, edits DPPPA's, edits Dinsos', sets pagu, confirms budget, signs in batch)
TABLE = {
    "dpppa.staf": (True, True, False, False, False, False),
    "dpppa.kepala": (False, False, False, False, False, False),
    "dinsos.staf": (True, False, True, False, False, False),
    "kesbangpol.reviu": (False, False, False, False, False, False),
    "bappeda.verifikator": (False, False, False, False, True, False),
    "gubernur": (False, False, False, False, False, True),
    "admin.lampung": (False, False, False, True, False, False),
    "auditor": (False, False, False, False, False, False),
}


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def opd_ids(h: Harness) -> dict[str, int]:
    with h.session() as s:
        rows = s.execute(select(Opd.id, Opd.code).join(Province).where(Province.code == h.province))
        return {code: i for i, code in rows}


def refused(call: object) -> bool:
    try:
        call()  # type: ignore[operator]
    except NotAllowed:
        return True
    return False


@pytest.mark.parametrize("username", sorted(TABLE))
def test_every_demo_user(harness: Harness, username: str) -> None:
    drafts, edits_own, edits_other, pagu, budget, signs = TABLE[username]
    actor = harness.actor(username)
    opd = opd_ids(harness)
    workflow = harness.runtime.workflow
    assert may_draft(actor) is drafts
    assert refused(lambda: ensure_may_draft(actor)) is not drafts
    assert may_edit(actor, opd["dpppa"]) is edits_own
    assert may_edit(actor, opd["dinsos"]) is edits_other
    assert refused(lambda: ensure_may_edit(actor, opd["dpppa"])) is not edits_own
    assert may_set_pagu(actor) is pagu
    assert refused(lambda: ensure_may_set_pagu(actor)) is not pagu
    assert may_confirm_budget(actor, workflow) is budget
    assert may_sign_in_batch(actor, workflow) is signs
    assert refused(lambda: ensure_may_sign_in_batch(actor, workflow)) is not signs


def test_a_drafter_drafts_for_their_own_opd(harness: Harness) -> None:
    assert drafting_opd(harness.actor("dinsos.staf")) == opd_ids(harness)["dinsos"]
    assert drafting_opd(harness.actor("gubernur")) is None


def test_editing_is_offered_only_in_an_editable_state(harness: Harness) -> None:
    actor = harness.actor("dpppa.staf")
    dpppa = opd_ids(harness)["dpppa"]
    assert may_edit_now(actor, dpppa, State("draft", "Draf", editable=True))
    assert not may_edit_now(actor, dpppa, State("opd_review", "Reviu"))
    assert not may_edit_now(actor, dpppa, None)  # a state the workflow no longer knows


def test_batch_sign_off_follows_the_role_that_signs(harness: Harness) -> None:
    """A province where the regent signs: the governor may no longer sign in batch."""
    workflow = harness.runtime.workflow
    assert signing_roles(workflow) == {"governor"}
    regent_signs = Workflow(
        workflow.province,
        workflow.version,
        workflow.states,
        tuple(
            dataclasses.replace(t, roles=("bupati",)) if "governor" in t.roles else t
            for t in workflow.transitions
        ),
    )
    governor = harness.actor("gubernur")
    regent = dataclasses.replace(governor, grants=(Grant("bupati", None, None, False),))
    assert isinstance(regent, Actor)
    assert not may_sign_in_batch(governor, regent_signs)
    assert may_sign_in_batch(regent, regent_signs)
