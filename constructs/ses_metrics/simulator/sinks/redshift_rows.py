"""The Redshift COPY's common case, compiled once per stream: records to their rows, a
column at a time.

A COPY reads every record of a staged object through one JSONPath per column and loads
each value by its column's rules (``redshift_copy.load_value``). Done generically that is two
function calls and a loop over the path per value. For what a COPY of SES records mostly
reads (bracket paths of one to three keys and an optional index; short strings, and
arrays, into VARCHAR columns; missing values into nullable ones) :func:`compile_rows`
reads a column of every record at once, with one chain of ``dict.get`` per record, and
takes it as it is when every value is a non-empty string that fits for certain (checked
by C loops: their types, lengths and, when needed, ASCII). Any other column is loaded
value by value with inline checks, handing every other value (numbers, booleans,
timestamps, empty, blank or long strings, NULL into NOT NULL, ...) to the reference
loader. A record one of whose values the loader refuses is left out of the rows and
named: the caller reads it again the reference way, which reports the load error as it
always did.

Equivalences the fast readers rely on (records are decoded JSON: dict keys are strings):
``dict.get`` of a missing key is None; a step that is not an object (a list, a string, a
number, null) has no ``get``, and then the column is read record by record with direct
subscripts, where a dict subscripted by a missing key raises ``KeyError`` and anything
but a dict by a string ``TypeError``; an index step checks for a list (a string would
give a character). A path missing from a record and a JSON null both load NULL, so
readers give None for both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

Getter = Callable[[dict[str, Any]], Any]
Reader = Callable[[list[dict[str, Any]]], list[Any]]
Path = Callable[[Any], tuple[bool, Any]]
# records -> the rows of those that load, and the positions of those that do not
Rows = Callable[[list[dict[str, Any]]], tuple[list[tuple[Any, ...]], list[int]]]

_NO_OBJECT: dict[str, Any] = {}  # what a missing step reads as (never changed)


class Column(Protocol):
    """What the compiled rows read of a column (``redshift_copy.ColumnSpec``)."""

    @property
    def duck_type(self) -> str: ...
    @property
    def max_bytes(self) -> int | None: ...
    @property
    def not_null(self) -> bool: ...


def bracket_reader(parts: Sequence[str | int], path: Path) -> Reader:
    """The value at ``parts`` (1-3 keys, then at most one index) in each record, None when
    missing; any other shape reads through ``path`` (the reference evaluator)."""
    index = parts[-1] if parts and isinstance(parts[-1], int) else None
    keys = [k for k in parts[: -1 if index is not None else None] if isinstance(k, str)]
    if not 1 <= len(keys) <= 3 or len(keys) + (index is not None) != len(parts):
        return path_reader(path)
    chain, one = _chain(keys), _subscripts(keys)

    def read(records: list[dict[str, Any]]) -> list[Any]:
        try:
            values = chain(records)
        except AttributeError:  # a step that is not an object: each record by subscripts
            values = [one(record) for record in records]
        if index is None:
            return values
        return [value[index] if isinstance(value, list) and index < len(value) else None for value in values]

    return read


def _chain(keys: list[str]) -> Reader:
    if len(keys) == 1:
        (a,) = keys
        return lambda records: [record.get(a) for record in records]
    if len(keys) == 2:
        a, b = keys
        return lambda records: [record.get(a, _NO_OBJECT).get(b) for record in records]
    a, b, c = keys
    return lambda records: [record.get(a, _NO_OBJECT).get(b, _NO_OBJECT).get(c) for record in records]


def _subscripts(keys: list[str]) -> Getter:
    def get(record: dict[str, Any]) -> Any:
        value: Any = record
        try:
            for key in keys:
                value = value[key]
        except (KeyError, TypeError):
            return None
        return value

    return get


def path_reader(path: Path) -> Reader:
    """The value ``path`` finds in each record, None when it finds nothing (any evaluator:
    'auto', jsonpath-ng)."""
    return lambda records: [path(record)[1] for record in records]


def compile_rows(columns: Sequence[tuple[Reader, Column]], load: Callable[[Any, Any], Any], dumps: Callable[[Any], str],
                 blanks_as_null: bool, refusal: type[Exception]) -> Rows:
    """Records -> their rows, and the positions of the records whose values ``load``
    refuses (raising ``refusal``). Into a VARCHAR, a non-empty string that fits for certain
    (at most a quarter of the column's bytes in characters, or ASCII within them) loads as
    is, and so does an object or array's JSON text (``dumps``); a None into a nullable
    column loads NULL; any other value goes through ``load(column, value)``. With
    BLANKSASNULL a string takes only the quarter rule (whether it is blank is the loader's
    question)."""
    plan = []
    for read, column in columns:
        text = column.duck_type == "VARCHAR"
        size = (column.max_bytes if column.max_bytes is not None else 1 << 62) if text else -1
        quarter, ascii_limit = (size // 4 if text else -1), (-1 if blanks_as_null else size)
        plan.append((read, quarter, ascii_limit, not column.not_null, _converter(column, quarter, ascii_limit, size, load, dumps)))

    def rows(records: list[dict[str, Any]]) -> tuple[list[tuple[Any, ...]], list[int]]:
        if not plan:
            return [() for _ in records], []
        refused: set[int] = set()
        loaded = []
        for read, quarter, ascii_limit, nullable, convert in plan:
            values = read(records)
            if quarter < 0 or not _as_they_are(values, quarter, ascii_limit, nullable):
                values = _converted(values, convert, refusal, refused)
            loaded.append(values)
        out = list(zip(*loaded, strict=True))
        if refused:
            out = [row for position, row in enumerate(out) if position not in refused]
        return out, sorted(refused)

    return rows


def _as_they_are(values: list[Any], quarter: int, ascii_limit: int, nullable: bool) -> bool:
    """Whether every value of a text column loads as it is: a non-empty string that fits
    (see ``compile_rows``), or a None into a nullable column."""
    kinds = set(map(type, values))
    if kinds <= {str}:
        strings = values
    elif nullable and kinds <= {str, type(None)}:
        strings = [value for value in values if value is not None]
    else:
        return False
    if not strings:
        return True
    shortest, longest = min(map(len, strings)), max(map(len, strings))
    return shortest > 0 and (longest <= quarter or (longest <= ascii_limit and "".join(strings).isascii()))


def _converter(column: Column, quarter: int, ascii_limit: int, size: int, load: Callable[[Any, Any], Any],
               dumps: Callable[[Any], str]) -> Callable[[Any], Any]:
    """One value of ``column`` as it loads (``load`` raises for a load error)."""
    nullable = not column.not_null

    def convert(value: Any) -> Any:
        if value.__class__ is str and value and (len(value) <= quarter or (len(value) <= ascii_limit and value.isascii())):
            return value
        if value is None and nullable:
            return None
        if size >= 0 and (value.__class__ is list or value.__class__ is dict):
            nested = dumps(value)
            return nested if len(nested) <= quarter or (len(nested) <= size and nested.isascii()) else load(column, value)
        return load(column, value)

    return convert


def _converted(values: list[Any], convert: Callable[[Any], Any], refusal: type[Exception], refused: set[int]) -> list[Any]:
    """Each value converted; where ``convert`` raises ``refusal``, None, and the position in ``refused``."""
    out = []
    for position, value in enumerate(values):
        try:
            out.append(convert(value))
        except refusal:
            refused.add(position)
            out.append(None)
    return out
