"""Two provinces in one database: nobody of one sees or touches the other's data, even where
OPD codes (``dinsos``, ``bappeda``, ``biro_hukum``) and roles are the same in both."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import NotFound, RuleFailed
from core.models import OutboxMessage, Province, User
from core.services import (
    ListFilters,
    activity_history,
    available_actions,
    batch_signoff,
    get_activity,
    list_activities,
    opd_ceilings,
    update_activity,
)
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.plugins.conftest import sulteng_payload

LAMPUNG_USERS = (
    "dpppa.staf",
    "dinsos.staf",
    "dinsos.kepala",
    "kesbangpol.reviu",
    "bappeda.verifikator",
    "gubernur",
    "admin.lampung",
    "auditor",
)
SULTENG_USERS = (
    "sulteng.dp3a.staf",
    "sulteng.dinsos.staf",
    "sulteng.dinsos.kepala",
    "sulteng.bappeda",
    "sulteng.birohukum",
    "sulteng.gubernur",
    "sulteng.admin",
    "sulteng.auditor",
)


@pytest.fixture
def pair(harness: Harness) -> tuple[int, int]:
    """One Dinas Sosial activity in each province, both waiting at Bappeda."""
    lampung = harness.create("dinsos.staf", lampung_payload(harness.plan_id("lampung"))).id
    harness.move(lampung, ("dinsos.staf", "submit"), ("dinsos.kepala", "approve"))
    sulteng = harness.create("sulteng.dinsos.staf", sulteng_payload(harness.plan_id("sulteng"))).id
    harness.move(
        sulteng,
        ("sulteng.dinsos.staf", "submit"),
        ("sulteng.dinsos.kepala", "approve"),
        ("sulteng.pokja1", "setujui_pokja"),  # two of the three Pokja reviewers
        ("sulteng.pokja2", "setujui_pokja"),
    )
    return lampung, sulteng


@pytest.mark.parametrize(
    ("users", "foreign"), [(LAMPUNG_USERS, 1), (SULTENG_USERS, 0)], ids=["lampung", "sulteng"]
)
def test_reads_stop_at_the_province(
    harness: Harness, pair: tuple[int, int], users: tuple[str, ...], foreign: int
) -> None:
    other = pair[foreign]
    for username in users:
        actor = harness.actor(username)
        with harness.session() as s:
            with pytest.raises(NotFound):
                get_activity(s, actor, other)
            with pytest.raises(NotFound):
                activity_history(s, actor, other)
            with pytest.raises(NotFound):
                available_actions(s, harness.registry, actor, other)
            for filters in (ListFilters(), ListFilters(opd="dinsos"), ListFilters(q="perempuan")):
                items, _ = list_activities(s, actor, filters, limit=200)
                assert other not in {a.id for a in items}, username


@pytest.mark.parametrize(
    ("user", "action", "foreign"),
    [
        ("bappeda.verifikator", "confirm_budget", 1),
        ("bappeda.verifikator", "return", 1),
        ("gubernur", "reject", 1),
        ("sulteng.bappeda", "confirm_budget", 0),
        ("sulteng.gubernur", "reject", 0),
        ("sulteng.birohukum", "return", 0),
    ],
)
def test_transitions_stop_at_the_province(
    harness: Harness, pair: tuple[int, int], user: str, action: str, foreign: int
) -> None:
    other = pair[foreign]
    before = (harness.state(other), harness.version(other))
    with pytest.raises(NotFound):
        harness.act(user, other, action, comment="Bukan wewenang provinsi ini.")
    assert (harness.state(other), harness.version(other)) == before


def test_edits_and_drafts_stop_at_the_province(harness: Harness) -> None:
    draft = harness.create("sulteng.dinsos.staf", sulteng_payload(harness.plan_id("sulteng"))).id
    with harness.session() as s, pytest.raises(NotFound):
        update_activity(
            s, harness.registry, harness.actor("dinsos.staf"), draft, 1, {"title": "Diambil alih"}
        )
    # A plan of the other province is unknown, whoever's payload it is.
    with pytest.raises(RuleFailed) as err:
        harness.create("dinsos.staf", lampung_payload(harness.plan_id("sulteng")))
    assert "plan_unknown" in err.value.codes()
    with pytest.raises(RuleFailed) as err:
        harness.create("sulteng.dinsos.staf", sulteng_payload(harness.plan_id("lampung")))
    assert "plan_unknown" in err.value.codes()


def test_ceilings_are_per_province(harness: Harness, pair: tuple[int, int]) -> None:
    _, sulteng_id = pair
    lampung, sulteng = harness.actor("gubernur"), harness.actor("sulteng.gubernur")
    with harness.session() as s:
        assert [r["year"] for r in opd_ceilings(s, lampung, "dinsos")] == [2022, 2023, 2024]
        assert [r["year"] for r in opd_ceilings(s, sulteng, "dinsos")] == list(range(2025, 2030))
        with pytest.raises(NotFound):
            opd_ceilings(s, lampung, "dp3a")
        with pytest.raises(NotFound):
            opd_ceilings(s, sulteng, "dpppa")
    harness.act("sulteng.bappeda", sulteng_id, "confirm_budget")
    with harness.session() as s:
        assert all(r["confirmed"] == 0 for r in opd_ceilings(s, lampung, "dinsos"))
        assert sum(r["confirmed"] for r in opd_ceilings(s, sulteng, "dinsos")) == 180_000_000


def test_batch_signoff_stops_at_the_province(harness: Harness, pair: tuple[int, int]) -> None:
    lampung_id, _ = pair
    with harness.session() as s:
        with pytest.raises(NotFound):
            batch_signoff(
                s,
                harness.registry,
                harness.actor("sulteng.gubernur"),
                harness.plan_id("lampung"),
                [lampung_id],
                "Peraturan Gubernur Sulawesi Tengah Nomor 1 Tahun 2025",
            )
        (item,) = batch_signoff(
            s,
            harness.registry,
            harness.actor("sulteng.gubernur"),
            harness.plan_id("sulteng"),
            [lampung_id],
            "Peraturan Gubernur Sulawesi Tengah Nomor 1 Tahun 2025",
        )
    assert isinstance(item.error, NotFound)
    assert harness.state(lampung_id) == "budget_review"


def test_notifications_stay_in_the_province(harness: Harness, pair: tuple[int, int]) -> None:
    # Same role codes (bappeda, opd_head of dinsos) exist in both: recipients must not leak.
    lampung_id, sulteng_id = pair
    harness.act("sulteng.bappeda", sulteng_id, "confirm_budget")

    def recipients(activity_id: int) -> set[tuple[str, str]]:
        with harness.session() as s:
            return {
                (row[0], row[1])
                for row in s.execute(
                    select(Province.code, User.username)
                    .join(User, User.province_id == Province.id)
                    .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
                    .where(OutboxMessage.activity_id == activity_id)
                )
            }

    lampung, sulteng = recipients(lampung_id), recipients(sulteng_id)
    assert lampung and {p for p, _ in lampung} == {"lampung"}
    assert sulteng and {p for p, _ in sulteng} == {"sulteng"}
    assert ("sulteng", "sulteng.birohukum") in sulteng  # the next stage's reviewer is told
