"""Workflows as data: states and transitions, assembled per province from the core route plus
the province's ``customize_workflow`` hook, identified by a content hash (the version).

A definition is built once per process and province, and every version ever used is stored
(``WorkflowDefinition``) so an activity keeps the route it started on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from core.types import ActivityView

EDIT_ACTION = "edit"


@dataclass(frozen=True)
class State:
    code: str
    label: str
    final: bool = False
    editable: bool = False
    stage_role: str | None = None  # who is expected to act here (reminders, queues)


@dataclass(frozen=True)
class Transition:
    """One move ``source`` → ``target`` by ``action``. When several share (action, source), the
    first whose ``when`` condition holds wins; unconditional ones are the fallback."""

    action: str
    source: str
    target: str
    roles: tuple[str, ...]
    label: str
    when: str | None = None
    comment_required: bool = False
    four_eyes: bool = False  # the submitter may not take it
    counts_round: bool = False  # sending back starts a new revision round


@dataclass(frozen=True)
class Workflow:
    province: str
    version: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    _by_source: dict[str, tuple[Transition, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        index: dict[str, list[Transition]] = {}
        for t in self.transitions:
            index.setdefault(t.source, []).append(t)
        # Conditional routes are tried before the unconditional fallback of the same action.
        ordered = {k: tuple(sorted(v, key=lambda t: t.when is None)) for k, v in index.items()}
        object.__setattr__(self, "_by_source", ordered)

    def state(self, code: str) -> State | None:
        return next((s for s in self.states if s.code == code), None)

    def label(self, code: str) -> str:
        s = self.state(code)
        return s.label if s else code

    @property
    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    def candidates(self, source: str, action: str | None = None) -> tuple[Transition, ...]:
        items = self._by_source.get(source, ())
        return tuple(t for t in items if action is None or t.action == action)

    def resolve(
        self,
        source: str,
        action: str,
        activity: ActivityView,
        conditions: dict[str, Callable[[ActivityView], bool]],
    ) -> Transition | None:
        """The transition ``action`` takes from ``source`` for this activity, or None."""
        for t in self.candidates(source, action):
            if t.when is None:
                return t
            predicate = conditions.get(t.when)
            if predicate is not None and predicate(activity):
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "province": self.province,
            "version": self.version,
            "states": [asdict(s) for s in self.states],
            "transitions": [{**asdict(t), "roles": list(t.roles)} for t in self.transitions],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workflow:
        return cls(
            province=data["province"],
            version=data["version"],
            states=tuple(State(**s) for s in data["states"]),
            transitions=tuple(
                Transition(**{**t, "roles": tuple(t["roles"])}) for t in data["transitions"]
            ),
        )


class WorkflowBuilder:
    """Mutable while hooks customise it; ``build()`` freezes it and computes the version."""

    def __init__(self, province: str, states: Iterable[State], transitions: Iterable[Transition]):
        self.province = province
        self.states: list[State] = list(states)
        self.transitions: list[Transition] = list(transitions)

    def add_state(self, state: State, *, after: str | None = None) -> None:
        if any(s.code == state.code for s in self.states):
            raise ValueError(f"state {state.code!r} exists")
        if after is None:
            self.states.append(state)
        else:
            idx = next(i for i, s in enumerate(self.states) if s.code == after)
            self.states.insert(idx + 1, state)

    def add_transition(self, transition: Transition) -> None:
        self.transitions.append(transition)

    def remove_transitions(self, *, action: str, source: str) -> list[Transition]:
        removed = [t for t in self.transitions if t.action == action and t.source == source]
        self.transitions = [t for t in self.transitions if t not in removed]
        return removed

    def reroute(self, *, action: str, source: str, target: str, when: str | None = None) -> None:
        """Send ``action`` from ``source`` to ``target`` instead, or, with ``when``, add a
        conditional route beside the existing one (same roles and guards)."""
        base = next(
            t for t in self.transitions if t.action == action and t.source == source and not t.when
        )
        routed = replace(base, target=target, when=when)
        if when is None:
            self.transitions[self.transitions.index(base)] = routed
        else:
            self.transitions.append(routed)

    def build(self) -> Workflow:
        body = {
            "states": [asdict(s) for s in self.states],
            "transitions": [asdict(t) for t in self.transitions],
        }
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=list).encode()).hexdigest()
        return Workflow(
            province=self.province,
            version=digest[:12],
            states=tuple(self.states),
            transitions=tuple(self.transitions),
        )


# The core route of DESIGN.md. Labels are what a user reads: Bahasa Indonesia.
CORE_STATES: tuple[State, ...] = (
    State("draft", "Draf", editable=True, stage_role="opd_staff"),
    State("opd_review", "Reviu Kepala OPD", stage_role="opd_head"),
    State("budget_review", "Verifikasi Anggaran Bappeda", stage_role="bappeda"),
    State("governor_signoff", "Menunggu Penetapan Gubernur", stage_role="governor"),
    State("signed", "Ditetapkan", final=True),
    State("returned", "Dikembalikan untuk Revisi", editable=True, stage_role="opd_staff"),
    State("rejected", "Ditolak", final=True),
)


def _return(source: str, role: str) -> Transition:
    return Transition(
        "return",
        source,
        "returned",
        (role,),
        "Kembalikan untuk revisi",
        comment_required=True,
        counts_round=True,
    )


def _reject(source: str, role: str) -> Transition:
    return Transition("reject", source, "rejected", (role,), "Tolak", comment_required=True)


CORE_TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "draft", "opd_review", ("opd_staff",), "Ajukan"),
    Transition("submit", "returned", "opd_review", ("opd_staff",), "Ajukan kembali"),
    Transition("approve", "opd_review", "budget_review", ("opd_head",), "Setujui", four_eyes=True),
    Transition(
        "confirm_budget", "budget_review", "governor_signoff", ("bappeda",), "Konfirmasi anggaran"
    ),
    Transition("sign", "governor_signoff", "signed", ("governor",), "Tetapkan"),
    _return("opd_review", "opd_head"),
    _return("budget_review", "bappeda"),
    _return("governor_signoff", "governor"),
    _reject("budget_review", "bappeda"),
    _reject("governor_signoff", "governor"),
)

# Helpers a plugin may use to add its own return/reject routes with the core's guards.
return_transition = _return
reject_transition = _reject


def core_builder(province: str) -> WorkflowBuilder:
    return WorkflowBuilder(province, CORE_STATES, CORE_TRANSITIONS)
