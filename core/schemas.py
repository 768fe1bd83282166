"""Marshmallow schemas of the activity form, with messages in Bahasa Indonesia.

The same schemas validate the API payload and the core use cases, and province plugins build
their ``details`` schema from ``IdSchema`` and these fields so every message a user reads is
Indonesian.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from core.messages import N_, msg
from core.money import rupiah
from core.types import Code

REQUIRED = N_("Wajib diisi.")
NULL = N_("Tidak boleh kosong (null).")
MAX_BUDGET = 10**15  # a quadrillion rupiah: beyond any regional budget, inside BIGINT
MAX_ID = 2**31 - 1  # keys and versions are INTEGER: a larger number must never reach SQL
MAX_BATCH = 500


class IdSchema(Schema):
    """Base schema: unknown keys are errors, messages in Bahasa Indonesia."""

    error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "unknown": N_("Kolom tidak dikenal."),
        "type": N_("Data harus berupa objek."),
    }

    class Meta:
        unknown = RAISE


def storable(text: str) -> bool:
    """Text a database column can hold: no NUL, no lone surrogate. A lookup by anything else
    can match nothing, so it is never sent (PostgreSQL would refuse the statement)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# C0 and C1 control characters and DEL; a multi-line text keeps tab, LF and CR.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# On one line nothing else either: a line break in a title ends up in an e-mail Subject, and
# U+2028/U+2029 are line breaks to Python and to browsers.
CONTROL_OR_BREAK = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class Str(fields.String):
    """Text of several lines (a description, a comment): any character but NUL and the other
    control characters, and never a lone surrogate (``"\\ud800"`` in JSON), which no database
    can store as UTF-8."""

    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa teks."),
        "invalid_utf8": N_("Bukan teks UTF-8 yang sah."),
        "required": REQUIRED,
        "null": NULL,
        "nul_char": N_("Tidak boleh memuat karakter NUL."),
        "control_char": N_("Tidak boleh memuat karakter kontrol."),
        "line_break": N_("Harus satu baris: tanpa ganti baris atau karakter kontrol."),
    }
    forbidden = CONTROL
    forbidden_error = "control_char"

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        # PostgreSQL cannot store U+0000 in text; refuse it here rather than fail on write.
        if "\x00" in text:
            raise self.make_error("nul_char")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise self.make_error("invalid_utf8") from None
        if self.forbidden.search(text):
            raise self.make_error(self.forbidden_error)
        return text


class Line(Str):
    """Text of one line: a title, a target, a code, a decree number, a user name. No line break
    or control character of any kind, so it is safe in an e-mail header or a log line."""

    forbidden = CONTROL_OR_BREAK
    forbidden_error = "line_break"


class Int(fields.Integer):
    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa bilangan bulat."),
        "too_large": N_("Angka terlalu besar."),
        "required": REQUIRED,
        "null": NULL,
    }

    def __init__(self, **kwargs: Any) -> None:
        # strict: 1.5 or "100" are refused, not silently truncated or coerced.
        super().__init__(strict=True, **kwargs)


class Day(fields.Date):
    """A calendar day in ISO form (``2026-12-01``)."""

    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa tanggal dengan format TTTT-BB-HH."),
        "format": N_("Harus berupa tanggal dengan format TTTT-BB-HH."),
        "required": REQUIRED,
        "null": NULL,
    }


class QueryInt(fields.Integer):
    """An integer from a query string or an HTML form: text by nature, so not strict like
    ``Int``; ``"²"`` or a 5000-digit string is refused ("Harus berupa bilangan bulat.")."""

    default_error_messages: ClassVar[dict[str, Any]] = Int.default_error_messages  # type: ignore[misc]


class StrList(fields.List):
    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa daftar."),
        "required": REQUIRED,
        "null": NULL,
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(Line(validate=length(max=80)), **kwargs)


class ObjList(fields.List):
    default_error_messages: ClassVar[dict[str, Any]] = StrList.default_error_messages  # type: ignore[misc]


class Obj(fields.Dict):
    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa objek."),
        "required": REQUIRED,
        "null": NULL,
    }


class _Length(validate.Length):
    def _format_error(self, value: Any, message: str) -> str:
        # A ``Text`` keeps the template, so the pages can show the message in English too.
        return msg(self.error or message, min=self.min, max=self.max, equal=self.equal)


class _Range(validate.Range):
    def _format_error(self, value: Any, message: str) -> str:
        return msg(self.error or message, min=self.min, max=self.max)


class _OneOf(validate.OneOf):
    def _format_error(self, value: Any) -> str:
        return msg(self.error, choices=self.choices_text, input=value)


class Choice(Line):
    """A text field that takes one of fixed codes (a one-of field): ``Choice([Code("luring",
    "Tatap muka"), Code("daring", "Daring")])``. The API refuses any other value in Bahasa
    Indonesia, the form shows a select with the labels, and the JSON form schema lists the codes
    (``enum``). For codes a province keeps in its reference data, name the field after the list
    instead (``funding_source`` → ``funding_sources``) and check it with ``check_codes``."""

    def __init__(self, codes: Iterable[Code], **kwargs: Any) -> None:
        self.codes: tuple[Code, ...] = tuple(codes)
        one_of = _OneOf(
            [c.code for c in self.codes],
            [c.label for c in self.codes],
            error=N_("Pilih salah satu dari: {choices}."),
        )
        extra = kwargs.pop("validate", None)
        validators = [one_of, *([extra] if callable(extra) else extra or [])]
        super().__init__(validate=validators, **kwargs)


def length(min: int | None = None, max: int | None = None) -> validate.Length:
    if min and max:
        template = N_("Panjang harus antara {min} dan {max} karakter.")
    elif max:
        template = N_("Paling banyak {max} karakter.")
    else:
        template = N_("Paling sedikit {min} karakter.")
    return _Length(min=min, max=max, error=template)


def between(min: int, max: int) -> validate.Range:
    return _Range(min=min, max=max, error=N_("Harus antara {min} dan {max}."))


class _RupiahRange(validate.Range):
    """0 up to ``MAX_BUDGET`` (a ``Range``, so the OpenAPI document keeps its bounds), said as
    an official would read it."""

    def __init__(self) -> None:
        super().__init__(min=0, max=MAX_BUDGET)

    def __call__(self, value: Any) -> Any:
        if value < 0:
            raise ValidationError(N_("Anggaran tidak boleh negatif; tulis 0 bila tidak didanai."))
        if value > MAX_BUDGET:
            raise ValidationError(msg("Anggaran paling banyak {max}.", max=rupiah(MAX_BUDGET)))
        return value


class Rupiah(Int):
    """An amount in whole rupiah. The API takes a JSON integer (``150000000``); the pages turn
    what an official types ("Rp 150.000.000,00", "150 juta") into one first
    (``core.money.parse_rupiah``), so both read the same messages."""

    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        **Int.default_error_messages,
        "invalid": N_("Tulis jumlah rupiah dengan angka, mis. 150.000.000 atau Rp150.000.000."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=_RupiahRange(), **kwargs)


class YearSchema(IdSchema):
    year = Int(required=True, validate=between(2000, 2100))
    target = Line(load_default="", validate=length(max=200))
    proposed_budget = Rupiah(required=True)


class ActivityInputSchema(IdSchema):
    """What a client sends to create an activity (``partial=True`` for an edit)."""

    plan_id = Int(required=True, validate=between(1, MAX_ID))  # an INTEGER key
    title = Line(required=True, validate=length(3, 300))
    description = Str(load_default="", validate=length(max=5000))
    pillar = Line(required=True, validate=length(1, 60))
    years = ObjList(
        fields.Nested(YearSchema),
        required=True,
        validate=_Length(min=1, max=10, error=N_("Isi 1 sampai 10 tahun anggaran.")),
    )
    details = Obj(load_default=dict)


class ConfirmedYearSchema(IdSchema):
    year = Int(required=True, validate=between(2000, 2100))
    # null is taken so the core can say which year is missing (``confirmed_missing``).
    confirmed_budget = Rupiah(required=True, allow_none=True)


class TransitionInputSchema(IdSchema):
    action = Line(required=True, validate=length(1, 40))
    version = Int(required=True, validate=between(0, MAX_ID))
    comment = Str(load_default=None, allow_none=True, validate=length(max=5000))
    confirmed_years = ObjList(
        fields.Nested(ConfirmedYearSchema), load_default=None, allow_none=True
    )
    decree_number = Line(load_default=None, allow_none=True, validate=length(max=120))
    # Tanggal penetapan; when left out, the signing day in the province's zone.
    decree_date = Day(load_default=None, allow_none=True)


class CeilingInputSchema(IdSchema):
    """An OPD's pagu for one year, in whole rupiah."""

    amount = Rupiah(required=True)
    reason = Line(
        load_default=None,
        allow_none=True,
        validate=length(0, 500),
        metadata={"description": "Alasan perubahan (dicatat dalam riwayat pagu)"},
    )


class MatrixFilterSchema(IdSchema):
    """The list filters that make sense for one plan's matrix (``/plans/{id}/matrix.xlsx``
    and the matrix page's download): every value is bounded before it reaches SQL, or the
    sheet's heading (where a control character is not even allowed)."""

    state = Line(validate=length(1, 40))
    year = QueryInt(validate=between(2000, 2100))
    pillar = Line(validate=length(1, 60))
    opd = Line(validate=length(1, 40))
    q = Line(validate=length(1, 200))


class ActivityFilterSchema(MatrixFilterSchema):
    """The filters of an activity list (the API's ``GET /activities`` query and the list
    page's): the matrix's, a plan and the page's cursor."""

    plan_id = QueryInt(validate=between(1, MAX_ID))
    cursor = Line(validate=length(1, 100))


class MonitoringFilterSchema(IdSchema):
    """The filters of the consolidation of progress reports (``/monitoring`` and the page
    *Pemantauan*): a plan of the caller's province, one of its years and a period code the
    province declares (``core.services.monitoring`` checks those two against the plan)."""

    plan_id = QueryInt(validate=between(1, MAX_ID))
    year = QueryInt(validate=between(2000, 2100))
    period = Line(validate=length(1, 20))


# The orders of an activity list (``core.services.queries.SORTS``), with what a page calls them.
LIST_SORTS = (
    Code("newest", N_("Terbaru")),
    Code("title", N_("Nama kegiatan A–Z")),
    Code("-title", N_("Nama kegiatan Z–A")),
    Code("proposed", N_("Usulan terkecil")),
    Code("-proposed", N_("Usulan terbesar")),
    Code("confirmed", N_("Terkonfirmasi terkecil")),
    Code("-confirmed", N_("Terkonfirmasi terbesar")),
)


class ActivityListSchema(ActivityFilterSchema):
    """An activity list's query: the filters, and its order (``sort``, default newest)."""

    sort = Choice(LIST_SORTS, load_default="newest")


class SignoffInputSchema(IdSchema):
    """A batch sign-off: the activities and the one decree number (API and page)."""

    activity_ids = ObjList(
        Int(validate=between(1, MAX_ID)),
        required=True,
        validate=_Length(min=1, max=MAX_BATCH, error=N_("Isi 1 sampai {max} kegiatan.")),
    )
    decree_number = Line(required=True, validate=length(1, 120))
    decree_date = Day(
        load_default=None,
        allow_none=True,
        metadata={"description": "Tanggal penetapan; bila kosong, hari ini di zona provinsi"},
    )


class CalendarWindowInputSchema(IdSchema):
    """One window of the planning calendar: its first and last day (calendar days in the
    province's zone, both inclusive)."""

    starts_on = Day(required=True, metadata={"description": "Hari pertama (TTTT-BB-HH)"})
    ends_on = Day(required=True, metadata={"description": "Hari terakhir, termasuk (TTTT-BB-HH)"})


class CalendarExtensionInputSchema(IdSchema):
    """An extension: the window's new last day, later than the current one, and why."""

    ends_on = Day(required=True, metadata={"description": "Hari terakhir yang baru"})
    reason = Line(required=True, validate=length(1, 500))


class Amount(fields.Float):
    """A quantity (an output realised: 60 orang, 2,5 km): a JSON number, not negative."""

    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa angka."),
        "special": N_("Harus berupa angka."),
        "too_large": N_("Angka terlalu besar."),
        "required": REQUIRED,
        "null": NULL,
    }

    def __init__(self, **kwargs: Any) -> None:
        rule = _Range(min=0, max=10**12, error=N_("Harus antara {min} dan {max}."))
        super().__init__(validate=rule, **kwargs)

    def _validated(self, value: Any) -> Any:
        if isinstance(value, str):  # a JSON number: "60" is refused, as Int refuses it
            raise self.make_error("invalid")
        return super()._validated(value)


class ReportInputSchema(IdSchema):
    """A progress report's fields (``partial=True`` for an edit; ``activity_id``, ``year`` and
    ``period`` only on create)."""

    activity_id = Int(required=True, validate=between(1, MAX_ID))
    year = Int(required=True, validate=between(2000, 2100))
    period = Line(required=True, validate=length(1, 20))
    output_target = Amount(load_default=None, allow_none=True)
    output_realised = Amount(load_default=None, allow_none=True)
    output_unit = Line(load_default="", validate=length(max=60))
    budget_realised = Rupiah(load_default=None, allow_none=True)
    obstacles = Str(load_default="", validate=length(max=5000))  # kendala
    follow_up = Str(load_default="", validate=length(max=5000))  # tindak lanjut


REPORT_FIELDS = (
    "output_target",
    "output_realised",
    "output_unit",
    "budget_realised",
    "obstacles",
    "follow_up",
)
