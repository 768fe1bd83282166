"""The consolidation of progress reports (issue 14): its numbers against a hand computation over
two OPDs, two pillars and two periods; the overdue list with a frozen "today"; the scope of an
OPD role; bad filters named; and the PDF and XLSX holding the same totals."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.documents import monitoring_pdf, monitoring_xlsx
from core.documents.charts import Bar, BarGroup, grouped_bars
from core.documents.monitoring_charts import persen
from core.documents.workbook import HEADER_ROW
from core.errors import RuleFailed
from core.services.monitoring import Consolidation, Filters, consolidate
from core.services.monitoring_headline import headline
from core.testing import Harness
from tests.helpers import lampung_payload

DECREE = "G/288/V.09/HK/2022"
M = 1_000_000
AFTER_S1 = dt.date(2023, 7, 11)  # S1 2023 is due on 10 July 2023


@dataclass(frozen=True)
class Plan:
    """The activities of the scenario by name, their ids once created."""

    ids: dict[str, int]


def _signed(h: Harness, username: str, pillar: str, budget: int, title: str) -> int:
    payload = lampung_payload(
        h.plan_id(),
        title=title,
        pillar=pillar,
        years=[{"year": 2023, "target": "60 orang", "proposed_budget": budget}],
    )
    activity_id = h.create(username, payload).id
    h.walk(activity_id, "submit", "approve", "confirm_budget", "sign", decree_number=DECREE)
    return activity_id


def _report(h: Harness, username: str, activity_id: int, period: str, **fields: Any) -> int:
    done = {"output_unit": "orang", **fields}
    return h.file_report(username, activity_id, 2023, period, **done).id


def _accepted(h: Harness, username: str, activity_id: int, period: str, **fields: Any) -> int:
    report_id = _report(h, username, activity_id, period, **fields)
    h.report_walk(report_id, "submit", "approve", "verify")
    return report_id


def scenario(h: Harness) -> Plan:
    """Four signed activities of 2023 (two OPDs × two pillars) and one left in draft:

    ===  ======  ==========  ======  ================================  ==========================
         OPD     pillar      budget  S1 report                         S2 report
    ===  ======  ==========  ======  ================================  ==========================
    a1   dpppa   pencegahan  100 M   accepted 40 M, 30/60 orang        accepted 90 M, 60/60
    a2   dpppa   penanganan  200 M   returned (50 M: not counted)      none
    a3   dinsos  pencegahan  300 M   accepted 150 M, 20/80 orang       draft
    a4   dinsos  penanganan  400 M   none                              accepted 100 M, 10/40
    a5   dinsos  pencegahan  500 M   (never signed: not counted)
    ===  ======  ==========  ======  ================================  ==========================
    """
    ids = {
        "a1": _signed(h, "dpppa.staf", "pencegahan", 100 * M, "Pelatihan mediasi perempuan"),
        "a2": _signed(h, "dpppa.staf", "penanganan", 200 * M, "Rumah aman korban konflik"),
        "a3": _signed(h, "dinsos.staf", "pencegahan", 300 * M, "Sekolah damai di Mesuji"),
        "a4": _signed(h, "dinsos.staf", "penanganan", 400 * M, "Layanan psikososial anak"),
    }
    h.create("dinsos.staf", lampung_payload(h.plan_id(), title="Draf yang belum ditetapkan"))
    _accepted(
        h,
        "dpppa.staf",
        ids["a1"],
        "S1",
        budget_realised=40 * M,
        output_target=60,
        output_realised=30,
    )
    _accepted(
        h,
        "dpppa.staf",
        ids["a1"],
        "S2",
        budget_realised=90 * M,
        output_target=60,
        output_realised=60,
    )
    returned = _report(
        h,
        "dpppa.staf",
        ids["a2"],
        "S1",
        budget_realised=50 * M,
        output_target=5,
        output_realised=5,
    )
    h.report_walk(returned, "submit", "return", comment="Lampirkan bukti.")
    _accepted(
        h,
        "dinsos.staf",
        ids["a3"],
        "S1",
        budget_realised=150 * M,
        output_target=80,
        output_realised=20,
    )
    _report(h, "dinsos.staf", ids["a3"], "S2", budget_realised=10 * M)
    _accepted(
        h,
        "dinsos.staf",
        ids["a4"],
        "S2",
        budget_realised=100 * M,
        output_target=40,
        output_realised=10,
    )
    return Plan(ids)


def view(
    h: Harness, username: str, period: str = "S1", today: dt.date = AFTER_S1, **kw: Any
) -> Consolidation:
    with h.session() as s:
        filters = Filters(plan_id=h.plan_id(), year=2023, period=period, **kw)
        return consolidate(s, h.registry, h.actor(username), filters, today=today)


def figures(found: Consolidation, kind: str) -> dict[str, tuple[int, int, int, int]]:
    """(activities, accepted, confirmed, realised) per pillar or OPD code."""
    groups = found.pillars if kind == "pillar" else found.opds
    return {g.code: (g.activities, g.accepted, g.confirmed, g.realised) for g in groups}


def test_the_consolidation_matches_a_hand_computation(harness: Harness) -> None:
    h = harness
    ids = scenario(h).ids
    s1 = view(h, "pokja.lampung")
    assert s1.province_wide and (s1.year, s1.period.code) == (2023, "S1")
    # By hand: pencegahan = a1 + a3; penanganan = a2 + a4 (a2 returned, a4 unreported).
    assert figures(s1, "pillar") == {
        "pencegahan": (2, 2, 400 * M, 190 * M),
        "penanganan": (2, 0, 600 * M, 0),
        "pemberdayaan_partisipasi": (0, 0, 0, 0),
    }
    assert figures(s1, "opd") == {
        "dpppa": (2, 1, 300 * M, 40 * M),
        "dinsos": (2, 1, 700 * M, 150 * M),
    }
    assert (s1.total.confirmed, s1.total.realised) == (1000 * M, 190 * M)
    assert s1.total.budget_percent == pytest.approx(19.0)
    pencegahan = s1.pillars[0]
    assert pencegahan.budget_percent == pytest.approx(47.5)
    assert pencegahan.output_percent == pytest.approx((50 + 25) / 2)  # 30/60 and 20/80
    assert s1.pillars[1].output_percent is None and s1.pillars[2].budget_percent is None
    lines = {line.activity_id: line for line in s1.activities}
    assert lines[ids["a1"]].budget_percent == pytest.approx(40.0)
    assert lines[ids["a1"]].output_percent == pytest.approx(50.0)
    assert (lines[ids["a2"]].realised, lines[ids["a2"]].accepted) == (0, False)
    assert lines[ids["a2"]].state_label == "Dikembalikan untuk Perbaikan"
    assert lines[ids["a4"]].report_id is None
    statuses = {st.label: st.count for st in s1.statuses}
    assert statuses == {
        "Draf Laporan": 0,
        "Persetujuan Kepala OPD": 0,
        "Verifikasi Sekretariat Pokja": 0,
        "Diterima": 2,
        "Dikembalikan untuk Perbaikan": 1,
    }
    assert (s1.reports, s1.unreported) == (3, 1)

    s2 = view(h, "gubernur", "S2", today=dt.date(2024, 1, 11))
    assert figures(s2, "pillar")["pencegahan"] == (2, 1, 400 * M, 90 * M)  # a3's draft: 0
    assert figures(s2, "pillar")["penanganan"] == (2, 1, 600 * M, 100 * M)
    assert (s2.total.realised, s2.total.accepted) == (190 * M, 2)
    assert s2.total.output_percent == pytest.approx((100 + 25) / 2)
    assert {m.activity_id for m in s2.missing} == {ids["a2"], ids["a3"]}  # none, and a draft


def test_the_series_has_every_period_started_so_far(harness: Harness) -> None:
    h = harness
    scenario(h)
    found = view(h, "bappeda.verifikator")
    names = [p.period.name for p in found.series]
    # 2022 S1..2023 S2 have started by 11 July 2023; 2024's have not.
    assert names == ["Semester I 2022", "Semester II 2022", "Semester I 2023", "Semester II 2023"]
    by_pillar = {g.code: g.budget_percent for g in found.series[2].pillars}
    assert by_pillar["pencegahan"] == pytest.approx(47.5)
    assert by_pillar["penanganan"] == pytest.approx(0.0)
    assert {g.code: g.budget_percent for g in found.series[3].pillars}["penanganan"] == (
        pytest.approx(100 / 6)
    )
    assert all(g.budget_percent is None for g in found.series[0].pillars)  # nothing in 2022
    assert [p.name for p in found.periods][-1] == "Semester II 2024"


def test_overdue_only_after_the_due_date_in_the_province_zone(harness: Harness) -> None:
    h = harness
    ids = scenario(h).ids
    on_due = view(h, "pokja.lampung", today=dt.date(2023, 7, 10))
    assert not on_due.overdue and on_due.missing == []
    late = view(h, "pokja.lampung", today=dt.date(2023, 7, 20))
    assert late.overdue
    # a4 filed nothing; a2's report was returned (submitted once: not missing).
    assert [(m.activity_id, m.report_id, m.days_late) for m in late.missing] == [
        (ids["a4"], None, 10)
    ]


def test_an_opd_role_sees_only_its_opd(harness: Harness) -> None:
    h = harness
    scenario(h)
    found = view(h, "dinsos.kepala")
    assert not found.province_wide
    assert figures(found, "opd") == {"dinsos": (2, 1, 700 * M, 150 * M)}
    assert (found.total.confirmed, found.total.realised) == (700 * M, 150 * M)
    assert [m.opd_name for m in found.missing] == ["Dinas Sosial"]


def test_bad_filters_are_named_and_another_province_plan_is_unknown(harness: Harness) -> None:
    h = harness
    with h.session() as s, pytest.raises(RuleFailed) as err:
        consolidate(s, h.registry, h.actor("pokja.lampung"), Filters(year=1999))
    assert [v.field for v in err.value.violations] == ["year"]
    with h.session() as s, pytest.raises(RuleFailed) as err:
        consolidate(s, h.registry, h.actor("pokja.lampung"), Filters(year=2023, period="TW9"))
    assert [v.field for v in err.value.violations] == ["period"]
    assert "S1 (Semester I)" in err.value.violations[0].message
    with h.session() as s, pytest.raises(RuleFailed) as err:
        other = h.plan_id("sulteng")
        consolidate(s, h.registry, h.actor("pokja.lampung"), Filters(plan_id=other))
    assert [v.field for v in err.value.violations] == ["plan_id"]
    # No filters: the plan's latest period that has ended (none signed: any year).
    with h.session() as s:
        found = consolidate(s, h.registry, h.actor("gubernur"), today=dt.date(2024, 3, 1))
    assert (found.year, found.period.code) == (2023, "S2")
    with h.session() as s:
        found = consolidate(s, h.registry, h.actor("gubernur"), today=dt.date(2026, 12, 1))
    assert (found.year, found.period.code) == (2024, "S2")


def test_by_default_the_latest_ended_period_of_a_year_with_signed_activities(
    harness: Harness,
) -> None:
    h = harness
    scenario(h)  # signed activities in 2023 only
    with h.session() as s:
        found = consolidate(s, h.registry, h.actor("gubernur"), today=dt.date(2026, 12, 1))
    assert (found.year, found.period.code, found.total.realised) == (2023, "S2", 190 * M)


def sheet_sums(ws: Any) -> tuple[tuple[int, int], tuple[int, int]]:
    """The sums of the confirmed and realised columns over the body rows, and the totals row's
    values of them."""
    rows = list(ws.iter_rows(min_row=HEADER_ROW, values_only=True))
    header = list(rows[0])
    columns = [header.index("Anggaran terkonfirmasi (Rp)"), header.index("Realisasi anggaran (Rp)")]
    body = [r for r in rows[1:] if not any(str(v).startswith("Jumlah") for v in r if v)]
    (total,) = [r for r in rows[1:] if r not in body]
    sums = tuple(sum(r[c] or 0 for r in body) for c in columns)
    return (sums[0], sums[1]), (total[columns[0]], total[columns[1]])


def test_the_pdf_and_the_workbook_hold_the_totals(harness: Harness) -> None:
    h = harness
    scenario(h)
    found = view(h, "pokja.lampung")
    pdf = monitoring_pdf.render_pdf(found)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    for expected in ("Rp1.000.000.000", "Rp190.000.000", "400.000.000", "19,0%", "47,5%"):
        assert expected in text, expected
    assert "Layanan psikososial anak" in text  # a4: the missing list
    assert "Semester I 2023" in text and "Provinsi Lampung" in text
    assert "S1 2022" in text and "75,0%" in text  # the chart's axis: the SVG is drawn

    out = io.BytesIO()
    monitoring_xlsx.write(found, out)
    wb = load_workbook(io.BytesIO(out.getvalue()))
    assert wb.sheetnames == ["Ringkasan per pilar", "Per OPD", "Per kegiatan", "Belum melapor"]
    for name in wb.sheetnames[:3]:
        body, total = sheet_sums(wb[name])
        assert body == total == (1000 * M, 190 * M), name
    missing = [r for r in wb["Belum melapor"].iter_rows(values_only=True) if r and r[0] == 1]
    assert missing and missing[0][2] == "Layanan psikososial anak"


def test_a_chart_says_its_numbers_and_stretches_past_100_percent() -> None:
    groups = [
        BarGroup("S1 2023", [Bar("Pencegahan", 150.0), Bar("Penanganan <&>", None)]),
        BarGroup("S2 2023", [Bar("Pencegahan", 50.0), Bar("Penanganan <&>", 0.0)]),
    ]
    svg = grouped_bars("c", "Judul", groups, persen)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"')
    assert 'aria-labelledby="c-title c-desc"' in svg and '<title id="c-title">Judul</title>' in svg
    assert (
        "S1 2023: Pencegahan 150,0%, Penanganan &lt;&amp;&gt; –; "
        "S2 2023: Pencegahan 50,0%, Penanganan &lt;&amp;&gt; 0,0%"
    ) in svg
    assert ">150,0%</text>" in svg  # the scale's top: the largest value, past 100 %
    assert svg.count("<rect") == 3 + 2  # three bars (None is a gap), two legend keys
    assert "<script" not in svg and "style=" not in svg


@pytest.mark.parametrize(
    ("utc", "overdue"),
    [
        (dt.datetime(2023, 7, 10, 16, 59, tzinfo=dt.UTC), False),  # 23.59 WIB on the due date
        (dt.datetime(2023, 7, 10, 17, 0, tzinfo=dt.UTC), True),  # 00.00 WIB the day after
    ],
)
def test_today_is_the_provinces_calendar_day(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, utc: dt.datetime, overdue: bool
) -> None:
    h = harness
    scenario(h)
    monkeypatch.setattr("core.services.monitoring.utcnow", lambda: utc)
    with h.session() as s:
        found = consolidate(
            s, h.registry, h.actor("pokja.lampung"), Filters(h.plan_id(), 2023, "S1")
        )
    assert (found.overdue, len(found.missing)) == (overdue, 1 if overdue else 0)


def test_without_the_series_the_card_reads_the_same_totals(harness: Harness) -> None:
    """The dashboard's card (``series=False``) reads only the chosen period: the same totals
    and the same missing reports as the full consolidation, no series."""
    h = harness
    scenario(h)
    full = view(h, "bappeda.verifikator")
    with h.session() as s:
        filters = Filters(plan_id=h.plan_id(), year=2023, period="S1")
        actor = h.actor("bappeda.verifikator")
        card = consolidate(s, h.registry, actor, filters, today=AFTER_S1, series=False)
    assert full.series and card.series == []
    assert card.total == full.total and card.missing == full.missing
    assert figures(card, "pillar") == figures(full, "pillar")


@pytest.mark.parametrize(
    ("username", "period", "today"),
    [
        ("bappeda.verifikator", "S1", AFTER_S1),  # a1 accepted, a2 returned, a3 accepted
        ("bappeda.verifikator", "S1", dt.date(2023, 7, 10)),  # due today: nothing missing yet
        ("gubernur", "S2", dt.date(2024, 1, 11)),  # a3's report still a draft: missing
        ("dpppa.kepala", "S1", AFTER_S1),  # an OPD's head: its own two activities
        ("dinsos.staf", "S2", dt.date(2024, 1, 11)),
    ],
)
def test_the_cards_headline_is_the_consolidations_total(
    harness: Harness, username: str, period: str, today: dt.date
) -> None:
    """The dashboard's card counts in one statement what the consolidation builds line by line
    (issue 17): the same total, output share included, and as many overdue reports."""
    h = harness
    scenario(h)
    full = view(h, username, period, today=today)
    with h.session() as s:
        filters = Filters(plan_id=h.plan_id(), year=2023, period=period)
        card = headline(s, h.registry, h.actor(username), filters, today=today)
    assert (card.year, card.period, card.overdue) == (full.year, full.period, full.overdue)
    assert card.total == full.total and card.total.activities > 0
    assert card.missing == len(full.missing)


def test_the_cards_default_period_is_the_consolidations(harness: Harness) -> None:
    """Without filters both pick the latest period that has ended in a year with a signed
    activity (``SignedYears``, one year at a time), not a later empty one."""
    h = harness
    scenario(h)
    for today in (AFTER_S1, dt.date(2024, 3, 1), dt.date(2026, 12, 1)):
        with h.session() as s:
            actor = h.actor("gubernur")
            full = consolidate(s, h.registry, actor, today=today, series=False)
            card = headline(s, h.registry, actor, today=today)
        assert (card.plan_id, card.year, card.period.code) == (
            full.plan_id,
            full.year,
            full.period.code,
        )
        assert card.year == 2023 and card.total == full.total
