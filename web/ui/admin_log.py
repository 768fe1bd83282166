"""The administrative audit log page (``/admin/log``) and the audit chain's health
(``/admin/log/rantai``), for the province admin and the ``viewer`` auditor.

The log is ``core.services.admin_audit.entries`` (newest first, keyset pages, filtered by
action and target type), times in the province's zone, and each entry's before and after side
by side, field by field. The chain's health is ``sepakat audit verify`` for the province
(``core.audit.chain_health``): on its own page, as it reads every audit entry of the province.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.access import Actor
from core.audit import chain_health
from core.money import rupiah
from core.policy import may_read_admin_audit
from core.schemas import MAX_ID
from core.services import admin_audit
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint

bp = ui_blueprint("admin_log", __name__, "/admin/log")
PAGE = 50
MONEY_KEYS = frozenset({"amount", "confirmed", "ceiling"})


def _reader() -> Actor:
    actor = current_actor()
    if not may_read_admin_audit(actor):
        abort(403)
    return actor


@dataclass(frozen=True)
class Change:
    """One field of an entry's record: before and after as people read them."""

    key: str
    before: str
    after: str
    changed: bool


def _shown(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if key in MONEY_KEYS and isinstance(value, int):
        return rupiah(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """Every field of either side, in the record's order, the changed ones marked."""
    b, a = before or {}, after or {}
    keys = list(dict.fromkeys([*b, *a]))
    return [
        Change(k, _shown(k, b.get(k)), _shown(k, a.get(k)), before is None or b.get(k) != a.get(k))
        for k in keys
    ]


def _arg(name: str, size: int) -> str | None:
    value = (request.args.get(name) or "").strip()
    if len(value) > size:
        abort(422)
    return value or None


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = _reader()
    action, target = _arg("action", 60), _arg("target_type", 40)
    raw = request.args.get("before_id", "")
    before_id = int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None
    rows = admin_audit.entries(
        session(),
        actor,
        action=action,
        target_type=target,
        before_id=before_id,
        limit=PAGE + 1,
    )
    more = len(rows) > PAGE
    rows = list(rows[:PAGE])
    return render_template(
        "ui/admin_log.html",
        entries=[(e, changes(e.before, e.after)) for e in rows],
        action=action,
        target_type=target,
        next_before_id=rows[-1].id if more else None,
    )


@bp.route("/rantai")
def chain() -> ResponseReturnValue:
    actor = _reader()
    return render_template("ui/audit_chain.html", health=chain_health(session(), actor.province_id))
