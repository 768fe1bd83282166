"""What the one engine moves: a workflow type (``Subject``). Activities and progress reports
(issue 14) are two subjects of the same ``check`` → ``write`` → commit path: the same guarded
update, hash chain, outbox and notices, each on its own tables and through its own hooks.

A subject says where its rows and its chain are, how a transition loads one, which hooks rule
on and hear of its moves, and what its messages call it. What only an activity has (gates, the
pagu, the planning calendar's submission window, the decree seal) stays behind ``activity_only``;
docs/plugins.md ("A third workflow type") says what a new type declares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table
from sqlalchemy.orm import Session

from core.errors import Violation
from core.messages import N_
from core.models import ProgressReport, ReportAuditEntry
from core.plugins import ProvinceRuntime
from core.services.common import activities_t, audit_t
from core.services.transitions.load import Loaded, load, load_many, load_report, load_reports
from core.types import Recipient
from core.workflow import Transition, Workflow

reports_t = cast(Table, ProgressReport.__table__)
report_audit_t = cast(Table, ReportAuditEntry.__table__)

Rules = Callable[
    [ProvinceRuntime, Loaded, Transition, int, dict[str, Any], dict[int, dict[str, int]]],
    list[list[Violation]],
]
Told = Callable[[ProvinceRuntime, Loaded, Transition, Workflow], list[list[Recipient]]]


@dataclass(frozen=True)
class Texts:
    """What the engine's refusals call the subject (Bahasa Indonesia)."""

    not_found: str
    changed: str  # the version sent is stale
    taken: str  # another move won the row meanwhile
    four_eyes: str
    not_allowed: str


@dataclass(frozen=True)
class Subject:
    code: str  # "activity", "report": also the outbox payload's ``subject``
    table: (
        Table  # id, version, state, state_changed_at, updated_at, submitted_by_id, revision_round
    )
    audit: Table  # its hash chain: the columns of ``audit_entries``, keyed by ``audit_key``
    audit_key: str
    key_prefix: str  # of its outbox keys: "t:<id>:<seq>:<user>"
    texts: Texts
    load: Callable[[Session, int], Loaded | None]
    load_many: Callable[[Session, Sequence[int]], list[Loaded]]
    rules: Rules
    recipients: Told
    activity_only: bool = False  # gates, pagu, the submission window and the seal apply


def _activity_rules(
    runtime: ProvinceRuntime,
    loaded: Loaded,
    t: Transition,
    actor_id: int,
    payload: dict[str, Any],
    ceilings: dict[int, dict[str, int]],
) -> list[list[Violation]]:
    return list(
        runtime.pm.hook.transition_rules(
            activity=loaded.view,
            transition=t,
            actor_id=actor_id,
            payload=payload,
            reference=runtime.reference,
            ceilings=ceilings,
        )
    )


def _activity_told(
    runtime: ProvinceRuntime, loaded: Loaded, t: Transition, workflow: Workflow
) -> list[list[Recipient]]:
    return list(
        runtime.pm.hook.notification_recipients(
            activity=loaded.view, transition=t, workflow=workflow
        )
    )


def _report_rules(
    runtime: ProvinceRuntime,
    loaded: Loaded,
    t: Transition,
    actor_id: int,
    payload: dict[str, Any],
    ceilings: dict[int, dict[str, int]],
) -> list[list[Violation]]:
    return list(
        runtime.pm.hook.report_rules(
            report=loaded.report, transition=t, actor_id=actor_id, payload=payload
        )
    )


def _report_told(
    runtime: ProvinceRuntime, loaded: Loaded, t: Transition, workflow: Workflow
) -> list[list[Recipient]]:
    return list(
        runtime.pm.hook.report_recipients(report=loaded.report, transition=t, workflow=workflow)
    )


ACTIVITY = Subject(
    code="activity",
    table=activities_t,
    audit=audit_t,
    audit_key="activity_id",
    key_prefix="t",
    texts=Texts(
        not_found=N_("Kegiatan tidak ditemukan."),
        changed=N_("Kegiatan telah berubah sejak Anda membukanya; muat ulang lalu coba lagi."),
        taken=N_("Kegiatan telah diproses pengguna lain; muat ulang lalu coba lagi."),
        four_eyes=N_("Kegiatan tidak dapat disetujui oleh pengguna yang mengajukannya."),
        not_allowed=N_("Peran Anda tidak berwenang melakukan aksi ini pada kegiatan ini."),
    ),
    load=load,
    load_many=load_many,
    rules=_activity_rules,
    recipients=_activity_told,
    activity_only=True,
)

REPORT = Subject(
    code="report",
    table=reports_t,
    audit=report_audit_t,
    audit_key="report_id",
    key_prefix="r",
    texts=Texts(
        not_found=N_("Laporan tidak ditemukan."),
        changed=N_("Laporan telah berubah sejak Anda membukanya; muat ulang lalu coba lagi."),
        taken=N_("Laporan telah diproses pengguna lain; muat ulang lalu coba lagi."),
        four_eyes=N_("Laporan tidak dapat disetujui oleh pengguna yang mengajukannya."),
        not_allowed=N_("Peran Anda tidak berwenang melakukan aksi ini pada laporan ini."),
    ),
    load=load_report,
    load_many=load_reports,
    rules=_report_rules,
    recipients=_report_told,
)
