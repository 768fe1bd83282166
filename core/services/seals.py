"""Sealed sign-offs: at every sign (one activity, or a decree batch) a canonical snapshot of
exactly what was signed — each activity's fields and confirmed amounts, the decree number and
date, the signer — and its SHA-256, stored in ``signoffs`` with a short verification code.

Verifying rebuilds the snapshot from the rows as they are now and compares digests, so an
amount changed behind the application's back (directly in the database) shows as a mismatch;
the stored snapshot is checked against its digest too, so it cannot be rewritten to match.

The canonical form is JSON with sorted keys, no spaces, UTF-8 (``FORMAT`` 1). A sign-off by an
acting official (Plt./Plh., ``core.acting``) adds ``signer.acting`` (kind, office, appointment,
surat perintah, for whom); a seal without it hashes exactly as before, so stored seals keep
verifying. A later change of the form (a registration number) gets a new ``FORMAT``; stored
seals keep the one they were made with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import Actor
from core.errors import NotFound
from core.models import Activity, Opd, Province, Signoff, SignoffActivity, User, utcnow

FORMAT = 1
# Crockford-like: no 0/O, 1/I/L, so a code read off paper is typed back right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes; printed as XXXX-XXXX
NOT_FOUND = "Segel penetapan tidak ditemukan."


def canonical(document: dict[str, Any]) -> bytes:
    """The bytes that are hashed: one spelling for one content."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def digest_of(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(document)).hexdigest()


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What someone typed (lower case, spaces, no dash) as the stored spelling."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


def _activity_rows(session: Session, activity_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Each activity as the seal holds it, in the order given."""
    # populate_existing: the rows as stored now, not what this session read earlier.
    query = (
        select(Activity, Opd.code)
        .join(Opd, Opd.id == Activity.opd_id)
        .where(Activity.id.in_(list(activity_ids)))
        .execution_options(populate_existing=True)
    )
    rows = session.execute(query).all()
    by_id = {a.id: (a, opd) for a, opd in rows}
    out: list[dict[str, Any]] = []
    for activity_id in activity_ids:
        if activity_id not in by_id:  # removed since: the rebuilt snapshot cannot match
            out.append({"id": activity_id, "missing": True})
            continue
        a, opd = by_id[activity_id]
        out.append(
            {
                "id": a.id,
                "plan_id": a.plan_id,
                "opd": opd,
                "title": a.title,
                "description": a.description,
                "pillar": a.pillar,
                "details": a.details or {},
                "decree_number": a.decree_number,
                "decree_date": a.decree_date.isoformat() if a.decree_date else None,
                "years": [
                    {
                        "year": y.year,
                        "target": y.target,
                        "proposed_budget": y.proposed_budget,
                        "confirmed_budget": y.confirmed_budget,
                    }
                    for y in a.years
                ],
            }
        )
    return out


def signer_acting(record: Signoff) -> dict[str, Any] | None:
    """The acting payload of a seal signed by a Plt./Plh. (None: signed in one's own right)."""
    snapshot = record.snapshot if isinstance(record.snapshot, dict) else {}
    found = (snapshot.get("signer") or {}).get("acting")
    return found if isinstance(found, dict) else None


def activity_total(activity: dict[str, Any]) -> int:
    return sum(y["confirmed_budget"] or 0 for y in activity.get("years", []))


def _document(
    *,
    province: str,
    plan_id: int,
    decree_number: str,
    decree_date: dt.date,
    signer: dict[str, Any],
    signed_at: dt.datetime,
    activities: list[dict[str, Any]],
) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "province": province,
        "plan_id": plan_id,
        "decree_number": decree_number,
        "decree_date": decree_date.isoformat(),
        "signer": signer,
        "signed_at": signed_at.astimezone(dt.UTC).isoformat(),
        "activities": activities,
        "count": len(activities),
        "total": sum(activity_total(a) for a in activities),
    }


def seal(
    session: Session,
    actor: Actor,
    *,
    province_id: int,
    plan_id: int,
    activity_ids: Sequence[int],
    decree_number: str,
    decree_date: dt.date,
    acting: dict[str, Any] | None = None,
) -> Signoff:
    """Seal what was just signed (in the caller's transaction, which commits); ``acting`` is
    the signing move's acting payload when the signer acted as Plt./Plh."""
    user = session.get(User, actor.user_id)
    signer: dict[str, Any] = {
        "id": actor.user_id,
        "username": actor.username,
        "full_name": actor.full_name,
        "nip": user.nip if user else None,
    }
    if acting is not None:  # only then: a seal in one's own right hashes as it always did
        signer["acting"] = acting
    signed_at = utcnow().replace(microsecond=0)  # what both databases store alike
    activities = _activity_rows(session, activity_ids)
    document = _document(
        province=actor.province_code,
        plan_id=plan_id,
        decree_number=decree_number,
        decree_date=decree_date,
        signer=signer,
        signed_at=signed_at,
        activities=activities,
    )
    record = Signoff(
        code=new_code(),
        province_id=province_id,
        plan_id=plan_id,
        decree_number=decree_number,
        decree_date=decree_date,
        signed_by_id=actor.user_id,
        signer_username=actor.username,
        signer_name=actor.full_name,
        signed_at=signed_at,
        activity_count=document["count"],
        total=document["total"],
        snapshot=document,
        digest=digest_of(document),
        activities=[SignoffActivity(activity_id=i, position=n) for n, i in enumerate(activity_ids)],
    )
    session.add(record)
    session.flush()
    return record


@dataclass(frozen=True)
class Verification:
    signoff: Signoff
    recomputed: str  # the digest of the snapshot rebuilt from the rows as they are now
    stored_intact: bool  # the stored snapshot still hashes to the stored digest

    @property
    def valid(self) -> bool:
        return self.stored_intact and self.recomputed == self.signoff.digest


def verify(session: Session, record: Signoff) -> Verification:
    """Rebuild the snapshot from the current rows and compare it with the seal."""
    province = session.get(Province, record.province_id)
    stored_signer = record.snapshot.get("signer", {}) if isinstance(record.snapshot, dict) else {}
    signer = {
        "id": record.signed_by_id,
        "username": record.signer_username,
        "full_name": record.signer_name,
        "nip": stored_signer.get("nip"),
    }
    if "acting" in stored_signer:  # covered by the stored digest, checked as ``intact``
        signer["acting"] = stored_signer["acting"]
    document = _document(
        province=province.code if province else "",
        plan_id=record.plan_id,
        decree_number=record.decree_number,
        decree_date=record.decree_date,
        signer=signer,
        signed_at=record.signed_at,
        activities=_activity_rows(session, [link.activity_id for link in record.activities]),
    )
    intact = digest_of(record.snapshot) == record.digest
    return Verification(record, digest_of(document), intact)


def by_code(session: Session, code: str) -> Signoff | None:
    return session.execute(
        select(Signoff).where(Signoff.code == normalise_code(code))
    ).scalar_one_or_none()


def visible(session: Session, actor: Actor, signoff_id: int) -> Signoff:
    """A seal the actor may read: of their province, and every activity in it visible to
    them (an OPD user sees the seals of their own OPD's signing only); 404 otherwise."""
    record = session.get(Signoff, signoff_id)
    if record is None or record.province_id != actor.province_id:
        raise NotFound(NOT_FOUND)
    ids = [link.activity_id for link in record.activities]
    scopes = session.execute(
        select(Activity.province_id, Activity.opd_id).where(Activity.id.in_(ids))
    ).all()
    if not all(actor.can_see(p, o) for p, o in scopes):
        raise NotFound(NOT_FOUND)
    return record


def of_plan(session: Session, plan_id: int) -> list[Signoff]:
    """Every seal of a plan, oldest first."""
    return list(
        session.execute(
            select(Signoff).where(Signoff.plan_id == plan_id).order_by(Signoff.id)
        ).scalars()
    )


def visible_of_plan(session: Session, actor: Actor, plan_id: int) -> list[Signoff]:
    """The plan's seals the actor may read (``visible``), oldest first."""
    out = []
    for record in of_plan(session, plan_id):
        try:
            out.append(visible(session, actor, record.id))
        except NotFound:
            continue
    return out


def latest_of(session: Session, activity_id: int) -> Signoff | None:
    """The newest seal that holds the activity (a sign-off seals an activity once)."""
    return session.execute(
        select(Signoff)
        .join(SignoffActivity, SignoffActivity.signoff_id == Signoff.id)
        .where(SignoffActivity.activity_id == activity_id)
        .order_by(Signoff.id.desc())
        .limit(1)
    ).scalar_one_or_none()
