"""A gate: a stage where several parties decide in parallel (multi-agency concurrence).

A gate is data on its ``State`` (``State.gate``), so it is part of the definition's version. Its
``parties`` name a resolver: ``"partner_opd_heads"`` (the Kepala OPD of every OPD in the
activity's ``details.partner_opds``, one party per OPD) or ``"role:<code>"`` (every holder of the
role in the province, one party per person). Each party decides once, ``concur`` or ``object``
(with a note); the ``rule`` is ``"all"`` or ``"quorum"`` (``quorum`` concurrences). When it is
met, the engine takes the transition ``passes`` from the gate's state, in the same transaction
as the deciding concurrence; an objection takes ``objects`` (``on_objection="send_back"``) or is
only recorded (``"record"``: it counts as that party's decision; under ``all`` the gate passes
once every party has decided with at least one concurrence, and when recorded objections put
the rule out of reach the gate takes ``objects`` if it declares one, else it waits).

The transitions the engine takes (``passes``, ``objects``) have no roles: nobody takes them by
hand. This module is pure (no database): who holds a party is resolved in
``core.services.transitions.gates``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from core.types import ActivityView, Recipient

ALL, QUORUM = "all", "quorum"
SEND_BACK, RECORD = "send_back", "record"
CONCUR, OBJECT = "concur", "object"
PARTNER_OPD_HEADS = "partner_opd_heads"
ROLE_PREFIX = "role:"
HEAD_ROLE = "opd_head"  # who decides for a partner OPD


@dataclass(frozen=True)
class Gate:
    parties: str  # "partner_opd_heads" or "role:<code>"
    passes: str  # the action the engine takes from the gate's state when the rule is met
    rule: str = ALL  # "all" or "quorum"
    quorum: int = 0  # concurrences needed, when rule == "quorum"
    on_objection: str = SEND_BACK  # "send_back" or "record"
    objects: str | None = None  # the action an objection takes (with "send_back")
    concur_action: str = "setujui_bersama"
    object_action: str = "ajukan_keberatan"
    concur_label: str = "Setuju"
    object_label: str = "Ajukan keberatan"
    label: str = ""  # the parties as a user reads them, e.g. "Kepala OPD mitra"

    @property
    def decision_actions(self) -> dict[str, str]:
        """Action name → decision (``concur`` / ``object``)."""
        return {self.concur_action: CONCUR, self.object_action: OBJECT}

    @property
    def engine_actions(self) -> set[str]:
        return {a for a in (self.passes, self.objects) if a}

    @property
    def role(self) -> str:
        """The role a party decides in."""
        return self.parties[len(ROLE_PREFIX) :] if self.per_holder else HEAD_ROLE

    @property
    def per_holder(self) -> bool:
        """Whether each holder of a role is a party (else each partner OPD is one)."""
        return self.parties.startswith(ROLE_PREFIX)

    def needed(self, n_parties: int) -> int:
        """Concurrences the rule needs among ``n_parties`` (fewer parties than a quorum is a
        rule violation at submit, not a smaller quorum)."""
        return self.quorum if self.rule == QUORUM else n_parties

    def is_met(self, concurred: int, objected: int, n_parties: int) -> bool:
        if concurred == 0:
            return False
        if self.rule == QUORUM:
            return concurred >= self.needed(n_parties)
        if self.on_objection == RECORD:
            return concurred + objected >= n_parties
        return concurred >= n_parties

    def is_lost(self, concurred: int, objected: int, n_parties: int) -> bool:
        """Whether the rule can no longer be met (recorded objections took it out of reach)."""
        if self.rule == QUORUM:
            return n_parties - objected < self.quorum
        if self.on_objection == RECORD:
            return concurred == 0 and objected >= n_parties
        return objected > 0

    def rule_text(self) -> str:
        """The rule as a user reads it (the diagram, the activity page)."""
        if self.rule == QUORUM:
            return f"minimal {self.quorum} pihak setuju"
        return "semua pihak setuju"

    def partner_opds(self, activity: ActivityView) -> list[str]:
        """The partner OPD codes of the activity (its own OPD left out, repeats dropped)."""
        codes = activity.details.get("partner_opds") or []
        return [c for c in dict.fromkeys(codes) if isinstance(c, str) and c != activity.opd]

    def recipients(self, activity: ActivityView) -> list[Recipient]:
        """Who is told when the gate opens: every party."""
        if self.per_holder:
            return [Recipient(role=self.role)]
        return [Recipient(role=HEAD_ROLE, opd=code) for code in self.partner_opds(activity)]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gate:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def gate_problems(gate: Gate) -> list[str]:
    """What is wrong with a gate's declaration (``sepakat plugins check`` and ``build``)."""
    out: list[str] = []
    if gate.parties != PARTNER_OPD_HEADS and not (
        gate.per_holder and len(gate.parties) > len(ROLE_PREFIX)
    ):
        out.append(f"pihak gerbang '{gate.parties}' tidak dikenal")
    if gate.rule not in (ALL, QUORUM):
        out.append(f"aturan gerbang '{gate.rule}' tidak dikenal")
    if gate.rule == QUORUM and gate.quorum < 1:
        out.append("kuorum gerbang harus paling sedikit 1")
    if gate.on_objection not in (SEND_BACK, RECORD):
        out.append(f"tindak lanjut keberatan '{gate.on_objection}' tidak dikenal")
    if gate.on_objection == SEND_BACK and not gate.objects:
        out.append("gerbang yang mengembalikan saat keberatan perlu transisi 'objects'")
    return out
