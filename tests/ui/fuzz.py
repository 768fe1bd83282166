"""The page fuzzer's pieces (issue 15's standing suite, RELIABILITY.md): what a page offers to
be filled in, read from its HTML as a signed-in user's browser gets it, the hostile values
sent in its place, and a watch on the SQL every request runs.

A page's parameters are its forms' fields (every ``input``, ``select``, ``textarea`` and named
``button``, with the value the page put there) and the query parameters its links and
redirects carry (``?next=`` on the login page comes from a redirect's ``Location``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from sqlalchemy import event
from sqlalchemy.engine import Engine

# Each value as it goes on the wire, already percent-encoded: a lone surrogate cannot be
# encoded as UTF-8, so it is sent as the bytes a broken client would send (ED A0 80, the
# surrogate's would-be UTF-8), next to other invalid sequences.
HOSTILE: dict[str, str] = {
    "superscript": quote("²"),
    "arabic-digits": quote("١٢٣"),
    "math-digit": quote("𝟗"),
    "nul": "%00",
    "nul-inside": "a%00b",
    "control": "%01%1B%7F",
    "crlf": "a%0D%0Ab",
    "header-injection": quote("x\r\nSet-Cookie: a=b"),
    "line-separator": quote("a\u2028b"),
    "lone-surrogate": "%ED%A0%80",
    "invalid-utf8": "%FF%FE%C0%AF",
    "bad-escape": "%zz%",
    "huge": "99999999999999999999",
    "negative-huge": "-99999999999999999999",
    "beyond-int": "2147483648",
    "beyond-bigint": "9223372036854775808",
    "5000-digits": "9" * 5000,
    "negative": "-1",
    "zero": "0",
    "fraction": "1.5",
    "exponent": "1e309",
    "nan": "NaN",
    "empty": "",
    "spaces": "%20%20%20",
    "very-long": "a" * 20_000,
    "html": quote('"><script>alert(1)</script>'),
    "sql": quote("' OR 1=1 --"),
    "path": quote("../../../etc/passwd"),
    "open-redirect": quote("//evil.example/x"),
    "date-invalid": "2023-02-30",
    "date-far": "99999-12-31",
    "json": quote('{"a":[1]}'),
}


# Every parameter gets these (issue 15's own examples and their kin) and a share of the rest,
# rotating, so that each value still meets dozens of parameters; ``SEPAKAT_FUZZ_ALL=1`` sends
# every value to every parameter (a deeper run, about three times as long).
CORE = (
    "superscript",
    "nul",
    "crlf",
    "lone-surrogate",
    "huge",
    "5000-digits",
    "negative",
    "very-long",
    "beyond-int",
    "html",
)
EXTRA = tuple(label for label in HOSTILE if label not in CORE)
EXTRAS_EACH = 4


def values_for(number: int, everything: bool = False) -> list[str]:
    """The labels of the values the ``number``-th parameter gets."""
    if everything:
        return list(HOSTILE)
    start = number * EXTRAS_EACH
    return [*CORE, *(EXTRA[(start + j) % len(EXTRA)] for j in range(EXTRAS_EACH))]


@dataclass
class Form:
    method: str
    action: str
    multipart: bool
    fields: list[tuple[str, str]] = field(default_factory=list)  # (name, value), in order
    files: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    """The forms and the links of one page."""

    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(
                method=a.get("method", "get").upper(),
                action=a.get("action") or self.base,
                multipart=a.get("enctype", "") == "multipart/form-data",
            )
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind == "file":
                self._form.files.append(a["name"])
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self._form.fields.append((a["name"], a.get("value", "")))
            elif not any(n == a["name"] for n, _ in self._form.fields):
                self._form.fields.append((a["name"], ""))  # unchecked: still a parameter
        elif tag == "button":
            self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select, self._select_value = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._select_value is None or "selected" in a:
                self._select_value = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields.append((a["name"], ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self._form and data.strip():
            name, _ = self._form.fields[-1]
            self._form.fields[-1] = (name, data)


def parse_page(path: str, html: str) -> PageParser:
    parser = PageParser(path)
    parser.feed(html)
    return parser


def local(url: str) -> tuple[str, list[tuple[str, str]]] | None:
    """A link of this site: (path, query pairs); None for another site or a fragment."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)


def encode(pairs: list[tuple[str, str]], hostile: dict[str, str]) -> str:
    """A query string or form body: the pairs percent-encoded, except the names in
    ``hostile``, whose (already encoded) values replace theirs as they are."""
    out = []
    for name, value in pairs:
        wire = hostile[name] if name in hostile else quote(value, safe="")
        out.append(f"{quote(name, safe='')}={wire}")
    return "&".join(out)


WRITE = re.compile(r"\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|TRUNCATE)\b", re.I)


@dataclass
class SqlWatch:
    """Every writing statement the engine runs between ``start`` and ``stop``, and whether a
    transaction holding one committed."""

    written: list[str] = field(default_factory=list)
    committed: bool = False  # a transaction that changed a row committed
    _pending: bool = False

    def start(self) -> None:
        self.written, self.committed, self._pending = [], False, False

    @contextmanager
    def attach(self, engine: Engine) -> Iterator[None]:
        def execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if WRITE.search(statement):
                self.written.append(statement.split("\n", 1)[0][:120])
                # An UPDATE that matched nothing changed nothing; a RETURNING cursor may not
                # know its count yet (-1): counted as a change.
                self._pending = self._pending or cursor.rowcount != 0

        def commit(conn: Any) -> None:
            self.committed = self.committed or self._pending
            self._pending = False

        def rollback(conn: Any) -> None:
            self._pending = False

        handlers: dict[str, Callable[..., None]] = {
            "after_cursor_execute": execute,
            "commit": commit,
            "rollback": rollback,
        }
        for name, fn in handlers.items():
            event.listen(engine, name, fn)
        try:
            yield
        finally:
            for name, fn in handlers.items():
                event.remove(engine, name, fn)
