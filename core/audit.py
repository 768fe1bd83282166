"""The audit trail's hash chain: each entry's hash covers its content and the previous hash of
the same activity, so editing or deleting a row breaks every later link.

Two canonical forms. Entries are written in form 2, which covers every column but the row's
own ``id`` (a surrogate key) and ``hash`` itself: ``prev_hash`` is the chained prefix, and the
body holds the form's marker and ``actor_id`` beside the rest. Form 1, used before, left
``actor_id`` out (only the username was covered). Entries written then are not rehashed —
rewriting an append-only table would launder whatever had been tampered with before — so an
entry verifies when its stored hash is its form 2 hash, or else its form 1 hash. The fallback
gives an edited entry no way through: a form 2 hash never equals the form 1 hash of any
content (different bodies under SHA-256), so an edited ``actor_id`` of a new entry matches
neither, and a forger able to recompute a form 1 hash could recompute a form 2 one anyway
(the next link still breaks). What remains uncovered is only an old entry's ``actor_id``; its
username, which names the same user, is covered. ``Verification.legacy`` counts those entries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Activity, AuditEntry, ProgressReport, ReportAuditEntry
from core.timezones import as_utc

GENESIS = "0" * 64


FORM = 2  # the canonical form new entries are hashed in (form 1: without actor_id)


def entry_hash(
    *,
    prev_hash: str,
    activity_id: int,
    seq: int,
    actor_id: int | None,
    actor: str,
    role: str,
    action: str,
    from_state: str | None,
    to_state: str,
    comment: str | None,
    payload: dict[str, Any],
    at: dt.datetime,
    form: int = FORM,
    subject: str = "activity",
) -> str:
    """The entry's hash. ``activity_id`` is the id of the chain's subject; another workflow
    type's chain (``subject``, e.g. ``"report"``) is marked in the body, so an entry of one
    type's chain never hashes like one of another's."""
    content: list[Any] = [
        activity_id,
        seq,
        actor,
        role,
        action,
        from_state,
        to_state,
        comment,
        payload,
        as_utc(at).replace(tzinfo=None).isoformat(timespec="microseconds"),
    ]
    if form >= 2:
        content = [f"v{form}", actor_id, *content]
    if subject != "activity":
        content = [subject, *content]
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def rehash(e: AuditEntry | ReportAuditEntry, form: int = FORM) -> str:
    """The hash a stored entry (of an activity's chain or a report's) should have in ``form``,
    from its own content and ``prev_hash``."""
    subject_id, subject = (
        (e.report_id, "report") if isinstance(e, ReportAuditEntry) else (e.activity_id, "activity")
    )
    return entry_hash(
        prev_hash=e.prev_hash,
        activity_id=subject_id,
        subject=subject,
        seq=e.seq,
        actor_id=e.actor_id,
        actor=e.actor,
        role=e.role,
        action=e.action,
        from_state=e.from_state,
        to_state=e.to_state,
        comment=e.comment,
        payload=e.payload or {},
        at=e.at,
        form=form,
    )


def form_of(e: AuditEntry | ReportAuditEntry) -> int | None:
    """The canonical form whose hash the entry holds (the newest first); None: neither, the
    entry was changed after it was written."""
    return next((f for f in (FORM, 1) if rehash(e, f) == e.hash), None)


@dataclass(frozen=True)
class Break:
    activity_id: int
    seq: int
    entry_id: int
    reason: str
    report_id: int | None = None  # a break in a progress report's chain (of that activity)


@dataclass
class Verification:
    """What a walk over the chains went through: the entries checked, and how many of them
    hold a form 1 hash (written before ``actor_id`` was covered)."""

    entries: int = 0
    legacy: int = 0


def iter_breaks(session: Session, province_id: int | None = None) -> Iterator[Break]:
    """Walk every chain (of one province's activities, when given) in (activity, seq) order
    and yield each broken link."""
    return walk_chains(session, Verification(), province_id)


def walk_chains(
    session: Session, tally: Verification, province_id: int | None = None
) -> Iterator[Break]:
    """``iter_breaks``, counting into ``tally`` what it walked over."""
    stmt = select(AuditEntry).order_by(AuditEntry.activity_id, AuditEntry.seq)
    if province_id is not None:
        stmt = stmt.join(Activity, Activity.id == AuditEntry.activity_id).where(
            Activity.province_id == province_id
        )
    rows = session.execute(stmt.execution_options(yield_per=1000)).scalars()
    yield from _walk(((e, e.activity_id, None) for e in rows), tally)
    # The progress reports' chains (the second workflow type), each under its activity.
    r = ReportAuditEntry
    reports = (
        select(r, ProgressReport.activity_id)
        .join(ProgressReport, ProgressReport.id == r.report_id)
        .order_by(r.report_id, r.seq)
    )
    if province_id is not None:
        reports = reports.where(ProgressReport.province_id == province_id)
    report_rows = session.execute(reports.execution_options(yield_per=1000))
    yield from _walk(((e, activity_id, e.report_id) for e, activity_id in report_rows), tally)


def _walk(
    rows: Iterable[tuple[AuditEntry | ReportAuditEntry, int, int | None]], tally: Verification
) -> Iterator[Break]:
    """Check each chain's links, in (chain, seq) order: ``(entry, activity_id, report_id)``."""
    current: tuple[int, int | None] | None = None
    prev = GENESIS
    expected_seq = 1
    for e, activity_id, report_id in rows:
        tally.entries += 1
        if (activity_id, report_id) != current:
            current, prev, expected_seq = (activity_id, report_id), GENESIS, 1
        at = (activity_id, e.seq, e.id)
        if e.seq != expected_seq:
            yield Break(*at, f"urutan terputus: diharapkan {expected_seq}", report_id)
        if e.prev_hash != prev:
            yield Break(*at, "prev_hash tidak cocok dengan entri sebelumnya", report_id)
        form = form_of(e)
        if form is None:
            yield Break(*at, "isi entri berubah (hash tidak cocok)", report_id)
        elif form == 1:
            tally.legacy += 1
        prev = e.hash
        expected_seq = e.seq + 1


@dataclass(frozen=True)
class ChainHealth:
    """What ``sepakat audit verify`` finds for one province: entries and chains checked, and
    every broken link (``breaks``, at most ``MAX_BREAKS`` of them kept; ``more`` beyond)."""

    entries: int
    activities: int
    breaks: tuple[Break, ...]
    more: int = 0

    @property
    def intact(self) -> bool:
        return not self.breaks


MAX_BREAKS = 200


def chain_health(session: Session, province_id: int) -> ChainHealth:
    """Verify every chain of the province's activities (what ``sepakat audit verify`` does,
    restricted to the province), with how many entries and chains it checked."""
    breaks: list[Break] = []
    more = 0
    for brk in iter_breaks(session, province_id):
        if len(breaks) < MAX_BREAKS:
            breaks.append(brk)
        else:
            more += 1
    entries, chains = session.execute(
        select(func.count(AuditEntry.id), func.count(func.distinct(AuditEntry.activity_id)))
        .join(Activity, Activity.id == AuditEntry.activity_id)
        .where(Activity.province_id == province_id)
    ).one()
    return ChainHealth(int(entries), int(chains), tuple(breaks), more)
