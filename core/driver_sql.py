"""Prebuilt Core statements run on the database driver's own cursor, for the transition's hot
path on PostgreSQL.

Why: the profile of a transition (``python -m bench.profile_engine --cprofile``) put over half
of the client's CPU inside ``Connection.execute`` although every statement hits SQLAlchemy's
compiled cache — the cache key is rebuilt from the statement tree on each call, the parameters
are processed and the result's metadata is set up, for which psycopg builds a ``Column`` per
column of ``cursor.description`` on every statement. A statement here is compiled once per
process and dialect; each call only binds its parameters (through the same bind processors
SQLAlchemy would apply) and reads plain tuples, which come back as named tuples so callers read
them like SQLAlchemy's rows (``row.version``). psycopg still prepares each statement on the
server after a few executions, as it does under SQLAlchemy.

It runs in the session's own transaction (the same DBAPI connection), so the unit of work's
commit or rollback covers it. Only what provably behaves the same goes this way: PostgreSQL
through psycopg, no expanding (``IN``) parameter, no escaped parameter name, result types
whose processors do not depend on the driver's column type, and no echo logging; anything else
runs through ``Connection.execute`` unchanged. ``before_cursor_execute`` and
``after_cursor_execute`` listeners (statement counters in the tests, the reads benchmark) still
see every statement.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import psycopg
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable


@dataclass(frozen=True)
class _Compiled:
    sql: str  # with PostgreSQL's own ``$n`` placeholders (``_numbered``)
    names: tuple[str, ...]  # the parameter of each ``$n``, in order
    defaults: dict[str, Any]  # values the statement carries itself (``LIMIT 1``'s bind)
    processors: tuple[tuple[str, Callable[[Any], Any]], ...]  # bind processors by name
    row: Any  # the named tuple type of a result row, or None when it returns none
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # result processors by position


_UNSUPPORTED = object()  # compiled, but not for the driver's cursor: use Connection.execute
_PLACEHOLDER = re.compile(r"%\(([^)]+)\)s|%%")


def _numbered(sql: str) -> tuple[str, tuple[str, ...]] | None:
    """``%(name)s`` placeholders as ``$1, $2 ...`` (a name used twice is one parameter) and
    ``%%`` as ``%``, for psycopg's ``RawCursor``: psycopg parses a ``%(name)s`` query on every
    execution unless it is under 4 KiB (its conversion cache), which a signing move's combined
    statement is not. None when the text has a ``$`` of its own."""
    if "$" in sql:
        return None
    names: list[str] = []
    index: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "%"
        if name not in index:
            names.append(name)
            index[name] = len(names)
        return f"${index[name]}"

    return _PLACEHOLDER.sub(number, sql), tuple(names)


_cache: dict[tuple[int, str], Any] = {}


def _compile(statement: Executable, conn: Connection) -> Any:
    dialect = conn.dialect
    compiled: Any = cast(Any, statement).compile(dialect=dialect)
    if (
        dialect.driver != "psycopg"
        or "POSTCOMPILE" in compiled.string
        or getattr(compiled, "escaped_bind_names", None)
    ):
        return _UNSUPPORTED
    numbered = _numbered(compiled.string)
    if numbered is None:
        return _UNSUPPORTED
    defaults = dict(compiled.construct_params(_check=False))
    processors = tuple(compiled._bind_processors.items())
    keys = [column.keyname for column in compiled._result_columns]
    results: list[tuple[int, Callable[[Any], Any]]] = []
    for position, column in enumerate(compiled._result_columns):
        try:  # a processor that needs the driver's column type (Numeric) cannot be used here
            process = column.type._cached_result_processor(dialect, None)
        except Exception:  # any refusal means: not this way
            return _UNSUPPORTED
        if process is not None:
            results.append((position, process))
    row = namedtuple("Row", keys, rename=True) if keys else None
    sql, names = numbered
    return _Compiled(sql, names, defaults, processors, row, tuple(results))


def _compiled(statement: Executable, conn: Connection) -> Any:
    key = (id(statement), conn.dialect.name)
    found = _cache.get(key)
    if found is None:
        # Statements are module-level constants, so ids are stable; the bound keeps a caller
        # that passes freshly built statements from growing the cache without end.
        if len(_cache) > 512:
            _cache.clear()
        found = _cache[key] = (statement, _compile(statement, conn))
    return found[1]


_CONNECTION = "sepakat.driver_sql.connection"


def connection(session: Session) -> Connection:
    """``session.connection()``, looked up once per transaction: the ORM's lookup passes its
    state-change guards on every call, and a transition asked for it three times or more."""
    transaction = session.get_transaction()
    found = session.info.get(_CONNECTION)
    # The held transaction cannot be freed while referenced here, so ``is`` is a safe test.
    if found is not None and found[0] is transaction and transaction is not None:
        held: Connection = found[1]
        if transaction.is_active:
            return held
    conn = session.connection()
    session.info[_CONNECTION] = (session.get_transaction(), conn)
    return conn


def runs_on_driver(conn: Connection, statement: Executable) -> bool:
    """Whether ``execute`` runs ``statement`` on the driver's cursor (for the tests)."""
    return not conn._echo and _compiled(statement, conn) is not _UNSUPPORTED


@dataclass
class Result:
    """What a statement returned: its rows (named tuples) and the row count."""

    rows: list[Any]
    rowcount: int

    def one(self) -> Any:
        if len(self.rows) != 1:
            raise LookupError(f"expected one row, got {len(self.rows)}")
        return self.rows[0]

    def scalar(self) -> Any:
        return self.rows[0][0] if self.rows else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def all(self) -> list[Any]:
        return self.rows


def execute(
    conn: Connection, statement: Executable, params: Mapping[str, Any] | None = None
) -> Result:
    """``conn.execute(statement, params)``, on the driver's cursor where that is the same."""
    compiled = None if conn._echo else _compiled(statement, conn)
    if compiled is None or compiled is _UNSUPPORTED:
        result = conn.execute(statement, params or {})
        rows = list(result.all()) if result.returns_rows else []
        return Result(rows, result.rowcount)
    bound = compiled.defaults | dict(params or {})
    for name, process in compiled.processors:
        if name in bound:
            bound[name] = process(bound[name])
    values = [bound.get(name) for name in compiled.names]
    raw: Any = conn.connection.driver_connection
    made: Any = psycopg.RawCursor(raw)
    with made as cursor:
        events = conn._has_events or conn.engine._has_events
        try:
            if events:
                conn.dispatch.before_cursor_execute(conn, cursor, compiled.sql, values, None, False)
            cursor.execute(compiled.sql, values)
            if events:
                conn.dispatch.after_cursor_execute(conn, cursor, compiled.sql, values, None, False)
            fetched = cursor.fetchall() if compiled.row is not None else []
        except BaseException as e:  # wrapped (and a lost connection invalidated) as SQLAlchemy's
            conn._handle_dbapi_exception(e, compiled.sql, values, cursor, None)
            raise  # not reached: the handler raises
        return Result(_rows(compiled, fetched), cursor.rowcount)


def _rows(compiled: _Compiled, fetched: Sequence[tuple[Any, ...]]) -> list[Any]:
    if not fetched:
        return []
    make = compiled.row._make
    if not compiled.results:
        return [make(r) for r in fetched]
    out = []
    for r in fetched:
        values = list(r)
        for position, process in compiled.results:
            values[position] = process(values[position])
        out.append(make(values))
    return out


__all__ = ["Result", "connection", "execute", "runs_on_driver"]
