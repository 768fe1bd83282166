"""Core's and the province's messages follow the page language; the API stays Indonesian."""

from __future__ import annotations

import copy
import pickle

from core.errors import Violation
from core.messages import Text, msg
from core.testing import Harness
from tests.ui.conftest import Ui, text
from tests.ui.test_activities import form, new_form


def in_english(ui: Ui, username: str) -> None:
    ui.post("/bahasa", {"lang": "en", "next": "/masuk"})
    ui.login(username)


def test_a_message_is_its_indonesian_text_and_keeps_template_and_values() -> None:
    m = msg("Tahun {year} tidak ada pada kegiatan.", year=2023)
    assert m == "Tahun 2023 tidak ada pada kegiatan."
    assert (m.template, m.params) == ("Tahun {year} tidak ada pada kegiatan.", {"year": 2023})
    for twin in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert isinstance(twin, Text) and twin == m and twin.params == m.params
    # a violation carries it unchanged (the API serialises it as the plain text)
    assert Violation("x", m).message.template == m.template


def test_form_errors_from_core_and_plugin_in_english(ui: Ui) -> None:
    in_english(ui, "dpppa.staf")
    bad = new_form(ui)
    bad.update(
        {
            "title": "",
            "years.2023.budget": "seratus juta",
            "years.2024.target": "x" * 201,
            "years.2024.budget": "1",
        }
    )
    html = text(ui.post("/kegiatan/baru", bad))
    assert "Required." in html  # core schema, fixed text
    assert "Write the rupiah amount in figures" in html  # a budget, in words
    assert "At most 200 characters." in html  # core schema, with a value
    assert "Wajib diisi." not in html and "Paling banyak" not in html
    bad = new_form(ui)
    bad.update({"details.sub_activity_code": "2.08", "details.locations": []})
    html = text(ui.post("/kegiatan/baru", bad))
    assert "The sub-activity code must have six numeric parts" in html  # the plugin's rules
    assert "Choose at least one location." in html


def test_transition_rule_with_values_in_english(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    in_english(ui, "bappeda.verifikator")
    response = ui.act(activity_id, "confirm_budget", **{"confirmed.2023": "Rp200.000.000"})
    assert response.status_code == 422
    assert "The 2023 budget may only be lowered, not raised (proposed Rp150.000.000)." in text(
        response
    )


def test_a_stale_action_and_a_refused_edit_in_english(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    in_english(ui, "dpppa.staf")
    response = ui.post(f"/kegiatan/{activity_id}/aksi", {"action": "submit", "version": "0"})
    assert response.status_code == 409
    assert "The activity has changed since you opened it; reload and try again." in text(response)
    harness.act("dpppa.staf", activity_id, "submit")
    edit = form(plan_id=str(harness.plan_id()), version=str(harness.version(activity_id)))
    response = ui.post(f"/kegiatan/{activity_id}/ubah", edit)
    assert response.status_code == 409
    # core's message, its state label translated too
    expected = "An activity in state &#39;Review by head of agency&#39; cannot be changed."
    assert expected in text(response)


def test_the_api_keeps_bahasa_indonesia(ui: Ui, harness: Harness) -> None:
    """The API contract: 422 messages in Bahasa Indonesia, whatever the page language."""
    activity_id = ui.create()
    in_english(ui, "dpppa.staf")
    token = ui.client.post(
        "/api/v1/auth/token", json={"username": "dpppa.kepala", "password": "sepakat"}
    ).get_json()["access_token"]
    harness.act("dpppa.staf", activity_id, "submit")
    response = ui.client.post(
        f"/api/v1/activities/{activity_id}/transitions",
        json={"action": "return", "version": harness.version(activity_id)},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert "Catatan wajib diisi." in response.get_data(as_text=True)
