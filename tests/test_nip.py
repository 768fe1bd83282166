"""``core.nip``: the NIP's shape refuses, its plausibility only warns (PPPK numbers included),
always against a frozen "today"."""

from __future__ import annotations

import datetime as dt

import pytest

from core.nip import check_nip, format_nip

TODAY = dt.date(2026, 12, 1)


def codes(text: str, today: dt.date = TODAY) -> list[str]:
    checked = check_nip(text, today)
    assert checked.ok, checked.errors
    return [w.code for w in checked.warnings]


def test_a_valid_nip_with_spaces_is_stored_as_digits_and_shown_grouped() -> None:
    checked = check_nip(" 19860926 201505 1 001 ", TODAY)
    assert checked.ok and checked.warnings == ()
    assert checked.digits == "198609262015051001"
    assert format_nip(checked.digits) == "19860926 201505 1 001"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("1986-0926-201505-1-001", "nip_digits"),
        ("19860926 201505 1 00l", "nip_digits"),
        ("١٩٨٦٠٩٢٦٢٠١٥٠٥١٠٠١", "nip_digits"),  # digits to str.isdigit, not ASCII ones
        ("19860926 201505 1 01", "nip_length"),
        ("19860926 201505 1 0011", "nip_length"),
    ],
)
def test_only_the_shape_refuses(text: str, code: str) -> None:
    checked = check_nip(text, TODAY)
    assert not checked.ok and checked.digits is None
    assert [e.code for e in checked.errors] == [code]
    assert all(not e.warning for e in checked.errors)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19860231 201505 1 001", ["nip_birth_date"]),  # 31 February
        ("19861326 201505 1 001", ["nip_birth_date"]),
        ("19860926 201513 1 001", ["nip_appointment_month"]),
        ("19860926 201500 1 001", ["nip_appointment_month"]),
        ("19860926 201505 3 001", ["nip_sex"]),
        ("19860926 201505 0 001", ["nip_sex"]),
        ("19860926 201505 1 000", ["nip_sequence"]),
        ("19860926 202701 1 001", ["nip_appointment_future"]),  # after the frozen today
        ("19860926 200405 1 001", ["nip_appointment_too_young"]),  # 17 years old
        ("19290926 200105 1 001", ["nip_appointment_too_old"]),  # 71
        ("19860926 201505 9 000", ["nip_sex", "nip_sequence"]),
    ],
)
def test_implausible_parts_warn_but_keep_the_number(text: str, expected: list[str]) -> None:
    assert codes(text) == expected
    assert all(w.warning for w in check_nip(text, TODAY).warnings)


def test_the_eighteenth_birthday_is_counted_by_month() -> None:
    assert codes("19860926 200409 1 001") == []  # the month of the 18th birthday
    assert codes("19860926 200408 1 001") == ["nip_appointment_too_young"]


def test_today_decides_the_future() -> None:
    assert codes("19860926 202612 1 001") == []
    assert codes("19860926 202612 1 001", dt.date(2026, 11, 30)) == ["nip_appointment_future"]


def test_a_pppk_number_is_recognised_and_only_noted() -> None:
    assert codes("19860710 202321 2 014") == ["nip_pppk"]
    assert codes("19860710 202721 2 014") == ["nip_pppk", "nip_appointment_future"]


def test_format_leaves_anything_else_as_stored() -> None:
    assert format_nip(None) == ""
    assert format_nip("12345") == "12345"
