"""What every page shares: the current province runtime, the navigation for the user's roles,
the unread-notification count in the header, and labels coming from core and plugins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.models import Activity
from core.notifications import inbox
from core.plugins import ProvinceRuntime, Registry
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

# (endpoint, label, roles that see it; empty = everybody)
NAV: tuple[tuple[str, Any, frozenset[str]], ...] = (
    ("dashboard.index", _l("Beranda"), frozenset()),
    ("activities.index", _l("Kegiatan"), frozenset()),
    ("queue.index", _l("Antrean Bappeda"), frozenset({"bappeda"})),
    ("signoff.index", _l("Penetapan"), frozenset({"governor"})),
    ("ceilings.index", _l("Pagu OPD"), frozenset({"admin"})),
    ("diagram.index", _l("Alur kerja"), frozenset()),
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


def init_app(app: Flask) -> None:
    app.register_blueprint(assets)
    app.add_template_filter(translate, "t")
    app.add_template_filter(error_text, "error_text")

    @app.context_processor
    def _layout() -> dict[str, Any]:
        if not current_user.is_authenticated:
            return {"nav": [], "unread": 0}
        actor = current_actor()
        roles = set(actor.roles)
        nav = [(ep, label) for ep, label, need in NAV if not need or need & roles]
        return {
            "nav": nav,
            "unread": unread_count(actor.user_id),
            "actor": actor,
            "actor_roles": role_labels(actor.roles),
        }
