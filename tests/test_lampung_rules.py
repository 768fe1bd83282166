"""Lampung's rules (DOMAIN.md "Rules a Lampung plugin can enforce" 1–8), each on its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from core.errors import Conflict, NotFound, RuleFailed
from core.models import Activity, WorkflowDefinition
from core.services import update_activity
from core.testing import Harness
from core.workflow import core_builder
from tests.helpers import lampung_details as details

TO_BUDGET = (("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))


def activity_count(h: Harness) -> int:
    with h.session() as s:
        return s.execute(select(func.count()).select_from(Activity)).scalar_one()


def refused(h: Harness, body: dict[str, object]) -> RuleFailed:
    before = activity_count(h)
    with pytest.raises(RuleFailed) as err:
        h.create("dpppa.staf", body)
    assert activity_count(h) == before  # nothing half-written
    return err.value


# --- rule 1: one of the three pillars ---------------------------------------------------------
def test_rule1_pillar_must_be_one_of_three(harness: Harness, payload) -> None:
    err = refused(harness, payload(pillar="partisipasi"))
    assert err.codes() == ["pillar_unknown"]
    assert err.by_field() == {"pillar": ["Pilar 'partisipasi' tidak dikenal."]}
    for pillar in ("pencegahan", "penanganan", "pemberdayaan_partisipasi"):
        harness.create("dpppa.staf", payload(pillar=pillar))


# --- rule 2: one responsible OPD; only its staff edit ------------------------------------------
def test_rule2_activity_belongs_to_the_creators_opd(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    assert a.opd_id == harness.actor("dpppa.staf").opd_id
    for user in ("dinsos.staf", "dinsos.kepala"):
        with harness.session() as s, pytest.raises(NotFound):
            update_activity(s, harness.registry, harness.actor(user), a.id, 1, {"title": "Ubah"})
    with pytest.raises(NotFound):
        harness.act("dinsos.staf", a.id, "submit")


# --- rule 3: six-part sub-kegiatan code --------------------------------------------------------
@pytest.mark.parametrize("code", ["2.08.03.1.01", "2.08.03.1.01.1", "X.08.03.1.01.0001", ""])
def test_rule3_sub_activity_code_format(harness: Harness, payload, code: str) -> None:
    err = refused(harness, payload(details=details(sub_activity_code=code)))
    assert "sub_activity_code_format" in err.codes()
    assert "details.sub_activity_code" in err.by_field()


# --- rule 4: pagu per (OPD, year), warning at 90 % --------------------------------------------
def test_rule4_warning_near_the_ceiling(harness: Harness, payload) -> None:
    near = [{"year": 2023, "target": "x", "proposed_budget": 2_300_000_000}]  # 92 % of 2.5 M
    a = harness.create("dpppa.staf", payload(years=near))
    harness.move(a.id, *TO_BUDGET)
    result = harness.act("bappeda.verifikator", a.id, "confirm_budget")
    assert [w.code for w in result.warnings] == ["ceiling_near"]
    assert "92%" in result.warnings[0].message
    more = [{"year": 2023, "target": "x", "proposed_budget": 250_000_000}]
    b = harness.create("dpppa.staf", payload(years=more))
    harness.move(b.id, *TO_BUDGET)
    with pytest.raises(RuleFailed) as err:  # 2.3 + 0.25 > 2.5 billion
        harness.act("bappeda.verifikator", b.id, "confirm_budget")
    assert err.value.codes() == ["ceiling_exceeded"]
    lowered = [{"year": 2023, "confirmed_budget": 200_000_000}]  # exactly the pagu
    result = harness.act("bappeda.verifikator", b.id, "confirm_budget", confirmed_years=lowered)
    assert [w.message for w in result.warnings] == ["Pagu OPD tahun 2023 akan terpakai 100%."]


def test_rule4_no_warning_below_90_percent(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, *TO_BUDGET)
    assert harness.act("bappeda.verifikator", a.id, "confirm_budget").warnings == []


# --- rule 5: years inside the plan period ------------------------------------------------------
def test_rule5_years_inside_plan_period(harness: Harness, payload) -> None:
    years = [
        {"year": 2021, "target": "x", "proposed_budget": 1},
        {"year": 2024, "target": "x", "proposed_budget": 1},
        {"year": 2024, "target": "y", "proposed_budget": 2},
        {"year": 2025, "target": "x", "proposed_budget": 1},
    ]
    err = refused(harness, payload(years=years))
    assert sorted(err.codes()) == ["year_duplicate", "year_outside_plan", "year_outside_plan"]
    assert set(err.by_field()) == {"years.0.year", "years.2.year", "years.3.year"}


# --- rule 6: Kesbangpol reviews land and intolerance conflicts ---------------------------------
@pytest.mark.parametrize("conflict", ["lahan", "intoleransi"])
def test_rule6_conflict_goes_to_kesbangpol(harness: Harness, payload, conflict: str) -> None:
    a = harness.create("dpppa.staf", payload(details=details(conflict_types=[conflict, "etnis"])))
    harness.move(a.id, *TO_BUDGET)
    assert harness.state(a.id) == "kesbangpol_review"
    with pytest.raises(Conflict):  # Bappeda waits for Kesbangpol
        harness.act("bappeda.verifikator", a.id, "confirm_budget")
    harness.act("kesbangpol.reviu", a.id, "endorse")
    assert harness.state(a.id) == "budget_review"


def test_rule6_kesbangpol_may_return_with_a_note(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload(details=details(conflict_types=["lahan"])))
    harness.move(a.id, *TO_BUDGET)
    with pytest.raises(RuleFailed):
        harness.act("kesbangpol.reviu", a.id, "return")
    harness.act("kesbangpol.reviu", a.id, "return", comment="Libatkan FKUB setempat.")
    assert harness.state(a.id) == "returned"


def test_rule6_other_conflicts_skip_kesbangpol(harness: Harness, payload) -> None:
    a = harness.create("dpppa.staf", payload(details=details(conflict_types=["etnis"])))
    harness.move(a.id, *TO_BUDGET)
    assert harness.state(a.id) == "budget_review"
    with pytest.raises(Conflict):
        harness.act("kesbangpol.reviu", a.id, "endorse")


# --- rule 7: return/reject need a written note; history kept -----------------------------------
def test_rule7_history_keeps_every_note(harness: Harness, payload) -> None:
    from core.services import activity_history

    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, ("dpppa.staf", "submit"))
    with pytest.raises(RuleFailed):
        harness.act("dpppa.kepala", a.id, "return")
    harness.act("dpppa.kepala", a.id, "return", comment="Lengkapi indikator.")
    with harness.session() as s:
        history = activity_history(s, harness.actor("auditor"), a.id)
        assert [(e.action, e.comment) for e in history] == [
            ("create", None),
            ("submit", None),
            ("return", "Lengkapi indikator."),
        ]


# --- rule 8: decree number format at sign-off --------------------------------------------------
@pytest.mark.parametrize(
    ("decree", "ok"),
    [
        ("G/288/V.09/HK/2022", True),
        ("G/613/B.X/HK/2016", True),
        ("288/V.09/HK/2022", False),
        ("G/288/V.09/KU/2022", False),
        ("Peraturan Gubernur Nomor 5 Tahun 2023", False),
    ],
)
def test_rule8_decree_number_format(harness: Harness, payload, decree: str, ok: bool) -> None:
    a = harness.create("dpppa.staf", payload())
    harness.move(a.id, *TO_BUDGET, ("bappeda.verifikator", "confirm_budget"))
    if ok:
        assert harness.act("gubernur", a.id, "sign", decree_number=decree).to_state == "signed"
    else:
        with pytest.raises(RuleFailed) as err:
            harness.act("gubernur", a.id, "sign", decree_number=decree)
        assert err.value.codes() == ["decree_number_format"]
        assert harness.state(a.id) == "governor_signoff"


# --- form fields and reference codes -----------------------------------------------------------
def test_every_failing_field_is_listed_at_once(harness: Harness, payload) -> None:
    bad = details(
        locations=["jakarta"],
        target_group="lansia",
        funding_source="pinjaman",
        conflict_types=["perang"],
        partner_opds=["kpk"],
        sub_activity_code="2.08",
    )
    err = refused(harness, payload(pillar="ekonomi", details=bad))
    assert sorted(err.codes()) == [
        "conflict_types_unknown",
        "funding_source_unknown",
        "locations_unknown",
        "partner_opds_unknown",
        "pillar_unknown",
        "sub_activity_code_format",
        "target_group_unknown",
    ]


def test_details_schema_requires_and_refuses_fields(harness: Harness, payload) -> None:
    d = details(colour="red")
    del d["indicator"]
    err = refused(harness, payload(details=d))
    assert err.by_field() == {
        "details.colour": ["Kolom tidak dikenal."],
        "details.indicator": ["Wajib diisi."],
    }


def test_at_least_one_location(harness: Harness, payload) -> None:
    err = refused(harness, payload(details=details(locations=[])))
    assert err.codes() == ["locations_required"]


# --- the route is fixed by the workflow version the activity started on -------------------------
def test_activity_keeps_the_workflow_version_it_started_on(harness: Harness, payload) -> None:
    old = core_builder("lampung").build()  # before Lampung added the Kesbangpol stage
    tagged = payload(details=details(conflict_types=["lahan"]))
    pinned = harness.create("dpppa.staf", tagged)
    current = harness.create("dpppa.staf", tagged)
    with harness.session() as s:
        if s.get(WorkflowDefinition, ("lampung", old.version)) is None:
            s.add(
                WorkflowDefinition(
                    province_code="lampung", version=old.version, definition=old.to_dict()
                )
            )
        s.execute(
            update(Activity).where(Activity.id == pinned.id).values(workflow_version=old.version)
        )
        s.commit()
    harness.move(pinned.id, *TO_BUDGET)
    harness.move(current.id, *TO_BUDGET)
    assert harness.state(pinned.id) == "budget_review"
    assert harness.state(current.id) == "kesbangpol_review"


def test_core_and_province_field_errors_come_together(harness: Harness, payload) -> None:
    """A payload failing the core schema still has its province fields checked."""
    d = details(target_group=5)
    del d["indicator"]
    err = refused(harness, payload(title="x", details=d))
    assert set(err.by_field()) == {"title", "details.indicator", "details.target_group"}
    a = harness.create("dpppa.staf", payload())
    with harness.session() as s, pytest.raises(RuleFailed) as edit:
        update_activity(
            s,
            harness.registry,
            harness.actor("dpppa.staf"),
            a.id,
            1,
            {"title": "", "details": {"indicator": None, "funding_source": "apbd"}},
        )
    assert set(edit.value.by_field()) == {"title", "details.indicator"}
