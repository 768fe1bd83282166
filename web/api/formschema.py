"""A JSON Schema (draft 2020-12) of a province's activity form, generated from the marshmallow
schemas that validate it: core's ``ActivityInputSchema`` and the plugin's ``details`` schema.

Only what those schemas use is converted (strings, integers, lists, nested objects, free
dicts; length, range and one-of validators). Code fields get ``enum`` values, with their labels
in ``x-labels``, from the province's reference lists, so a client can render selects.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from core.schemas import ActivityInputSchema
from core.types import ReferenceData

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Field name → reference list, where the plural rule (``x`` → ``xs``) does not find it.
REFERENCE_LISTS = {"partner_opds": "opds", "pillar": "pillars"}


def _reference_list(name: str, reference: ReferenceData) -> str | None:
    for candidate in (REFERENCE_LISTS.get(name), name, f"{name}s"):
        if candidate and candidate in reference.lists:
            return candidate
    return None


def _with_validators(schema: dict[str, Any], field: fields.Field) -> dict[str, Any]:
    is_list = schema.get("type") == "array"
    for v in field.validators:
        if isinstance(v, validate.Length):
            lo, hi = ("minItems", "maxItems") if is_list else ("minLength", "maxLength")
            if v.min is not None:
                schema[lo] = v.min
            if v.max is not None:
                schema[hi] = v.max
            if v.equal is not None:
                schema[lo] = schema[hi] = v.equal
        elif isinstance(v, validate.Range):
            if v.min is not None:
                schema["minimum" if v.min_inclusive else "exclusiveMinimum"] = v.min
            if v.max is not None:
                schema["maximum" if v.max_inclusive else "exclusiveMaximum"] = v.max
        elif isinstance(v, validate.OneOf):
            schema["enum"] = list(v.choices)
    return schema


def _enum(schema: dict[str, Any], name: str, reference: ReferenceData) -> None:
    list_name = _reference_list(name, reference)
    if list_name is None:
        return
    codes = reference.lists[list_name]
    target = schema["items"] if schema.get("type") == "array" else schema
    if target.get("type") != "string":
        return
    target["enum"] = [c.code for c in codes]
    target["x-labels"] = {c.code: c.label for c in codes}
    if target is not schema:
        schema["uniqueItems"] = True


def field_schema(field: fields.Field, name: str, reference: ReferenceData) -> dict[str, Any]:
    out: dict[str, Any]
    if isinstance(field, fields.Nested):
        nested = field.schema
        out = object_schema(nested, reference)
    elif isinstance(field, fields.List):
        out = {"type": "array", "items": field_schema(field.inner, name, reference)}
    elif isinstance(field, fields.Integer):
        out = {"type": "integer"}
    elif isinstance(field, fields.Boolean):
        out = {"type": "boolean"}
    elif isinstance(field, fields.Number):
        out = {"type": "number"}
    elif isinstance(field, fields.String):
        out = {"type": "string"}
    elif isinstance(field, fields.Dict):
        out = {"type": "object"}
    else:
        out = {}
    if field.allow_none and "type" in out:
        out["type"] = [out["type"], "null"]
    default = field.load_default
    if default is not ma.missing and not callable(default):
        out["default"] = default
    _with_validators(out, field)
    _enum(out, name, reference)
    return out


def object_schema(schema: ma.Schema, reference: ReferenceData) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    required: list[str] = []
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        properties[key] = field_schema(field, key, reference)
        if field.required:
            required.append(key)
    out: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        out["required"] = required
    if schema.unknown == ma.RAISE:
        out["additionalProperties"] = False
    return out


def activity_form(details_schema: ma.Schema, reference: ReferenceData, title: str) -> dict:
    """The whole form: core fields, with ``details`` replaced by the province's schema."""
    form = object_schema(ActivityInputSchema(), reference)
    form["properties"]["details"] = object_schema(details_schema, reference)
    return {"$schema": DIALECT, "title": title, **form}
