"""One test per hook of ``core.hookspecs`` (``test_hook_<name>``), each through a real engine:
a small province plugin ``Contoh`` plus, per test, a subclass implementing the hook under test.
``test_docs.py`` fails when a hook has no such test."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from marshmallow import Schema
from sqlalchemy import select

from core.calendar import WorkingCalendar
from core.errors import RuleFailed, Violation
from core.hookspecs import hookimpl
from core.models import Activity, AuditEntry, Opd, OutboxMessage, Plan, Province, User
from core.schemas import IdSchema, Str, StrList
from core.seed import seed_demo
from core.services import ListFilters, available_actions, list_activities
from core.types import (
    ActivityView,
    Code,
    DemoActivity,
    DemoData,
    Recipient,
    ReferenceData,
)
from core.workflow import Transition, Workflow
from tests.plugins.contoh import BIG, Contoh, Inspektorat, engine, payload


def test_hook_province_info(tmp_path: Path) -> None:
    h = engine(tmp_path, Contoh())
    assert h.runtime.code == "contoh"
    with h.session() as s:
        assert s.execute(select(Province.name)).scalar_one() == "Provinsi Contoh"
        plan = s.execute(select(Plan)).scalar_one()
    assert (plan.code, plan.start_year, plan.end_year) == ("rad-2025-2026", 2025, 2026)
    # The plan's period is a rule of the engine.
    with pytest.raises(RuleFailed) as err:
        h.create("a.staf", payload(h, years=[{"year": 2027, "proposed_budget": 1}]))
    assert err.value.codes() == ["year_outside_plan"]


def test_hook_reference_data(tmp_path: Path) -> None:
    class Pilar(Contoh):
        @hookimpl
        def reference_data(self, reference: ReferenceData) -> None:
            super().reference_data(reference)
            reference.lists["pillars"] = [Code("satu", "Pilar Satu")]

    h = engine(tmp_path, Pilar())
    with h.session() as s:
        assert set(s.execute(select(Opd.code)).scalars()) == {"dinas_a", "dinas_b", "bappeda"}
    h.create("a.staf", payload(h, pillar="satu"))
    with pytest.raises(RuleFailed) as err:  # the province's list replaces the core default
        h.create("a.staf", payload(h, pillar="pencegahan"))
    assert err.value.codes() == ["pillar_unknown"]


def test_hook_activity_details_schema(tmp_path: Path) -> None:
    class Form(IdSchema):
        lokasi = Str(required=True)

    class WithForm(Contoh):
        @hookimpl
        def activity_details_schema(self) -> type[Schema]:
            return Form

    h = engine(tmp_path, WithForm())
    with pytest.raises(RuleFailed) as err:
        h.create("a.staf", payload(h, details={"warna": "biru"}))
    assert err.value.by_field() == {
        "details.lokasi": ["Wajib diisi."],
        "details.warna": ["Kolom tidak dikenal."],
    }
    created = h.create("a.staf", payload(h, details={"lokasi": "Kota Contoh"}))
    assert created.details == {"lokasi": "Kota Contoh"}


def test_hook_validate_activity(tmp_path: Path) -> None:
    class NoCapital(Contoh):
        @hookimpl
        def validate_activity(
            self, activity: ActivityView, reference: ReferenceData
        ) -> list[Violation]:
            if "belanja modal" in activity.title.lower():
                return [Violation("capital", "Belanja modal bukan fokus RAD.", "title")]
            return []

    h = engine(tmp_path, NoCapital())
    with pytest.raises(RuleFailed) as err:
        h.create("a.staf", payload(h, title="Belanja modal gedung", pillar="lainnya"))
    # Every rule is reported at once: the plugin's and the core default's.
    assert sorted(err.value.codes()) == ["capital", "pillar_unknown"]
    h.create("a.staf", payload(h))


def test_hook_transition_rules(tmp_path: Path) -> None:
    class Limit(Contoh):
        @hookimpl
        def transition_rules(
            self,
            activity: ActivityView,
            transition: Transition,
            actor_id: int,
            payload: dict[str, Any],
            reference: ReferenceData,
            ceilings: dict[int, dict[str, int]],
        ) -> list[Violation]:
            if transition.action != "confirm_budget":
                return []
            total = sum(c["confirmed"] for c in ceilings.values())
            if total > BIG:
                return [Violation("too_big", "Melebihi batas provinsi.")]
            return [Violation("noted", f"Terkonfirmasi {total}.", warning=True)]

    h = engine(tmp_path, Limit())
    small = h.create("a.staf", payload(h)).id
    big = h.create("a.staf", payload(h, budget=BIG + 1)).id
    h.walk(small, "submit", "approve")
    h.walk(big, "submit", "approve")
    (result,) = h.walk(small, "confirm_budget")
    assert [w.code for w in result.warnings] == ["noted"]
    with pytest.raises(RuleFailed) as err:
        h.walk(big, "confirm_budget")
    assert err.value.codes() == ["too_big"]
    assert h.state(big) == "budget_review"


def test_hook_customize_workflow(tmp_path: Path) -> None:
    h = engine(tmp_path, Inspektorat())
    workflow = h.runtime.workflow
    assert [s.code for s in workflow.states][:4] == [
        "draft",
        "opd_review",
        "budget_review",
        "inspection",
    ]
    assert workflow.version != engine_version_of(Contoh())
    big = h.create("a.staf", payload(h, budget=BIG)).id
    h.walk(big, "submit", "approve", "confirm_budget")
    assert h.state(big) == "inspection"
    h.walk(big, "inspect")
    assert h.state(big) == "governor_signoff"


def engine_version_of(plugin: object) -> str:
    from core.plugins import Registry

    (runtime,) = Registry([plugin])
    return runtime.workflow.version


def test_hook_workflow_conditions(tmp_path: Path) -> None:
    h = engine(tmp_path, Inspektorat())
    assert set(h.runtime.conditions) == {"besar"}
    small = h.create("a.staf", payload(h, budget=BIG - 1)).id
    h.walk(small, "submit", "approve", "confirm_budget")
    assert h.state(small) == "governor_signoff"  # the condition is false: the core route


def test_hook_extra_roles(tmp_path: Path) -> None:
    h = engine(tmp_path, Inspektorat())
    assert {"inspektorat", "pemantau_opd", "opd_staff", "governor"} <= set(h.runtime.roles)
    assert h.runtime.opd_roles == {"opd_staff", "opd_head", "pemantau_opd"}
    a = h.create("a.staf", payload(h)).id
    b = h.create("b.staf", payload(h)).id
    # An OPD-scoped plugin role sees its own OPD only; a province-wide one sees all.
    with h.session() as s:
        seen, _ = list_activities(s, h.actor("b.pemantau"), ListFilters())
        assert [x.id for x in seen] == [b]
        seen, _ = list_activities(s, h.actor("inspektur"), ListFilters())
        assert {x.id for x in seen} == {a, b}
        h.walk(a, "submit", "approve", "confirm_budget")
    big = h.create("a.staf", payload(h, budget=BIG)).id
    h.walk(big, "submit", "approve", "confirm_budget")
    with h.session() as s:
        assert available_actions(s, h.registry, h.actor("inspektur"), big) == ["inspect", "return"]


def test_hook_notification_recipients(tmp_path: Path) -> None:
    class TellAuditor(Contoh):
        @hookimpl
        def notification_recipients(
            self, activity: ActivityView, transition: Transition, workflow: Workflow
        ) -> list[Recipient]:
            return [Recipient(role="viewer")] if transition.action == "submit" else []

    h = engine(tmp_path, TellAuditor())
    activity_id = h.create("a.staf", payload(h)).id
    h.walk(activity_id, "submit")
    assert h.notified(activity_id) == ["a.kepala", "pemantau"]  # the plugin's and the default's
    h.walk(activity_id, "approve")
    # the plugin adds no one here; the default tells the submitter too
    assert h.notified(activity_id, "approve") == ["a.staf", "bappeda"]
    with h.session() as s:  # notified() reads exactly what the transitions wrote to the outbox
        told = s.execute(
            select(User.username).join(OutboxMessage, OutboxMessage.recipient_id == User.id)
        ).scalars()
        everyone = ["a.kepala", "a.staf", "bappeda", "pemantau"]
        assert sorted(set(told)) == h.notified(activity_id) == everyone


class Partners(IdSchema):
    partner_opds = StrList(load_default=list)


def test_recipients_scoped_to_an_opd(tmp_path: Path) -> None:
    """``Recipient(role=..., opd=...)`` tells the holders of an OPD-scoped role in that OPD only
    (here the staff of each partner OPD); without ``opd``, those of the activity's own OPD."""

    class TellPartners(Contoh):
        @hookimpl
        def activity_details_schema(self) -> type[Schema]:
            return Partners

        @hookimpl
        def notification_recipients(
            self, activity: ActivityView, transition: Transition
        ) -> list[Recipient]:
            if transition.action == "approve":
                return [
                    Recipient(role="opd_staff", opd=o) for o in activity.details["partner_opds"]
                ]
            if transition.action == "confirm_budget":
                return [Recipient(role="opd_staff")]
            return []

    h = engine(tmp_path, TellPartners())
    activity_id = h.create("a.staf", payload(h, details={"partner_opds": ["dinas_b"]})).id
    h.walk(activity_id, "submit", "approve")
    # b.staf by the plugin (not a.staf of dinas_a for it); a.staf as the submitter (the default)
    assert h.notified(activity_id, "approve") == ["a.staf", "b.staf", "bappeda"]
    h.walk(activity_id, "confirm_budget")
    assert h.notified(activity_id, "confirm_budget") == ["a.kepala", "a.staf", "gubernur"]


def test_transition_rule_reads_the_comment(tmp_path: Path) -> None:
    """The actor's note is ``payload["comment"]``; it is kept in the audit trail."""

    class ExplainApproval(Contoh):
        @hookimpl
        def transition_rules(
            self, transition: Transition, payload: dict[str, Any]
        ) -> list[Violation]:
            if transition.action == "approve" and not (payload.get("comment") or "").strip():
                return [Violation("approval_note", "Tulis alasan persetujuan.", "comment")]
            return []

    h = engine(tmp_path, ExplainApproval())
    activity_id = h.create("a.staf", payload(h)).id
    h.walk(activity_id, "submit")
    with pytest.raises(RuleFailed) as err:
        h.walk(activity_id, "approve", comment="  ")
    assert err.value.by_field() == {"comment": ["Tulis alasan persetujuan."]}
    h.walk(activity_id, "approve", comment="Sesuai matriks RAD.")
    with h.session() as s:
        notes = s.execute(select(AuditEntry.action, AuditEntry.comment)).all()
    assert ("approve", "Sesuai matriks RAD.") in notes


def test_hook_working_calendar(tmp_path: Path) -> None:
    class Local(WorkingCalendar):
        """A regional holiday on top of the national ones."""

        def is_working_day(self, day: dt.date) -> bool:
            return day != dt.date(2025, 8, 20) and super().is_working_day(day)

    class WithCalendar(Contoh):
        @hookimpl
        def working_calendar(self) -> WorkingCalendar:
            return Local("ID")

    h = engine(tmp_path, WithCalendar())
    calendar = h.runtime.calendar
    assert isinstance(calendar, Local)
    # 18–22 August 2025: Monday to Friday, the 18th is cuti bersama, the 20th local.
    assert calendar.working_days_between(dt.date(2025, 8, 17), dt.date(2025, 8, 22)) == 3
    assert isinstance(engine(tmp_path / "core", Contoh()).runtime.calendar, WorkingCalendar)


def test_hook_reminder_days(tmp_path: Path) -> None:
    class Quick(Contoh):
        @hookimpl
        def reminder_days(self) -> int:
            return 2

    assert engine(tmp_path, Quick()).runtime.reminder_days == 2
    assert engine(tmp_path / "core", Contoh()).runtime.reminder_days == 5


def test_hook_demo_data(tmp_path: Path) -> None:
    class WithActivities(Contoh):
        @hookimpl
        def demo_data(self) -> DemoData:
            return replace(
                super().demo_data(),
                activities=(
                    DemoActivity(
                        "dinas_a", "Kegiatan demo", "pencegahan", ((2025, "1", 10_000_000),), {}
                    ),
                    DemoActivity(
                        "dinas_b",
                        "Kegiatan demo diajukan",
                        "penanganan",
                        ((2026, "1", 20_000_000),),
                        {},
                        path=("submit",),
                    ),
                ),
            )

    h = engine(tmp_path, WithActivities())  # seeds users and pagu (activities removed)
    with h.session() as s:
        report = seed_demo(s, h.registry)
        assert report.activities == 2
        states = {r[0]: r[1] for r in s.execute(select(Activity.title, Activity.state))}
    assert states == {"Kegiatan demo": "draft", "Kegiatan demo diajukan": "opd_review"}
    assert h.user_for("governor") == "gubernur"
    assert h.audit_breaks() == []
