"""``/api/v1/admin/calendar``: the province admin sets a window, Bappeda extends it; a
submission outside the window is a 422 naming the dates and goes through after the extension;
403 for everybody else, 404 for another province's years; bad input names each field and
changes nothing. PostgreSQL, the clock of the rule frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from core.models import AdminAuditEntry, PlanningWindow
from core.services import planning_calendar
from tests.api.conftest import Api
from tests.api.test_bad_input import _named

BASE = "/api/v1/admin/calendar"
WINDOW = f"{BASE}/2023/submission"
SPRING = {"starts_on": "2023-01-02", "ends_on": "2023-03-15"}


@pytest.fixture(autouse=True)
def march_20_2023(monkeypatch: pytest.MonkeyPatch) -> None:
    """Monday 20 March 2023, 10.00 WIB: after the submission window below has closed."""
    at = dt.datetime(2023, 3, 20, 3, tzinfo=dt.UTC)
    monkeypatch.setattr(planning_calendar, "utcnow", lambda: at)


def windows(api: Api) -> list[tuple[int, str, dt.date, dt.date]]:
    with api.harness.session() as s:
        rows = s.execute(
            select(
                PlanningWindow.year,
                PlanningWindow.kind,
                PlanningWindow.starts_on,
                PlanningWindow.ends_on,
            ).order_by(PlanningWindow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_admin_sets_bappeda_extends_and_the_submission_follows(api: Api) -> None:
    admin, bappeda = api.as_("admin.lampung"), api.as_("bappeda.verifikator")
    response = admin.open("PUT", WINDOW, json=SPRING)
    assert response.status_code == 200, response.json
    assert response.json == {
        "year": 2023,
        "kind": "submission",
        "label": "Pengajuan usulan OPD",
        "starts_on": "2023-01-02",
        "ends_on": "2023-03-15",
        "original_ends_on": None,
    }
    staff = api.as_("dpppa.staf")
    activity = staff.create()
    refused = staff.act(activity["id"], "submit")
    assert refused.status_code == 422, refused.json
    assert _named(refused.json, "submission_closed")  # type: ignore[arg-type]
    assert (
        "Masa pengajuan usulan tahun 2023: 2 Januari – 15 Maret 2023 (WIB). "
        "Hubungi Bappeda untuk perpanjangan."
    ) in [r["message"] for r in refused.json["rules"]]  # type: ignore[index]
    assert api.harness.state(activity["id"]) == api.harness.runtime.workflow.initial

    extension = {"ends_on": "2023-03-31", "reason": "Perubahan struktur OPD"}
    response = bappeda.post(f"{WINDOW}/extensions", json=extension)
    assert response.status_code == 200, response.json
    assert (response.json["ends_on"], response.json["original_ends_on"]) == (  # type: ignore[index]
        "2023-03-31",
        "2023-03-15",
    )
    assert staff.act(activity["id"], "submit").status_code == 200

    listed = bappeda.get(BASE).json
    assert [y["year"] for y in listed] == [2022, 2023, 2024]  # type: ignore[union-attr]
    [year_2023] = [y for y in listed if y["year"] == 2023]  # type: ignore[union-attr]
    assert [(w["kind"], w["ends_on"]) for w in year_2023["windows"]] == [
        ("submission", "2023-03-31")
    ]
    with api.harness.session() as s:
        audit = s.execute(
            select(AdminAuditEntry.action, AdminAuditEntry.actor, AdminAuditEntry.reason).order_by(
                AdminAuditEntry.id
            )
        ).all()
    assert [tuple(a) for a in audit] == [
        ("calendar.set", "admin.lampung", None),
        ("calendar.extend", "bappeda.verifikator", "Perubahan struktur OPD"),
    ]


def test_a_year_without_a_calendar_accepts_as_today(api: Api) -> None:
    assert api.as_("admin.lampung").open("PUT", f"{BASE}/2024/submission", json={
        "starts_on": "2024-01-02", "ends_on": "2024-03-15"
    }).status_code == 200  # fmt: skip
    staff = api.as_("dpppa.staf")
    activity = staff.create()  # its year is 2023, which has no window
    assert staff.act(activity["id"], "submit").status_code == 200


@pytest.mark.parametrize(
    ("user", "method", "path", "body"),
    [
        ("dpppa.staf", "GET", BASE, None),
        ("dpppa.kepala", "GET", f"{BASE}/2023", None),
        ("gubernur", "GET", BASE, None),
        ("bappeda.verifikator", "PUT", WINDOW, SPRING),  # Bappeda extends, but does not set
        ("dpppa.staf", "PUT", WINDOW, SPRING),
        ("dpppa.staf", "POST", f"{WINDOW}/extensions", {"ends_on": "2023-03-31", "reason": "x"}),
    ],
)
def test_others_get_403(
    api: Api, user: str, method: str, path: str, body: dict[str, str] | None
) -> None:
    if method == "POST":
        assert api.as_("admin.lampung").open("PUT", WINDOW, json=SPRING).status_code == 200
    before = windows(api)
    response = api.as_(user).open(method, path, json=body)
    assert response.status_code == 403, response.json
    assert windows(api) == before


@pytest.mark.parametrize(
    ("user", "path"),
    [
        ("sulteng.admin", WINDOW),  # 2023 is Lampung's plan year, not Sulawesi Tengah's
        ("admin.lampung", f"{BASE}/2027/submission"),  # and 2027 Sulawesi Tengah's
        ("admin.lampung", f"{BASE}/2023/lainnya"),
    ],
)
def test_another_provinces_year_is_404(api: Api, user: str, path: str) -> None:
    assert api.as_(user).open("PUT", path, json=SPRING).status_code == 404
    assert windows(api) == []


def test_a_window_of_another_province_is_not_seen(api: Api) -> None:
    assert api.as_("admin.lampung").open("PUT", WINDOW, json=SPRING).status_code == 200
    assert api.as_("sulteng.admin").get(f"{BASE}/2023").status_code == 404
    listed = api.as_("sulteng.admin").get(BASE).json
    assert all(y["windows"] == [] for y in listed)  # type: ignore[union-attr]


CASES: list[tuple[str, str, object, str]] = [
    ("missing", "PUT", {}, "starts_on"),
    ("not-a-date", "PUT", {"starts_on": "15/03/2023", "ends_on": "2023-03-15"}, "starts_on"),
    ("ends-before", "PUT", {"starts_on": "2023-03-15", "ends_on": "2023-01-02"}, "ends_on"),
    ("far-year", "PUT", {"starts_on": "2023-01-02", "ends_on": "2031-03-15"}, "ends_on"),
    ("unknown", "PUT", {**SPRING, "warna": "merah"}, "warna"),
    ("not-later", "POST", {"ends_on": "2023-03-01", "reason": "alasan"}, "not_later"),
    ("no-reason", "POST", {"ends_on": "2023-03-31"}, "reason"),
    ("blank-reason", "POST", {"ends_on": "2023-03-31", "reason": "   "}, "reason"),
]


@pytest.mark.parametrize(
    ("method", "body", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_names_the_field_and_changes_nothing(
    api: Api, method: str, body: object, needle: str
) -> None:
    admin = api.as_("admin.lampung")
    assert admin.open("PUT", WINDOW, json=SPRING).status_code == 200
    before = windows(api)
    path = WINDOW if method == "PUT" else f"{WINDOW}/extensions"
    response = admin.open(method, path, json=body)
    assert response.status_code == 422, response.json
    assert _named(response.json, needle), response.json  # type: ignore[arg-type]
    assert windows(api) == before


def test_a_report_due_date_is_moved_per_period_and_year(api: Api) -> None:
    """Kind ``report_<period>``: its last day replaces the hook's due date for that year (the
    hook's stands otherwise); an unknown period is 404, a due date inside the period 422."""
    admin = api.as_("admin.lampung")
    year = admin.get(f"{BASE}/2023")
    assert year.status_code == 200, year.json
    s1 = {
        "code": "S1",
        "label": "Semester I",
        "kind": "report_S1",
        "starts_on": "2023-01-01",
        "ends_on": "2023-06-30",
        "default_due_on": "2023-07-10",
        "due_on": "2023-07-10",
    }
    assert year.json["report_periods"][0] == s1
    moved = admin.open(
        "PUT", f"{BASE}/2023/report_S1", json={"starts_on": "2023-07-01", "ends_on": "2023-07-20"}
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["label"] == "Batas laporan Semester I"
    again = admin.get(f"{BASE}/2023").json
    assert again["report_periods"][0] == s1 | {"due_on": "2023-07-20"}
    assert [w["kind"] for w in again["windows"]] == ["report_S1"]
    assert admin.get(f"{BASE}/2024").json["report_periods"][0]["due_on"] == "2024-07-10"
    unknown = admin.open(
        "PUT", f"{BASE}/2023/report_S9", json={"starts_on": "2023-07-01", "ends_on": "2023-07-20"}
    )
    assert unknown.status_code == 404
    early = admin.open(
        "PUT", f"{BASE}/2023/report_S1", json={"starts_on": "2023-06-01", "ends_on": "2023-06-15"}
    )
    assert early.status_code == 422
    assert _named(early.json, "due_before_period_end")  # type: ignore[arg-type]
    extended = api.as_("bappeda.verifikator").post(
        f"{BASE}/2023/report_S1/extensions", json={"ends_on": "2023-07-31", "reason": "Banjir."}
    )
    assert extended.status_code == 200, extended.json
    assert (extended.json["ends_on"], extended.json["original_ends_on"]) == (
        "2023-07-31",
        "2023-07-20",
    )
    assert windows(api)[-1] == (2023, "report_S1", dt.date(2023, 7, 1), dt.date(2023, 7, 31))
