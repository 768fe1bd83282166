"""One's own password: changing it when logged in (*Ganti kata sandi*, ``/akun/sandi``), asking
for a reset link from the login page (``/sandi/lupa``) and choosing a new password through the
link (``/sandi/atur-ulang/<token>``). The rules are core's (``core.services.accounts``,
``core.services.password_reset``); the link's mail goes out after its commit."""

from __future__ import annotations

import logging
import threading

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.errors import RuleFailed
from core.notifications import MailSettings
from core.notifications.reset_mail import send_reset_mail
from core.services.accounts import change_own_password
from core.services.password_reset import (
    UNKNOWN,
    Issued,
    ResetLinkRefused,
    check_link,
    request_link,
    use_link,
)
from web.extensions import session
from web.ui import sessions
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.messages import errors_by_field, translate

bp = ui_blueprint("account", __name__, "/akun")
public = ui_blueprint("password", __name__, "/sandi", login=False)

MAX_TOKEN = 100  # ours are 43 characters; a longer one is no link of ours


@bp.route("/sandi", methods=["GET", "POST"])
def password() -> ResponseReturnValue:
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = [_("Kedua isian kata sandi baru tidak sama.")]
        else:
            try:
                user = change_own_password(
                    session(), current_actor(), request.form.get("current_password", ""), new
                )
            except RuleFailed as err:
                errors = errors_by_field(err)
            else:
                sessions.renewed(user)  # this session stays; every other one has ended
                flash(
                    _("Kata sandi baru tersimpan. Sesi Anda yang lain telah berakhir."), "success"
                )
                return redirect(url_for("dashboard.index"))
    page = render_template("ui/account/password.html", errors=errors)
    return page, 422 if errors else 200


@public.route("/lupa", methods=["GET", "POST"])
def forgot() -> ResponseReturnValue:
    """The same answer whether or not the account exists (no way to probe usernames here)."""
    login = request.form.get("login", "").strip()
    if request.method == "GET":
        return render_template("ui/account/forgot.html", login=login, sent=False)
    ttl = int(current_app.config["PASSWORD_RESET_TTL"])
    issued = request_link(session(), login, ttl)
    if issued is not None:
        # Sent beside the answer, not before it: how long the page takes must not tell
        # whether the account exists (talking to the SMTP server takes a while).
        settings = MailSettings.from_config(current_app.config)
        logger = current_app.logger
        threading.Thread(target=_send, args=(settings, issued, logger), daemon=True).start()
    return render_template("ui/account/forgot.html", login=login, sent=True, ttl=ttl)


def _send(settings: MailSettings, issued: Issued, logger: logging.Logger) -> None:
    error = send_reset_mail(settings, issued)
    if error:
        logger.warning("tautan atur ulang sandi tidak terkirim: %s", error)


@public.route("/atur-ulang/<token>", methods=["GET", "POST"])
def reset(token: str) -> ResponseReturnValue:
    try:
        if len(token) > MAX_TOKEN:
            raise ResetLinkRefused(UNKNOWN, "unknown")
        user = check_link(session(), token)
    except ResetLinkRefused as err:
        return _refused(err)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        new = request.form.get("password", "")
        if new != request.form.get("confirm_password", ""):
            errors["confirm_password"] = [_("Kedua isian kata sandi baru tidak sama.")]
        else:
            try:
                use_link(session(), token, new)
            except ResetLinkRefused as err:
                return _refused(err)
            except RuleFailed as err:
                errors = errors_by_field(err)
            else:
                flash(
                    _("Kata sandi baru tersimpan. Silakan masuk dengan kata sandi itu."), "success"
                )
                return redirect(url_for("auth.login"))
    page = render_template(
        "ui/account/reset.html", username=user.username, token=token, errors=errors
    )
    return page, 422 if errors else 200


def _refused(err: ResetLinkRefused) -> ResponseReturnValue:
    status = 404 if err.reason == "unknown" else 410
    page = render_template("ui/account/reset.html", refused=translate(err.message))
    return page, status
