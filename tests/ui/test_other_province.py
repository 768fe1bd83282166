"""The pages show only the viewer's own province's workflow, as the API does: another
province's code is a 404 on ``/alur/?provinsi=`` and ``/alur/<code>.svg`` (finding 13)."""

from __future__ import annotations

from tests.ui.conftest import Ui, text


def test_another_provinces_workflow_is_404_on_the_pages(ui: Ui) -> None:
    ui.login("dpppa.staf")  # Lampung
    assert ui.get("/alur/?provinsi=sulteng").status_code == 404
    assert ui.get("/alur/sulteng.svg").status_code == 404
    assert ui.get("/alur/?provinsi=lampung").status_code == 200
    assert ui.get("/alur/lampung.svg").status_code == 200
    own = text(ui.get("/alur/"))
    assert "Sulawesi Tengah" not in own  # no switcher offering the other province


def test_the_api_answers_the_same(ui: Ui) -> None:
    token = ui.client.post(
        "/api/v1/auth/token", json={"username": "dpppa.staf", "password": "sepakat"}
    ).json["access_token"]  # type: ignore[index]
    auth = {"Authorization": f"Bearer {token}"}
    assert ui.get("/api/v1/provinces/sulteng/workflow", headers=auth).status_code == 404
    assert ui.get("/api/v1/provinces/lampung/workflow", headers=auth).status_code == 200
