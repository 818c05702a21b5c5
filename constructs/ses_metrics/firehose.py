"""Kinesis Data Firehose rules for SES event streams: pure Python, no CDK import.

What a delivery stream accepts (prefix expressions, buffering, compression, dynamic
partitioning, OpenSearch index names and rotation, retry durations), as ``check_*``
functions returning ``rules.Problem`` lists like those of ``ses_metrics.rules``. The
constructs, the config loader and the simulator share them.

Sources: Firehose developer guide (s3-prefixes.html "Custom Prefixes for Amazon S3
Objects", dynamic-partitioning.html, es-index-rotation.html, retry.html) and the
``AWS::KinesisFirehose::DeliveryStream`` resource schema (ranges of BufferingHints,
RetryOptions, IndexName).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from ses_metrics.rules import UNRESOLVED, Problem

# --- prefixes -----------------------------------------------------------------------

EXPRESSION_RE: Final = re.compile(r"!\{([^}:]*):([^}]*)\}")
# The pattern letters of java.time.format.DateTimeFormatter that make sense in a path.
_TIMESTAMP_LETTERS: Final = frozenset("yMdHhmsSEaDwWuk")
MAX_PREFIX_LENGTH: Final = 1024
ERROR_OUTPUT_TYPE: Final = "!{firehose:error-output-type}"


def prefix_expressions(prefix: str) -> list[tuple[str, str]]:
    """``(namespace, value)`` of every ``!{namespace:value}`` in a prefix."""
    return EXPRESSION_RE.findall(prefix)


def partition_keys(prefix: str) -> list[str]:
    """The ``!{partitionKeyFromQuery:key}`` keys a prefix uses."""
    return [value for namespace, value in prefix_expressions(prefix) if namespace == "partitionKeyFromQuery"]


def _check_timestamp_pattern(pattern: str) -> str | None:
    text = re.sub(r"'[^']*'", "", pattern)  # quoted literals
    bad = sorted({c for c in text if c.isalpha() and c not in _TIMESTAMP_LETTERS})
    if not pattern:
        return "!{timestamp:} needs a DateTimeFormatter pattern such as yyyy/MM/dd"
    if bad:
        return f"!{{timestamp:{pattern}}} uses pattern letters {''.join(bad)!r} that are not date or time fields"
    return None


def check_prefixes(prefix: Any, error_output_prefix: Any, *, dynamic_partitioning: bool = False) -> list[Problem]:
    """A stream's S3 ``Prefix`` and ``ErrorOutputPrefix`` (paths ``prefix`` and
    ``error_output_prefix``), as Firehose validates them when the stream is created:

    - expressions are ``!{timestamp:<pattern>}``, ``!{firehose:random-string}``,
      ``!{firehose:error-output-type}`` (error prefix only) and, with dynamic partitioning,
      ``!{partitionKeyFromQuery:<key>}`` / ``!{partitionKeyFromLambda:<key>}`` (prefix only);
    - a prefix with expressions needs an error prefix, and an error prefix with expressions
      needs ``!{firehose:error-output-type}``;
    - dynamic partitioning needs at least one partition key in the prefix;
    - each is at most 1024 characters.
    """
    if prefix is UNRESOLVED or error_output_prefix is UNRESOLVED:
        return []
    problems: list[Problem] = []
    prefix = prefix or ""
    error_output_prefix = error_output_prefix or ""
    for field, value, is_error in (("prefix", prefix, False), ("error_output_prefix", error_output_prefix, True)):
        if len(value) > MAX_PREFIX_LENGTH:
            problems.append(Problem((field,), f"{field} is {len(value)} characters long; Firehose allows at most {MAX_PREFIX_LENGTH}"))
        if value.count("!{") != len(prefix_expressions(value)):
            problems.append(Problem((field,), f"{field} {value!r} has an unterminated or malformed !{{...}} expression"))
        for namespace, expression in prefix_expressions(value):
            message = None
            if namespace == "timestamp":
                message = _check_timestamp_pattern(expression)
            elif namespace == "firehose":
                if expression == "error-output-type" and not is_error:
                    message = "!{firehose:error-output-type} is allowed only in the error output prefix"
                elif expression not in ("random-string", "error-output-type"):
                    message = f"!{{firehose:{expression}}} is unknown; use !{{firehose:random-string}} or !{{firehose:error-output-type}}"
            elif namespace in ("partitionKeyFromQuery", "partitionKeyFromLambda"):
                if is_error:
                    message = f"!{{{namespace}:...}} is not allowed in the error output prefix"
                elif not dynamic_partitioning:
                    message = f"!{{{namespace}:{expression}}} needs dynamic partitioning enabled"
            else:
                message = f"unknown expression namespace {namespace!r}; use timestamp, firehose or partitionKeyFromQuery"
            if message:
                problems.append(Problem((field,), message))
    if prefix_expressions(prefix) and not error_output_prefix:
        problems.append(Problem(("error_output_prefix",), "a prefix with !{...} expressions needs an error output prefix"))
    if prefix_expressions(error_output_prefix) and ERROR_OUTPUT_TYPE not in error_output_prefix:
        problems.append(
            Problem(("error_output_prefix",), f"an error output prefix with expressions must include {ERROR_OUTPUT_TYPE}")
        )
    if dynamic_partitioning and not any(ns.startswith("partitionKeyFrom") for ns, _ in prefix_expressions(prefix)):
        problems.append(Problem(("prefix",), "dynamic partitioning needs at least one !{partitionKeyFromQuery:<key>} in the prefix"))
    return problems


# --- buffering, compression, retries ------------------------------------------------

S3_BUFFER_MIB: Final = (1, 128)
DYNAMIC_PARTITIONING_MIN_BUFFER_MIB: Final = 64
OPENSEARCH_BUFFER_MIB: Final = (1, 100)
BUFFER_SECONDS: Final = (0, 900)
RETRY_SECONDS: Final = (0, 7200)
COMPRESSION_FORMATS: Final = ("GZIP", "UNCOMPRESSED", "ZIP", "Snappy", "HADOOP_SNAPPY")
# COPY reads GZIP or plain objects; Firehose refuses the others for a Redshift staging bucket.
REDSHIFT_COMPRESSION_FORMATS: Final = ("GZIP", "UNCOMPRESSED")


def _range(value: Any, bounds: tuple[int, int], path: str, what: str) -> list[Problem]:
    if value is UNRESOLVED or value is None:
        return []
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        return [Problem((path,), f"{what} {value!r} is out of range; Firehose allows {low}-{high}")]
    return []


def check_buffering(seconds: Any, mib: Any, *, destination: str = "s3", dynamic_partitioning: bool = False) -> list[Problem]:
    """Buffering hints (paths ``buffering_seconds``, ``buffering_mib``). Dynamic
    partitioning needs a buffer of at least 64 MiB."""
    bounds = OPENSEARCH_BUFFER_MIB if destination == "opensearch" else S3_BUFFER_MIB
    problems = _range(seconds, BUFFER_SECONDS, "buffering_seconds", "buffering interval (seconds)")
    problems += _range(mib, bounds, "buffering_mib", "buffer size (MiB)")
    if dynamic_partitioning and isinstance(mib, int) and not problems and mib < DYNAMIC_PARTITIONING_MIN_BUFFER_MIB:
        problems.append(
            Problem(("buffering_mib",), f"dynamic partitioning needs a buffer of at least {DYNAMIC_PARTITIONING_MIN_BUFFER_MIB} MiB; got {mib}")
        )
    return problems


def check_compression(value: Any, *, destination: str = "s3") -> list[Problem]:
    """A compression format (path ``compression``); Redshift staging only GZIP/UNCOMPRESSED."""
    if value is UNRESOLVED:
        return []
    allowed = REDSHIFT_COMPRESSION_FORMATS if destination == "redshift" else COMPRESSION_FORMATS
    if value not in allowed:
        why = " (COPY reads only GZIP or uncompressed objects)" if destination == "redshift" and value in COMPRESSION_FORMATS else ""
        return [Problem(("compression",), f"compression {value!r} is not allowed{why}; use one of {', '.join(allowed)}")]
    return []


def check_retry_seconds(value: Any) -> list[Problem]:
    """Retry duration for Redshift and OpenSearch destinations (path ``retry_seconds``)."""
    return _range(value, RETRY_SECONDS, "retry_seconds", "retry duration (seconds)")


# --- dynamic partitioning -----------------------------------------------------------

# The fields of an SES record a stream can partition on, as JQ expressions over the record.
PARTITION_FIELDS: Final = {
    "event_type": ("eventType", ".eventType"),
    "configuration_set": ("configurationSet", '.mail.tags["ses:configuration-set"][0]'),
}


def metadata_query(fields: Iterable[str]) -> str:
    """The JQ metadata-extraction query producing the partition keys of ``fields``."""
    return "{" + ",".join(f"{PARTITION_FIELDS[f][0]}:{PARTITION_FIELDS[f][1]}" for f in fields) + "}"


def check_partitioning(fields: Any) -> list[Problem]:
    """Partition fields (path ``partition_by``): known names, no repeats."""
    if fields is UNRESOLVED or not fields:
        return []
    problems = []
    for index, name in enumerate(fields):
        if name not in PARTITION_FIELDS:
            problems.append(Problem(("partition_by", index), f"unknown partition field {name!r}; use {', '.join(PARTITION_FIELDS)}"))
    if len(set(fields)) != len(list(fields)):
        problems.append(Problem(("partition_by",), "a partition field is listed twice"))
    return problems


def partitioned_prefix(base: str, fields: Iterable[str]) -> str:
    """``base`` followed by ``eventType=!{partitionKeyFromQuery:eventType}/`` per field
    (Hive style, so Athena and Glue see partitions)."""
    return base + "".join(f"{PARTITION_FIELDS[f][0]}=!{{partitionKeyFromQuery:{PARTITION_FIELDS[f][0]}}}/" for f in fields)


# --- OpenSearch ---------------------------------------------------------------------

ROTATION_PERIODS: Final = ("NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth")
OPENSEARCH_BACKUP_MODES: Final = ("FailedDocumentsOnly", "AllDocuments")
MAX_INDEX_NAME_LENGTH: Final = 80  # Firehose's IndexName; OpenSearch allows 255 bytes with the suffix
_INDEX_FORBIDDEN: Final = set('\\/*?"<>| ,#:')


def check_index_name(value: Any) -> list[Problem]:
    """An OpenSearch index name as Firehose and OpenSearch accept it (path ``index``):
    1-80 characters, lowercase, none of ``\\ / * ? " < > | space , # :``, not starting with
    ``-``, ``_`` or ``+``, not ``.`` or ``..``."""
    if value is UNRESOLVED:
        return []
    path = ("index",)
    if not isinstance(value, str) or not value:
        return [Problem(path, "the index name must be a non-empty string")]
    problems = []
    if len(value) > MAX_INDEX_NAME_LENGTH:
        problems.append(Problem(path, f"index name is {len(value)} characters long; Firehose allows at most {MAX_INDEX_NAME_LENGTH}"))
    if value != value.lower():
        problems.append(Problem(path, f"index name {value!r} has upper-case letters; OpenSearch index names are lowercase"))
    bad = "".join(sorted(set(value) & _INDEX_FORBIDDEN))
    if bad:
        problems.append(Problem(path, f"index name {value!r} contains {bad!r}; OpenSearch refuses \\ / * ? \" < > | space , # :"))
    if value[0] in "-_+":
        problems.append(Problem(path, f"index name {value!r} starts with {value[0]!r}; OpenSearch refuses names starting with -, _ or +"))
    if value in (".", ".."):
        problems.append(Problem(path, "index name cannot be '.' or '..'"))
    return problems


def check_rotation(value: Any) -> list[Problem]:
    """An index rotation period (path ``rotation``)."""
    if value is UNRESOLVED or value in ROTATION_PERIODS:
        return []
    return [Problem(("rotation",), f"unknown index rotation {value!r}; use one of {', '.join(ROTATION_PERIODS)}")]


def check_opensearch_backup_mode(value: Any) -> list[Problem]:
    if value is UNRESOLVED or value in OPENSEARCH_BACKUP_MODES:
        return []
    return [Problem(("backup",), f"unknown S3 backup mode {value!r}; use one of {', '.join(OPENSEARCH_BACKUP_MODES)}")]


def rotated_index(index: str, rotation: str, year: int, month: int, day: int, hour: int, week: int) -> str:
    """The index Firehose writes to for an arrival time (es-index-rotation.html): ``myindex``,
    ``myindex-2016-02-25-13``, ``myindex-2016-02-25``, ``myindex-2016-w08``, ``myindex-2016-02``."""
    return {
        "NoRotation": index,
        "OneHour": f"{index}-{year:04d}-{month:02d}-{day:02d}-{hour:02d}",
        "OneDay": f"{index}-{year:04d}-{month:02d}-{day:02d}",
        "OneWeek": f"{index}-{year:04d}-w{week:02d}",
        "OneMonth": f"{index}-{year:04d}-{month:02d}",
    }[rotation]


# --- Redshift -----------------------------------------------------------------------

REDSHIFT_IDENTIFIER_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_$]{0,126}")
JDBC_URL_RE: Final = re.compile(r"jdbc:redshift://[^:/\s]+:\d+/[^\s/?]+(\?.*)?")


def check_redshift_identifier(value: Any, what: str, path: str) -> list[Problem]:
    """A Redshift table or column name: a letter or ``_`` first, then letters, digits, ``_``
    or ``$``, at most 127 bytes (unquoted identifiers; Firehose does not quote them)."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and REDSHIFT_IDENTIFIER_RE.fullmatch(value):
        return []
    return [Problem((path,), f"{what} {value!r} is not a Redshift identifier: a letter or _ then letters, digits, _ or $ (at most 127)")]


def check_jdbc_url(value: Any) -> list[Problem]:
    """``jdbc:redshift://<endpoint>:<port>/<database>`` (path ``jdbc_url``)."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and JDBC_URL_RE.fullmatch(value):
        return []
    return [Problem(("jdbc_url",), f"{value!r} is not a Redshift JDBC URL such as jdbc:redshift://cluster.abc123.us-east-1.redshift.amazonaws.com:5439/dev")]


def check_secret_arn(value: Any) -> list[Problem]:
    """A Secrets Manager secret ARN (path ``secret_arn``): Firehose reads the Redshift
    user name and password from it; the template never holds a password."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and re.fullmatch(r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+", value):
        return []
    return [Problem(("secret_arn",), f"{value!r} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)")]

