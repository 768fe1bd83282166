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
from typing import Any, cast

from sqlalchemy import ARRAY, Integer, Table, any_, bindparam, func, insert, select, true
from sqlalchemy.orm import Session, make_transient_to_detached

from core import driver_sql
from core.access import Actor
from core.errors import NotFound
from core.models import (
    Activity,
    ActivityYear,
    Opd,
    Province,
    Signoff,
    SignoffActivity,
    User,
    utcnow,
)

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


# Built once, in Core: the rows as stored now (no identity map, so no stale ORM state) in one
# round trip with the years and the OPD's code; the hot path only binds the ids.
_activities_t = cast(Table, Activity.__table__)
_years_t = cast(Table, ActivityYear.__table__)
_opds_t = cast(Table, Opd.__table__)
_signoffs_t = cast(Table, Signoff.__table__)
_links_t = cast(Table, SignoffActivity.__table__)


def _rows_select(pick: Any) -> Any:
    return (
        select(
            _activities_t.c.id,
            _activities_t.c.plan_id,
            _opds_t.c.code.label("opd"),
            _activities_t.c.title,
            _activities_t.c.description,
            _activities_t.c.pillar,
            _activities_t.c.details,
            _activities_t.c.decree_number,
            _activities_t.c.decree_date,
            _years_t.c.year,
            _years_t.c.target,
            _years_t.c.proposed_budget,
            _years_t.c.confirmed_budget,
            # The signer's NIP with the rows: a seal reads once before it writes.
            select(User.nip)
            .where(User.id == bindparam("signer_id"))
            .scalar_subquery()
            .label("nip"),
        )
        .join(_opds_t, _opds_t.c.id == _activities_t.c.opd_id)
        .outerjoin(_years_t, _years_t.c.activity_id == _activities_t.c.id)
        .where(pick)
        .order_by(_activities_t.c.id, _years_t.c.year)
    )


_ROWS = _rows_select(_activities_t.c.id.in_(bindparam("ids", expanding=True)))
# PostgreSQL: the ids as one array parameter, so the statement runs on the driver's cursor
# (``core.driver_sql``: an expanding IN is re-rendered by SQLAlchemy on every call).
_ROWS_PG = _rows_select(_activities_t.c.id == any_(bindparam("ids", type_=ARRAY(Integer))))
_NIP = select(User.nip).where(User.id == bindparam("signer_id"))
_SIGNOFF_COLUMNS = [c.name for c in _signoffs_t.columns if c.name != "id"]
_INSERT_SIGNOFF = insert(_signoffs_t).returning(_signoffs_t.c.id)
_INSERT_LINKS = insert(_links_t)


def sealing(moved: Any = None) -> tuple[Any, Any]:
    """PostgreSQL: the seal and its activity links as two data-modifying CTEs (``sealed``,
    whose ``id`` is the seal's, and ``links``), binding ``seal_params``. With ``moved`` (the
    signing move's guarded UPDATE, a CTE) the seal is written only if that matched a row, so
    a transition seals in the statement that moves it (``core.services.transitions.write``)."""
    binds = [bindparam(f"s_{name}", type_=_signoffs_t.c[name].type) for name in _SIGNOFF_COLUMNS]
    if moved is None:
        row: Any = insert(_signoffs_t).values(dict(zip(_SIGNOFF_COLUMNS, binds, strict=True)))
    else:
        row = insert(_signoffs_t).from_select(_SIGNOFF_COLUMNS, select(*binds).select_from(moved))
    sealed = row.returning(_signoffs_t.c.id).cte("sealed")
    ids = (
        func.unnest(bindparam("activity_ids", type_=ARRAY(Integer)))
        .table_valued("activity_id", with_ordinality="ord")
        .render_derived()
    )
    links = (
        insert(_links_t)
        .from_select(
            ["signoff_id", "activity_id", "position"],
            select(sealed.c.id, ids.c.activity_id, ids.c.ord - 1)
            .select_from(sealed)
            .join(ids, true()),
        )
        .cte("links")
    )
    return sealed, links


def _insert_both() -> Any:
    """PostgreSQL: the seal and its activity links in one statement."""
    sealed, links = sealing()
    return select(sealed.c.id).add_cte(links)


_INSERT_BOTH = _insert_both()


def _activity_rows(session: Session, activity_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Each activity as the seal holds it, in the order given."""
    return _rows_and_nip(session, activity_ids, None)[0]


def _rows_and_nip(
    session: Session, activity_ids: Sequence[int], signer_id: int | None
) -> tuple[list[dict[str, Any]], str | None]:
    """``_activity_rows`` and the NIP of user ``signer_id``, in one round trip."""
    session.flush()  # what the session holds unwritten counts (an ORM query would autoflush)
    conn = driver_sql.connection(session)
    by_id: dict[int, dict[str, Any]] = {}
    nip: str | None = None
    statement = _ROWS_PG if conn.dialect.name == "postgresql" else _ROWS
    params = {"ids": list(activity_ids), "signer_id": signer_id}
    for r in driver_sql.execute(conn, statement, params).rows:
        nip = r.nip
        a = by_id.get(r.id)
        if a is None:
            a = by_id[r.id] = activity_entry(
                r.id, r.plan_id, r.opd, r.title, r.description, r.pillar, r.details,
                r.decree_number, r.decree_date, [],
            )  # fmt: skip
        if r.year is not None:
            a["years"].append(
                {
                    "year": r.year,
                    "target": r.target,
                    "proposed_budget": r.proposed_budget,
                    "confirmed_budget": r.confirmed_budget,
                }
            )
    if not by_id and signer_id is not None:  # no row to carry it
        nip = conn.execute(_NIP, {"signer_id": signer_id}).scalar()
    # Removed since: the rebuilt snapshot cannot match.
    return [by_id.get(i) or {"id": i, "missing": True} for i in activity_ids], nip


def activity_entry(
    activity_id: int,
    plan_id: int,
    opd: str,
    title: str,
    description: str | None,
    pillar: str,
    details: dict[str, Any] | None,
    decree_number: str | None,
    decree_date: dt.date | None,
    years: list[dict[str, Any]],
) -> dict[str, Any]:
    """One activity as a seal's document holds it (what the digest covers)."""
    return {
        "id": activity_id,
        "plan_id": plan_id,
        "opd": opd,
        "title": title,
        "description": description,
        "pillar": pillar,
        "details": details or {},
        "decree_number": decree_number,
        "decree_date": decree_date.isoformat() if decree_date else None,
        "years": years,
    }


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
    activities, nip = _rows_and_nip(session, activity_ids, actor.user_id)
    values = seal_values(
        actor,
        province_id=province_id,
        plan_id=plan_id,
        activities=activities,
        nip=nip,
        decree_number=decree_number,
        decree_date=decree_date,
        acting=acting,
    )
    # Core, not the ORM's flush: one round trip on PostgreSQL (two elsewhere) instead of two
    # INSERTs after the unit of work's bookkeeping.
    conn = driver_sql.connection(session)
    if conn.dialect.name == "postgresql":
        params = seal_params(values, activity_ids)
        signoff_id = driver_sql.execute(conn, _INSERT_BOTH, params).scalar_one()
    else:
        signoff_id = conn.execute(_INSERT_SIGNOFF, values).scalar_one()
        links = [
            {"signoff_id": signoff_id, "activity_id": i, "position": n}
            for n, i in enumerate(activity_ids)
        ]
        conn.execute(_INSERT_LINKS, links)
    # The row as the session's own, persistent object (its ``activities`` load when read).
    record = Signoff(id=signoff_id, **values)
    make_transient_to_detached(record)
    session.add(record)
    return record


def seal_values(
    actor: Actor,
    *,
    province_id: int,
    plan_id: int,
    activities: list[dict[str, Any]],
    nip: str | None,
    decree_number: str,
    decree_date: dt.date,
    acting: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The seal's row: its document (``activities`` as ``activity_entry`` gives them and the
    signer with their ``nip``), the document's digest and a fresh verification code."""
    signer: dict[str, Any] = {
        "id": actor.user_id,
        "username": actor.username,
        "full_name": actor.full_name,
        "nip": nip,
    }
    if acting is not None:  # only then: a seal in one's own right hashes as it always did
        signer["acting"] = acting
    signed_at = utcnow().replace(microsecond=0)  # what both databases store alike
    document = _document(
        province=actor.province_code,
        plan_id=plan_id,
        decree_number=decree_number,
        decree_date=decree_date,
        signer=signer,
        signed_at=signed_at,
        activities=activities,
    )
    values: dict[str, Any] = {
        "code": new_code(),
        "province_id": province_id,
        "plan_id": plan_id,
        "decree_number": decree_number,
        "decree_date": decree_date,
        "signed_by_id": actor.user_id,
        "signer_username": actor.username,
        "signer_name": actor.full_name,
        "signed_at": signed_at,
        "activity_count": document["count"],
        "total": document["total"],
        "snapshot": document,
        "digest": digest_of(document),
    }
    return values


def seal_params(values: dict[str, Any], activity_ids: Sequence[int]) -> dict[str, Any]:
    """What ``sealing`` (and the statement of ``seal``) binds."""
    return {f"s_{k}": v for k, v in values.items()} | {"activity_ids": list(activity_ids)}


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
