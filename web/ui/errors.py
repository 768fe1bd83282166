"""Domain errors as pages, with the status the API gives (``web.status``, one table for both).
Attached per blueprint so the API keeps its own JSON error shapes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from core.errors import DomainError
from web.status import status_of
from web.ui.messages import error_text


def error_page(status: int, message: str) -> ResponseReturnValue:
    return render_template("ui/error.html", status=status, message=message), status


def attach(bp: Blueprint) -> None:
    @bp.errorhandler(DomainError)
    def _domain(err: DomainError) -> ResponseReturnValue:
        return error_page(status_of(err), error_text(err))

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
