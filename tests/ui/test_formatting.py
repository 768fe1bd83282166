"""Rupiah and Indonesian dates as a person expects them (DOMAIN.md)."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask_babel import force_locale

from web.ui.formatting import ribuan, rupiah, tanggal, waktu
from web.ui.forms import parse_amount


def test_rupiah() -> None:
    assert rupiah(1_500_000) == "Rp1.500.000"
    assert rupiah(0) == "Rp0"
    assert rupiah(None) == "–"
    assert ribuan(150_000_000) == "150.000.000"


def test_amounts_typed_in_a_form() -> None:
    assert parse_amount("Rp1.500.000") == 1_500_000
    assert parse_amount("1 500 000") == 1_500_000
    assert parse_amount("150000000") == 150_000_000
    assert parse_amount("satu juta") == "satu juta"


def test_dates_in_indonesian_and_english(app: Flask) -> None:
    with app.test_request_context():
        assert tanggal(dt.date(2022, 9, 28)) == "28 September 2022"
        assert tanggal(dt.date(2022, 4, 20)) == "20 April 2022"
        assert tanggal(dt.date(2022, 8, 17)) == "17 Agustus 2022"
        # 08:00 UTC is 15.00 WIB
        assert waktu(dt.datetime(2022, 9, 28, 8, 0)) == "28 September 2022 pukul 15.00 WIB"
        # late evening UTC is already the next day in Lampung
        assert tanggal(dt.datetime(2022, 9, 28, 20, 0)) == "29 September 2022"
        with force_locale("en"):
            assert tanggal(dt.date(2022, 8, 17)) == "17 August 2022"
            assert waktu(dt.datetime(2022, 9, 28, 8, 0)) == "28 September 2022 at 15:00 WIB"
