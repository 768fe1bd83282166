"""Money as officials write it."""

from __future__ import annotations

import re
from fractions import Fraction


def rupiah(amount: int) -> str:
    """``Rp1.500.000``: the official spelling (dots between thousands, no space, no decimals)."""
    return "Rp" + f"{amount:,}".replace(",", ".")


# How officials write an amount: "150000000", "150.000.000", "Rp150.000.000", "Rp 150.000.000,00",
# "Rp. 150.000.000,-", "150 juta", "1,5 miliar". Dots group thousands (in threes), a comma
# starts the sen, which a budget never has (",00" and ",-" are written out of habit).
_PREFIX = re.compile(r"^rp\.?", re.IGNORECASE)
_PLAIN = re.compile(r"(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(?:0+|-))?")
_SCALED = re.compile(
    r"(-?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?(ribu|rb|juta|jt|miliar|milyar|m|triliun)"
)
_SCALES = {
    "ribu": 10**3,
    "rb": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "miliar": 10**9,
    "milyar": 10**9,
    "m": 10**9,
    "triliun": 10**12,
}
_MAX_DIGITS = 30  # far beyond any budget; longer text is refused before int() sees it


def parse_rupiah(text: str) -> int | None:
    """An amount as an official writes it, in whole rupiah; None when it is not one (left for
    the schema to refuse with its message). A minus sign is kept, so the range rule can say
    that an amount may not be negative."""
    cleaned = "".join(text.split()).replace("\u00a0", "")  # spaces, NBSP included
    cleaned = _PREFIX.sub("", cleaned.lower()).removesuffix(",-")
    if cleaned.startswith("-rp"):  # "-Rp150.000", the bank's way
        cleaned = "-" + _PREFIX.sub("", cleaned[1:])
    if not cleaned or len(cleaned) > _MAX_DIGITS or not cleaned.isascii():
        return None
    plain = _PLAIN.fullmatch(cleaned)
    if plain:
        amount = int(plain[2].replace(".", ""))
        return -amount if plain[1] else amount
    scaled = _SCALED.fullmatch(cleaned)
    if scaled:
        whole, fraction, scale = scaled[2].replace(".", ""), scaled[3] or "", _SCALES[scaled[4]]
        exact = Fraction(int(whole + fraction), 10 ** len(fraction)) * scale
        if exact.denominator != 1:  # "1,2345 ribu": part of a rupiah
            return None
        return -int(exact) if scaled[1] else int(exact)
    return None
