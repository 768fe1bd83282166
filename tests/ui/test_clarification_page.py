"""The clarification thread on the activity page: Bappeda asks, the OPD answers, both shown."""

from __future__ import annotations

from flask import Flask

from tests.ui.conftest import Ui, text


def test_ask_and_answer_on_the_page(app: Flask, ui: Ui) -> None:
    activity_id = ui.create()
    ui.harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    ui.login("bappeda.verifikator")
    response = ui.post(f"/kegiatan/{activity_id}/klarifikasi", {"question": "Dasar biaya?"})
    assert response.status_code == 302
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Dasar biaya?" in page and "Menunggu jawaban OPD." in page
    staff = Ui(app.test_client(), ui.harness)
    staff.login("dpppa.staf")
    page = text(staff.get(f"/kegiatan/{activity_id}"))
    assert 'name="answer"' in page and 'name="question"' not in page
    with ui.harness.session() as s:
        from core.models import Clarification

        qid = s.query(Clarification.id).scalar()
    staff.post(f"/kegiatan/{activity_id}/klarifikasi/{qid}/jawab", {"answer": "Standar 2023."})
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Standar 2023." in page and "Pertanyaan klarifikasi" in page  # the history too
    assert ui.harness.state(activity_id) == "budget_review"
