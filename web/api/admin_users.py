"""``/admin/users``: the province admin's account administration (``core.services.users``),
the bulk import (``core.documents.user_import``) and its template, and reset links sent by
e-mail (``core.notifications.reset_mail``, after the link's commit). 403 for anyone but the
``admin`` role; another province's user is a 404."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import fields

from core.documents.matrix_import import ImportRefused
from core.documents.user_import import import_users
from core.documents.user_template import write_user_template
from core.models import User
from core.notifications import MailSettings
from core.notifications.reset_mail import send_reset_mail
from core.schemas import IdSchema, QueryInt, between
from core.services import users as accounts
from core.services.password_reset import Issued
from core.user_schemas import (
    ReasonSchema,
    RoleGrantSchema,
    UserCreateSchema,
    UserEditSchema,
    UserFilterSchema,
)
from web import get_registry
from web.api.blueprints import ID, api_blueprint
from web.api.documents import FILE_BODY, XLSX_RESPONSE
from web.api.errors import handle_domain_error
from web.api.schemas import Out, UtcDateTime
from web.api.tokens import current_actor
from web.extensions import session
from web.spreadsheets import import_limits, xlsx_download

bp = api_blueprint(
    "Administrasi pengguna",
    __name__,
    "/admin/users",
    "Akun pengguna provinsi: buat, ubah, nonaktifkan, peran per OPD, atur ulang sandi, impor.",
)


class RoleGrantOutSchema(Out):
    id = fields.Integer()
    role = fields.String()
    opd = fields.String(allow_none=True)


class WarningSchema(Out):
    code = fields.String()
    message = fields.String()


class UserSchema(Out):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    email = fields.String(allow_none=True)
    nip = fields.String(allow_none=True, metadata={"description": "18 angka, tanpa spasi"})
    nip_display = fields.String(metadata={"description": "mis. 19860926 201505 1 001"})
    nip_warnings = fields.List(fields.Nested(WarningSchema))
    active = fields.Boolean()
    created_at = UtcDateTime()
    roles = fields.List(fields.Nested(RoleGrantOutSchema))


class UserSavedSchema(UserSchema):
    warnings = fields.List(fields.Nested(WarningSchema))
    email_sent = fields.Boolean(
        allow_none=True, metadata={"description": "Tautan atur ulang sandi terkirim (bila diminta)"}
    )
    email_error = fields.String(allow_none=True)


class UserListSchema(Out):
    items = fields.List(fields.Nested(UserSchema))


class ResetSentSchema(Out):
    email_sent = fields.Boolean()
    email_error = fields.String(allow_none=True)
    expires_at = UtcDateTime()


class UserImportQuerySchema(IdSchema):
    dry_run = QueryInt(load_default=0, validate=between(0, 1))
    send_reset = QueryInt(load_default=1, validate=between(0, 1))


class ImportedUserSchema(Out):
    row = fields.Integer(metadata={"description": "Nomor baris pada berkas"})
    username = fields.String()
    full_name = fields.String()
    email = fields.String()
    id = fields.Integer(allow_none=True)
    email_sent = fields.Boolean(allow_none=True)


class UserImportResultSchema(Out):
    dry_run = fields.Boolean()
    count = fields.Integer(metadata={"description": "Akun yang (akan) dibuat"})
    items = fields.List(fields.Nested(ImportedUserSchema))


def mail_settings() -> MailSettings:
    return MailSettings.from_config(current_app.config)


def reset_ttl() -> int:
    return int(current_app.config["PASSWORD_RESET_TTL"])


def mail_reset(user_id: int) -> tuple[Issued, str | None]:
    """Make a reset link for the user (committed) and e-mail it: the link, and None when the
    mail went out, else why not."""
    issued = accounts.send_reset(session(), current_actor(), user_id, reset_ttl())
    return issued, send_reset_mail(mail_settings(), issued)


def view(user: User) -> dict[str, Any]:
    return accounts.user_view(user, accounts.today_in(session(), user.province_id))


def saved(result: accounts.Saved, sent: str | bool | None = False) -> dict[str, Any]:
    body = view(result.user)
    body["warnings"] = [{"code": w.code, "message": w.message} for w in result.warnings]
    body["email_sent"] = None if sent is False else sent is None
    body["email_error"] = sent if isinstance(sent, str) else None
    return body


@bp.errorhandler(ImportRefused)
def _refused(err: ImportRefused) -> tuple[dict[str, Any], int]:
    body, status = handle_domain_error(err)
    body["message"] = "Berkas ditolak; tidak ada akun yang dibuat."
    body["problems"] = [p.as_dict() for p in err.problems]
    return body, status


@bp.before_request
def _cap_upload() -> None:
    if request.path.endswith("/import"):
        request.max_content_length = current_app.config["IMPORT_MAX_BYTES"]


@bp.route("")
class UsersView(MethodView):
    @bp.arguments(UserFilterSchema, location="query")
    @bp.response(200, UserListSchema)
    @bp.errors(401, 403, 422)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Pengguna provinsi admin (saring menurut OPD, peran, aktif; cari nama, e-mail, NIP)."""
        users = accounts.list_users(session(), current_actor(), query)
        today = accounts.today_in(session(), current_actor().province_id)
        return {"items": [accounts.user_view(u, today) for u in users]}

    @bp.arguments(UserCreateSchema)
    @bp.response(201, UserSavedSchema)
    @bp.errors(401, 403, 422)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Buat akun (tanpa kata sandi: pemiliknya memilih sendiri lewat tautan atur ulang yang
        dikirim ke e-mailnya bila ``send_reset``). Peringatan NIP ada di ``warnings``."""
        result, prepared = accounts.create_user(
            session(), get_registry(current_app), current_actor(), body
        )
        sent = mail_reset(result.user.id)[1] if prepared.send_reset else False
        return saved(result, sent)


@bp.route("/template.xlsx")
class UserTemplateView(MethodView):
    @bp.doc(**XLSX_RESPONSE)
    @bp.response(200, description="Buku kerja .xlsx")
    @bp.errors(401, 403)
    def get(self) -> Response:
        """Templat impor pengguna, dengan daftar peran dan kode OPD provinsi."""
        s, registry, actor = session(), get_registry(current_app), current_actor()
        return xlsx_download(
            lambda out: write_user_template(s, registry, actor, out), "templat-pengguna.xlsx"
        )


@bp.route("/import")
class UserImportView(MethodView):
    @bp.arguments(UserImportQuerySchema, location="query")
    @bp.doc(**FILE_BODY)
    @bp.response(201, UserImportResultSchema)
    @bp.alt_response(200, schema=UserImportResultSchema, description="Uji coba (dry_run=1)")
    @bp.errors(401, 403, 413, 422)
    def post(self, query: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Impor pengguna dari CSV atau XLSX: semua baris atau tidak sama sekali; setiap
        masalah ``{row, column, message}``. ``dry_run=1`` hanya memeriksa; ``send_reset=0``
        tidak mengirim tautan atur ulang sandi (admin dapat mengirimnya nanti)."""
        upload = request.files.get("file")
        data = upload.read() if upload is not None else b""
        result = import_users(
            session(),
            get_registry(current_app),
            current_actor(),
            data,
            import_limits(),
            dry_run=bool(query["dry_run"]),
        )
        created: list[User | None] = list(result.created) or [None] * len(result.rows)
        items = []
        for row, user in zip(result.rows, created, strict=True):
            sent = None
            if user is not None and query["send_reset"]:
                sent = mail_reset(user.id)[1] is None
            items.append(
                {
                    "row": row.row,
                    "username": row.user.username,
                    "full_name": row.user.full_name,
                    "email": row.user.email,
                    "id": user.id if user is not None else None,
                    "email_sent": sent,
                }
            )
        body = {"dry_run": result.dry_run, "count": len(result.rows), "items": items}
        return body, 200 if result.dry_run else 201


@bp.route(f"/<{ID}:user_id>")
class UserView(MethodView):
    @bp.response(200, UserSchema)
    @bp.errors(401, 403, 404)
    def get(self, user_id: int) -> dict[str, Any]:
        """Satu akun provinsi admin."""
        return view(accounts.find_user(session(), current_actor(), user_id))

    @bp.arguments(UserEditSchema)
    @bp.response(200, UserSavedSchema)
    @bp.errors(401, 403, 404, 422)
    def patch(self, body: dict[str, Any], user_id: int) -> dict[str, Any]:
        """Ubah nama lengkap, e-mail atau NIP (``nip`` null mengosongkannya)."""
        return saved(accounts.update_user(session(), current_actor(), user_id, body))


@bp.route(f"/<{ID}:user_id>/deactivate")
class DeactivateView(MethodView):
    @bp.arguments(ReasonSchema)
    @bp.response(200, UserSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, body: dict[str, Any], user_id: int) -> dict[str, Any]:
        """Nonaktifkan akun (tidak pernah dihapus): tidak dapat masuk lagi, sesi dan tokennya
        berakhir. Admin tidak dapat menonaktifkan dirinya sendiri."""
        user = accounts.set_active(session(), current_actor(), user_id, False, body["reason"])
        return view(user)


@bp.route(f"/<{ID}:user_id>/reactivate")
class ReactivateView(MethodView):
    @bp.arguments(ReasonSchema)
    @bp.response(200, UserSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, body: dict[str, Any], user_id: int) -> dict[str, Any]:
        """Aktifkan kembali akun."""
        user = accounts.set_active(session(), current_actor(), user_id, True, body["reason"])
        return view(user)


@bp.route(f"/<{ID}:user_id>/roles")
class RolesView(MethodView):
    @bp.arguments(RoleGrantSchema)
    @bp.response(201, UserSchema)
    @bp.errors(401, 403, 404, 409, 422)
    def post(self, body: dict[str, Any], user_id: int) -> dict[str, Any]:
        """Beri peran provinsi (peran lingkup OPD disertai ``opd``: kode OPD provinsi ini)."""
        user = accounts.grant_role(
            session(), get_registry(current_app), current_actor(), user_id, body
        )
        return view(user)


@bp.route(f"/<{ID}:user_id>/roles/<{ID}:assignment_id>")
class RoleView(MethodView):
    @bp.response(200, UserSchema)
    @bp.errors(401, 403, 404, 422)
    def delete(self, user_id: int, assignment_id: int) -> dict[str, Any]:
        """Cabut satu peran. Admin tidak dapat mencabut peran admin terakhirnya sendiri."""
        return view(accounts.revoke_role(session(), current_actor(), user_id, assignment_id))


@bp.route(f"/<{ID}:user_id>/password-reset")
class PasswordResetView(MethodView):
    @bp.response(202, ResetSentSchema)
    @bp.errors(401, 403, 404, 422)
    def post(self, user_id: int) -> dict[str, Any]:
        """Kirim tautan atur ulang sandi sekali pakai ke e-mail pengguna (admin tidak pernah
        melihat atau menetapkan sandinya). Tautan lama pengguna itu berakhir."""
        issued, error = mail_reset(user_id)
        return {"email_sent": error is None, "email_error": error, "expires_at": issued.expires_at}
