"""The decree lampiran on the pages and the public *Verifikasi dokumen* page: the governor signs
a batch with a date and gets its seal and PDF; anyone with the printed code (no login) learns
the decree number, date, count and total and whether the record still matches — nothing else."""

from __future__ import annotations

from sqlalchemy import update

from core.models import ActivityYear
from core.testing import Harness
from tests.ui.conftest import Ui, text

TO_SIGNOFF = (
    ("dpppa.staf", "submit"),
    ("dpppa.kepala", "approve"),
    ("bappeda.verifikator", "confirm_budget"),
)
DECREE = "G/77/V.09/HK/2023"
SECRET_TITLE = "Rumah aman rahasia di Mesuji"


def _signed(ui: Ui, harness: Harness) -> tuple[list[int], str, int]:
    ids = [ui.create(title=SECRET_TITLE), ui.create(title="Sekolah perempuan damai")]
    for activity_id in ids:
        harness.move(activity_id, *TO_SIGNOFF)
    ui.login("gubernur")
    response = ui.post(
        "/penetapan/",
        {
            "activity_ids": [str(i) for i in ids],
            "decree_number": DECREE,
            "decree_date": "2023-03-14",
            "step": "final",  # past the summary
        },
    )
    assert response.status_code == 200
    html = text(response)
    code = html.split("kode verifikasi ", 1)[1].split(" ", 1)[0]
    signoff_id = int(html.split("/penetapan/", 2)[2].split("/lampiran.pdf", 1)[0])
    return ids, code, signoff_id


def test_the_governor_gets_the_seal_and_its_lampiran(ui: Ui, harness: Harness) -> None:
    ids, code, signoff_id = _signed(ui, harness)
    pdf = ui.get(f"/penetapan/{signoff_id}/lampiran.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    detail = text(ui.get(f"/kegiatan/{ids[0]}"))
    assert code in detail and "14 Maret 2023" in detail
    assert f"/penetapan/{signoff_id}/lampiran.pdf" in detail
    # Bappeda finds the plan's lampiran on the dashboard.
    ui.login("bappeda.verifikator")
    home = text(ui.get("/"))
    plan_pdf = f"/rencana/{harness.plan_id()}/lampiran.pdf"
    assert plan_pdf in home and ui.get(plan_pdf).status_code == 200
    # Another OPD's operator sees neither.
    other = Ui(ui.client.application.test_client(), harness)
    other.login("dinsos.staf")
    assert other.get(f"/penetapan/{signoff_id}/lampiran.pdf").status_code == 404


def test_the_verification_page_shows_only_what_it_should(ui: Ui, harness: Harness) -> None:
    ids, code, _id = _signed(ui, harness)
    anonymous = Ui(ui.client.application.test_client(), harness)
    found = anonymous.get(
        "/verifikasi/?kode=" + code.replace("-", "").lower(), follow_redirects=True
    )
    assert found.status_code == 200
    html = text(found)
    assert "Dokumen sah" in html
    assert DECREE in html and "14 Maret 2023" in html and "Rp300.000.000" in html
    facts = html.split('<dl class="facts">', 1)[1].split("</dl>", 1)[0]
    assert facts.count("<dt>") == 4  # number, date, count, total: nothing else
    assert SECRET_TITLE not in html and "Dinas" not in html and "Gubernur" not in facts
    assert "/kegiatan/" not in html
    # An amount changed behind the application's back: the page says so.
    with harness.session() as s:
        s.execute(
            update(ActivityYear)
            .where(ActivityYear.activity_id == ids[0])
            .values(confirmed_budget=1)
        )
        s.commit()
    assert "data telah berubah" in text(anonymous.get(f"/verifikasi/{code}"))
    unknown = anonymous.get("/verifikasi/ZZZZ-ZZZZ")
    assert unknown.status_code == 404 and "tidak dikenal" in text(unknown)


def test_a_malformed_decree_date_on_the_page_is_refused(ui: Ui, harness: Harness) -> None:
    a = ui.create()
    harness.move(a, *TO_SIGNOFF)
    ui.login("gubernur")
    response = ui.post(
        "/penetapan/", {"activity_ids": [str(a)], "decree_number": DECREE, "decree_date": "kemarin"}
    )
    assert response.status_code == 422 and "TTTT-BB-HH" in text(response)
    assert harness.state(a) == "governor_signoff"


def test_a_single_sign_on_the_detail_page_takes_the_date(ui: Ui, harness: Harness) -> None:
    a = ui.create()
    harness.move(a, *TO_SIGNOFF)
    ui.login("gubernur")
    response = ui.act(a, "sign", decree_number=DECREE, decree_date="2023-06-01")
    assert response.status_code in (200, 302), text(response)
    detail = text(ui.get(f"/kegiatan/{a}"))
    assert "1 Juni 2023" in detail and "lampiran.pdf" in detail
