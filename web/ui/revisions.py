"""The timeline of an activity and what changed since it was last sent back, both read from the
audit trail (``edit`` entries carry ``{"changes": {field: [old, new]}}``). A progress report's
chain has the same columns (``ReportAuditEntry``) and reads the same way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from flask_babel import lazy_gettext as _l

from core.acting import signed_as
from core.models import AuditEntry, ReportAuditEntry
from core.services.queries import actor_names
from core.workflow import StateKind, Workflow
from web.extensions import session
from web.ui.formatting import rupiah
from web.ui.forms import FieldSpec, by_name, describe, field_label

Entry = AuditEntry | ReportAuditEntry  # an activity's chain or a progress report's

# Entries that are not workflow transitions.
ACTION_LABELS: dict[str, Any] = {
    "create": _l("Dibuat"),
    "edit": _l("Diubah"),
    "attachment_added": _l("Lampiran ditambahkan"),
    "attachment_removed": _l("Lampiran dihapus"),
    "tanya_klarifikasi": _l("Pertanyaan klarifikasi"),
    "jawab_klarifikasi": _l("Jawaban klarifikasi"),
}


@dataclass(frozen=True)
class Change:
    label: Any
    old: str
    new: str


@dataclass(frozen=True)
class TimelineItem:
    entry: Entry
    label: Any
    actor_name: str  # "Plt. Kepala Dinas Sosial — <name>" for an acting official
    acting: dict[str, Any] | None = None  # the entry's acting payload (core.acting)


def action_label(workflow: Workflow, action: str) -> Any:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return workflow.action_label(action)  # a transition's, or a gate decision's


def timeline(entries: Sequence[Entry], workflow: Workflow) -> list[TimelineItem]:
    # The two chains have the same columns; actor_names reads only ``actor_id``.
    names = actor_names(session(), cast(Sequence[AuditEntry], entries))
    out = []
    for e in entries:
        name = names.get(e.actor_id or 0, e.actor)
        mark = (e.payload or {}).get("acting")
        if isinstance(mark, dict):  # "Plt. Kepala Dinas Sosial — <name>" (core.acting)
            out.append(
                TimelineItem(e, action_label(workflow, e.action), signed_as(mark, name), mark)
            )
        else:
            out.append(TimelineItem(e, action_label(workflow, e.action), name))
    return out


def last_return(entries: Sequence[Entry], workflow: Workflow) -> Entry | None:
    """The transition that last sent the activity back (an edit is an entry too, from and to
    the same state)."""
    return next((e for e in reversed(entries) if _sent_back(e, workflow)), None)


def note_of(entries: Sequence[Entry], workflow: Workflow, state: str) -> TimelineItem | None:
    """The note the OPD must read now: while the activity is back with it, the return that
    sent it back; once refused, the refusal. None in any other state or without such a move."""
    kind = workflow.kind(state)
    entry: Entry | None = None
    if kind is StateKind.RETURNED:
        entry = last_return(entries, workflow)
    elif kind is StateKind.REJECTED:
        entry = next((e for e in reversed(entries) if e.to_state == state), None)
    if entry is None:
        return None
    return timeline([entry], workflow)[0]


def _sent_back(entry: Entry, workflow: Workflow) -> bool:
    if entry.from_state is None or entry.from_state == entry.to_state:
        return False
    return any(t.sends_back for t in workflow.candidates(entry.from_state, entry.action))


def _years_text(rows: Any) -> str:
    if not rows:
        return "–"
    return "; ".join(
        f"{r.get('year')}: {r.get('target') or '–'}, {rupiah(r.get('proposed_budget'))}"
        for r in rows
    )


def changes_since_return(
    entries: Sequence[AuditEntry], specs: Sequence[FieldSpec], workflow: Workflow
) -> list[Change]:
    """Field by field, the value when the activity was last returned and the value now."""
    back = last_return(entries, workflow)
    if back is None:
        return []
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    for e in entries:
        if e.seq <= back.seq or e.action != "edit":
            continue
        for key, (old, new) in (e.payload or {}).get("changes", {}).items():
            if key == "details":
                old, new = old or {}, new or {}
                for dkey in set(old) | set(new):
                    name = f"details.{dkey}"
                    first.setdefault(name, old.get(dkey))
                    last[name] = new.get(dkey)
            else:
                first.setdefault(key, old)
                last[key] = new
    specs_by_name = by_name(specs)
    out: list[Change] = []
    for name, new in last.items():
        old = first[name]
        if old == new:
            continue
        if name == "years":
            out.append(Change(field_label("years"), _years_text(old), _years_text(new)))
            continue
        spec = specs_by_name.get(name)
        label = spec.label if spec else field_label(name.removeprefix("details."))
        out.append(Change(label, describe(spec, old), describe(spec, new)))
    return out
