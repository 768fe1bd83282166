"""The province admin's page of acting officials, ``/admin/plt``: record an appointment, see it
among the current ones, end it early; errors by their input, nothing written; refused to other
roles (403) and to another province's admin (404); an activity approved by the Plt. reads
"Plt. Kepala Dinas Sosial — <name>" in its history."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.models import ActingAppointment, AdminAuditEntry
from core.testing import Harness
from core.timezones import local_date
from tests.helpers import lampung_payload
from tests.ui.conftest import Ui, text

PAGE = "/admin/plt/"


def _form(**overrides: str) -> dict[str, str]:
    day = local_date(dt.datetime.now(dt.UTC), "Asia/Jakarta")
    return {
        "username": "dpppa.kepala",
        "role": "opd_head",
        "opd": "dinsos",
        "kind": "plt",
        "start_date": day.isoformat(),
        "end_date": (day + dt.timedelta(days=1)).isoformat(),
        "decree_number": "800/5/BKD/2026",
        "reason": "",
        **overrides,
    }


def _appointments(harness: Harness) -> list[ActingAppointment]:
    with harness.session() as s:
        return list(s.execute(select(ActingAppointment)).scalars())


def test_the_admin_appoints_a_plt_who_approves_and_the_history_says_so(
    ui: Ui, harness: Harness
) -> None:
    ui.login("admin.lampung")
    assert f'href="{PAGE}"' in text(ui.get("/"))  # in the navigation
    response = ui.post(PAGE, _form())
    assert response.status_code == 302, text(response)
    html = text(ui.get(PAGE))
    assert "Plt. Kepala Dinas Sosial — Dra. Fitrianita Damhuri, M.Si. tercatat." in html
    (row,) = _appointments(harness)
    assert f'id="plt-{row.id}"' in html and "800/5/BKD/2026" in html

    activity = harness.create("dinsos.staf", lampung_payload(harness.plan_id()))
    harness.act("dinsos.staf", activity.id, "submit")
    harness.act("dpppa.kepala", activity.id, "approve")
    page = text(ui.get(f"/kegiatan/{activity.id}"))
    assert "Plt. Kepala Dinas Sosial — Dra. Fitrianita Damhuri, M.Si." in page
    assert "Pejabat definitif: Drs. Aswarodi, M.Si." in page

    ui.post("/keluar", {})
    ui.login("dpppa.kepala")  # the header names the post they act in
    assert "(Kepala OPD, Plt. Kepala Dinas Sosial · DPPPA)" in text(ui.get("/"))
    ui.post("/keluar", {})
    ui.login("admin.lampung")
    ended = ui.post(f"/admin/plt/{row.id}/akhiri", {"reason": "Kembali bertugas"})
    assert ended.status_code == 302
    (row,) = _appointments(harness)
    assert row.revoked_at is not None
    with harness.session() as s:
        actions = [e.action for e in s.execute(select(AdminAuditEntry)).scalars()]
    assert actions == ["acting.create", "acting.end"]


def test_errors_stand_by_their_input_and_nothing_is_written(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    # The form's own checks first (as the API's schema), then the rules, each by its input.
    response = ui.post(PAGE, _form(start_date="kemarin", decree_number=""))
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-decree_number"' in html and 'id="err-start_date"' in html
    assert 'value="kemarin"' in html  # what was typed is kept
    response = ui.post(PAGE, _form(opd="", end_date="2020-01-01"))
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-opd"' in html and 'id="err-end_date"' in html
    assert "OPD wajib diisi untuk peran ini." in html
    assert _appointments(harness) == []


def test_other_roles_and_other_provinces_are_refused(ui: Ui, harness: Harness) -> None:
    ui.login("admin.lampung")
    assert ui.post(PAGE, _form()).status_code == 302
    (row,) = _appointments(harness)
    ui.post("/keluar", {})
    ui.login("dinsos.kepala")
    assert f'href="{PAGE}"' not in text(ui.get("/"))
    assert ui.get(PAGE).status_code == 403
    assert ui.post(PAGE, _form(opd="dpppa", username="dinsos.kepala")).status_code == 403
    assert ui.post(f"/admin/plt/{row.id}/akhiri", {}).status_code == 403
    ui.post("/keluar", {})
    ui.login("sulteng.admin")
    assert f'id="plt-{row.id}"' not in text(ui.get(PAGE))
    assert ui.post(f"/admin/plt/{row.id}/akhiri", {}).status_code == 404
    (row,) = _appointments(harness)
    assert row.revoked_at is None and len(_appointments(harness)) == 1
