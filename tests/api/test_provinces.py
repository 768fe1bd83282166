"""Provinces, their workflow, reference lists and the activity form as JSON Schema."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.api.conftest import Api


def test_workflow_shape_and_labels(api: Api) -> None:
    body = api.as_("dpppa.staf").get("/api/v1/provinces/lampung/workflow").json
    assert body["version"]  # type: ignore[index]
    states = {s["code"]: s["label"] for s in body["states"]}  # type: ignore[index]
    assert states["returned"] == "Dikembalikan untuk Revisi"
    assert states["kesbangpol_review"] == "Reviu Badan Kesbangpol"
    moves = {(t["action"], t["from"], t["to"]) for t in body["transitions"]}  # type: ignore[index]
    assert ("approve", "opd_review", "kesbangpol_review") in moves
    assert ("endorse", "kesbangpol_review", "budget_review") in moves
    sign = next(t for t in body["transitions"] if t["action"] == "sign")  # type: ignore[index]
    assert sign["roles"] == ["governor"]


def test_workflow_says_what_each_move_means(api: Api) -> None:
    """Optional fields beside the old ones: the state kinds and the transitions' flags."""
    body = api.as_("dpppa.staf").get("/api/v1/provinces/lampung/workflow").json
    kinds = {s["code"]: s["kind"] for s in body["states"]}  # type: ignore[index]
    assert kinds["budget_review"] == "budget" and kinds["kesbangpol_review"] == "review"
    assert kinds["draft"] == "drafting" and kinds["signed"] == "approved"
    flags = {(t["action"], t["from"]): t for t in body["transitions"]}  # type: ignore[index]
    assert flags[("confirm_budget", "budget_review")]["books_budget"] is True
    assert flags[("sign", "governor_signoff")]["requires_decree"] is True
    back = flags[("return", "kesbangpol_review")]
    assert back["sends_back"] and back["releases_budget"] and back["comment_required"]
    assert flags[("approve", "opd_review")]["four_eyes"] is True
    assert not any(
        flags[("approve", "opd_review")][k]
        for k in ("books_budget", "releases_budget", "requires_decree", "sends_back")
    )


def test_reference_lists_every_list(api: Api) -> None:
    body = api.as_("auditor").get("/api/v1/provinces/lampung/reference").json
    assert {"opds", "pillars", "locations", "funding_sources", "conflict_types"} <= set(body)  # type: ignore[arg-type]
    assert {"code": "mesuji", "label": "Kabupaten Mesuji"} in body["locations"]  # type: ignore[index]


def test_province_detail_has_its_plans(api: Api) -> None:
    body = api.as_("auditor").get("/api/v1/provinces/lampung").json
    assert [p["id"] for p in body["plans"]] == [api.plan_id()]  # type: ignore[index]
    assert body["plans"][0]["start_year"] == 2022  # type: ignore[index]


def _form(api: Api) -> dict[str, Any]:
    response = api.as_("dpppa.staf").get("/api/v1/provinces/lampung/form")
    assert response.status_code == 200
    return response.json  # type: ignore[return-value]


def test_form_is_a_json_schema_that_accepts_the_design_example(api: Api) -> None:
    schema = _form(api)
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema).validate(api.payload())


def test_form_carries_reference_codes_and_limits(api: Api) -> None:
    schema = _form(api)
    details = schema["properties"]["details"]["properties"]
    assert "mesuji" in details["locations"]["items"]["enum"]
    assert details["funding_source"]["x-labels"]["apbd"] == "APBD Provinsi"
    assert schema["properties"]["pillar"]["enum"] == [
        "pencegahan",
        "penanganan",
        "pemberdayaan_partisipasi",
    ]
    assert schema["properties"]["title"]["maxLength"] == 300
    year = schema["properties"]["years"]["items"]["properties"]["proposed_budget"]
    assert (year["type"], year["minimum"]) == ("integer", 0)


def test_form_rejects_what_the_api_rejects(api: Api) -> None:
    validator = Draft202012Validator(_form(api))
    bad = [
        api.payload(pillar="perang"),
        api.payload(details={**api.payload()["details"], "locations": ["jakarta"]}),  # type: ignore[dict-item]
        api.payload(years=[{"year": 2023, "proposed_budget": 1.5}]),
        api.payload(colour="merah"),
    ]
    for payload in bad:
        assert list(validator.iter_errors(payload)), payload
        assert api.as_("dpppa.staf").post("/api/v1/activities", json=payload).status_code == 422


def test_province_list_shows_plans_of_the_own_province_only(api: Api) -> None:
    provinces = {p["code"]: p for p in api.as_("gubernur").get("/api/v1/provinces").json}  # type: ignore[union-attr]
    assert [p["id"] for p in provinces["lampung"]["plans"]] == [api.plan_id()]
    assert all("plans" not in p for code, p in provinces.items() if code != "lampung")
