"""Log in and out with a Flask-Login session; the logged-in user as the core ``Actor``."""

from __future__ import annotations

from typing import cast

from flask import (
    Flask,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import (
    LoginManager,
    UserMixin,
    current_user,
    login_required,
    login_user,
    logout_user,
)

from core.access import Actor
from core.errors import NotFound
from core.services.auth import authenticate
from web import throttle
from web.actors import actor_for
from web.extensions import session as db_session
from web.ui.blueprint import ui_blueprint
from web.ui.security import safe_next

bp = ui_blueprint("auth", __name__, login=False)
login_manager = LoginManager()


class SessionUser(UserMixin):
    """What Flask-Login keeps per request: the user id and the core actor built from it."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.id = actor.user_id


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = cast(str, _l("Silakan masuk untuk membuka halaman ini."))
    login_manager.login_message_category = "info"
    # "strong" would log out users whose address changes (mobile networks); "basic" marks the
    # session non-fresh instead, which is enough since no page asks for a fresh login.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    try:
        return SessionUser(actor_for(int(user_id)))
    except (NotFound, ValueError):
        return None  # deactivated or deleted since login: treated as logged out


def current_actor() -> Actor:
    """The logged-in actor (views are ``login_required``)."""
    return cast(SessionUser, current_user).actor


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    target = safe_next(request.values.get("next"), url_for("dashboard.index"))
    if current_user.is_authenticated:
        return redirect(target)
    error, status, headers = None, 200, {}
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        # The same counter as the API's /auth/token, checked before the password is hashed.
        wait = throttle.wait_for(username)
        if wait:
            error = _(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, coba lagi "
                "dalam %(minutes)s menit.",
                minutes=throttle.minutes(wait),
            )
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            user = authenticate(db_session(), username, password)
            if user is not None:
                throttle.succeeded(username)
                _start_session(user.id)
                return redirect(target)
            throttle.failed(username, via="page")
            error, status = _("Nama pengguna atau kata sandi salah."), 401
    page = render_template("ui/login.html", error=error, username=username, next=target)
    return page, status, headers


def _start_session(user_id: int) -> None:
    lang = session.get("lang")
    # A fresh session on login: a session id planted before login is worth nothing.
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(SessionUser(actor_for(user_id)))


@bp.route("/keluar", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))
