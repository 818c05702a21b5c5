"""Amazon Data Firehose rules for the SES delivery streams: pure Python, no CDK import.

The stream constructs, the ``ses-metrics.yaml`` loader and the simulator call these
``check_*`` functions; each returns a list of :class:`rules.Problem` (empty: valid),
located relative to the value checked. :data:`rules.UNRESOLVED` values are never judged.

Sources: the Firehose Developer Guide (FDG) pages "Custom prefixes for Amazon S3 objects"
(s3-prefixes), "Dynamic partitioning" and "Buffering hints", and the CloudFormation
schema of ``AWS::KinesisFirehose::DeliveryStream`` (CFN), as shipped with cfn-lint 1.58.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, one_of, show

# --- vocabularies -------------------------------------------------------------------

COMPRESSION_FORMATS: Final = ("GZIP", "UNCOMPRESSED", "ZIP", "Snappy", "HADOOP_SNAPPY")
# FDG: Redshift COPY reads GZIP or uncompressed staging objects only.
REDSHIFT_COMPRESSION_FORMATS: Final = ("UNCOMPRESSED", "GZIP")
INDEX_ROTATIONS: Final = ("NoRotation", "OneHour", "OneDay", "OneWeek", "OneMonth")
OPENSEARCH_BACKUP_MODES: Final = ("FailedDocumentsOnly", "AllDocuments")
# Java DateTimeFormatter pattern letters; any other ASCII letter is reserved (an error).
_DATE_TIME_LETTERS: Final = frozenset("GuyDMLdQqYwWEecFaBhKkHmsSAnNVvzOXxZp")
_DATE_TIME_RESERVED: Final = frozenset("{}#")

FIREHOSE_VALUES: Final = ("random-string", "error-output-type")
NAMESPACES: Final = ("timestamp", "firehose", "partitionKeyFromQuery", "partitionKeyFromLambda")
MAX_PREFIX_LENGTH: Final = 1024  # CFN; FDG: at most 512 characters once evaluated
MAX_RETRY_SECONDS: Final = 7200  # CFN RetryOptions, RedshiftRetryOptions, Amazonopensearchservice...
MAX_INDEX_NAME_LENGTH: Final = 80  # CFN IndexName
PARTITION_KEY_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class BufferingLimits:
    """What a destination accepts for ``BufferingHints`` (CFN, FDG)."""

    min_seconds: int
    max_seconds: int
    min_mib: int
    max_mib: int


# Firehose API reference: BufferingHints (300 s, 5 MiB when not given), RedshiftRetryOptions
# (3600 s) and the other RetryOptions (300 s).
DEFAULT_BUFFERING_SECONDS: Final = 300
DEFAULT_BUFFERING_MIB: Final = 5
DEFAULT_RETRY_SECONDS: Final = 300
DEFAULT_REDSHIFT_RETRY_SECONDS: Final = 3600

S3_BUFFERING: Final = BufferingLimits(0, 900, 1, 128)
REDSHIFT_BUFFERING: Final = S3_BUFFERING  # the staging S3 configuration
OPENSEARCH_BUFFERING: Final = BufferingLimits(0, 900, 1, 100)
# FDG: dynamic partitioning needs at least 64 MiB buffers and has no zero buffering
# (the zero-buffering feature covers intervals below 60 s).
DYNAMIC_PARTITIONING_BUFFERING: Final = BufferingLimits(60, 900, 64, 128)


@dataclass(frozen=True)
class PartitionKey:
    """A dynamic-partitioning key ses-metrics offers: its Firehose key id and the JQ
    query (jq 1.6, Firehose's ``JQ-1.6`` engine) extracting it from an SES event record."""

    option: str
    key: str
    query: str
    description: str


PARTITION_KEYS: Final = {
    "event_type": PartitionKey(
        "event_type", "eventType", ".eventType", "the record's eventType: Bounce, Rendering Failure, DeliveryDelay, ..."
    ),
    "configuration_set": PartitionKey(
        "configuration_set",
        "configurationSet",
        '.mail.tags["ses:configuration-set"][0]',
        "the ses:configuration-set auto-tag SES adds to every event published through a configuration set",
    ),
}


# FDG s3-prefixes: without a !{timestamp:...} expression, Firehose appends the delivery hour
# (UTC, of the first record of the object) to the prefix in this form.
TIME_PREFIX_FORMAT: Final = "%Y/%m/%d/%H/"


def time_prefix(moment: datetime) -> str:
    """``YYYY/MM/dd/HH/`` of ``moment`` (UTC): what Firehose appends to a prefix without timestamps."""
    return moment.strftime(TIME_PREFIX_FORMAT)


DELIVERY_STREAM_ARN_RESOURCE: Final = "deliverystream"


def delivery_stream_name_from_arn(arn: str) -> str:
    """The name at the end of ``arn:<partition>:firehose:<region>:<account>:deliverystream/<name>``."""
    return arn.rsplit(f":{DELIVERY_STREAM_ARN_RESOURCE}/", 1)[-1]


def metadata_extraction_query(options: Sequence[str]) -> str:
    """The ``MetadataExtractionQuery`` for these partition options:
    ``{eventType: .eventType, configurationSet: .mail.tags["ses:configuration-set"][0]}``."""
    return "{" + ",".join(f"{PARTITION_KEYS[o].key}:{PARTITION_KEYS[o].query}" for o in options) + "}"


def partitioned_prefix(base: str, options: Sequence[str]) -> str:
    """``base`` followed by Hive-style partitions (Athena and Glue read them as columns)
    and the delivery hour: ``ses/eventType=!{partitionKeyFromQuery:eventType}/year=!{timestamp:yyyy}/...``."""
    keys = "".join(f"{PARTITION_KEYS[o].key}=!{{partitionKeyFromQuery:{PARTITION_KEYS[o].key}}}/" for o in options)
    return f"{base}{keys}year=!{{timestamp:yyyy}}/month=!{{timestamp:MM}}/day=!{{timestamp:dd}}/hour=!{{timestamp:HH}}/"


# --- helpers ------------------------------------------------------------------------


def _known(*values: Any) -> bool:
    return all(v is not UNRESOLVED for v in values)


# --- prefixes -----------------------------------------------------------------------


@dataclass(frozen=True)
class Expression:
    """One ``!{namespace:value}`` in a prefix."""

    namespace: str
    value: str


_EXPRESSION_RE: Final = re.compile(r"!\{([^{}:]*):([^{}]*)\}")


def parse_prefix(prefix: str) -> tuple[list[Expression], list[Problem]]:
    """The expressions in an S3 prefix, and the grammar problems (FDG s3-prefixes):
    ``!{`` only opens an expression, expressions do not nest, namespaces are
    ``timestamp``, ``firehose``, ``partitionKeyFromQuery`` and ``partitionKeyFromLambda``,
    ``timestamp`` values are Java DateTimeFormatter patterns, ``firehose`` values are
    ``random-string`` and ``error-output-type``."""
    expressions: list[Expression] = []
    problems: list[Problem] = []
    position = 0
    while (start := prefix.find("!{", position)) != -1:
        match = _EXPRESSION_RE.match(prefix, start)
        if match is None:
            problems.append(
                Problem((), f"{show(prefix[start:start + 40])} at character {start} is not a complete "
                        f"!{{namespace:value}} expression; '!{{' may only open one (they do not nest)")
            )
            position = start + 2
            continue
        namespace, value = match.groups()
        expressions.append(Expression(namespace, value))
        problems += _check_expression(namespace, value)
        position = match.end()
    return expressions, problems


def _check_expression(namespace: str, value: str) -> list[Problem]:
    where = f"!{{{namespace}:{value}}}"
    if namespace not in NAMESPACES:
        return [Problem((), f"{where}: unknown namespace {namespace!r}; Firehose knows {one_of(NAMESPACES)}")]
    if namespace == "firehose" and value not in FIREHOSE_VALUES:
        return [Problem((), f"{where}: the firehose namespace takes {one_of(FIREHOSE_VALUES)}, not {value!r}")]
    if namespace == "timestamp":
        return _check_date_time_pattern(value, where)
    if namespace.startswith("partitionKey") and not PARTITION_KEY_RE.fullmatch(value):
        return [Problem((), f"{where}: a partition key id is 1-64 characters of A-Z, a-z, 0-9, '_' and '-'")]
    return []


def _check_date_time_pattern(value: str, where: str) -> list[Problem]:
    if not value:
        return [Problem((), f"{where}: the timestamp namespace needs a Java DateTimeFormatter pattern such as yyyy/MM/dd")]
    if value.count("'") % 2:
        return [Problem((), f"{where}: unbalanced single quote in the DateTimeFormatter pattern")]
    unquoted = "".join(part for index, part in enumerate(value.split("'")) if index % 2 == 0)
    bad = sorted({c for c in unquoted if (c.isascii() and c.isalpha() and c not in _DATE_TIME_LETTERS) or c in _DATE_TIME_RESERVED})
    if bad:
        return [
            Problem(
                (),
                f"{where}: {''.join(bad)!r} {'is' if len(bad) == 1 else 'are'} not DateTimeFormatter pattern letters; "
                f"quote literal text ('year='yyyy) or use letters such as yyyy, MM, dd, HH",
            )
        ]
    return []


def check_prefixes(
    prefix: Any,
    error_output_prefix: Any,
    *,
    destination: str = "s3",
    partition_keys: Sequence[str] = (),
) -> list[Problem]:
    """A destination's ``Prefix`` and ``ErrorOutputPrefix`` (FDG s3-prefixes, dynamic partitioning).

    - Both at most 1024 characters (CFN) and each well formed (:func:`parse_prefix`).
    - ``!{firehose:error-output-type}`` only in the error prefix; an error prefix that has
      expressions must contain it.
    - The error prefix is required when the prefix has expressions or when dynamic
      partitioning is on (``partition_keys`` non-empty).
    - ``!{partitionKeyFromQuery:k}`` only with dynamic partitioning, only for keys the
      query defines, and every defined key used; never in the error prefix.
      ``partitionKeyFromLambda`` needs a Lambda processor, which these streams never use.
    - Redshift staging: no expressions in the prefix and no error prefix.

    Problems are located at ``prefix`` and ``error_output_prefix``.
    """
    problems: list[Problem] = []
    parsed: dict[str, list[Expression]] = {}
    for field, value in (("prefix", prefix), ("error_output_prefix", error_output_prefix)):
        if value is UNRESOLVED or value is None:
            continue
        if not isinstance(value, str):
            problems.append(Problem((field,), f"must be a string; got {show(value)}"))
            continue
        if len(value) > MAX_PREFIX_LENGTH:
            problems.append(Problem((field,), f"is {len(value)} characters long; Firehose allows at most {MAX_PREFIX_LENGTH}"))
        expressions, grammar = parse_prefix(value)
        problems += [p.under(field) for p in grammar]
        parsed[field] = expressions
    if prefix is UNRESOLVED or error_output_prefix is UNRESOLVED:
        return problems
    main = parsed.get("prefix", [])
    errors = parsed.get("error_output_prefix", [])
    has_error_prefix = bool(error_output_prefix)
    if destination == "redshift":
        if main:
            problems.append(Problem(("prefix",), "a Redshift stream's staging prefix cannot contain expressions: COPY reads a fixed prefix"))
        if has_error_prefix:
            problems.append(Problem(("error_output_prefix",), "a Redshift stream's staging configuration takes no error output prefix"))
        return problems
    if any(e.namespace == "firehose" and e.value == "error-output-type" for e in main):
        problems.append(Problem(("prefix",), "!{firehose:error-output-type} may only appear in the error output prefix"))
    if errors and not any(e.namespace == "firehose" and e.value == "error-output-type" for e in errors):
        problems.append(
            Problem(("error_output_prefix",), "an error output prefix with expressions must contain !{firehose:error-output-type}")
        )
    if main and not has_error_prefix:
        problems.append(Problem(("error_output_prefix",), "required when the prefix contains expressions (Firehose rejects an empty one)"))
    elif partition_keys and not has_error_prefix:
        problems.append(Problem(("error_output_prefix",), "required with dynamic partitioning: Firehose writes records it cannot partition there"))
    for field, expressions in (("prefix", main), ("error_output_prefix", errors)):
        if any(e.namespace == "partitionKeyFromLambda" for e in expressions):
            problems.append(
                Problem((field,), "partitionKeyFromLambda needs a Lambda processor; these streams partition with "
                        "partitionKeyFromQuery (a JQ query over the SES record)")
            )
    if any(e.namespace == "partitionKeyFromQuery" for e in errors):
        problems.append(
            Problem(("error_output_prefix",), "the error output prefix cannot use partitionKeyFromQuery: failed records may have no key")
        )
    return problems + _check_partition_key_use(main, partition_keys)


def _check_partition_key_use(main: Sequence[Expression], partition_keys: Sequence[str]) -> list[Problem]:
    """``!{partitionKeyFromQuery:k}`` in the prefix only with dynamic partitioning, only for
    keys the query extracts, and every extracted key used."""
    problems: list[Problem] = []
    used = [e.value for e in main if e.namespace == "partitionKeyFromQuery"]
    defined = set(partition_keys)
    if used and not defined:
        problems.append(Problem(("prefix",), "partitionKeyFromQuery expressions need dynamic partitioning (partition_by)"))
    elif defined:
        for key in dict.fromkeys(used):
            if key not in defined:
                problems.append(
                    Problem(("prefix",), f"!{{partitionKeyFromQuery:{key}}} names a key the query does not extract "
                            f"(it extracts {one_of(sorted(defined))})")
                )
        for key in sorted(defined - set(used)):
            problems.append(
                Problem(("prefix",), f"dynamic partitioning extracts {key!r} but the prefix never uses "
                        f"!{{partitionKeyFromQuery:{key}}}; every partition key must appear in the prefix")
            )
    return problems


# --- dynamic partitioning -----------------------------------------------------------


def check_partition_by(options: Any) -> list[Problem]:
    """``partition_by``: a list of :data:`PARTITION_KEYS` options, each at most once."""
    if options is UNRESOLVED or options is None:
        return []
    if isinstance(options, str) or not isinstance(options, Sequence):
        return [Problem((), f"partition_by must be a list of {one_of(PARTITION_KEYS)}; got {show(options)}")]
    problems = []
    for index, option in enumerate(options):
        if option not in PARTITION_KEYS:
            problems.append(Problem((index,), f"unknown partition key {show(option)}; use {one_of(PARTITION_KEYS)}"))
        elif option in options[:index]:
            problems.append(Problem((index,), f"partition key {option!r} is listed twice"))
    return problems


# --- buffering and retries ----------------------------------------------------------


def check_buffering(
    interval_seconds: Any, size_mib: Any, limits: BufferingLimits = S3_BUFFERING, *, dynamic_partitioning: bool = False
) -> list[Problem]:
    """Buffering hints within the destination's limits; dynamic partitioning needs at
    least 64 MiB and 60 s (FDG). Problems at ``buffering_interval`` and ``buffering_size``."""
    problems = []
    reason = " with dynamic partitioning" if dynamic_partitioning else ""
    if dynamic_partitioning:
        limits = BufferingLimits(
            max(limits.min_seconds, DYNAMIC_PARTITIONING_BUFFERING.min_seconds),
            min(limits.max_seconds, DYNAMIC_PARTITIONING_BUFFERING.max_seconds),
            max(limits.min_mib, DYNAMIC_PARTITIONING_BUFFERING.min_mib),
            min(limits.max_mib, DYNAMIC_PARTITIONING_BUFFERING.max_mib),
        )
    interval_known = _known(interval_seconds) and interval_seconds is not None
    if interval_known and (not isinstance(interval_seconds, int | float) or not limits.min_seconds <= interval_seconds <= limits.max_seconds):
        problems.append(
            Problem(("buffering_interval",), f"{show(interval_seconds)} s is out of range; Firehose allows "
                    f"{limits.min_seconds}-{limits.max_seconds} seconds{reason}")
        )
    size_known = _known(size_mib) and size_mib is not None
    if size_known and (not isinstance(size_mib, int) or not limits.min_mib <= size_mib <= limits.max_mib):
        problems.append(
            Problem(("buffering_size",), f"{show(size_mib)} MiB is out of range; Firehose allows "
                    f"{limits.min_mib}-{limits.max_mib} MiB{reason}")
        )
    return problems


def check_retry_seconds(value: Any) -> list[Problem]:
    """A retry duration: 0-7200 seconds (CFN RetryOptions)."""
    if not _known(value) or value is None:
        return []
    if not isinstance(value, int | float) or not 0 <= value <= MAX_RETRY_SECONDS:
        return [Problem((), f"retry duration {show(value)} s is out of range; Firehose allows 0-{MAX_RETRY_SECONDS} seconds")]
    return []


def check_compression(value: Any, allowed: Sequence[str] = COMPRESSION_FORMATS) -> list[Problem]:
    """A ``CompressionFormat`` the destination can read (Redshift: GZIP or UNCOMPRESSED)."""
    return check_choice(value, allowed, "compression")


# --- OpenSearch ---------------------------------------------------------------------

# OpenSearch index names: lowercase, not starting with '-', '_' or '+', not '.' or '..',
# none of \ / * ? " < > | space , # (and ':' is deprecated); at most 255 bytes, and
# Firehose caps IndexName at 80 characters (it appends the rotation suffix).
_INDEX_FORBIDDEN: Final = frozenset('\\/*?"<>| ,#:')


def check_index_name(value: Any) -> list[Problem]:
    """An OpenSearch index name as Firehose's ``IndexName``."""
    if not _known(value):
        return []
    if not isinstance(value, str) or not value:
        return [Problem((), f"index name must be a non-empty string; got {show(value)}")]
    problems = []
    if len(value) > MAX_INDEX_NAME_LENGTH:
        problems.append(Problem((), f"index name is {len(value)} characters long; Firehose allows at most {MAX_INDEX_NAME_LENGTH}"))
    if value != value.lower():
        problems.append(Problem((), f"index name {show(value)} has upper-case letters; OpenSearch index names are lowercase"))
    bad = "".join(dict.fromkeys(c for c in value if c in _INDEX_FORBIDDEN or ord(c) < 32))
    if bad:
        problems.append(Problem((), f"index name {show(value)} contains {show(bad)}; OpenSearch forbids \\ / * ? \" < > | , # : and spaces"))
    if value[0] in "-_+":
        problems.append(Problem((), f"index name {show(value)} starts with {value[0]!r}; OpenSearch index names cannot start with -, _ or +"))
    if value in (".", ".."):
        problems.append(Problem((), f"index name {show(value)} is reserved"))
    elif value.startswith("."):
        problems.append(Problem((), f"index name {show(value)} starts with '.': OpenSearch reserves those for hidden and system indexes"))
    return problems


def check_index_rotation(value: Any) -> list[Problem]:
    """``IndexRotationPeriod``: NoRotation, OneHour, OneDay, OneWeek or OneMonth."""
    return check_choice(value, INDEX_ROTATIONS, "index rotation")


def index_rotation_suffix(rotation: str, moment: datetime) -> str:
    """What Firehose appends to ``IndexName`` for a record arriving at ``moment`` (UTC):
    NoRotation ``""``, OneHour ``-YYYY-MM-DD-HH``, OneDay ``-YYYY-MM-DD``, OneWeek
    ``-YYYY-w<week>``, OneMonth ``-YYYY-MM`` (FDG es-index-rotation). Unknown values: OneDay,
    Firehose's default.

    The weeks follow the page's note: a week starts on Sunday and week 1 is the first week
    with a Saturday in the year, i.e. the Sunday-to-Saturday week holding January 1 (so
    December 27-31 can belong to week 1 of the next year, whose number the suffix then
    carries), zero-padded to two digits as in its example ``2020-w33``. The same page's
    table contradicts the note: it gives ``myindex-2016-w08`` for 2016-02-25, which is the
    ISO week; by the note's rule that day is in week 09. The note, being the explicit rule,
    is followed.
    """
    if rotation == "NoRotation":
        return ""
    if rotation == "OneHour":
        return moment.strftime("-%Y-%m-%d-%H")
    if rotation == "OneMonth":
        return moment.strftime("-%Y-%m")
    if rotation == "OneWeek":
        day = moment.date()
        sunday = day - timedelta(days=(day.weekday() + 1) % 7)  # the Sunday starting this week
        year = (sunday + timedelta(days=6)).year  # the week belongs to the year of its Saturday
        first = date(year, 1, 1)
        week_one = first - timedelta(days=(first.weekday() + 1) % 7)
        return f"-{year}-w{(sunday - week_one).days // 7 + 1:02d}"
    return moment.strftime("-%Y-%m-%d")


def check_opensearch_backup_mode(value: Any) -> list[Problem]:
    """``S3BackupMode`` of an OpenSearch stream: FailedDocumentsOnly or AllDocuments."""
    return check_choice(value, OPENSEARCH_BACKUP_MODES, "backup mode")


# --- Redshift -----------------------------------------------------------------------

# Redshift's defaults for a cluster or workgroup (Redshift management guide).
REDSHIFT_DEFAULT_PORT: Final = 5439
REDSHIFT_DEFAULT_DATABASE: Final = "dev"

# CFN RedshiftDestinationConfiguration.ClusterJDBCURL.
JDBC_URL_RE: Final = re.compile(
    r"jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(redshift(-serverless)?)\.([a-zA-Z0-9.\-]+):\d{1,5}/[a-zA-Z0-9_$-]+"
)
SECRET_ARN_RE: Final = re.compile(r"arn:[^:]+:secretsmanager:[a-zA-Z0-9\-]+:\d{12}:secret:[a-zA-Z0-9\-/_+=.@]+")
TABLE_NAME_RE: Final = re.compile(r"([a-z_][a-z0-9_$]{0,126}\.)?[a-z_][a-z0-9_$]{0,126}")


def check_jdbc_url(value: Any) -> list[Problem]:
    """A Redshift (provisioned or Serverless) JDBC URL as CloudFormation accepts it."""
    if not _known(value) or value is None:
        return []
    if isinstance(value, str) and JDBC_URL_RE.fullmatch(value):
        return []
    return [
        Problem((), f"JDBC URL {show(value)} is not of the form jdbc:redshift://<host>.redshift[-serverless].<region>"
                ".amazonaws.com:<port>/<database>")
    ]


def check_secret_arn(value: Any) -> list[Problem]:
    """A Secrets Manager secret ARN (the only way these streams take Redshift credentials)."""
    if not _known(value):
        return []
    if value is None:
        return [Problem((), "a Redshift stream needs a Secrets Manager secret (keys username and password); plaintext passwords are not accepted")]
    if isinstance(value, str) and SECRET_ARN_RE.fullmatch(value):
        return []
    return [Problem((), f"{show(value)} is not a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)")]


def check_table_name(value: Any) -> list[Problem]:
    """A Redshift table name, optionally schema-qualified, unquoted and lowercase (the DDL
    and the COPY command use it as is)."""
    if not _known(value) or (isinstance(value, str) and TABLE_NAME_RE.fullmatch(value)):
        return []
    return [Problem((), f"table name {show(value)} must be [schema.]name of lowercase letters, digits, '_' and '$', not starting with a digit")]


def check_choice(value: Any, allowed: Mapping[str, Any] | Sequence[str], what: str) -> list[Problem]:
    """``value`` is one of ``allowed``."""
    if not _known(value) or value in allowed:
        return []
    return [Problem((), f"unknown {what} {show(value)}; use one of {one_of(allowed)}")]


# --- buckets ------------------------------------------------------------------------

# S3: objects must stay 30 days before a transition to the infrequent-access classes.
_MIN_DAYS_BEFORE_TRANSITION: Final = {"STANDARD_IA": 30, "ONEZONE_IA": 30}
STORAGE_CLASSES: Final = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")


def check_lifecycle(transition_days: Any, storage_class: Any, expire_days: Any) -> list[Problem]:
    """Event bucket lifecycle: a known storage class, at least 30 days before an
    infrequent-access transition (S3), expiry after the transition. Problems at
    ``transition_after``, ``transition_storage_class`` and ``expire_after``."""
    problems = []
    if _known(storage_class) and storage_class is not None and storage_class not in STORAGE_CLASSES:
        problems.append(Problem(("transition_storage_class",), f"unknown storage class {show(storage_class)}; use one of {one_of(STORAGE_CLASSES)}"))
    for field, days in (("transition_after", transition_days), ("expire_after", expire_days)):
        if _known(days) and days is not None and (not isinstance(days, int | float) or days < 1):
            problems.append(Problem((field,), f"{show(days)} days: must be at least 1 day"))
    if _known(transition_days) and isinstance(transition_days, int | float):
        minimum = _MIN_DAYS_BEFORE_TRANSITION.get(storage_class, 0)
        if transition_days < minimum:
            problems.append(Problem(("transition_after",), f"S3 keeps objects {minimum} days before a transition to {storage_class}; got {transition_days}"))
        if _known(expire_days) and isinstance(expire_days, int | float) and expire_days <= transition_days:
            problems.append(Problem(("expire_after",), f"objects expire after {expire_days} days, before their transition after {transition_days}: drop one"))
    return problems
