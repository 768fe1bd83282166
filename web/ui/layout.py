"""What every page shares: the current province runtime, the navigation for the user's roles,
the unread-notification count in the header, and labels coming from core and plugins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core import acting
from core.access import Actor
from core.models import Activity
from core.notifications import inbox
from core.plugins import ProvinceRuntime, Registry
from core.policy import (
    may_administer,
    may_confirm_budget,
    may_decide_at_gates,
    may_read_admin_audit,
    may_read_calendar,
    may_set_pagu,
    may_sign_in_batch,
)
from core.workflow import Workflow
from web import get_registry
from web.extensions import session
from web.ui.auth import current_actor
from web.ui.messages import error_text, translate

# Stylesheet and script are served by the app itself (no CDN: offices on slow or filtered links).
assets = Blueprint(
    "assets",
    __name__,
    static_folder="static",
    static_url_path="/aset",
    template_folder="templates",
)

Shown = Callable[[Actor, Workflow], bool]


def _everybody(actor: Actor, workflow: Workflow) -> bool:
    return True


# (endpoint, label, who sees it: the policy the page itself enforces)
NAV: tuple[tuple[str, Any, Shown], ...] = (
    ("dashboard.index", _l("Beranda"), _everybody),
    ("activities.index", _l("Kegiatan"), _everybody),
    # Every role reads reports: an OPD's own, a province-wide role the province's.
    ("reports.index", _l("Laporan"), _everybody),
    ("queue.index", _l("Antrean Bappeda"), may_confirm_budget),
    ("approvals.index", _l("Persetujuan"), may_decide_at_gates),
    ("signoff.index", _l("Penetapan"), may_sign_in_batch),
    # Everybody: the province's consolidation, or an OPD role's own OPDs' (web.ui.monitoring).
    ("monitoring.index", _l("Pemantauan"), _everybody),
    ("ceilings.index", _l("Pagu OPD"), lambda actor, _: may_set_pagu(actor)),
    ("users.index", _l("Pengguna"), lambda actor, _: may_administer(actor)),
    ("planning_calendar.index", _l("Kalender"), may_read_calendar),
    ("acting.index", _l("Plt./Plh."), lambda actor, _: may_administer(actor)),
    ("opds.index", _l("OPD"), lambda actor, _: may_administer(actor)),
    ("admin_log.index", _l("Log administrasi"), lambda actor, _: may_read_admin_audit(actor)),
    ("diagram.index", _l("Alur kerja"), _everybody),
)


def registry() -> Registry:
    return get_registry(current_app)


def runtime() -> ProvinceRuntime:
    """The province runtime of the logged-in user."""
    return get_registry(current_app).get(current_actor().province_code)


def workflow_of(activity: Activity) -> Workflow:
    """The workflow version the activity started on (labels and actions come from it)."""
    return runtime().workflow_version(session(), activity.workflow_version)


def unread_count(user_id: int) -> int:
    return inbox.unread_count(session(), user_id)


def role_labels(roles: list[str]) -> str:
    known = runtime().roles
    return ", ".join(translate(known[r].label) if r in known else r for r in roles)


def actor_labels(actor: Actor) -> str:
    """The header's roles: the user's own, then each post they act in now ("Plt. Kepala Dinas
    Sosial", core.acting)."""
    own = role_labels(sorted({g.role for g in actor.grants if g.acting is None}))
    rt = runtime()
    posts = [
        acting.title(acting.audit_payload(g.acting, g.role, rt.roles, rt.info.name))
        for g in actor.grants
        if g.acting is not None
    ]
    return ", ".join([own, *posts] if own else posts)


def init_app(app: Flask) -> None:
    app.register_blueprint(assets)
    app.add_template_filter(translate, "t")
    app.add_template_filter(error_text, "error_text")

    @app.context_processor
    def _layout() -> dict[str, Any]:
        if not current_user.is_authenticated:
            return {"nav": [], "unread": 0}
        actor = current_actor()
        workflow = runtime().workflow
        nav = [(ep, label) for ep, label, shown in NAV if shown(actor, workflow)]
        return {
            "nav": nav,
            "unread": unread_count(actor.user_id),
            "actor": actor,
            "actor_roles": actor_labels(actor),
        }
