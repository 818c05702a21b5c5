"""The ``ses-metrics.yaml`` schema and loader.

``load_config`` returns a validated :class:`PlatformConfig` or raises :class:`ConfigError`
listing every problem at once, each named by its YAML path and line
(``configuration_sets[0].destinations[2].cloudwatch.dimensions[1].default (line 14)``).

Validation runs in two passes over the same document so that no error hides another:
pydantic checks shapes, types, unknown keys and each single value (through the
``rules`` functions); then the cross-item rules (unique names, counts, one target per
destination, references to streams and topics) run over the raw document. No CDK import.
"""

from __future__ import annotations

import enum
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    WithJsonSchema,
)
from pydantic import (
    ValidationError as PydanticValidationError,
)
from pydantic_core import PydanticCustomError

from ses_metrics import rules
from ses_metrics.cdk.dimensions import Dimension
from ses_metrics.files import documents
from ses_metrics.rules import (
    DestinationKind,
    DimensionSource,
    EventType,
    PathSegment,
    Problem,
    Severity,
    firehose,
    redshift_columns,
)

SCHEMA_ID = "https://ses-metrics.dev/schema/ses-metrics.json"


class ConfigError(rules.ValidationError):
    """The configuration file is unreadable or breaks rules; ``problems`` lists every error."""

    def __init__(self, problems: Sequence[Problem], source: str, lines: dict[tuple[PathSegment, ...], int] | None = None):
        self.source = source
        self.lines = lines or {}
        super().__init__(problems, source)

    def __str__(self) -> str:
        count = len(self.problems)
        body = "\n".join(f"  - {describe(p, self.lines)}" for p in self.problems)
        return f"{self.source}: {count} problem{'s' if count != 1 else ''}:\n{body}"


# --- field types that call the rules ------------------------------------------------


def _rule(check: Callable[[Any], list[Problem]]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        problems = [p for p in check(value) if p.is_error]
        if problems:
            raise PydanticCustomError("ses_rule", "; ".join(p.message for p in problems))
        return value

    return validate


def _checked(check: Callable[[Any], list[Problem]], pattern: re.Pattern[str], description: str) -> Any:
    """A string field checked by a ``rules`` function, its pattern shown in the JSON Schema."""
    schema = {"type": "string", "pattern": f"^{pattern.pattern}$", "description": description}
    return Annotated[str, AfterValidator(_rule(check)), WithJsonSchema(schema)]


ConfigurationSetName = _checked(rules.check_configuration_set_name, rules.NAME_RE, "SES configuration set name")
EventDestinationName = _checked(
    rules.check_event_destination_name, rules.NAME_RE, "SES event destination name, unique within its configuration set"
)
DimensionName = _checked(
    rules.check_dimension_name, rules.DIMENSION_NAME_RE, "tag or header name; auto-tags such as ses:from-domain allowed"
)
DefaultValue = _checked(
    rules.check_dimension_default, rules.DEFAULT_VALUE_RE, "value published when the message has no such tag or header"
)
TopicName = _checked(rules.check_topic_name, rules.STANDARD_TOPIC_NAME_RE, "standard SNS topic name")
StreamName = _checked(rules.check_delivery_stream_name, rules.DELIVERY_STREAM_NAME_RE, "Firehose delivery stream name")
EventBus = Annotated[
    str,
    AfterValidator(_rule(rules.check_event_bus)),
    WithJsonSchema({"type": "string", "const": "default", "description": "SES publishes only to the default bus"}),
]

_EVENT_NAMES = [e.cfn for e in EventType] + [e.v2 for e in EventType]


def _event_type(value: Any) -> EventType:
    parsed, problems = rules.parse_event_types([value])
    if problems:
        raise PydanticCustomError("ses_rule", problems[0].message)
    return parsed[0]


def _events(value: Any) -> Any:
    if value == rules.ALL_EVENTS:
        return list(EventType)
    if not isinstance(value, list) or not value:
        _, problems = rules.parse_event_types(value)
        raise PydanticCustomError("ses_rule", problems[0].message)
    return value


EventTypeName = Annotated[EventType, PlainValidator(_event_type), WithJsonSchema({"enum": _EVENT_NAMES})]
Events = Annotated[
    list[EventTypeName],
    BeforeValidator(_events),
    AfterValidator(lambda events: list(dict.fromkeys(events))),
    WithJsonSchema(
        {
            "description": "event types this destination receives: 'all' or a list",
            "anyOf": [{"const": "all"}, {"type": "array", "items": {"enum": _EVENT_NAMES}, "minItems": 1}],
            "default": "all",
        }
    ),
]


def _dimension_source(value: Any) -> DimensionSource:
    parsed, problems = rules.parse_dimension_source(value)
    if parsed is None:
        raise PydanticCustomError("ses_rule", problems[0].message)
    return parsed


Source = Annotated[
    DimensionSource,
    PlainValidator(_dimension_source),
    WithJsonSchema({"enum": list(rules.DIMENSION_SOURCE_NAMES), "description": "where SES reads the value"}),
]

# --- the schema ---------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class DimensionConfig(_Model):
    """A CloudWatch dimension: a message tag, email header or link tag, with a default."""

    name: DimensionName
    source: Source
    default: DefaultValue

    def to_dimension(self) -> Dimension:
        return Dimension(self.name, self.source, self.default)


class CloudWatchConfig(_Model):
    """Publish events as CloudWatch metrics segmented by these dimensions (at most 10)."""

    dimensions: list[DimensionConfig] = Field(json_schema_extra={"minItems": 1, "maxItems": rules.MAX_DIMENSIONS})


class FirehoseConfig(_Model):
    """Publish event records to a Firehose stream: one from ``streams`` or an existing ARN."""

    stream: str | None = Field(default=None, description="name of a stream under streams:")
    stream_arn: str | None = Field(default=None, description="ARN of an existing delivery stream")


class SnsConfig(_Model):
    """Publish events to a standard SNS topic: one from ``topics`` or an existing ARN."""

    topic: str | None = Field(default=None, description="name of a topic under topics:")
    topic_arn: str | None = Field(default=None, description="ARN of an existing standard topic")


class EventBridgeConfig(_Model):
    """Publish events to the account's default EventBridge bus."""

    event_bus: EventBus = "default"


class DestinationConfig(_Model):
    """An event destination: a name, the event types it matches and exactly one target."""

    name: EventDestinationName
    events: Events = Field(default_factory=lambda: list(EventType))
    enabled: bool = True
    cloudwatch: CloudWatchConfig | None = None
    firehose: FirehoseConfig | None = None
    sns: SnsConfig | None = None
    eventbridge: EventBridgeConfig | None = None

    @property
    def kind(self) -> DestinationKind:
        return next(k for k in DestinationKind if getattr(self, k.config) is not None)


class TrackingConfig(_Model):
    """Open and click tracking through your own redirect domain."""

    custom_redirect_domain: str
    https_policy: Literal["REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL"] = "REQUIRE"


class NotificationConfig(_Model):
    """Where alarm notifications go: a topic under ``topics:`` or an email address."""

    topic: str | None = Field(default=None, description="name of a topic under topics:")
    email: str | None = Field(
        default=None, description="address subscribed to a new encrypted alarm topic; it must confirm the subscription"
    )


_BOUNCE, _COMPLAINT = rules.ReputationMetric


class AlarmsConfig(_Model):
    """Bounce and complaint rate alarms; thresholds in percent (2.5 is 2.5%)."""

    enabled: bool = True
    bounce_rate_percent: float = Field(
        default=_BOUNCE.alarm_percent,
        description=f"alarm at or above this bounce rate; AWS reviews at {_BOUNCE.review_percent:g}%, may pause at {_BOUNCE.pause_percent:g}%",
        json_schema_extra={"exclusiveMinimum": 0, "exclusiveMaximum": _BOUNCE.pause_percent},
    )
    complaint_rate_percent: float = Field(
        default=_COMPLAINT.alarm_percent,
        description=f"alarm at or above this complaint rate; AWS reviews at {_COMPLAINT.review_percent:g}%, may pause at {_COMPLAINT.pause_percent:g}%",
        json_schema_extra={"exclusiveMinimum": 0, "exclusiveMaximum": _COMPLAINT.pause_percent},
    )
    minimum_sends: int = Field(
        default=rules.DIMENSION_ALARM_MINIMUM_SENDS,
        description="per-dimension alarms judge the rate only from this many sends per hour",
        json_schema_extra={"minimum": 1},
    )


class SetAlarmsConfig(AlarmsConfig):
    """Alarms of one configuration set, optionally per combination of dimension values."""

    dimensions: list[dict[str, str]] = Field(
        default_factory=list,
        description="per-dimension alarms: each a value for every dimension of one CloudWatch destination of this set",
    )


class MonitoringConfig(_Model):
    """Monitoring defaults for every configuration set: alarms, notification, dashboard."""

    alarms: AlarmsConfig | None = None
    notification: NotificationConfig | None = None
    dashboard: bool = Field(default=True, description="one CloudWatch dashboard per configuration set")
    account_alarms: bool = Field(default=True, description="also alarm on the account's Reputation.* metrics (what AWS acts on)")


class SetMonitoringConfig(_Model):
    """Monitoring of one configuration set; each key given overrides the top-level one."""

    alarms: SetAlarmsConfig | None = None
    notification: NotificationConfig | None = None
    dashboard: bool = Field(default=True, description="a CloudWatch dashboard for this configuration set")


@dataclass(frozen=True)
class ResolvedMonitoring:
    """What is monitored, and how: for a configuration set, its own keys over the
    top-level ones; for the account, the top-level keys (no dimensions, no dashboard)."""

    alarms: bool
    bounce_rate_percent: float
    complaint_rate_percent: float
    minimum_sends: int
    dimension_alarms: tuple[dict[str, str], ...]
    notification: NotificationConfig | None
    dashboard: bool


# A CloudFormation stack name is [A-Za-z][A-Za-z0-9-]*, at most 128 characters; a group
# stack is named <stack_name>-<stack>, so the suffix follows the same pattern.
STACK_SUFFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
MAX_STACK_NAME_LENGTH = 128


def _stack_suffix(value: str) -> str:
    if not STACK_SUFFIX_RE.fullmatch(value):
        raise PydanticCustomError(
            "ses_rule",
            f"stack {value!r} is not usable in a CloudFormation stack name (<stack_name>-<stack>): use letters, "
            f"digits and hyphens, starting with a letter (^{STACK_SUFFIX_RE.pattern}$)",
        )
    return value


StackSuffix = Annotated[
    str,
    AfterValidator(_stack_suffix),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": f"^{STACK_SUFFIX_RE.pattern}$",
            "description": "put this set, its event destinations, alarms and dashboard in their own stack "
            "<stack_name>-<stack> (default: the main stack). Sets move only when you move them: moving a set "
            "between stacks fails on deploy (its name already exists)",
        }
    ),
]


class ConfigurationSetConfig(_Model):
    """An SES configuration set and its event destinations (at most 10)."""

    name: ConfigurationSetName
    sending_enabled: bool = True
    reputation_metrics: bool = True
    tls_policy: Literal["REQUIRE", "OPTIONAL"] | None = None
    suppression: Literal["bounces_and_complaints", "bounces_only", "complaints_only"] | None = None
    max_delivery_seconds: Annotated[int, AfterValidator(_rule(rules.check_max_delivery_seconds))] | None = None
    tracking: TrackingConfig | None = None
    destinations: list[DestinationConfig] = Field(default_factory=list, json_schema_extra={"maxItems": rules.MAX_EVENT_DESTINATIONS})
    monitoring: SetMonitoringConfig | None = Field(default=None, description="overrides the top-level monitoring: for this set")
    stack: StackSuffix | None = None


def _checked_value(check: Callable[[Any], list[Problem]], schema: dict[str, Any], base: Any = str) -> Any:
    """A field checked by a ``rules``/``firehose`` function, with its JSON Schema."""
    return Annotated[base, AfterValidator(_rule(check)), WithJsonSchema(schema)]


IndexName = _checked_value(
    firehose.check_index_name,
    {"type": "string", "pattern": r'^[a-z0-9][^A-Z\\/*?"<>| ,#:]{0,79}$', "description": "OpenSearch index name: lowercase, at most 80 characters"},
)
JdbcUrl = _checked(firehose.check_jdbc_url, firehose.JDBC_URL_RE, "jdbc:redshift://<endpoint>:<port>/<database>")
SecretArn = _checked(firehose.check_secret_arn, firehose.SECRET_ARN_RE, "complete ARN of a Secrets Manager secret with username and password")
TableName = _checked(firehose.check_table_name, firehose.TABLE_NAME_RE, "Redshift table, [schema.]name, lowercase")
RetrySeconds = Annotated[int, Field(ge=0, le=firehose.MAX_RETRY_SECONDS)]
BufferingSeconds = Annotated[int, Field(ge=0, le=900, description="flush the buffer at least this often")]
PartitionKeyName = Literal["event_type", "configuration_set"]
ColumnName = Literal[tuple(redshift_columns.CATALOGUE)]  # type: ignore[valid-type]


class BucketConfig(_Model):
    """The stream's bucket: a new secured one (default), or an existing one by ``name``."""

    name: str | None = Field(default=None, description="an existing bucket to use instead of creating one")
    encryption: Literal["SSE_S3", "KMS"] = Field(default="SSE_S3", description="KMS creates a key with rotation on")
    transition_after_days: int | None = Field(default=None, ge=1, description="move objects to transition_storage_class after")
    transition_storage_class: Literal[firehose.STORAGE_CLASSES] = "STANDARD_IA"  # type: ignore[valid-type]
    expire_after_days: int | None = Field(default=None, ge=1, description="delete objects after")
    access_logs_disabled_reason: str | None = Field(default=None, description="why this bucket keeps no server access logs")


class S3Config(_Model):
    """Archive event records in S3 (Firehose extended S3 destination)."""

    prefix: str = Field(default="ses-events/", description="!{timestamp:...} and !{firehose:random-string} allowed")
    error_output_prefix: str = Field(default="ses-events-errors/", description="!{firehose:error-output-type} allowed")
    compression: Literal[firehose.COMPRESSION_FORMATS] = "GZIP"  # type: ignore[valid-type]
    buffering_seconds: BufferingSeconds = 300
    buffering_mib: int | None = Field(default=None, ge=1, le=128, description="default 5, or 64 with partition_by")
    partition_by: list[PartitionKeyName] = Field(default_factory=list, description="dynamic partitioning keys (Hive-style prefixes)")
    partition_retry_seconds: RetrySeconds = 300
    logging: bool = Field(default=True, description="log delivery errors to CloudWatch Logs")
    bucket: BucketConfig = Field(default_factory=BucketConfig)


class RedshiftConfig(_Model):
    """Load event records into a Redshift table (cluster or Serverless workgroup)."""

    jdbc_url: JdbcUrl | None = None
    endpoint: str | None = Field(default=None, description="cluster or workgroup endpoint address (instead of jdbc_url)")
    port: int = Field(default=5439, ge=1, le=65535)
    database: str = "dev"
    secret_arn: SecretArn
    table: TableName = "ses"
    columns: list[ColumnName] = Field(default_factory=lambda: list(redshift_columns.TUTORIAL_COLUMNS), min_length=1)
    message_tags: list[str] = Field(default_factory=list, description="one column per message tag, e.g. campaign")
    staging_prefix: str = "ses-redshift-staging/"
    compression: Literal[firehose.REDSHIFT_COMPRESSION_FORMATS] = "UNCOMPRESSED"  # type: ignore[valid-type]
    buffering_seconds: BufferingSeconds = 300
    buffering_mib: int = Field(default=5, ge=1, le=128)
    retry_seconds: RetrySeconds = 3600
    s3_backup: bool = False
    backup_prefix: str = "ses-redshift-backup/"
    copy_options: str | None = Field(default=None, description="extra COPY options, appended")
    logging: bool = True
    bucket: BucketConfig = Field(default_factory=BucketConfig)


class NewDomainConfig(_Model):
    """A new OpenSearch domain: encrypted, HTTPS only, scoped to the stream's role."""

    name: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]{2,27}$")
    instance_type: str = "m6g.large.search"
    instance_count: int = Field(default=2, ge=1)
    volume_gib: int = Field(default=20, ge=10)
    master_user_arn: str | None = Field(default=None, description="IAM master user: turns on fine-grained access control")


class VpcConfig(_Model):
    """Firehose's network interfaces in the domain's VPC."""

    subnet_ids: list[str] = Field(min_length=1, max_length=16)
    security_group_ids: list[str] = Field(min_length=1, max_length=5)


class OpenSearchConfig(_Model):
    """Index event records in an OpenSearch Service domain."""

    domain_arn: str | None = Field(default=None, description="an existing domain")
    new_domain: NewDomainConfig | None = None
    index: IndexName
    index_rotation: Literal[firehose.INDEX_ROTATIONS] = "OneDay"  # type: ignore[valid-type]
    backup_mode: Literal[firehose.OPENSEARCH_BACKUP_MODES] = "FailedDocumentsOnly"  # type: ignore[valid-type]
    backup_prefix: str = "ses-opensearch-backup/"
    buffering_seconds: BufferingSeconds = 300
    buffering_mib: int = Field(default=5, ge=1, le=100)
    retry_seconds: RetrySeconds = 300
    vpc: VpcConfig | None = None
    logging: bool = True
    bucket: BucketConfig = Field(default_factory=BucketConfig)


class StreamKind(enum.Enum):
    """The kinds of delivery stream, by config key."""

    S3 = "s3"
    REDSHIFT = "redshift"
    OPENSEARCH = "opensearch"


class StreamConfig(_Model):
    """A Firehose stream: exactly one of s3 (the default), redshift or opensearch."""

    name: StreamName
    s3: S3Config | None = None
    redshift: RedshiftConfig | None = None
    opensearch: OpenSearchConfig | None = None

    @property
    def kind(self) -> StreamKind:
        return next((k for k in StreamKind if getattr(self, k.value) is not None), StreamKind.S3)

    @property
    def archive(self) -> S3Config:
        """The S3 settings (a stream with no kind block archives to S3 with defaults)."""
        return self.s3 or S3Config()


class TopicConfig(_Model):
    """A standard SNS topic, encrypted with a KMS key SES may use."""

    name: TopicName
    fifo: bool = Field(default=False, description="SES cannot publish to FIFO topics: true is rejected")


class PlatformConfig(_Model):
    """ses-metrics platform configuration: configuration sets, streams and topics."""

    model_config = ConfigDict(json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID})

    stack_name: Annotated[
        str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$", description="CloudFormation stack name")
    ] = "SesMetrics"
    configuration_sets: list[ConfigurationSetConfig] = Field(min_length=1)
    streams: list[StreamConfig] = Field(default_factory=list)
    topics: list[TopicConfig] = Field(default_factory=list)
    monitoring: MonitoringConfig | None = Field(
        default=None, description="alarms and dashboards for every configuration set; none when omitted here and on the set"
    )

    def stream(self, name: str) -> StreamConfig:
        return next(s for s in self.streams if s.name == name)

    def stack_of(self, cs: ConfigurationSetConfig) -> str:
        """The stack the set goes into: ``<stack_name>-<stack>`` for a set with ``stack:``,
        else the main stack ``stack_name``."""
        return f"{self.stack_name}-{cs.stack}" if cs.stack is not None else self.stack_name

    @property
    def stack_groups(self) -> list[str]:
        """The ``stack:`` names the sets give, in order of first use (empty: one stack)."""
        return list(dict.fromkeys(cs.stack for cs in self.configuration_sets if cs.stack is not None))

    def topic(self, name: str) -> TopicConfig:
        return next(t for t in self.topics if t.name == name)

    def account_alarms(self) -> ResolvedMonitoring | None:
        """The account-level alarms of the top-level ``monitoring:``, or ``None`` when it is
        absent or turns them off (``account_alarms: false`` or ``alarms: {enabled: false}``)."""
        top = self.monitoring
        alarms = (top.alarms or AlarmsConfig()) if top is not None else None
        if top is None or alarms is None or not (alarms.enabled and top.account_alarms):
            return None
        return ResolvedMonitoring(
            alarms=True,
            bounce_rate_percent=alarms.bounce_rate_percent,
            complaint_rate_percent=alarms.complaint_rate_percent,
            minimum_sends=alarms.minimum_sends,
            dimension_alarms=(),
            notification=top.notification,
            dashboard=False,
        )

    def dashboard_name(self, cs: ConfigurationSetConfig) -> str:
        """``<stack name>-<set name>``: both are ``[A-Za-z0-9_-]``, as dashboard names must be."""
        return f"{self.stack_name}-{cs.name}"

    def monitoring_for(self, cs: ConfigurationSetConfig) -> ResolvedMonitoring | None:
        """The set's monitoring (its keys over the top-level ones), or ``None`` when
        neither gives ``monitoring:``."""
        layers = [m for m in (self.monitoring, cs.monitoring) if m is not None]
        if not layers:
            return None
        alarms = AlarmsConfig().model_dump()
        settings: dict[str, Any] = {"notification": None, "dashboard": True}
        for layer in layers:
            if layer.alarms is not None:
                alarms |= {key: getattr(layer.alarms, key) for key in layer.alarms.model_fields_set}
            settings |= {key: getattr(layer, key) for key in layer.model_fields_set & settings.keys()}
        own = cs.monitoring.alarms if cs.monitoring is not None else None
        return ResolvedMonitoring(
            alarms=alarms["enabled"],
            bounce_rate_percent=alarms["bounce_rate_percent"],
            complaint_rate_percent=alarms["complaint_rate_percent"],
            minimum_sends=alarms["minimum_sends"],
            dimension_alarms=tuple(own.dimensions) if own is not None else (),
            **settings,
        )


# --- cross-item rules over the raw document -----------------------------------------


def _items(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def cross_checks(data: Any) -> list[Problem]:
    """Rules spanning several items, run on the raw document so that they are reported
    alongside per-field errors. Tolerates any shape: what is not a dict or list is skipped."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    sets = _items(data.get("configuration_sets"))
    streams = _items(data.get("streams"))
    topics = _items(data.get("topics"))
    for key, items, what in (("configuration_sets", sets, "configuration set"), ("streams", streams, "stream"), ("topics", topics, "topic")):
        problems += rules.under(rules.check_unique([item.get("name") for _, item in items], f"{what} name"), key)
    stream_names = {s.get("name") for _, s in streams}
    topic_names = {t.get("name") for _, t in topics}
    used_streams: set[Any] = set()
    used_topics: set[Any] = set()
    stream_events: dict[Any, set[EventType]] = {}
    for i, cs in sets:
        raw_destinations = cs.get("destinations")
        destinations = _items(raw_destinations)
        if isinstance(raw_destinations, list):
            names = [d.get("name") if isinstance(d, dict) else None for d in raw_destinations]
            problems += rules.under(rules.check_event_destinations(names), "configuration_sets", i, "destinations")
        for j, dest in destinations:
            here = ("configuration_sets", i, "destinations", j)
            kinds = [k.config for k in DestinationKind if k.config in dest]
            problems += rules.under(rules.check_destination_kinds(kinds), *here)
            cloudwatch = dest.get("cloudwatch")
            if isinstance(cloudwatch, dict) and isinstance(cloudwatch.get("dimensions"), list):
                events, _ = rules.parse_event_types(dest.get("events", rules.ALL_EVENTS))
                dims = [
                    (d.get("name"), d.get("source"), d.get("default")) if isinstance(d, dict) else (None, None, None)
                    for d in cloudwatch["dimensions"]
                ]
                problems += rules.under(rules.check_dimensions(dims, events), *here, "cloudwatch", "dimensions")
            target = dest.get("firehose")
            if isinstance(target, dict):
                problems += _check_reference(target, "stream", "stream_arn", stream_names, "streams", (*here, "firehose"))
                used_streams.add(target.get("stream"))
                received, _ = rules.parse_event_types(dest.get("events", rules.ALL_EVENTS))
                stream_events.setdefault(target.get("stream"), set()).update(received)
            target = dest.get("sns")
            if isinstance(target, dict):
                problems += _check_reference(target, "topic", "topic_arn", topic_names, "topics", (*here, "sns"))
                if isinstance(target.get("topic_arn"), str):
                    problems += rules.under(rules.check_sns_topic(target["topic_arn"]), *here, "sns", "topic_arn")
                used_topics.add(target.get("topic"))
    problems += _check_monitoring_of_sets(data.get("monitoring"), sets, topic_names, used_topics)
    problems += _check_stack_names(data.get("stack_name", PlatformConfig.model_fields["stack_name"].default), sets)
    for i, stream in streams:
        problems += _check_stream(stream, stream_events.get(stream.get("name"), set()), ("streams", i))
    for i, topic in topics:
        if topic.get("fifo") is True:
            problems += rules.under(rules.check_sns_topic(topic.get("name"), fifo=True), "topics", i, "fifo")
    for key, items, used in (("streams", streams, used_streams), ("topics", topics, used_topics)):
        for i, item in items:
            if item.get("name") not in used:
                problems.append(
                    Problem((key, i, "name"), f"{item.get('name')!r} is not used by any event destination", Severity.WARNING)
                )
    return problems


def _check_stack_names(stack_name: Any, sets: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """``<stack_name>-<stack>`` fits CloudFormation's 128 characters, and two ``stack:``
    names differ by more than case (``cdk.out`` would hold ``X-bulk.template.json`` and
    ``X-Bulk.template.json``, one file on a case-insensitive file system)."""
    problems = []
    spellings: dict[str, tuple[int, str]] = {}
    for i, cs in sets:
        suffix = cs.get("stack")
        if not isinstance(suffix, str):
            continue
        first = spellings.setdefault(suffix.lower(), (i, suffix))
        if first[1] != suffix:
            problems.append(
                Problem(
                    ("configuration_sets", i, "stack"),
                    f"stack {suffix!r} differs from {first[1]!r} (configuration_sets[{first[0]}].stack) only in case: their "
                    "templates would be one file on a case-insensitive file system; spell the stack the same way",
                )
            )
        if isinstance(stack_name, str) and STACK_SUFFIX_RE.fullmatch(suffix):
            name = f"{stack_name}-{suffix}"
            if len(name) > MAX_STACK_NAME_LENGTH:
                problems.append(
                    Problem(
                        ("configuration_sets", i, "stack"),
                        f"stack name {name!r} (<stack_name>-<stack>) is {len(name)} characters long; CloudFormation "
                        f"allows {MAX_STACK_NAME_LENGTH}",
                    )
                )
    return problems


_CONFIG_KEYS = {"buffering_interval": "buffering_seconds", "buffering_size": "buffering_mib"}


def _renamed(problems: list[Problem], *here: PathSegment) -> list[Problem]:
    """Construct-property paths as config keys, located at ``here``."""
    return [Problem((*here, *(_CONFIG_KEYS.get(str(p.path[0]), p.path[0]),), *p.path[1:]) if p.path else here, p.message, p.severity) for p in problems]


def _check_stream(stream: dict[str, Any], events: set[EventType], here: tuple[PathSegment, ...]) -> list[Problem]:
    """One stream: exactly one kind, and the Firehose rules spanning its keys."""
    kinds = [k.value for k in StreamKind if k.value in stream]
    if len(kinds) > 1:
        return [
            Problem(here, f"a stream takes exactly one of s3, redshift or opensearch, got {len(kinds)} ({', '.join(kinds)}); "
                    f"declare {len(kinds)} streams")
        ]
    kind = kinds[0] if kinds else "s3"
    block = stream.get(kind, {}) if kinds else {}
    if not isinstance(block, dict):
        return []
    at = (*here, kind)
    problems: list[Problem] = []
    if kind == "s3":
        options = block.get("partition_by") or []
        options = [o for o in options if o in firehose.PARTITION_KEYS] if isinstance(options, list) else []
        keys = [firehose.PARTITION_KEYS[o].key for o in options]
        prefix = block.get("prefix", "ses-events/")
        if keys and isinstance(prefix, str) and "partitionKeyFromQuery" not in prefix:
            prefix = firehose.partitioned_prefix(prefix, options)
        problems += _renamed(firehose.check_prefixes(prefix, block.get("error_output_prefix", "ses-events-errors/"), partition_keys=keys), *at)
        size = block.get("buffering_mib", 64 if keys else 5)
        problems += _renamed(firehose.check_buffering(block.get("buffering_seconds", 300), size, dynamic_partitioning=bool(keys)), *at)
        problems += [p for p in _renamed(firehose.check_partition_by(block.get("partition_by")), *at, "partition_by")]
    elif kind == "redshift":
        if ("jdbc_url" in block) == ("endpoint" in block):
            problems.append(Problem(at, "give either jdbc_url or endpoint (with port and database) of the cluster or workgroup"))
        columns = block.get("columns", list(redshift_columns.TUTORIAL_COLUMNS))
        received = events or set(EventType)
        problems += _renamed(redshift_columns.check_columns(columns, block.get("message_tags", []), received), *at)
        problems += _renamed(firehose.check_prefixes(block.get("staging_prefix", "ses-redshift-staging/"), None, destination="redshift"), *at)
        problems = [Problem(tuple("staging_prefix" if s == "prefix" else s for s in p.path), p.message, p.severity) for p in problems]
    elif kind == "opensearch":
        if ("domain_arn" in block) == ("new_domain" in block):
            problems.append(Problem(at, "give either domain_arn (an existing domain) or new_domain"))
        problems += [Problem((*at, "backup_prefix"), p.message) for p in firehose.check_prefixes(block.get("backup_prefix"), None)]
    return problems


def _check_reference(
    target: dict[str, Any],
    by_name: str,
    by_arn: str,
    known: set[Any],
    section: str,
    here: tuple[PathSegment, ...],
    other: str = "an existing one",
) -> list[Problem]:
    given = [k for k in (by_name, by_arn) if target.get(k) is not None]
    if len(given) != 1:
        return [Problem(here, f"give exactly one of {by_name} (a name under {section}:) or {by_arn} ({other})")]
    name = target.get(by_name)
    if by_name in given and isinstance(name, str) and name not in known:
        listed = ", ".join(sorted(str(k) for k in known if k is not None)) or f"none: {section}: is empty"
        return [Problem((*here, by_name), f"{name!r} is not declared under {section}: (declared: {listed})")]
    return []


def _setting(layers: Sequence[Any], *keys: str, default: Any) -> Any:
    """The value at ``keys`` in the last layer that gives it (a set's over the top level's)."""
    value = default
    for layer in layers:
        node = layer
        for key in keys[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and keys[-1] in node:
            value = node[keys[-1]]
    return value


def _raw_cloudwatch_destinations(cs: dict[str, Any]) -> list[rules.CloudWatchDestination]:
    found = []
    for _, dest in _items(cs.get("destinations")):
        cloudwatch = dest.get("cloudwatch")
        dimensions = cloudwatch.get("dimensions") if isinstance(cloudwatch, dict) else None
        if isinstance(dimensions, list):
            events, _ = rules.parse_event_types(dest.get("events", rules.ALL_EVENTS))
            names = tuple(d.get("name") for d in dimensions if isinstance(d, dict))
            found.append(rules.CloudWatchDestination(str(dest.get("name")), names, events, dest.get("enabled", True) is not False))
    return found


def _check_monitoring(
    monitoring: Any, here: tuple[PathSegment, ...], topic_names: set[Any], used_topics: set[Any]
) -> list[Problem]:
    """One ``monitoring:`` block: threshold levels, minimum sends, the notification target."""
    if not isinstance(monitoring, dict):
        return []
    problems: list[Problem] = []
    alarms = monitoring.get("alarms")
    if isinstance(alarms, dict):
        for metric in rules.ReputationMetric:
            key = f"{metric.name.lower()}_percent"
            if key in alarms:
                problems += rules.under(rules.check_alarm_threshold(metric, alarms[key]), *here, "alarms", key)
        if "minimum_sends" in alarms:
            problems += rules.under(rules.check_minimum_sends(alarms["minimum_sends"]), *here, "alarms", "minimum_sends")
    notification = monitoring.get("notification")
    if isinstance(notification, dict):
        where = (*here, "notification")
        found = _check_reference(notification, "topic", "email", topic_names, "topics", where, "an address to subscribe")
        if not found and notification.get("email") is not None:
            found = rules.under(rules.check_email_address(notification["email"]), *where, "email")
        problems += found
        used_topics.add(notification.get("topic"))
    return problems


def _check_monitoring_of_sets(
    top: Any, sets: list[tuple[int, dict[str, Any]]], topic_names: set[Any], used_topics: set[Any]
) -> list[Problem]:
    """Monitoring blocks, and what each set's monitoring (its keys over the top-level
    ones) needs: reputation metrics for its alarms, dimension alarms on metrics that exist,
    someone to notify."""
    problems = _check_monitoring(top, ("monitoring",), topic_names, used_topics)
    unnotified: set[tuple[PathSegment, ...]] = set()
    if isinstance(top, dict) and _setting([top], "alarms", "enabled", default=True) and top.get("account_alarms", True):
        if top.get("notification") is None:
            unnotified.add(("monitoring",))
    for i, cs in sets:
        here: tuple[PathSegment, ...] = ("configuration_sets", i)
        own = cs.get("monitoring")
        problems += _check_monitoring(own, (*here, "monitoring"), topic_names, used_topics)
        layers = [m for m in (top, own) if isinstance(m, dict)]
        if not layers or not _setting(layers, "alarms", "enabled", default=True):
            continue
        if cs.get("reputation_metrics") is False:
            problems.append(
                Problem(
                    (*here, "reputation_metrics"),
                    "reputation metrics are off, but monitoring alarms are on for this set: SES publishes no "
                    "Reputation.BounceRate or Reputation.ComplaintRate for it, so its alarms could never fire; set "
                    "reputation_metrics: true, or monitoring: {alarms: {enabled: false}} on this set",
                )
            )
        if _setting(layers, "notification", default=None) is None:
            unnotified.add((*here, "monitoring") if isinstance(own, dict) else ("monitoring",))
        dimensions = _setting([own], "alarms", "dimensions", default=[])
        for k, entry in enumerate(dimensions if isinstance(dimensions, list) else []):
            if isinstance(entry, dict):
                name = cs.get("name")
                _, found = rules.check_metric_dimensions(
                    _raw_cloudwatch_destinations(cs),
                    rules.DIMENSION_ALARM_EVENTS,
                    entry,
                    configuration_set_name=name if isinstance(name, str) else rules.UNRESOLVED,
                )
                problems += rules.under(found, *here, "monitoring", "alarms", "dimensions", k)
    problems += [
        Problem(path, "alarms notify no one: add notification: {email: ...} or {topic: ...}", Severity.WARNING)
        for path in sorted(unnotified, key=str)
    ]
    return problems


# --- loading ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedConfig:
    """The result of checking a configuration: the model (when valid) and every problem."""

    config: PlatformConfig | None
    problems: list[Problem]
    source: str
    lines: dict[tuple[PathSegment, ...], int]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_config(path: str | os.PathLike[str]) -> CheckedConfig:
    """Read and check a configuration file; never raises for a bad file."""
    source = str(path)
    try:
        text = documents.read_text(path)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    return check_config_text(text, source)


def check_config_text(text: str, source: str = "<config>") -> CheckedConfig:
    """Parse YAML (or JSON) text, within ``ses_metrics.files.documents``' limits, and check it."""
    try:
        # One parse: the node tree gives each path's line, then the data is built from it.
        node, loader = documents.compose_yaml(text, source)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    try:
        data = documents.construct_yaml(node, loader, source)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    finally:
        loader.dispose()
    lines: dict[tuple[PathSegment, ...], int] = {}
    problems = list(_walk_nodes(node, (), lines)) if node is not None else []
    if data is None:
        data = {}
    return _check_data(data, source, lines, problems)


def check_config_data(data: Any, source: str = "<config>") -> CheckedConfig:
    """Check an already-parsed document (a dict)."""
    return _check_data(data, source, {}, [])


def _check_data(data: Any, source: str, lines: dict[tuple[PathSegment, ...], int], problems: list[Problem]) -> CheckedConfig:
    if not isinstance(data, dict):
        problems.append(Problem((), f"the file must hold a mapping with configuration_sets:, not {type(data).__name__}"))
        return CheckedConfig(None, problems, source, lines)
    config = None
    try:
        config = PlatformConfig.model_validate(data)
    except PydanticValidationError as error:
        problems += [_from_pydantic(e) for e in error.errors(include_url=False)]
    located = {p.path for p in problems if p.is_error}
    problems += [p for p in cross_checks(data) if p.path not in located]
    if any(p.is_error for p in problems):
        config = None
    order = _document_order(lines)
    problems.sort(key=lambda p: (order.get(_nearest(p.path, lines), len(order)), p.is_error is False))
    return CheckedConfig(config, problems, source, lines)


def load_config(path: str | os.PathLike[str]) -> PlatformConfig:
    """The validated configuration; raises :class:`ConfigError` listing every problem."""
    checked = check_config(path)
    if checked.config is None:
        raise ConfigError(checked.errors, checked.source, checked.lines)
    return checked.config


def describe(problem: Problem, lines: dict[tuple[PathSegment, ...], int]) -> str:
    """``path (line N): message``, the line of the path or of its nearest parent."""
    line = lines.get(_nearest(problem.path, lines))
    where = problem.location or "(top level)"
    if line is not None:
        where += f" (line {line})"
    return f"{where}: {problem.message}"


def _nearest(path: tuple[PathSegment, ...], lines: dict[tuple[PathSegment, ...], int]) -> tuple[PathSegment, ...]:
    while path and path not in lines:
        path = path[:-1]
    return path


def _document_order(lines: dict[tuple[PathSegment, ...], int]) -> dict[tuple[PathSegment, ...], int]:
    return {path: index for index, path in enumerate(sorted(lines, key=lambda p: lines[p]))}


def _walk_nodes(node: yaml.Node, path: tuple[PathSegment, ...], lines: dict[tuple[PathSegment, ...], int]) -> Iterator[Problem]:
    """Record each path's line and report keys given twice (PyYAML keeps the last silently)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                yield Problem(
                    (*path, key),
                    f"key {key!r} is given twice (lines {seen[key]} and {key_node.start_mark.line + 1}); "
                    f"only the last would count",
                )
            seen[key] = key_node.start_mark.line + 1
            yield from _walk_nodes(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_nodes(item, (*path, index), lines)


def _from_pydantic(error: Any) -> Problem:
    path = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return Problem(path, f"unknown key {path[-1]!r}{hint}")
    if kind == "missing":
        return Problem(path, f"required key {path[-1]!r} is missing")
    value = error.get("input")
    got = f"; got {value!r}" if isinstance(value, str | int | float | bool) else ""
    return Problem(path, f"{error['msg']}{got}" if kind != "ses_rule" else error["msg"])


def _allowed_keys(path: tuple[PathSegment, ...]) -> list[str]:
    """The keys the schema allows at ``path`` (for 'unknown key' messages)."""
    model: Any = PlatformConfig
    for segment in path:
        if isinstance(segment, int):
            continue
        field = model.model_fields.get(segment) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ses-metrics.yaml``, for editors and other tools."""
    return PlatformConfig.model_json_schema()

