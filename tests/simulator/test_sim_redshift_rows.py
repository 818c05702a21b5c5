"""The compiled COPY rows (redshift_rows) against the reference reading they replace: every
column through its JSONPath evaluator and ``load_value``, on the values where the two
could differ (missing keys, wrong container types, nested values, non-strings, lengths
at the limits, EMPTYASNULL/BLANKSASNULL/TRUNCATECOLUMNS, NOT NULL, typed columns), each
record alone and all of them in one COPY (a column read at once, or value by value)."""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from ses_metrics.rules.redshift_columns import parse_jsonpath
from ses_metrics.simulator.sinks.redshift import _auto_path, compile_copy_rows, compile_jsonpath
from ses_metrics.simulator.sinks.redshift_copy import BadValue, CopyCommand, column_spec, load_value

# (column, Redshift type, NOT NULL, bracket JSONPath, the same in dot notation)
COLUMNS = [
    ("event_type", "VARCHAR(8)", True, "$['eventType']", "$.eventType"),
    ("message_id", "VARCHAR(20)", False, "$['mail']['messageId']", "$.mail.messageId"),
    ("campaign", "VARCHAR(12)", False, "$['mail']['tags']['campaign'][0]", "$.mail.tags.campaign[0]"),
    ("account", "CHAR(12)", True, "$['mail']['account']", "$.mail.account"),
    ("destination", "VARCHAR(32)", False, "$['mail']['destination']", "$.mail.destination"),
    ("deep", "VARCHAR(16)", False, "$['mail']['a']['b']['c']", "$.mail.a.b.c"),
    ("second", "VARCHAR(16)", False, "$['mail']['destination'][1]", "$.mail.destination[1]"),
    ("inner", "VARCHAR(16)", False, "$['list'][0]['k']", "$.list[0].k"),
    ("count", "BIGINT", False, "$['count']", "$.count"),
    ("small", "SMALLINT", False, "$['mail']['small']", "$.mail.small"),
    ("flag", "BOOLEAN", False, "$['flag']", "$.flag"),
    ("at", "TIMESTAMP", False, "$['at']", "$.at"),
    ("day", "DATE", False, "$['day']", "$.day"),
    ("ratio", "DOUBLE PRECISION", False, "$['ratio']", "$.ratio"),
    ("amount", "DECIMAL(10,2)", False, "$['amount']", "$.amount"),
    ("unlimited", "VARCHAR(MAX)", False, "$['mail']['unlimited']", "$.mail.unlimited"),
]
SPECS = [column_spec(name, type_, not_null) for name, type_, not_null, _, _ in COLUMNS]

BASE: dict[str, Any] = {
    "eventType": "Send",
    "mail": {"messageId": "0100-abc", "tags": {"campaign": ["spring"]}, "account": "111122223333",
             "destination": ["a@example.com", "b@x.io"], "a": {"b": {"c": "deep"}}, "small": 7, "unlimited": "u" * 300},
    "list": [{"k": "v"}],
    "count": 12,
    "flag": True,
    "at": "2026-01-01T00:00:00.000Z",
    "day": "2026-01-02",
    "ratio": 0.5,
    "amount": "12.34",
}

# Values put at every path, one at a time: strings at and over the length limits (ASCII
# and not), blanks, numbers, booleans, containers, JSON null; MISSING removes the key.
MISSING = object()
VALUES: list[Any] = [
    MISSING, None, "", " ", "\t \n", "x", " x ", "abc", "1", "-3", "yes", "off", "2026-01-01", "2026-01-01T10:00:00Z",
    "a" * 8, "a" * 9, "a" * 12, "a" * 13, "a" * 16, "a" * 17, "a" * 20, "a" * 21, "é" * 3, "é" * 4, "é" * 6, "é" * 7,
    "é" * 8, "é" * 9, "日本" * 2, "€" * 5, 0, 1, -1, 2**15, 2**40, 2**63, 1.5, True, False,
    [], ["x"], ["é" * 10], [1, 2], {}, {"k": "v"}, {"0": "x"}, [None], [[1]],
]
OPTIONS = ["", "truncatecolumns", "emptyasnull", "blanksasnull", "emptyasnull blanksasnull truncatecolumns"]


def typed(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return ("row", tuple((type(value).__name__, value) for value in row))


def outcome(read: Any) -> tuple[Any, ...]:
    """What reading a record gives: the row (values with their types), or the load error."""
    try:
        row = read()
    except BadValue as problem:
        return ("error", problem.code, problem.reason)
    return typed(row)


def outcomes(rows: Any, records: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the compiled rows make of records read in one COPY: per record, its row or "refused"."""
    loaded, refused = rows(records)
    found = iter(loaded)
    return [("refused",) if position in refused else typed(next(found)) for position in range(len(records))]


def expected(command: CopyCommand, paths: list[Any], records: list[dict[str, Any]], specs: list[Any] = SPECS) -> list[tuple[Any, ...]]:
    """The reference's outcome of each record, a load error as "refused" (its code is the reference's to give)."""
    found = [outcome(lambda record=record: reference(command, paths, record, specs)) for record in records]
    return [("refused",) if o[0] == "error" else o for o in found]


def reference(command: CopyCommand, paths: list[Any], record: dict[str, Any], specs: list[Any] = SPECS) -> tuple[Any, ...]:
    """The reading compile_copy_row replaces: each column's path, then load_value."""
    row = []
    for spec, path in zip(specs, paths, strict=True):
        found, value = path(record)
        row.append(load_value(spec, value if found else None, command))
    return tuple(row)


def put(record: dict[str, Any], parts: list[str | int], value: Any) -> dict[str, Any] | None:
    """A copy of ``record`` with ``value`` at ``parts`` (None when the path is not there to change)."""
    changed = copy.deepcopy(record)
    parent: Any = changed
    for part in parts[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return None
    if value is MISSING:
        if isinstance(parent, dict):
            parent.pop(parts[-1], None)
        elif isinstance(parent, list):
            del parent[parts[-1]:]
    else:
        parent[parts[-1]] = value
    return changed


def variants() -> list[dict[str, Any]]:
    """The base record with each value at each path and at each of its parents (a parent
    that is a string, list, number or null instead of an object breaks the path)."""
    records = [BASE]
    prefixes = set()
    for *_, bracket, _dot in COLUMNS:
        parts = parse_jsonpath(bracket)
        for end in range(1, len(parts) + 1):
            prefixes.add(tuple(parts[:end]))
    for prefix, value in itertools.product(sorted(prefixes, key=str), VALUES):
        changed = put(BASE, list(prefix), value)
        if changed is not None:
            records.append(changed)
    return records


RECORDS = variants()


def compiled(options: str, notation: int) -> tuple[CopyCommand, list[Any], Any]:
    command = CopyCommand.parse({"DataTableName": "t", "CopyOptions": f"json 's3://b/jsonpaths.json' {options}"})
    texts = [column[notation] for column in COLUMNS]
    paths = [compile_jsonpath(text) for text in texts]
    return command, paths, compile_copy_rows(command, SPECS, paths, texts)


def test_the_records_reach_every_branch_of_the_reference():
    """The differential tests below mean something only if the records load, fail and
    convert in every way the reference can."""
    command, paths, _ = compiled("", 3)
    outcomes = [outcome(lambda record=record: reference(command, paths, record)) for record in RECORDS]
    assert {o[1] for o in outcomes if o[0] == "error"} >= {1204, 1205, 1206, 1207, 1209, 1210, 1213}
    loaded_types = {value_type for o in outcomes if o[0] == "row" for value_type, _ in o[1]}
    assert loaded_types >= {"str", "int", "bool", "datetime", "date", "float", "Decimal", "NoneType"}
    assert len(RECORDS) > 500


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("notation", [3, 4], ids=["bracket", "dot"])
def test_the_compiled_rows_read_every_record_alone_as_the_reference_does(options, notation):
    command, paths, rows = compiled(options, notation)
    differences = [record for record in RECORDS if outcomes(rows, [record]) != expected(command, paths, [record])]
    assert differences == []


@pytest.mark.parametrize("options", OPTIONS)
@pytest.mark.parametrize("notation", [3, 4], ids=["bracket", "dot"])
def test_the_compiled_rows_read_every_record_in_one_copy_as_the_reference_does(options, notation):
    command, paths, rows = compiled(options, notation)
    found, wanted = outcomes(rows, RECORDS), expected(command, paths, RECORDS)
    assert [(record, f) for record, f, w in zip(RECORDS, found, wanted, strict=True) if f != w] == []


def test_columns_of_short_strings_and_nulls_load_as_they_are_in_one_copy():
    """The COPY the example app makes: every column's values taken at once (types, lengths, ASCII)."""
    command, paths, rows = compiled("", 3)
    records = [put(BASE, ["mail", "messageId"], f"0100-{n}") for n in range(3)] + [put(BASE, ["mail", "messageId"], MISSING)]
    assert outcomes(rows, records) == expected(command, paths, records)
    assert [row[1] for row in rows(records)[0]] == ["0100-0", "0100-1", "0100-2", None]


def test_a_copy_of_no_records_has_no_rows():
    _, _, rows = compiled("", 3)
    assert rows([]) == ([], [])


def test_truncatecolumns_cuts_an_over_long_string_at_a_character_boundary_in_both():
    command, paths, rows = compiled("truncatecolumns", 3)
    record = put(BASE, ["mail", "messageId"], "é" * 11)  # 22 bytes into VARCHAR(20)
    assert record is not None
    assert rows([record])[0][0][1] == reference(command, paths, record)[1] == "é" * 10


def test_a_nested_value_loads_as_its_compact_json_text_in_both():
    command, paths, rows = compiled("", 3)
    assert rows([BASE])[0][0][4] == reference(command, paths, BASE)[4] == '["a@example.com","b@x.io"]'


AUTO_SPECS = [column_spec(name, "VARCHAR(16)") for name in ("eventtype", "count", "nested", "missing")] + [column_spec("required", "VARCHAR(4)", True)]
AUTO_RECORDS = [
    {"eventtype": "Send", "count": 3, "nested": {"a": [1]}, "required": "ok"},
    {"EventType": "Open", "COUNT": "x" * 20, "Nested": None, "Required": "okay!"},
    {"eventType": "é" * 5, "count": True, "required": ""},
    {"required": None},
    {},
]


@pytest.mark.parametrize("options", ["json 'auto'", "json 'auto ignorecase'", "json 'auto ignorecase' truncatecolumns emptyasnull"])
def test_auto_paths_read_every_record_as_the_reference_does(options):
    command = CopyCommand.parse({"DataTableName": "t", "CopyOptions": options})
    paths = [_auto_path(spec.name, command.ignorecase) for spec in AUTO_SPECS]
    rows = compile_copy_rows(command, AUTO_SPECS, paths, None)
    wanted = expected(command, paths, AUTO_RECORDS, AUTO_SPECS)
    assert outcomes(rows, AUTO_RECORDS) == wanted
    assert [outcomes(rows, [record])[0] for record in AUTO_RECORDS] == wanted
    assert {o[0] for o in wanted} == {"row", "refused"}
