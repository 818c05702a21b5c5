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
from collections.abc import Callable, Iterable, Mapping, Sequence
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
    ``detail-type``; ``detail_key``: the record's per-type object; ``metric_name``: the
    CloudWatch metric (namespace ``AWS/SES``) a CloudWatch event destination publishes.

    Metric names: Send, Reject, Bounce, Complaint, Delivery, Open and Click are the same in
    the CloudWatch User Guide (ses-metricscollected) and aws-cdk-lib's ``SESMetrics``
    canned metrics (generated from CloudWatch's metric catalog). For rendering failures
    AWS's pages disagree: the canned metrics and the SES guide's current "Monitoring your
    sending activity" page say ``RenderingFailure``, an older CloudWatch User Guide table
    says ``Rendering Failure`` (the record's ``eventType``); ``RenderingFailure`` is used.
    No AWS page lists the metric names of DeliveryDelay and Subscription (both added after
    those tables); they are assumed to equal the record's ``eventType``. None of the three
    was checked against a live account.
    """

    SEND = ("send", "SEND", "Send", "Email Sent", "send", "Send")
    REJECT = ("reject", "REJECT", "Reject", "Email Rejected", "reject", "Reject")
    BOUNCE = ("bounce", "BOUNCE", "Bounce", "Email Bounced", "bounce", "Bounce")
    COMPLAINT = ("complaint", "COMPLAINT", "Complaint", "Email Complaint Received", "complaint", "Complaint")
    DELIVERY = ("delivery", "DELIVERY", "Delivery", "Email Delivered", "delivery", "Delivery")
    OPEN = ("open", "OPEN", "Open", "Email Opened", "open", "Open")
    CLICK = ("click", "CLICK", "Click", "Email Clicked", "click", "Click")
    RENDERING_FAILURE = (
        "renderingFailure", "RENDERING_FAILURE", "Rendering Failure", "Email Rendering Failed", "failure", "RenderingFailure"
    )
    DELIVERY_DELAY = (
        "deliveryDelay", "DELIVERY_DELAY", "DeliveryDelay", "Email Delivery Delayed", "deliveryDelay", "DeliveryDelay"
    )
    SUBSCRIPTION = ("subscription", "SUBSCRIPTION", "Subscription", "Email Subscribed", "subscription", "Subscription")

    def __init__(self, cfn: str, v2: str, record: str, detail_type: str, detail_key: str, metric_name: str) -> None:
        self.cfn = cfn
        self.v2 = v2
        self.record = record
        self.detail_type = detail_type
        self.detail_key = detail_key
        self.metric_name = metric_name


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
    ALL: Final = DOCUMENTED + (SOURCE_TLS_VERSION, OUTGOING_TLS_VERSION, OPERATION, RECIPIENT_ISP, SENDER_IDENTITY)


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
        problems += under(check_link_tag_dimension(name, source, default, event_set), index)
    return problems + check_unique([name for name, _, _ in dimensions], "dimension name")


def check_link_tag_dimension(name: Any, source: Any, default: Any, events: Iterable[EventType]) -> list[Problem]:
    """A warning at ``source`` for a link-tag dimension on a destination that does not match
    Click events: only Click events carry link tags, so every value would be the default."""
    parsed, _ = parse_dimension_source(source)
    event_set = set(events)
    if parsed is not DimensionSource.LINK_TAG or not event_set or EventType.CLICK in event_set:
        return []
    return [
        Problem(
            ("source",),
            f"link-tag dimension {name!r} on a destination that does not match click events: "
            f"only Click events carry link tags, so every value will be the default {default!r}",
            Severity.WARNING,
        )
    ]


def check_default_not_in_use(name: str, default: str, values_in_use: Iterable[str]) -> list[Problem]:
    """A dimension's default must differ from every value real messages give it.

    SES publishes the default for a message without the tag (header, link tag), so a
    default equal to a real value (``campaign`` defaulting to ``spring`` while a spring
    campaign runs) adds every untagged message to that value's metric, and CloudWatch can
    no longer tell the two apart. ``values_in_use`` are the values sends are known to use
    (only the caller knows them: the templates do not say). A warning at ``default``.
    """
    if default not in set(values_in_use):
        return []
    return [
        Problem(
            ("default",),
            f"dimension {name!r} defaults to {default!r}, a value real messages use: untagged messages are counted "
            f"as {default!r} too, and the metric cannot tell them apart; choose a default no tag uses, such as 'none'",
            Severity.WARNING,
        )
    ]


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


# --- CloudWatch metrics and reputation thresholds ------------------------------------
#
# A CloudWatch event destination publishes, for each event type it matches, the metric
# ``EventType.metric_name`` in namespace ``AWS/SES`` with exactly the destination's
# dimensions, each set to the message's tag, header or link-tag value or to the
# dimension's default (DG event-publishing-add-event-destination-cloudwatch.md and
# event-publishing-retrieving-cloudwatch.md: "CloudWatch uses the dimension names that
# you specify"). Nothing else is added: no configuration-set dimension unless the
# destination names the ``ses:configuration-set`` auto-tag. CloudWatch identifies a
# metric by namespace, name and the full set of dimensions, so a metric that leaves out
# one of them, or adds another, is a different metric that SES never publishes; and two
# destinations (even in different configuration sets) with the same dimension names
# publish into the same metrics.

METRIC_NAMESPACE: Final = "AWS/SES"
CONFIGURATION_SET_DIMENSION: Final = AutoTag.CONFIGURATION_SET


@dataclass(frozen=True)
class MetricKey:
    """What identifies a CloudWatch metric: namespace, name and dimensions (sorted by name)."""

    namespace: str
    metric_name: str
    dimensions: tuple[tuple[str, str], ...] = ()

    @property
    def dimensions_map(self) -> dict[str, str]:
        return dict(self.dimensions)


def event_metric_key(event: EventType, dimensions: Mapping[str, str]) -> MetricKey:
    """The metric an event is counted in by a CloudWatch destination with these
    dimension values (the message's values or the defaults)."""
    return MetricKey(METRIC_NAMESPACE, event.metric_name, tuple(sorted(dimensions.items())))


class ReputationMetric(enum.Enum):
    """SES's reputation metrics and the levels at which AWS acts on them.

    SES publishes ``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` in ``AWS/SES``
    as fractions (0.05 is 5%; DG reputationdashboard-cloudwatch-alarm.md, CloudWatch User
    Guide "multiply by 100"): for the account without dimensions, and for each
    configuration set with reputation metrics enabled with the single dimension
    ``ses:configuration-set`` (DG configuration-sets-export-metrics.md; aws-cdk-lib's
    ``SESMetrics.reputationBounceRateAverage``). SES computes them over a representative
    volume of recent sending, not per period, and leaves out hard bounces to verified
    addresses and the mailbox simulator.

    ``review_percent`` / ``pause_percent``: DG reputationdashboardmessages.md ("maintain
    bounce rates below 5%", complaint rates "below 0.1%"; the account may be placed under
    review at these levels) and reputationdashboard-cloudwatch-alarm.md ("If the bounce
    rate ... is greater than 10%", complaint rate "greater than 0.5%, we might pause your
    account's ability to send"). AWS's pages contradict each other: the auto-pause page
    (monitoring-sender-reputation-pausing.md) and an older dashboard page put the review
    itself at 10% / 0.5%. The earlier (stricter) levels are used.

    ``alarm_percent``: the default alarm threshold, half the review level; ``rationale``
    says why and is written into each alarm's description.
    """

    BOUNCE_RATE = (
        "Reputation.BounceRate",
        EventType.BOUNCE,
        "bounce rate",
        5.0,
        10.0,
        2.5,
        "half the 5% at which AWS places the account under review (it may pause sending at 10%). "
        "SES computes the rate over a representative volume of recent sending, so it moves slowly: "
        "alarming at half the review level leaves time to stop the list or campaign that bounces "
        "before AWS acts.",
    )
    COMPLAINT_RATE = (
        "Reputation.ComplaintRate",
        EventType.COMPLAINT,
        "complaint rate",
        0.1,
        0.5,
        0.05,
        "half the 0.1% at which AWS places the account under review (it may pause sending at 0.5%). "
        "Complaints arrive hours or days after delivery and not every mailbox provider reports "
        "them, so the measured rate trails the real one: alarming at half the review level "
        "leaves time to act before AWS does.",
    )

    def __init__(
        self,
        metric_name: str,
        event: EventType,
        label: str,
        review_percent: float,
        pause_percent: float,
        alarm_percent: float,
        rationale: str,
    ) -> None:
        self.metric_name = metric_name
        self.event = event
        self.label = label
        self.review_percent = review_percent
        self.pause_percent = pause_percent
        self.alarm_percent = alarm_percent
        self.rationale = rationale

    def key(self, configuration_set: str | None = None) -> MetricKey:
        """The account-level metric, or the one of ``configuration_set``."""
        dimensions = ((CONFIGURATION_SET_DIMENSION, configuration_set),) if configuration_set is not None else ()
        return MetricKey(METRIC_NAMESPACE, self.metric_name, dimensions)


def percent_to_fraction(percent: float) -> float:
    """``2.5`` (%) -> ``0.025``, the unit of the reputation metrics and of event-rate math."""
    return round(percent / 100, 10)


# How the alarms evaluate (the replay of alarms reads the same values from the template).
# Every alarm fires at or above its threshold (GreaterThanOrEqualToThreshold, as AWS's
# guide sets it) on one datapoint out of one: the rates are hourly, so one bad hour is
# already a trend worth a look.
ALARM_EVALUATION_PERIODS: Final = 1
# Reputation alarms: one hourly datapoint at or above the threshold is enough, because SES
# already smooths the rate over a representative volume; missing data keeps the alarm's
# state ("ignore"), as DG reputationdashboard-cloudwatch-alarm.md recommends: SES does not
# publish the rate while nothing is sent, and silence is neither good nor bad news.
REPUTATION_ALARM_STATISTIC: Final = "Average"
REPUTATION_ALARM_PERIOD_SECONDS: Final = 3600
REPUTATION_ALARM_TREAT_MISSING_DATA: Final = "ignore"
# Per-dimension alarms compute the rate from event metrics (bounces / sends per hour).
# Below ``minimum_sends`` sends in the hour the rate is reported as 0: one bounce in 20
# sends is 5% and says nothing. A period without sends has no datapoint and is not
# breaching: nothing sent, nothing at risk. Bounces and complaints arrive after their
# sends, so an hourly rate approximates the real one; SES's own reputation rate is the
# authoritative figure.
DIMENSION_ALARM_PERIOD_SECONDS: Final = 3600
DIMENSION_ALARM_MINIMUM_SENDS: Final = 100
DIMENSION_ALARM_TREAT_MISSING_DATA: Final = "notBreaching"
# The events a per-dimension alarm reads: the destination must publish all of them.
DIMENSION_ALARM_EVENTS: Final = (EventType.SEND, EventType.BOUNCE, EventType.COMPLAINT)


def check_alarm_threshold(metric: ReputationMetric, percent: Any) -> list[Problem]:
    """An alarm threshold in percent: above 0, below AWS's pause level (error) and
    preferably below its review level (warning): an alarm is there to warn before AWS acts."""
    if percent is UNRESOLVED or percent is None:
        return []
    what = f"{metric.label} alarm threshold"
    if isinstance(percent, bool) or not isinstance(percent, int | float):
        return [Problem((), f"{what} must be a number of percent such as {metric.alarm_percent:g}; got {_show(percent)}")]
    if percent <= 0:
        return [Problem((), f"{what} {percent:g}% must be above 0% (default {metric.alarm_percent:g}%)")]
    if percent >= metric.pause_percent:
        return [
            Problem(
                (),
                f"{what} {percent:g}% is at or above the {metric.pause_percent:g}% at which AWS may pause sending: "
                f"the alarm would fire only when sending may already be paused; use a value below the "
                f"{metric.review_percent:g}% review level (default {metric.alarm_percent:g}%)",
            )
        ]
    if percent >= metric.review_percent:
        return [
            Problem(
                (),
                f"{what} {percent:g}% is at or above the {metric.review_percent:g}% at which AWS places the "
                f"account under review: the alarm fires only once the review may have begun "
                f"(default {metric.alarm_percent:g}%)",
                Severity.WARNING,
            )
        ]
    return []


def check_minimum_sends(value: Any) -> list[Problem]:
    """The send volume below which a per-dimension rate is not judged: a whole number >= 1."""
    if value is UNRESOLVED or value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [Problem((), f"minimum sends must be a whole number of at least 1; got {_show(value)}")]
    return []


# --- which metrics exist: a CloudWatch destination's dimensions ----------------------


@dataclass(frozen=True)
class CloudWatchDestination:
    """What one CloudWatch event destination publishes: for each of ``events``, the metric
    ``event.metric_name`` with exactly ``dimensions`` (names; ``UNRESOLVED`` for a token)."""

    name: str
    dimensions: tuple[Any, ...]
    events: tuple[EventType, ...]
    enabled: bool = True

    def describe(self) -> str:
        return f"{self.name} ({', '.join(str(d) for d in self.dimensions)})"


def check_metric_dimensions(
    destinations: Sequence[CloudWatchDestination],
    events: Iterable[EventType],
    dimensions: Mapping[Any, Any],
    *,
    configuration_set_name: Any = UNRESOLVED,
) -> tuple[dict[Any, Any], list[Problem]]:
    """Check that an event metric with these dimension values is one SES publishes.

    The names must be exactly the dimensions of one enabled destination of the
    configuration set that matches every event type in ``events``. The
    ``ses:configuration-set`` dimension may be left out: its value is always the
    configuration set's name, filled in from ``configuration_set_name`` when that is
    given. Returns the dimensions (completed) and the problems: unknown names at
    ``(name,)``, the rest at ``()``. Skipped when a name is an unresolved token.
    """
    given = dict(dimensions)
    if UNRESOLVED in given or any(UNRESOLVED in d.dimensions for d in destinations):
        return given, []
    if not destinations:
        return given, [
            Problem((), "the configuration set has no CloudWatch event destination, so SES publishes no event metrics for it")
        ]
    published = "; ".join(d.describe() for d in destinations)
    if not given:
        return given, [
            Problem((), f"an event metric carries its destination's dimensions: give a value for each; destinations: {published}")
        ]
    problems = [
        Problem((name,), f"value {_show(value)} must be a non-empty string")
        for name, value in given.items()
        if value is not UNRESOLVED and not (isinstance(value, str) and value)
    ]
    known = {name for d in destinations for name in d.dimensions}
    unknown = [name for name in given if name not in known]
    if unknown:
        return given, problems + [
            Problem((name,), f"unknown dimension {name!r}: no CloudWatch destination of this configuration set publishes it; destinations: {published}")
            for name in unknown
        ]
    names = set(given)
    filled = CONFIGURATION_SET_DIMENSION not in names and configuration_set_name is not UNRESOLVED
    if filled and any(set(d.dimensions) == names | {CONFIGURATION_SET_DIMENSION} for d in destinations):
        given[CONFIGURATION_SET_DIMENSION] = configuration_set_name
        names.add(CONFIGURATION_SET_DIMENSION)
    matching = [d for d in destinations if set(d.dimensions) == names]
    if not matching:
        wider = [d for d in destinations if names < set(d.dimensions)]
        if wider:
            missing = [n for n in wider[0].dimensions if n not in names]
            return given, problems + [
                Problem(
                    (),
                    f"missing dimension(s) {', '.join(map(str, missing))}: destination {wider[0].describe()} publishes "
                    f"every metric with all of its dimensions, so a metric without them never exists",
                )
            ]
        return given, problems + [
            Problem((), f"no CloudWatch destination publishes the dimensions {', '.join(map(str, given))} together; destinations: {published}")
        ]
    enabled = [d for d in matching if d.enabled]
    if not enabled:
        return given, problems + [
            Problem((), f"destination {', '.join(d.name for d in matching)} is disabled, so it publishes no metrics")
        ]
    for event in events:
        if not any(event in d.events for d in enabled):
            which = enabled[0]
            problems.append(
                Problem(
                    (),
                    f"destination {which.name} does not match {event.cfn} events (it matches "
                    f"{_one_of(e.cfn for e in which.events)}), so SES publishes no {event.metric_name} metric with these dimensions",
                )
            )
    return given, problems


# --- alarm notifications ------------------------------------------------------------

EMAIL_RE: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def check_email_address(value: Any) -> list[Problem]:
    """An address SNS can subscribe (protocol ``email``): ``name@domain.tld``."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and EMAIL_RE.fullmatch(value):
        return []
    return [Problem((), f"{_show(value)} is not an email address such as ops@example.com")]


# CloudWatch PutDashboard: "up to 255 characters ... A-Z, a-z, 0-9, '-' and '_'".
DASHBOARD_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,255}")


def check_dashboard_name(value: Any) -> list[Problem]:
    """A CloudWatch dashboard name: 1-255 of ``[A-Za-z0-9_-]`` (``None``: CloudFormation names it)."""
    if value is None:
        return []
    return _check_pattern(value, DASHBOARD_NAME_RE, "dashboard name", "1-255 characters of A-Z, a-z, 0-9, '_' and '-'", 255)
