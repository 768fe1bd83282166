"""The province admin's account pages (*Pengguna*): the list with its filters, a new account,
one account (edit, roles, deactivate/reactivate, send a reset link) and the bulk import.

Every rule is ``core.services.users``' (403 for a non-admin, 404 for another province's user);
the pages turn form fields into the API's payloads, show each violation beside its input and
keep what was typed. Reset mails go out after the commit (``core.notifications.reset_mail``).
"""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core.access import Actor
from core.documents.matrix_import import ImportRefused
from core.documents.user_import import UsersImport, import_users
from core.documents.user_template import write_user_template
from core.errors import RuleFailed
from core.models import User
from core.notifications import MailSettings
from core.notifications.reset_mail import send_reset_mail
from core.policy import may_administer
from core.services import users as accounts
from core.user_schemas import UserFilterSchema
from web.extensions import session
from web.spreadsheets import import_limits, xlsx_download
from web.ui.auth import current_actor
from web.ui.blueprint import ui_blueprint
from web.ui.forms import ID, parse_query
from web.ui.layout import registry, runtime
from web.ui.messages import errors_by_field, translate

bp = ui_blueprint("users", __name__, "/admin/pengguna")

FILTERS = ("q", "opd", "role", "active")


@bp.before_request
def _cap_upload() -> None:
    if request.endpoint == "users.upload":
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


def _admin() -> Actor:
    actor = current_actor()
    if not may_administer(actor):
        abort(403)
    return actor


def _choices() -> dict[str, Any]:
    """The province's roles and OPDs for the selects."""
    roles = [(r.code, translate(r.label), r.scope == "opd") for r in runtime().roles.values()]
    opds = sorted(
        accounts.province_opds(session(), current_actor().province_id).values(),
        key=lambda o: o.name,
    )
    return {"roles": roles, "opds": opds}


def _today() -> Any:
    return accounts.today_in(session(), current_actor().province_id)


def _mail(user_id: int) -> str | None:
    issued = accounts.send_reset(
        session(), current_actor(), user_id, int(current_app.config["PASSWORD_RESET_TTL"])
    )
    return send_reset_mail(MailSettings.from_config(current_app.config), issued)


def _flash_mail(error: str | None, user: User | accounts.PreparedUser) -> None:
    if error is None:
        flash(_("Tautan atur ulang kata sandi dikirim ke %(email)s.", email=user.email), "success")
    else:
        flash(_("E-mail tautan tidak terkirim: %(why)s", why=translate(error)), "error")


def _flash_warnings(result: accounts.Saved) -> None:
    for w in result.warnings:
        flash(_("Periksa NIP: %(message)s", message=translate(w.message)), "info")


@bp.route("/")
def index() -> ResponseReturnValue:
    actor = _admin()
    filters = parse_query(UserFilterSchema(), request.args)
    users = accounts.list_users(session(), actor, filters)
    today = _today()
    return render_template(
        "ui/users/index.html",
        users=[accounts.user_view(u, today) for u in users],
        filters={k: request.args.get(k, "") for k in FILTERS},
        labels=_role_labels(),
        **_choices(),
    )


def _role_labels() -> dict[str, str]:
    return {code: translate(r.label) for code, r in runtime().roles.items()}


NEW_FIELDS = ("username", "full_name", "email", "nip", "role", "opd")


@bp.route("/baru", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    actor = _admin()
    typed = {k: request.form.get(k, "").strip() for k in NEW_FIELDS}
    send = request.form.get("send_reset") == "1" if request.method == "POST" else True
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        payload: dict[str, Any] = {
            "username": typed["username"],
            "full_name": typed["full_name"],
            "email": typed["email"],
            "nip": typed["nip"] or None,
            "roles": [{"role": typed["role"], "opd": typed["opd"] or None}]
            if typed["role"]
            else [],
            "send_reset": send,
        }
        try:
            result, _prepared = accounts.create_user(session(), registry(), actor, payload)
        except RuleFailed as err:
            errors = errors_by_field(err, {"roles.0.role": "role", "roles.0.opd": "opd"})
        else:
            flash(_("Akun %(username)s dibuat.", username=result.user.username), "success")
            _flash_warnings(result)
            if send:
                _flash_mail(_mail(result.user.id), result.user)
            return redirect(url_for(".detail", user_id=result.user.id))
    page = render_template(
        "ui/users/new.html", typed=typed, send_reset=send, errors=errors, **_choices()
    )
    return page, 422 if errors else 200


def _detail(
    user: User,
    errors: dict[str, list[str]] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    view = accounts.user_view(user, _today())
    shown = typed or {
        "full_name": view["full_name"],
        "email": view["email"] or "",
        "nip": view["nip_display"],
    }
    page = render_template(
        "ui/users/detail.html",
        user=view,
        typed=shown,
        errors=errors or {},
        labels=_role_labels(),
        me=current_actor().user_id == user.id,
        **_choices(),
    )
    return page, status


@bp.route(f"/<{ID}:user_id>", methods=["GET", "POST"])
def detail(user_id: int) -> ResponseReturnValue:
    actor = _admin()
    user = accounts.find_user(session(), actor, user_id)
    if request.method == "GET":
        return _detail(user)
    typed = {k: request.form.get(k, "").strip() for k in ("full_name", "email", "nip")}
    payload = {**typed, "nip": typed["nip"] or None}
    try:
        result = accounts.update_user(session(), actor, user_id, payload)
    except RuleFailed as err:
        return _detail(user, errors_by_field(err), typed, 422)
    flash(_("Data akun tersimpan."), "success")
    _flash_warnings(result)
    return redirect(url_for(".detail", user_id=user_id))


def _reason() -> str | None:
    return request.form.get("reason", "").strip()[:1000] or None


@bp.route(f"/<{ID}:user_id>/nonaktifkan", methods=["POST"])
def deactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, False)


@bp.route(f"/<{ID}:user_id>/aktifkan", methods=["POST"])
def reactivate(user_id: int) -> ResponseReturnValue:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> ResponseReturnValue:
    actor = _admin()
    try:
        user = accounts.set_active(session(), actor, user_id, active, _reason())
    except RuleFailed as err:
        user = accounts.find_user(session(), actor, user_id)
        return _detail(user, errors_by_field(err), status=422)
    if active:
        flash(_("Akun %(username)s aktif kembali.", username=user.username), "success")
    else:
        flash(
            _("Akun %(username)s dinonaktifkan; sesinya berakhir.", username=user.username),
            "success",
        )
    return redirect(url_for(".detail", user_id=user_id))


@bp.route(f"/<{ID}:user_id>/peran", methods=["POST"])
def grant(user_id: int) -> ResponseReturnValue:
    actor = _admin()
    wanted = {"role": request.form.get("role", "").strip(), "opd": request.form.get("opd") or None}
    try:
        accounts.grant_role(session(), registry(), actor, user_id, wanted)
    except RuleFailed as err:
        user = accounts.find_user(session(), actor, user_id)
        errors = {f"grant_{k}": v for k, v in errors_by_field(err).items()}
        return _detail(user, errors, status=422)
    flash(_("Peran ditambahkan."), "success")
    return redirect(url_for(".detail", user_id=user_id, _anchor="peran"))


@bp.route(f"/<{ID}:user_id>/peran/<{ID}:assignment_id>/cabut", methods=["POST"])
def revoke(user_id: int, assignment_id: int) -> ResponseReturnValue:
    actor = _admin()
    try:
        accounts.revoke_role(session(), actor, user_id, assignment_id, _reason())
    except RuleFailed as err:
        user = accounts.find_user(session(), actor, user_id)
        return _detail(user, {"grant_role": errors_by_field(err).get("role", [])}, status=422)
    flash(_("Peran dicabut."), "success")
    return redirect(url_for(".detail", user_id=user_id, _anchor="peran"))


@bp.route(f"/<{ID}:user_id>/atur-ulang-sandi", methods=["POST"])
def reset(user_id: int) -> ResponseReturnValue:
    actor = _admin()
    try:
        error = _mail(user_id)
    except RuleFailed as err:
        user = accounts.find_user(session(), actor, user_id)
        return _detail(
            user, {"reset": [m for ms in errors_by_field(err).values() for m in ms]}, status=422
        )
    _flash_mail(error, accounts.find_user(session(), actor, user_id))
    return redirect(url_for(".detail", user_id=user_id))


@bp.route("/templat.xlsx")
def template() -> ResponseReturnValue:
    actor = _admin()
    s, reg = session(), registry()
    return xlsx_download(
        lambda out: write_user_template(s, reg, actor, out), "templat-pengguna.xlsx"
    )


@bp.route("/impor", methods=["GET", "POST"])
def upload() -> ResponseReturnValue:
    actor = _admin()
    dry_run = request.form.get("dry_run") == "1"
    send = request.form.get("send_reset") == "1" if request.method == "POST" else True
    context: dict[str, Any] = {"dry_run": dry_run, "send_reset": send}
    if request.method == "GET":
        return render_template("ui/users/import.html", **context)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    try:
        result: UsersImport = import_users(
            session(), registry(), actor, data, import_limits(), dry_run=dry_run
        )
    except ImportRefused as err:
        page = render_template("ui/users/import.html", problems=err.problems, **context)
        return page, 422
    if result.dry_run:
        return render_template("ui/users/import.html", rows=result.rows, **context)
    failed = [u.username for u in result.created if send and _mail(u.id) is not None]
    if failed:
        flash(
            _("Tautan atur ulang sandi tidak terkirim untuk: %(names)s", names=", ".join(failed)),
            "error",
        )
    return render_template("ui/users/import.html", created=result.created, **context)
