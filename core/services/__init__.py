"""Use cases. Each takes a SQLAlchemy ``Session`` and the plugin ``Registry``; the web and
worker layers call these and never write domain rows themselves."""

from core.services import planning_calendar
from core.services.activities import create_activity, update_activity
from core.services.ceilings import OpdPagu, plan_years, province_pagu, set_ceilings
from core.services.drafts import discard_draft
from core.services.queries import (
    ListFilters,
    ListTotals,
    activity_history,
    get_activity,
    list_activities,
    list_totals,
    opd_ceilings,
)
from core.services.transitions import (
    GateStatus,
    TransitionResult,
    available_actions,
    available_actions_many,
    batch_signoff,
    transition,
)
from core.services.transitions import pending_for as pending_decisions
from core.services.transitions import status_of as gate_status

__all__ = [
    "GateStatus",
    "ListFilters",
    "ListTotals",
    "OpdPagu",
    "TransitionResult",
    "activity_history",
    "available_actions",
    "available_actions_many",
    "batch_signoff",
    "create_activity",
    "discard_draft",
    "gate_status",
    "get_activity",
    "list_activities",
    "list_totals",
    "opd_ceilings",
    "pending_decisions",
    "plan_years",
    "planning_calendar",
    "province_pagu",
    "set_ceilings",
    "transition",
    "update_activity",
]
