"""Field types of ``ses-metrics.yaml`` that call the ``rules`` functions, so the loader
rejects exactly what SES would, each shown with its pattern in the JSON Schema."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from ses_metrics import rules
from ses_metrics.rules import (
    DimensionSource,
    EventType,
    Problem,
    firehose,
    identities,
    redshift_columns,
    set_options,
    tenants,
)


class ConfigModel(BaseModel):
    """Every model of the file: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def rule_validator(check: Callable[[Any], list[Problem]]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        problems = [p for p in check(value) if p.is_error]
        if problems:
            raise PydanticCustomError("ses_rule", "; ".join(p.message for p in problems))
        return value

    return validate


def _checked(check: Callable[[Any], list[Problem]], pattern: re.Pattern[str], description: str) -> Any:
    """A string field checked by a ``rules`` function, its pattern shown in the JSON Schema."""
    schema = {"type": "string", "pattern": f"^{pattern.pattern}$", "description": description}
    return Annotated[str, AfterValidator(rule_validator(check)), WithJsonSchema(schema)]


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
    AfterValidator(rule_validator(rules.check_event_bus)),
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


# A group stack is named <stack_name>-<stack>, so the suffix follows CloudFormation's
# stack name pattern.
STACK_SUFFIX_RE = rules.STACK_NAME_RE
MAX_STACK_NAME_LENGTH = rules.MAX_STACK_NAME_LENGTH


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


def _checked_value(check: Callable[[Any], list[Problem]], schema: dict[str, Any], base: Any = str) -> Any:
    """A field checked by a ``rules``/``firehose`` function, with its JSON Schema."""
    return Annotated[base, AfterValidator(rule_validator(check)), WithJsonSchema(schema)]


IndexName = _checked_value(
    firehose.check_index_name,
    {"type": "string", "pattern": r'^[a-z0-9][^A-Z\\/*?"<>| ,#:]{0,79}$', "description": "OpenSearch index name: lowercase, at most 80 characters"},
)
JdbcUrl = _checked(firehose.check_jdbc_url, firehose.JDBC_URL_RE, "jdbc:redshift://<endpoint>:<port>/<database>")
SecretArn = _checked(firehose.check_secret_arn, firehose.SECRET_ARN_RE, "complete ARN of a Secrets Manager secret with username and password")
TableName = _checked(firehose.check_table_name, firehose.TABLE_NAME_RE, "Redshift table, [schema.]name, lowercase")
RetrySeconds = Annotated[int, Field(ge=0, le=firehose.MAX_RETRY_SECONDS)]
BufferingSeconds = Annotated[
    int,
    Field(ge=firehose.S3_BUFFERING.min_seconds, le=firehose.S3_BUFFERING.max_seconds, description="flush the buffer at least this often"),
]
PartitionKeyName = Literal["event_type", "configuration_set"]
ColumnName = Literal[tuple(redshift_columns.CATALOGUE)]  # type: ignore[valid-type]

PoolName = _checked(set_options.check_pool_name, set_options.POOL_NAME_RE, "dedicated IP pool name (lower case)")
TenantName = _checked(tenants.check_tenant_name, tenants.TENANT_NAME_RE, "SES tenant name")
ArchiveArn = _checked(set_options.check_archive_arn, set_options.ARCHIVE_ARN_RE, "ARN of a Mail Manager archive")
DomainName = _checked_value(identities.check_domain, {"type": "string", "description": "a domain identity, e.g. example.com"})
EmailAddress = _checked_value(identities.check_email_identity, {"type": "string", "description": "an email address identity"})
ResourceTags = Annotated[
    dict[str, str],
    AfterValidator(rule_validator(set_options.check_resource_tags)),
    WithJsonSchema(
        {
            "type": "object",
            "additionalProperties": {"type": "string", "maxLength": set_options.MAX_TAG_VALUE_LENGTH},
            "maxProperties": set_options.MAX_RESOURCE_TAGS,
            "description": "resource tags: at most 50; keys of 1-128 characters, not aws:...",
        }
    ),
]
