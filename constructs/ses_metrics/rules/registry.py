"""The registry of SES rules: each check ``rules`` makes, the limit or pattern it enforces
(read from the constants the checks use, so the registry cannot drift from them), the
function that checks it and AWS's source. ``docs/ses-rules.md`` is generated from it.

Sources: DG the SES Developer Guide, v1/v2 the SES service models, CFN the CloudFormation
resource schemas, FDG the Firehose Developer Guide, API an AWS API reference.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from ses_metrics.rules import cloudformation, cloudwatch, firehose, reputation, ses, targets


@dataclass(frozen=True)
class RuleEntry:
    """One rule: the ``area`` it belongs to, ``what`` is constrained, the ``rule`` (a limit
    or a pattern), the ``check`` function(s) enforcing it, and AWS's ``source``."""

    area: str
    what: str
    rule: str
    check: str
    source: str


def _pattern(pattern: re.Pattern[str]) -> str:
    return f"`^{pattern.pattern}$`"


def _choices(values: tuple[str, ...] | frozenset[str]) -> str:
    """Tuples in their order, sets sorted (a set's order changes from run to run)."""
    ordered = sorted(values) if isinstance(values, frozenset) else values
    return ", ".join(f"`{v}`" for v in ordered)


def _buffering(limits: firehose.BufferingLimits) -> str:
    return f"{limits.min_seconds}-{limits.max_seconds} s, {limits.min_mib}-{limits.max_mib} MiB"


_BOUNCE, _COMPLAINT = reputation.ReputationMetric

RULES: Final = (
    RuleEntry("Names", "Configuration set name", _pattern(ses.NAME_RE), "check_configuration_set_name", "v1/v2 models"),
    RuleEntry("Names", "Event destination name", _pattern(ses.NAME_RE) + ", unique within its set", "check_event_destination_name, check_unique", "v1/v2 models"),
    RuleEntry("Names", "SNS topic name", _pattern(targets.STANDARD_TOPIC_NAME_RE) + " (standard topics)", "check_topic_name", "SNS API CreateTopic"),
    RuleEntry("Names", "Firehose delivery stream name", _pattern(targets.DELIVERY_STREAM_NAME_RE), "check_delivery_stream_name", "CFN"),
    RuleEntry("Names", "CloudWatch dashboard name", _pattern(cloudwatch.DASHBOARD_NAME_RE), "check_dashboard_name", "CloudWatch API PutDashboard"),
    RuleEntry("Quotas", "Configuration sets per Region", f"at most {ses.MAX_CONFIGURATION_SETS:,} (not adjustable)", "lint SM503", "DG quotas"),
    RuleEntry("Quotas", "Event destinations per configuration set", f"at most {ses.MAX_EVENT_DESTINATIONS}", "check_event_destinations", "DG quotas"),
    RuleEntry("Quotas", "Dimensions per CloudWatch destination", f"1 to {ses.MAX_DIMENSIONS}, names unique", "check_dimensions", "DG, v1/v2 models"),
    RuleEntry("Quotas", "Resources per stack", f"at most {cloudformation.MAX_RESOURCES_PER_STACK}", "PlatformStack", "CloudFormation quotas"),
    RuleEntry("Quotas", "Stack name", f"{_pattern(cloudformation.STACK_NAME_RE)}, at most {cloudformation.MAX_STACK_NAME_LENGTH} characters", "stack name checks of the config", "CloudFormation CreateStack"),
    RuleEntry("Event destinations", "Targets", "exactly one of " + _choices(tuple(k.config for k in targets.DestinationKind)), "check_destination_kinds", "v2 model (\"only one destination\")"),
    RuleEntry("Event destinations", "Event types", "at least one of " + _choices(ses.EVENT_TYPE_NAMES) + " (or `all`; SESv2 names accepted)", "parse_event_types", "CFN MatchingEventTypes, v2 model"),
    RuleEntry("Event destinations", "SNS topic", "standard topics only, never FIFO (`" + targets.FIFO_TOPIC_SUFFIX + "`)", "check_sns_topic", "DG event destinations"),
    RuleEntry("Event destinations", "EventBridge bus", "the default bus of the sending account and Region only", "check_event_bus", "API, CFN (\"Only the default bus is supported\")"),
    RuleEntry("Event destinations", "Enabled", "an omitted `Enabled` is false: the destination is disabled", "constructs write it; lint SM201", "CFN"),
    RuleEntry("CloudWatch dimensions", "Dimension name", _pattern(ses.DIMENSION_NAME_RE) + " (the colon allows auto-tags)", "check_dimension_name", "CFN"),
    RuleEntry("CloudWatch dimensions", "Default value", _pattern(ses.DEFAULT_VALUE_RE) + "; the SES guide also allows `@` and `.`, CloudFormation does not", "check_dimension_default", "CFN DefaultDimensionValue; DG"),
    RuleEntry("CloudWatch dimensions", "Dimension source", _choices(cloudwatch.DIMENSION_SOURCE_NAMES), "parse_dimension_source", "CFN, v2 model"),
    RuleEntry("CloudWatch dimensions", "Header dimensions SES refuses", _choices(cloudwatch.FORBIDDEN_HEADER_DIMENSIONS), "check_dimension", "DG CloudWatch destination"),
    RuleEntry("CloudWatch dimensions", "Header value published as a dimension", _pattern(ses.HEADER_DIMENSION_VALUE_RE) + "; other values publish no metric", "is_metric_header_value", "DG CloudWatch destination"),
    RuleEntry("CloudWatch dimensions", "Link-tag dimension", "only Click events carry link tags: elsewhere the default (warning)", "check_link_tag_dimension", "DG"),
    RuleEntry("Sends", "Message tag name and value", _pattern(ses.TAG_RE) + "; " + _choices(ses.RESERVED_MESSAGE_TAGS) + " allowed", "check_message_tag", "v2 model, SES error wording"),
    RuleEntry("Sends", "Message size", f"at most {ses.MAX_MESSAGE_BYTES // (1024 * 1024)} MB", "the simulator's sends", "DG quotas"),
    RuleEntry("Sends", "Recipients", f"at most {ses.MAX_RECIPIENTS} across To, CC and BCC", "the simulator's sends", "API SendEmail"),
    RuleEntry("Sends", "Headers in event records", f"at most {ses.MAX_PUBLISHED_HEADER_BYTES // 1024} KB, then `headersTruncated`", "the simulator's events", "DG event record contents"),
    RuleEntry("Sends", "Link attributes", f"`{ses.LINK_TAGS_ATTRIBUTE}` gives link tags, `{ses.NO_TRACK_ATTRIBUTE}` turns click tracking off", "the simulator's sends", "DG"),
    RuleEntry("Configuration sets", "Maximum delivery duration", f"{ses.MIN_MAX_DELIVERY_SECONDS}-{ses.MAX_MAX_DELIVERY_SECONDS:,} s (5 minutes to 14 hours)", "check_max_delivery_seconds", "v2 model"),
    RuleEntry("Configuration sets", "HTTPS tracking policy", _choices(ses.HTTPS_POLICIES) + ", only with a custom redirect domain", "check_tracking", "v2 model"),
    RuleEntry("Reputation", "Bounce rate", f"review at {_BOUNCE.review_percent:g}%, pause at {_BOUNCE.pause_percent:g}%", "check_alarm_threshold", "DG reputation dashboard"),
    RuleEntry("Reputation", "Complaint rate", f"review at {_COMPLAINT.review_percent:g}%, pause at {_COMPLAINT.pause_percent:g}%", "check_alarm_threshold", "DG reputation dashboard"),
    RuleEntry("Firehose", "Buffering (S3, Redshift staging)", _buffering(firehose.S3_BUFFERING) + f"; default {firehose.DEFAULT_BUFFERING_SECONDS} s, {firehose.DEFAULT_BUFFERING_MIB} MiB", "check_buffering", "CFN, API BufferingHints"),
    RuleEntry("Firehose", "Buffering (OpenSearch)", _buffering(firehose.OPENSEARCH_BUFFERING), "check_buffering", "CFN"),
    RuleEntry("Firehose", "Buffering with dynamic partitioning", _buffering(firehose.DYNAMIC_PARTITIONING_BUFFERING), "check_buffering", "FDG dynamic partitioning"),
    RuleEntry("Firehose", "Retry duration", f"0-{firehose.MAX_RETRY_SECONDS} s; default {firehose.DEFAULT_RETRY_SECONDS} s ({firehose.DEFAULT_REDSHIFT_RETRY_SECONDS} s for Redshift)", "check_retry_seconds", "CFN, API RetryOptions"),
    RuleEntry("Firehose", "S3 prefix", f"at most {firehose.MAX_PREFIX_LENGTH} characters; expressions in {_choices(firehose.NAMESPACES)}", "check_prefixes, parse_prefix", "FDG custom prefixes"),
    RuleEntry("Firehose", "Time prefix when none is given", f"`{firehose.TIME_PREFIX_FORMAT}` (UTC) appended", "time_prefix", "FDG custom prefixes"),
    RuleEntry("Firehose", "Compression", _choices(firehose.COMPRESSION_FORMATS) + " (Redshift: " + _choices(firehose.REDSHIFT_COMPRESSION_FORMATS) + ")", "check_compression", "CFN, FDG"),
    RuleEntry("Firehose", "Partition key id", _pattern(firehose.PARTITION_KEY_RE), "parse_prefix", "FDG dynamic partitioning"),
    RuleEntry("OpenSearch", "Index name", f"lowercase, at most {firehose.MAX_INDEX_NAME_LENGTH} characters, none of `\\ / * ? \" < > | , # :` or spaces", "check_index_name", "CFN IndexName, OpenSearch"),
    RuleEntry("OpenSearch", "Index rotation", _choices(firehose.INDEX_ROTATIONS), "check_index_rotation", "CFN"),
    RuleEntry("Redshift", "JDBC URL", "`jdbc:redshift://<host>.redshift[-serverless].<region>.amazonaws.com:<port>/<database>`", "check_jdbc_url", "CFN ClusterJDBCURL"),
    RuleEntry("Redshift", "Credentials", "a Secrets Manager secret ARN, never a plaintext password", "check_secret_arn", "CFN SecretsManagerConfiguration"),
    RuleEntry("Redshift", "Table name", _pattern(firehose.TABLE_NAME_RE), "check_table_name", "Redshift identifiers"),
)
