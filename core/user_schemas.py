"""The payloads of account administration and of one's own password, with messages in Bahasa
Indonesia: the API parses its bodies with them, the pages and the bulk import their fields (the
rules are the same whichever way a user arrives)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, validate

from core.messages import N_
from core.nip import check_nip
from core.schemas import REQUIRED, IdSchema, Line, ObjList, QueryInt, Str, between, length

USERNAME = r"^[a-z0-9][a-z0-9._-]{2,79}$"
USERNAME_RULE = N_(
    "Nama pengguna 3–80 karakter: huruf kecil, angka, titik, garis bawah atau tanda minus, "
    "diawali huruf atau angka."
)


class Username(Line):
    """A username as stored: trimmed and in lower case (``Rina.Admin`` is ``rina.admin``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        return text.strip().lower()


class Email(Line):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Flag(fields.Boolean):
    default_error_messages: ClassVar[dict[str, Any]] = {  # type: ignore[misc]
        "invalid": N_("Harus berupa true atau false."),
        "required": REQUIRED,
        "null": N_("Tidak boleh kosong (null)."),
    }


def nip_shape(value: str | None) -> None:
    """Only what refuses a NIP outright (not digits, not 18 of them), so the schema names it
    beside every other field; the plausibility warnings come from ``core.nip`` after."""
    if value is None or not value.strip():
        return
    errors = check_nip(value, dt.date.today()).errors
    if errors:
        raise ValidationError([e.message for e in errors])


def _email() -> list[Any]:
    return [length(max=200), validate.Email(error=N_("Alamat e-mail tidak sah."))]


class RoleGrantSchema(IdSchema):
    """A role to hold: one of the province's declared roles; an OPD-scoped role names its OPD
    (by code), a province-wide one names none."""

    role = Line(required=True, validate=length(1, 40))
    opd = Line(load_default=None, allow_none=True, validate=length(1, 40))


class UserCreateSchema(IdSchema):
    username = Username(required=True, validate=validate.Regexp(USERNAME, error=USERNAME_RULE))
    full_name = Line(required=True, validate=length(2, 200))
    email = Email(required=True, validate=_email())
    nip = Line(load_default=None, allow_none=True, validate=[length(max=40), nip_shape])
    roles = ObjList(fields.Nested(RoleGrantSchema), load_default=list, validate=length(max=20))
    send_reset = Flag(
        load_default=True,
        metadata={"description": "Kirim tautan atur ulang kata sandi ke e-mail pengguna"},
    )


class UserEditSchema(IdSchema):
    """What the admin may change of an account (all optional; ``nip`` null or "" clears it)."""

    full_name = Line(validate=length(2, 200))
    email = Email(validate=_email())
    nip = Line(allow_none=True, validate=[length(max=40), nip_shape])
    reason = Str(load_default=None, allow_none=True, validate=length(max=1000))


class ReasonSchema(IdSchema):
    reason = Str(load_default=None, allow_none=True, validate=length(max=1000))


class UserFilterSchema(IdSchema):
    """The filters of the user list (API query and page)."""

    q = Line(validate=length(1, 200))
    opd = Line(validate=length(1, 40))
    role = Line(validate=length(1, 40))
    active = QueryInt(validate=between(0, 1))


class PasswordChangeSchema(IdSchema):
    current_password = Str(required=True, validate=length(max=1000))
    new_password = Str(required=True, validate=length(max=1000))


__all__ = [
    "PasswordChangeSchema",
    "ReasonSchema",
    "RoleGrantSchema",
    "UserCreateSchema",
    "UserEditSchema",
    "UserFilterSchema",
]
