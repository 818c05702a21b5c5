"""Event destination kinds and the resources they point at: SNS topics, the event bus,
Firehose delivery streams."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, check_pattern, one_of, show


class DestinationKind(enum.Enum):
    """The kinds of event destination, by config key and CloudFormation property."""

    CLOUDWATCH = ("cloudwatch", "CloudWatchDestination")
    FIREHOSE = ("firehose", "KinesisFirehoseDestination")
    SNS = ("sns", "SnsDestination")
    EVENTBRIDGE = ("eventbridge", "EventBridgeDestination")

    def __init__(self, config: str, cfn: str) -> None:
        self.config = config
        self.cfn = cfn


def check_destination_kinds(kinds: Iterable[str]) -> list[Problem]:
    """An event destination has exactly one target (CloudWatch, Firehose, SNS or EventBridge).

    ``kinds`` are the target keys present, in either the config or CloudFormation spelling.
    """
    present = list(kinds)
    allowed = one_of(k.config for k in DestinationKind)
    if len(present) == 1:
        return []
    if not present:
        return [Problem((), f"an event destination needs one target: one of {allowed}")]
    return [
        Problem(
            (),
            f"an event destination takes exactly one target, got {len(present)} ({one_of(present)}); "
            f"SES answers 'Please provide only one destination with each request'. Split it into "
            f"{len(present)} destinations",
        )
    ]


# --- targets ------------------------------------------------------------------------


# SNS: a FIFO topic's name ends in ".fifo" (and FifoTopic is true).
FIFO_TOPIC_SUFFIX: Final = ".fifo"


def is_fifo_topic(name_or_arn: str, *, fifo: bool | None = None) -> bool:
    """Whether a topic is FIFO: ``fifo`` says so, or its name (or ARN) ends in ``.fifo``."""
    return bool(fifo) or name_or_arn.endswith(FIFO_TOPIC_SUFFIX)


def check_sns_topic(name_or_arn: Any, *, fifo: bool | None = None) -> list[Problem]:
    """SES publishes only to standard SNS topics, never FIFO topics."""
    if name_or_arn is UNRESOLVED and not fifo:
        return []
    if is_fifo_topic(name_or_arn if isinstance(name_or_arn, str) else "", fifo=fifo):
        return [Problem((), f"SNS topic {show(name_or_arn)} is a FIFO topic; SES event destinations take standard topics only")]
    return []


# EventBridge: SES publishes only to the default bus of the sending account and Region (API,
# CloudFormation: "Only the default bus is supported").
DEFAULT_EVENT_BUS: Final = "default"
EVENT_BUS_ARN_RE: Final = re.compile(r"arn:(?P<partition>[^:]+):events:(?P<region>[^:]*):(?P<account>[^:]*):event-bus/(?P<name>.+)")


def default_event_bus_arn(partition: str, region: str, account: str) -> str:
    """``arn:<partition>:events:<region>:<account>:event-bus/default``."""
    return f"arn:{partition}:events:{region}:{account}:event-bus/{DEFAULT_EVENT_BUS}"


def check_event_bus(name_or_arn: Any, *, account: Any = UNRESOLVED, region: Any = UNRESOLVED) -> list[Problem]:
    """SES publishes only to the default EventBridge bus of the sending account and Region.

    ``name_or_arn``: ``"default"`` or a bus ARN. An ARN naming the default bus of another
    account or Region than ``account``/``region`` is refused; when the sender's account
    (or Region) is not known (``UNRESOLVED``) but the ARN names one, it is refused too,
    since nothing shows it is the sender's (fail closed)."""
    if name_or_arn is UNRESOLVED or name_or_arn is None:
        return []
    if name_or_arn == DEFAULT_EVENT_BUS:
        return []
    match = EVENT_BUS_ARN_RE.fullmatch(name_or_arn) if isinstance(name_or_arn, str) else None
    if match is None or match["name"] != DEFAULT_EVENT_BUS:
        return [Problem((), f"event bus {show(name_or_arn)} is not the default bus; SES publishes only to the default event bus")]
    problems = []
    for what, given, sender in (("account", match["account"], account), ("Region", match["region"], region)):
        if sender is UNRESOLVED:
            problems.append(
                Problem((), f"event bus {show(name_or_arn)} is the default bus of {what} {given}, and the sender's {what} is "
                            f"not known at synth: SES publishes only to the default bus of the sending {what}; leave the bus "
                            f"out to use the default bus of this stack's {what}")
            )
        elif given != sender:
            problems.append(
                Problem((), f"event bus {show(name_or_arn)} is the default bus of {what} {given}, not of this {what} "
                            f"({sender}); SES publishes only to the default bus of the sending {what}")
            )
    return problems


# --- resources the destinations point at --------------------------------------------

TOPIC_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")
STANDARD_TOPIC_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
DELIVERY_STREAM_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_topic_name(value: Any) -> list[Problem]:
    """An SNS topic name (1-256 of ``[A-Za-z0-9_-]``), and not a FIFO topic."""
    if value is UNRESOLVED:
        return []
    return check_pattern(
        value, TOPIC_NAME_RE, "SNS topic name", "1-256 characters of A-Z, a-z, 0-9, '_' and '-'", 261
    ) or check_sns_topic(value)


def check_delivery_stream_name(value: Any) -> list[Problem]:
    """A Firehose delivery stream name: 1-64 of ``[A-Za-z0-9_.-]``."""
    return check_pattern(
        value, DELIVERY_STREAM_NAME_RE, "delivery stream name", "1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-'", 64
    )




# --- EventBridge event patterns --------------------------------------------------------

# The comparison operators of a content filter (EventBridge User Guide, "Content filtering in
# Amazon EventBridge event patterns"); PutRule refuses others ("Event pattern is not valid").
EVENT_PATTERN_OPERATORS: Final = ("prefix", "suffix", "anything-but", "numeric", "exists", "cidr", "equals-ignore-case", "wildcard")
NUMERIC_COMPARISONS: Final = ("<", "<=", "=", ">", ">=")


def check_event_pattern(pattern: Any, path: str = "") -> str | None:
    """Why EventBridge would refuse ``pattern`` (an InvalidEventPatternException at deploy),
    or ``None``: a JSON object whose leaves are lists of values or of one-operator filters,
    ``$or`` a list of patterns, ``numeric`` operator/number pairs, ``exists`` a boolean."""
    here = path or "the pattern"
    if not isinstance(pattern, dict):
        return f"{here} must be a JSON object; got {type(pattern).__name__}"
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else str(key)
        if key == "$or":
            if not isinstance(value, list) or not value:
                return f"{where} must be a list of patterns"
            found = next((why for i, p in enumerate(value) if (why := check_event_pattern(p, f"{where}[{i}]"))), None)
        elif isinstance(value, dict):
            found = check_event_pattern(value, where)
        elif isinstance(value, list):
            found = next((why for item in value if (why := _check_filter(item, where))), None)
        else:
            found = f"{where}: a pattern's values are lists (of values or filters); got {type(value).__name__}"
        if found:
            return found
    return None


def _check_filter(item: Any, where: str) -> str | None:
    if not isinstance(item, dict):
        return f"{where}: a value must be a scalar or a filter, not a list" if isinstance(item, list) else None
    if len(item) != 1 or next(iter(item)) not in EVENT_PATTERN_OPERATORS:
        return f"{where}: a filter has one of {', '.join(EVENT_PATTERN_OPERATORS)}; got {sorted(map(str, item))}"
    (operator, argument), = item.items()
    if operator == "numeric":
        pairs = argument if isinstance(argument, list) else []
        ok = 2 <= len(pairs) <= 4 and len(pairs) % 2 == 0 and all(
            pairs[i] in NUMERIC_COMPARISONS and isinstance(pairs[i + 1], int | float) and not isinstance(pairs[i + 1], bool)
            for i in range(0, len(pairs), 2)
        )
        return None if ok else f"{where}: numeric takes one or two operator/number pairs, such as ['>=', 0, '<', 5]"
    if operator == "exists" and not isinstance(argument, bool):
        return f"{where}: exists takes true or false"
    if operator in ("cidr", "wildcard", "equals-ignore-case") and not isinstance(argument, str):
        return f"{where}: {operator} takes a string"
    if operator in ("prefix", "suffix") and not (isinstance(argument, str) or (isinstance(argument, dict) and list(argument) == ["equals-ignore-case"])):
        return f"{where}: {operator} takes a string or {{equals-ignore-case: string}}"
    if operator == "anything-but" and isinstance(argument, dict) and (len(argument) != 1 or next(iter(argument)) not in EVENT_PATTERN_OPERATORS):
        return f"{where}: anything-but takes a value, a list of values or one filter"
    return None
