"""Cross-item rules of ``ses-metrics.yaml``, run over the raw document so that they are
reported alongside the per-field errors of the schema: unique names, references to
streams and topics, one target per destination, monitoring, stack names, stream settings."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ses_metrics import rules
from ses_metrics.platform.config.account_checks import account_checks
from ses_metrics.platform.config.fields import MAX_STACK_NAME_LENGTH, STACK_SUFFIX_RE
from ses_metrics.platform.config.models import PlatformConfig
from ses_metrics.platform.config.raw import items as list_items
from ses_metrics.platform.config.streams import StreamKind
from ses_metrics.rules import (
    DestinationKind,
    EventType,
    PathSegment,
    Problem,
    Severity,
    athena,
    defaults,
    firehose,
    record_schema,
    redshift_columns,
)


def cross_checks(data: Any) -> list[Problem]:
    """Rules spanning several items, run on the raw document so that they are reported
    alongside per-field errors. Tolerates any shape: what is not a dict or list is skipped."""
    if not isinstance(data, dict):
        return []
    problems: list[Problem] = []
    sets = list_items(data.get("configuration_sets"))
    streams = list_items(data.get("streams"))
    topics = list_items(data.get("topics"))
    if isinstance(data.get("configuration_sets"), list):
        problems += rules.under(rules.check_configuration_set_count(len(data["configuration_sets"])), "configuration_sets")
    for key, items, what in (("configuration_sets", sets, "configuration set"), ("streams", streams, "stream"), ("topics", topics, "topic")):
        problems += rules.under(rules.check_unique([item.get("name") for _, item in items], f"{what} name"), key)
    stream_names = {s.get("name") for _, s in streams}
    topic_names = {t.get("name") for _, t in topics}
    used_streams: set[Any] = set()
    used_topics: set[Any] = set()
    stream_events: dict[Any, set[EventType]] = {}
    for i, cs in sets:
        raw_destinations = cs.get("destinations")
        destinations = list_items(raw_destinations)
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
    problems += account_checks(data)
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
        prefix = block.get("prefix", defaults.S3_PREFIX)
        if keys and isinstance(prefix, str) and "partitionKeyFromQuery" not in prefix:
            prefix = firehose.partitioned_prefix(prefix, options)
        problems += _renamed(firehose.check_prefixes(prefix, block.get("error_output_prefix", defaults.S3_ERROR_OUTPUT_PREFIX), partition_keys=keys), *at)
        size = block.get("buffering_mib", defaults.PARTITIONED_BUFFERING_MIB if keys else defaults.BUFFERING_MIB)
        seconds = block.get("buffering_seconds", defaults.BUFFERING_SECONDS)
        problems += _renamed(firehose.check_buffering(seconds, size, dynamic_partitioning=bool(keys)), *at)
        problems += _renamed(firehose.check_partition_by(block.get("partition_by")), *at, "partition_by")
        catalog = block.get("athena")
        if isinstance(catalog, dict) and isinstance(catalog.get("tag_columns"), list):
            taken = [name for name, _, _ in record_schema.glue_columns()] + [athena.DATE_COLUMN]
            taken += [athena.KEY_COLUMNS[k] for k in keys if k in athena.KEY_COLUMNS]
            problems += _renamed(athena.check_tag_columns(catalog["tag_columns"], taken), *at, "athena", "tag_columns")
    elif kind == "redshift":
        if ("jdbc_url" in block) == ("endpoint" in block):
            problems.append(Problem(at, "give either jdbc_url or endpoint (with port and database) of the cluster or workgroup"))
        columns = block.get("columns", list(redshift_columns.TUTORIAL_COLUMNS))
        received = events or set(EventType)
        problems += _renamed(redshift_columns.check_columns(columns, block.get("message_tags", []), received), *at)
        problems += _renamed(firehose.check_prefixes(block.get("staging_prefix", defaults.REDSHIFT_STAGING_PREFIX), None, destination="redshift"), *at)
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
    for _, dest in list_items(cs.get("destinations")):
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
                problems += rules.under(rules.check_alarm_threshold(metric, alarms[key], rules.REPUTATION_ALARMS[metric].percent), *here, "alarms", key)
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
    account_alarms = isinstance(top, dict) and _setting([top], "alarms", "enabled", default=True) and top.get("account_alarms", True)
    if account_alarms and top.get("notification") is None:
        unnotified.add(("monitoring",))
    for i, cs in sets:
        here: tuple[PathSegment, ...] = ("configuration_sets", i)
        own = cs.get("monitoring")
        problems += _check_monitoring(own, (*here, "monitoring"), topic_names, used_topics)
        layers = [m for m in (top, own) if isinstance(m, dict)]
        if not layers or not _setting(layers, "alarms", "enabled", default=True):
            continue
        existing = cs.get("existing") is True
        if cs.get("reputation_metrics", not existing) is False:
            said = (
                "the existing set is not said to publish reputation metrics (reputation_metrics: true says it does; "
                "ses-metrics does not change it)"
                if existing and "reputation_metrics" not in cs
                else "reputation metrics are off"
            )
            problems.append(
                Problem(
                    (*here, "reputation_metrics"),
                    f"{said}, but monitoring alarms are on for this set: SES publishes no "
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


