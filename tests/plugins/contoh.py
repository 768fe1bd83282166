"""``Contoh``: a small province plugin for tests of hooks, checks and workflow versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.hookspecs import hookimpl
from core.testing import Harness, harness_for
from core.types import (
    ActivityView,
    Code,
    DemoData,
    DemoUser,
    PlanInfo,
    ProvinceInfo,
    ReferenceData,
    RoleInfo,
)
from core.workflow import State, Transition, WorkflowBuilder, return_transition

BIG = 500_000_000


class Contoh:
    """A minimal province: identity, two OPDs and demo users; the core does the rest."""

    @hookimpl
    def province_info(self) -> ProvinceInfo:
        return ProvinceInfo(
            code="contoh",
            name="Provinsi Contoh",
            plans=(
                PlanInfo(
                    "rad-2025-2026",
                    "RAD P3AKS Provinsi Contoh 2025–2026",
                    "Peraturan Gubernur Contoh Nomor 1 Tahun 2025",
                    dt.date(2025, 1, 6),
                    2025,
                    2026,
                ),
            ),
        )

    @hookimpl
    def reference_data(self, reference: ReferenceData) -> None:
        reference.lists["opds"] = [
            Code("dinas_a", "Dinas A"),
            Code("dinas_b", "Dinas B"),
            Code("bappeda", "Badan Perencanaan Pembangunan Daerah"),
        ]

    @hookimpl
    def demo_data(self) -> DemoData:
        return DemoData(
            users=(
                DemoUser("a.staf", "Staf Dinas A", "opd_staff", "dinas_a"),
                DemoUser("a.kepala", "Kepala Dinas A", "opd_head", "dinas_a"),
                DemoUser("b.staf", "Staf Dinas B", "opd_staff", "dinas_b"),
                DemoUser("bappeda", "Verifikator", "bappeda", "bappeda"),
                DemoUser("gubernur", "Gubernur Contoh", "governor"),
                DemoUser("pemantau", "Auditor Contoh", "viewer"),
            ),
            ceilings={
                o: {2025: 2_000_000_000, 2026: 2_000_000_000} for o in ("dinas_a", "dinas_b")
            },
            decree_number="Peraturan Gubernur Contoh Nomor 2 Tahun 2025",
        )


def engine(tmp_path: Path, plugin: object) -> Harness:
    tmp_path.mkdir(parents=True, exist_ok=True)
    return harness_for(plugin, f"sqlite:///{tmp_path / 'contoh.db'}")


def payload(h: Harness, budget: int = 100_000_000, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "plan_id": h.plan_id(),
        "title": "Pelatihan mediasi bagi perempuan",
        "pillar": "pencegahan",
        "years": [{"year": 2025, "target": "30 orang", "proposed_budget": budget}],
        "details": {},
    }
    body.update(overrides)
    return body


class Inspektorat(Contoh):
    """An extra stage after Bappeda, for big activities only."""

    @hookimpl
    def extra_roles(self) -> list[RoleInfo]:
        return [
            RoleInfo("inspektorat", "Reviu Inspektorat"),
            RoleInfo("pemantau_opd", "Pemantau", "opd"),
        ]

    @hookimpl
    def customize_workflow(self, workflow: WorkflowBuilder) -> None:
        workflow.add_state(
            State("inspection", "Reviu Inspektorat", stage_role="inspektorat"),
            after="budget_review",
        )
        workflow.reroute(
            action="confirm_budget", source="budget_review", target="inspection", when="besar"
        )
        workflow.add_transition(
            Transition("inspect", "inspection", "governor_signoff", ("inspektorat",), "Periksa")
        )
        workflow.add_transition(return_transition("inspection", "inspektorat"))

    @hookimpl
    def workflow_conditions(self) -> dict[str, Callable[[ActivityView], bool]]:
        return {"besar": lambda a: sum(y["proposed_budget"] for y in a.years) >= BIG}

    @hookimpl
    def demo_data(self) -> DemoData:
        base = super().demo_data()
        return replace(
            base,
            users=(
                *base.users,
                DemoUser("b.pemantau", "Pemantau Dinas B", "pemantau_opd", "dinas_b"),
                DemoUser("inspektur", "Inspektur", "inspektorat"),
            ),
        )
