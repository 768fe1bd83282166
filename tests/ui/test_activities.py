"""The activity list, form and detail pages, and workflow actions taken from them."""

from __future__ import annotations

import re

from sqlalchemy import select

from core.models import Activity, ActivityYear
from core.testing import Harness
from tests.helpers import lampung_payload
from tests.ui.conftest import Ui, text

FORM = {
    "title": "Pelatihan paralegal perempuan di Kabupaten Mesuji",
    "description": "Pelatihan dua hari.",
    "pillar": "pencegahan",
    "details.target_group": "perempuan",
    "details.locations": ["mesuji", "way_kanan"],
    "details.indicator": "Jumlah paralegal terlatih",
    "details.sub_activity_code": "2.08.03.1.01.0001",
    "details.funding_source": "apbd",
    "details.partner_opds": ["dinsos"],
    "years.2023.target": "40 orang",
    "years.2023.budget": "Rp125.000.000",
    "years.2024.target": "",
    "years.2024.budget": "",
}


def form(**overrides: object) -> dict[str, object]:
    return {**FORM, **overrides}


def new_form(ui: Ui) -> dict[str, object]:
    html = text(ui.get("/kegiatan/baru"))
    plan_id = re.search(r'name="plan_id" value="(\d+)"', html)
    assert plan_id
    return form(plan_id=plan_id[1])


# --- list ------------------------------------------------------------------------------------


def test_list_shows_own_opd_only_with_rupiah(ui: Ui) -> None:
    mine = ui.create("dpppa.staf")
    other = ui.create("dinsos.staf", title="Dapur umum ramah anak di lokasi pengungsian")
    ui.login("dpppa.staf")
    html = text(ui.get("/kegiatan/"))
    assert f"/kegiatan/{mine}" in html
    assert f"/kegiatan/{other}" not in html
    assert "Rp150.000.000" in html
    assert "Draf" in html


def test_list_filters_and_search(ui: Ui) -> None:
    a = ui.create(title="Sosialisasi anti perundungan di sekolah")
    b = ui.create(title="Pelatihan mediasi konflik", pillar="penanganan")
    ui.login("bappeda.verifikator")
    html = text(ui.get("/kegiatan/?q=perundungan"))
    assert f"/kegiatan/{a}" in html and f'/kegiatan/{b}"' not in html
    html = text(ui.get("/kegiatan/?pillar=penanganan"))
    assert f"/kegiatan/{b}" in html and f'/kegiatan/{a}"' not in html
    html = text(ui.get("/kegiatan/?year=2024"))
    assert f'/kegiatan/{a}"' not in html
    html = text(ui.get("/kegiatan/?state=signed"))
    assert "Tidak ada kegiatan yang cocok." in html
    html = text(ui.get("/kegiatan/?opd=dinsos"))
    assert f'/kegiatan/{a}"' not in html


def test_list_pages_by_cursor_and_keeps_the_filters(ui: Ui) -> None:
    ids = [ui.create(title=f"Kegiatan uji nomor {i:02d}") for i in range(23)]
    ui.login("dpppa.staf")
    first = text(ui.get("/kegiatan/?q=uji"))
    assert first.count('href="/kegiatan/') - first.count('href="/kegiatan/baru') >= 20
    next_url = re.search(r'href="([^"]*cursor=[^"]+)" rel="next"', first)
    assert next_url and "q=uji" in next_url[1]
    second = text(ui.get(next_url[1].replace("&amp;", "&")))
    assert f'/kegiatan/{ids[0]}"' in second and f'/kegiatan/{ids[-1]}"' not in second
    assert 'rel="next"' not in second


def test_list_reports_a_broken_cursor(ui: Ui) -> None:
    ui.login("dpppa.staf")
    response = ui.get("/kegiatan/?cursor=%%%")
    assert response.status_code == 200
    assert "Kursor halaman tidak sah." in text(response)


# --- create / edit form -----------------------------------------------------------------------


def test_form_is_built_from_the_province_schema(ui: Ui) -> None:
    ui.login("dpppa.staf")
    html = text(ui.get("/kegiatan/baru"))
    # core fields, plugin fields, reference lists as selects and checkbox groups, a year table
    for label in ("Nama kegiatan", "Pilar", "Kelompok sasaran", "Kode sub-kegiatan", "OPD mitra"):
        assert label in html
    assert '<select id="f-details-funding_source" name="details.funding_source"' in html
    assert 'name="details.locations" value="mesuji"' in html
    assert 'name="details.partner_opds" value="kesbangpol"' in html
    for year in (2022, 2023, 2024):
        assert f'<label class="sr-only" for="f-years-{year}-budget">' in html
    # every visible input has a label
    for input_id in re.findall(r'<(?:input|select|textarea) id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_create_a_draft_through_the_form(ui: Ui, harness: Harness) -> None:
    ui.login("dpppa.staf")
    response = ui.post("/kegiatan/baru", new_form(ui))
    assert response.status_code == 302
    activity_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with harness.session() as s:
        activity = s.get(Activity, activity_id)
        assert activity is not None
        assert activity.state == "draft"
        assert activity.details["locations"] == ["mesuji", "way_kanan"]
        years = s.execute(select(ActivityYear.year, ActivityYear.proposed_budget)).all()
        assert [tuple(y) for y in years] == [(2023, 125_000_000)]
    html = text(ui.get(response.headers["Location"]))
    assert "Draf kegiatan tersimpan." in html
    assert "Rp125.000.000" in html


def test_create_errors_are_shown_next_to_their_fields_and_input_is_kept(ui: Ui) -> None:
    ui.login("dpppa.staf")
    bad = new_form(ui)
    bad.update(
        {
            "title": "",
            "years.2023.budget": "seratus juta",
            "details.indicator": "Indikator yang harus tetap terisi",
        }
    )
    response = ui.post("/kegiatan/baru", bad)
    assert response.status_code == 422
    html = text(response)
    assert 'class="error-summary"' in html
    assert 'id="err-title"' in html and "Wajib diisi." in html
    assert 'id="err-years-2023-budget"' in html and "Tulis jumlah rupiah dengan angka" in html
    # what was typed is still there
    assert 'value="Indikator yang harus tetap terisi"' in html
    assert 'value="seratus juta"' in html
    assert 'name="details.locations" value="way_kanan" checked' in html


def test_province_rule_errors_are_shown_next_to_plugin_fields(ui: Ui) -> None:
    ui.login("dpppa.staf")
    bad = new_form(ui) | {"details.locations": [], "details.sub_activity_code": "2.08"}
    response = ui.post("/kegiatan/baru", bad)
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-details-sub_activity_code"' in html
    assert "Kode sub-kegiatan harus enam bagian" in html
    assert 'id="err-details-locations"' in html and "Pilih paling sedikit satu lokasi." in html
    assert 'value="2.08"' in html


def test_create_with_no_year_asks_for_one(ui: Ui) -> None:
    ui.login("dpppa.staf")
    response = ui.post(
        "/kegiatan/baru", new_form(ui) | {"years.2023.target": "", "years.2023.budget": ""}
    )
    assert response.status_code == 422
    assert 'id="err-years"' in text(response)


def test_create_without_csrf_token_is_refused(ui: Ui, harness: Harness) -> None:
    ui.login("dpppa.staf")
    response = ui.post("/kegiatan/baru", new_form(ui), csrf=False)
    assert response.status_code == 400
    with harness.session() as s:
        assert s.execute(select(Activity.id)).first() is None


def test_a_head_cannot_create(ui: Ui) -> None:
    ui.login("dpppa.staf")
    filled = new_form(ui)
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")
    assert "/kegiatan/baru" not in text(ui.get("/kegiatan/"))
    refused = ui.get("/kegiatan/baru")
    assert refused.status_code == 403
    assert "Tidak diizinkan" in text(refused)
    response = ui.post("/kegiatan/baru", filled)
    assert response.status_code == 403
    assert "Hanya operator OPD" in text(response)


def test_edit_prefills_and_saves(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}/ubah"))
    assert 'value="Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji"' in html
    assert 'value="150.000.000"' in html
    version = re.search(r'name="version" value="(\d+)"', html)
    assert version
    response = ui.post(
        f"/kegiatan/{activity_id}/ubah",
        form(version=version[1], **{"years.2023.budget": "140.000.000"}),
    )
    assert response.status_code == 302
    with harness.session() as s:
        activity = s.get(Activity, activity_id)
        assert activity is not None
        assert activity.title == FORM["title"]
        assert activity.years[0].proposed_budget == 140_000_000


def test_edit_with_a_stale_version_keeps_input_and_says_so(ui: Ui) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(
        f"/kegiatan/{activity_id}/ubah", form(version="999", title="Judul baru saya")
    )
    assert response.status_code == 409
    html = text(response)
    assert "muat ulang" in html
    assert 'value="Judul baru saya"' in html


def test_edit_error_clearing_a_required_plugin_field(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(
        f"/kegiatan/{activity_id}/ubah",
        form(version=str(harness.version(activity_id)), **{"details.indicator": ""}),
    )
    assert response.status_code == 422
    assert 'id="err-details-indicator"' in text(response)


def test_edit_page_is_refused_to_a_head_and_after_submission(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.kepala")
    assert ui.get(f"/kegiatan/{activity_id}/ubah").status_code == 403
    harness.act("dpppa.staf", activity_id, "submit")
    ui.post("/keluar", {})
    ui.login("dpppa.staf")
    response = ui.get(f"/kegiatan/{activity_id}/ubah")
    assert response.status_code == 302
    response = ui.post(
        f"/kegiatan/{activity_id}/ubah", form(version=str(harness.version(activity_id)))
    )
    assert response.status_code == 409


# --- detail and actions -----------------------------------------------------------------------


def test_other_opd_activity_is_404_everywhere(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create("dinsos.staf")
    ui.login("dpppa.staf")
    assert ui.get(f"/kegiatan/{activity_id}").status_code == 404
    assert ui.get(f"/kegiatan/{activity_id}/ubah").status_code == 404
    version = str(harness.version(activity_id))
    response = ui.post(f"/kegiatan/{activity_id}/aksi", {"action": "submit", "version": version})
    assert response.status_code == 404
    assert harness.state(activity_id) == "draft"


def test_detail_shows_fields_years_history_and_actions(ui: Ui) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Kabupaten Mesuji" in html  # a location code shown as its label
    assert "APBD Provinsi" in html
    assert "Rp150.000.000" in html
    assert "Dibuat" in html and "Rina Marlina" in html
    assert re.search(r"\d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB", html)
    assert 'name="action" value="submit"' in html
    assert 'name="action" value="approve"' not in html


def _act(ui: Ui, harness: Harness, activity_id: int, action: str, **fields: str) -> str:
    response = ui.act(activity_id, action, **fields)
    assert response.status_code == 302, text(response)
    return text(ui.get(response.headers["Location"]))


def test_submit_then_head_approves(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    html = _act(ui, harness, activity_id, "submit")
    assert "Status kegiatan sekarang: Reviu Kepala OPD" in html
    ui.post("/keluar", {})
    ui.login("dpppa.kepala")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert 'name="action" value="approve"' in html and 'name="action" value="return"' in html
    _act(ui, harness, activity_id, "approve", comment="Sesuai.")
    assert harness.state(activity_id) == "budget_review"


def test_return_without_comment_shows_the_error_by_the_comment_box(
    ui: Ui, harness: Harness
) -> None:
    activity_id = ui.create()
    harness.act("dpppa.staf", activity_id, "submit")
    ui.login("dpppa.kepala")
    response = ui.post(
        f"/kegiatan/{activity_id}/aksi",
        {"action": "return", "version": str(harness.version(activity_id)), "comment": "  "},
    )
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-comment"' in html and "Catatan wajib diisi." in html
    assert harness.state(activity_id) == "opd_review"


def test_action_without_csrf_token_is_refused(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(
        f"/kegiatan/{activity_id}/aksi",
        {"action": "submit", "version": str(harness.version(activity_id))},
        csrf=False,
    )
    assert response.status_code == 400
    assert harness.state(activity_id) == "draft"


def test_stale_action_is_409_and_changes_nothing(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    ui.login("dpppa.staf")
    response = ui.post(f"/kegiatan/{activity_id}/aksi", {"action": "submit", "version": "0"})
    assert response.status_code == 409
    assert "muat ulang" in text(response)
    assert harness.state(activity_id) == "draft"


def test_four_eyes_the_submitter_sees_no_approve(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.act("dpppa.staf", activity_id, "submit")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    # only taking it back (Tarik kembali) is offered to the submitter, never approving it
    assert re.findall(r'name="action" value="(\w+)"', html) == ["withdraw"]


def test_bappeda_confirms_lower_and_cannot_raise(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    ui.login("bappeda.verifikator")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Sisa pagu OPD tahun 2023: Rp2.500.000.000 dari Rp2.500.000.000" in html
    response = ui.act(activity_id, "confirm_budget", **{"confirmed.2023": "Rp200.000.000"})
    assert response.status_code == 422
    assert "hanya boleh diturunkan" in text(response)
    assert 'value="Rp200.000.000"' in text(response)
    html = _act(ui, harness, activity_id, "confirm_budget", **{"confirmed.2023": "120.000.000"})
    assert "Rp120.000.000" in html
    assert harness.state(activity_id) == "governor_signoff"


def test_governor_signs_with_a_decree_number(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(
        activity_id,
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    )
    ui.login("gubernur")
    response = ui.post(
        f"/kegiatan/{activity_id}/aksi",
        {"action": "sign", "version": str(harness.version(activity_id)), "decree_number": "123"},
    )
    assert response.status_code == 422
    assert 'id="err-decree_number"' in text(response)
    html = _act(ui, harness, activity_id, "sign", decree_number="G/500/V.09/HK/2023")
    assert "G/500/V.09/HK/2023" in html and "Ditetapkan" in html


def test_return_revise_resubmit_shows_what_changed(ui: Ui, harness: Harness) -> None:
    activity_id = ui.create()
    harness.move(activity_id, ("dpppa.staf", "submit"))
    harness.act("dpppa.kepala", activity_id, "return", comment="Tambahkan Way Kanan.")
    ui.login("dpppa.staf")
    html = text(ui.get(f"/kegiatan/{activity_id}"))
    assert "Catatan pengembalian" in html and "Tambahkan Way Kanan." in html
    response = ui.post(
        f"/kegiatan/{activity_id}/ubah",
        form(
            version=str(harness.version(activity_id)),
            title="Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji",
            description="Pelatihan tiga hari bagi tokoh perempuan.",
            **{
                "details.locations": ["mesuji", "way_kanan"],
                "details.partner_opds": ["kesbangpol"],
                "details.indicator": "Jumlah perempuan terlatih mediasi",
                "details.sub_activity_code": "2.08.03.1.01.0001",
                "years.2023.target": "60 orang",
                "years.2023.budget": "150000000",
            },
        ),
    )
    assert response.status_code == 302
    html = _act(ui, harness, activity_id, "submit")
    assert "Perubahan sejak dikembalikan" in html
    changes = html.split("Perubahan sejak dikembalikan", 1)[1].split("</table>", 1)[0]
    assert "Lokasi (kabupaten/kota)" in changes
    assert "<del>Kabupaten Mesuji</del>" in changes
    assert "<ins>Kabupaten Mesuji, Kabupaten Way Kanan</ins>" in changes
    assert "Nama kegiatan" not in changes  # unchanged fields are not listed


def test_plugin_stage_kesbangpol_endorses_from_the_page(ui: Ui, harness: Harness) -> None:
    plan_id = harness.plan_id()
    payload = lampung_payload(plan_id)
    payload["details"] = {**payload["details"], "conflict_types": ["lahan"]}
    activity_id = harness.create("dpppa.staf", payload).id
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    assert harness.state(activity_id) == "kesbangpol_review"
    ui.login("kesbangpol.reviu")
    assert f"/kegiatan/{activity_id}" in text(ui.get("/")).split("Jumlah kegiatan")[0]
    html = _act(ui, harness, activity_id, "endorse", comment="Tidak ada potensi konflik baru.")
    assert "Status kegiatan sekarang: Verifikasi Anggaran Bappeda" in html
    assert "Rekomendasikan" in html  # the plugin's action label in the timeline


def test_a_near_ceiling_warning_is_shown_after_confirming(ui: Ui, harness: Harness) -> None:
    years = [{"year": 2023, "target": "1 paket", "proposed_budget": 2_300_000_000}]
    activity_id = ui.create(years=years)
    harness.move(activity_id, ("dpppa.staf", "submit"), ("dpppa.kepala", "approve"))
    ui.login("bappeda.verifikator")
    html = _act(ui, harness, activity_id, "confirm_budget")
    assert 'class="flash warning"' in html
    assert "Pagu OPD tahun 2023 akan terpakai 92%." in html


def test_the_list_shows_proposed_and_confirmed_sorts_and_totals(ui: Ui, harness: Harness) -> None:
    """Issue 16, item 8: a confirmed cut shows beside the proposal, columns sort, and the
    filtered list has its totals."""
    cut = ui.create(
        title="Kegiatan dipotong",
        years=[{"year": 2023, "target": "1", "proposed_budget": 300_000_000}],
    )
    ui.create(title="Kegiatan kecil", years=[{"year": 2023, "target": "1", "proposed_budget": 1}])
    harness.walk(cut, "submit", "approve")
    harness.act(
        "bappeda.verifikator",
        cut,
        "confirm_budget",
        confirmed_years=[{"year": 2023, "confirmed_budget": 255_000_000}],
    )
    ui.login("dpppa.kepala")
    html = text(ui.get("/kegiatan/"))
    assert ">Terkonfirmasi" in html
    row = html[html.index("Kegiatan dipotong") :]
    row = row[: row.index("</tr>")]
    assert "Rp300.000.000" in row and "Rp255.000.000" in row
    assert "Jumlah seluruh daftar tersaring (2 kegiatan)" in html
    totals = html[html.index("Jumlah seluruh daftar tersaring") :]
    assert "Rp300.000.001" in totals and "Rp255.000.000" in totals
    assert 'href="/kegiatan/?sort=-proposed"' in html
    ascending = text(ui.get("/kegiatan/?sort=proposed"))
    assert ascending.index("Kegiatan kecil") < ascending.index("Kegiatan dipotong")
    assert 'aria-sort="ascending"' in ascending
    assert 'href="/kegiatan/?sort=-proposed"' in ascending  # a second click turns it round
    descending = text(ui.get("/kegiatan/?sort=-proposed"))
    assert descending.index("Kegiatan dipotong") < descending.index("Kegiatan kecil")
    filtered = text(ui.get("/kegiatan/?sort=-proposed&q=kecil"))
    assert "Jumlah seluruh daftar tersaring (1 kegiatan)" in filtered
    assert '<option value="-proposed" selected>' in filtered  # the filter form keeps the order
    assert ui.get("/kegiatan/?sort=harga").status_code == 422
