"""Amounts in words (*terbilang*), as a decree writes them: "satu miliar lima ratus juta rupiah".

num2words (``lang="id"``) does the spelling; it is wrapped for the one place it is wrong for
Indonesian: a thousands group of exactly one above a million. Indonesian says "seribu" there as
it does alone ("satu juta seribu"), and num2words writes "satu juta satu ribu"; "seratus satu
ribu" (101,000) stays as it is, since there the group is 101. Checked on 0, 11, 1,000,
1,000,000,001 and 10^15 (``tests/test_terbilang.py``).
"""

from __future__ import annotations

from num2words import num2words

MILLION = 10**6


def _words(n: int) -> str:
    return str(num2words(n, lang="id"))


def terbilang(n: int) -> str:
    """A non-negative whole number in Indonesian words."""
    if n < 0:
        raise ValueError("terbilang takes a non-negative amount")
    if n >= MILLION and (n // 1000) % 1000 == 1:
        high, low = n - n % MILLION, n % 1000
        return " ".join(p for p in (_words(high), "seribu", _words(low) if low else "") if p)
    return _words(n)


def rupiah_words(amount: int) -> str:
    """``satu miliar lima ratus juta rupiah``."""
    return f"{terbilang(amount)} rupiah"
