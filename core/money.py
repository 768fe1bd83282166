"""Money as officials write it."""

from __future__ import annotations


def rupiah(amount: int) -> str:
    """``Rp1.500.000``: the official spelling (dots between thousands, no space, no decimals)."""
    return "Rp" + f"{amount:,}".replace(",", ".")
