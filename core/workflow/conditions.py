"""A named condition of the route, and what it says in words.

``workflow_conditions`` returns predicates by name; a transition with ``when="name"`` is taken
only if the predicate holds. A province may give each predicate as a ``Condition``: it is still
the predicate (callable with the activity, as the engine calls it) and it carries the words a
reader sees on the workflow page ("jika *jenis konflik lahan atau intoleransi*"). A plain
function keeps working; the page then has only its name to show (``label_of`` is None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.types import ActivityView


@dataclass(frozen=True)
class Condition:
    """``label`` is in Bahasa Indonesia and reads after "jika" ("if"): *ada OPD mitra*, *jenis
    konflik lahan atau intoleransi*. The province's catalogue may give its English."""

    label: str
    test: Callable[[ActivityView], bool]

    def __call__(self, activity: ActivityView) -> bool:
        return bool(self.test(activity))


def label_of(predicate: Callable[[ActivityView], bool] | None) -> str | None:
    """The words of a condition, or None when the province gave none (a plain function)."""
    return predicate.label if isinstance(predicate, Condition) else None
