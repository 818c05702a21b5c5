"""Athena and the Glue Data Catalog over an SES event archive: pure Python, no CDK import.

What the archive catalogue construct declares and what the local query engine reads
back from the template: the JSON SerDe and formats, the names Glue and Athena accept, the
workgroup's limits, and **partition projection** derived from a Firehose S3 prefix, so
that Athena computes every partition from the key layout Firehose writes (no crawler, no
``MSCK REPAIR``; with projection on, Athena ignores partitions registered in Glue).

Sources: Athena UG partition-projection, partition-projection-supported-types,
partition-projection-kinesis-firehose-example, openx-json-serde, compression-formats;
the CloudFormation schemas of ``AWS::Glue::Table``, ``AWS::Athena::WorkGroup`` and
``AWS::Athena::NamedQuery`` as shipped with cfn-lint 1.58; Firehose DG s3-prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, show
from ses_metrics.rules.redshift_columns import tag_column_name
from ses_metrics.rules.ses import TAG_RE, EventType

# --- the table's storage -------------------------------------------------------------

# OpenX: AWS's choice for nested JSON (Athena UG openx-json-serde); tag maps need no mapping.*
JSON_SERDE: Final = "org.openx.data.jsonserde.JsonSerDe"
INPUT_FORMAT: Final = "org.apache.hadoop.mapred.TextInputFormat"
OUTPUT_FORMAT: Final = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
# Athena reads CSV, TSV and JSON compression from the object's extension ("If no file
# extension is present, Athena treats the data as uncompressed plain text"), which is the
# extension Firehose gives: what Athena can read of each Firehose CompressionFormat.
READABLE_COMPRESSION: Final = {"UNCOMPRESSED": "none", "GZIP": "gzip", "ZIP": None, "Snappy": None, "HADOOP_SNAPPY": None}

# --- names and limits ----------------------------------------------------------------

# Athena: database, table and column names lowercase letters, digits and underscores (Glue
# folds names to lowercase and allows 255 characters).
GLUE_NAME_RE: Final = re.compile(r"[a-z0-9_]{1,255}")
WORKGROUP_NAME_RE: Final = re.compile(r"[a-zA-Z0-9._-]{1,128}")
MIN_BYTES_SCANNED_CUTOFF: Final = 10_000_000  # CFN WorkGroupConfiguration.BytesScannedCutoffPerQuery
MAX_NAMED_QUERY_NAME: Final = 128
MAX_NAMED_QUERY_LENGTH: Final = 262_144
MAX_DESCRIPTION: Final = 1024
DEFAULT_HISTORY: Final = "NOW-5YEARS"


def check_glue_name(value: Any, what: str) -> list[Problem]:
    """A Glue database or table name Athena can query: 1-255 of a-z, 0-9 and '_'."""
    if value is UNRESOLVED or (isinstance(value, str) and GLUE_NAME_RE.fullmatch(value)):
        return []
    return [Problem((), f"{what} {show(value)} must be 1-255 lowercase letters, digits and '_' (Athena's rule for names)")]


def check_workgroup_name(value: Any) -> list[Problem]:
    if value is UNRESOLVED or (isinstance(value, str) and WORKGROUP_NAME_RE.fullmatch(value)):
        return []
    return [Problem((), f"workgroup name {show(value)} must be 1-128 characters of A-Z, a-z, 0-9, '.', '_' and '-'")]


def check_tag_name(value: Any) -> list[Problem]:
    """A message or link tag name a named query reads (SES's tag characters, so it is safe
    inside a SQL string literal)."""
    if value is UNRESOLVED or (isinstance(value, str) and TAG_RE.fullmatch(value)):
        return []
    return [Problem((), f"tag name {show(value)} must be 1-256 characters of A-Z, a-z, 0-9, '_' and '-'")]


def check_tag_columns(value: Any, taken: Sequence[str]) -> list[Problem]:
    """Message tags given a column of their own (``tag_columns``): a list of SES tag names
    whose columns (``campaign-id`` -> ``campaign_id``) are unique and name none of ``taken``
    (the table's columns and partition columns: a view repeating a column name fails)."""
    if value is UNRESOLVED:
        return []
    if not isinstance(value, list | tuple):
        return [Problem((), f"{show(value)} is not a list of message tag names")]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for index, tag in enumerate(value):
        found = check_tag_name(tag)
        if found:
            problems += [Problem((index,), p.message) for p in found]
            continue
        column = tag_column_name(tag)
        if column in taken:
            problems.append(Problem((index,), f"tag {tag!r} would be column {column!r}, which the table already has "
                                    f"(columns and partitions: {', '.join(taken)})"))
        elif column in seen:
            problems.append(Problem((index,), f"tags {seen[column]!r} and {tag!r} would both be column {column!r}"))
        seen.setdefault(column, tag)
    return problems


def check_bytes_scanned_cutoff(value: Any) -> list[Problem]:
    if value is UNRESOLVED or value is None:
        return []
    if not isinstance(value, int) or value < MIN_BYTES_SCANNED_CUTOFF:
        return [Problem((), f"{show(value)} bytes: Athena's per-query cutoff is at least {MIN_BYTES_SCANNED_CUTOFF:,} (10 MB)")]
    return []


# --- partition projection ------------------------------------------------------------

DATE_COLUMN: Final = "datehour"
# Partition columns named apart from the data columns they repeat (Hive rejects a partition
# column repeating a data column; ``eventtype`` is one): the S3 segment keeps Firehose's key.
KEY_COLUMNS: Final = {"eventType": "event_type", "configurationSet": "configuration_set"}
EVENT_TYPE_VALUES: Final = tuple(e.record for e in EventType)  # as SES spells them: "Rendering Failure"
_UNITS: Final = (("s", "SECONDS"), ("m", "MINUTES"), ("H", "HOURS"), ("d", "DAYS"), ("M", "MONTHS"), ("y", "YEARS"))
_TOKEN_RE: Final = re.compile(r"!\{([^{}:]*):([^{}]*)\}")
_JAVA_RE: Final = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|.", re.S)
_DIGITS: Final = {"yyyy": r"\d{4}", "uuuu": r"\d{4}", "yy": r"\d{2}", "MM": r"\d{2}", "dd": r"\d{2}", "HH": r"\d{2}",
                  "mm": r"\d{2}", "ss": r"\d{2}", "SSS": r"\d{3}"}
_STRFTIME: Final = {"yyyy": "%Y", "uuuu": "%Y", "yy": "%y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}


@dataclass(frozen=True)
class PartitionColumn:
    """A projected partition column: its Glue ``name`` (type ``string``) and its
    ``projection.<name>.*`` parameters (``type``, ``values`` or ``format``/``range``/``interval``)."""

    name: str
    projection: tuple[tuple[str, str], ...]

    @property
    def settings(self) -> dict[str, str]:
        return dict(self.projection)


@dataclass(frozen=True)
class Projection:
    """Partition projection over a Firehose prefix: the table's ``location`` (the static
    part of the prefix), the ``template`` of every object's directory below the bucket
    (``ses/eventType=${event_type}/.../``) and the partition columns, in template order."""

    location: str
    template: str
    columns: tuple[PartitionColumn, ...]

    def parameters(self, bucket: str) -> dict[str, str]:
        """The Glue table parameters: ``projection.enabled``, each column's settings and
        ``storage.location.template``."""
        out = {"projection.enabled": "true"}
        for column in self.columns:
            out |= {f"projection.{column.name}.{key}": value for key, value in column.projection}
        out["storage.location.template"] = f"s3://{bucket}/{self.template}"
        return out


def partition_projection(
    prefix: str,
    *,
    dynamic_partitioning: bool = False,
    key_values: Mapping[str, Sequence[str]] | None = None,
    history: str = DEFAULT_HISTORY,
) -> tuple[Projection | None, list[Problem]]:
    """Partition projection matching the keys Firehose writes under ``prefix``.

    Without dynamic partitioning and ``!{timestamp:...}`` expressions, Firehose appends
    ``YYYY/MM/dd/HH/`` (UTC): one ``datehour`` column, type date, format ``yyyy/MM/dd/HH``,
    one hour apart (AWS's Firehose example). Timestamp expressions become one ``datehour``
    column whose format is their patterns with the text between them quoted
    (``yyyy'/month='MM'/day='dd'/hour='HH``). Each ``!{partitionKeyFromQuery:k}`` becomes an
    ``enum`` column (``eventType`` -> ``event_type`` with SES's ten type names; other keys
    need their values in ``key_values``): ``injected`` columns would make every query that
    does not filter on them fail. The date range is ``<history>,NOW`` (default NOW-5YEARS).
    Problems when the prefix cannot be projected (a random string, a key between
    timestamps, a key without values)."""
    if not dynamic_partitioning and "!{timestamp:" not in prefix:
        prefix += "!{timestamp:yyyy/MM/dd/HH}/"
    problems: list[Problem] = []
    pieces: list[tuple[str, str]] = []  # ("text", s) | ("timestamp", pattern) | ("key", key)
    position = 0
    for match in _TOKEN_RE.finditer(prefix):
        if match.start() > position:
            pieces.append(("text", prefix[position:match.start()]))
        namespace, value = match.groups()
        if namespace == "timestamp":
            pieces.append(("timestamp", value))
        elif namespace == "partitionKeyFromQuery":
            pieces.append(("key", value))
        else:
            problems.append(Problem(("prefix",), f"!{{{namespace}:{value}}} makes keys Athena cannot project: "
                                    "give a prefix of timestamps and partition keys only"))
        position = match.end()
    if position < len(prefix):
        pieces.append(("text", prefix[position:]))
    if problems:
        return None, problems
    stamps = [i for i, (kind, _) in enumerate(pieces) if kind == "timestamp"]
    if stamps and any(kind == "key" for kind, _ in pieces[stamps[0]:stamps[-1]]):
        return None, [Problem(("prefix",), "a partition key between !{timestamp:...} expressions cannot be projected: "
                               "put the keys before or after the timestamps")]
    columns: list[PartitionColumn] = []
    template = ""
    static = pieces[0][1] if pieces and pieces[0][0] == "text" else ""
    location = static[: static.rfind("/") + 1]  # the folder holding every partition
    index = 0
    while index < len(pieces):
        kind, value = pieces[index]
        if kind == "text":
            template += value
        elif kind == "key":
            name = KEY_COLUMNS.get(value, _snake(value))
            values = list((key_values or {}).get(value) or (EVENT_TYPE_VALUES if value == "eventType" else ()))
            if not values:
                problems.append(Problem(("prefix",), f"partition key {value!r} needs its values for an enum projection"))
            columns.append(PartitionColumn(name, (("type", "enum"), ("values", ",".join(values)))))
            template += f"${{{name}}}"
        else:
            last = stamps[-1]
            pattern = "".join(v if k == "timestamp" else _quote(v) for k, v in pieces[index:last + 1])
            columns.append(PartitionColumn(DATE_COLUMN, (
                ("type", "date"), ("format", pattern), ("range", f"{history},NOW"), ("interval", "1"),
                ("interval.unit", _unit(pattern)),
            )))
            template += f"${{{DATE_COLUMN}}}"
            index = last
        index += 1
    if not template.endswith("/"):
        problems.append(Problem(("prefix",), f"{show(prefix)} does not end with '/': Athena reads a table's partitions as folders"))
    return Projection(location, template, tuple(columns)), problems


def _snake(key: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).lower().replace("-", "_")


def _quote(text: str) -> str:
    """Literal text inside a DateTimeFormatter pattern."""
    return "'" + text.replace("'", "''") + "'" if text else ""


def _letters(pattern: str) -> list[str]:
    return [m.group(0) for m in _JAVA_RE.finditer(pattern) if m.group(1)]


def _unit(pattern: str) -> str:
    letters = {run[0] for run in _letters(pattern)}
    return next((unit for letter, unit in _UNITS if letter in letters), "DAYS")


# --- reading a projection back (the local engine) -------------------------------------


def template_regex(template: str, columns: Mapping[str, Mapping[str, str]]) -> re.Pattern[str]:
    """A regex matching the directory of every object a projected table reads (the
    template with the bucket removed), one named group per partition column: enum values
    exactly, dates as their format's digits and literals."""
    out = ""
    position = 0
    for match in re.finditer(r"\$\{([^}]*)\}", template):
        out += re.escape(template[position:match.start()])
        name = match.group(1)
        settings = columns.get(name, {})
        kind = settings.get("type", "").lower()
        if kind == "enum":
            body = "|".join(re.escape(v) for v in settings.get("values", "").split(","))
        elif kind == "date":
            body = date_regex(settings.get("format", ""))
        elif kind == "integer":
            body = r"-?\d+"
        else:  # injected: any segment
            body = r"[^/]+"
        out += f"(?P<{_group(name)}>{body})"
        position = match.end()
    out += re.escape(template[position:])
    return re.compile(out)


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def date_regex(pattern: str) -> str:
    out = ""
    for match in _JAVA_RE.finditer(pattern):
        token = match.group(0)
        if match.group(1):
            out += _DIGITS.get(token, r"\d+")
        elif token.startswith("'"):
            out += re.escape(token[1:-1].replace("''", "'"))
        else:
            out += re.escape(token)
    return out


def parse_projected_date(value: str, pattern: str) -> datetime | None:
    """A projected date value back to a UTC time (None when it does not fit the pattern)."""
    fmt = ""
    for match in _JAVA_RE.finditer(pattern):
        token = match.group(0)
        if match.group(1):
            if token not in _STRFTIME:
                return None
            fmt += _STRFTIME[token]
        else:
            fmt += (token[1:-1].replace("''", "'") if token.startswith("'") else token).replace("%", "%%")
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=UTC)
    except ValueError:
        return None


_RELATIVE_RE: Final = re.compile(r"\s*NOW\s*(?:([+-])\s*(\d+)\s*(YEARS?|MONTHS?|WEEKS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\s*)?", re.I)


def range_bound(text: str, pattern: str, now: datetime) -> datetime | None:
    """One end of a date projection's ``range``: ``NOW``, ``NOW-3YEARS`` or a value in the
    column's format (None when it is neither)."""
    match = _RELATIVE_RE.fullmatch(text)
    if match is None:
        return parse_projected_date(text.strip(), pattern)
    if not match.group(1):
        return now
    amount = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
    unit = match.group(3).upper().rstrip("S")
    if unit in ("YEAR", "MONTH"):
        months = now.month - 1 + amount * (12 if unit == "YEAR" else 1)
        return now.replace(year=now.year + months // 12, month=months % 12 + 1, day=min(now.day, 28))
    seconds = {"WEEK": 604800, "DAY": 86400, "HOUR": 3600, "MINUTE": 60, "SECOND": 1}[unit]
    return datetime.fromtimestamp(now.timestamp() + amount * seconds, UTC)
