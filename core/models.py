"""The persistent model, SQLAlchemy 2.0 style. Flask-SQLAlchemy binds ``Base`` via ``model_class``.

Money is integer rupiah (BigInteger). Times are UTC: ``timestamptz`` on PostgreSQL, UTC text on
SQLite, and aware UTC ``datetime``s in Python on both (``UTCDateTime``), so comparisons never mix
naive and aware values and both backends hash audit entries identically. Which zone a person
reads them in is the province's (``core.timezones``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.timezones import DEFAULT_ZONE, as_utc

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Aware UTC now, microseconds kept (see module docstring)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment: ``timestamp with time zone`` on PostgreSQL, and aware UTC in Python.

    Values bound are converted to UTC first (a naive one is taken as UTC): PostgreSQL gets an
    aware value, so the session's ``TimeZone`` never reinterprets it; SQLite, which stores text
    without an offset, gets the naive UTC wall clock. Values read back are aware UTC on both,
    whatever ``TimeZone`` the PostgreSQL session has."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        utc = as_utc(value)
        return utc if dialect.name == "postgresql" else utc.replace(tzinfo=None)

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Province(Base):
    __tablename__ = "provinces"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # The plugin's ProvinceInfo.timezone, kept by sync_provinces: what delivery (which has the
    # database but no plugin registry) writes e-mail times in.
    timezone: Mapped[str] = mapped_column(
        String(64), default=DEFAULT_ZONE, server_default=DEFAULT_ZONE
    )


class Opd(Base):
    """An OPD of a province. Seeded from the plugin's reference data, then the province admin's
    (``core.services.opds``): once ``updated_at`` is set, a re-seed never touches the row again.
    Never deleted; an inactive OPD keeps its history but is offered for nothing new."""

    __tablename__ = "opds"
    __table_args__ = (
        UniqueConstraint("province_id", "code", name="uq_opds_province_code"),
        # An index, not a table constraint: SQLite adds it without rebuilding the table.
        Index("uq_opds_province_sipd_code", "province_id", "sipd_code", unique=True),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    # The SIPD unit code (kode unit SKPD, e.g. 2.08.2.14.0.00.01.0000); None: not known yet.
    sipd_code: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # Who changed the row last, and when (the province admin; None while it is as seeded).
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    province: Mapped[Province] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(200))
    nip: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised to end every session of the user at once (logout, a new password): a page session
    # carries the value it was opened with and is refused once it differs.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language the user reads (``id``, ``en``): chosen on the pages, kept for their
    # notifications and e-mails, which are written while they are not looking. None: Indonesian.
    language: Mapped[str | None] = mapped_column(String(8))
    province: Mapped[Province] = relationship()
    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class RoleAssignment(Base):
    """A role held in a province, optionally limited to one OPD (``opd_staff``/``opd_head``)."""

    __tablename__ = "role_assignments"
    __table_args__ = (UniqueConstraint("user_id", "role", "opd_id", name="uq_role_assignments"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opds.id"))
    user: Mapped[User] = relationship(back_populates="roles")
    opd: Mapped[Opd | None] = relationship(lazy="joined")


class Plan(Base):
    """A RAD document (Kepgub/Pergub) and its period."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("province_id", "code", name="uq_plans_province_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    code: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    decree_number: Mapped[str] = mapped_column(String(120))
    decree_date: Mapped[dt.date | None] = mapped_column(Date)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    # The last registration number's sequence given in this plan (core.services.registration):
    # one guarded UPDATE per new activity, so parallel creates never draw the same number.
    registration_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    province: Mapped[Province] = relationship()


class WorkflowDefinition(Base):
    """Every workflow version ever used, so an activity keeps the route it started on."""

    __tablename__ = "workflow_definitions"
    province_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


# What the dashboard's tally reads of each activity besides its state (an index's INCLUDE).
TALLY_COLUMNS = ["pillar", "proposed_total", "confirmed_total", "discarded_at"]


class Activity(Base):
    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_scope", "province_id", "opd_id", "state", "id"),
        # A state's page of a province; on PostgreSQL it also carries what the dashboard's
        # tally adds up per state and pillar (``web.ui.dashboard.tally``), which then reads
        # the index alone instead of every row of the province (issue 17). Same key as before:
        # a move writes no more index entries, only wider ones.
        Index(
            "ix_activities_province_state",
            "province_id",
            "state",
            "id",
            postgresql_include=TALLY_COLUMNS,
        ),
        # A province's newest first (the list's first and deeper pages, every filter that is
        # not an index of its own: pillar, year, search); the province's rows of any read.
        Index("ix_activities_province_id", "province_id", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opds.id"))
    # The human number, e.g. LPG-2023-0042 (core.services.registration); given at create.
    registration_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    pillar: Mapped[str] = mapped_column(String(60))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(40))  # the workflow's initial state on create
    workflow_version: Mapped[str] = mapped_column(String(40))
    revision_round: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decree_number: Mapped[str | None] = mapped_column(String(120))
    # Tanggal penetapan: entered at sign-off beside the number, by default the signing day in
    # the province's zone (a calendar day, not a moment).
    decree_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hapus draf: a draft never submitted, set aside by its OPD (core.services.drafts). The row
    # and its audit chain stay (the chain is append-only); every read and move treats it as
    # gone (core.access.activity_scope, the transition load).
    discarded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    discarded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper
    # The sums of its years' budgets (issue 17): the dashboard's totals per pillar read them
    # from the activity rows instead of joining every activity year of a national-scale
    # province. Kept by whoever writes the years' budgets: ``core.services.activities``
    # (proposed, ``set_years``) and a move that books or releases a confirmation
    # (``core.services.transitions.write``); None while nothing is confirmed.
    proposed_total: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    confirmed_total: Mapped[int | None] = mapped_column(BigInteger)

    years: Mapped[list[ActivityYear]] = relationship(
        back_populates="activity",
        cascade="all, delete-orphan",
        order_by="ActivityYear.year",
        lazy="selectin",
    )
    opd: Mapped[Opd] = relationship(lazy="joined")
    plan: Mapped[Plan] = relationship()


class ActivityYear(Base):
    __tablename__ = "activity_years"
    __table_args__ = (UniqueConstraint("activity_id", "year", name="uq_activity_years"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer, index=True)
    target: Mapped[str] = mapped_column(String(200), default="")
    proposed_budget: Mapped[int] = mapped_column(BigInteger)
    confirmed_budget: Mapped[int | None] = mapped_column(BigInteger)
    activity: Mapped[Activity] = relationship(back_populates="years")


class Ceiling(Base):
    """An OPD's pagu for one year. ``confirmed`` is kept by one guarded UPDATE per confirmation,
    which is what stops two parallel confirmations from overshooting the pagu together."""

    __tablename__ = "ceilings"
    __table_args__ = (UniqueConstraint("opd_id", "year", name="uq_ceilings_opd_year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    opd_id: Mapped[int] = mapped_column(ForeignKey("opds.id"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    confirmed: Mapped[int] = mapped_column(BigInteger, default=0)
    # Who set the amount last, and when (a province admin; None for seeded data).
    updated_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class ChainEntry:
    """The columns of an entry of a hash chain (``core.audit``), whatever its subject: an
    activity's (``AuditEntry``) or a progress report's (``ReportAuditEntry``)."""

    seq: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    comment: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(ChainEntry, Base):
    """Append-only; ``hash`` chains each entry to the previous one of the same activity."""

    __tablename__ = "audit_entries"
    __table_args__ = (UniqueConstraint("activity_id", "seq", name="uq_audit_entries_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), sort_order=-1)


class Signoff(Base):
    """A sealed sign-off: what one decree signed (one activity, or a batch), as a canonical
    snapshot and its SHA-256 (``core.services.seals``). ``code`` is the short verification code
    printed on the lampiran; the public page answers for it."""

    __tablename__ = "signoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    decree_number: Mapped[str] = mapped_column(String(120))
    decree_date: Mapped[dt.date] = mapped_column(Date)
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signer_username: Mapped[str] = mapped_column(String(80))
    signer_name: Mapped[str] = mapped_column(String(200))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    activity_count: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(BigInteger)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))
    activities: Mapped[list[SignoffActivity]] = relationship(
        cascade="all, delete-orphan", order_by="SignoffActivity.position", lazy="selectin"
    )


class SignoffActivity(Base):
    """Which activities a sign-off sealed, in the order they were signed."""

    __tablename__ = "signoff_activities"
    signoff_id: Mapped[int] = mapped_column(
        ForeignKey("signoffs.id", ondelete="CASCADE"), primary_key=True
    )
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)


class Attachment(Base):
    """A file attached to an activity (TOR/KAK, RAB, photos) or to a sign-off (the signed SK
    scan). The bytes live in the storage (``core.storage``), addressed by ``sha256``; the row
    says what and whose it is. ``removed_at`` keeps a removed one's row for the audit."""

    __tablename__ = "attachments"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"), index=True)
    signoff_id: Mapped[int | None] = mapped_column(ForeignKey("signoffs.id"), index=True)
    # Evidence of a progress report (photos, attendance lists, PDFs): then activity_id is None
    # (the activity's own files stay its own) and whoever may see the report's activity sees it
    # (``core.services.attachments``).
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A notification to hand to the broker, written in the transition's own transaction."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_unsent", "sent_at", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class Notification(Base):
    """A delivered inbox row; ``key`` (the outbox key) makes delivery idempotent."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user", "user_id", "id"),
        Index("ix_notifications_open", "activity_id", "stage"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    email_status: Mapped[str] = mapped_column(String(20), default="pending")
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_error: Mapped[str | None] = mapped_column(Text)
    # An item that asks its reader to act at ``stage`` (a state code) is done (``done_at``) once
    # the activity leaves that stage or the reader's party decides at its gate; None: it only
    # tells.
    stage: Mapped[str | None] = mapped_column(String(40))
    done_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # A notice about one of the activity's progress reports (None: about the activity): the
    # item closes when that report, not the activity, leaves ``stage``.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("progress_reports.id"))


class Reminder(Base):
    """One reminder or escalation sent, unique per (activity, stage, round, level)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("activity_id", "stage", "revision_round", "level", name="uq_reminders"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    stage: Mapped[str] = mapped_column(String(40))
    revision_round: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class GateDecision(Base):
    """One party's decision at a gate (``core.workflow.gate``): unique per (activity, gate state,
    revision round, party), so a party decides once per visit even when two requests race."""

    __tablename__ = "gate_decisions"
    __table_args__ = (
        UniqueConstraint(
            "activity_id", "stage", "revision_round", "party", name="uq_gate_decisions"
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    stage: Mapped[str] = mapped_column(String(40))
    revision_round: Mapped[int] = mapped_column(Integer)
    party: Mapped[str] = mapped_column(String(80))  # "opd:<code>" or "user:<id>"
    decision: Mapped[str] = mapped_column(String(20))  # "concur" or "object"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(40))
    opd_code: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Clarification(Base):
    """A reviewer's question on an activity and the OPD's answer: no state change, no revision
    round (``core.services.clarifications``)."""

    __tablename__ = "clarifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    asked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AdminAuditEntry(Base):
    """One administrative action (an account, an OPD, a pagu, an acting appointment, a calendar
    window): who did what to which record, with the record before and after. Append-only (a
    PostgreSQL trigger refuses UPDATE, DELETE and TRUNCATE, migration 0009); written in the same
    transaction as the change it describes (``core.services.admin_audit``)."""

    __tablename__ = "admin_audit_entries"
    __table_args__ = (Index("ix_admin_audit_province", "province_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor: Mapped[str] = mapped_column(String(80))  # the username, kept as it was then
    action: Mapped[str] = mapped_column(String(60))  # e.g. "user.create", "pagu.set"
    target_type: Mapped[str] = mapped_column(String(40))  # e.g. "user", "opd", "ceiling"
    target_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class PasswordReset(Base):
    """A one-time password-reset link (``core.services.password_reset``): only the SHA-256 of
    its token is kept, so the table leaks no usable link. Used once (``used_at``) or never after
    ``expires_at``; issuing a new one for the user ends the older ones."""

    __tablename__ = "password_resets"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The admin who sent it; None when the user asked for it on the login page.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class PlanningWindow(Base):
    """One window of a province's planning calendar for one plan year: OPD submission, Bappeda
    verification or sign-off (``core.deadlines.WindowKind``), from ``starts_on`` to ``ends_on``,
    both calendar days in the province's zone and both inclusive. Per province and year, not per
    plan: a province runs one budget cycle a year (its pagu is per OPD and year too), whichever
    plan an activity belongs to. ``original_ends_on`` is the end first set, kept once a window
    is extended (every change is in the admin audit as well)."""

    __tablename__ = "planning_windows"
    __table_args__ = (UniqueConstraint("province_id", "year", "kind", name="uq_planning_windows"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    original_ends_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RevokedToken(Base):
    """Bearer tokens ended by logout before they expire (by their ``jti``)."""

    __tablename__ = "revoked_tokens"
    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ActingAppointment(Base):
    """An acting official (*Plt.* or *Plh.*): ``user`` acts in ``role`` (for ``opd`` when the
    role is OPD-scoped) from ``start_date`` to ``end_date``, both included, under a surat
    perintah (``decree_number``). The days are the province's calendar days; ``starts_at`` and
    ``ends_at`` are the same window as UTC moments (the province's midnight opening the first
    day and closing the last), derived once at create, so "who acts now" is one comparison on
    every database (``core.acting``). Never deleted (the audit names it): ``revoked_at`` ends
    it early."""

    __tablename__ = "acting_appointments"
    __table_args__ = (Index("ix_acting_appointments_window", "province_id", "role", "ends_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    opd_id: Mapped[int | None] = mapped_column(ForeignKey("opds.id"))
    kind: Mapped[str] = mapped_column(String(10))  # "plt" / "plh"
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decree_number: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    opd: Mapped[Opd | None] = relationship(lazy="joined")


class ProgressReport(Base):
    """What an OPD achieved and spent on a signed activity in one reporting period of one year
    (issue 14): the second workflow type the engine moves (``core.services.transitions``,
    subject ``report``), with the same version guard, audit chain, outbox and notices as an
    activity. One per (activity, year, period); its OPD and province are the activity's."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("activity_id", "year", "period", name="uq_progress_reports_period"),
        Index("ix_progress_reports_scope", "province_id", "year", "period", "state"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"))
    opd_id: Mapped[int] = mapped_column(ForeignKey("opds.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))  # the province's period code (``S1``)
    state: Mapped[str] = mapped_column(String(40))
    workflow_version: Mapped[str] = mapped_column(String(40))
    revision_round: Mapped[int] = mapped_column(Integer, default=0)
    # Realised output against the year's target, in the target's unit ("60 orang": 60, orang).
    output_target: Mapped[float | None] = mapped_column(Float)
    output_realised: Mapped[float | None] = mapped_column(Float)
    output_unit: Mapped[str] = mapped_column(String(60), default="")
    budget_realised: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah spent so far
    obstacles: Mapped[str] = mapped_column(Text, default="")  # kendala
    follow_up: Mapped[str] = mapped_column(Text, default="")  # tindak lanjut
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - read once by the mapper


class ReportAuditEntry(ChainEntry, Base):
    """A progress report's hash chain: the same columns and hashing as ``AuditEntry``
    (``core.audit``), keyed by the report. Append-only on PostgreSQL (migration 0016)."""

    __tablename__ = "report_audit_entries"
    __table_args__ = (UniqueConstraint("report_id", "seq", name="uq_report_audit_entries_seq"),)
    id: Mapped[int] = mapped_column(primary_key=True, sort_order=-2)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id"), sort_order=-1)


class ReportReminder(Base):
    """One reminder or escalation about a progress report, sent once: before or after its due
    date (``stage`` ``due``: none filed yet, or still in draft), or while it waits at a stage.
    Keyed by the activity, year and period rather than the report, since the report a
    reminder asks for may not exist yet."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        UniqueConstraint(
            "activity_id",
            "year",
            "period",
            "stage",
            "revision_round",
            "level",
            name="uq_report_reminders",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"))
    year: Mapped[int] = mapped_column(Integer)
    period: Mapped[str] = mapped_column(String(20))
    stage: Mapped[str] = mapped_column(String(40))
    revision_round: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
