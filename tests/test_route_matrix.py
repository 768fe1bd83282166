"""Every core transition, allowed and refused, for every demo role (generated from one table).

The activity belongs to DPPPA and was submitted by ``dpppa.staf``. Dinas Sosial's users cannot
see it at all (404); others see it and are refused by role (403) unless the table allows them.
"""

from __future__ import annotations

import pytest

from core.errors import NotAllowed, NotFound
from core.testing import Harness

DEMO_USERS = (
    "dpppa.staf",
    "dpppa.kepala",
    "dinsos.staf",
    "dinsos.kepala",
    "kesbangpol.reviu",
    "bappeda.verifikator",
    "gubernur",
    "admin.lampung",
    "auditor",
)
OTHER_OPD = {"dinsos.staf", "dinsos.kepala"}

# How to bring a fresh draft to each source state.
TO_STATE: dict[str, tuple[tuple[str, str], ...]] = {
    "draft": (),
    "returned": (("dpppa.staf", "submit"), ("dpppa.kepala", "return")),
    "opd_review": (("dpppa.staf", "submit"),),
    "budget_review": (("dpppa.staf", "submit"), ("dpppa.kepala", "approve")),
    "governor_signoff": (
        ("dpppa.staf", "submit"),
        ("dpppa.kepala", "approve"),
        ("bappeda.verifikator", "confirm_budget"),
    ),
}

# (action, from, to, the one demo user allowed) — docs/architecture.md "The core route".
ROUTE = (
    ("submit", "draft", "opd_review", "dpppa.staf"),
    ("submit", "returned", "opd_review", "dpppa.staf"),
    ("approve", "opd_review", "budget_review", "dpppa.kepala"),
    ("confirm_budget", "budget_review", "governor_signoff", "bappeda.verifikator"),
    ("sign", "governor_signoff", "signed", "gubernur"),
    ("return", "opd_review", "returned", "dpppa.kepala"),
    ("return", "budget_review", "returned", "bappeda.verifikator"),
    ("return", "governor_signoff", "returned", "gubernur"),
    ("reject", "budget_review", "rejected", "bappeda.verifikator"),
    ("reject", "governor_signoff", "rejected", "gubernur"),
)

PAYLOAD = {"comment": "Mohon diperbaiki.", "decree_number": "G/100/V.09/HK/2023"}


def _return_comment(steps: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str, dict], ...]:
    return tuple((u, a, PAYLOAD) for u, a in steps)


@pytest.mark.parametrize("user", DEMO_USERS)
@pytest.mark.parametrize(("action", "source", "target", "allowed"), ROUTE)
def test_route_by_role(
    harness: Harness, payload, user: str, action: str, source: str, target: str, allowed: str
) -> None:
    activity = harness.create("dpppa.staf", payload())
    harness.move(activity.id, *_return_comment(TO_STATE[source]))
    version = harness.version(activity.id)
    assert harness.state(activity.id) == source

    if user == allowed:
        result = harness.act(user, activity.id, action, **PAYLOAD)
        assert (result.from_state, result.to_state) == (source, target)
        assert harness.state(activity.id) == target
        assert harness.version(activity.id) == version + 1
        return
    expected = NotFound if user in OTHER_OPD else NotAllowed
    with pytest.raises(expected):
        harness.act(user, activity.id, action, **PAYLOAD)
    assert harness.state(activity.id) == source
    assert harness.version(activity.id) == version
