"""The workflow's data model: states, transitions and the frozen definition.

What a move *means* (it books the budget, needs a decree, sends the activity back...) is a
property of its ``Transition``, and what a state *is* (drafting, a review, the budget queue,
the governor's sign-off...) is its ``State.kind``. The engine and both front ends ask these
properties, never an action or state name, so a province may rename signing or add a second
budget step and keep pagu booking, the decree rule, the queues and the diagram.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from core.types import ActivityView, ReportView
from core.workflow.gate import Gate


class StateKind(StrEnum):
    """What a state is, for queues, pages, reminders and notifications."""

    DRAFTING = "drafting"  # the OPD writes it; nobody else waits on it yet
    REVIEW = "review"  # someone reviews it (Kepala OPD, a plugin's reviewer)
    BUDGET = "budget"  # Bappeda's budget queue (pagu alongside)
    SIGNOFF = "signoff"  # waits for the decree (the governor's batch sign-off)
    APPROVED = "approved"  # final: set by decree
    RETURNED = "returned"  # sent back for revision; the OPD edits it
    REJECTED = "rejected"  # final: refused


@dataclass(frozen=True)
class State:
    code: str
    label: str
    final: bool = False
    editable: bool = False
    stage_role: str | None = None  # who is expected to act here (reminders, queues)
    kind: StateKind = StateKind.REVIEW
    gate: Gate | None = None  # parties decide here in parallel (core.workflow.gate)


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
    books_budget: bool = False  # confirms the per-year budget against the OPD's pagu
    releases_budget: bool = False  # gives a confirmed budget back to the pagu
    requires_decree: bool = False  # needs the decree number, and records it
    records_submitter: bool = False  # the actor becomes the submitter (four eyes, notices)
    sends_back: bool = False  # returns the activity for revision (a setback, not a refusal)
    # The submitter takes back a submission nobody has acted on yet (only the submitter, and
    # only from the stage it was submitted to: any other move takes it out of that state).
    withdraws: bool = False


# Properties of a move or a state; the rest (codes, labels, roles, guards) is its identity.
TRANSITION_MEANINGS: tuple[str, ...] = (
    "books_budget",
    "releases_budget",
    "requires_decree",
    "records_submitter",
    "sends_back",
    "withdraws",
)


@dataclass(frozen=True)
class Workflow:
    province: str
    version: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    _by_source: dict[str, tuple[Transition, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    subject: str = "activity"  # the workflow type it routes: "activity", "report"

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

    def kind(self, code: str) -> StateKind | None:
        s = self.state(code)
        return s.kind if s else None

    @property
    def initial(self) -> str:
        """Where a new activity starts: the first drafting state (a definition without one,
        which ``sepakat plugins check`` reports, starts on its first state)."""
        drafting = self.codes(StateKind.DRAFTING)
        return drafting[0] if drafting else self.states[0].code

    def codes(self, *kinds: StateKind) -> tuple[str, ...]:
        """The codes of the states of these kinds, in the definition's order."""
        return tuple(s.code for s in self.states if s.kind in kinds)

    @property
    def actions(self) -> set[str]:
        """Every action a user may name: the transitions' and the gates' decisions."""
        out = {t.action for t in self.transitions}
        for s in self.states:
            if s.gate is not None:
                out |= set(s.gate.decision_actions)
        return out

    def action_label(self, action: str) -> str:
        """What a user reads for ``action``: its transition's label, or a gate decision's."""
        label = next((t.label for t in self.transitions if t.action == action), None)
        if label is not None:
            return label
        for s in self.gated_states:
            assert s.gate is not None
            if action == s.gate.concur_action:
                return s.gate.concur_label
            if action == s.gate.object_action:
                return s.gate.object_label
        return action

    def gate(self, code: str) -> Gate | None:
        """The gate of state ``code``, if parties decide there."""
        s = self.state(code)
        return s.gate if s else None

    @property
    def gated_states(self) -> tuple[State, ...]:
        return tuple(s for s in self.states if s.gate is not None)

    def is_engine_move(self, t: Transition) -> bool:
        """Whether ``t`` is taken by the engine when its gate decides (nobody takes it by hand)."""
        gate = self.gate(t.source)
        return gate is not None and t.action in gate.engine_actions

    def candidates(self, source: str, action: str | None = None) -> tuple[Transition, ...]:
        items = self._by_source.get(source, ())
        return tuple(t for t in items if action is None or t.action == action)

    def decree_action(self, source: str | None = None) -> str | None:
        """The action that sets an activity by decree from ``source`` (any source when None),
        or None if there is none."""
        items = self.candidates(source) if source is not None else self.transitions
        return next((t.action for t in items if t.requires_decree), None)

    def is_setback(self, t: Transition) -> bool:
        """Whether ``t`` sends the activity back, refuses it or takes a submission back (drawn
        and listed apart from the moves that take it forward)."""
        return t.sends_back or t.withdraws or self.kind(t.target) is StateKind.REJECTED

    def roles_for(self, predicate: Callable[[Transition], bool]) -> set[str]:
        """Every role that may take some transition matching ``predicate``."""
        return {role for t in self.transitions if predicate(t) for role in t.roles}

    def resolve(
        self,
        source: str,
        action: str,
        activity: ActivityView | ReportView,
        conditions: Mapping[str, Callable[..., bool]],
    ) -> Transition | None:
        """The transition ``action`` takes from ``source`` for this activity (or progress
        report: the view of what moves), or None."""
        for t in self.candidates(source, action):
            if t.when is None:
                return t
            predicate = conditions.get(t.when)
            if predicate is not None and predicate(activity):
                return t
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "province": self.province,
            "version": self.version,
            "states": [_state_dict(s) for s in self.states],
            "transitions": [_transition_dict(t) for t in self.transitions],
        }
        if self.subject != "activity":  # an activity's definition reads as it always did
            out["subject"] = self.subject
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workflow:
        """A stored definition. Versions stored before moves and states carried their meaning
        as data get it derived from their names (``core.workflow.legacy``), so activities in
        flight on them keep booking pagu and needing a decree."""
        from core.workflow.legacy import state_from_dict, transition_from_dict

        return cls(
            province=data["province"],
            version=data["version"],
            states=tuple(state_from_dict(s) for s in data["states"]),
            transitions=tuple(transition_from_dict(t) for t in data["transitions"]),
            subject=data.get("subject", "activity"),
        )


def _state_dict(state: State) -> dict[str, Any]:
    out = {**asdict(state), "kind": str(state.kind)}
    # Without a gate the state reads as before gates existed: its version hash is unchanged.
    if state.gate is None:
        del out["gate"]
    return out


def _transition_dict(transition: Transition) -> dict[str, Any]:
    return {**asdict(transition), "roles": list(transition.roles)}


STATE_FIELDS = frozenset(f.name for f in fields(State))
TRANSITION_FIELDS = frozenset(f.name for f in fields(Transition))


class WorkflowBuilder:
    """Mutable while hooks customise it; ``build()`` freezes it and computes the version."""

    def __init__(
        self,
        province: str,
        states: Iterable[State],
        transitions: Iterable[Transition],
        *,
        subject: str = "activity",
    ):
        self.province = province
        self.subject = subject  # the workflow type built: its definitions are stored apart
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

    def find(self, predicate: Callable[[Transition], bool]) -> list[Transition]:
        """The transitions matching ``predicate`` (e.g. ``lambda t: t.requires_decree``), so a
        plugin can find a move by what it means rather than by its name."""
        return [t for t in self.transitions if predicate(t)]

    def replace_transition(self, old: Transition, **changes: Any) -> Transition:
        """Swap ``old`` for a copy with ``changes`` (e.g. ``action="tetapkan"``, ``target=``,
        ``books_budget=False``); returns the new one."""
        new = replace(old, **changes)
        self.transitions[self.transitions.index(old)] = new
        return new

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
            "states": [_state_dict(s) for s in self.states],
            "transitions": [asdict(t) for t in self.transitions],
        }
        digest = hashlib.sha256(json.dumps(body, sort_keys=True, default=list).encode()).hexdigest()
        return Workflow(
            province=self.province,
            version=digest[:12],
            states=tuple(self.states),
            transitions=tuple(self.transitions),
            subject=self.subject,
        )
