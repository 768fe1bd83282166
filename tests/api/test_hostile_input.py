"""Issue 15, findings 3 and 8 on the API: the inputs that answered 500, or were stored and then
broke the e-mail, are refused with a 4xx naming the field, leaving the database untouched.

- a line break or control character in a one-line field (title, target, a code, the decree
  number, the username);
- a lone surrogate (``"\\ud800"`` in the JSON text) in any string: PostgreSQL cannot store it;
- a list cursor naming an id beyond the 32-bit key.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from tests.api.conftest import Api, db_state
from tests.api.test_bad_input import YEAR, _at_signoff, _details, _named, _with_year

SURROGATE = "\ud800"
BREAKS = {"LF": "\n", "CR": "\r", "CRLF": "\r\n", "LS": "\u2028", "BEL": "\x07"}


def _json(body: Any) -> bytes:
    # ensure_ascii writes the lone surrogate as the escape a hostile client would send.
    return json.dumps(body, ensure_ascii=True).encode()


CREATE_CASES: list[tuple[str, dict[str, Any], str]] = [
    *[(f"title-{k}", {"title": f"Pelatihan{v}mediasi"}, "title") for k, v in BREAKS.items()],
    ("target-LF", _with_year(target="60\norang"), "years.0.target"),
    ("pillar-CRLF", {"pillar": "pencegahan\r\n"}, "pillar"),
    ("code-LF", _details(funding_source="apbd\n"), "details.funding_source"),
    ("list-code-CR", _details(locations=["mesuji\r"]), "details.locations.0"),
    ("description-BEL", {"description": "Uraian\x07"}, "description"),
    ("title-surrogate", {"title": f"Pelatihan {SURROGATE} mediasi"}, "title"),
    ("description-surrogate", {"description": SURROGATE}, "description"),
    ("target-surrogate", _with_year(target=SURROGATE), "years.0.target"),
    ("indicator-surrogate", _details(indicator=f"abc{SURROGATE}"), "details.indicator"),
]


@pytest.mark.parametrize(
    ("changes", "field"), [c[1:] for c in CREATE_CASES], ids=[c[0] for c in CREATE_CASES]
)
def test_create_refuses_control_characters_and_surrogates(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    before = db_state(api.harness)
    body = api.payload(**changes)
    response = api.as_("dpppa.staf").post(
        "/api/v1/activities", data=_json(body), content_type="application/json"
    )
    assert response.status_code == 422, response.json
    assert _named(response.json, field), response.json  # type: ignore[arg-type]
    assert db_state(api.harness) == before


def test_a_multi_line_description_is_still_accepted(api: Api) -> None:
    created = api.as_("dpppa.staf").create(description="Baris satu.\r\nBaris dua.\n\tTiga.")
    assert created["description"] == "Baris satu.\r\nBaris dua.\n\tTiga."


def test_edit_refuses_a_line_break_in_the_title(api: Api) -> None:
    staff = api.as_("dpppa.staf")
    activity = staff.create()
    response = staff.patch(
        f"/api/v1/activities/{activity['id']}",
        json={"title": "Judul\nbaru"},
        headers={"If-Match": f'"{activity["version"]}"'},
    )
    assert response.status_code == 422 and _named(response.json, "title"), response.json  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["Nomor\n1", f"G/{SURROGATE}/2023"], ids=["LF", "surrogate"])
def test_the_decree_number_is_one_clean_line(api: Api, value: str) -> None:
    activity = _at_signoff(api)
    before = db_state(api.harness)
    version = api.harness.version(activity["id"])
    body = {"action": "sign", "version": version, "decree_number": value}
    response = api.as_("gubernur").post(
        f"/api/v1/activities/{activity['id']}/transitions",
        data=_json(body),
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    assert _named(response.json, "decree_number"), response.json  # type: ignore[arg-type]
    assert db_state(api.harness) == before


@pytest.mark.parametrize("username", ["gubernur\r\n", SURROGATE, f"gu{SURROGATE}bernur"])
def test_token_request_refuses_a_hostile_username(api: Api, username: str) -> None:
    response = api.client.post(
        "/api/v1/auth/token",
        data=_json({"username": username, "password": "sepakat"}),
        content_type="application/json",
    )
    assert response.status_code == 422, response.json
    assert _named(response.json, "username"), response.json  # type: ignore[arg-type]


def test_a_surrogate_in_the_password_is_refused_not_hashed(api: Api) -> None:
    response = api.client.post(
        "/api/v1/auth/token",
        data=_json({"username": "gubernur", "password": SURROGATE}),
        content_type="application/json",
    )
    assert response.status_code == 422 and _named(response.json, "password"), response.json  # type: ignore[arg-type]


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "query",
    [
        "cursor=YToyMTQ3NDgzNjQ4",  # "a:2147483648", the finding's own
        "cursor=" + _cursor("a:" + "9" * 30),
        "cursor=" + _cursor("a:-1"),
        "cursor=" + _cursor("a:0"),
        "state=a%00b",
        "state=a%0Ab",
        "opd=dpppa%0D%0A",
        "pillar=%E2%80%A8",
        "q=judul%0A",
    ],
)
def test_list_queries_beyond_the_key_or_with_controls_are_422(api: Api, query: str) -> None:
    field = query.split("=", 1)[0]
    response = api.as_("auditor").get(f"/api/v1/activities?{query}")
    assert response.status_code == 422, response.json
    assert _named(response.json, field) or _named(response.json, "cursor_invalid"), response.json  # type: ignore[arg-type]


def test_the_years_list_takes_a_plain_year_still(api: Api) -> None:
    """The schema change did not make ordinary input fail."""
    created = api.as_("dpppa.staf").create(**_with_year(target=YEAR["target"]))
    assert created["years"][0]["target"] == "60 orang"
