"""The decree lampiran and the sealed sign-off over HTTP: the batch carries a decree date and
answers with its seal; the seal is recomputed on read; the PDF opens and says what was signed."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import update

from core.documents.terbilang import rupiah_words
from core.models import ActivityYear
from tests.api.conftest import Api

DECREE = "G/288/V.09/HK/2023"
TITLES = (
    "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji",
    "Sekolah perempuan damai di Way Kanan",
    "Rumah aman bagi korban konflik sosial",
)


def _at_signoff(api: Api, title: str, amount: int) -> int:
    activity = api.as_("dpppa.staf").create(
        title=title, years=[{"year": 2023, "target": "60 orang", "proposed_budget": amount}]
    )
    for user, action in (
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    ):
        response = api.as_(user).act(activity["id"], action)
        assert response.status_code == 200, response.json
    return int(activity["id"])


def _sign_batch(api: Api, ids: list[int], **extra: Any) -> dict[str, Any]:
    response = api.as_("gubernur").post(
        f"/api/v1/plans/{api.plan_id()}/signoff",
        json={"activity_ids": ids, "decree_number": DECREE, **extra},
    )
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[return-value]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # Words broken over lines in table cells are joined back for the checks.
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_batch_signoff_is_sealed_and_its_lampiran_says_what_was_signed(api: Api) -> None:
    amounts = (500_000_000, 600_000_000, 400_000_000)
    ids = [_at_signoff(api, t, a) for t, a in zip(TITLES, amounts, strict=True)]
    result = _sign_batch(api, ids, decree_date="2023-03-14")
    assert result["signed"] == 3 and result["decree_date"] == "2023-03-14"
    code, signoff_id = result["verification_code"], result["signoff_id"]
    assert code and signoff_id

    activity = api.as_("gubernur").get(f"/api/v1/activities/{ids[0]}").json
    assert activity["decree_date"] == "2023-03-14"  # type: ignore[index]

    seal = api.as_("gubernur").get(f"/api/v1/signoffs/{signoff_id}").json
    assert seal["valid"] is True and seal["recomputed_digest"] == seal["digest"]  # type: ignore[index]
    assert (seal["activity_count"], seal["total"]) == (3, 1_500_000_000)  # type: ignore[index]

    for path in (
        f"/api/v1/signoffs/{signoff_id}/lampiran.pdf",
        f"/api/v1/plans/{api.plan_id()}/lampiran.pdf",
    ):
        response = api.as_("gubernur").get(path)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = _text(response.data)
        assert DECREE in text and "14 Maret 2023" in text
        for title in TITLES:
            assert title in text, title
        assert "Rp1.500.000.000" in text
        assert rupiah_words(1_500_000_000) == "satu miliar lima ratus juta rupiah"
        assert "satu miliar lima ratus juta rupiah" in text
        assert code in text and seal["digest"] in text.replace(" ", "")  # type: ignore[index]
        assert "Halaman 1 dari" in text

    # An amount altered directly in the database: the seal no longer verifies.
    with api.harness.session() as s:
        s.execute(
            update(ActivityYear)
            .where(ActivityYear.activity_id == ids[0])
            .values(confirmed_budget=1)
        )
        s.commit()
    seal = api.as_("gubernur").get(f"/api/v1/signoffs/{signoff_id}").json
    assert seal["valid"] is False and seal["recomputed_digest"] != seal["digest"]  # type: ignore[index]


def test_a_batch_without_a_date_is_dated_today_and_old_clients_keep_working(api: Api) -> None:
    activity_id = _at_signoff(api, TITLES[0], 100_000_000)
    result = _sign_batch(api, [activity_id])
    assert result["signed"] == 1 and result["decree_date"]


def test_a_single_sign_answers_with_its_seal(api: Api) -> None:
    activity_id = _at_signoff(api, TITLES[1], 100_000_000)
    response = api.as_("gubernur").act(
        activity_id, "sign", decree_number=DECREE, decree_date="2023-05-02"
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["decree_date"] == "2023-05-02" and body["verification_code"]  # type: ignore[index]
    seal = api.as_("gubernur").get(f"/api/v1/signoffs/{body['signoff_id']}").json  # type: ignore[index]
    assert seal["activity_ids"] == [activity_id] and seal["valid"]  # type: ignore[index]


def test_a_malformed_decree_date_is_a_422(api: Api) -> None:
    activity_id = _at_signoff(api, TITLES[2], 100_000_000)
    response = api.as_("gubernur").act(
        activity_id, "sign", decree_number=DECREE, decree_date="14-03-2023"
    )
    assert response.status_code == 422
    assert api.harness.state(activity_id) == "governor_signoff"


def test_seals_and_lampiran_are_not_for_other_provinces_or_opds(api: Api) -> None:
    activity_id = _at_signoff(api, TITLES[0], 100_000_000)
    signoff_id = _sign_batch(api, [activity_id])["signoff_id"]
    for user in ("sulteng.gubernur", "dinsos.staf"):
        for path in (
            f"/api/v1/signoffs/{signoff_id}",
            f"/api/v1/signoffs/{signoff_id}/lampiran.pdf",
        ):
            assert api.as_(user).get(path).status_code == 404, (user, path)
    assert api.as_("dpppa.staf").get(f"/api/v1/signoffs/{signoff_id}").status_code == 200


def test_a_plan_without_signed_activities_has_no_lampiran(api: Api) -> None:
    assert api.as_("gubernur").get(f"/api/v1/plans/{api.plan_id()}/lampiran.pdf").status_code == 404
