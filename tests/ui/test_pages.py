"""Beranda, the Bappeda queue, the batch sign-off, the inbox and the workflow diagram."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import escape
from sqlalchemy import select

from core.models import Notification, User
from core.testing import Harness
from tests.ui.conftest import Ui, text

TO_SIGNOFF = (
    ("dpppa.staf", "submit"),
    ("dpppa.kepala", "approve"),
    ("bappeda.verifikator", "confirm_budget"),
)


def test_dashboard_lists_what_waits_for_me_counts_and_bars(ui: Ui, harness: Harness) -> None:
    waiting = ui.create(title="Kegiatan yang menunggu kepala")
    harness.act("dpppa.staf", waiting, "submit")
    confirmed = ui.create(title="Kegiatan terkonfirmasi")
    harness.move(confirmed, *TO_SIGNOFF)
    ui.login("dpppa.kepala")
    html = text(ui.get("/"))
    section = html.split("Perlu tindakan saya", 1)[1].split("</section>", 1)[0]
    assert f"/kegiatan/{waiting}" in section and f"/kegiatan/{confirmed}" not in section
    counts = html.split("Jumlah kegiatan per status", 1)[1].split("</section>", 1)[0]
    assert re.search(r"<strong>1</strong> <span>Reviu Kepala OPD</span>", counts)
    assert re.search(r"<strong>1</strong> <span>Menunggu Penetapan Gubernur</span>", counts)
    # the OPD head sees their own OPD's pagu only, with the confirmed amount drawn
    bars = html.split("Anggaran terkonfirmasi dibanding pagu", 1)[1].split("</section>", 1)[0]
    assert "Dinas Pemberdayaan Perempuan dan Perlindungan Anak" in bars
    assert "Dinas Sosial" not in bars and "Total provinsi" not in bars
    assert "Rp150.000.000 / Rp7.500.000.000" in bars  # all three years' pagu
    assert '<rect width="2.0%"' in bars
    pillars = html.split("Total per pilar", 1)[1].split("</section>", 1)[0]
    assert "Pencegahan · 2 kegiatan" in pillars
    assert "Usulan Rp300.000.000 · terkonfirmasi Rp150.000.000" in pillars


def test_dashboard_for_the_submitter_does_not_list_what_four_eyes_forbids(
    ui: Ui, harness: Harness
) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    assert f"/kegiatan/{activity_id}" in text(ui.get("/"))
    harness.act("dpppa.staf", activity_id, "submit")
    assert "Tidak ada kegiatan yang menunggu tindakan Anda." in text(ui.get("/"))


def test_bappeda_queue_shows_remaining_pagu(ui: Ui, harness: Harness) -> None:
    first = ui.create(title="Kegiatan pertama")
    harness.move(first, *TO_SIGNOFF)  # books Rp150.000.000 of DPPPA's 2023 pagu
    second = ui.create(title="Kegiatan kedua")
    harness.move(second, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    ui.login("bappeda.verifikator")
    html = text(ui.get("/antrean/"))
    assert f"/kegiatan/{second}#aksi" in html and f"/kegiatan/{first}#" not in html
    assert "Rp2.350.000.000" in html  # remaining after the first confirmation
    assert "Rp2.200.000.000" in html  # remaining if the second is confirmed as proposed


def test_batch_signoff_signs_the_ticked_ones_under_one_decree(ui: Ui, harness: Harness) -> None:
    a = ui.create(title="Kegiatan A")
    b = ui.create(title="Kegiatan B")
    c = ui.create(title="Kegiatan C")
    for activity_id in (a, b, c):
        harness.move(activity_id, *TO_SIGNOFF)
    ui.login("gubernur")
    html = text(ui.get("/penetapan/"))
    for activity_id in (a, b, c):
        assert f'name="activity_ids" value="{activity_id}"' in html
    form = {"activity_ids": [str(a), str(b)], "decree_number": "G/77/V.09/HK/2023"}
    response = ui.post("/penetapan/", form)  # first the summary
    assert response.status_code == 200 and "Periksa sebelum menetapkan" in text(response)
    assert harness.state(a) == "governor_signoff"
    response = ui.post("/penetapan/", form | {"step": "final"})
    assert response.status_code == 200
    html = text(response)
    assert "Kegiatan A</a>:\n      ditetapkan" in html
    assert "Kegiatan B</a>:\n      ditetapkan" in html
    assert (harness.state(a), harness.state(b), harness.state(c)) == (
        "signed",
        "signed",
        "governor_signoff",
    )


def test_batch_signoff_reports_errors(ui: Ui, harness: Harness) -> None:
    a = ui.create()
    harness.move(a, *TO_SIGNOFF)
    ui.login("gubernur")
    response = ui.post("/penetapan/", {"decree_number": ""})
    assert response.status_code == 422
    html = text(response)
    assert "Pilih paling sedikit satu kegiatan." in html
    assert "Nomor keputusan wajib diisi." in html
    response = ui.post("/penetapan/", {"activity_ids": [str(a)], "decree_number": "salah"})
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-decree_number"' in html and "Nomor keputusan harus berformat" in html
    assert 'value="salah"' in html
    assert harness.state(a) == "governor_signoff"


def test_batch_signoff_without_csrf_token_is_refused(ui: Ui, harness: Harness) -> None:
    a = ui.create()
    harness.move(a, *TO_SIGNOFF)
    ui.login("gubernur")
    response = ui.post(
        "/penetapan/", {"activity_ids": [str(a)], "decree_number": "G/1/V.09/HK/2023"}, csrf=False
    )
    assert response.status_code == 400
    assert harness.state(a) == "governor_signoff"


def test_notifications_inbox_unread_count_and_marking_read(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(
        f"/kegiatan/{activity_id}/aksi",
        {"action": "submit", "version": str(harness.version(activity_id))},
    )
    assert response.status_code == 302
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")  # delivered in process: no broker configured
    html = text(ui.get("/"))
    assert re.search(r'<span class="count" aria-label="1 belum dibaca">1</span>', html)
    inbox = text(ui.get("/notifikasi/"))
    with harness.session() as s:
        head = s.execute(select(User.id).where(User.username == "dpppa.kepala")).scalar_one()
        note = s.execute(select(Notification).where(Notification.user_id == head)).scalar_one()
    assert str(escape(note.message)) in inbox
    assert "Menunggu tindakan Anda pada tahap Reviu Kepala OPD." in note.message
    response = ui.post(f"/notifikasi/{note.id}/buka", {})
    assert response.headers["Location"] == f"/kegiatan/{activity_id}"
    assert 'class="count"' not in text(ui.get("/"))


def test_another_users_notification_is_404_and_read_all(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    with harness.session() as s:
        head = s.execute(select(User.id).where(User.username == "dpppa.kepala")).scalar_one()
        note = Notification(
            key="test:1", user_id=head, activity_id=activity_id, kind="t", message="Uji"
        )
        s.add(note)
        s.commit()
        note_id = note.id
    ui.login("dinsos.staf")
    assert ui.post(f"/notifikasi/{note_id}/buka", {}).status_code == 404
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")
    assert 'class="count"' in text(ui.get("/"))
    ui.post("/notifikasi/baca-semua", {})
    assert 'class="count"' not in text(ui.get("/"))


def test_workflow_diagram_includes_plugin_stages(ui: Ui) -> None:
    ui.login("auditor")
    html = text(ui.get("/alur/"))
    assert "Reviu Badan Kesbangpol" in html
    assert "Rekomendasikan" in html  # the plugin's endorse transition in the table
    svg = ui.get("/alur/lampung.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.get_data(as_text=True))
    labels = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}tspan"))
    for state in ("Draf", "Reviu Kepala OPD", "Reviu Badan Kesbangpol", "Ditetapkan", "Ditolak"):
        assert all(word in labels for word in state.split()), state
    assert ui.get("/alur/atlantis.svg").status_code == 404


def test_every_page_has_labels_for_its_inputs(ui: Ui, harness: Harness) -> None:
    a = ui.create()
    harness.move(a, *TO_SIGNOFF)
    for username, paths in {
        "bappeda.verifikator": ["/", "/kegiatan/", "/antrean/", "/alur/", "/notifikasi/"],
        "gubernur": ["/penetapan/", f"/kegiatan/{a}"],
    }.items():
        ui.login(username)
        for path in paths:
            html = text(ui.get(path))
            for input_id in re.findall(r'<(?:input|select|textarea) id="([^"]+)"', html):
                assert f'for="{input_id}"' in html, (path, input_id)
            unlabelled = re.findall(r"<(?:select|textarea)(?![^>]*\bid=)[^>]*>", html)
            assert not unlabelled, (path, unlabelled)
        ui.post("/keluar", {})


@pytest.mark.parametrize("username", ["dpppa.kepala", "bappeda.verifikator", "admin.lampung"])
def test_batch_signoff_page_is_for_the_roles_that_sign(ui: Ui, username: str) -> None:
    """The policy the API answers 403 by (core.policy.may_sign_in_batch), link included."""
    ui.login(username)
    assert 'href="/penetapan/"' not in text(ui.get("/"))
    assert ui.get("/penetapan/").status_code == 403
    refused = ui.post("/penetapan/", {"activity_ids": ["1"], "decree_number": "G/1/HK/2023"})
    assert refused.status_code == 403
    ui.post("/keluar", {})
    ui.login("gubernur")
    assert 'href="/penetapan/"' in text(ui.get("/"))
