"""Activity lists: filters, scope, and keyset pagination that stays stable under inserts."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Api


def _ids(body: Any) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_keyset_pages_are_stable_under_concurrent_inserts(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    created = [staff.create(title=f"Kegiatan nomor {i}")["id"] for i in range(5)]
    viewer = api.as_("auditor")

    first = viewer.get("/api/v1/activities?limit=2").json
    assert _ids(first) == created[::-1][:2]
    staff.create(title="Kegiatan yang ditambahkan di tengah jalan")  # lands before page one
    seen = _ids(first)
    cursor = first["next_cursor"]  # type: ignore[index]
    while cursor:
        page = viewer.get(f"/api/v1/activities?limit=2&cursor={cursor}").json
        seen += _ids(page)
        cursor = page["next_cursor"]  # type: ignore[index]
    assert seen == created[::-1]


def test_filters(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    plain = staff.create(title="Sosialisasi pencegahan perkawinan anak")
    other = staff.create(
        title="Rumah aman bagi korban",
        pillar="penanganan",
        years=[{"year": 2024, "target": "1 unit", "proposed_budget": 5_000_000}],
    )
    api.harness.act("dpppa.staf", other["id"], "submit")
    dinsos = api.as_("dinsos.staf").create(title="Layanan psikososial korban konflik")
    viewer = api.as_("bappeda.verifikator")

    def ids(query: str) -> set[int]:
        response = viewer.get(f"/api/v1/activities?{query}")
        assert response.status_code == 200, response.json
        return set(_ids(response.json))

    assert ids("state=opd_review") == {other["id"]}
    assert ids("pillar=penanganan") == {other["id"]}
    assert ids("year=2024") == {other["id"]}
    assert ids("opd=dinsos") == {dinsos["id"]}
    assert ids("q=PERKAWINAN") == {plain["id"]}
    assert ids(f"plan_id={api.plan_id()}&opd=dpppa") == {plain["id"], other["id"]}
    assert ids("state=signed") == set()
    # OPD staff see their own OPD only, whatever they ask for.
    mine = api.as_("dinsos.staf").get("/api/v1/activities").json
    assert set(_ids(mine)) == {dinsos["id"]}
    assert _ids(api.as_("dinsos.staf").get("/api/v1/activities?opd=dpppa").json) == []


def test_list_rows_have_no_available_actions(api: Api) -> None:
    api.as_("dpppa.staf").create()
    item = api.as_("auditor").get("/api/v1/activities").json["items"][0]  # type: ignore[index]
    assert "available_actions" not in item
    assert item["state_label"] == "Draf" and item["opd"] == "dpppa"


def _statements(api: Api, path: str) -> tuple[int, int]:
    """(number of SQL statements, number of items) for one GET as the auditor."""
    from sqlalchemy import event

    from sepakat.database import db

    api.as_("auditor").get("/api/v1/me")  # token checked and cached outside the count
    with api.client.application.app_context():
        engine = db.engine
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = api.as_("auditor").get(path)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), len(response.json["items"])  # type: ignore[index]


def test_no_query_per_row(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    for i in range(2):
        staff.create(title=f"Kegiatan awal {i}")
    few = _statements(api, "/api/v1/activities")
    for i in range(10):
        staff.create(title=f"Kegiatan tambahan {i}")
    many = _statements(api, "/api/v1/activities")
    assert (few[1], many[1]) == (2, 12)
    assert many[0] == few[0], (few, many)


def test_sorted_pages_and_totals_of_the_filtered_list(api: Api) -> None:
    """``sort`` and ``totals=true`` are optional: without them the answer is as before."""
    staff = api.as_("dpppa.staf")
    small = staff.create(years=[{"year": 2023, "target": "1", "proposed_budget": 5_000_000}])
    large = staff.create(years=[{"year": 2023, "target": "1", "proposed_budget": 90_000_000}])
    middle = staff.create(years=[{"year": 2023, "target": "1", "proposed_budget": 20_000_000}])
    plain = staff.get("/api/v1/activities").json
    assert "totals" not in plain
    seen: list[int] = []
    page = staff.get("/api/v1/activities?sort=-proposed&limit=2&totals=true").json
    assert page["totals"] == {"count": 3, "proposed": 115_000_000, "confirmed": 0}
    seen += _ids(page)
    page = staff.get(f"/api/v1/activities?sort=-proposed&limit=2&cursor={page['next_cursor']}")
    seen += _ids(page.json)
    assert seen == [large["id"], middle["id"], small["id"]]
    bad = staff.get("/api/v1/activities?sort=harga")
    assert bad.status_code == 422 and "sort" in bad.json["errors"]
    assert staff.get("/api/v1/activities?totals=mungkin").status_code == 422
