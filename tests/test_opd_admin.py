"""The province admin's OPDs (``core.services.opds``), on both backends: create, rename, SIPD
unit code, deactivate and reactivate, each with its admin audit entry; refused for anyone but
the province's admin; an inactive OPD is offered for nothing new; and a re-seed from the
plugin's reference data never undoes what the admin did."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.exc import IntegrityError

from core.errors import NotAllowed, NotFound, RuleFailed
from core.models import AdminAuditEntry, Opd
from core.seed import sync_provinces
from core.services.opds import change_opd, create_opd, get_opd, list_opds, live_reference
from core.testing import Harness
from sepakat.app import create_app
from tests.helpers import lampung_details
from tests.seeded_rows import seeded_opds_and_pagu
from web.extensions import MIGRATIONS


@pytest.fixture(autouse=True)
def restore(harness: Harness) -> Iterator[None]:
    with seeded_opds_and_pagu(harness.factory):
        yield


def audit(h: Harness, target: str) -> list[tuple[str, dict | None, dict | None, str | None]]:
    with h.session() as s:
        rows = s.scalars(
            select(AdminAuditEntry)
            .where(AdminAuditEntry.target_type == "opd", AdminAuditEntry.target_id == target)
            .order_by(AdminAuditEntry.id)
        )
        return [(e.action, e.before, e.after, e.reason) for e in rows]


def test_the_demo_opds_carry_the_plugins_sipd_codes(harness: Harness) -> None:
    with harness.session() as s:
        opd = get_opd(s, harness.actor("admin.lampung"), "dpppa")
        assert opd.sipd_code == "2.08.2.14.0.00.01.0000" and opd.active
        assert all(o.sipd_code for o in list_opds(s, harness.actor("admin.lampung")))


def test_create_rename_code_deactivate_reactivate_each_audited(harness: Harness) -> None:
    admin = harness.actor("admin.lampung")
    with harness.session() as s:
        opd = create_opd(
            s,
            admin,
            {
                "code": "dlh",
                "name": "Dinas Lingkungan Hidup",
                "sipd_code": " 2.11.0.00.0.00.01.0000 ",
            },
        )
        assert (opd.code, opd.sipd_code, opd.active) == ("dlh", "2.11.0.00.0.00.01.0000", True)
        change_opd(
            s,
            admin,
            "dlh",
            {"name": "Dinas Lingkungan Hidup dan Kehutanan", "reason": "Perda 5/2024"},
        )
        change_opd(s, admin, "dlh", {"sipd_code": "2.11.2.17.0.00.01.0000"})
        change_opd(s, admin, "dlh", {"active": False})
        change_opd(s, admin, "dlh", {"active": False})  # no change: no entry
        change_opd(s, admin, "dlh", {"active": True})
    entries = audit(harness, "dlh")
    assert [e[0] for e in entries] == [
        "opd.create",
        "opd.rename",
        "opd.sipd_code",
        "opd.deactivate",
        "opd.reactivate",
    ]
    created, renamed = entries[0], entries[1]
    assert created[1] is None and created[2] == {
        "code": "dlh",
        "name": "Dinas Lingkungan Hidup",
        "sipd_code": "2.11.0.00.0.00.01.0000",
        "active": True,
    }
    assert renamed[1]["name"] == "Dinas Lingkungan Hidup"  # type: ignore[index]
    assert renamed[2]["name"] == "Dinas Lingkungan Hidup dan Kehutanan"  # type: ignore[index]
    assert renamed[3] == "Perda 5/2024"
    assert entries[3][1]["active"] is True and entries[3][2]["active"] is False  # type: ignore[index]


@pytest.mark.parametrize(
    ("payload", "fields"),
    [
        ({"code": "dlh", "name": "Dinas LH", "sipd_code": "2.11.A"}, {"sipd_code"}),
        ({"code": "dlh", "name": "Dinas LH", "sipd_code": "2,11,0,00"}, {"sipd_code"}),
        ({"code": "DLH baru", "name": "x"}, {"code", "name"}),
        ({"code": "dpppa", "name": "Dinas lain"}, {"code"}),  # taken
        ({"code": "dlh", "name": "Dinas LH", "sipd_code": "2.08.2.14.0.00.01.0000"}, {"sipd_code"}),
        ({"name": "Dinas LH", "warna": "hijau"}, {"code", "warna"}),
    ],
)
def test_bad_input_names_every_field_and_writes_nothing(
    harness: Harness, payload: dict, fields: set[str]
) -> None:
    with harness.session() as s, pytest.raises(RuleFailed) as failed:
        create_opd(s, harness.actor("admin.lampung"), payload)
    assert {v.field for v in failed.value.violations} == fields
    with harness.session() as s:
        assert s.scalar(select(Opd.id).where(Opd.code == "dlh")) is None
    assert audit(harness, "dlh") == []


def test_a_sipd_code_is_unique_within_the_province_only(harness: Harness) -> None:
    with harness.session() as s:
        with pytest.raises(RuleFailed) as failed:
            change_opd(
                s, harness.actor("admin.lampung"), "dinsos", {"sipd_code": "2.08.2.14.0.00.01.0000"}
            )
        assert "dpppa" in failed.value.violations[0].message
        # Sulawesi Tengah's DP3A has the same demo code: another province, no clash.
        assert (
            get_opd(s, harness.actor("sulteng.admin"), "dp3a").sipd_code == "2.08.2.14.0.00.01.0000"
        )


def test_only_the_provinces_admin(harness: Harness) -> None:
    with harness.session() as s:
        for username in (
            "dpppa.staf",
            "dpppa.kepala",
            "bappeda.verifikator",
            "gubernur",
            "auditor",
        ):
            with pytest.raises(NotAllowed):
                change_opd(s, harness.actor(username), "dpppa", {"name": "Dinas Baru"})
            with pytest.raises(NotAllowed):
                create_opd(s, harness.actor(username), {"code": "dlh", "name": "Dinas LH"})
        with pytest.raises(NotFound):  # Lampung's OPD, to Sulawesi Tengah's admin
            change_opd(s, harness.actor("sulteng.admin"), "dpppa", {"name": "Dinas Baru"})
        with pytest.raises(NotFound):
            get_opd(s, harness.actor("sulteng.admin"), "dpppa")
        assert get_opd(s, harness.actor("admin.lampung"), "dpppa").name.startswith(
            "Dinas Pemberdayaan"
        )


def test_an_inactive_opd_is_offered_for_nothing_new_but_keeps_its_history(
    harness: Harness, payload
) -> None:  # type: ignore[no-untyped-def]
    admin = harness.actor("admin.lampung")
    kept = harness.create("dinsos.staf", payload())
    with harness.session() as s:
        change_opd(s, admin, "dinsos", {"active": False, "reason": "Digabung ke DPPPA"})
        codes = {
            c.code for c in live_reference(s, harness.runtime, admin.province_id).lists["opds"]
        }
        assert "dinsos" not in codes and "dpppa" in codes
    with pytest.raises(NotAllowed):  # its own staff drafts nothing new
        harness.create("dinsos.staf", payload())
    with pytest.raises(RuleFailed) as failed:  # and nobody names it as a partner
        harness.create("dpppa.staf", payload(details=lampung_details(partner_opds=["dinsos"])))
    assert failed.value.violations[0].field == "details.partner_opds"
    with harness.session() as s:  # what it did stays readable
        from core.services import get_activity

        assert get_activity(s, harness.actor("dinsos.staf"), kept.id).title
        change_opd(s, admin, "dinsos", {"active": True})
    assert harness.create("dinsos.staf", payload()).id


def test_a_reseed_never_undoes_the_admin(harness: Harness) -> None:
    admin = harness.actor("admin.lampung")
    with harness.session() as s:
        change_opd(
            s, admin, "dpppa", {"name": "Dinas PPPA dan KB", "sipd_code": "2.08.2.14.0.00.02.0000"}
        )
        change_opd(s, admin, "bpbd", {"active": False})
        change_opd(s, admin, "dinkes", {"sipd_code": None})  # the admin clears it on purpose
        create_opd(s, admin, {"code": "dlh", "name": "Dinas Lingkungan Hidup"})
        # An OPD nobody administered yet and without a code learns it from the plugin.
        s.execute(update(Opd).where(Opd.code == "dinsos").values(sipd_code=None))
        s.commit()
    with harness.session() as s:
        sync_provinces(s, harness.registry)
    with harness.session() as s:
        rows = {
            o.code: o for o in s.scalars(select(Opd).where(Opd.province_id == admin.province_id))
        }
        assert (rows["dpppa"].name, rows["dpppa"].sipd_code) == (
            "Dinas PPPA dan KB",
            "2.08.2.14.0.00.02.0000",
        )
        assert rows["bpbd"].active is False
        assert rows["dinkes"].sipd_code is None
        assert rows["dlh"].active is True
        assert rows["dinsos"].sipd_code == "1.06.0.00.0.00.01.0000"


CODED = "INSERT INTO opds (province_id, code, name, sipd_code)"


def test_migration_0011_keeps_referenced_opds_on_sqlite(tmp_path: Path) -> None:
    """An upgraded demo database: OPDs that pagu already points at stay, active, without a
    code (a table rebuild would fail on the foreign keys); the SIPD code is unique."""
    url = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0009")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("PRAGMA foreign_keys=ON"))
        conn.execute(text("INSERT INTO provinces (id, code, name) VALUES (1, 'lampung', 'L')"))
        conn.execute(text("INSERT INTO opds (id, province_id, code, name) VALUES (1, 1, 'x', 'X')"))
        conn.execute(
            text("INSERT INTO ceilings (opd_id, year, amount, confirmed) VALUES (1, 2023, 5, 0)")
        )
    with app.app_context():
        upgrade(directory=MIGRATIONS)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT code, active, sipd_code FROM opds")).all() == [
            ("x", 1, None)
        ]
        conn.execute(text(f"{CODED} VALUES (1, 'y', 'Y', '1.01.0.00')"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text(f"{CODED} VALUES (1, 'z', 'Z', '1.01.0.00')"))
    engine.dispose()
