"""The public helpers of ``core.plugin_helpers`` that the provinces share."""

from __future__ import annotations

from types import ModuleType

from core.plugin_helpers import P3aksConflictDetails, code_lists, p3aks_details
from core.types import Code


def test_code_lists_takes_every_upper_case_tuple_of_codes_by_its_lower_case_name() -> None:
    module = ModuleType("ref")
    module.OPDS = (Code("dinsos", "Dinas Sosial"),)  # type: ignore[attr-defined]
    module.FUNDING_SOURCES = (Code("apbd", "APBD"), Code("apbn", "APBN"))  # type: ignore[attr-defined]
    module.KESBANGPOL_CONFLICTS = frozenset({"lahan"})  # type: ignore[attr-defined]
    module.SINGLE = Code("x", "X")  # type: ignore[attr-defined]  # one code, not a list
    module.private = (Code("y", "Y"),)  # type: ignore[attr-defined]
    assert code_lists(module) == {
        "opds": [Code("dinsos", "Dinas Sosial")],
        "funding_sources": [Code("apbd", "APBD"), Code("apbn", "APBN")],
    }


def test_p3aks_details_loads_through_the_shared_schema() -> None:
    details = p3aks_details(["mesuji"], "Jumlah peserta", "2.08.03.1.01.0001", conflicts=["lahan"])
    assert P3aksConflictDetails().load(details) == details
