"""``/api/docs``: Swagger UI over ``/api/v1/openapi.json``, served from this server.

The assets come from the ``swagger-ui-bundle`` package (Swagger UI's release files on PyPI), so
the page works with no internet at all, as in many district offices. The start-up script is a
route of its own rather than inline, so a strict Content-Security-Policy can still allow it.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template_string, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__, url_prefix="/api/docs")

PAGE = """<!doctype html>
<html lang="id">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Dokumentasi API Sepakat v1</title>
  <link rel="stylesheet" href="{{ url_for('api_docs.asset', filename='swagger-ui.css') }}">
  <link rel="icon" href="{{ url_for('api_docs.asset', filename='favicon-32x32.png') }}">
</head>
<body>
  <noscript>Halaman ini memerlukan JavaScript. Spesifikasi mentah:
    <a href="{{ spec_url }}">{{ spec_url }}</a></noscript>
  <div id="swagger-ui" data-spec-url="{{ spec_url }}"></div>
  <script src="{{ url_for('api_docs.asset', filename='swagger-ui-bundle.js') }}"></script>
  <script src="{{ url_for('api_docs.asset', filename='swagger-ui-standalone-preset.js') }}">
  </script>
  <script src="{{ url_for('api_docs.init_script') }}"></script>
</body>
</html>
"""

INIT = """window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: el.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
});
"""


@bp.get("")
def page() -> str:
    return render_template_string(PAGE, spec_url=url_for("api-docs.openapi_json"))


@bp.get("/init.js")
def init_script() -> Response:
    return Response(INIT, mimetype="text/javascript")


@bp.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    return send_from_directory(str(swagger_ui_path), filename, max_age=86400)
