"""``/signoffs``: the sealed sign-offs — a seal recomputed against the rows as they are now,
and its decree lampiran as PDF."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView

from core.acting import title
from core.documents import lampiran
from core.models import Plan, Signoff
from core.services import seals
from web.api.blueprints import ID, api_blueprint
from web.api.schemas import SignoffSealSchema
from web.api.tokens import current_actor
from web.extensions import session

bp = api_blueprint(
    "Segel penetapan",
    __name__,
    "/signoffs",
    "Penetapan yang tersegel (SHA-256) dan lampiran keputusannya.",
)

PDF_DOC: dict[str, Any] = {
    "responses": {
        "200": {
            "description": "Lampiran keputusan (PDF)",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def acting_title(mark: dict[str, Any] | None) -> str | None:
    return title(mark) if mark else None


def present_seal(record: Signoff) -> dict[str, Any]:
    check = seals.verify(session(), record)
    return {
        "id": record.id,
        "plan_id": record.plan_id,
        "verification_code": record.code,
        "decree_number": record.decree_number,
        "decree_date": record.decree_date,
        "signed_at": record.signed_at,
        "signer": record.signer_name,
        "signer_title": acting_title(seals.signer_acting(record)),
        "activity_count": record.activity_count,
        "total": record.total,
        "activity_ids": [link.activity_id for link in record.activities],
        "digest": record.digest,
        "recomputed_digest": check.recomputed,
        "valid": check.valid,
    }


def pdf_response(plan: Plan, records: list[Signoff], filename: str) -> Response:
    public_url = str(current_app.config.get("PUBLIC_URL", ""))
    document = lampiran.pdf_of(session(), plan, records, public_url)
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


@bp.route(f"/<{ID}:signoff_id>")
class SignoffSealView(MethodView):
    @bp.response(200, SignoffSealSchema)
    @bp.errors(401, 404)
    def get(self, signoff_id: int) -> dict[str, Any]:
        """Satu penetapan tersegel, dengan sidiknya dihitung ulang dari data saat ini
        (``valid`` palsu bila ada yang berubah sejak ditetapkan)."""
        return present_seal(seals.visible(session(), current_actor(), signoff_id))


@bp.route(f"/<{ID}:signoff_id>/lampiran.pdf")
class SignoffLampiranView(MethodView):
    @bp.doc(**PDF_DOC)
    @bp.errors(401, 404)
    def get(self, signoff_id: int) -> Response:
        """Lampiran keputusan satu penetapan (PDF)."""
        record = seals.visible(session(), current_actor(), signoff_id)
        plan = session().get(Plan, record.plan_id)
        assert plan is not None  # a foreign key
        return pdf_response(plan, [record], f"lampiran-{record.code}.pdf")
