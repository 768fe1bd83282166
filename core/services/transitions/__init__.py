"""The state machine's one write path: ``transition``, the actions an actor may take, and the
governor's batch sign-off, one job per module:

- ``load``: the activity as a transition sees it, in one round trip;
- ``checks``: every check in the order that decides the status code;
- ``write``: the guarded UPDATE, audit and outbox INSERTs (one statement on PostgreSQL), and the
  pagu booking (``core.services.pagu_booking``) when the move books or releases budget;
- ``apply``: ``transition`` itself (check, write, commit);
- ``actions``: what an actor could do now; ``signoff``: the batch sign-off;
- ``gates``: a gate's parties and decisions, a decision's checks and write.

Hot path: docs/architecture.md and benchmarks/RESULTS.md.
"""

from core.services.transitions.actions import (
    activity_and_actions,
    available_actions,
    available_actions_many,
)
from core.services.transitions.apply import transition
from core.services.transitions.gates import GateStatus, pending_for, status_of, status_of_loaded
from core.services.transitions.signoff import BatchItem, batch_signoff, decree_problems
from core.services.transitions.write import TransitionResult

__all__ = [
    "BatchItem",
    "GateStatus",
    "TransitionResult",
    "activity_and_actions",
    "available_actions",
    "available_actions_many",
    "batch_signoff",
    "decree_problems",
    "pending_for",
    "status_of",
    "status_of_loaded",
    "transition",
]
