"""Password hashing with Argon2id (argon2-cffi: the OWASP-recommended KDF, maintained), and the
policy a chosen password must meet."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from core.messages import N_, msg

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


def configure(*, time_cost: int, memory_cost: int) -> None:
    """Cheaper parameters for tests; production keeps the library's defaults."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def unusable_password() -> str:
    """A stored value no password verifies against (not an Argon2 hash at all): an account
    made by an admin or an import waits for its holder to choose a password via a reset link.
    Random, so no two such accounts share a value (the API token's fingerprint is of it)."""
    return "!" + secrets.token_hex(16)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


def password_problems(password: str, username: str = "", email: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password (Indonesian, for the person choosing
    it); empty when it is acceptable. Length first: it is what makes guessing slow. (A cap too:
    hashing a megabyte of "password" costs the server, not the guesser.) Neither the username
    nor the name part of the e-mail address may be in it: both are the first things tried."""
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(msg("Kata sandi minimal {n} karakter.", n=MIN_PASSWORD_LENGTH))
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(msg("Kata sandi paling banyak {n} karakter.", n=MAX_PASSWORD_LENGTH))
    lowered = password.lower()
    name = username.strip().lower()
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        problems.append(N_("Kata sandi tidak boleh memuat nama pengguna."))
    local = email.strip().lower().partition("@")[0]
    if len(local) >= 4 and local != name and local in lowered:
        problems.append(N_("Kata sandi tidak boleh memuat alamat e-mail."))
    if lowered in common_passwords():
        problems.append(N_("Kata sandi ini termasuk yang paling sering ditebak; pilih yang lain."))
    return problems
