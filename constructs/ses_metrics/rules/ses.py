"""What SES accepts: names, limits, event types, dimension sources, auto-tags, message tags and
headers, configuration set options.

Sources are cited as in ``reference/ses-facts.md``: DG is the SES Developer Guide, "v1" and
"v2" are the SES service models, CFN the CloudFormation resource schemas.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, check_pattern, one_of, show

# --- limits (DG quotas.md, v1/v2 service models) ----------------------------------

MAX_EVENT_DESTINATIONS: Final = 10
MAX_DIMENSIONS: Final = 10
MAX_CONFIGURATION_SETS: Final = 10_000
MAX_NAME_LENGTH: Final = 64
MAX_DIMENSION_LENGTH: Final = 256
MAX_TAG_LENGTH: Final = 256
MIN_MAX_DELIVERY_SECONDS: Final = 300
MAX_MAX_DELIVERY_SECONDS: Final = 50_400

# Sends (SendEmail API reference, DG quotas.md): a message of at most 10 MB through v1 (40 MB
# through v2: rules/content.py), at most 50 recipients across To, CC and BCC (SES answers
# "Recipient count exceeds 50.": InvalidParameterValue in v1, BadRequestException in v2); SES publishes at most 10 KB of headers in event records and sets
# headersTruncated beyond.
MAX_MESSAGE_BYTES: Final = 10 * 1024 * 1024
MAX_RECIPIENTS: Final = 50
MAX_PUBLISHED_HEADER_BYTES: Final = 10 * 1024

# arn:<partition>:ses:<region>:<account>:configuration-set/<name>, the aws:SourceArn SES
# presents when it assumes a role or publishes to a topic for a configuration set.
CONFIGURATION_SET_ARN_RESOURCE: Final = "configuration-set"


def configuration_set_arn(partition: str, region: str, account: str, name: str) -> str:
    """A configuration set's ARN, as SES's ``aws:SourceArn`` condition key sees it."""
    return f"arn:{partition}:ses:{region}:{account}:{CONFIGURATION_SET_ARN_RESOURCE}/{name}"

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

# Reserved message tags SES accepts despite the ':' (June 2024).
RESERVED_MESSAGE_TAGS: Final = frozenset({"ses:feedback-id-a", "ses:feedback-id-b"})

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


class AutoTag:
    """Tags SES adds to every message sent with a configuration set.

    ``DOCUMENTED``: the table "SES Auto-Tags" of DG monitor-using-event-publishing.html
    (the TLS versions were added after 2022). ``ses:operation`` is in AWS's own Subscription
    example and in every real record; the recipient-isp and sender-identity names appear only
    in GetMessageInsights. Use the full name as a dimension name, with a default.

    Which records carry which (AWS's examples, and real records captured in 2026):
    ``ses:outgoing-ip`` and ``ses:outgoing-tls-version`` only Delivery records (SES knows
    them once it has delivered); the others every record of the message. A CloudWatch
    dimension on an auto-tag takes the value the event's own record carries, else its
    default (DG: "If the tag ... is not present for a given message, SES will use the default
    value you specify").
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

    DOCUMENTED: Final = (CALLER_IDENTITY, CONFIGURATION_SET, FROM_DOMAIN, OUTGOING_IP, SOURCE_IP, SOURCE_TLS_VERSION, OUTGOING_TLS_VERSION)
    ALL: Final = DOCUMENTED + (OPERATION, RECIPIENT_ISP, SENDER_IDENTITY)
    # Known only once SES has delivered the message: on Delivery records alone.
    DELIVERY_ONLY: Final = (OUTGOING_IP, OUTGOING_TLS_VERSION)


# Link attributes in HTML bodies (DG faqs-metrics, "Tagging links"): ses:tags="name:value;..."
# gives a tracked link its link tags, ses:no-track turns its click tracking off.
LINK_TAGS_ATTRIBUTE: Final = "ses:tags"
NO_TRACK_ATTRIBUTE: Final = "ses:no-track"

TLS_POLICIES: Final = ("REQUIRE", "OPTIONAL")
HTTPS_POLICIES: Final = ("REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL")
SUPPRESSION_REASONS: Final = ("BOUNCE", "COMPLAINT")

# --- names --------------------------------------------------------------------------


def check_configuration_set_name(value: Any) -> list[Problem]:
    """A configuration set name: 1-64 of ``[A-Za-z0-9_-]`` (v1/v2 models)."""
    return check_pattern(value, NAME_RE, "configuration set name", NAME_FORM, MAX_NAME_LENGTH)


def check_event_destination_name(value: Any) -> list[Problem]:
    """An event destination name: 1-64 of ``[A-Za-z0-9_-]`` (v1/v2 models)."""
    return check_pattern(value, NAME_RE, "event destination name", NAME_FORM, MAX_NAME_LENGTH)


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


def check_configuration_set_count(count: int) -> list[Problem]:
    """At most 10,000 configuration sets per Region (a quota that cannot be raised)."""
    if count > MAX_CONFIGURATION_SETS:
        return [Problem((), f"{count:,} configuration sets; SES allows at most {MAX_CONFIGURATION_SETS:,} per Region (not adjustable)")]
    return []


def check_event_destinations(names: Sequence[Any]) -> list[Problem]:
    """A configuration set's destinations: at most 10, names unique within the set."""
    problems = []
    if len(names) > MAX_EVENT_DESTINATIONS:
        problems.append(
            Problem((), f"{len(names)} event destinations; SES allows at most {MAX_EVENT_DESTINATIONS} per configuration set")
        )
    return problems + check_unique(names, "event destination name")


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
        return (), [Problem((), f"events must be {ALL_EVENTS!r} or a list of event types; got {show(value)}")]
    if not value:
        return (), [Problem((), f"events is empty: list at least one of {one_of(EVENT_TYPE_NAMES)}, or use {ALL_EVENTS!r}")]
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
                    f"unknown event type {show(name)}; use one of {one_of(EVENT_TYPE_NAMES)} "
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


# --- configuration set options ------------------------------------------------------


def check_max_delivery_seconds(value: Any) -> list[Problem]:
    """Maximum delivery duration: 300 s (5 minutes) to 50,400 s (14 hours)."""
    if value is UNRESOLVED or value is None:
        return []
    if not isinstance(value, int | float) or not MIN_MAX_DELIVERY_SECONDS <= value <= MAX_MAX_DELIVERY_SECONDS:
        return [
            Problem(
                (),
                f"maximum delivery duration {show(value)} s is out of range; SES allows "
                f"{MIN_MAX_DELIVERY_SECONDS}-{MAX_MAX_DELIVERY_SECONDS} seconds (5 minutes to 14 hours)",
            )
        ]
    return []


def check_tracking(custom_redirect_domain: Any, https_policy: Any) -> list[Problem]:
    """Open/click tracking: an HTTPS policy needs a custom redirect domain."""
    problems = []
    if https_policy not in (None, UNRESOLVED) and https_policy not in HTTPS_POLICIES:
        problems.append(Problem(("https_policy",), f"unknown HTTPS policy {show(https_policy)}; use one of {one_of(HTTPS_POLICIES)}"))
    if https_policy not in (None, UNRESOLVED) and custom_redirect_domain is None:
        problems.append(Problem(("https_policy",), "an HTTPS policy applies only to a custom redirect domain; set custom_redirect_domain too"))
    return problems


