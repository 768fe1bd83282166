"""The administrative audit log (``core.services.admin_audit``): an entry commits with the change
it describes or not at all, readers are the province admin and the auditor of that province only,
and on PostgreSQL, migrated as in production, the rows cannot be changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.errors import NotAllowed
from core.models import AdminAuditEntry
from core.services import admin_audit
from core.testing import Harness
from core.unit_of_work import unit_of_work


def _record(h: Harness, username: str, action: str = "opd.rename") -> None:
    actor = h.actor(username)
    with h.factory() as s, unit_of_work(s):
        admin_audit.record(
            s,
            actor,
            action,
            "opd",
            "DPPPA",
            before={"name": "Dinas Lama"},
            after={"name": "Dinas Baru"},
            reason="Perda 5/2026",
        )


def test_an_entry_is_read_back_newest_first_by_admin_and_auditor(harness: Harness) -> None:
    _record(harness, "admin.lampung", "opd.rename")
    _record(harness, "admin.lampung", "pagu.set")
    for reader in ("admin.lampung", "auditor"):
        with harness.factory() as s:
            rows = admin_audit.entries(s, harness.actor(reader))
            assert [r.action for r in rows] == ["pagu.set", "opd.rename"]
            assert rows[1].before == {"name": "Dinas Lama"}
            assert rows[1].after == {"name": "Dinas Baru"}
            assert rows[1].actor == "admin.lampung" and rows[1].reason == "Perda 5/2026"
            older = admin_audit.entries(s, harness.actor(reader), before_id=rows[0].id)
            assert [r.action for r in older] == ["opd.rename"]
            only = admin_audit.entries(s, harness.actor(reader), action="pagu.set")
            assert [r.action for r in only] == ["pagu.set"]


def test_other_roles_and_other_provinces_read_nothing(harness: Harness) -> None:
    _record(harness, "admin.lampung")
    with harness.factory() as s:
        with pytest.raises(NotAllowed):
            admin_audit.entries(s, harness.actor("dpppa.staf"))
        assert list(admin_audit.entries(s, harness.actor("sulteng.admin"))) == []


def test_a_change_that_rolls_back_takes_its_entry_with_it(harness: Harness) -> None:
    actor = harness.actor("admin.lampung")
    with pytest.raises(RuntimeError), harness.factory() as s, unit_of_work(s):
        admin_audit.record(s, actor, "user.create", "user", 99)
        raise RuntimeError("the change failed")
    with harness.factory() as s:
        assert s.execute(select(func.count(AdminAuditEntry.id))).scalar_one() == 0
