"""The public helpers of ``core.plugin_helpers`` that the provinces share, and the choice field."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from marshmallow import Schema

from core.errors import RuleFailed
from core.hookspecs import hookimpl
from core.messages import N_, Text
from core.plugin_helpers import P3aksConflictDetails, code_lists, p3aks_details
from core.schemas import Choice, IdSchema
from core.types import Code
from tests.plugins.contoh import Contoh, engine, payload
from web.api.formschema import activity_form


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


class Delivery(IdSchema):
    delivery = Choice(
        [Code("tatap_muka", "Tatap muka"), Code("daring", "Daring")],
        required=True,
        metadata={"label": N_("Cara pelaksanaan")},
    )


def test_choice_field_takes_one_of_its_codes(tmp_path: Path) -> None:
    class WithChoice(Contoh):
        @hookimpl
        def activity_details_schema(self) -> type[Schema]:
            return Delivery

    h = engine(tmp_path, WithChoice())
    created = h.create("a.staf", payload(h, details={"delivery": "daring"}))
    assert created.details == {"delivery": "daring"}
    with pytest.raises(RuleFailed) as err:
        h.create("a.staf", payload(h, details={"delivery": "surat"}))
    (message,) = err.value.by_field()["details.delivery"]
    assert message == "Pilih salah satu dari: tatap_muka, daring."  # Indonesian, not marshmallow's
    assert isinstance(message, Text) and message.template == "Pilih salah satu dari: {choices}."
    # The published form lists the codes, as for a reference list.
    form = activity_form(h.runtime.details_schema, h.runtime.reference, "Kegiatan")
    assert form["properties"]["details"]["properties"]["delivery"]["enum"] == [
        "tatap_muka",
        "daring",
    ]
