"""Amazon SES rules and limits for event publishing: pure Python, no CDK import.

This module is the single source of truth for what SES (and CloudFormation, which
deploys it) accepts. The constructs, the ``ses-metrics.yaml`` loader and the simulator
all call these functions, so a configuration rejected at synth is exactly one that
SES would reject at deploy or send.

Each ``check_*`` function returns a list of :class:`Problem`; an empty list means the
value is valid. Problems carry a path relative to the value checked, so each caller
prefixes it with its own location (a YAML path, a construct property). A value equal to
:data:`UNRESOLVED` (a CDK token the caller could not resolve) is never judged.

Sources are cited as in ``reference/ses-facts.md``: DG is the SES Developer Guide, "v1"
and "v2" are the SES service models, CFN the CloudFormation resource schemas.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

# --- problems -----------------------------------------------------------------------

PathSegment = str | int


class Severity(str, enum.Enum):
    """How bad a :class:`Problem` is: an error fails synth or validation, a warning does not."""

    ERROR = "error"
    WARNING = "warning"


def format_path(path: Sequence[PathSegment]) -> str:
    """Render a path as YAML users read it: ``("sets", 0, "name")`` -> ``sets[0].name``."""
    out = ""
    for segment in path:
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += f".{segment}" if out else segment
    return out


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (relative path), what, and how bad."""

    path: tuple[PathSegment, ...]
    message: str
    severity: Severity = Severity.ERROR

    def under(self, *prefix: PathSegment) -> Problem:
        """The same problem, located below ``prefix``."""
        return replace(self, path=(*prefix, *self.path))

    @property
    def location(self) -> str:
        return format_path(self.path)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.path else self.message


def under(problems: Iterable[Problem], *prefix: PathSegment) -> list[Problem]:
    """Locate every problem below ``prefix``."""
    return [p.under(*prefix) for p in problems]


class ValidationError(ValueError):
    """Raised once with every error found; ``problems`` holds them (warnings excluded)."""

    def __init__(self, problems: Sequence[Problem], subject: str = "") -> None:
        self.problems = [p for p in problems if p.is_error]
        self.subject = subject
        head = f"{subject}: " if subject else ""
        count = len(self.problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}{count} problem{'s' if count != 1 else ''}:\n{lines}")


def raise_for(problems: Sequence[Problem], subject: str | Callable[[], str] = "") -> None:
    """Raise :class:`ValidationError` if any problem is an error.

    ``subject`` may be a callable, evaluated only when there is something to raise.
    """
    if any(p.is_error for p in problems):
        raise ValidationError(problems, subject() if callable(subject) else subject)


class _Unresolved:
    """A value the caller cannot know before deploy (a CDK token): never judged."""

    _instance: _Unresolved | None = None

    def __new__(cls) -> _Unresolved:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNRESOLVED"


UNRESOLVED: Final = _Unresolved()

# --- limits (DG quotas.md, v1/v2 service models) ----------------------------------

MAX_EVENT_DESTINATIONS: Final = 10
MAX_DIMENSIONS: Final = 10
MAX_CONFIGURATION_SETS: Final = 10_000
MAX_NAME_LENGTH: Final = 64
MAX_DIMENSION_LENGTH: Final = 256
MAX_TAG_LENGTH: Final = 256
MIN_MAX_DELIVERY_SECONDS: Final = 300
MAX_MAX_DELIVERY_SECONDS: Final = 50_400

NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
DIMENSION_NAME_RE: Final = re.compile(r"[A-Za-z0-9_:-]{1,256}")
# CloudFormation's DefaultDimensionValue pattern. The SES guide and the v1 model also
# allow '@' and '.', but a template using them fails at deploy (Terraform had the same
# conflict, PR #22359), so constructs and config follow CloudFormation.
DEFAULT_VALUE_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
SES_GUIDE_DEFAULT_VALUE_RE: Final = re.compile(r"[A-Za-z0-9_\-@.]{1,256}")
TAG_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
# Header names and values used as dimension values: A-Z, 0-9, '_', '@', '-', '.'.
# Anything else (or non-ASCII) makes SES skip the metric although the send succeeds.
HEADER_DIMENSION_VALUE_RE: Final = re.compile(r"[A-Za-z0-9_@.-]{1,256}")

NAME_FORM: Final = "1-64 characters of A-Z, a-z, 0-9, '_' and '-'"
DIMENSION_NAME_FORM: Final = "1-256 characters of A-Z, a-z, 0-9, '_', '-' and ':'"
DEFAULT_VALUE_FORM: Final = "1-256 characters of A-Z, a-z, 0-9, '_' and '-'"
TAG_FORM: Final = "1-256 characters of A-Z, a-z, 0-9, '_' and '-'"

# Reserved message tags SES accepts despite the ':' (June 2024).
RESERVED_MESSAGE_TAGS: Final = frozenset({"ses:feedback-id-a", "ses:feedback-id-b"})

# DG event-publishing-add-event-destination-cloudwatch.md: not usable as header dimensions.
FORBIDDEN_HEADER_DIMENSIONS: Final = ("Received", "To", "From", "DKIM-Signature", "CC", "message-id", "Return-Path")
_FORBIDDEN_HEADERS_LOWER: Final = frozenset(h.lower() for h in FORBIDDEN_HEADER_DIMENSIONS)

# --- vocabularies -------------------------------------------------------------------


class EventType(enum.Enum):
    """An SES event type, with each of the names AWS uses for it.

    ``cfn``: CloudFormation ``MatchingEventTypes`` (and v1 API) name; ``v2``: SESv2 name;
    ``record``: ``eventType`` in the published record; ``detail_type``: EventBridge
    ``detail-type``; ``detail_key``: the record's per-type object.
    """

    SEND = ("send", "SEND", "Send", "Email Sent", "send")
    REJECT = ("reject", "REJECT", "Reject", "Email Rejected", "reject")
    BOUNCE = ("bounce", "BOUNCE", "Bounce", "Email Bounced", "bounce")
    COMPLAINT = ("complaint", "COMPLAINT", "Complaint", "Email Complaint Received", "complaint")
    DELIVERY = ("delivery", "DELIVERY", "Delivery", "Email Delivered", "delivery")
    OPEN = ("open", "OPEN", "Open", "Email Opened", "open")
    CLICK = ("click", "CLICK", "Click", "Email Clicked", "click")
    RENDERING_FAILURE = ("renderingFailure", "RENDERING_FAILURE", "Rendering Failure", "Email Rendering Failed", "failure")
    DELIVERY_DELAY = ("deliveryDelay", "DELIVERY_DELAY", "DeliveryDelay", "Email Delivery Delayed", "deliveryDelay")
    SUBSCRIPTION = ("subscription", "SUBSCRIPTION", "Subscription", "Email Subscribed", "subscription")

    def __init__(self, cfn: str, v2: str, record: str, detail_type: str, detail_key: str) -> None:
        self.cfn = cfn
        self.v2 = v2
        self.record = record
        self.detail_type = detail_type
        self.detail_key = detail_key


ALL_EVENTS: Final = "all"
_EVENT_BY_NAME: Final = {e.cfn: e for e in EventType} | {e.v2: e for e in EventType}
EVENT_TYPE_NAMES: Final = tuple(e.cfn for e in EventType)


class DimensionSource(enum.Enum):
    """Where SES takes a CloudWatch dimension's value from."""

    MESSAGE_TAG = ("message_tag", "messageTag", "MESSAGE_TAG")
    EMAIL_HEADER = ("email_header", "emailHeader", "EMAIL_HEADER")
    LINK_TAG = ("link_tag", "linkTag", "LINK_TAG")

    def __init__(self, config: str, cfn: str, v2: str) -> None:
        self.config = config
        self.cfn = cfn
        self.v2 = v2


_SOURCE_BY_NAME: Final = {n: s for s in DimensionSource for n in (s.config, s.cfn, s.v2)}
DIMENSION_SOURCE_NAMES: Final = tuple(s.config for s in DimensionSource)


class DestinationKind(enum.Enum):
    """The kinds of event destination, by config key and CloudFormation property."""

    CLOUDWATCH = ("cloudwatch", "CloudWatchDestination")
    FIREHOSE = ("firehose", "KinesisFirehoseDestination")
    SNS = ("sns", "SnsDestination")
    EVENTBRIDGE = ("eventbridge", "EventBridgeDestination")

    def __init__(self, config: str, cfn: str) -> None:
        self.config = config
        self.cfn = cfn


class AutoTag:
    """Tags SES adds to every message sent with a configuration set.

    The first five are documented (DG monitor-using-event-publishing.md); the rest are
    seen in real event records. Use the full name as a dimension name, with a default.
    """

    CONFIGURATION_SET: Final = "ses:configuration-set"
    CALLER_IDENTITY: Final = "ses:caller-identity"
    FROM_DOMAIN: Final = "ses:from-domain"
    SOURCE_IP: Final = "ses:source-ip"
    OUTGOING_IP: Final = "ses:outgoing-ip"
    SOURCE_TLS_VERSION: Final = "ses:source-tls-version"
    OUTGOING_TLS_VERSION: Final = "ses:outgoing-tls-version"
    OPERATION: Final = "ses:operation"
    RECIPIENT_ISP: Final = "ses:recipient-isp"
    SENDER_IDENTITY: Final = "ses:sender-identity"

    DOCUMENTED: Final = (CONFIGURATION_SET, CALLER_IDENTITY, FROM_DOMAIN, SOURCE_IP, OUTGOING_IP)


TLS_POLICIES: Final = ("REQUIRE", "OPTIONAL")
HTTPS_POLICIES: Final = ("REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL")
SUPPRESSION_REASONS: Final = ("BOUNCE", "COMPLAINT")

# --- helpers ------------------------------------------------------------------------


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def _check_pattern(value: Any, pattern: re.Pattern[str], what: str, form: str, max_length: int) -> list[Problem]:
    if value is UNRESOLVED:
        return []
    if not isinstance(value, str):
        return [Problem((), f"{what} must be a string of {form}; got {_show(value)}")]
    if pattern.fullmatch(value):
        return []
    if not value:
        return [Problem((), f"{what} is empty; use {form}")]
    if len(value) > max_length:
        return [Problem((), f"{what} is {len(value)} characters long; SES allows {form}")]
    bad = "".join(dict.fromkeys(c for c in value if not pattern.fullmatch(c)))
    return [Problem((), f"{what} {_show(value)} contains {_show(bad)}; SES allows {form}")]


# --- names --------------------------------------------------------------------------


def check_configuration_set_name(value: Any) -> list[Problem]:
    """A configuration set name: 1-64 of ``[A-Za-z0-9_-]`` (v1/v2 models)."""
    return _check_pattern(value, NAME_RE, "configuration set name", NAME_FORM, MAX_NAME_LENGTH)


def check_event_destination_name(value: Any) -> list[Problem]:
    """An event destination name: 1-64 of ``[A-Za-z0-9_-]`` (v1/v2 models)."""
    return _check_pattern(value, NAME_RE, "event destination name", NAME_FORM, MAX_NAME_LENGTH)


def check_unique(names: Sequence[Any], what: str) -> list[Problem]:
    """Names that appear more than once; each repeat is reported at ``[i].name``."""
    counts = Counter(n for n in names if isinstance(n, str))
    problems = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not isinstance(name, str) or counts[name] < 2:
            continue
        if name in seen:
            problems.append(Problem((index, "name"), f"{what} {name!r} is already used at [{seen[name]}]; names must be unique"))
        else:
            seen[name] = index
    return problems


def check_event_destinations(names: Sequence[Any]) -> list[Problem]:
    """A configuration set's destinations: at most 10, names unique within the set."""
    problems = []
    if len(names) > MAX_EVENT_DESTINATIONS:
        problems.append(
            Problem((), f"{len(names)} event destinations; SES allows at most {MAX_EVENT_DESTINATIONS} per configuration set")
        )
    return problems + check_unique(names, "event destination name")


def check_destination_kinds(kinds: Iterable[str]) -> list[Problem]:
    """An event destination has exactly one target (CloudWatch, Firehose, SNS or EventBridge).

    ``kinds`` are the target keys present, in either the config or CloudFormation spelling.
    """
    present = list(kinds)
    allowed = _one_of(k.config for k in DestinationKind)
    if len(present) == 1:
        return []
    if not present:
        return [Problem((), f"an event destination needs one target: one of {allowed}")]
    return [
        Problem(
            (),
            f"an event destination takes exactly one target, got {len(present)} ({_one_of(present)}); "
            f"SES answers 'Please provide only one destination with each request'. Split it into "
            f"{len(present)} destinations",
        )
    ]


# --- event types --------------------------------------------------------------------


def parse_event_types(value: Any) -> tuple[tuple[EventType, ...], list[Problem]]:
    """Event types from ``"all"`` or a list of CloudFormation or SESv2 names.

    Order is kept and repeats are dropped. Problems are located at ``[i]``.
    """
    if value is UNRESOLVED:
        return (), []
    if value == ALL_EVENTS:
        return tuple(EventType), []
    if isinstance(value, str) or not isinstance(value, Sequence):
        return (), [Problem((), f"events must be {ALL_EVENTS!r} or a list of event types; got {_show(value)}")]
    if not value:
        return (), [Problem((), f"events is empty: list at least one of {_one_of(EVENT_TYPE_NAMES)}, or use {ALL_EVENTS!r}")]
    found: list[EventType] = []
    problems = []
    for index, name in enumerate(value):
        if name is UNRESOLVED:
            continue
        event = name if isinstance(name, EventType) else _EVENT_BY_NAME.get(name) if isinstance(name, str) else None
        if event is None:
            problems.append(
                Problem(
                    (index,),
                    f"unknown event type {_show(name)}; use one of {_one_of(EVENT_TYPE_NAMES)} "
                    f"(or the SESv2 upper-case names such as RENDERING_FAILURE)",
                )
            )
        elif event not in found:
            found.append(event)
    return tuple(found), problems


def event_type(name: str) -> EventType:
    """The event type for a CloudFormation, SESv2 or record name; ``KeyError`` otherwise."""
    if name in _EVENT_BY_NAME:
        return _EVENT_BY_NAME[name]
    for event in EventType:
        if name == event.record:
            return event
    raise KeyError(name)


# --- CloudWatch dimensions ----------------------------------------------------------


def parse_dimension_source(value: Any) -> tuple[DimensionSource | None, list[Problem]]:
    """A dimension source in the config, CloudFormation or SESv2 spelling."""
    if value is UNRESOLVED:
        return None, []
    if isinstance(value, DimensionSource):
        return value, []
    source = _SOURCE_BY_NAME.get(value) if isinstance(value, str) else None
    if source is None:
        return None, [Problem((), f"unknown dimension source {_show(value)}; use one of {_one_of(DIMENSION_SOURCE_NAMES)}")]
    return source, []


def check_dimension_name(value: Any) -> list[Problem]:
    """A dimension name: 1-256 of ``[A-Za-z0-9_:-]`` (CFN; ':' allows auto-tags)."""
    return _check_pattern(value, DIMENSION_NAME_RE, "dimension name", DIMENSION_NAME_FORM, MAX_DIMENSION_LENGTH)


def check_dimension_default(value: Any) -> list[Problem]:
    """A default dimension value, as CloudFormation enforces it.

    The SES guide also allows '@' and '.', CloudFormation's pattern does not; such a
    value is rejected here with a message that says so.
    """
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and not DEFAULT_VALUE_RE.fullmatch(value) and SES_GUIDE_DEFAULT_VALUE_RE.fullmatch(value):
        return [
            Problem(
                (),
                f"default value {value!r} contains '@' or '.': the SES guide allows them, but "
                f"CloudFormation's DefaultDimensionValue pattern ^[a-zA-Z0-9_-]{{1,256}}$ rejects "
                f"the template at deploy; use {DEFAULT_VALUE_FORM}",
            )
        ]
    return _check_pattern(value, DEFAULT_VALUE_RE, "default value", DEFAULT_VALUE_FORM, MAX_DIMENSION_LENGTH)


def check_dimension(name: Any, source: Any, default: Any) -> list[Problem]:
    """One dimension: its name, source and default, and the header names SES refuses.

    Problems are located at ``name``, ``source`` and ``default``.
    """
    parsed, source_problems = parse_dimension_source(source)
    problems = under(check_dimension_name(name), "name") + under(source_problems, "source")
    problems += under(check_dimension_default(default), "default")
    if parsed is DimensionSource.EMAIL_HEADER and isinstance(name, str) and name.lower() in _FORBIDDEN_HEADERS_LOWER:
        problems.append(
            Problem(
                ("name",),
                f"SES cannot use the {name!r} header as a dimension; it refuses "
                f"{_one_of(FORBIDDEN_HEADER_DIMENSIONS)}",
            )
        )
    return problems


def check_dimensions(dimensions: Sequence[tuple[Any, Any, Any]], events: Iterable[EventType]) -> list[Problem]:
    """A CloudWatch destination's dimensions, given as ``(name, source, default)``.

    At most 10, each valid, names unique (CloudWatch keys dimensions by name), and a
    warning for link-tag dimensions on a destination that does not match Click events:
    only Click events carry link tags, so every other event gets the default value.
    """
    problems = []
    if not dimensions:
        problems.append(Problem((), "a CloudWatch destination needs at least one dimension"))
    if len(dimensions) > MAX_DIMENSIONS:
        problems.append(Problem((), f"{len(dimensions)} dimensions; SES allows at most {MAX_DIMENSIONS} per CloudWatch destination"))
    event_set = set(events)
    for index, (name, source, default) in enumerate(dimensions):
        problems += under(check_dimension(name, source, default), index)
        parsed, _ = parse_dimension_source(source)
        if parsed is DimensionSource.LINK_TAG and event_set and EventType.CLICK not in event_set:
            problems.append(
                Problem(
                    (index, "source"),
                    f"link-tag dimension {name!r} on a destination that does not match click events: "
                    f"only Click events carry link tags, so every value will be the default {default!r}",
                    Severity.WARNING,
                )
            )
    return problems + check_unique([name for name, _, _ in dimensions], "dimension name")


# --- message tags and headers (sends) -----------------------------------------------


def check_message_tag(name: Any, value: Any) -> list[Problem]:
    """A message tag on a send, with SES's own ``InvalidParameterValue`` wording.

    Names and values are 1-256 of ``[A-Za-z0-9_-]``; the reserved ``ses:feedback-id-a``
    and ``ses:feedback-id-b`` names are allowed.
    """
    problems = []
    if not (isinstance(name, str) and (TAG_RE.fullmatch(name) or name in RESERVED_MESSAGE_TAGS)):
        problems.append(
            Problem(("Name",), f"Invalid tag name <{name}>: only alphanumeric ASCII characters, '_', and '-' are allowed.")
        )
    if not (isinstance(value, str) and TAG_RE.fullmatch(value)):
        problems.append(
            Problem(("Value",), f"Invalid tag value <{value}>: only alphanumeric ASCII characters, '_', and '-' are allowed.")
        )
    return problems


def is_metric_header_value(value: str) -> bool:
    """Whether SES publishes a metric for a header dimension with this value."""
    return bool(HEADER_DIMENSION_VALUE_RE.fullmatch(value))


# --- targets ------------------------------------------------------------------------


def check_sns_topic(name_or_arn: Any, *, fifo: bool | None = None) -> list[Problem]:
    """SES publishes only to standard SNS topics, never FIFO topics."""
    if name_or_arn is UNRESOLVED and not fifo:
        return []
    is_fifo = fifo or (isinstance(name_or_arn, str) and name_or_arn.endswith(".fifo"))
    if is_fifo:
        return [Problem((), f"SNS topic {_show(name_or_arn)} is a FIFO topic; SES event destinations take standard topics only")]
    return []


def check_event_bus(name_or_arn: Any) -> list[Problem]:
    """SES publishes only to the default EventBridge bus (API and CloudFormation)."""
    if name_or_arn is UNRESOLVED or name_or_arn is None:
        return []
    if isinstance(name_or_arn, str) and (name_or_arn == "default" or re.fullmatch(r"arn:[^:]+:events:[^:]*:[^:]*:event-bus/default", name_or_arn)):
        return []
    return [Problem((), f"event bus {_show(name_or_arn)} is not the default bus; SES publishes only to the default event bus")]


# --- configuration set options ------------------------------------------------------


def check_max_delivery_seconds(value: Any) -> list[Problem]:
    """Maximum delivery duration: 300 s (5 minutes) to 50,400 s (14 hours)."""
    if value is UNRESOLVED or value is None:
        return []
    if not isinstance(value, int | float) or not MIN_MAX_DELIVERY_SECONDS <= value <= MAX_MAX_DELIVERY_SECONDS:
        return [
            Problem(
                (),
                f"maximum delivery duration {_show(value)} s is out of range; SES allows "
                f"{MIN_MAX_DELIVERY_SECONDS}-{MAX_MAX_DELIVERY_SECONDS} seconds (5 minutes to 14 hours)",
            )
        ]
    return []


def check_tracking(custom_redirect_domain: Any, https_policy: Any) -> list[Problem]:
    """Open/click tracking: an HTTPS policy needs a custom redirect domain."""
    problems = []
    if https_policy not in (None, UNRESOLVED) and https_policy not in HTTPS_POLICIES:
        problems.append(Problem(("https_policy",), f"unknown HTTPS policy {_show(https_policy)}; use one of {_one_of(HTTPS_POLICIES)}"))
    if https_policy not in (None, UNRESOLVED) and custom_redirect_domain is None:
        problems.append(Problem(("https_policy",), "an HTTPS policy applies only to a custom redirect domain; set custom_redirect_domain too"))
    return problems


# --- resources the destinations point at --------------------------------------------

TOPIC_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}(\.fifo)?")
STANDARD_TOPIC_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
DELIVERY_STREAM_NAME_RE: Final = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def check_topic_name(value: Any) -> list[Problem]:
    """An SNS topic name (1-256 of ``[A-Za-z0-9_-]``), and not a FIFO topic."""
    if value is UNRESOLVED:
        return []
    return _check_pattern(
        value, TOPIC_NAME_RE, "SNS topic name", "1-256 characters of A-Z, a-z, 0-9, '_' and '-'", 261
    ) or check_sns_topic(value)


def check_delivery_stream_name(value: Any) -> list[Problem]:
    """A Firehose delivery stream name: 1-64 of ``[A-Za-z0-9_.-]``."""
    return _check_pattern(
        value, DELIVERY_STREAM_NAME_RE, "delivery stream name", "1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-'", 64
    )
