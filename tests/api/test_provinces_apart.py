"""Nobody sees another province's data: a governor of any other installed province gets 404 for
everything of Lampung, and Lampung's activities never appear in their lists."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.models import Province, RoleAssignment, User
from tests.api.conftest import Api


def _outsider(api: Api) -> str:
    with api.harness.session() as s:
        name = s.execute(
            select(User.username)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .join(Province, Province.id == User.province_id)
            .where(Province.code != "lampung", RoleAssignment.role == "governor")
            .order_by(User.id)
        ).scalar()
    if name is None:
        pytest.skip("no second province with demo users is installed")
    return name


def test_another_province_sees_nothing_of_lampung(api: Api) -> None:
    outsider = api.as_(_outsider(api))
    activity = api.harness.create("dpppa.staf", api.payload())
    plan = api.plan_id()
    for path in (
        f"/api/v1/activities/{activity.id}",
        f"/api/v1/activities/{activity.id}/history",
        f"/api/v1/plans/{plan}",
        "/api/v1/provinces/lampung",
        "/api/v1/provinces/lampung/workflow",
        "/api/v1/provinces/lampung/reference",
        "/api/v1/provinces/lampung/form",
    ):
        assert outsider.get(path).status_code == 404, path
    move = {"action": "submit", "version": 1}
    transition = outsider.post(f"/api/v1/activities/{activity.id}/transitions", json=move)
    assert transition.status_code == 404
    signoff = {"activity_ids": [activity.id], "decree_number": "G/1/V.09/HK/2023"}
    assert outsider.post(f"/api/v1/plans/{plan}/signoff", json=signoff).status_code == 404
    listed = outsider.get("/api/v1/activities").json["items"]  # type: ignore[index]
    assert activity.id not in [a["id"] for a in listed]
    assert plan not in [p["id"] for p in outsider.get("/api/v1/plans").json]  # type: ignore[union-attr]
    assert api.harness.version(activity.id) == 1
