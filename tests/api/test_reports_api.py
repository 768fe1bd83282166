"""Progress reports over the REST API (issue 14) on PostgreSQL: a whole journey with a return and
a photo as evidence, who sees and may do what at every endpoint (the own OPD, another OPD, the
province-wide roles, another province, anonymous), bad input named field by field with nothing
written, stale versions, what an activity owes, and ``sepakat audit verify`` naming a broken
report chain."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import func, select, text

from core.models import Attachment, ProgressReport, ReportAuditEntry
from sepakat.cli import main
from tests.api.conftest import Api

DECREE = "G/288/V.09/HK/2022"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
FIELDS = {
    "output_target": 60,
    "output_realised": 40,
    "output_unit": "orang",
    "budget_realised": 90_000_000,
}
R = "/api/v1/reports"


@pytest.fixture
def store(api: Api, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = api.client.application.config
    monkeypatch.setitem(config, "ATTACHMENTS_DIR", str(tmp_path))
    monkeypatch.setitem(config, "ATTACHMENT_MAX_BYTES", 4096)
    return tmp_path


def signed(api: Api, opd: str = "dpppa", **overrides: Any) -> int:
    """A signed activity of ``opd`` (2023 by default, 150 juta confirmed as proposed)."""
    h = api.harness
    activity_id = h.create(f"{opd}.staf", api.payload(**overrides)).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def file(api: Api, activity_id: int, period: str = "S1", **fields: Any) -> dict[str, Any]:
    body = {"activity_id": activity_id, "year": 2023, "period": period, **fields}
    response = api.as_("dpppa.staf").post(R, json=body)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[return-value]


def act(api: Api, user: str, report_id: int, action: str, **body: Any) -> Any:
    version = api.harness.report(report_id).version
    return api.as_(user).post(
        f"{R}/{report_id}/transitions", json={"action": action, "version": version, **body}
    )


def upload(api: Api, user: str | None, report_id: int, data: bytes = PNG, **form: str) -> Any:
    return api.as_(user).post(
        f"{R}/{report_id}/attachments",
        data={"file": (io.BytesIO(data), "foto.png"), **form},
        content_type="multipart/form-data",
    )


def patch(api: Api, user: str | None, report_id: int, body: Any, version: Any = None) -> Any:
    if version is None:
        version = api.harness.report(report_id).version
    return api.as_(user).patch(f"{R}/{report_id}", json=body, headers={"If-Match": f'"{version}"'})


def written(api: Api) -> tuple[int, ...]:
    """What a refused request must leave as it was: the reports, their chains, their files."""
    with api.harness.session() as s:
        counts = tuple(
            s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in (ProgressReport, ReportAuditEntry, Attachment)
        )
        versions = s.execute(select(func.coalesce(func.sum(ProgressReport.version), 0)))
        return (*counts, versions.scalar_one())


# --- the journey --------------------------------------------------------------------------------


def test_a_report_is_filed_with_a_photo_returned_fixed_and_accepted(api: Api, store: Path) -> None:
    activity_id = signed(api)
    created = api.as_("dpppa.staf").post(
        R, json={"activity_id": activity_id, "year": 2023, "period": "S1", **FIELDS}
    )
    assert created.status_code == 201, created.json
    report = created.json
    rid = report["id"]
    assert created.headers["ETag"] == '"1"'
    assert created.headers["Location"].endswith(f"{R}/{rid}")
    assert report["activity"]["id"] == activity_id and report["activity"]["opd"] == "dpppa"
    assert report["activity"]["registration_number"].startswith("LPG-")
    assert (report["state"], report["period_label"], report["due_on"]) == (
        "draft",
        "Semester I",
        "2023-07-10",
    )
    assert report["fields"]["output_unit"] == "orang"
    assert (report["budget_confirmed"], report["budget_percent"], report["output_percent"]) == (
        150_000_000,
        60.0,
        66.67,
    )
    assert report["available_actions"] == ["submit"]
    assert report["created_at"].endswith("Z")

    photo = upload(api, "dpppa.staf", rid)
    assert photo.status_code == 201, photo.json
    assert (photo.json["report_id"], photo.json["kind"], photo.json["activity_id"]) == (
        rid,
        "photo",
        None,
    )
    submitted = act(api, "dpppa.staf", rid, "submit")
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["state"] == "head_review" and submitted.json["warnings"] == []
    assert submitted.headers["ETag"] == f'"{submitted.json["version"]}"'

    head = api.as_("dpppa.kepala").get(f"{R}/{rid}").json
    assert set(head["available_actions"]) == {"approve", "return"}
    assert act(api, "dpppa.kepala", rid, "return").status_code == 422  # a return needs a note
    back = act(api, "dpppa.kepala", rid, "return", comment="Lampirkan daftar hadir.")
    assert back.status_code == 200, back.json
    assert (back.json["state"], back.json["revision_round"]) == ("returned", 1)

    fixed = patch(api, "dpppa.staf", rid, {"follow_up": "Daftar hadir dilampirkan"})
    assert fixed.status_code == 200, fixed.json
    assert fixed.json["fields"]["follow_up"] == "Daftar hadir dilampirkan"
    assert upload(api, "dpppa.staf", rid, kind="attendance").status_code == 201
    assert act(api, "dpppa.staf", rid, "submit").status_code == 200
    assert act(api, "dpppa.kepala", rid, "approve").status_code == 200
    pokja = api.as_("pokja.lampung").get(f"{R}/{rid}").json
    assert "verify" in pokja["available_actions"]
    done = act(api, "pokja.lampung", rid, "verify")
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["available_actions"]) == ("accepted", [])

    history = api.as_("auditor").get(f"{R}/{rid}/history")
    assert history.status_code == 200
    items = history.json["items"]
    assert [i["action"] for i in items] == [
        "create",
        "attachment_added",
        "submit",
        "return",
        "edit",
        "attachment_added",
        "submit",
        "approve",
        "verify",
    ]
    assert [i["seq"] for i in items] == list(range(1, 10))
    assert items[0]["label"] == "Dibuat" and items[1]["label"] == "Lampiran ditambahkan"
    assert all(i["label"] and i["label"] != i["action"] for i in items)
    assert items[3]["comment"] == "Lampirkan daftar hadir." and items[3]["role"] == "opd_head"
    assert (items[-1]["from_state"], items[-1]["to_state"]) == ("pokja_verification", "accepted")
    assert items[-1]["actor"] == "pokja.lampung" and items[-1]["actor_title"]

    # The evidence: listed, downloaded by whoever sees the report, no longer removable.
    files = api.as_("gubernur").get(f"{R}/{rid}/attachments").json
    assert [f["kind"] for f in files] == ["photo", "attendance"]
    download = api.as_("pokja.lampung").get(f"/api/v1/attachments/{files[0]['id']}")
    assert download.status_code == 200 and download.data == PNG
    gone = api.as_("dpppa.staf").open("DELETE", f"/api/v1/attachments/{files[0]['id']}")
    assert gone.status_code == 409, gone.json
    assert upload(api, "dpppa.staf", rid).status_code == 409

    listed = api.as_("pokja.lampung").get(f"{R}?state=accepted&year=2023&opd=dpppa").json
    assert [r["id"] for r in listed["items"]] == [rid]
    assert "available_actions" not in listed["items"][0]
    owed = api.as_("dpppa.staf").get(f"/api/v1/activities/{activity_id}/reports").json
    assert [(i["period"], (i["report"] or {}).get("state")) for i in owed["items"]] == [
        ("S1", "accepted"),
        ("S2", None),
    ]


def test_evidence_is_removed_while_editable_and_audited(api: Api, store: Path) -> None:
    rid = file(api, signed(api), **FIELDS)["id"]
    photo = upload(api, "dpppa.staf", rid).json
    assert (
        api.as_("dinsos.staf").open("DELETE", f"/api/v1/attachments/{photo['id']}").status_code
        == 404
    )
    assert (
        api.as_("dpppa.kepala").open("DELETE", f"/api/v1/attachments/{photo['id']}").status_code
        == 403
    )
    removed = api.as_("dpppa.staf").open("DELETE", f"/api/v1/attachments/{photo['id']}")
    assert removed.status_code == 204
    assert api.as_("dpppa.staf").get(f"{R}/{rid}/attachments").json == []
    assert api.as_("dpppa.staf").get(f"/api/v1/attachments/{photo['id']}").status_code == 404
    actions = [i["action"] for i in api.as_("dpppa.staf").get(f"{R}/{rid}/history").json["items"]]
    assert actions == ["create", "attachment_added", "attachment_removed"]


# --- scope and roles, every endpoint ------------------------------------------------------------

# Reads: 200 (or, for the list, the report among the items) when the user sees the report.
SEES = {
    "dpppa.staf": True,
    "dpppa.kepala": True,
    "dinsos.staf": False,
    "pokja.lampung": True,
    "bappeda.verifikator": True,
    "gubernur": True,
    "auditor": True,
    "sulteng.pokja1": False,
    "sulteng.gubernur": False,
}
# Writes on the report (or, for create, on its activity): the operator of its OPD only.
MAY_WRITE = {"dpppa.staf"}


def _other_province(user: str | None) -> bool:
    return user is not None and user.startswith("sulteng.")


def _world(api: Api) -> dict[str, int]:
    activity_id = signed(api)
    report = file(api, activity_id, **FIELDS)
    evidence = upload(api, "dpppa.staf", report["id"]).json
    return {"activity": activity_id, "report": report["id"], "file": evidence["id"]}


@pytest.mark.parametrize("user", [*SEES, None])
def test_every_report_endpoint_by_role_and_scope(api: Api, store: Path, user: str | None) -> None:
    w = _world(api)
    rid, aid, fid = w["report"], w["activity"], w["file"]
    caller = api.as_(user)
    sees = SEES.get(user or "", False)
    read = 200 if sees else 404
    reads = {
        f"{R}/{rid}": read,
        f"{R}/{rid}/history": read,
        f"{R}/{rid}/attachments": read,
        f"/api/v1/attachments/{fid}": read,
        f"/api/v1/activities/{aid}/reports": read,
        # A province's definitions are for its own users (another province's: 404).
        "/api/v1/provinces/lampung/report-workflow": 404 if _other_province(user) else 200,
    }
    if user is None:
        reads = dict.fromkeys(reads, 401)
    for path, status in reads.items():
        response = caller.get(path)
        assert response.status_code == status, (path, response.json)
    listing = caller.get(R)
    if user is None:
        assert listing.status_code == 401
    else:
        assert listing.status_code == 200
        assert (rid in [r["id"] for r in listing.json["items"]]) is sees
        by_activity = caller.get(f"{R}?activity_id={aid}").json["items"]
        assert (len(by_activity) == 1) is sees
    if _other_province(user):  # their own province's definition
        assert caller.get("/api/v1/provinces/sulteng/report-workflow").status_code == 200

    # Writes, the refused ones first (nothing may change), the operator's last.
    before = written(api)
    denied = 401 if user is None else (404 if not sees else 403)
    if user in MAY_WRITE:
        _operator_writes(api, w)
        return
    attempts = [
        caller.post(R, json={"activity_id": aid, "year": 2023, "period": "S2"}),
        patch(api, user, rid, {"obstacles": "Diubah orang lain"}),
        caller.post(
            f"{R}/{rid}/transitions",
            json={"action": "submit", "version": api.harness.report(rid).version},
        ),
        upload(api, user, rid),
        caller.open("DELETE", f"/api/v1/attachments/{fid}"),
    ]
    assert [a.status_code for a in attempts] == [denied] * len(attempts), [a.json for a in attempts]
    assert written(api) == before


def _operator_writes(api: Api, w: dict[str, int]) -> None:
    rid, aid, fid = w["report"], w["activity"], w["file"]
    staf = api.as_("dpppa.staf")
    assert staf.post(R, json={"activity_id": aid, "year": 2023, "period": "S2"}).status_code == 201
    assert patch(api, "dpppa.staf", rid, {"obstacles": "Hujan deras"}).status_code == 200
    assert upload(api, "dpppa.staf", rid).status_code == 201
    assert staf.open("DELETE", f"/api/v1/attachments/{fid}").status_code == 204
    assert act(api, "dpppa.staf", rid, "submit").status_code == 200


def test_the_report_workflow_is_shaped_like_the_activity_workflow(api: Api) -> None:
    caller = api.as_("dpppa.staf")
    activity = caller.get("/api/v1/provinces/lampung/workflow").json
    report = caller.get("/api/v1/provinces/lampung/report-workflow").json
    assert set(report) == set(activity)
    assert set(report["states"][0]) == set(activity["states"][0])
    assert set(report["transitions"][0]) == set(activity["transitions"][0])
    assert report["version"] != activity["version"]
    assert {s["code"] for s in report["states"]} >= {"draft", "accepted", "returned"}
    assert caller.get("/api/v1/provinces/sulteng/report-workflow").status_code == 404


# --- bad input, stale versions ------------------------------------------------------------------


def test_a_bad_report_is_422_naming_every_field_and_writes_nothing(api: Api) -> None:
    activity_id = signed(api)
    before = written(api)
    bad = {
        "activity_id": "satu",
        "year": 1999,
        "period": "",
        "output_target": -1,
        "output_realised": "60",
        "output_unit": "orang\nlagi",
        "budget_realised": 1.5,
        "obstacles": 5,
        "follow_up": None,
        "warna": "merah",
    }
    response = api.as_("dpppa.staf").post(R, json=bad)
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == set(bad), response.json
    assert written(api) == before
    # The core's rules on a well-formed payload: a year not planned and a period not declared.
    unknown = {"activity_id": activity_id, "year": 2030, "period": "Q9"}
    response = api.as_("dpppa.staf").post(R, json=unknown)
    assert response.status_code == 422, response.json
    assert {r["field"] for r in response.json["rules"]} == {"year", "period"}
    assert "S1 (Semester I)" in str(response.json)
    assert api.as_("dpppa.staf").post(R, json=[1]).status_code == 422
    assert written(api) == before


def test_bad_edits_queries_transitions_and_uploads_are_422_and_write_nothing(
    api: Api, store: Path
) -> None:
    rid = file(api, signed(api))["id"]
    before = written(api)
    bad = {"output_realised": -5, "budget_realised": "x", "activity_id": 3, "period": "S2"}
    response = patch(api, "dpppa.staf", rid, bad)
    assert response.status_code == 422, response.json
    assert set(response.json["errors"]) == set(bad)
    query = api.as_("dpppa.staf").get(
        f"{R}?year=abc&limit=0&before_id=-1&activity_id=x&plan_id=0&opd=&state=&period="
    )
    assert query.status_code == 422, query.json
    assert set(query.json["errors"]) == {
        "year",
        "limit",
        "before_id",
        "activity_id",
        "plan_id",
        "opd",
        "state",
        "period",
    }
    transition = api.as_("dpppa.staf").post(
        f"{R}/{rid}/transitions", json={"action": "", "version": "x", "decree_number": "1"}
    )
    assert transition.status_code == 422, transition.json
    assert set(transition.json["errors"]) == {"action", "version", "decree_number"}
    # Submitting without the output and the budget spent: both rules, at once.
    missing = act(api, "dpppa.staf", rid, "submit")
    assert missing.status_code == 422, missing.json
    assert {r["field"] for r in missing.json["rules"]} >= {"output_realised", "budget_realised"}
    unknown = act(api, "dpppa.staf", rid, "terbang")
    assert unknown.status_code in (409, 422), unknown.json
    refused = upload(api, "dpppa.staf", rid, b"bukan gambar", kind="lukisan")
    assert refused.status_code == 422, refused.json
    assert {r["field"] for r in refused.json["rules"]} == {"file", "kind"}
    assert upload(api, "dpppa.staf", rid, PNG + b"\x00" * 5000).status_code == 413
    no_file = api.as_("dpppa.staf").post(
        f"{R}/{rid}/attachments", data={"kind": "photo"}, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422 and no_file.json["rules"][0]["field"] == "file"
    assert written(api) == before


def test_stale_versions_and_conflicts(api: Api, store: Path) -> None:
    activity_id = signed(api)
    report = file(api, activity_id, **FIELDS)
    rid = report["id"]
    staf = api.as_("dpppa.staf")
    unchanged = staf.get(f"{R}/{rid}", headers={"If-None-Match": '"1"'})
    assert unchanged.status_code == 304 and unchanged.headers["ETag"] == '"1"'
    assert patch(api, "dpppa.staf", rid, {"obstacles": "A"}).status_code == 200
    assert staf.get(f"{R}/{rid}", headers={"If-None-Match": '"1"'}).status_code == 200
    before = written(api)
    stale = patch(api, "dpppa.staf", rid, {"obstacles": "B"}, version=1)
    assert stale.status_code == 412, stale.json
    assert "laporan" in stale.json["message"].lower()
    missing = staf.patch(f"{R}/{rid}", json={"obstacles": "B"})
    assert missing.status_code == 428 and "laporan" in missing.json["message"]
    assert patch(api, "dpppa.staf", rid, {"obstacles": "B"}, version="abc").status_code == 412
    old = staf.post(f"{R}/{rid}/transitions", json={"action": "submit", "version": 1})
    assert old.status_code == 409, old.json
    twice = staf.post(R, json={"activity_id": activity_id, "year": 2023, "period": "S1"})
    assert twice.status_code == 409 and str(rid) in twice.json["message"]
    draft = api.harness.create("dpppa.staf", api.payload()).id
    unsigned = staf.post(R, json={"activity_id": draft, "year": 2023, "period": "S1"})
    assert unsigned.status_code == 409, unsigned.json
    assert written(api) == before
    assert act(api, "dpppa.staf", rid, "submit").status_code == 200
    assert patch(api, "dpppa.staf", rid, {"obstacles": "C"}).status_code == 409
    assert act(api, "dpppa.staf", rid, "submit").status_code == 409  # not from head_review


def test_pages_of_reports_follow_before_id(api: Api) -> None:
    first, second = signed(api), signed(api)
    ids = [file(api, a, p)["id"] for a in (first, second) for p in ("S1", "S2")]
    caller = api.as_("gubernur")
    page = caller.get(f"{R}?limit=3").json
    assert [r["id"] for r in page["items"]] == sorted(ids, reverse=True)[:3]
    rest = caller.get(f"{R}?limit=3&before_id={page['next_before_id']}").json
    assert [r["id"] for r in rest["items"]] == [min(ids)] and rest["next_before_id"] is None
    assert len(caller.get(f"{R}?period=S2").json["items"]) == 2
    assert caller.get(f"{R}?opd=tidak-ada").json["items"] == []
    assert len(caller.get(f"{R}?plan_id={api.plan_id()}&state=draft").json["items"]) == 4


# --- what an activity owes ----------------------------------------------------------------------


def test_a_signed_activity_owes_every_period_of_every_year(api: Api) -> None:
    years = [
        {"year": 2023, "target": "60 orang", "proposed_budget": 100_000_000},
        {"year": 2024, "target": "80 orang", "proposed_budget": 120_000_000},
    ]
    activity_id = signed(api, years=years)
    rid = file(api, activity_id, "S2")["id"]
    owed = api.as_("auditor").get(f"/api/v1/activities/{activity_id}/reports")
    assert owed.status_code == 200, owed.json
    body = owed.json
    assert body["activity_id"] == activity_id and body["reportable"] is True
    assert [(i["year"], i["period"], i["due_on"]) for i in body["items"]] == [
        (2023, "S1", "2023-07-10"),
        (2023, "S2", "2024-01-10"),
        (2024, "S1", "2024-07-10"),
        (2024, "S2", "2025-01-10"),
    ]
    assert [i["report"] for i in body["items"]].count(None) == 3
    filed = body["items"][1]["report"]
    assert (filed["id"], filed["state"], filed["state_label"]) == (
        rid,
        "draft",
        filed["state_label"],
    )
    assert filed["state_label"] and body["items"][0]["starts_on"] == "2023-01-01"
    draft = api.harness.create("dpppa.staf", api.payload()).id
    nothing = api.as_("dpppa.staf").get(f"/api/v1/activities/{draft}/reports").json
    assert (nothing["reportable"], nothing["items"]) == (False, [])
    assert (
        api.as_("dinsos.staf").get(f"/api/v1/activities/{activity_id}/reports").status_code == 404
    )


# --- the audit chain ----------------------------------------------------------------------------


def test_audit_verify_names_a_broken_report_chain(api: Api) -> None:
    activity_id = signed(api)
    rid = file(api, activity_id, **FIELDS)["id"]
    assert act(api, "dpppa.staf", rid, "submit").status_code == 200
    app = api.client.application
    run = CliRunner().invoke(main, ["audit", "verify"], obj=ScriptInfo(create_app=lambda: app))
    assert run.exit_code == 0 and "Jejak audit utuh." in run.output, run.output
    with api.harness.session() as s:
        s.execute(
            text(
                "UPDATE report_audit_entries SET comment = 'diubah' "
                "WHERE report_id = :r AND seq = 2"
            ),
            {"r": rid},
        )
        entry = s.execute(
            select(ReportAuditEntry.id).where(
                ReportAuditEntry.report_id == rid, ReportAuditEntry.seq == 2
            )
        ).scalar_one()
        s.commit()
    run = CliRunner().invoke(main, ["audit", "verify"], obj=ScriptInfo(create_app=lambda: app))
    assert run.exit_code == 1
    assert f"RUSAK: laporan {rid} (kegiatan {activity_id}), entri #2 (id {entry})" in run.output
    chain = api.as_("auditor").get("/api/v1/admin/audit/chain").json
    assert [(b["report_id"], b["activity_id"]) for b in chain["breaks"]] == [(rid, activity_id)]
