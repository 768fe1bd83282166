"""The activity form reports every problem in one round, in the form's order, with the plan's
own numbers (issue 16, item 5)."""

from __future__ import annotations

import re

import pytest

from core.errors import RuleFailed
from core.models import Plan
from core.testing import Harness
from tests.helpers import lampung_details, lampung_payload
from tests.ui.conftest import Ui, text
from tests.ui.test_activities import new_form


def _summary(html: str) -> list[str]:
    """The error summary's links, in order: the inputs they point to."""
    block = html[html.index('class="error-summary"') :]
    block = block[: block.index("</ul>")]
    return re.findall(r'<a href="#f-([^"]+)"', block)


def test_an_empty_form_lists_every_error_at_once_in_form_order(ui: Ui, harness: Harness) -> None:
    ui.login("dpppa.staf")
    plan = new_form(ui)["plan_id"]
    response = ui.post("/kegiatan/baru", {"plan_id": plan})
    assert response.status_code == 422
    html = text(response)
    assert "Pilih paling sedikit satu lokasi." in html  # Lokasi, in the first round
    assert 'id="err-details-locations"' in html
    with harness.session() as s:
        p = s.get(Plan, int(str(plan)))
        assert p is not None
        start, end = p.start_year, p.end_year
    count = end - start + 1
    assert f"Isi 1 sampai {count} tahun anggaran ({start}–{end})." in html
    assert "Isi 1 sampai 10 tahun anggaran" not in html
    order = _summary(html)
    expected = [
        "title",
        "pillar",
        "details-target_group",
        "details-locations",
        "details-indicator",
        "details-sub_activity_code",
        "details-funding_source",
        "years",
    ]
    assert [name for name in order if name in expected] == expected
    assert order.index("years") == len(order) - 1


def test_a_bad_code_is_reported_beside_a_budget_error(ui: Ui) -> None:
    ui.login("dpppa.staf")
    bad = new_form(ui) | {
        "years.2023.budget": "seratus",
        "details.sub_activity_code": "2.08.2.08.01.0001",
        "details.locations": [],
    }
    response = ui.post("/kegiatan/baru", bad)
    assert response.status_code == 422
    html = text(response)
    assert 'id="err-years-2023-budget"' in html
    assert "bagian ke-3 (program) &#39;2&#39; harus 2 angka" in html
    assert "Pilih paling sedikit satu lokasi." in html
    order = _summary(html)
    assert order.index("details-sub_activity_code") < order.index("years-2023-budget")


def test_core_reports_schema_and_province_rules_in_one_round(harness: Harness) -> None:
    """The same through the core use case (the pages and the spreadsheet import take it)."""
    payload = lampung_payload(
        harness.plan_id(),
        years=[{"year": 2023, "target": "", "proposed_budget": -1}],
        details=lampung_details(sub_activity_code="2.08", locations=[]),
    )
    with pytest.raises(RuleFailed) as err:
        harness.create("dpppa.staf", payload)
    codes = err.value.codes()
    assert "sub_activity_code_format" in codes and "locations_required" in codes
    assert [v.field for v in err.value.violations][-1] == "years.0.proposed_budget"
