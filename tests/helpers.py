"""Test data shared by several test modules."""

from __future__ import annotations

# A key the start-up check accepts, for apps and processes built the production way (no TESTING).
SECRET_KEY = "uji-kunci-rahasia-yang-cukup-panjang-0123456789abcdef"


def lampung_details(**overrides: object) -> dict[str, object]:
    """Valid Lampung form fields (``details``)."""
    details: dict[str, object] = {
        "target_group": "perempuan",
        "locations": ["mesuji"],
        "indicator": "Jumlah perempuan terlatih mediasi",
        "sub_activity_code": "2.08.03.1.01.0001",
        "funding_source": "apbd",
        "conflict_types": [],
        "partner_opds": [],  # partners add the Persetujuan OPD mitra gate (tests/test_gates.py)
    }
    details.update(overrides)
    return details


def lampung_payload(plan_id: int, **overrides: object) -> dict[str, object]:
    """A valid Lampung activity (the example of docs/architecture.md)."""
    payload: dict[str, object] = {
        "plan_id": plan_id,
        "title": "Pelatihan mediasi konflik bagi perempuan di Kabupaten Mesuji",
        "description": "Pelatihan tiga hari bagi tokoh perempuan.",
        "pillar": "pencegahan",
        "years": [{"year": 2023, "target": "60 orang", "proposed_budget": 150_000_000}],
        "details": lampung_details(),
    }
    payload.update(overrides)
    return payload
