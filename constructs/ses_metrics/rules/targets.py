"""Event destination kinds and the resources they point at: SNS topics, the event bus,
Firehose delivery streams."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, check_pattern, one_of, show

##IMPORTS##

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


def check_sns_topic(name_or_arn: Any, *, fifo: bool | None = None) -> list[Problem]:
    """SES publishes only to standard SNS topics, never FIFO topics."""
    if name_or_arn is UNRESOLVED and not fifo:
        return []
    is_fifo = fifo or (isinstance(name_or_arn, str) and name_or_arn.endswith(".fifo"))
    if is_fifo:
        return [Problem((), f"SNS topic {show(name_or_arn)} is a FIFO topic; SES event destinations take standard topics only")]
    return []


def check_event_bus(name_or_arn: Any) -> list[Problem]:
    """SES publishes only to the default EventBridge bus (API and CloudFormation)."""
    if name_or_arn is UNRESOLVED or name_or_arn is None:
        return []
    if isinstance(name_or_arn, str) and (name_or_arn == "default" or re.fullmatch(r"arn:[^:]+:events:[^:]*:[^:]*:event-bus/default", name_or_arn)):
        return []
    return [Problem((), f"event bus {show(name_or_arn)} is not the default bus; SES publishes only to the default event bus")]


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


