"""Password hashing with Argon2id (argon2-cffi: the OWASP-recommended KDF, maintained), and the
policy a chosen password must meet."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 12
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")


def configure(*, time_cost: int, memory_cost: int) -> None:
    """Cheaper parameters for tests; production keeps the library's defaults."""
    global _hasher
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(s.strip().lower() for s in lines if s.strip() and not s.startswith("#"))


def password_problems(password: str, username: str = "") -> list[str]:
    """What is wrong with ``password`` as a new password (Indonesian, for the person choosing
    it); empty when it is acceptable. Length first: it is what makes guessing slow."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.")
    lowered = password.lower()
    name = username.strip().lower()
    if name and (lowered == name or (len(name) >= 3 and name in lowered)):
        problems.append("Kata sandi tidak boleh memuat nama pengguna.")
    if lowered in common_passwords():
        problems.append("Kata sandi ini termasuk yang paling sering ditebak; pilih yang lain.")
    return problems
