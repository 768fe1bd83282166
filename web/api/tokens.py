"""Bearer tokens: issuing, checking and revoking them, and the caller's ``Actor``.

A token is ``itsdangerous.URLSafeTimedSerializer`` output signed with ``SECRET_KEY``: the
payload (user id and a random ``jti``) plus a signed timestamp, checked against
``API_TOKEN_TTL``. itsdangerous already ships with Flask, and every verifier of these tokens
is this application, so JWT's interoperability would buy nothing and cost a dependency.
Logout stores the ``jti`` in ``revoked_tokens`` until the token would have expired anyway. A
token also carries a short fingerprint of the user's password hash, so a new password ends every
token issued before it (without a column: the hash changes with the password).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import current_app, g, request
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, delete, select
from webargs.flaskparser import abort

from core import driver_sql
from core.access import Actor
from core.errors import NotFound
from core.models import RevokedToken, User, utcnow
from core.unit_of_work import unit_of_work
from web.actors import actor_only
from web.extensions import session

SALT = "sepakat.api.token"
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="sepakat"'}


@dataclass(frozen=True)
class Claims:
    user_id: int
    jti: str
    issued_at: dt.datetime
    password: str  # the fingerprint of the password hash when it was issued


def password_fingerprint(user: User) -> str:
    return fingerprint(user.password_hash)


def fingerprint(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


def ttl() -> int:
    return int(current_app.config["API_TOKEN_TTL"])


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unauthorized(message: str) -> NoReturn:
    abort(401, message=message, headers=CHALLENGE)


def issue_token(user: User) -> str:
    payload = {"uid": user.id, "jti": secrets.token_urlsafe(16), "pw": password_fingerprint(user)}
    return str(_serializer().dumps(payload))


def read_token(token: str) -> Claims:
    """The token's claims (signature and age checked), or a 401 saying why it is refused;
    ``authenticate_request`` checks revocation and the password against the database."""
    try:
        data, signed_at = _serializer().loads(token, max_age=ttl(), return_timestamp=True)
    except SignatureExpired:
        unauthorized("Token telah kedaluwarsa; silakan masuk kembali.")
    except BadData:
        unauthorized("Token tidak sah.")
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or "jti" not in data:
        unauthorized("Token tidak sah.")
    issued = signed_at.astimezone(dt.UTC)  # aware, like every time core stores
    claims = Claims(
        user_id=data["uid"], jti=str(data["jti"]), issued_at=issued, password=str(data.get("pw"))
    )
    return claims


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        unauthorized("Header Authorization: Bearer <token> wajib diisi.")
    if scheme.lower() != "bearer" or not token.strip():
        unauthorized("Header Authorization harus berbentuk 'Bearer <token>'.")
    return token.strip()


# Per request, one round trip for what the token is checked against (whether it was revoked,
# the password hash it must match) and one for the actor (``core.access.load_actor``): the
# token check was six, a third of a request's time (issue 17). Built once.
_CHECKS = select(
    select(RevokedToken.jti).where(RevokedToken.jti == bindparam("jti")).exists().label("revoked"),
    select(User.password_hash)
    .where(User.id == bindparam("user_id"))
    .scalar_subquery()
    .label("password_hash"),
)


def authenticate_request() -> None:
    """Resolve the caller before any view of a protected endpoint runs (so a missing token is
    a 401 before any payload is even parsed)."""
    claims = read_token(bearer_token())
    params = {"jti": claims.jti, "user_id": claims.user_id}
    checks = driver_sql.execute(driver_sql.connection(session()), _CHECKS, params).one()
    if checks.revoked:
        unauthorized("Token telah dicabut (keluar); silakan masuk kembali.")
    try:
        actor = actor_only(claims.user_id)
    except NotFound:
        unauthorized("Akun tidak aktif atau tidak dikenal.")
    if checks.password_hash is None or claims.password != fingerprint(checks.password_hash):
        unauthorized("Kata sandi telah diganti; silakan masuk kembali.")
    g.api_claims = claims
    g.api_actor = actor


def current_actor() -> Actor:
    actor: Actor = g.api_actor
    return actor


def revoke_current_token() -> None:
    """End the caller's token; drop revocations of tokens that have expired by now anyway."""
    claims: Claims = g.api_claims
    now = utcnow()
    with unit_of_work(session()) as s:
        s.execute(delete(RevokedToken).where(RevokedToken.expires_at < now))
        expires = claims.issued_at + dt.timedelta(seconds=ttl())
        s.add(RevokedToken(jti=claims.jti, expires_at=expires))


def token_response(user: User) -> dict[str, Any]:
    return {"access_token": issue_token(user), "token_type": "Bearer", "expires_in": ttl()}
