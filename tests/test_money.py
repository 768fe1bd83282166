"""Rupiah as officials write it (``core.money.parse_rupiah``), the budget messages of the
schemas, and what the sub-activity code message says is wrong (issue 16, item 6)."""

from __future__ import annotations

import pytest
from marshmallow import ValidationError

from core.money import parse_rupiah
from core.plugin_helpers import p3aks_violations
from core.schemas import YearSchema


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("150000000", 150_000_000),
        ("150.000.000", 150_000_000),
        ("Rp150.000.000", 150_000_000),
        ("Rp 150.000.000,00", 150_000_000),
        ("Rp. 150.000.000,-", 150_000_000),
        ("rp\u00a0150.000.000", 150_000_000),
        ("150 juta", 150_000_000),
        ("Rp 150 juta", 150_000_000),
        ("1,5 miliar", 1_500_000_000),
        ("2.500 juta", 2_500_000_000),
        ("0", 0),
        ("-5", -5),  # kept, so the schema can say an amount may not be negative
    ],
)
def test_the_ways_officials_write_an_amount(typed: str, amount: int) -> None:
    assert parse_rupiah(typed) == amount


@pytest.mark.parametrize(
    "typed",
    ["", "banyak", "150,5", "15.00", "1.5", "150,000,000", "1,2345 ribu", "٣", "9" * 5000],
)
def test_what_is_not_an_amount(typed: str) -> None:
    assert parse_rupiah(typed) is None


def _budget_error(value: object) -> str:
    with pytest.raises(ValidationError) as err:
        YearSchema().load({"year": 2023, "proposed_budget": value})
    return str(err.value.messages["proposed_budget"][0])


def test_budget_messages_say_what_is_expected() -> None:
    assert _budget_error(-5).startswith("Anggaran tidak boleh negatif")
    assert _budget_error(10**16) == "Anggaran paling banyak Rp1.000.000.000.000.000."
    assert _budget_error("150 juta").startswith("Tulis jumlah rupiah dengan angka")


def test_the_sub_activity_code_message_names_the_wrong_parts() -> None:
    messages = [v.message for v in p3aks_violations({"sub_activity_code": "2.08.2.08.01.0001"})]
    assert len(messages) == 2
    assert "bagian ke-3 (program) '2' harus 2 angka" in messages[0]
    assert "bagian ke-4 (tingkat pemerintahan) '08' harus 1 angka" in messages[1]
    assert "1 untuk kegiatan provinsi" in messages[1]
    assert not any("enam bagian" in m for m in messages)  # it has six
    (short,) = [v.message for v in p3aks_violations({"sub_activity_code": "2.08"})]
    assert "enam bagian" in short and "'2.08' berisi 2 bagian" in short
    assert p3aks_violations({"sub_activity_code": "2.08.03.1.01.0001"}) == []
