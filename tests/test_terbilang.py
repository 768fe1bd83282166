"""Amounts in words, as a decree writes them (num2words ``lang="id"``, wrapped)."""

from __future__ import annotations

import pytest

from core.documents.terbilang import rupiah_words, terbilang


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "nol"),
        (11, "sebelas"),
        (1_000, "seribu"),
        (1_000_000_001, "satu miliar satu"),
        (10**15, "satu kuadriliun"),
        (1_500_000_000, "satu miliar lima ratus juta"),
        # num2words says "satu juta satu ribu": Indonesian says "seribu" in any position.
        (1_001_000, "satu juta seribu"),
        (2_001_001_000, "dua miliar satu juta seribu"),
        (10**15 + 1_001, "satu kuadriliun seribu satu"),
        # A group of 101 thousands keeps "satu ribu" (seratus satu ribu).
        (101_000, "seratus satu ribu"),
        (1_101_000, "satu juta seratus satu ribu"),
        (11_000, "sebelas ribu"),
    ],
)
def test_terbilang(amount: int, words: str) -> None:
    assert terbilang(amount) == words


def test_rupiah_words() -> None:
    assert rupiah_words(1_500_000_000) == "satu miliar lima ratus juta rupiah"


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError):
        terbilang(-1)
