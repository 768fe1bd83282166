"""The decree's attachment (*lampiran*) as PDF: the signed activities of one or more sealed
sign-offs as the matrix the Keputusan Gubernur carries — heading with the province, decree
number and date; activity, indicator, target and confirmed budget per year, OPD; totals, the
grand total in words; page numbers; the governor's signature block; and per seal its digest,
verification code and a QR code to the public verification page.

What is printed is the seal's snapshot (what was signed), not the rows as they are now: the
verification page says whether those still match. HTML from ``lampiran.html`` (Jinja), PDF by
WeasyPrint (Pango and Debian's DejaVu fonts; ``.ci/run`` installs them).

WeasyPrint keeps the layout of every page of a document until it is written, about 0.4 MiB
per activity: a sign-off of thousands would take gigabytes. So the matrix is laid out in parts
of ``PART_ROWS`` rows, each its own small PDF, merged with pypdf; the page numbers ("Halaman
i dari n") and the running footer are stamped on the merged pages, so they run over the whole
document (benchmarks/bench_lampiran.py, RESULTS.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import segno
from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import acting
from core.documents.terbilang import rupiah_words
from core.models import Opd, Plan, Province, Signoff
from core.money import rupiah
from core.services.seals import activity_total, signer_acting

HERE = Path(__file__).parent
# Rows laid out at once: bounds WeasyPrint's memory (module docstring). 50, not 200: the peak of
# a 3,000-activity sign-off went from ≈ 215 to 187 MiB (parts of 100: ≈ 200), at no measurable
# cost in time (issue 17, item 6: under 200 MB).
PART_ROWS = 50


@dataclass(frozen=True)
class Row:
    number: int
    title: str
    indicator: str
    opd: str
    targets: dict[int, str]
    amounts: dict[int, int]
    total: int


@dataclass(frozen=True)
class Section:
    """One sealed sign-off: its decree and its rows."""

    decree_number: str
    decree_date: dt.date
    code: str
    digest: str
    verify_url: str
    signer: str
    rows: list[Row]
    totals: dict[int, int]
    total: int
    # "Plt. GUBERNUR LAMPUNG" when an acting official signed (the seal's signer.acting; the
    # title keeps its case, the office is capitalised like the governor's), else None.
    signer_title: str | None = None


@dataclass(frozen=True)
class Lampiran:
    province: str
    plan_title: str
    years: list[int]
    sections: list[Section]
    totals: dict[int, int]
    total: int

    @property
    def governor_title(self) -> str:
        """``Gubernur Lampung`` (the province is named "Provinsi Lampung")."""
        name = self.province.removeprefix("Provinsi ").strip()
        return f"Gubernur {name}"

    @property
    def total_words(self) -> str:
        return rupiah_words(self.total)

    @property
    def count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


@dataclass(frozen=True)
class Part:
    """Rows of one section laid out together; the heading opens the section's first part,
    the totals, signature and seal close its last."""

    section: Section
    rows: list[Row]
    first: bool
    last: bool
    doc_last: bool


def parts(lampiran: Lampiran, size: int = PART_ROWS) -> Iterator[Part]:
    for n, section in enumerate(lampiran.sections):
        chunks = [section.rows[i : i + size] for i in range(0, len(section.rows), size)] or [[]]
        for i, rows in enumerate(chunks):
            last = i == len(chunks) - 1
            yield Part(section, rows, i == 0, last, last and n == len(lampiran.sections) - 1)


def verify_url(public_url: str, code: str) -> str:
    """Where the QR code points: the public *Verifikasi dokumen* page for this code."""
    return f"{public_url.rstrip('/')}/verifikasi/{code}"


def _section(record: Signoff, opd_names: dict[str, str], public_url: str) -> Section:
    snapshot: dict[str, Any] = record.snapshot
    rows: list[Row] = []
    totals: dict[int, int] = {}
    for n, a in enumerate(snapshot.get("activities", []), start=1):
        years = a.get("years", [])
        amounts = {y["year"]: y["confirmed_budget"] or 0 for y in years}
        for year, amount in amounts.items():
            totals[year] = totals.get(year, 0) + amount
        rows.append(
            Row(
                number=n,
                title=a.get("title", ""),
                indicator=str((a.get("details") or {}).get("indicator", "")),
                opd=opd_names.get(a.get("opd", ""), a.get("opd", "")),
                targets={y["year"]: y.get("target") or "" for y in years},
                amounts=amounts,
                total=activity_total(a),
            )
        )
    as_acting = signer_acting(record)
    return Section(
        signer_title=acting.title(as_acting, upper=True) if as_acting else None,
        decree_number=record.decree_number,
        decree_date=record.decree_date,
        code=record.code,
        digest=record.digest,
        verify_url=verify_url(public_url, record.code),
        signer=record.signer_name,
        rows=rows,
        totals=totals,
        total=sum(r.total for r in rows),
    )


def build(session: Session, plan: Plan, records: Sequence[Signoff], public_url: str) -> Lampiran:
    """The lampiran of ``records`` (seals of ``plan``), in the order given."""
    province = session.get(Province, plan.province_id)
    rows = session.execute(select(Opd.code, Opd.name).where(Opd.province_id == plan.province_id))
    opd_names = {code: name for code, name in rows}
    sections = [_section(r, opd_names, public_url) for r in records]
    totals: dict[int, int] = {}
    for s in sections:
        for year, amount in s.totals.items():
            totals[year] = totals.get(year, 0) + amount
    return Lampiran(
        province=province.name if province else "",
        plan_title=plan.title,
        years=list(range(plan.start_year, plan.end_year + 1)),
        sections=sections,
        totals=totals,
        total=sum(s.total for s in sections),
    )


def _qr(url: str) -> str:
    """The QR code as an SVG data URI (vector, so it prints sharp at any size)."""
    svg = segno.make(url, error="m").svg_inline(scale=3, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def ribuan(amount: int) -> str:
    """``1.500.000``: table cells, under a heading that says "(Rp)"."""
    return rupiah(amount).removeprefix("Rp")


def tanggal(day: dt.date) -> str:
    """``1 Desember 2026``."""
    return str(format_date(day, "d MMMM y", locale="id"))


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(rupiah=rupiah, ribuan=ribuan, tanggal=tanggal, qr=_qr)
    return env


def render_html(lampiran: Lampiran, part: Part) -> str:
    return environment().get_template("lampiran.html").render(doc=lampiran, part=part)


def html_to_pdf(html: str) -> bytes:
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=str(HERE)).write_pdf()
    return pdf


MM = 72 / 25.4  # PDF points per millimetre
FOOTER_SIZE = 7.5
_HELVETICA = DictionaryObject(
    {
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
        NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
    }
)


def _pdf_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def stamp(page: PageObject, left: str, right: str) -> None:
    """The running footer and "Halaman i dari n" on a page, in Helvetica (one of PDF's
    standard fonts: nothing embedded, so thousands of stamps cost bytes, not fonts)."""
    width = float(page.mediabox.width)
    y = 10 * MM
    # Helvetica averages about half an em per character: close enough to align right.
    right_x = width - 12 * MM - len(right) * FOOTER_SIZE * 0.52
    ops = (
        f"q BT /SepakatF1 {FOOTER_SIZE} Tf 0.33 g {12 * MM:.1f} {y:.1f} Td "
        f"({_pdf_text(left)}) Tj ET BT /SepakatF1 {FOOTER_SIZE} Tf 0 g "
        f"{right_x:.1f} {y:.1f} Td ({_pdf_text(right)}) Tj ET Q"
    )
    overlay = PageObject.create_blank_page(width=width, height=float(page.mediabox.height))
    overlay[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/SepakatF1"): _HELVETICA})}
    )
    stream = DecodedStreamObject()
    stream.set_data(ops.encode("cp1252", "replace"))
    overlay[NameObject("/Contents")] = stream
    page.merge_page(overlay)


def render_pdf(lampiran: Lampiran, part_rows: int = PART_ROWS) -> bytes:
    """The whole lampiran: each part laid out on its own (then its layout is freed), the
    parts' pages merged, and every page stamped with its number."""
    writer = PdfWriter()
    for part in parts(lampiran, part_rows):
        for page in PdfReader(io.BytesIO(html_to_pdf(render_html(lampiran, part)))).pages:
            writer.add_page(page)
    count = len(writer.pages)
    left = f"Lampiran Keputusan {lampiran.governor_title}"
    for number, page in enumerate(writer.pages, start=1):
        stamp(page, left, f"Halaman {number} dari {count}")
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    # Each part embeds its own subset of the fonts: keep one copy of identical objects.
    writer.compress_identical_objects()
    writer.add_metadata({"/Title": left})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_of(session: Session, plan: Plan, records: Sequence[Signoff], public_url: str) -> bytes:
    """The lampiran of ``records`` as PDF bytes (what both front ends serve)."""
    return render_pdf(build(session, plan, records, public_url))
