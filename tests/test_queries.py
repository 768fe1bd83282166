"""Lists, history and pagu reads, always within the caller's scope (both backends)."""

from __future__ import annotations

import pytest

from core.errors import NotFound, RuleFailed
from core.services import ListFilters, list_activities, list_totals, opd_ceilings
from core.testing import Harness


def titles(h: Harness, username: str, **filters: object) -> list[str]:
    with h.session() as s:
        items, _ = list_activities(s, h.actor(username), ListFilters(**filters), limit=200)
        return [a.title for a in items]


@pytest.fixture
def three(harness: Harness, payload) -> Harness:  # type: ignore[no-untyped-def]
    harness.create("dpppa.staf", payload(title="Pelatihan mediasi 100% perempuan"))
    harness.create(
        "dpppa.staf",
        payload(
            title="Rumah aman anak",
            pillar="penanganan",
            years=[{"year": 2024, "target": "1", "proposed_budget": 5}],
        ),
    )
    harness.create("dinsos.staf", payload(title="Dapur umum pengungsian"))
    return harness


def test_opd_roles_see_only_their_opd(three: Harness) -> None:
    assert sorted(titles(three, "dpppa.kepala")) == [
        "Pelatihan mediasi 100% perempuan",
        "Rumah aman anak",
    ]
    assert titles(three, "dinsos.staf") == ["Dapur umum pengungsian"]
    assert len(titles(three, "auditor")) == 3  # province-wide, read-only


def test_filters(three: Harness) -> None:
    assert titles(three, "auditor", pillar="penanganan") == ["Rumah aman anak"]
    assert titles(three, "auditor", year=2024) == ["Rumah aman anak"]
    assert titles(three, "auditor", opd="dinsos") == ["Dapur umum pengungsian"]
    assert titles(three, "auditor", state="opd_review") == []
    assert titles(three, "auditor", q="RUMAH") == ["Rumah aman anak"]
    # "%" is text to find, not a wildcard.
    assert titles(three, "auditor", q="100%") == ["Pelatihan mediasi 100% perempuan"]
    assert titles(three, "auditor", q="1%0") == []


def test_keyset_pages_are_stable_under_inserts(harness: Harness, payload) -> None:
    for i in range(5):
        harness.create("dpppa.staf", payload(title=f"Kegiatan nomor {i}"))
    actor = harness.actor("auditor")
    with harness.session() as s:
        first, cursor = list_activities(s, actor, ListFilters(), limit=2)
        assert [a.title for a in first] == ["Kegiatan nomor 4", "Kegiatan nomor 3"]
        harness.create("dpppa.staf", payload(title="Kegiatan baru di tengah jalan"))
        second, cursor = list_activities(s, actor, ListFilters(), limit=2, cursor=cursor)
        third, last = list_activities(s, actor, ListFilters(), limit=2, cursor=cursor)
    assert [a.title for a in second] == ["Kegiatan nomor 2", "Kegiatan nomor 1"]
    assert [a.title for a in third] == ["Kegiatan nomor 0"]
    assert last is None


def test_bad_cursor_is_a_rule_failure(harness: Harness) -> None:
    with harness.session() as s, pytest.raises(RuleFailed) as err:
        list_activities(s, harness.actor("auditor"), ListFilters(), cursor="!!not-ours")
    assert err.value.codes() == ["cursor_invalid"]


def test_ceilings_visible_by_scope(harness: Harness) -> None:
    with harness.session() as s:
        own = opd_ceilings(s, harness.actor("dpppa.staf"), "dpppa")
        assert own[0] == {
            "year": 2022,
            "ceiling": 2_500_000_000,
            "confirmed": 0,
            "remaining": 2_500_000_000,
        }
        assert len(opd_ceilings(s, harness.actor("bappeda.verifikator"), "dinsos")) == 3
        with pytest.raises(NotFound):
            opd_ceilings(s, harness.actor("dpppa.staf"), "dinsos")
        with pytest.raises(NotFound):
            opd_ceilings(s, harness.actor("auditor"), "tidak_ada")


def test_available_actions_for_a_page_in_one_query(harness: Harness, payload) -> None:
    """The dashboard asks for a page of activities at once; same answer as one by one."""
    from sqlalchemy import event

    from core.services import available_actions, available_actions_many

    ids = [harness.create("dpppa.staf", payload()).id for _ in range(3)]
    harness.act("dpppa.staf", ids[1], "submit")
    other = harness.create("dinsos.staf", payload()).id
    head = harness.actor("dpppa.kepala")
    with harness.session() as s:
        one_by_one = {i: available_actions(s, harness.registry, head, i) for i in ids}
        statements: list[str] = []
        engine = s.get_bind()
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            many = available_actions_many(s, harness.registry, head, [*ids, other])
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert many == one_by_one  # the other OPD's activity is left out
    assert one_by_one[ids[1]] == ["approve", "return"] and one_by_one[ids[0]] == []
    assert len(statements) == 1


def _budget(amount: int, year: int = 2023) -> list[dict[str, object]]:
    return [{"year": year, "target": "1", "proposed_budget": amount}]


def test_sorted_lists_page_by_their_own_order_and_totals_cover_every_page(
    harness: Harness, payload
) -> None:
    """Sorting by amount or title, keyset-paginated on the sort value (ties by id), and the
    totals of the whole filtered list (issue 16, item 8)."""
    amounts = {"Bina": 300, "Asah": 100, "Cipta": 200, "Daya": 200, "Eka": 50}
    ids = {
        t: harness.create("dpppa.staf", payload(title=t, years=_budget(a))).id
        for t, a in amounts.items()
    }
    harness.walk(ids["Bina"], "submit", "approve")
    harness.act(
        "bappeda.verifikator",
        ids["Bina"],
        "confirm_budget",
        confirmed_years=[{"year": 2023, "confirmed_budget": 255}],
    )
    actor = harness.actor("dpppa.kepala")

    def walk(sort: str) -> list[str]:
        seen: list[str] = []
        cursor = None
        with harness.session() as s:
            while True:
                page, cursor = list_activities(s, actor, ListFilters(), 2, cursor, sort)
                seen += [a.title for a in page]
                if cursor is None:
                    return seen

    assert walk("-proposed") == ["Bina", "Daya", "Cipta", "Asah", "Eka"]  # ties: newest first
    assert walk("proposed") == ["Eka", "Asah", "Cipta", "Daya", "Bina"]
    assert walk("title") == ["Asah", "Bina", "Cipta", "Daya", "Eka"]
    assert walk("-confirmed")[0] == "Bina"
    assert walk("newest") == ["Eka", "Daya", "Cipta", "Asah", "Bina"]
    with harness.session() as s:
        _, cursor = list_activities(s, actor, ListFilters(), 2, None, "title")
        with pytest.raises(RuleFailed):  # a cursor of one order is not used under another
            list_activities(s, actor, ListFilters(), 2, cursor, "proposed")
        with pytest.raises(RuleFailed):
            list_activities(s, actor, ListFilters(), 2, None, "anything")
        totals = list_totals(s, actor, ListFilters())
        assert (totals.count, totals.proposed, totals.confirmed) == (5, 850, 255)
        assert list_totals(s, actor, ListFilters(year=2024)).count == 0
