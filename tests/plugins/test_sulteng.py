"""Sulawesi Tengah: four pillars, 13 regencies/cities, the Pergub decree format, and Biro Hukum's
legal review between Bappeda and the governor."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import Conflict, NotAllowed, RuleFailed
from core.hookspecs import hookimpl
from core.models import Activity, Province
from core.plugins import load_registry
from core.seed import seed_demo
from core.services import available_actions, opd_ceilings
from core.testing import Harness, fresh_engine, seeded
from core.types import ActivityView, Recipient
from core.workflow import Transition
from plugins import sulteng as plugin
from plugins.sulteng import reference as ref
from tests.helpers import lampung_payload
from tests.plugins.conftest import sulteng_details

DECREE = "Peraturan Gubernur Sulawesi Tengah Nomor 21 Tahun 2025"
RETURN = {"comment": "Mohon sesuaikan dasar hukum kegiatan."}
POKJA = (("sulteng.pokja1", "setujui_pokja"), ("sulteng.pokja2", "setujui_pokja"))
TO_LEGAL = (
    ("sulteng.dp3a.staf", "submit"),
    ("sulteng.dp3a.kepala", "approve"),
    *POKJA,
    ("sulteng.bappeda", "confirm_budget"),
)


def test_plan_and_reference(sulteng: Harness) -> None:
    runtime = sulteng.runtime
    (plan,) = runtime.info.plans
    assert (plan.start_year, plan.end_year) == (2025, 2029)
    assert "Peraturan Gubernur Sulawesi Tengah" in plan.decree_number
    assert [p.code for p in runtime.reference.lists["pillars"]] == [
        "pencegahan",
        "penanganan",
        "pemberdayaan",
        "partisipasi",
    ]
    assert len(runtime.reference.lists["locations"]) == 13
    assert {"biro_hukum", "bappeda", "dp3a"} <= runtime.reference.codes("opds")
    assert runtime.roles["biro_hukum"].scope == "province"


def test_legal_review_route(sulteng: Harness, new_sulteng) -> None:  # type: ignore[no-untyped-def]
    activity_id = new_sulteng()
    sulteng.move(activity_id, *TO_LEGAL)
    assert sulteng.state(activity_id) == "legal_review"
    # Only Biro Hukum acts here; the governor cannot sign before the legal review.
    with pytest.raises(NotAllowed):
        sulteng.act("sulteng.bappeda", activity_id, "clear_legal")
    with pytest.raises(Conflict):
        sulteng.act("sulteng.gubernur", activity_id, "sign", decree_number=DECREE)
    with sulteng.session() as s:
        actions = available_actions(
            s, sulteng.registry, sulteng.actor("sulteng.birohukum"), activity_id
        )
    assert sorted(actions) == ["clear_legal", "return"]
    sulteng.act("sulteng.birohukum", activity_id, "clear_legal")
    assert sulteng.state(activity_id) == "governor_signoff"
    sulteng.act("sulteng.gubernur", activity_id, "sign", decree_number=DECREE)
    assert sulteng.state(activity_id) == "signed"


def test_return_from_legal_review_gives_the_pagu_back(
    sulteng: Harness,
    new_sulteng,  # type: ignore[no-untyped-def]
) -> None:
    activity_id = new_sulteng()
    sulteng.move(activity_id, *TO_LEGAL)
    staff = sulteng.actor("sulteng.dp3a.staf")

    def confirmed_2026() -> int:
        with sulteng.session() as s:
            rows = opd_ceilings(s, staff, "dp3a")
        return next(r["confirmed"] for r in rows if r["year"] == 2026)

    assert confirmed_2026() == 180_000_000
    with pytest.raises(RuleFailed) as err:
        sulteng.act("sulteng.birohukum", activity_id, "return")
    assert err.value.codes() == ["comment_required"]
    sulteng.act("sulteng.birohukum", activity_id, "return", **RETURN)
    assert sulteng.state(activity_id) == "returned"
    assert confirmed_2026() == 0


@pytest.mark.parametrize(
    "decree",
    [
        "G/288/V.09/HK/2022",  # Lampung's format
        "Pergub Sulteng Nomor 21 Tahun 2025",
        "Peraturan Gubernur Sulawesi Tengah Nomor 21 Tahun 25",
        "Peraturan Gubernur Sulawesi Tengah Nomor Tahun 2025",
        "Peraturan Gubernur Lampung Nomor 21 Tahun 2025",
    ],
)
def test_decree_format_refused(decree: str, sulteng: Harness, new_sulteng) -> None:  # type: ignore[no-untyped-def]
    activity_id = new_sulteng()
    sulteng.move(activity_id, *TO_LEGAL, ("sulteng.birohukum", "clear_legal"))
    with pytest.raises(RuleFailed) as err:
        sulteng.act("sulteng.gubernur", activity_id, "sign", decree_number=decree)
    assert err.value.codes() == ["decree_number_format"]
    assert "Peraturan Gubernur Sulawesi Tengah Nomor" in err.value.message
    assert sulteng.state(activity_id) == "governor_signoff"


@pytest.mark.parametrize("pillar", ["pencegahan", "penanganan", "pemberdayaan", "partisipasi"])
def test_four_pillars_accepted(pillar: str, new_sulteng, sulteng: Harness) -> None:  # type: ignore[no-untyped-def]
    assert sulteng.state(new_sulteng(pillar=pillar)) == "draft"


def test_pillars_are_per_province(harness: Harness, new_sulteng) -> None:  # type: ignore[no-untyped-def]
    # Lampung's third pillar does not exist in Sulteng, and Sulteng's split ones not in Lampung.
    with pytest.raises(RuleFailed) as err:
        new_sulteng(pillar="pemberdayaan_partisipasi")
    assert err.value.codes() == ["pillar_unknown"]
    plan = harness.plan_id("lampung")
    for pillar in ("pemberdayaan", "partisipasi"):
        with pytest.raises(RuleFailed) as err:
            harness.create("dpppa.staf", lampung_payload(plan, pillar=pillar))
        assert err.value.codes() == ["pillar_unknown"]
    harness.create("dpppa.staf", lampung_payload(plan, pillar="pemberdayaan_partisipasi"))


def test_regencies(new_sulteng) -> None:  # type: ignore[no-untyped-def]
    every = [c.code for c in ref.LOCATIONS]
    new_sulteng(details=sulteng_details(locations=every))
    with pytest.raises(RuleFailed) as err:
        new_sulteng(details=sulteng_details(locations=["poso", "mesuji"]))
    assert err.value.codes() == ["locations_unknown"]
    assert "'mesuji'" in err.value.message


@pytest.mark.parametrize(("year", "ok"), [(2024, False), (2025, True), (2029, True), (2030, False)])
def test_plan_period(year: int, ok: bool, new_sulteng) -> None:  # type: ignore[no-untyped-def]
    years = [{"year": year, "target": "1 paket", "proposed_budget": 10_000_000}]
    if ok:
        new_sulteng(years=years)
    else:
        with pytest.raises(RuleFailed) as err:
            new_sulteng(years=years)
        assert err.value.codes() == ["year_outside_plan"]


def test_biro_hukum_reviews_every_opd(sulteng: Harness, new_sulteng) -> None:  # type: ignore[no-untyped-def]
    activity_id = new_sulteng("sulteng.dinsos.staf")
    sulteng.move(
        activity_id,
        ("sulteng.dinsos.staf", "submit"),
        ("sulteng.dinsos.kepala", "approve"),
        *POKJA,
        ("sulteng.bappeda", "confirm_budget"),
        ("sulteng.birohukum", "clear_legal"),
    )
    assert sulteng.state(activity_id) == "governor_signoff"


def test_demo_data_reaches_every_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    registry = load_registry()
    factory = seeded(fresh_engine(f"sqlite:///{tmp_path / 'demo.db'}"), registry)
    with factory() as s:
        seed_demo(s, registry)
        states = set(
            s.execute(
                select(Activity.state)
                .join(Province, Province.id == Activity.province_id)
                .where(Province.code == plugin.CODE)
            ).scalars()
        )
    runtime = registry.get(plugin.CODE)
    assert states == {st.code for st in runtime.workflow.states}
    h = Harness(factory, registry, province=plugin.CODE)
    assert h.audit_breaks() == []
    assert h.user_for("biro_hukum") == "sulteng.birohukum"


class TellPartners:
    """docs/plugins.md's example of an OPD-scoped recipient, as written there."""

    @hookimpl
    def notification_recipients(
        self, activity: ActivityView, transition: Transition
    ) -> list[Recipient]:
        if transition.action != "approve":
            return []
        return [Recipient(role="opd_head", opd=o) for o in activity.details["partner_opds"]]


def test_partner_opds_are_told(sulteng: Harness) -> None:
    h = sulteng
    body = h.demo_payload(0)
    body["details"]["partner_opds"] = ["dinsos"]
    activity = h.create(h.user_for("opd_staff", "dp3a"), body)
    with h.plugged(TellPartners()):
        h.walk(activity.id, "submit", "approve")
    # The next stage is the Pokja's gate: its three members are told, the partner's head, and
    # the submitter (the OPD hears of every move).
    pokja = ["sulteng.pokja1", "sulteng.pokja2", "sulteng.pokja3"]
    partner_head = h.user_for("opd_head", "dinsos")
    submitter = h.user_for("opd_staff", "dp3a")
    assert h.notified(activity.id, "approve") == sorted([*pokja, partner_head, submitter])
    assert h.notified(activity.id, "approve") == ["sulteng.dinsos.kepala", submitter, *pokja]
    assert h.notified(activity.id, "submit") == ["sulteng.dp3a.kepala"]
