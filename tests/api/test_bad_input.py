"""Whatever a client sends, the answer is the right 4xx with a reason, and the database is left
exactly as it was (row counts, versions, states, pagu)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import itsdangerous
import pytest

from tests.api.conftest import Api, db_state
from tests.helpers import lampung_payload

LONG = "x" * 100_000
YEAR = {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000}


def _with_year(**changes: Any) -> dict[str, Any]:
    return {"years": [{**YEAR, **changes}]}


def _details(**changes: Any) -> dict[str, Any]:
    base = lampung_payload(0)["details"]
    return {"details": {**base, **changes}}  # type: ignore[dict-item]


# (case id, payload changes or a raw body, expected status, a field or rule code the answer names)
CREATE_CASES: list[tuple[str, Any, int, str]] = [
    ("title-wrong-type", {"title": 123}, 422, "title"),
    ("title-missing", {"title": None}, 422, "title"),
    ("unknown-field", {"colour": "merah"}, 422, "unknown_field"),
    ("title-100k", {"title": LONG}, 422, "title"),
    ("description-100k", {"description": LONG}, 422, "description"),
    ("detail-100k", _details(indicator=LONG), 422, "details.indicator"),
    ("budget-negative", _with_year(proposed_budget=-1), 422, "years.0.proposed_budget"),
    ("budget-fraction", _with_year(proposed_budget=1500.5), 422, "years.0.proposed_budget"),
    ("budget-float-whole", _with_year(proposed_budget=1500.0), 422, "years.0.proposed_budget"),
    ("budget-string", _with_year(proposed_budget="150000000"), 422, "years.0.proposed_budget"),
    ("budget-bool", _with_year(proposed_budget=True), 422, "years.0.proposed_budget"),
    ("budget-huge", _with_year(proposed_budget=10**30), 422, "years.0.proposed_budget"),
    ("year-outside-plan", _with_year(year=2030), 422, "year_outside_plan"),
    ("year-duplicate", {"years": [YEAR, YEAR]}, 422, "year_duplicate"),
    ("years-empty", {"years": []}, 422, "years"),
    ("years-not-list", {"years": "2023"}, 422, "years"),
    ("pillar-unknown", {"pillar": "perang"}, 422, "pillar_unknown"),
    ("location-unknown", _details(locations=["jakarta"]), 422, "locations_unknown"),
    ("funding-unknown", _details(funding_source="utang"), 422, "funding_source_unknown"),
    ("detail-unknown-key", _details(warna="merah"), 422, "details.warna"),
    ("details-not-object", {"details": ["a"]}, 422, "details"),
    ("sub-activity-code", _details(sub_activity_code="2.08"), 422, "sub_activity_code_format"),
    ("plan-unknown", {"plan_id": 987654}, 422, "plan_unknown"),
    ("plan-huge", {"plan_id": 10**20}, 422, "plan_id"),
    ("nul-character", {"title": "Judul\u0000kegiatan"}, 422, "title"),
    ("body-array", [1, 2], 422, "_schema"),
    ("body-string", "judul", 422, "_schema"),
]


# marshmallow's and webargs' own (English) messages: none may reach a client.
ENGLISH = (
    "Not a valid",
    "Missing data",
    "Unknown field",
    "Invalid",
    "may not be",
    "Must be",
    "Length",
)


def _named(body: dict[str, Any], needle: str) -> bool:
    text = json.dumps(body)
    assert not any(marker in text for marker in ENGLISH), text
    fields = set(body.get("errors", {}))
    codes = {r["code"] for r in body.get("rules", [])}
    return needle in fields or needle in codes


@pytest.mark.parametrize(
    ("changes", "status", "needle"), [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES]
)
def test_create_refuses_bad_input(api: Api, changes: Any, status: int, needle: str) -> None:
    staff = api.as_("dpppa.staf")
    if isinstance(changes, dict):
        body: Any = api.payload(**changes)
        body = {k: v for k, v in body.items() if v is not None}
    else:
        body = changes
    before = db_state(api.harness)
    response = staff.post("/api/v1/activities", json=body)
    assert response.status_code == status, response.json
    answer = response.json
    assert answer["code"] == status and answer["message"], answer  # type: ignore[index]
    assert _named(answer, needle), answer  # type: ignore[arg-type]
    assert all(r["code"] and r["message"] for r in answer["rules"])  # type: ignore[index]
    assert db_state(api.harness) == before


def test_every_failing_rule_is_listed_at_once(api: Api) -> None:
    body = api.payload(
        pillar="perang",
        years=[{**YEAR, "year": 2030}, {**YEAR, "year": 2030}],
        details={**api.payload()["details"], "locations": ["jakarta"]},  # type: ignore[dict-item]
    )
    response = api.as_("dpppa.staf").post("/api/v1/activities", json=body)
    assert response.status_code == 422
    codes = {r["code"] for r in response.json["rules"]}  # type: ignore[index]
    assert {"pillar_unknown", "year_outside_plan", "year_duplicate", "locations_unknown"} <= codes


RAW_CASES: list[tuple[str, str, bytes, str, int]] = [
    ("malformed-json", "POST", b'{"title": "a",', "application/json", 400),
    ("not-utf8", "POST", b'{"title": "\xff\xfe"}', "application/json", 400),
    ("empty-json", "POST", b"", "application/json", 422),
    ("too-deep", "POST", b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
    ("int-digits", "POST", b'{"plan_id": ' + b"9" * 5000 + b"}", "application/json", 400),
    ("nan", "POST", b'{"plan_id": NaN}', "application/json", 422),
    ("form-encoded", "POST", b"title=a", "application/x-www-form-urlencoded", 415),
    ("text-plain", "POST", b'{"title": "a"}', "text/plain", 415),
    (
        "oversized",
        "POST",
        b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}',
        "application/json",
        413,
    ),
]


@pytest.mark.parametrize(
    ("method", "raw", "content_type", "status"),
    [c[1:] for c in RAW_CASES],
    ids=[c[0] for c in RAW_CASES],
)
def test_raw_bodies(api: Api, method: str, raw: bytes, content_type: str, status: int) -> None:
    before = db_state(api.harness)
    response = api.as_("dpppa.staf").open(
        method, "/api/v1/activities", data=raw, headers={"Content-Type": content_type}
    )
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    assert response.json["code"] == status and response.json["message"]  # type: ignore[index]
    assert db_state(api.harness) == before


def _draft(api: Api) -> dict[str, Any]:
    return api.as_("dpppa.staf").create()


def _submitted(api: Api) -> dict[str, Any]:
    activity = _draft(api)
    api.harness.act("dpppa.staf", activity["id"], "submit")
    return activity


def _in_budget_review(api: Api) -> dict[str, Any]:
    activity = _submitted(api)
    api.harness.act("dpppa.kepala", activity["id"], "approve")
    return activity


def _at_signoff(api: Api) -> dict[str, Any]:
    activity = _in_budget_review(api)
    api.harness.act("bappeda.verifikator", activity["id"], "confirm_budget")
    return activity


# (case id, setup, user, headers(version), body(version), status, needle)
PATCH_CASES: list[tuple[str, Callable[[Api], dict[str, Any]], dict[str, str] | None, Any, int]] = [
    ("if-match-missing", _draft, None, {"title": "Judul baru kegiatan"}, 428),
    ("if-match-stale", _draft, {"If-Match": '"7"'}, {"title": "Judul baru kegiatan"}, 412),
    ("if-match-garbage", _draft, {"If-Match": "abc"}, {"title": "Judul baru kegiatan"}, 412),
    ("bad-body", _draft, {"If-Match": '"1"'}, {"title": 5, "plan_id": "x"}, 422),
    ("plan-changed", _draft, {"If-Match": '"1"'}, {"plan_id": 987654}, 422),
    ("not-editable", _submitted, {"If-Match": '"2"'}, {"title": "Judul baru kegiatan"}, 409),
]


@pytest.mark.parametrize(
    ("setup", "headers", "body", "status"),
    [c[1:] for c in PATCH_CASES],
    ids=[c[0] for c in PATCH_CASES],
)
def test_patch_refusals(api: Api, setup: Any, headers: Any, body: Any, status: int) -> None:
    activity = setup(api)
    before = db_state(api.harness)
    response = api.as_("dpppa.staf").patch(
        f"/api/v1/activities/{activity['id']}", json=body, headers=headers or {}
    )
    assert response.status_code == status, response.json
    assert response.json["message"]  # type: ignore[index]
    assert db_state(api.harness) == before


# (case id, setup, user, body builder (version → body), status, needle)
TRANSITION_CASES: list[tuple[str, Any, str, Callable[[int], Any], int, str]] = [
    (
        "stale-version",
        _draft,
        "dpppa.staf",
        lambda v: {"action": "submit", "version": v - 1},
        409,
        "",
    ),
    (
        "unknown-action",
        _draft,
        "dpppa.staf",
        lambda v: {"action": "terbang", "version": v},
        422,
        "action_unknown",
    ),
    ("not-available", _draft, "dpppa.staf", lambda v: {"action": "sign", "version": v}, 409, ""),
    ("version-missing", _draft, "dpppa.staf", lambda v: {"action": "submit"}, 422, "version"),
    (
        "version-string",
        _draft,
        "dpppa.staf",
        lambda v: {"action": "submit", "version": str(v)},
        422,
        "version",
    ),
    (
        "unknown-field",
        _draft,
        "dpppa.staf",
        lambda v: {"action": "submit", "version": v, "x": 1},
        422,
        "x",
    ),
    (
        "comment-required",
        _submitted,
        "dpppa.kepala",
        lambda v: {"action": "return", "version": v},
        422,
        "comment_required",
    ),
    (
        "comment-blank",
        _submitted,
        "dpppa.kepala",
        lambda v: {"action": "return", "version": v, "comment": "  "},
        422,
        "comment_required",
    ),
    (
        "comment-100k",
        _submitted,
        "dpppa.kepala",
        lambda v: {"action": "return", "version": v, "comment": LONG},
        422,
        "comment",
    ),
    ("four-eyes", _submitted, "dpppa.staf", lambda v: {"action": "approve", "version": v}, 403, ""),
    (
        "budget-raised",
        _in_budget_review,
        "bappeda.verifikator",
        lambda v: {
            "action": "confirm_budget",
            "version": v,
            "confirmed_years": [{"year": 2023, "confirmed_budget": 150_000_001}],
        },
        422,
        "budget_raised",
    ),
    (
        "budget-negative",
        _in_budget_review,
        "bappeda.verifikator",
        lambda v: {
            "action": "confirm_budget",
            "version": v,
            "confirmed_years": [{"year": 2023, "confirmed_budget": -5}],
        },
        422,
        "confirmed_years.0.confirmed_budget",
    ),
    (
        "budget-year-empty",
        _in_budget_review,
        "bappeda.verifikator",
        lambda v: {
            "action": "confirm_budget",
            "version": v,
            "confirmed_years": [{"year": 2023, "confirmed_budget": None}],
        },
        422,
        "confirmed_missing",
    ),
    (
        "budget-year-unknown",
        _in_budget_review,
        "bappeda.verifikator",
        lambda v: {
            "action": "confirm_budget",
            "version": v,
            "confirmed_years": [{"year": 2024, "confirmed_budget": 5}],
        },
        422,
        "year_not_in_activity",
    ),
    (
        "decree-missing",
        _at_signoff,
        "gubernur",
        lambda v: {"action": "sign", "version": v},
        422,
        "decree_required",
    ),
    (
        "decree-malformed",
        _at_signoff,
        "gubernur",
        lambda v: {"action": "sign", "version": v, "decree_number": "SK/1/2023"},
        422,
        "decree_number_format",
    ),
]


@pytest.mark.parametrize(
    ("setup", "user", "body", "status", "needle"),
    [c[1:] for c in TRANSITION_CASES],
    ids=[c[0] for c in TRANSITION_CASES],
)
def test_transition_refusals(
    api: Api, setup: Any, user: str, body: Callable[[int], Any], status: int, needle: str
) -> None:
    activity = setup(api)
    before = db_state(api.harness)
    version = api.harness.version(activity["id"])
    response = api.as_(user).post(
        f"/api/v1/activities/{activity['id']}/transitions", json=body(version)
    )
    assert response.status_code == status, response.json
    assert response.json["message"]  # type: ignore[index]
    if needle:
        assert _named(response.json, needle), response.json  # type: ignore[arg-type]
    assert db_state(api.harness) == before


QUERY_CASES = [
    ("limit=0", "limit"),
    ("limit=201", "limit"),
    ("limit=abc", "limit"),
    ("year=abc", "year"),
    ("year=99999999999999999999", "year"),
    ("cursor=!!!", "cursor_invalid"),
    ("cursor=" + "A" * 40, "cursor_invalid"),
    ("q=" + "x" * 300, "q"),
    ("q=a%00b", "q"),
]


@pytest.mark.parametrize(("query", "needle"), QUERY_CASES, ids=[c[0][:20] for c in QUERY_CASES])
def test_list_query_refusals(api: Api, query: str, needle: str) -> None:
    response = api.as_("auditor").get(f"/api/v1/activities?{query}")
    assert response.status_code == 422, response.json
    assert _named(response.json, needle), response.json  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/activities/99999999999999999999", 404),
        ("/api/v1/activities/0", 404),
        ("/api/v1/activities/abc", 404),
        ("/api/v1/plans/99999999999999999999", 404),
        ("/api/v1/opds/tidak-ada/ceilings", 404),
        ("/api/v1/opds/a%00b/ceilings", 404),
        ("/api/v1/opds/" + "x" * 300 + "/ceilings", 404),
        ("/api/v1/provinces/a%00b/form", 404),
        ("/api/v1/tidak-ada", 404),
    ],
)
def test_unknown_things_are_404(api: Api, path: str, status: int) -> None:
    response = api.as_("auditor").get(path)
    assert response.status_code == status
    assert response.json["code"] == status and response.json["message"]  # type: ignore[index]


def test_wrong_method_is_405_json(api: Api) -> None:
    response = api.as_("auditor").open("DELETE", "/api/v1/plans")
    assert response.status_code == 405
    assert response.json["status"] == "Method Not Allowed"  # type: ignore[index]


def test_signoff_refusals(api: Api) -> None:
    governor = api.as_("gubernur")
    plan = api.plan_id()
    before = db_state(api.harness)
    empty = governor.post(
        f"/api/v1/plans/{plan}/signoff", json={"activity_ids": [], "decree_number": "G/1/A/HK/2023"}
    )
    assert empty.status_code == 422 and "activity_ids" in empty.json["errors"]  # type: ignore[index]
    missing = governor.post(f"/api/v1/plans/{plan}/signoff", json={"activity_ids": [1]})
    assert missing.status_code == 422 and "decree_number" in missing.json["errors"]  # type: ignore[index]
    other_plan = governor.post(
        "/api/v1/plans/987654/signoff", json={"activity_ids": [1], "decree_number": "G/1/A/HK/2023"}
    )
    assert other_plan.status_code == 404
    assert db_state(api.harness) == before


# -- tokens ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "password", "status"),
    [
        ("dpppa.staf", "sandi-keliru-123", 401),
        ("tidak.ada", "sepakat", 401),
        ("dpppa.staf", "", 422),
        ("dpppa.staf", "x" * 10_000, 422),
        ("", "sepakat", 422),
    ],
    ids=["wrong-password", "unknown-user", "empty-password", "huge-password", "empty-user"],
)
def test_bad_credentials(api: Api, username: str, password: str, status: int) -> None:
    response = api.login(username, password)
    assert response.status_code == status
    text = response.get_data(as_text=True)
    assert "access_token" not in text and (not password or password not in text)
    if status == 401:
        assert response.json["message"] == "Nama pengguna atau kata sandi salah."  # type: ignore[index]


def test_expired_token(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    nine_hours_ago = int(time.time()) - 9 * 3600
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: nine_hours_ago)
    token = api.login("dpppa.staf").json["access_token"]  # type: ignore[index]
    monkeypatch.undo()
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert "kedaluwarsa" in response.json["message"]  # type: ignore[index]


def test_token_signed_with_another_key(api: Api) -> None:
    forged = itsdangerous.URLSafeTimedSerializer("bukan-kunci", salt="sepakat.api.token").dumps(
        {"uid": 1, "jti": "x"}
    )
    response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert response.json["message"] == "Token tidak sah."  # type: ignore[index]


def test_logout_revokes_the_token(api: Api) -> None:
    token = api.login("auditor").json["access_token"]  # type: ignore[index]
    auth = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/me", headers=auth).status_code == 200
    assert api.client.post("/api/v1/auth/logout", headers=auth).status_code == 204
    response = api.client.get("/api/v1/me", headers=auth)
    assert response.status_code == 401
    assert "dicabut" in response.json["message"]  # type: ignore[index]
    # Other tokens of the same user keep working.
    assert api.as_("auditor").get("/api/v1/me").status_code == 200


def test_token_of_a_deactivated_user(api: Api) -> None:
    from sqlalchemy import update

    from core.models import User

    token = api.login("dinsos.kepala").json["access_token"]  # type: ignore[index]

    def set_active(active: bool) -> None:
        with api.harness.session() as s:
            s.execute(update(User).where(User.username == "dinsos.kepala").values(active=active))
            s.commit()

    set_active(False)
    try:
        response = api.client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert "tidak aktif" in response.json["message"]  # type: ignore[index]
        assert api.login("dinsos.kepala").status_code == 401
    finally:
        set_active(True)


def test_errors_outside_the_api_stay_html(api: Api) -> None:
    response = api.client.get("/halaman-yang-tidak-ada")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
