"""Domain errors as pages, with the status the API gives (``web.status``, one table for both).
Attached per blueprint so the API keeps its own JSON error shapes.

``BadInput`` is a query string or form value the page's schema refused (``web.ui.forms``
parses page input through core's schemas, as the API does): a 422 page that names each field,
in Bahasa Indonesia, never a 500.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from core.errors import DomainError, Violation
from web.status import RETRY_AFTER_SECONDS, UNAVAILABLE, outage_cause, status_of
from web.ui.messages import error_text, translate


class BadInput(Exception):
    """Page input refused by its schema; ``violations`` name the fields."""

    def __init__(self, violations: Sequence[Violation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.message}" for v in violations))
        self.violations = list(violations)


def bad_input_text(err: BadInput) -> str:
    return "; ".join(
        _("Isian %(field)s tidak sah: %(message)s", field=v.field, message=translate(v.message))
        for v in err.violations
    )


def error_page(status: int, message: str) -> ResponseReturnValue:
    return render_template("ui/error.html", status=status, message=message), status


def unavailable_page(err: Exception) -> ResponseReturnValue:
    """503 while the database is down. Rendered straight from the template, past the layout's
    context processors: they read the signed-in user and the unread count from the database."""
    current_app.logger.warning("basis data tidak menjawab: %s", outage_cause(err))
    message = _(
        "Basis data sedang tidak dapat dihubungi. Tunggu sebentar, lalu muat ulang halaman."
    )
    html = current_app.jinja_env.get_template("ui/unavailable.html").render(
        message=message, retry_after=RETRY_AFTER_SECONDS
    )
    return html, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def attach(bp: Blueprint) -> None:
    @bp.errorhandler(DomainError)
    def _domain(err: DomainError) -> ResponseReturnValue:
        return error_page(status_of(err), error_text(err))

    for error in UNAVAILABLE:
        bp.register_error_handler(error, unavailable_page)

    @bp.errorhandler(BadInput)
    def _bad_input(err: BadInput) -> ResponseReturnValue:
        return error_page(422, bad_input_text(err))

    @bp.errorhandler(CSRFError)
    def _csrf(err: CSRFError) -> ResponseReturnValue:
        return error_page(
            400,
            _(
                "Formulir kedaluwarsa atau tidak sah (token CSRF). Muat ulang halaman lalu "
                "kirim lagi."
            ),
        )

    @bp.errorhandler(404)
    def _missing(err: Exception) -> ResponseReturnValue:
        return error_page(404, _("Halaman tidak ditemukan."))

    @bp.errorhandler(403)
    def _forbidden(err: Exception) -> ResponseReturnValue:
        return error_page(403, _("Peran Anda tidak berwenang membuka halaman ini."))
