"""Security headers on every response of the app: pages, the API, ``/api/docs``, the OpenAPI
JSON, ``/healthz``, static files and error pages alike (an ``after_request`` on the app, so no
blueprint can miss them; a response that sets its own keeps it).

Scripts only from the app itself; inline styles are allowed because the workflow SVG carries its
own <style> (so the downloaded file looks the same) and Swagger UI styles elements inline. No
framing anywhere: clickjacking on forms. HSTS only when the site is served over HTTPS (its
``PUBLIC_URL``): over plain HTTP a browser ignores it, and on the local demo it would be wrong.
"""

from __future__ import annotations

from flask import Flask, Response

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
HSTS = "max-age=31536000"  # a year; no includeSubDomains: other sites of the domain are not ours


def install(app: Flask) -> None:
    headers = dict(HEADERS)
    if str(app.config.get("PUBLIC_URL", "")).startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def _security_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
