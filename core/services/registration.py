"""Registration numbers: ``<province prefix>-<plan start year>-<sequence>``, e.g. LPG-2023-0042.

The sequence is per plan (a plan belongs to one province, so per province and plan) and is drawn
by one guarded ``UPDATE … RETURNING`` on the plan row: the row stays locked until the creating
transaction ends, so two parallel creates never draw the same number, and a rolled-back create
gives its number back. The unique column on ``activities`` is the backstop.
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import Table, update
from sqlalchemy.orm import Session

from core.models import Plan
from core.types import ProvinceInfo

plans_t = cast(Table, Plan.__table__)
SEQUENCE_DIGITS = 4  # LPG-2023-0042; a 10,000th activity simply gets five digits


def registration_prefix(info: ProvinceInfo) -> str:
    """The plugin's ``registration_prefix``, else the first three letters of its code."""
    return (info.registration_prefix or info.code[:3]).upper()


def format_number(prefix: str, start_year: int, sequence: int) -> str:
    return f"{prefix}-{start_year}-{sequence:0{SEQUENCE_DIGITS}d}"


def next_registration_number(session: Session, info: ProvinceInfo, plan: Plan) -> str:
    """Draw the plan's next number inside the caller's transaction."""
    sequence = session.execute(
        update(plans_t)
        .where(plans_t.c.id == plan.id)
        .values(registration_seq=plans_t.c.registration_seq + 1)
        .returning(plans_t.c.registration_seq)
    ).scalar_one()
    return format_number(registration_prefix(info), plan.start_year, int(sequence))
