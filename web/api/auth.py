"""``/auth/token``, ``/auth/logout`` and ``/me``: who the caller is."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from core.services import preferences
from core.services.accounts import change_own_password
from core.services.auth import authenticate
from core.user_schemas import PasswordChangeSchema
from web.api import throttle
from web.api.blueprints import PUBLIC_DOC, PublicView, api_blueprint
from web.api.schemas import MeSchema, TokenRequestSchema, TokenSchema
from web.api.tokens import current_actor, revoke_current_token, token_response, unauthorized
from web.extensions import session

bp = api_blueprint("Autentikasi", __name__, "/auth", "Masuk dan keluar (token bearer).")
me_bp = api_blueprint("Pengguna", __name__, "/me", "Pengguna yang sedang masuk.")


@bp.route("/token")
class TokenView(PublicView):
    @bp.doc(**PUBLIC_DOC)
    @bp.arguments(TokenRequestSchema)
    @bp.response(200, TokenSchema)
    @bp.errors(401, 422, 429)
    def post(self, credentials: dict[str, str]) -> dict[str, Any]:
        """Tukar nama pengguna dan kata sandi dengan token bearer."""
        username = credentials["username"]
        throttle.check(username)
        user = authenticate(session(), username, credentials["password"])
        if user is None:
            throttle.failed(username)
            unauthorized("Nama pengguna atau kata sandi salah.")
        throttle.succeeded(username)
        return token_response(user)


@bp.route("/logout")
class LogoutView(MethodView):
    @bp.response(204)
    @bp.errors(401)
    def post(self) -> None:
        """Cabut token yang sedang dipakai."""
        revoke_current_token()


@me_bp.route("")
class MeView(MethodView):
    @me_bp.response(200, MeSchema)
    @me_bp.errors(401)
    def get(self) -> dict[str, Any]:
        """Identitas, peran, OPD dan provinsi pemanggil."""
        actor = current_actor()
        return {
            "id": actor.user_id,
            "username": actor.username,
            "full_name": actor.full_name,
            "roles": actor.roles,
            "grants": [{"role": g.role, "opd": g.opd_code} for g in actor.grants],
            "opd": actor.opd_code,
            "province": actor.province_code,
            "language": preferences.language(session(), actor.user_id) or "id",
        }


@me_bp.route("/password")
class MyPasswordView(MethodView):
    @me_bp.arguments(PasswordChangeSchema)
    @me_bp.response(200, TokenSchema)
    @me_bp.errors(401, 422)
    def post(self, body: dict[str, str]) -> dict[str, Any]:
        """Ganti kata sandi sendiri (kata sandi saat ini dan yang baru, menurut kebijakan sandi).
        Semua token dan sesi lama berakhir; jawabannya token baru untuk melanjutkan."""
        user = change_own_password(
            session(), current_actor(), body["current_password"], body["new_password"]
        )
        return token_response(user)
