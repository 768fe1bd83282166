"""Every error the API answers, in one place and in flask-smorest's shape:
``{"code", "status", "message", "errors"}`` (plus ``"rules"`` for a 422).

Core raises typed domain errors (``core.errors``); this module answers them with the status of
``web.status``'s table (the one the pages use too). Request parsing errors (webargs) become the
same ``RuleFailed`` so a client sees one 422 shape whether a field failed the schema or a
province rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask, current_app, g, request
from flask_smorest import Api
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import HTTPException

from core.errors import DomainError, RuleFailed, StaleVersion, Violation
from core.schemas import NULL, REQUIRED, IdSchema
from core.services.common import violations_from_marshmallow
from web.api.schemas import ErrorSchema
from web.extensions import PAGE_ERRORS
from web.status import RETRY_AFTER_SECONDS, UNAVAILABLE, outage_cause, status_of

# Messages for errors raised without one (unknown URL, wrong method, oversized body...).
DEFAULT_MESSAGES: dict[int, str] = {
    400: "Permintaan tidak sah.",
    401: "Autentikasi diperlukan.",
    403: "Anda tidak berwenang melakukan ini.",
    404: "Alamat atau data tidak ditemukan.",
    405: "Metode HTTP ini tidak didukung pada alamat ini.",
    406: "Format jawaban yang diminta tidak tersedia.",
    409: "Permintaan bertentangan dengan keadaan data saat ini.",
    412: "Versi data telah berubah; muat ulang lalu coba lagi.",
    413: "Isi permintaan terlalu besar.",
    415: "Jenis isi permintaan tidak didukung; kirim JSON.",
    422: "Data tidak valid.",
    428: "Header If-Match wajib diisi dengan ETag terakhir.",
    429: "Terlalu banyak permintaan; coba lagi nanti.",
    500: "Terjadi kesalahan pada server.",
    503: "Layanan sedang tidak tersedia.",
}
DATABASE_DOWN = "Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi."

# Paths whose errors are JSON; any other path's error is a page, drawn by the renderer the
# pages install under ``PAGE_ERRORS`` of ``app.extensions`` (``web.ui.errors``).
JSON_PREFIXES = ("/api/", "/healthz")


def error_body(
    status: int, message: str | None = None, errors: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": status,
        "status": HTTPStatus(status).phrase,
        "message": message or DEFAULT_MESSAGES.get(status, HTTPStatus(status).phrase),
    }
    if errors:
        body["errors"] = dict(errors)
    return body


# Schema failures all arrive as code "invalid" (core.services.common); the commonest kinds get
# a more telling stable code from their (core.schemas) message.
SCHEMA_CODES = {
    REQUIRED: "required",
    NULL: "null",
    IdSchema.error_messages["unknown"]: "unknown_field",
}


def rule_code(v: Violation) -> str:
    return SCHEMA_CODES.get(v.message, v.code) if v.code == "invalid" else v.code


def rule_body(err: RuleFailed) -> dict[str, Any]:
    """422: every failing field with its messages, and each rule's stable machine code."""
    body = error_body(status_of(err), "Data tidak valid: " + err.message, err.by_field())
    body["rules"] = [
        {"code": rule_code(v), "field": v.field, "message": v.message} for v in err.violations
    ]
    return body


def stale_status() -> int:
    """A stale version sent as ``If-Match`` is a failed precondition (412); one sent in the body
    (a transition's ``version``) is a conflict (409)."""
    return 412 if g.get("if_match_version") is not None else 409


def handle_domain_error(err: DomainError) -> tuple[dict[str, Any], int]:
    """The status from ``web.status`` (the pages use the same table); a rule failure lists
    its rules, a stale ``If-Match`` is 412."""
    if isinstance(err, RuleFailed):
        return rule_body(err), status_of(err)
    status = stale_status() if isinstance(err, StaleVersion) else status_of(err)
    return error_body(status, err.message), status


class SepakatApi(Api):
    """flask-smorest's ``Api`` whose generic HTTP errors speak Indonesian, and are pages outside
    the API (flask-smorest registers its handler for the whole app)."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Any:
        if not request.path.startswith(JSON_PREFIXES):
            page = current_app.extensions.get(PAGE_ERRORS)
            return page(error) if page is not None else error
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        headers = dict(data.get("headers") or {})
        return error_body(status, data.get("message"), errors), status, headers


def invalid_json(reason: str) -> NoReturn:
    abort(400, message=reason, errors={"json": [reason]})


class IndonesianParser(FlaskParser):
    """webargs parser: malformed JSON is a 400 and a failing schema is a ``RuleFailed`` (422),
    both with Indonesian messages."""

    DEFAULT_VALIDATION_STATUS = 422

    def _raw_load_json(self, req: Any) -> Any:
        if req.content_length and not req.is_json:  # a body, but not JSON: say so, not "required"
            abort(
                415,
                message="Kirim isi permintaan sebagai JSON (Content-Type: application/json).",
            )
        try:
            return super()._raw_load_json(req)
        except RecursionError:
            invalid_json("Struktur JSON terlalu dalam.")
        except ValueError as err:  # JSONDecodeError, and ints beyond Python's digit limit
            if isinstance(err, json.JSONDecodeError):
                raise
            invalid_json("Angka dalam JSON terlalu panjang.")

    def _handle_invalid_json_error(
        self, error: Any, req: Any, *args: Any, **kwargs: Any
    ) -> NoReturn:
        invalid_json("Isi permintaan bukan JSON yang sah.")

    def handle_error(
        self,
        error: ma.ValidationError,
        req: Any,
        schema: ma.Schema,
        *,
        error_status_code: int | None,
        error_headers: Mapping[str, str] | None,
    ) -> NoReturn:
        raise RuleFailed(_violations(error)) from None


def _violations(error: ma.ValidationError) -> list[Violation]:
    """webargs nests messages under the location (``json``, ``query``); the client knows where
    it sent them, so the field path starts at the field."""
    messages = error.messages
    if isinstance(messages, dict) and len(messages) == 1:
        ((location, inner),) = messages.items()
        if location in ("json", "query", "headers", "view_args", "form") and isinstance(
            inner, dict
        ):
            error = ma.ValidationError(inner)
    return violations_from_marshmallow(error)


def install(app: Flask) -> None:
    """The per-request body cap (``API_MAX_CONTENT_LENGTH``, core.settings): API bodies are
    small JSON documents, capped here (413) without capping uploads to the HTML pages."""

    @app.before_request
    def _cap_api_body() -> None:
        if request.path.startswith("/api/"):
            request.max_content_length = app.config["API_MAX_CONTENT_LENGTH"]

    # App-wide: the pages' blueprints answer it with their own page first (web.ui.errors).
    for error in UNAVAILABLE:
        app.register_error_handler(error, database_unavailable)


def database_unavailable(err: Exception) -> Any:
    """The database is not answering: 503 with ``Retry-After``, no trace in the answer."""
    app = current_app
    app.logger.warning("basis data tidak menjawab: %s", outage_cause(err))
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    if request.path.startswith(JSON_PREFIXES):
        return error_body(503, DATABASE_DOWN), 503, headers
    return DATABASE_DOWN, 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}


__all__ = [
    "IndonesianParser",
    "SepakatApi",
    "error_body",
    "handle_domain_error",
    "install",
]
