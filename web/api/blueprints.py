"""The one way an API area makes its blueprint: Indonesian argument parsing, domain errors mapped
by ``web.api.errors`` and a bearer token required unless the view says ``public = True``.

Authentication and error mapping are attached here, once, so no view can forget them.
"""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus
from typing import Any, TypeVar

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from core.errors import DomainError
from web.api.errors import IndonesianParser, handle_domain_error
from web.api.tokens import authenticate_request

F = TypeVar("F", bound=Callable[..., Any])

PREFIX = "/api/v1"
BEARER = "bearerAuth"
# Ids in paths: beyond PostgreSQL's INTEGER they cannot exist, so they are 404 at routing
# instead of an out-of-range error in the database.
ID = "int(min=1, max=2147483647)"


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = IndonesianParser()

    def errors(self, *codes: int) -> Callable[[F], F]:
        """Document the error statuses an operation can answer (all in the error shape)."""

        def decorate(view: F) -> F:
            for code in codes:
                view = self.alt_response(code, response=HTTPStatus(code).name)(view)
            return view

        return decorate


class PublicView(MethodView):
    """A view anybody may call without a token (documented with ``security: []``)."""

    public = True


def _is_public() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    return bool(getattr(view_class, "public", False) or getattr(view, "public", False))


def _require_token() -> None:
    if request.method != "OPTIONS" and not _is_public():
        authenticate_request()


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Any:
    """A blueprint under ``/api/v1``. Its ``name`` is the heading of its operations in the
    OpenAPI document, so it is Indonesian and capitalised (which also keeps it apart from the
    lower-case names of the HTML pages' blueprints)."""
    bp = ApiBlueprint(name, import_name, url_prefix=PREFIX + url_prefix, description=description)
    bp.register_error_handler(DomainError, handle_domain_error)
    bp.before_request(_require_token)
    return bp


PUBLIC_DOC: dict[str, Any] = {"security": []}
