"""``PUT /api/v1/opds/{code}/ceilings/{year}``: the province admin sets a pagu; bad input is a 4xx
naming the field or rule, and the pagu table is left exactly as it was."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from core.models import Ceiling
from tests.api.conftest import Api
from tests.api.test_bad_input import _named

PATH = "/api/v1/opds/dpppa/ceilings/{year}"
PAGU = 2_500_000_000


def pagu(api: Api) -> list[tuple[int, int, int, int]]:
    with api.harness.session() as s:
        rows = s.execute(
            select(Ceiling.opd_id, Ceiling.year, Ceiling.amount, Ceiling.confirmed).order_by(
                Ceiling.opd_id, Ceiling.year
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_admin_sets_a_pagu_and_everyone_sees_it(api: Api) -> None:
    admin = api.as_("admin.lampung")
    response = admin.open("PUT", PATH.format(year=2024), json={"amount": 3_000_000_000})
    assert response.status_code == 200, response.json
    assert response.json == {
        "year": 2024,
        "ceiling": 3_000_000_000,
        "confirmed": 0,
        "remaining": 3_000_000_000,
    }
    listed = api.as_("dpppa.kepala").get("/api/v1/opds/dpppa/ceilings").json
    assert {"year": 2024, "ceiling": 3_000_000_000, "confirmed": 0, "remaining": 3_000_000_000} in (
        listed  # type: ignore[operator]
    )
    assert admin.open("PUT", PATH.format(year=2024), json={"amount": PAGU}).status_code == 200


CASES: list[tuple[str, int, Any, int, str]] = [
    ("negative", 2023, {"amount": -1}, 422, "amount"),
    ("fraction", 2023, {"amount": 1500.5}, 422, "amount"),
    ("string", 2023, {"amount": "2500000000"}, 422, "amount"),
    ("bool", 2023, {"amount": True}, 422, "amount"),
    ("huge", 2023, {"amount": 10**30}, 422, "amount"),
    ("missing", 2023, {}, 422, "amount"),
    ("unknown-field", 2023, {"amount": 1, "warna": "merah"}, 422, "warna"),
    ("body-array", 2023, [1], 422, "_schema"),
    ("year-outside-plans", 2030, {"amount": 1}, 422, "year_outside_plans"),
]


@pytest.mark.parametrize(
    ("year", "body", "status", "needle"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_pagu_input_is_refused_and_changes_nothing(
    api: Api, year: int, body: Any, status: int, needle: str
) -> None:
    before = pagu(api)
    response = api.as_("admin.lampung").open("PUT", PATH.format(year=year), json=body)
    assert response.status_code == status, response.json
    assert _named(response.json, needle), response.json  # type: ignore[arg-type]
    assert pagu(api) == before


def test_below_confirmed_is_refused_with_the_amount(api: Api) -> None:
    activity = api.as_("dpppa.staf").create()  # Rp150.000.000 in 2023
    api.harness.walk(activity["id"], "submit", "approve", "confirm_budget")
    before = pagu(api)
    response = api.as_("admin.lampung").open("PUT", PATH.format(year=2023), json={"amount": 1})
    assert response.status_code == 422
    assert _named(response.json, "ceiling_below_confirmed")  # type: ignore[arg-type]
    assert "Rp150.000.000" in response.get_data(as_text=True)
    assert pagu(api) == before


def test_malformed_json_is_400(api: Api) -> None:
    before = pagu(api)
    response = api.as_("admin.lampung").open(
        "PUT", PATH.format(year=2023), data=b'{"amount": 1', content_type="application/json"
    )
    assert response.status_code == 400
    assert pagu(api) == before
