"""Domain errors as pages, with the status the API gives (``web.status``, one table for both).
Attached per blueprint so the API keeps its own JSON error shapes.

``BadInput`` is a query string or form value the page's schema refused (``web.ui.forms``
parses page input through core's schemas, as the API does): a 422 page that names each field,
in Bahasa Indonesia, never a 500.

Every other HTTP error of a page path (an unknown URL, a wrong method, a 500) is a page in the
layout too, in the reader's language, with a way back: ``install`` hands ``http_error_page`` to
the API's app-wide handler (``web.api.errors.SepakatApi``), which keeps its JSON for API paths.
Werkzeug's own English error pages never reach a reader.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import Blueprint, Flask, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, Violation
from web.extensions import PAGE_ERRORS
from web.status import RETRY_AFTER_SECONDS, UNAVAILABLE, outage_cause, status_of
from web.ui.messages import error_text, translate
from web.ui.security import safe_next

# Headings by status; any other 4xx/5xx reads as the generic one of its class.
TITLES = {
    400: _l("Permintaan tidak sah"),
    401: _l("Perlu masuk"),
    403: _l("Tidak diizinkan"),
    404: _l("Tidak ditemukan"),
    405: _l("Cara membuka halaman ini tidak didukung"),
    409: _l("Terjadi perubahan"),
    413: _l("Berkas terlalu besar"),
    422: _l("Permintaan tidak dapat diproses"),
    429: _l("Terlalu banyak permintaan"),
    500: _l("Terjadi kesalahan"),
    503: _l("Layanan sedang tidak tersedia"),
}
# What a page says for an HTTP error raised without a message of ours (Werkzeug's own
# descriptions are English and written for developers).
MESSAGES = {
    400: _l("Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi."),
    401: _l("Silakan masuk untuk membuka halaman ini."),
    403: _l("Peran Anda tidak berwenang membuka halaman ini."),
    404: _l("Halaman tidak ditemukan. Periksa alamatnya, atau mulai lagi dari Beranda."),
    405: _l(
        "Alamat ini hanya menerima kiriman formulir, bukan dibuka langsung. Kembali ke "
        "halaman sebelumnya lalu gunakan tombolnya."
    ),
    413: _l("Berkas atau isian yang dikirim terlalu besar."),
    429: _l("Terlalu banyak permintaan dalam waktu singkat. Tunggu sebentar, lalu coba lagi."),
    500: _l(
        "Terjadi kesalahan pada server; tidak ada yang tersimpan setengah jalan. Coba lagi "
        "sebentar lagi; bila berulang, hubungi admin provinsi."
    ),
    503: _l("Layanan sedang tidak tersedia. Tunggu sebentar, lalu muat ulang halaman."),
}


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


def error_title(status: int) -> str:
    if status in TITLES:
        return str(TITLES[status])
    return str(TITLES[500] if status >= 500 else TITLES[422])


def _back() -> str | None:
    """The page the reader came from, when it is one of ours and not this one."""
    referrer = request.referrer or ""
    host = request.host_url.rstrip("/")
    if not referrer.startswith(host + "/"):
        return None
    target = safe_next(referrer[len(host) :], "")
    return target if target and target != request.full_path.rstrip("?") else None


def _render(status: int, message: str) -> str:
    return render_template(
        "ui/error.html",
        status=status,
        title=error_title(status),
        message=message,
        back=_back(),
        signed_in=current_user.is_authenticated,
    )


def error_page(status: int, message: str) -> ResponseReturnValue:
    return _render(status, message), status


def http_error_page(err: HTTPException) -> ResponseReturnValue:
    """Any HTTP error of a page path, in the layout. When the layout cannot be drawn (it reads
    the signed-in user and the unread count: the database may be what failed) the same words
    come on the bare page, with the same status."""
    status = err.code or 500
    message = str(MESSAGES.get(status) or MESSAGES[500 if status >= 500 else 400])
    headers = dict(err.get_headers()) if status in (405, 429, 503) else {}
    headers.pop("Content-Type", None)
    try:
        page = _render(status, message)
    except UNAVAILABLE as cause:  # one line per request while an outage lasts, no traceback
        current_app.logger.warning("basis data tidak menjawab: %s", outage_cause(cause))
        page = bare_page(error_title(status), message)
    except Exception:  # the error page itself must not fail
        current_app.logger.exception("halaman kesalahan tidak dapat dibuat")
        page = bare_page(error_title(status), message)
    return page, status, headers


def bare_page(title: str, message: str, retry_after: int | None = None) -> str:
    """A page straight from its template, past the layout's context processors."""
    template = current_app.jinja_env.get_template("ui/unavailable.html")
    return template.render(title=title, message=message, retry_after=retry_after)


def unavailable_page(err: Exception) -> ResponseReturnValue:
    """503 while the database is down. Rendered straight from the template, past the layout's
    context processors: they read the signed-in user and the unread count from the database."""
    current_app.logger.warning("basis data tidak menjawab: %s", outage_cause(err))
    message = _(
        "Basis data sedang tidak dapat dihubungi. Tunggu sebentar, lalu muat ulang halaman."
    )
    html = bare_page(error_title(503), message, RETRY_AFTER_SECONDS)
    return html, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def install(app: Flask) -> None:
    """Pages for the HTTP errors no blueprint answers (an unknown path has none)."""
    app.extensions[PAGE_ERRORS] = http_error_page


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

    bp.register_error_handler(HTTPException, http_error_page)
