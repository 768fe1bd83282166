"""Log in and out with a Flask-Login session; the logged-in user as the core ``Actor``."""

from __future__ import annotations

from typing import cast

from flask import (
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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
from core.models import User
from core.services import preferences
from core.services.accounts import end_sessions
from core.services.auth import authenticate
from core.unit_of_work import unit_of_work
from web import throttle
from web.actors import actor_for, actor_only
from web.extensions import session as db_session
from web.ui import sessions
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


ENDED = {
    "ended": _l("Sesi Anda sudah berakhir; silakan masuk kembali."),
    "idle": _l("Sesi Anda berakhir karena lama tidak aktif; silakan masuk kembali."),
    "lifetime": _l("Sesi Anda sudah terlalu lama terbuka; silakan masuk kembali."),
}
KEPT = _l("Isian formulir Anda disimpan dan dapat dikirim ulang setelah masuk.")


@login_manager.user_loader
def _load_user(user_id: str) -> SessionUser | None:
    try:  # one round trip: every page request builds the actor (issue 17)
        actor = actor_only(int(user_id))
    except (NotFound, ValueError):
        return None  # deactivated or deleted since login: treated as logged out
    reason = sessions.ended_because(actor.user_id)
    if reason:
        sessions.forget(reason)
        return None
    return SessionUser(actor)


@login_manager.unauthorized_handler
def _to_login() -> ResponseReturnValue:
    """To the login page and back: a GET returns to its page; a form posted into an ended
    session is kept and offered again after the login (``web.ui.sessions``)."""
    reason = g.get("session_ended")
    flash(ENDED[reason] if reason else login_manager.login_message, "info")
    target = request.full_path.rstrip("?")
    if request.method != "GET":
        if reason and sessions.keep_posted_form():
            flash(KEPT, "info")
        referrer = request.referrer or ""
        host = request.host_url.rstrip("/")
        target = referrer[len(host) :] if referrer.startswith(host + "/") else ""
    return redirect(url_for("auth.login", next=safe_next(target, url_for("dashboard.index"))))


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
            error = ngettext(
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, coba lagi "
                "dalam %(num)s menit.",
                "Terlalu banyak percobaan masuk yang gagal. Demi keamanan akun, coba lagi "
                "dalam %(num)s menit.",
                throttle.minutes(wait),
            )
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            user = authenticate(db_session(), username, password)
            if user is not None:
                throttle.succeeded(username)
                _start_session(user)
                if session.get(sessions.PENDING):
                    return redirect(url_for("auth.resubmit", next=target))
                return redirect(target)
            throttle.failed(username, via="page")
            error, status = _("Nama pengguna atau kata sandi salah."), 401
    page = render_template("ui/login.html", error=error, username=username, next=target)
    return page, status, headers


def _start_session(user: User) -> None:
    kept = {k: session[k] for k in ("lang", sessions.PENDING) if k in session}
    # A fresh session on login: a session id planted before login is worth nothing.
    session.clear()
    session.update(kept)
    login_user(SessionUser(actor_for(user.id)))
    sessions.opened(user)
    # A language chosen before logging in is theirs from now on (notifications too); without
    # one, the language they chose last time.
    if "lang" in kept:
        preferences.set_language(db_session(), user.id, kept["lang"])
    elif user.language:
        session["lang"] = user.language


@bp.route("/login")
def login_alias() -> ResponseReturnValue:
    """The address people guess (and other systems link to): the login page, ``next`` kept."""
    return redirect(url_for("auth.login", next=request.args.get("next")))


@bp.route("/masuk/kirim-ulang")
@login_required
def resubmit() -> ResponseReturnValue:
    """The form the ended session interrupted, to send on with one click."""
    back = safe_next(request.args.get("next"), url_for("dashboard.index"))
    kept = sessions.take_kept_form()
    path = safe_next(kept["path"], "") if kept else ""
    if kept is None or not path:
        return redirect(back)
    return render_template("ui/resubmit.html", path=path, fields=kept["fields"], back=back)


@bp.get("/keluar")
def confirm_logout() -> ResponseReturnValue:
    """``/keluar`` typed or bookmarked: a page with the logout button (logging out stays a POST
    with its CSRF token, so no link or image elsewhere can log anyone out)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return render_template("ui/logout.html")


@bp.post("/keluar")
@login_required
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    # Server-side: every session of this user ends, a copied cookie included.
    with unit_of_work(db_session()) as s:
        end_sessions(s, current_actor().user_id)
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))
