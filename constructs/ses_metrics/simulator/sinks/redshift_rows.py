"""The Redshift COPY's common case, compiled once per stream: a record to its row.

A COPY reads every record of a staged object through one JSONPath per column and loads
each value by its column's rules (``redshift._load_value``). Done generically that is two
function calls and a loop over the path per value. For what a COPY of SES records mostly
reads (bracket paths of one to three keys and an optional index; short ASCII strings, and
arrays, into VARCHAR columns; missing values into nullable ones) :func:`compile_row` does
the same with direct subscripts and inline checks, and hands every other value (numbers,
booleans, timestamps, empty, blank or long strings, NULL into NOT NULL, ...) to the
reference loader. The compiled row raises whatever the loader raises: the caller then
reads the record again the reference way, which reports the load error as it always did.

Equivalences the fast getters rely on (records are decoded JSON: dict keys are strings):
subscripting a dict by a missing key raises ``KeyError``, anything but a dict by a string
raises ``TypeError``; an index step checks for a list (a string would give a character).
A path missing from a record and a JSON null both load NULL, so getters return None for both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

Getter = Callable[[dict[str, Any]], Any]
Path = Callable[[Any], tuple[bool, Any]]
Row = Callable[[dict[str, Any]], tuple[Any, ...]]


class Column(Protocol):
    """What the compiled row reads of a column (``redshift.ColumnSpec``)."""

    @property
    def duck_type(self) -> str: ...
    @property
    def max_bytes(self) -> int | None: ...
    @property
    def not_null(self) -> bool: ...


def bracket_getter(parts: Sequence[str | int], path: Path) -> Getter:
    """The value at ``parts`` (1-3 keys, then at most one index) by direct subscripts, None
    when missing; any other shape reads through ``path`` (the reference evaluator)."""
    index = parts[-1] if parts and isinstance(parts[-1], int) else None
    keys = [k for k in parts[: -1 if index is not None else None] if isinstance(k, str)]
    if not 1 <= len(keys) <= 3 or len(keys) + (index is not None) != len(parts):
        return path_getter(path)
    get_keys = _keys_getter(keys)
    if index is None:
        return get_keys

    def get_indexed(record: dict[str, Any]) -> Any:
        value = get_keys(record)
        return value[index] if isinstance(value, list) and index < len(value) else None

    return get_indexed


def _keys_getter(keys: list[str]) -> Getter:
    if len(keys) == 1:
        (a,) = keys

        def get1(record: dict[str, Any]) -> Any:
            try:
                return record[a]
            except (KeyError, TypeError):
                return None

        return get1
    if len(keys) == 2:
        a, b = keys

        def get2(record: dict[str, Any]) -> Any:
            try:
                return record[a][b]
            except (KeyError, TypeError):
                return None

        return get2
    a, b, c = keys

    def get3(record: dict[str, Any]) -> Any:
        try:
            return record[a][b][c]
        except (KeyError, TypeError):
            return None

    return get3


def path_getter(path: Path) -> Getter:
    """The value ``path`` finds, None when it finds nothing (any evaluator: 'auto', jsonpath-ng)."""
    return lambda record: path(record)[1]


def compile_row(columns: Sequence[tuple[Getter, Column]], load: Callable[[Any, Any], Any], dumps: Callable[[Any], str],
                blanks_as_null: bool) -> Row:
    """A record -> its row. Into a VARCHAR, a non-empty string that fits for certain (at
    most a quarter of the column's bytes in characters, or ASCII within them) loads as is,
    and so does an object or array's JSON text (``dumps``); a None into a nullable column
    loads NULL; any other value goes through ``load(column, value)``, which raises for a
    load error. With BLANKSASNULL a string takes only the quarter rule (whether it is blank
    is the loader's question)."""
    plan = []
    for get, column in columns:
        text = column.duck_type == "VARCHAR"
        size = (column.max_bytes if column.max_bytes is not None else 1 << 62) if text else -1
        plan.append((get, size // 4 if text else -1, -1 if blanks_as_null else size, size, not column.not_null, column))

    def row(record: dict[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        for get, quarter, ascii_limit, size, nullable, column in plan:
            value = get(record)
            if value.__class__ is str and value and (len(value) <= quarter or (len(value) <= ascii_limit and value.isascii())):
                out.append(value)
            elif value is None and nullable:
                out.append(None)
            elif size >= 0 and (value.__class__ is list or value.__class__ is dict):
                nested = dumps(value)
                out.append(nested if len(nested) <= quarter or (len(nested) <= size and nested.isascii()) else load(column, value))
            else:
                out.append(load(column, value))
        return tuple(out)

    return row
