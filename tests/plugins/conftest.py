"""Fixtures of the plugin tests: the shared seeded engine (both provinces), seen as Sulteng."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from core.testing import Harness
from tests.conftest import REQUIRE, pg_available, scratch_database


@pytest.fixture(scope="session")
def _scratch_pg() -> str:
    """One scratch PostgreSQL database for the tests that build their own engine."""
    if not pg_available():
        if REQUIRE:
            pytest.fail("PostgreSQL not reachable")
        pytest.skip("PostgreSQL not reachable")
    return scratch_database("plugins")


@pytest.fixture
def database_url(backend: str, tmp_path, request: pytest.FixtureRequest) -> str:  # type: ignore[no-untyped-def]
    """An empty database of each backend for a test with its own plugin registry (the engine
    it builds drops whatever the previous test left)."""
    if backend == "postgresql":
        return str(request.getfixturevalue("_scratch_pg"))
    return f"sqlite:///{tmp_path / 'own.db'}"


@pytest.fixture
def sulteng(harness: Harness) -> Harness:
    """The ``harness`` (SQLite and PostgreSQL) for the province Sulawesi Tengah."""
    return replace(harness, province="sulteng")


def sulteng_details(**overrides: Any) -> dict[str, Any]:
    details: dict[str, Any] = {
        "target_group": "perempuan",
        "locations": ["poso"],
        "indicator": "Jumlah fasilitator perempuan terlatih",
        "sub_activity_code": "2.08.03.1.01.0001",
        "funding_source": "apbd",
        "conflict_types": ["komunal"],
        "partner_opds": [],  # partners add the Persetujuan OPD mitra gate (tests/test_gates.py)
    }
    details.update(overrides)
    return details


def sulteng_payload(plan_id: int, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "plan_id": plan_id,
        "title": "Pelatihan fasilitator perempuan perdamaian di Kabupaten Poso",
        "description": "Pelatihan lima hari bagi tokoh perempuan lintas agama.",
        "pillar": "pencegahan",
        "years": [{"year": 2026, "target": "40 orang", "proposed_budget": 180_000_000}],
        "details": sulteng_details(),
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def new_sulteng(sulteng: Harness):  # type: ignore[no-untyped-def]
    """Create a Sulteng draft by ``sulteng.dp3a.staf`` (or ``user``) and return its id."""

    def create(user: str = "sulteng.dp3a.staf", **overrides: Any) -> int:
        return sulteng.create(user, sulteng_payload(sulteng.plan_id(), **overrides)).id

    return create
