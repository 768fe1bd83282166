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
    activity_and_actions,
    available_actions,
    available_actions_many,
    batch_signoff,
    transition,
)
from core.services.transitions import pending_for as pending_decisions
from core.services.transitions import status_of as gate_status
from core.services.transitions import status_of_loaded as gate_status_of_loaded

__all__ = [
    "GateStatus",
    "ListFilters",
    "ListTotals",
    "OpdPagu",
    "TransitionResult",
    "activity_and_actions",
    "activity_history",
    "available_actions",
    "available_actions_many",
    "batch_signoff",
    "create_activity",
    "discard_draft",
    "gate_status",
    "gate_status_of_loaded",
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
