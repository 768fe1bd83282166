"""The progress report pages (issue 14): the activity page's "Laporan realisasi" section, the
report form (numbers as officials write them, every error by its field in one round, nothing
written on a refused form), the report page (percentages, evidence, actions, the return note,
history), the list with the waiting ones first, scope, and the inbox link."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from core.models import Attachment, ProgressReport, ReportAuditEntry
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.ui.conftest import Ui, text
from web.ui.report_forms import parse_quantity, quantity_text

DECREE = "G/288/V.09/HK/2022"
# The smallest real PNG: a 1×1 transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def signed(h: Harness, **overrides: Any) -> int:
    activity_id = h.create("dpppa.staf", lampung_payload(h.plan_id(), **overrides)).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def new_url(activity_id: int, year: int = 2023, period: str = "S1") -> str:
    return f"/laporan/baru?kegiatan={activity_id}&tahun={year}&periode={period}"


def form(activity_id: int, **fields: str) -> dict[str, str]:
    return {"kegiatan": str(activity_id), "tahun": "2023", "periode": "S1", **fields}


def written(h: Harness) -> tuple[int, int, int]:
    """Rows a refused form must not have added: reports, their audit entries, evidence."""
    with h.session() as s:
        return (
            s.execute(select(func.count()).select_from(ProgressReport)).scalar_one(),
            s.execute(select(func.count()).select_from(ReportAuditEntry)).scalar_one(),
            s.execute(select(func.count()).select_from(Attachment)).scalar_one(),
        )


def as_(ui: Ui, username: str) -> None:
    """Sign in as another user (a fresh session, as another browser would be)."""
    ui.client.delete_cookie("session")
    ui.login(username)


@pytest.fixture
def files(app: Flask, tmp_path: Path) -> Path:
    app.config["ATTACHMENTS_DIR"] = str(tmp_path)
    return tmp_path


def test_a_signed_activity_lists_every_period_with_its_due_date(ui: Ui, harness: Harness) -> None:
    activity_id = signed(
        harness,
        years=[
            {"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000},
            {"year": 2024, "target": "80 orang", "proposed_budget": 160_000_000},
        ],
    )
    as_(ui, "dpppa.staf")
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Laporan realisasi" in page
    for due in ("10 Juli 2023", "10 Januari 2024", "10 Juli 2024", "10 Januari 2025"):
        assert due in page
    assert page.count("Buat laporan") == 4
    assert new_url(activity_id, 2024, "S2").replace("&", "&amp;") in page
    # The Kepala OPD reads the section but files nothing; a draft has no section at all.
    as_(ui, "dpppa.kepala")
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Laporan realisasi" in page and "Buat laporan" not in page
    draft = harness.create("dpppa.staf", lampung_payload(harness.plan_id())).id
    assert "Laporan realisasi" not in text(ui.get(f"/kegiatan/{draft}"))
    as_(ui, "dpppa.staf")  # a draft's report form leads back to it, told why
    response = ui.get(new_url(draft), follow_redirects=True)
    assert "Hanya kegiatan yang telah ditetapkan" in text(response)


def test_the_form_takes_numbers_as_officials_write_them(ui: Ui, harness: Harness) -> None:
    activity_id = signed(harness)
    as_(ui, "dpppa.staf")
    page = text(ui.get(new_url(activity_id)))
    assert 'value="60"' in page and 'value="orang"' in page  # from the year's target
    response = ui.post(
        "/laporan/baru",
        form(
            activity_id,
            output_target="60",
            output_realised="2,5",
            output_unit="orang",
            budget_realised="Rp 45.000.000,00",
            obstacles="Hujan deras",
            follow_up="Dijadwal ulang",
        ),
    )
    assert response.status_code == 302, text(response)
    report_id = int(response.location.rsplit("/", 1)[-1])
    report = harness.report(report_id)
    assert (report.output_realised, report.budget_realised) == (2.5, 45_000_000)
    page = text(ui.get(f"/laporan/{report_id}"))
    assert "Draf Laporan" in page and "Semester I 2023" in page
    assert "4,2 % dari target" in page  # 2,5 of 60
    assert "30 % dari anggaran terkonfirmasi" in page  # of Rp150.000.000 confirmed
    assert "Rp45.000.000" in page and "Hujan deras" in page
    edit = text(ui.get(f"/laporan/{report_id}/ubah"))
    assert 'value="2,5"' in edit and 'value="45.000.000"' in edit  # as typed, to type again
    # The same period again opens the report that exists.
    again = ui.get(new_url(activity_id))
    assert again.status_code == 302 and again.location.endswith(f"/laporan/{report_id}")


def test_every_error_in_one_round_by_its_field_and_nothing_written(
    ui: Ui, harness: Harness
) -> None:
    activity_id = signed(harness)
    as_(ui, "dpppa.staf")
    before = written(harness)
    response = ui.post(
        "/laporan/baru",
        form(
            activity_id,
            output_target="enam puluh",
            output_realised="-3",
            budget_realised="banyak",
            output_unit="x" * 61,
        ),
    )
    assert response.status_code == 422
    page = text(response)
    assert "Periksa kembali isian berikut" in page
    for label, message in (
        ("Target keluaran", "Harus berupa angka."),
        ("Capaian keluaran", "Harus antara"),
        ("Realisasi anggaran (Rp)", "Tulis jumlah rupiah dengan angka"),
        ("Satuan", "Paling banyak 60 karakter."),
    ):
        assert re.search(rf">{re.escape(label)}</a>: {re.escape(message)}", page), label
    assert 'value="enam puluh"' in page  # what was typed is kept
    assert written(harness) == before
    # A period the province does not declare, a year the activity is not planned for.
    response = ui.post("/laporan/baru", {**form(activity_id), "tahun": "2030", "periode": "S9"})
    assert response.status_code == 422
    assert "Periode &#39;S9&#39; tidak dikenal" in text(response)
    assert "tidak dianggarkan pada tahun 2030" in text(response)
    assert written(harness) == before


def test_submit_without_the_required_numbers_names_them(ui: Ui, harness: Harness) -> None:
    activity_id = signed(harness)
    report = harness.file_report("dpppa.staf", activity_id, 2023, "S1")
    as_(ui, "dpppa.staf")
    before = written(harness)
    response = ui.post(
        f"/laporan/{report.id}/aksi", {"action": "submit", "version": str(report.version)}
    )
    assert response.status_code == 422
    page = text(response)
    assert ">Capaian keluaran</a>: Capaian keluaran wajib diisi." in page
    assert ">Realisasi anggaran (Rp)</a>: Realisasi anggaran wajib diisi." in page
    assert "Lengkapi laporan" in page
    assert harness.report(report.id).state == "draft" and written(harness) == before


def test_a_refused_edit_keeps_the_report_and_a_stale_one_says_so(ui: Ui, harness: Harness) -> None:
    activity_id = signed(harness)
    report = harness.file_report("dpppa.staf", activity_id, 2023, "S1", output_realised=10)
    as_(ui, "dpppa.staf")
    before = written(harness)
    bad = {"version": str(report.version), "output_realised": "sepuluh", "budget_realised": "1"}
    response = ui.post(f"/laporan/{report.id}/ubah", bad)
    assert response.status_code == 422 and "Harus berupa angka." in text(response)
    stale = {**bad, "version": "0", "output_realised": "12"}
    response = ui.post(f"/laporan/{report.id}/ubah", stale)
    assert response.status_code == 409 and "diubah orang lain" in text(response)
    assert harness.report(report.id).output_realised == 10 and written(harness) == before


def test_another_opd_gets_404_and_the_kepala_may_not_file(ui: Ui, harness: Harness) -> None:
    activity_id = signed(harness)
    report = harness.file_report("dpppa.staf", activity_id, 2023, "S1")
    as_(ui, "dinsos.staf")
    for path in (f"/laporan/{report.id}", f"/laporan/{report.id}/ubah", new_url(activity_id)):
        assert ui.get(path).status_code == 404, path
    assert f'/laporan/{report.id}"' not in text(ui.get("/laporan/"))
    response = ui.post(f"/laporan/{report.id}/aksi", {"action": "submit", "version": "1"})
    assert response.status_code == 404
    as_(ui, "dpppa.kepala")
    assert ui.get(new_url(activity_id)).status_code == 403
    assert ui.get(f"/laporan/{report.id}/ubah").status_code == 403


def test_evidence_return_note_and_history(ui: Ui, harness: Harness, files: Path) -> None:
    activity_id = signed(harness)
    report = harness.file_report(
        "dpppa.staf", activity_id, 2023, "S1", output_realised=40, budget_realised=90_000_000
    )
    as_(ui, "dpppa.staf")
    response = ui.post(
        f"/laporan/{report.id}/lampiran",
        {"file": (io.BytesIO(PNG), "foto.png"), "kind": "photo"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302 and response.location.endswith(f"/laporan/{report.id}#bukti")
    page = text(ui.get(f"/laporan/{report.id}"))
    assert "foto.png" in page and "Hapus foto.png" in page
    refused = ui.post(
        f"/laporan/{report.id}/lampiran",
        {"file": (io.BytesIO(b"not a picture"), "x.txt"), "kind": "photo"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Berkas tidak disimpan: Jenis berkas tidak diterima" in text(refused)
    harness.report_act("dpppa.staf", report.id, "submit")
    as_(ui, "dpppa.kepala")
    page = text(ui.get(f"/laporan/{report.id}"))
    assert "Kembalikan untuk perbaikan" in page and "Hapus foto.png" not in page
    version = str(harness.report(report.id).version)
    response = ui.post(f"/laporan/{report.id}/aksi", {"action": "return", "version": version})
    assert response.status_code == 422 and "Catatan wajib diisi." in text(response)
    note = {"action": "return", "version": version, "comment": "Lampirkan daftar hadir."}
    response = ui.post(f"/laporan/{report.id}/aksi", note)
    assert response.status_code == 302
    as_(ui, "dpppa.staf")
    page = text(ui.get(f"/laporan/{report.id}"))
    assert "Catatan pengembalian" in page and "Lampirkan daftar hadir." in page
    assert "Dikembalikan untuk Perbaikan" in page
    form_page = text(ui.get(f"/laporan/{report.id}/ubah"))  # the note above the form too
    assert "Lampirkan daftar hadir." in form_page and "ajukan kembali" in form_page
    assert "Lampiran ditambahkan" in page and " WIB" in page  # the history, in Lampung's zone
    attachment = next(a.id for a in _files(harness, report.id))
    response = ui.post(f"/lampiran/{attachment}/hapus", {})
    assert response.location.endswith(f"/laporan/{report.id}#bukti")
    assert "foto.png dihapus" in text(ui.get(f"/laporan/{report.id}"))


def _files(h: Harness, report_id: int) -> list[Attachment]:
    with h.session() as s:
        return list(
            s.execute(select(Attachment).where(Attachment.report_id == report_id)).scalars()
        )


def test_the_list_puts_what_waits_for_the_actor_first(ui: Ui, harness: Harness) -> None:
    first, second = signed(harness), signed(harness, title="Forum perempuan pelopor perdamaian")
    waiting = harness.file_report(
        "dpppa.staf", first, 2023, "S1", output_realised=1, budget_realised=1
    )
    harness.report_act("dpppa.staf", waiting.id, "submit")
    newer = harness.file_report("dpppa.staf", second, 2023, "S2")
    as_(ui, "dpppa.kepala")
    page = text(ui.get("/laporan/"))
    assert "Laporan" in page.split("<main", 1)[0]  # in the navigation
    assert page.index(f"/laporan/{waiting.id}") < page.index(f"/laporan/{newer.id}")
    assert "Perlu tindakan" in page
    filtered = text(ui.get("/laporan/?period=S2"))
    assert f'/laporan/{newer.id}"' in filtered and f'/laporan/{waiting.id}"' not in filtered
    assert ui.get("/laporan/?year=abc").status_code == 422
    as_(ui, "pokja.lampung")
    assert f'/laporan/{waiting.id}"' in text(ui.get("/laporan/?state=head_review"))


def test_an_inbox_item_about_a_report_opens_the_report(ui: Ui, harness: Harness) -> None:
    activity_id = signed(harness)
    report = harness.file_report(
        "dpppa.staf", activity_id, 2023, "S1", output_realised=1, budget_realised=1
    )
    as_(ui, "dpppa.staf")
    submit = {"action": "submit", "version": str(report.version)}
    assert ui.post(f"/laporan/{report.id}/aksi", submit).status_code == 302  # delivered now
    as_(ui, "dpppa.kepala")
    inbox = text(ui.get("/notifikasi/"))
    assert "Buka laporan" in inbox
    notice = re.findall(r"/notifikasi/(\d+)/buka", inbox)[0]
    response = ui.post(f"/notifikasi/{notice}/buka", {})
    assert response.location.endswith(f"/laporan/{report.id}")


@pytest.mark.parametrize(
    ("typed", "read"),
    [("60", 60.0), ("2,5", 2.5), ("1.250", 1250.0), ("1.250,75", 1250.75), ("2.5", 2.5),
     ("-3", -3.0), (" 12 ", 12.0), ("enam", "enam"), ("1,2,3", "1,2,3"), ("٣", "٣")],
)  # fmt: skip
def test_quantities_read_as_officials_write_them(typed: str, read: float | str) -> None:
    assert parse_quantity(typed) == read


def test_a_quantity_is_shown_as_it_would_be_typed_again() -> None:
    assert [quantity_text(v) for v in (None, 60.0, 2.5, 1250.75, 1e6)] == [
        "",
        "60",
        "2,5",
        "1.250,75",
        "1.000.000",
    ]


def test_the_report_pages_in_english(ui: Ui, harness: Harness) -> None:
    from tests.ui.test_messages_in_english import INDONESIAN, in_english, visible

    activity_id = signed(harness)
    report = harness.file_report("dpppa.staf", activity_id, 2023, "S1", output_realised=3)
    in_english(ui, "dpppa.staf")
    pages = {
        "form": text(ui.get(new_url(activity_id, 2023, "S2"))),
        "errors": text(ui.post("/laporan/baru", form(activity_id, output_realised="x"))),
        "report": text(ui.get(f"/laporan/{report.id}")),
        "refused submit": text(
            ui.post(f"/laporan/{report.id}/aksi", {"action": "submit", "version": "1"})
        ),
        "list": text(ui.get("/laporan/")),
        "activity": text(ui.get(f"/kegiatan/{activity_id}")),
    }
    assert "Budget spent (Rp)</a>: The budget spent is required" in pages["refused submit"]
    assert "Output achieved</a>: Must be a number." in pages["errors"]
    for name, html in pages.items():
        assert INDONESIAN.findall(visible(html)) == [], name


def test_the_due_date_the_planning_calendar_moved_is_the_one_shown(
    ui: Ui, harness: Harness
) -> None:
    import datetime as dt

    from core.services.planning_calendar import set_window

    activity_id = signed(harness)
    with harness.session() as s:
        admin = harness.actor("admin.lampung")
        set_window(
            s, admin, 2023, "report_S1", dt.date(2023, 7, 1), dt.date(2023, 7, 31), harness.runtime
        )
    as_(ui, "dpppa.staf")
    page = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "31 Juli 2023" in page and "10 Juli 2023" not in page
    assert "31 Juli 2023" in text(ui.get(new_url(activity_id)))
    report = harness.file_report("dpppa.staf", activity_id, 2023, "S1")
    assert "31 Juli 2023" in text(ui.get(f"/laporan/{report.id}"))
