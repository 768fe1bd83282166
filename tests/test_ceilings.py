"""The province admin sets an OPD's pagu (both backends): raise, lower down to what is already
confirmed, add a year; everybody else is refused and nothing changes."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select

from core.errors import NotAllowed, NotFound, RuleFailed
from core.models import Ceiling, Opd, User
from core.services import opd_ceilings, set_ceilings
from core.testing import Harness

PAGU = 2_500_000_000  # dpppa's demo pagu per year


def ceiling(h: Harness, opd: str, year: int) -> tuple[int, int] | None:
    with h.session() as s:
        row = s.execute(
            select(Ceiling.amount, Ceiling.confirmed)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == opd, Ceiling.year == year)
        ).one_or_none()
        return (row.amount, row.confirmed) if row else None


def put(h: Harness, username: str, opd: str, year: int, amount: int) -> dict[str, Any]:
    with h.session() as s:
        return set_ceilings(s, h.actor(username), opd, {year: amount})[0]


@pytest.fixture
def restore(harness: Harness) -> Any:
    """Ceilings are seeded once per session: put dpppa's back afterwards."""
    yield
    with harness.session() as s:
        dpppa = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        for c in s.execute(select(Ceiling).where(Ceiling.opd_id == dpppa)).scalars():
            c.amount, c.updated_at, c.updated_by_id = PAGU, None, None
        s.commit()


def test_admin_raises_and_lowers_a_pagu_and_is_recorded(
    harness: Harness, payload: Any, restore: Any
) -> None:
    h = harness
    assert put(h, "admin.lampung", "dpppa", 2023, 3_000_000_000) == {
        "year": 2023,
        "ceiling": 3_000_000_000,
        "confirmed": 0,
        "remaining": 3_000_000_000,
    }
    assert put(h, "admin.lampung", "dpppa", 2023, 1_000_000)["ceiling"] == 1_000_000
    with h.session() as s:
        row = s.execute(
            select(Ceiling.updated_by_id, Ceiling.updated_at)
            .join(Opd, Opd.id == Ceiling.opd_id)
            .where(Opd.code == "dpppa", Ceiling.year == 2023)
        ).one()
        admin = s.execute(select(User.id).where(User.username == "admin.lampung")).scalar_one()
    assert row.updated_by_id == admin and row.updated_at is not None
    with h.session() as s:
        listed = opd_ceilings(s, h.actor("bappeda.verifikator"), "dpppa")
    assert {"year": 2023, "ceiling": 1_000_000, "confirmed": 0, "remaining": 1_000_000} in listed


def test_a_pagu_cannot_go_below_what_is_confirmed(
    harness: Harness, payload: Any, restore: Any
) -> None:
    h = harness
    activity_id = h.create("dpppa.staf", payload()).id  # Rp150.000.000 in 2023
    h.walk(activity_id, "submit", "approve", "confirm_budget")
    assert ceiling(h, "dpppa", 2023) == (PAGU, 150_000_000)
    with pytest.raises(RuleFailed) as err:
        put(h, "admin.lampung", "dpppa", 2023, 149_999_999)
    assert err.value.codes() == ["ceiling_below_confirmed"]
    assert "Rp150.000.000" in err.value.violations[0].message
    assert ceiling(h, "dpppa", 2023) == (PAGU, 150_000_000)  # unchanged
    assert put(h, "admin.lampung", "dpppa", 2023, 150_000_000)["remaining"] == 0
    # and the pagu now stops the next confirmation
    second = h.create("dpppa.staf", payload()).id
    h.walk(second, "submit", "approve")
    with pytest.raises(RuleFailed) as err:
        h.walk(second, "confirm_budget")
    assert "ceiling_exceeded" in err.value.codes()


def test_a_missing_year_is_added_and_years_outside_every_plan_are_refused(
    harness: Harness, restore: Any
) -> None:
    h = harness
    with h.session() as s:
        dpppa = s.execute(select(Opd.id).where(Opd.code == "dpppa")).scalar_one()
        s.execute(delete(Ceiling).where(Ceiling.opd_id == dpppa, Ceiling.year == 2024))
        s.commit()
    assert ceiling(h, "dpppa", 2024) is None
    assert put(h, "admin.lampung", "dpppa", 2024, 700_000_000)["ceiling"] == 700_000_000
    assert ceiling(h, "dpppa", 2024) == (700_000_000, 0)
    with pytest.raises(RuleFailed) as err:
        put(h, "admin.lampung", "dpppa", 2030, 1)
    assert err.value.codes() == ["year_outside_plans"]
    assert ceiling(h, "dpppa", 2030) is None


@pytest.mark.parametrize(
    ("username", "opd", "error"),
    [
        ("dpppa.staf", "dpppa", NotAllowed),
        ("dpppa.kepala", "dpppa", NotAllowed),
        ("dpppa.kepala", "dinsos", NotFound),  # another OPD is not even visible
        ("bappeda.verifikator", "dpppa", NotAllowed),
        ("gubernur", "dpppa", NotAllowed),
        ("auditor", "dpppa", NotAllowed),
        ("admin.lampung", "dp3a", NotFound),  # Sulawesi Tengah's OPD
        ("sulteng.admin", "dpppa", NotFound),  # Lampung's OPD, from Sulawesi Tengah
    ],
)
def test_only_the_province_admin_sets_a_pagu(
    harness: Harness, username: str, opd: str, error: type[Exception]
) -> None:
    before = ceiling(harness, opd, 2023) if opd != "dp3a" else None
    with pytest.raises(error):
        put(harness, username, opd, 2023, 1)
    if opd != "dp3a":
        assert ceiling(harness, opd, 2023) == before


def test_several_years_are_set_all_or_none_and_every_bad_year_is_named(
    harness: Harness, restore: Any
) -> None:
    h = harness
    before = [ceiling(h, "dpppa", y) for y in (2022, 2023, 2024)]
    with h.session() as s, pytest.raises(RuleFailed) as err:
        set_ceilings(
            s,
            h.actor("admin.lampung"),
            "dpppa",
            {2022: 3_000_000_000, 2023: -5, 2024: "banyak", 2030: 1},
        )
    assert {(v.field, v.code) for v in err.value.violations} == {
        ("years.2023", "invalid"),
        ("years.2024", "invalid"),
        ("years.2030", "year_outside_plans"),
    }
    assert [ceiling(h, "dpppa", y) for y in (2022, 2023, 2024)] == before  # 2022 not kept
    with h.session() as s:
        done = set_ceilings(s, h.actor("admin.lampung"), "dpppa", {2024: 1, 2022: 2})
    assert [(c["year"], c["ceiling"]) for c in done] == [(2022, 2), (2024, 1)]
