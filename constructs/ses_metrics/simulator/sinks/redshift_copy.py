"""The rules of Redshift's COPY of JSON records (``redshift``): its options
(``CopyCommand``), a table's columns from its DDL (``parse_ddl``, ``column_spec``), and
how a JSON value loads into a column (``load_value``, or the load error ``BadValue``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from ses_metrics.simulator.codec import encode

# Redshift's default lengths: VARCHAR without n is VARCHAR(256), TEXT is VARCHAR(256), CHAR is CHAR(1).
_TEXT_TYPES = {"VARCHAR": 256, "CHARACTER VARYING": 256, "NVARCHAR": 256, "TEXT": 256, "CHAR": 1, "CHARACTER": 1, "NCHAR": 1, "BPCHAR": 256}
_DUCK_TYPES = {
    "BIGINT": "BIGINT", "INT8": "BIGINT", "INTEGER": "INTEGER", "INT": "INTEGER", "INT4": "INTEGER", "SMALLINT": "SMALLINT",
    "INT2": "SMALLINT", "BOOLEAN": "BOOLEAN", "BOOL": "BOOLEAN", "DOUBLE PRECISION": "DOUBLE", "FLOAT8": "DOUBLE",
    "FLOAT": "DOUBLE", "REAL": "REAL", "FLOAT4": "REAL", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP",
    "TIMESTAMP WITHOUT TIME ZONE": "TIMESTAMP", "TIMESTAMPTZ": "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
}
_INT_RANGES = {"BIGINT": 2**63, "INTEGER": 2**31, "SMALLINT": 2**15}
_IGNORED_OPTIONS = {"REGION", "TIMEFORMAT", "DATEFORMAT", "ACCEPTINVCHARS", "COMPUPDATE", "STATUPDATE", "ROUNDEC", "ACCEPTANYDATE"}
_TOKEN = re.compile(r"'(?:[^']|'')*'|\S+")
@dataclass(frozen=True)
class ColumnSpec:
    """A table column: its Redshift type, the DuckDB type it loads into, its length in bytes
    (text types) and whether it is NOT NULL."""

    name: str
    type: str
    duck_type: str
    max_bytes: int | None = None
    not_null: bool = False


def parse_ddl(ddl: str) -> tuple[str, list[ColumnSpec]]:
    """``CREATE TABLE name (column type [NOT NULL], ...)`` -> the table and its columns;
    ``ValueError`` naming what it cannot read (table constraints, ENCODE and the like
    are skipped)."""
    match = re.match(r"\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w.\"]+)\s*\((.*)\)", ddl, re.S | re.I)
    if match is None:
        raise ValueError(f"not a CREATE TABLE statement: {ddl[:60]!r}")
    parts, depth, current = [], 0, ""
    for char in match.group(2):
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    columns = []
    for part in (p.strip() for p in parts):
        words = part.split()
        if not words or words[0].upper() in ("PRIMARY", "UNIQUE", "FOREIGN", "CONSTRAINT", "CHECK"):
            continue
        definition = " ".join(words[1:])
        not_null = bool(re.search(r"\bNOT\s+NULL\b", definition, re.I))
        type_ = re.split(r"\s+(?:NOT\s+NULL|NULL|ENCODE|DEFAULT|DISTKEY|SORTKEY|PRIMARY|UNIQUE|REFERENCES|IDENTITY|COLLATE)\b", definition, maxsplit=1, flags=re.I)[0]
        columns.append(column_spec(words[0].strip('"'), type_.strip(), not_null))
    return match.group(1).strip('"'), columns


def column_spec(name: str, type_: str, not_null: bool = False) -> ColumnSpec:
    """A column of Redshift type ``type_`` (``VARCHAR(256)``, ``BIGINT``, ...)."""
    match = re.fullmatch(r"([A-Za-z][A-Za-z0-9 ]*?)\s*(?:\(\s*(\d+|MAX)\s*(?:,\s*\d+\s*)?\))?", type_.strip(), re.I)
    base = (match.group(1) if match else type_).upper()
    if base in _TEXT_TYPES:
        size = match.group(2) if match else None
        length = 65535 if size and size.upper() == "MAX" else int(size) if size else _TEXT_TYPES[base]
        return ColumnSpec(name, type_, "VARCHAR", length, not_null)
    if base in ("DECIMAL", "NUMERIC"):
        return ColumnSpec(name, type_, type_.upper(), None, not_null)
    return ColumnSpec(name, type_, _DUCK_TYPES.get(base, "VARCHAR"), None, not_null)


@dataclass
class CopyCommand:
    """A stream's ``CopyCommand``, parsed: table, columns, and what its options ask for."""

    table: str
    columns: list[str] | None
    options: str
    jsonpaths_url: str | None = None
    auto: bool = False
    ignorecase: bool = False
    gzip: bool = False
    max_error: int = 0
    truncate: bool = False
    empty_as_null: bool = False
    blanks_as_null: bool = False
    problems: list[str] = field(default_factory=list)  # make every COPY fail
    warnings: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, copy_command: dict[str, Any]) -> CopyCommand:
        columns = copy_command.get("DataTableColumns")
        command = cls(
            str(copy_command.get("DataTableName") or ""),
            [c.strip().strip('"') for c in str(columns).split(",") if c.strip()] if columns else None,
            str(copy_command.get("CopyOptions") or ""),
        )
        tokens = _TOKEN.findall(command.options)
        index, fmt = 0, None
        while index < len(tokens):
            word = tokens[index].upper()
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if word == "FORMAT":
                index += 2 if following and following.upper() == "AS" else 1
                continue
            if word == "JSON":
                fmt = "json"
                if following and following.startswith("'"):
                    argument = following[1:-1].replace("''", "'")
                    if argument.lower() in ("auto", "auto ignorecase"):
                        command.auto, command.ignorecase = True, argument.lower() == "auto ignorecase"
                    else:
                        command.jsonpaths_url = argument
                    index += 1
                else:
                    command.auto = True  # JSON without an argument is 'auto'
            elif word == "GZIP":
                command.gzip = True
            elif word == "MAXERROR":
                index += 1 if following and following.upper() == "AS" else 0
                value = tokens[index + 1] if index + 1 < len(tokens) else ""
                if not value.isdigit():
                    command.problems.append(f"CopyOptions: MAXERROR needs a number, not {value!r}")
                else:
                    command.max_error = int(value)
                index += 1
            elif word == "TRUNCATECOLUMNS":
                command.truncate = True
            elif word == "EMPTYASNULL":
                command.empty_as_null = True
            elif word == "BLANKSASNULL":
                command.blanks_as_null = True
            elif word in _IGNORED_OPTIONS:
                if following and following.startswith("'") or word == "REGION":
                    index += 1
            elif word in ("CSV", "AVRO", "PARQUET", "ORC", "DELIMITER", "FIXEDWIDTH", "SHAPEFILE"):
                fmt = word.lower()
            else:
                command.warnings.append(f"CopyOptions: {tokens[index]!r} is not simulated (ignored)")
            index += 1
        if fmt != "json":
            command.problems.append(
                f"CopyOptions {command.options!r} do not load JSON ({fmt or 'pipe-delimited text'}): "
                "the SES records Firehose stages are JSON lines, so every COPY would fail; add json 'auto' or json 's3://.../jsonpaths.json'"
            )
        if not command.table:
            command.problems.append("CopyCommand has no DataTableName")
        return command


class BadValue(Exception):
    def __init__(self, code: int, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def json_text(value: Any) -> str:
    """The JSON text Redshift would see for a nested value."""
    return encode(value).decode()


def load_value(spec: ColumnSpec, value: Any, command: CopyCommand) -> Any:
    """A JSON value as Redshift's COPY loads it into ``spec``; ``BadValue`` for a load error."""
    if type(value) is str and value and spec.duck_type == "VARCHAR" and (spec.max_bytes is None or len(value) * 4 <= spec.max_bytes):
        return value  # the common case: UTF-8 takes at most 4 bytes a character, so it fits
    if isinstance(value, str) and ((command.empty_as_null and value == "") or (command.blanks_as_null and value.strip() == "" and value)):
        value = None
    if value is None:
        if spec.not_null:
            raise BadValue(1213, "Missing data for not-null field")
        return None
    duck = spec.duck_type
    if duck == "VARCHAR":
        text = value if isinstance(value, str) else json_text(value)
        encoded = text.encode("utf-8")
        if spec.max_bytes is not None and len(encoded) > spec.max_bytes:
            if not command.truncate:
                raise BadValue(1204, "String length exceeds DDL length")
            text = encoded[: spec.max_bytes].decode("utf-8", "ignore")  # TRUNCATECOLUMNS cuts at a character boundary
        return text
    if duck in _INT_RANGES:
        number = value if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None and isinstance(value, str) and re.fullmatch(r"\s*[-+]?\d+\s*", value):
            number = int(value)
        if number is None:
            raise BadValue(1207, f"Invalid digit, Value '{str(value)[:1]}', Pos 0, Type: {duck.title()}")
        if not -_INT_RANGES[duck] <= number < _INT_RANGES[duck]:
            raise BadValue(1204, f"Overflow, Value '{number}' out of range for type {duck.title()}")
        return number
    if duck == "BOOLEAN":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "t", "1", "yes", "y", "on"):
            return True
        if text in ("false", "f", "0", "no", "n", "off"):
            return False
        raise BadValue(1210, f"Invalid boolean value '{value}'")
    if duck in ("DOUBLE", "REAL") or duck.startswith(("DECIMAL", "NUMERIC")):
        try:
            return float(value) if duck in ("DOUBLE", "REAL") else Decimal(str(value))
        except (TypeError, ValueError, InvalidOperation):
            raise BadValue(1208 if duck in ("DOUBLE", "REAL") else 1209, f"Invalid numeric value '{value}'") from None
    if duck == "DATE":
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            raise BadValue(1205, f"Invalid Date Format - length must be 10 or more: '{value}'") from None
    if duck in ("TIMESTAMP", "TIMESTAMPTZ"):
        try:
            moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise BadValue(1206, f"Invalid timestamp format or value: '{value}'") from None
        return moment if duck == "TIMESTAMPTZ" else moment.replace(tzinfo=None)
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
