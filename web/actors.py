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
