"""The pagu's history (``core.services.ceilings.pagu_history``), on both backends: every change
is one ``pagu.set`` admin audit entry with who, when, before, after and why, written with the
change; a refused change (below what is confirmed) writes neither; the admin and the auditor
read it, nobody else, and never another province's."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.errors import NotAllowed, NotFound, RuleFailed
from core.services import set_ceilings
from core.services.ceilings import pagu_history
from core.services.opds import create_opd
from core.testing import Harness
from tests.seeded_rows import seeded_opds_and_pagu

PAGU = 2_500_000_000


@pytest.fixture(autouse=True)
def restore(harness: Harness) -> Iterator[None]:
    with seeded_opds_and_pagu(harness.factory):
        yield


def test_three_changes_make_three_entries_newest_first(harness: Harness) -> None:
    admin = harness.actor("admin.lampung")
    with harness.session() as s:
        set_ceilings(s, admin, "dpppa", {2023: 3_000_000_000}, "APBD perubahan")
        set_ceilings(s, admin, "dpppa", {2023: 3_000_000_000})  # the same amount: no change
        set_ceilings(s, admin, "dpppa", {2023: 2_750_000_000, 2024: 2_000_000_000})
        set_ceilings(s, admin, "dinsos", {2023: 1})  # another OPD's
    with harness.session() as s:
        history = pagu_history(s, harness.actor("auditor"), "dpppa")
        assert [(c.year, c.before, c.after, c.reason) for c in history] == [
            (2024, PAGU, 2_000_000_000, None),
            (2023, 3_000_000_000, 2_750_000_000, None),
            (2023, PAGU, 3_000_000_000, "APBD perubahan"),
        ]
        assert {c.actor for c in history} == {"admin.lampung"}
        assert history[0].at.tzinfo is not None and history[0].at >= history[-1].at
        one_year = pagu_history(s, admin, "dpppa", 2023)
        assert [c.after for c in one_year] == [2_750_000_000, 3_000_000_000]
        assert len(pagu_history(s, admin)) == 4  # the whole province


def test_a_pagu_set_for_the_first_time_has_no_before(harness: Harness) -> None:
    admin = harness.actor("admin.lampung")
    with harness.session() as s:
        create_opd(s, admin, {"code": "dlh", "name": "Dinas Lingkungan Hidup"})
        set_ceilings(s, admin, "dlh", {2022: 900_000_000})
        [change] = pagu_history(s, admin, "dlh")
    assert (change.before, change.after) == (None, 900_000_000)


def test_below_confirmed_is_refused_with_the_numbers_and_leaves_no_entry(
    harness: Harness, payload
) -> None:  # type: ignore[no-untyped-def]
    activity = harness.create("dpppa.staf", payload())  # Rp150.000.000 in 2023
    harness.walk(activity.id, "submit", "approve", "confirm_budget")
    admin = harness.actor("admin.lampung")
    with harness.session() as s, pytest.raises(RuleFailed) as failed:
        set_ceilings(s, admin, "dpppa", {2023: 100_000_000}, "turun")
    [violation] = failed.value.violations
    assert violation.field == "years.2023" and "Rp150.000.000" in violation.message
    with harness.session() as s:
        assert pagu_history(s, admin, "dpppa") == []


def test_a_reason_too_long_is_refused(harness: Harness) -> None:
    with harness.session() as s, pytest.raises(RuleFailed) as failed:
        set_ceilings(s, harness.actor("admin.lampung"), "dpppa", {2023: 1}, "x" * 501)
    assert failed.value.violations[0].field == "reason"
    with harness.session() as s:
        assert pagu_history(s, harness.actor("admin.lampung")) == []


def test_readers_are_the_admin_and_the_auditor_of_the_province(harness: Harness) -> None:
    with harness.session() as s:
        set_ceilings(s, harness.actor("admin.lampung"), "dpppa", {2023: 1})
        for username in ("dpppa.staf", "dpppa.kepala", "bappeda.verifikator", "gubernur"):
            with pytest.raises(NotAllowed):
                pagu_history(s, harness.actor(username), "dpppa")
        assert pagu_history(s, harness.actor("sulteng.auditor")) == []
        with pytest.raises(NotFound):
            pagu_history(s, harness.actor("sulteng.auditor"), "dpppa")
