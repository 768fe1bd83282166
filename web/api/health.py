"""``/healthz``: is the database answering, and the broker (when one is configured)?

200 while the database answers, 503 otherwise: a load balancer should keep sending requests
while only the broker is down, because transitions still commit and the relay sends later.
"""

from __future__ import annotations

from typing import Any

import redis
from flask import current_app
from sqlalchemy import text

from web.api.blueprints import PUBLIC_DOC, ApiBlueprint, PublicView
from web.api.schemas import HealthSchema
from web.extensions import session
from web.status import RETRY_AFTER_SECONDS

bp = ApiBlueprint(
    "Kesehatan layanan", __name__, url_prefix="/healthz", description="Kesehatan layanan."
)

TIMEOUT = 1.0  # seconds: a health probe must answer quickly even when a service hangs


def database_status() -> str:
    s = session()
    try:
        s.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # any failure means "not answering"; the probe itself must not fail
        current_app.logger.warning("healthz: basis data tidak menjawab", exc_info=True)
        s.rollback()
        return "error"


def broker_status() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "disabled"
    client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        return "error"
    finally:
        client.close()


@bp.route("")
class HealthView(PublicView):
    @bp.doc(**PUBLIC_DOC)
    @bp.response(200, HealthSchema)
    @bp.alt_response(503, schema=HealthSchema, description="Basis data tidak menjawab")
    def get(self) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Status basis data dan broker."""
        body = {"database": database_status(), "broker": broker_status()}
        if body["database"] == "ok":
            return body, 200, {}
        return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}
