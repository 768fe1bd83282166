"""Core's and the plugins' texts on a page: in Bahasa Indonesia, or from the English catalogue
when the user chose English (see ``core.messages``)."""

from __future__ import annotations

from flask_babel import gettext

from core.errors import DomainError, RuleFailed
from core.messages import Text


def translate(text: str | None) -> str:
    """Labels and messages from core and plugins are Indonesian; the English catalogue may carry
    them. A message with values (``core.messages.Text``) is looked up by its template and
    filled in again, its text values (a state's label, say) translated too."""
    if not text:
        return ""
    if isinstance(text, Text) and text.params:
        params = {k: translate(v) if isinstance(v, str) else v for k, v in text.params.items()}
        return gettext(text.template).format(**params)
    return gettext(text)


def error_text(err: DomainError) -> str:
    """An error for the page: each failed rule of a ``RuleFailed``, translated."""
    if isinstance(err, RuleFailed):
        return "; ".join(translate(v.message) for v in err.violations)
    return translate(err.message)


def errors_by_field(err: RuleFailed, rename: dict[str, str] | None = None) -> dict[str, list[str]]:
    """A form's errors: each violation's message, translated, under its input's name
    (``rename`` maps a violation's field to the input, e.g. ``roles.0.opd`` → ``opd``)."""
    out: dict[str, list[str]] = {}
    for v in err.violations:
        out.setdefault((rename or {}).get(v.field, v.field), []).append(translate(v.message))
    return out
