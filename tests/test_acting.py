"""Acting officials (Plt./Plh., ``core.acting`` and ``core.services.acting``) on both backends:
the window counted in the province's zone (WITA for Sulawesi Tengah, WIB for Lampung) with a
frozen clock, acting grants refused outside it and taken inside it, the "Plt." in the hashed
audit entry, the notices to and from the acting official, four eyes, the sealed lampiran, and
the admin rules (validation, overlaps, ending early, the admin audit log)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from core import acting
from core.access import CORE_OPD_ROLES, holder_ids
from core.errors import Conflict, NotAllowed, NotFound, RuleFailed
from core.models import (
    ActingAppointment,
    AdminAuditEntry,
    Opd,
    OutboxMessage,
    Plan,
    Signoff,
    User,
)
from core.notifications.text import compose
from core.services import acting as admin
from core.services import activity_history, available_actions, batch_signoff, seals
from core.testing import Harness
from core.timezones import local_date
from tests.helpers import lampung_payload

Freeze = Callable[[dt.datetime], None]
DECREE = "G/288/V.09/HK/2022"
DINSOS_HEAD = {"role": "opd_head", "opd": "dinsos"}  # Kepala Dinas Sosial: the post covered
MARCH = {"start_date": "2027-03-02", "end_date": "2027-03-05"}  # days A and B
ORDER = "800/123/BKD/2027"  # a surat perintah


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


@pytest.fixture
def freeze(monkeypatch: pytest.MonkeyPatch) -> Freeze:
    """Stop ``core.acting``'s clock at a moment (the one clock appointments are judged by)."""

    def at(moment: dt.datetime) -> None:
        monkeypatch.setattr(acting, "now", lambda: moment)

    return at


def appoint(h: Harness, admin_user: str, **fields: Any) -> admin.AppointmentView:
    data = {"kind": "plt", "decree_number": ORDER, **fields}
    for key in ("start_date", "end_date"):
        if isinstance(data.get(key), dt.date):
            data[key] = data[key].isoformat()
    with h.session() as s:
        parsed = admin.parse(admin.ActingInputSchema(), data)
        return admin.appoint(s, h.registry, h.actor(admin_user), parsed)


def today(zone: str = "Asia/Jakarta") -> dt.date:
    return local_date(dt.datetime.now(dt.UTC), zone)


def opd_id(h: Harness, province: str, code: str) -> int:
    from core.models import Province

    with h.session() as s:
        return int(
            s.execute(
                select(Opd.id)
                .join(Province, Province.id == Opd.province_id)
                .where(Province.code == province, Opd.code == code)
            ).scalar_one()
        )


# ---- the window ------------------------------------------------------------------------


def test_a_window_opens_and_closes_at_palu_midnight_wita(harness: Harness, freeze: Freeze) -> None:
    freeze(utc(2027, 3, 1, 0, 0))
    made = appoint(
        harness,
        "sulteng.admin",
        username="sulteng.dp3a.kepala",
        **DINSOS_HEAD,
        **MARCH,
    )
    assert made.status == "upcoming" and made.title == "Plt. Kepala Dinas Sosial"
    with harness.session() as s:
        row = s.get(ActingAppointment, made.id)
        assert row is not None
        # Midnight in Palu (UTC+8) is 16.00 UTC of the day before.
        assert (row.starts_at, row.ends_at) == (utc(2027, 3, 1, 16), utc(2027, 3, 5, 16))
    dinsos = opd_id(harness, "sulteng", "dinsos")

    def acts_at(moment: dt.datetime) -> bool:
        freeze(moment)
        return harness.actor("sulteng.dp3a.kepala").holds("opd_head", dinsos)

    # 23.59 WITA on 1 March: not yet.
    assert not acts_at(utc(2027, 3, 1, 15, 59, 59))
    # 00.00 WITA on 2 March, still 23.00 WIB on 1 March in Jakarta: Palu's day counts.
    assert acts_at(utc(2027, 3, 1, 16, 0))
    # 23.30 WITA on 5 March, already 00.30 WIT on 6 March in Jayapura: still day B in Palu.
    assert acts_at(utc(2027, 3, 5, 15, 30))
    # 00.00 WITA on 6 March, still 23.00 WIB on 5 March in Jakarta: over in Palu.
    assert not acts_at(utc(2027, 3, 5, 16, 0))
    # Their own post is untouched throughout.
    assert harness.actor("sulteng.dp3a.kepala").holds(
        "opd_head", opd_id(harness, "sulteng", "dp3a")
    )


def test_a_lampung_window_is_counted_in_wib(harness: Harness, freeze: Freeze) -> None:
    freeze(utc(2027, 3, 1, 0, 0))
    appoint(
        harness,
        "admin.lampung",
        username="dpppa.kepala",
        kind="plh",
        **DINSOS_HEAD,
        **MARCH,
    )
    dinsos = opd_id(harness, "lampung", "dinsos")

    def acts_at(moment: dt.datetime) -> bool:
        freeze(moment)
        return harness.actor("dpppa.kepala").holds("opd_head", dinsos)

    # 23.30 WIB on 1 March is already 2 March in Palu, but Lampung reads WIB.
    assert not acts_at(utc(2027, 3, 1, 16, 30))
    assert acts_at(utc(2027, 3, 1, 17, 0))
    # 23.30 WIB on 5 March (00.30 WITA on the 6th): still the last day in Lampung.
    assert acts_at(utc(2027, 3, 5, 16, 30))
    assert not acts_at(utc(2027, 3, 5, 17, 0))

    def holders_at(moment: dt.datetime) -> set[str]:
        with harness.session() as s:
            ids = holder_ids("opd_head", dinsos, CORE_OPD_ROLES, moment)
            return set(s.execute(select(User.username).where(User.id.in_(ids))).scalars())

    assert holders_at(utc(2027, 3, 3)) == {"dinsos.kepala", "dpppa.kepala"}
    assert holders_at(utc(2027, 3, 6)) == {"dinsos.kepala"}


# ---- acting in the workflow ------------------------------------------------------------


def _submitted(h: Harness, staff: str = "dinsos.staf") -> int:
    activity = h.create(staff, lampung_payload(h.plan_id()))
    h.act(staff, activity.id, "submit")
    return activity.id


def test_outside_the_window_refused_inside_allowed_and_history_reads_plh(
    harness: Harness, freeze: Freeze
) -> None:
    freeze(utc(2027, 3, 1, 0, 0))
    made = appoint(
        harness,
        "admin.lampung",
        username="dpppa.kepala",
        kind="plh",
        **DINSOS_HEAD,
        **MARCH,
    )
    activity_id = _submitted(harness)
    # The day before the window they are another OPD's head, no more: the activity is not
    # even theirs to see (404; a province-wide acting role is refused with 403, test_acting_api).
    with pytest.raises(NotFound):
        harness.act("dpppa.kepala", activity_id, "approve")
    freeze(utc(2027, 3, 3, 2, 0))
    result = harness.act("dpppa.kepala", activity_id, "approve", comment="Disetujui")
    assert result.role == "opd_head" and result.acting is not None
    with harness.session() as s:
        entries = activity_history(s, harness.actor("dpppa.kepala"), activity_id)
    mark = entries[-1].payload["acting"]
    assert mark == {
        "kind": "plh",
        "appointment_id": made.id,
        "role": "opd_head",
        "role_label": "Kepala OPD",
        "office": "Kepala Dinas Sosial",
        "decree_number": ORDER,
        "on_behalf_of": ["Drs. Aswarodi, M.Si."],
    }
    name = "Dra. Fitrianita Damhuri, M.Si."
    assert acting.signed_as(mark, name) == f"Plh. Kepala Dinas Sosial — {name}"
    assert acting.describe(mark, name).endswith("(pejabat definitif: Drs. Aswarodi, M.Si.)")
    assert harness.audit_breaks() == []  # the mark is inside the hashed entry
    freeze(utc(2027, 3, 6, 2, 0))  # after the window: the queue is theirs no more
    assert not harness.actor("dpppa.kepala").holds("opd_head", opd_id(harness, "lampung", "dinsos"))


def test_notices_reach_the_acting_head_and_name_the_plt(harness: Harness) -> None:
    day = today()
    appoint(
        harness,
        "admin.lampung",
        username="dpppa.kepala",
        **DINSOS_HEAD,
        start_date=day - dt.timedelta(days=1),
        end_date=day + dt.timedelta(days=1),
    )
    activity_id = _submitted(harness)
    # Told as a holder of the role, beside the definitive head.
    assert {"dinsos.kepala", "dpppa.kepala"} <= set(harness.notified(activity_id, "submit"))
    harness.act("dpppa.kepala", activity_id, "approve")
    # The next reviewer, and the OPD's submitter and definitive head (issue 16): not the Plt.
    assert harness.notified(activity_id, "approve") == [
        "bappeda.verifikator",
        "dinsos.kepala",
        "dinsos.staf",
    ]
    with harness.session() as s:
        row = s.execute(
            select(OutboxMessage).where(
                OutboxMessage.activity_id == activity_id, OutboxMessage.key.like("t:%")
            )
        ).scalars()
        message = next(m for m in row if m.payload.get("action") == "approve")
        text = compose(
            message.kind,
            message.payload,
            recipient_name="Yuliana Sari",
            created_at=message.created_at,
            public_url="https://sepakat.test",
            zone="Asia/Jakarta",
        )
    who = "Plt. Kepala Dinas Sosial — Dra. Fitrianita Damhuri, M.Si."
    assert f"oleh {who}" in text.message
    assert f"{who} (pejabat definitif: Drs. Aswarodi, M.Si.)" in text.body


def test_four_eyes_holds_for_an_acting_head_who_submitted(harness: Harness) -> None:
    day = today()
    appoint(
        harness,
        "admin.lampung",
        username="dinsos.staf",
        kind="plh",
        **DINSOS_HEAD,
        start_date=day,
        end_date=day,
    )
    activity_id = _submitted(harness, "dinsos.staf")
    with harness.session() as s:
        offered = available_actions(s, harness.registry, harness.actor("dinsos.staf"), activity_id)
    assert "approve" not in offered
    with pytest.raises(RuleFailed) as err:
        harness.act("dinsos.staf", activity_id, "approve")
    assert [v.code for v in err.value.violations] == ["four_eyes"]
    harness.act("dinsos.kepala", activity_id, "approve")  # the definitive head still may


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_a_sign_off_by_an_acting_governor_is_sealed_and_printed_plt(harness: Harness) -> None:
    from core.documents import lampiran

    day = today()
    appoint(
        harness,
        "admin.lampung",
        username="kesbangpol.reviu",
        role="governor",
        start_date=day,
        end_date=day + dt.timedelta(days=3),
    )
    one, two = _submitted(harness), _submitted(harness)
    for activity_id in (one, two):
        harness.walk(activity_id, "approve", "confirm_budget")
    harness.act("kesbangpol.reviu", one, "sign", decree_number=DECREE)
    with harness.session() as s:
        batch = batch_signoff(
            s, harness.registry, harness.actor("kesbangpol.reviu"), harness.plan_id(), [two], DECREE
        )
    assert batch.signoff is not None
    with harness.session() as s:
        records = list(s.execute(select(Signoff).order_by(Signoff.id)).scalars())
        assert len(records) == 2
        for record in records:
            mark = seals.signer_acting(record)
            assert mark is not None and mark["office"] == "Gubernur Lampung"
            assert seals.verify(s, record).valid
        plan = s.get(Plan, harness.plan_id())
        assert plan is not None
        text = _text(lampiran.pdf_of(s, plan, records, "https://sepakat.test"))
    assert text.count("Plt. GUBERNUR LAMPUNG") == 2
    assert "HENDRA GUNAWAN, S.SOS." in text


def test_a_seal_in_ones_own_right_is_unchanged(harness: Harness) -> None:
    from core.documents import lampiran

    activity_id = _submitted(harness)
    harness.walk(activity_id, "approve", "confirm_budget")
    harness.act("gubernur", activity_id, "sign", decree_number=DECREE)
    with harness.session() as s:
        record = s.execute(select(Signoff)).scalar_one()
        assert "acting" not in record.snapshot["signer"] and seals.verify(s, record).valid
        plan = s.get(Plan, harness.plan_id())
        assert plan is not None
        text = _text(lampiran.pdf_of(s, plan, [record], "https://sepakat.test"))
    assert "GUBERNUR LAMPUNG" in text and "Plt." not in text


# ---- administration --------------------------------------------------------------------


def test_only_the_province_admin_appoints(harness: Harness) -> None:
    # Two days ahead: in neither zone's past. From 23:00 to 24:00 WIB, Lampung's today is
    # already yesterday in Sulawesi Tengah (WITA), whose admin must be refused for the user only.
    day = today() + dt.timedelta(days=2)
    fields = {
        "username": "dpppa.kepala",
        "role": "opd_head",
        "opd": "dinsos",
        "start_date": day,
        "end_date": day,
    }
    with pytest.raises(NotAllowed):
        appoint(harness, "dinsos.kepala", **fields)
    # Another province's admin cannot name this province's user (nor see the row).
    with pytest.raises(RuleFailed) as err:
        appoint(harness, "sulteng.admin", **fields)
    assert {v.field for v in err.value.violations} == {"username"}
    made = appoint(harness, "admin.lampung", **fields)
    with harness.session() as s:
        with pytest.raises(NotFound):
            admin.end_early(s, harness.registry, harness.actor("sulteng.admin"), made.id)
        assert admin.appointments(s, harness.registry, harness.actor("sulteng.admin")) == []
        with pytest.raises(NotAllowed):
            admin.appointments(s, harness.registry, harness.actor("auditor"))


def test_every_failing_field_is_named_and_nothing_written(harness: Harness) -> None:
    cases: list[tuple[dict[str, Any], set[str]]] = [
        ({}, {"username", "role", "kind", "start_date", "end_date"}),
        (
            {
                "username": "nobody",
                "role": "admin",
                "kind": "wakil",
                "start_date": "2027-03-05",
                "end_date": "2027-03-01",
            },
            {"kind"},  # the schema first: a kind that is no kind
        ),
        (
            {
                "username": "nobody",
                "role": "admin",
                "kind": "plt",
                "start_date": "2027-03-05",
                "end_date": "2027-03-01",
            },
            {"username", "role", "end_date"},
        ),
        (  # an OPD-scoped role needs its OPD; a province-wide one takes none
            {"username": "dpppa.kepala", "role": "opd_head", "kind": "plt"},
            {"opd"},
        ),
        ({"username": "dpppa.kepala", "role": "governor", "opd": "dinsos", "kind": "plt"}, {"opd"}),
        (  # an operator is no post to cover
            {"username": "dpppa.kepala", "role": "opd_staff", "opd": "dinsos", "kind": "plt"},
            {"role"},
        ),
        (  # the definitive head cannot act for their own post
            {"username": "dinsos.kepala", "role": "opd_head", "opd": "dinsos", "kind": "plt"},
            {"username"},
        ),
        ({"username": "dpppa.kepala", "role": "opd_head", "opd": "nope", "kind": "plt"}, {"opd"}),
        (  # days no plan has (and beyond what a window can be computed for)
            {
                "username": "dpppa.kepala",
                "role": "opd_head",
                "opd": "dinsos",
                "kind": "plt",
                "start_date": "0001-01-01",
                "end_date": "9999-12-31",
            },
            {"start_date", "end_date"},
        ),
    ]
    day = today().isoformat()
    for data, failing in cases:
        full = {"decree_number": ORDER, "start_date": day, "end_date": day, **data}
        if not data:
            full = {"decree_number": ORDER}
        with pytest.raises(RuleFailed) as err, harness.session() as s:
            parsed = admin.parse(admin.ActingInputSchema(), full)
            admin.appoint(s, harness.registry, harness.actor("admin.lampung"), parsed)
        assert {v.field for v in err.value.violations} == failing, data
    with pytest.raises(RuleFailed) as err:
        admin.parse(admin.ActingInputSchema(), {"username": "x", "decree_number": ""})
    assert "decree_number" in {v.field for v in err.value.violations}
    with harness.session() as s:
        assert s.execute(select(ActingAppointment)).first() is None
        assert s.execute(select(AdminAuditEntry)).first() is None


def test_overlaps_are_refused_ending_early_frees_the_post_and_all_is_audited(
    harness: Harness, freeze: Freeze
) -> None:
    freeze(utc(2027, 3, 1, 3, 0))
    first = appoint(
        harness,
        "admin.lampung",
        username="dpppa.kepala",
        start_date="2027-03-01",
        end_date="2027-03-10",
        **DINSOS_HEAD,
    )
    with pytest.raises(RuleFailed) as err:
        appoint(
            harness,
            "admin.lampung",
            username="dinkes.kepala",
            start_date="2027-03-10",
            end_date="2027-03-12",
            **DINSOS_HEAD,
        )
    (clash,) = err.value.violations
    assert clash.field == "start_date" and "Dra. Fitrianita Damhuri" in clash.message
    # Another post the same days is fine.
    other = appoint(
        harness,
        "admin.lampung",
        username="dinkes.kepala",
        role="opd_head",
        opd="dpppa",
        start_date="2027-03-10",
        end_date="2027-03-12",
    )
    dinsos = opd_id(harness, "lampung", "dinsos")
    assert harness.actor("dpppa.kepala").holds("opd_head", dinsos)
    freeze(utc(2027, 3, 2, 3, 0))
    with harness.session() as s:
        ended = admin.end_early(
            s, harness.registry, harness.actor("admin.lampung"), first.id, reason="Kembali bertugas"
        )
        assert ended.status == "past" and ended.revoked_at == utc(2027, 3, 2, 3, 0)
        with pytest.raises(Conflict):
            admin.end_early(s, harness.registry, harness.actor("admin.lampung"), first.id)
    assert not harness.actor("dpppa.kepala").holds("opd_head", dinsos)
    second = appoint(
        harness,
        "admin.lampung",
        username="dinkes.kepala",
        start_date="2027-03-10",
        end_date="2027-03-12",
        **DINSOS_HEAD,
    )
    with harness.session() as s:
        groups = {
            v.id: v.status
            for v in admin.appointments(s, harness.registry, harness.actor("admin.lampung"))
        }
        log = s.execute(select(AdminAuditEntry).order_by(AdminAuditEntry.id)).scalars().all()
    assert groups[first.id] == "past" and groups[second.id] == "upcoming"
    assert [(e.action, e.target_id) for e in log] == [
        ("acting.create", str(first.id)),
        ("acting.create", str(other.id)),
        ("acting.end", str(first.id)),
        ("acting.create", str(second.id)),
    ]
    assert log[2].before["revoked_at"] is None and log[2].after["revoked_at"]
    assert log[2].reason == "Kembali bertugas" and log[0].after["decree_number"] == ORDER


def test_an_acting_head_decides_for_a_partner_opd_without_one(harness: Harness) -> None:
    from tests.helpers import lampung_details

    body = lampung_payload(harness.plan_id())
    body["details"] = lampung_details(partner_opds=["satpolpp"])
    activity_id = harness.create("dpppa.staf", body).id
    with pytest.raises(RuleFailed):  # Satpol PP has no head: nobody could concur
        harness.act("dpppa.staf", activity_id, "submit")
    day = today()
    made = appoint(
        harness,
        "admin.lampung",
        username="bpbd.kepala",
        role="opd_head",
        opd="satpolpp",
        start_date=day,
        end_date=day + dt.timedelta(days=1),
    )
    harness.act("dpppa.staf", activity_id, "submit")
    harness.act("dpppa.kepala", activity_id, "approve")
    assert "bpbd.kepala" in harness.notified(activity_id, "approve")  # told as the partner head
    harness.act("bpbd.kepala", activity_id, "setujui_mitra")
    assert harness.state(activity_id) == "budget_review"
    with harness.session() as s:
        entries = activity_history(s, harness.actor("bpbd.kepala"), activity_id)
    decided = next(e for e in entries if e.action == "setujui_mitra")
    assert decided.payload["acting"]["appointment_id"] == made.id
    assert acting.title(decided.payload["acting"]).startswith("Plt. Kepala Satuan Polisi")
    assert harness.audit_breaks() == []
