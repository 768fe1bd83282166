"""Typed domain errors. ``web.status`` maps them to HTTP statuses (one table for the API and the
pages: 403/404/409/422, 422 for one it does not list)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Violation:
    """One failed rule: a stable machine ``code``, the ``field`` it concerns, a message (Bahasa
    Indonesia) and whether it only warns."""

    code: str
    message: str
    field: str = "_rules"
    warning: bool = False


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist or the caller may not see it (its existence is not leaked)."""


class NotAllowed(DomainError):
    """The caller sees the thing but their role may not do this (403)."""


class Conflict(DomainError):
    """The action is not available in the current state, or the record is not editable (409)."""


class StaleVersion(Conflict):
    """The caller's version is not the current one (409; 412 for ``If-Match``)."""


@dataclass
class RuleFailed(DomainError):
    """One or more rules failed; every failing rule is listed (422)."""

    violations: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("; ".join(v.message for v in self.violations) or "Aturan tidak terpenuhi")

    def by_field(self) -> dict[str, list[str]]:
        """Messages grouped by field, in the shape flask-smorest gives validation errors."""
        out: dict[str, list[str]] = {}
        for v in self.violations:
            out.setdefault(v.field, []).append(v.message)
        return out

    def codes(self) -> list[str]:
        return [v.code for v in self.violations]


def raise_if_any(violations: Iterable[Violation]) -> list[Violation]:
    """Raise ``RuleFailed`` when any non-warning violation is present; return the warnings."""
    items = list(violations)
    errors = [v for v in items if not v.warning]
    if errors:
        raise RuleFailed(errors)
    return [v for v in items if v.warning]
