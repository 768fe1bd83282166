"""Turning a logged-in user id into the core ``Actor`` (shared by the API and the pages)."""

from __future__ import annotations

from flask import current_app

from core.access import Actor, load_actor
from core.models import User
from web import get_registry
from web.extensions import session


def actor_for(user_id: int) -> Actor:
    """The actor with the province's OPD-scoped roles applied (raises ``NotFound``)."""
    s = session()
    user = s.get(User, user_id)
    registry = get_registry(current_app)
    opd_roles = None
    if user is not None:
        province = user.province.code
        if province in registry:
            opd_roles = registry.get(province).opd_roles
    return load_actor(s, user_id, opd_roles) if opd_roles else load_actor(s, user_id)


def opd_roles_of(province_code: str) -> frozenset[str] | None:
    """The OPD-scoped roles of a province the registry knows (None: the core's)."""
    registry = get_registry(current_app)
    return registry.get(province_code).opd_roles if province_code in registry else None


def actor_only(user_id: int) -> Actor:
    """``actor_for`` in one round trip, without loading the ``User`` into the session (the
    API's token check reads what else it needs in its own one; raises ``NotFound``)."""
    return load_actor(session(), user_id, roles_of=opd_roles_of)
