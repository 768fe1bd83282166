"""Every endpoint × every demo user × an activity (or OPD, or inbox) of the user's own OPD or of
another OPD → the expected status, generated from the one table below.

A cell ``200/404`` reads "200 on the own OPD, 404 on the other"; a single status holds for both.
Province-wide roles have no own OPD, so for them both columns are the same by construction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from core.models import Ceiling, Notification, Opd
from core.testing import Harness
from tests.api.conftest import Api

# fmt: off
TABLE = """
endpoint        opd_staff  opd_head  kesbangpol  bappeda  governor  admin  viewer
token           200        200       200         200      200       200    200
logout          204        204       204         204      204       204    204
me              200        200       200         200      200       200    200
health          200        200       200         200      200       200    200
provinces       200        200       200         200      200       200    200
province        200        200       200         200      200       200    200
other_province  404        404       404         404      404       404    404
workflow        200        200       200         200      200       200    200
reference       200        200       200         200      200       200    200
form            200        200       200         200      200       200    200
plans           200        200       200         200      200       200    200
plan            200        200       200         200      200       200    200
ceilings        200/404    200/404   200         200      200       200    200
set_ceiling     403/404    403/404   403         403      403       200    403
list            200        200       200         200      200       200    200
create          201        403       403         403      403       403    403
read            200/404    200/404   200         200      200       200    200
history         200/404    200/404   200         200      200       200    200
edit            200/404    403/404   403         403      403       403    403
submit          200/404    403/404   403         403      403       403    403
approve         403/404    200/404   403         403      403       403    403
return          403/404    200/404   403         403      403       403    403
endorse         403/404    403/404   200         403      403       403    403
confirm_budget  403/404    403/404   403         200      403       403    403
reject          403/404    403/404   403         200      403       403    403
sign            403/404    403/404   403         403      200       403    403
signoff         403        403       403         403      200       403    403
inbox           200        200       200         200      200       200    200
mark_read       200/404    404       404         404      404       404    404
monitoring      200        200       200         200      200       200    200
monitoring_pdf  200        200       200         200      200       200    200
monitoring_xls  200        200       200         200      200       200    200
"""
# fmt: on

USERS: dict[str, tuple[str, str | None]] = {
    "dpppa.staf": ("opd_staff", "dpppa"),
    "dpppa.kepala": ("opd_head", "dpppa"),
    "dinsos.staf": ("opd_staff", "dinsos"),
    "dinsos.kepala": ("opd_head", "dinsos"),
    "kesbangpol.reviu": ("kesbangpol", None),
    "bappeda.verifikator": ("bappeda", None),
    "gubernur": ("governor", None),
    "admin.lampung": ("admin", None),
    "auditor": ("viewer", None),
}
TARGETS = ("dpppa", "dinsos")
COMMENT = {"comment": "Catatan pemeriksa."}
DECREE = "G/100/V.09/HK/2023"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # {activity}, {plan}, {opd}, {notification} are filled per case
    state: str | None = None  # the target activity is brought to this state first
    body: dict[str, Any] | None = None
    conflict: bool = False  # tag the activity with a land conflict (Kesbangpol's route)

    @property
    def per_target(self) -> bool:
        return ("{" in self.path and "{plan}" not in self.path) or self.state is not None


def _transition(action: str, state: str, **body: Any) -> Endpoint:
    return Endpoint(
        "POST", "/api/v1/activities/{activity}/transitions", state, {"action": action, **body}
    )


ENDPOINTS: dict[str, Endpoint] = {
    "token": Endpoint("POST", "/api/v1/auth/token"),
    "logout": Endpoint("POST", "/api/v1/auth/logout"),
    "me": Endpoint("GET", "/api/v1/me"),
    "health": Endpoint("GET", "/healthz"),
    "provinces": Endpoint("GET", "/api/v1/provinces"),
    "province": Endpoint("GET", "/api/v1/provinces/lampung"),
    "other_province": Endpoint("GET", "/api/v1/provinces/sulteng"),
    "workflow": Endpoint("GET", "/api/v1/provinces/lampung/workflow"),
    "reference": Endpoint("GET", "/api/v1/provinces/lampung/reference"),
    "form": Endpoint("GET", "/api/v1/provinces/lampung/form"),
    "plans": Endpoint("GET", "/api/v1/plans"),
    "plan": Endpoint("GET", "/api/v1/plans/{plan}"),
    "ceilings": Endpoint("GET", "/api/v1/opds/{opd}/ceilings"),
    "set_ceiling": Endpoint("PUT", "/api/v1/opds/{opd}/ceilings/2023", body={}),
    "list": Endpoint("GET", "/api/v1/activities?opd={opd}"),
    "create": Endpoint("POST", "/api/v1/activities", body={}),
    "read": Endpoint("GET", "/api/v1/activities/{activity}", "draft"),
    "history": Endpoint("GET", "/api/v1/activities/{activity}/history", "draft"),
    "edit": Endpoint(
        "PATCH", "/api/v1/activities/{activity}", "draft", {"title": "Judul baru kegiatan"}
    ),
    "submit": _transition("submit", "draft"),
    "approve": _transition("approve", "opd_review"),
    "return": _transition("return", "opd_review", **COMMENT),
    "endorse": Endpoint(
        "POST",
        "/api/v1/activities/{activity}/transitions",
        "kesbangpol_review",
        {"action": "endorse"},
        conflict=True,
    ),
    "confirm_budget": _transition("confirm_budget", "budget_review"),
    "reject": _transition("reject", "budget_review", **COMMENT),
    "sign": _transition("sign", "governor_signoff", decree_number=DECREE),
    "signoff": Endpoint(
        "POST", "/api/v1/plans/{plan}/signoff", "governor_signoff", {"decree_number": DECREE}
    ),
    "inbox": Endpoint("GET", "/api/v1/notifications"),
    # Everybody reads the consolidation: the province's, or an OPD role's own OPDs'.
    "monitoring": Endpoint("GET", "/api/v1/monitoring?plan_id={plan}&year=2023&period=S1"),
    "monitoring_pdf": Endpoint("GET", "/api/v1/monitoring.pdf?plan_id={plan}&year=2023"),
    "monitoring_xls": Endpoint("GET", "/api/v1/monitoring.xlsx?plan_id={plan}&year=2023"),
    "mark_read": Endpoint("POST", "/api/v1/notifications/{notification}/read"),
}

# How each OPD's staff and head (and the province reviewers) bring a draft to a state.
PATHS: dict[str, tuple[tuple[str, str], ...]] = {
    "draft": (),
    "opd_review": (("staf", "submit"),),
    "kesbangpol_review": (("staf", "submit"), ("kepala", "approve")),
    "budget_review": (("staf", "submit"), ("kepala", "approve")),
    "governor_signoff": (
        ("staf", "submit"),
        ("kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    ),
}


def _parse(table: str) -> dict[tuple[str, str], tuple[int, int]]:
    lines = [line.split() for line in table.strip().splitlines()]
    roles = lines[0][1:]
    out: dict[tuple[str, str], tuple[int, int]] = {}
    for name, *cells in lines[1:]:
        assert len(cells) == len(roles), name
        for role, cell in zip(roles, cells, strict=True):
            own, _, other = cell.partition("/")
            out[(name, role)] = (int(own), int(other or own))
    return out


EXPECTED = _parse(TABLE)


def _cases() -> list[Any]:
    assert set(ENDPOINTS) == {name for name, _ in EXPECTED}, "table and endpoints disagree"
    cases = []
    for name, endpoint in ENDPOINTS.items():
        for user, (role, opd) in USERS.items():
            for target in TARGETS if endpoint.per_target else ("dpppa",):
                own = opd == target
                status = EXPECTED[(name, role)][0 if own or opd is None else 1]
                cases.append(pytest.param(name, user, target, status, id=f"{name}-{user}-{target}"))
    return cases


def _user_id(harness: Harness, username: str) -> int:
    return harness.actor(username).user_id


def _prepare(api: Api, endpoint: Endpoint, target: str) -> dict[str, Any]:
    """Bring the world to what the endpoint needs; the values to fill in its path."""
    h = api.harness
    values: dict[str, Any] = {"plan": h.plan_id(), "opd": target}
    if endpoint.state is not None:
        details = {
            **api.payload()["details"],
            "conflict_types": ["lahan"] if endpoint.conflict else [],
        }
        activity = h.create(f"{target}.staf", api.payload(details=details))
        for who, action in PATHS[endpoint.state]:
            username = who if "." in who else f"{target}.{who}"
            h.act(username, activity.id, action)
        assert h.state(activity.id) == endpoint.state
        values["activity"] = activity.id
    if "{notification}" in endpoint.path:
        with h.session() as s:
            n = Notification(
                key=f"matrix:{target}",
                user_id=_user_id(h, f"{target}.staf"),
                kind="transition",
                message="Kegiatan menunggu tindakan Anda.",
            )
            s.add(n)
            s.commit()
            values["notification"] = n.id
    return values


def _body(api: Api, name: str, endpoint: Endpoint, user: str, values: dict[str, Any]) -> Any:
    if name == "token":
        return {"username": user, "password": "sepakat"}
    if name == "create":
        return api.payload()
    if name == "signoff":
        return {**(endpoint.body or {}), "activity_ids": [values["activity"]]}
    if name == "set_ceiling":  # the OPD's current pagu again: the world stays as seeded
        with api.harness.session() as s:
            amount = s.execute(
                select(Ceiling.amount)
                .join(Opd, Opd.id == Ceiling.opd_id)
                .where(Opd.code == values["opd"], Ceiling.year == 2023)
            ).scalar_one()
        return {"amount": amount}
    if endpoint.body is None:
        return None
    body = dict(endpoint.body)
    if "action" in body:
        body["version"] = api.harness.version(values["activity"])
    return body


@pytest.mark.parametrize(("name", "user", "target", "status"), _cases())
def test_matrix(api: Api, name: str, user: str, target: str, status: int) -> None:
    endpoint = ENDPOINTS[name]
    values = _prepare(api, endpoint, target)
    caller = api.as_(user)
    headers: dict[str, str] = {}
    if name == "logout":  # a token of its own, so the cached one stays valid
        headers["Authorization"] = f"Bearer {api.login(user).json['access_token']}"  # type: ignore[index]
    elif name == "token":
        caller = api.as_(None)
    if endpoint.method == "PATCH":
        headers["If-Match"] = f'"{api.harness.version(values["activity"])}"'
    before = api.harness.state(values["activity"]) if "activity" in values else None

    response = caller.open(
        endpoint.method,
        endpoint.path.format(**values),
        json=_body(api, name, endpoint, user, values),
        headers=headers,
    )

    assert response.status_code == status, response.get_data(as_text=True)[:400]
    if status >= 400:
        assert response.json["code"] == status and response.json["message"]  # type: ignore[index]
        if before is not None:
            assert api.harness.state(values["activity"]) == before
    if name == "signoff" and status == 200:
        assert response.json["items"][0]["ok"], response.json  # type: ignore[index]


@pytest.mark.parametrize("name", [n for n, e in ENDPOINTS.items() if n not in ("token", "health")])
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer bukan-token", "Basic ZHBwcGEuc3RhZjpzZXBha2F0"],
    ids=["missing", "empty", "forged", "basic"],
)
def test_every_protected_endpoint_refuses_without_a_valid_token(
    api: Api, name: str, authorization: str | None
) -> None:
    endpoint = ENDPOINTS[name]
    values = _prepare(api, endpoint, "dpppa")
    headers = {"Authorization": authorization} if authorization else {}
    response = api.as_(None).open(
        endpoint.method, endpoint.path.format(**values), json={}, headers=headers
    )
    assert response.status_code == 401, response.json
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["message"]  # type: ignore[index]
