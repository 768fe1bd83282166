"""Core guards of the state machine, each on its own (both backends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import delete, func, select

from core.errors import Conflict, NotAllowed, RuleFailed, StaleVersion
from core.models import AuditEntry, Ceiling, Opd, OutboxMessage, RoleAssignment, User
from core.security import hash_password
from core.testing import Harness, reset

TO_BUDGET = (("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
TO_SIGNOFF = (*TO_BUDGET, ("bappeda.verifikator", "confirm_budget"))


def audit_count(h: Harness, activity_id: int) -> int:
    with h.session() as s:
        return s.execute(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.activity_id == activity_id)
        ).scalar_one()


def confirmed(h: Harness, opd: str, year: int) -> int:
    with h.session() as s:
        return s.execute(
            select(Ceiling.confirmed)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == opd, Ceiling.year == year)
        ).scalar_one()


def assert_unchanged(h: Harness, activity_id: int, state: str, version: int, audits: int) -> None:
    assert h.state(activity_id) == state
    assert h.version(activity_id) == version
    assert audit_count(h, activity_id) == audits


def test_stale_version_is_refused_and_changes_nothing(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    with harness.session() as s:
        from core.services import transition

        with pytest.raises(StaleVersion):
            transition(s, harness.registry, harness.actor("dpppa.staf"), a.id, "submit", 99)
    assert_unchanged(harness, a.id, "draft", 1, 1)


def test_action_not_available_in_state_is_a_conflict(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    with pytest.raises(Conflict) as err:
        harness.act("gubernur", a.id, "sign", decree_number="G/1/V.09/HK/2023")
    assert not isinstance(err.value, StaleVersion)
    assert "Draf" in err.value.message
    assert_unchanged(harness, a.id, "draft", 1, 1)


def test_unknown_action_is_a_rule_failure(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    with pytest.raises(RuleFailed) as err:
        harness.act("dpppa.staf", a.id, "publish")
    assert err.value.codes() == ["action_unknown"]


@pytest.mark.parametrize(
    ("steps", "user", "action"),
    [
        ((("dpppa.staf", "submit"),), "dpppa.kepala", "return"),
        (TO_BUDGET, "bappeda.verifikator", "return"),
        (TO_BUDGET, "bappeda.verifikator", "reject"),
        (TO_SIGNOFF, "gubernur", "return"),
        (TO_SIGNOFF, "gubernur", "reject"),
    ],
)
def test_return_and_reject_need_a_comment(harness: Harness, payload, steps, user, action) -> None:
    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, *steps)
    state, version, audits = harness.state(a.id), harness.version(a.id), audit_count(harness, a.id)
    for blank in (None, "", "   "):
        with pytest.raises(RuleFailed) as err:
            harness.act(user, a.id, action, comment=blank)
        assert err.value.codes() == ["comment_required"]
        assert err.value.by_field() == {"comment": ["Catatan wajib diisi."]}
    assert_unchanged(harness, a.id, state, version, audits)
    harness.act(user, a.id, action, comment="Belum sesuai RAD.")


@pytest.fixture
def acting_head(harness: Harness) -> Iterator[str]:
    """A Plt. head of DPPPA who also drafts (holds opd_staff and opd_head)."""
    with harness.session() as s:
        opd = s.execute(select(Opd).where(Opd.code == "dpppa")).scalar_one()
        user = User(
            username="dpppa.plt",
            full_name="Plt. Kepala DPPPA",
            password_hash=hash_password("x"),
            province_id=opd.province_id,
        )
        user.roles = [
            RoleAssignment(role=r, province_id=opd.province_id, opd_id=opd.id)
            for r in ("opd_staff", "opd_head")
        ]
        s.add(user)
        s.commit()
        user_id = user.id
    yield "dpppa.plt"
    reset(harness.factory)  # the activities this user made refer to it
    with harness.session() as s:
        s.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user_id))
        s.execute(delete(User).where(User.id == user_id))
        s.commit()


def test_four_eyes_submitter_cannot_approve(harness: Harness, payload, acting_head: str) -> None:
    from core.services import available_actions

    a = harness.create(acting_head, payload())
    harness.act(acting_head, a.id, "submit")
    with harness.session() as s:
        # the submitter may take it back (withdraw) or return it, never approve it
        assert available_actions(s, harness.registry, harness.actor(acting_head), a.id) == [
            "withdraw",
            "return",
        ]
    with pytest.raises(RuleFailed) as err:
        harness.act(acting_head, a.id, "approve")
    assert err.value.codes() == ["four_eyes"]
    assert harness.state(a.id) == "opd_review"
    # The same user may approve what someone else submitted.
    b = harness.create("dpppa.staf", payload())
    harness.act("dpppa.staf", b.id, "submit")
    assert harness.act(acting_head, b.id, "approve").to_state == "budget_review"


def test_confirm_budget_may_lower_never_raise(harness: Harness, payload) -> None:
    a = harness.create(
        "dpppa.staf",
        payload(
            years=[
                {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000},
                {"year": 2024, "target": "80 orang", "proposed_budget": 200_000_000},
            ]
        ),
    )
    harness.move(a.id, *TO_BUDGET)
    raised = [
        {"year": 2023, "confirmed_budget": 150_000_001},
        {"year": 2022, "confirmed_budget": 1},
    ]
    with pytest.raises(RuleFailed) as err:
        harness.act("bappeda.verifikator", a.id, "confirm_budget", confirmed_years=raised)
    assert sorted(err.value.codes()) == [
        "budget_raised",
        "confirmed_missing",
        "year_not_in_activity",
    ]
    assert confirmed(harness, "dpppa", 2023) == 0
    lowered = [
        {"year": 2023, "confirmed_budget": 120_000_000},
        {"year": 2024, "confirmed_budget": 200_000_000},
    ]
    harness.act("bappeda.verifikator", a.id, "confirm_budget", confirmed_years=lowered)
    assert confirmed(harness, "dpppa", 2023) == 120_000_000
    assert confirmed(harness, "dpppa", 2024) == 200_000_000


def test_a_year_left_out_or_empty_is_never_confirmed_as_proposed(harness: Harness, payload) -> None:
    """Once ``confirmed_years`` is sent it is the confirmation: a year missing from it or sent
    empty (null) is an error naming the year; nothing is booked. Leaving the whole list out
    still confirms every year as proposed (the API's first promise)."""
    two_years = [
        {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000},
        {"year": 2024, "target": "80 orang", "proposed_budget": 200_000_000},
    ]
    a = harness.create("dpppa.staf", payload(years=two_years))
    harness.move(a.id, *TO_BUDGET)
    version = harness.version(a.id)
    for sent, year in (
        ([{"year": 2023, "confirmed_budget": 120_000_000}], 2024),
        (
            [
                {"year": 2023, "confirmed_budget": None},
                {"year": 2024, "confirmed_budget": 5},
            ],
            2023,
        ),
    ):
        with pytest.raises(RuleFailed) as err:
            harness.act("bappeda.verifikator", a.id, "confirm_budget", confirmed_years=sent)
        (v,) = err.value.violations
        assert v.code == "confirmed_missing"
        assert f"tahun {year}" in v.message
        assert v.field.startswith("confirmed_years")
        assert_unchanged(harness, a.id, "budget_review", version, 3)
        assert confirmed(harness, "dpppa", 2023) == confirmed(harness, "dpppa", 2024) == 0
    harness.act("bappeda.verifikator", a.id, "confirm_budget")  # no list: as proposed
    assert confirmed(harness, "dpppa", 2023) == 150_000_000
    assert confirmed(harness, "dpppa", 2024) == 200_000_000


def test_ceiling_is_never_exceeded(harness: Harness, payload) -> None:
    big = [{"year": 2023, "target": "x", "proposed_budget": 2_000_000_000}]
    first = harness.create("dpppa.staf", payload(years=big))
    second = harness.create("dpppa.staf", payload(years=big))
    for a in (first, second):
        harness.move(a.id, *TO_BUDGET)
    harness.act("bappeda.verifikator", first.id, "confirm_budget")
    with pytest.raises(RuleFailed) as err:
        harness.act("bappeda.verifikator", second.id, "confirm_budget")
    assert err.value.codes() == ["ceiling_exceeded"]
    assert "Rp500.000.000" in err.value.message  # what is left of DPPPA's Rp2.500.000.000
    assert confirmed(harness, "dpppa", 2023) == 2_000_000_000
    assert harness.state(second.id) == "budget_review"


def test_ceiling_missing_for_year(harness: Harness, payload) -> None:
    with harness.session() as s:
        opd_id = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        s.execute(delete(Ceiling).where(Ceiling.opd_id == opd_id, Ceiling.year == 2024))
        s.commit()
    try:
        years = [{"year": 2024, "target": "x", "proposed_budget": 1_000_000}]
        a = harness.create("dpppa.staf", payload(years=years))
        harness.move(a.id, *TO_BUDGET)
        with pytest.raises(RuleFailed) as err:
            harness.act("bappeda.verifikator", a.id, "confirm_budget")
        assert err.value.codes() == ["ceiling_missing"]
        assert harness.state(a.id) == "budget_review"
    finally:
        with harness.session() as s:
            s.add(Ceiling(opd_id=opd_id, year=2024, amount=2_500_000_000))
            s.commit()


def test_return_after_confirmation_gives_the_pagu_back(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, *TO_SIGNOFF)
    assert confirmed(harness, "dpppa", 2023) == 150_000_000
    harness.act("gubernur", a.id, "return", comment="Sesuaikan dengan hasil rapat TAPD.")
    assert confirmed(harness, "dpppa", 2023) == 0
    with harness.session() as s:
        from core.models import ActivityYear

        years = s.execute(
            select(ActivityYear.confirmed_budget).where(ActivityYear.activity_id == a.id)
        ).scalars()
        assert list(years) == [None]


def test_returned_counts_revision_rounds_and_is_editable(harness: Harness, payload) -> None:
    from core.services import update_activity

    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, ("dpppa.staf", "submit"), ("dpppa.kepala", "return", {"comment": "x"}))
    with harness.session() as s:
        edited = update_activity(
            s,
            harness.registry,
            harness.actor("dpppa.staf"),
            a.id,
            harness.version(a.id),
            {"title": "Pelatihan mediasi konflik (revisi)"},
        )
        assert edited.revision_round == 1
    harness.move(a.id, ("dpppa.staf", "submit"), ("dpppa.kepala", "return", {"comment": "lagi"}))
    with harness.session() as s:
        from core.models import Activity

        assert s.get(Activity, a.id).revision_round == 2  # type: ignore[union-attr]


def test_editing_outside_draft_is_refused(harness: Harness, payload) -> None:
    from core.services import update_activity

    a = harness.create("dpppa.staf", payload())
    harness.act("dpppa.staf", a.id, "submit")
    with harness.session() as s, pytest.raises(Conflict):
        update_activity(
            s, harness.registry, harness.actor("dpppa.staf"), a.id, 2, {"title": "Judul baru"}
        )
    with harness.session() as s, pytest.raises(NotAllowed):
        b = harness.create("dpppa.staf", payload())
        update_activity(
            s, harness.registry, harness.actor("dpppa.kepala"), b.id, 1, {"title": "Judul baru"}
        )


def test_sign_needs_a_decree_number(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, *TO_SIGNOFF)
    with pytest.raises(RuleFailed) as err:
        harness.act("gubernur", a.id, "sign")
    assert err.value.codes() == ["decree_required"]
    result = harness.act("gubernur", a.id, "sign", decree_number="G/288/V.09/HK/2023")
    assert result.to_state == "signed"


def test_transition_writes_audit_and_outbox_in_one_go(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    result = harness.act("dpppa.staf", a.id, "submit")
    with harness.session() as s:
        rows = s.execute(
            select(User.username)
            .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
            .where(OutboxMessage.activity_id == a.id)
        ).scalars()
        assert list(rows) == ["dpppa.kepala"]  # the next stage's actor, of this OPD only
        entry = s.execute(
            select(AuditEntry).where(AuditEntry.activity_id == a.id, AuditEntry.seq == result.seq)
        ).scalar_one()
        assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
            "submit",
            "draft",
            "opd_review",
            "dpppa.staf",
        )
