"""CloudWatch: the metrics an event destination publishes, its dimensions, dashboards and
alarm notifications."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, Severity, check_pattern, one_of, show, under
from ses_metrics.rules.ses import (
    DEFAULT_VALUE_FORM,
    DEFAULT_VALUE_RE,
    DIMENSION_NAME_FORM,
    DIMENSION_NAME_RE,
    MAX_DIMENSION_LENGTH,
    MAX_DIMENSIONS,
    SES_GUIDE_DEFAULT_VALUE_RE,
    AutoTag,
    EventType,
    check_unique,
)

# DG event-publishing-add-event-destination-cloudwatch.md: not usable as header dimensions.
FORBIDDEN_HEADER_DIMENSIONS: Final = ("Received", "To", "From", "DKIM-Signature", "CC", "message-id", "Return-Path")
_FORBIDDEN_HEADERS_LOWER: Final = frozenset(h.lower() for h in FORBIDDEN_HEADER_DIMENSIONS)

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


# --- CloudWatch dimensions ----------------------------------------------------------


def parse_dimension_source(value: Any) -> tuple[DimensionSource | None, list[Problem]]:
    """A dimension source in the config, CloudFormation or SESv2 spelling."""
    if value is UNRESOLVED:
        return None, []
    if isinstance(value, DimensionSource):
        return value, []
    source = _SOURCE_BY_NAME.get(value) if isinstance(value, str) else None
    if source is None:
        return None, [Problem((), f"unknown dimension source {show(value)}; use one of {one_of(DIMENSION_SOURCE_NAMES)}")]
    return source, []


def check_dimension_name(value: Any) -> list[Problem]:
    """A dimension name: 1-256 of ``[A-Za-z0-9_:-]`` (CFN; ':' allows auto-tags)."""
    return check_pattern(value, DIMENSION_NAME_RE, "dimension name", DIMENSION_NAME_FORM, MAX_DIMENSION_LENGTH)


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
    return check_pattern(value, DEFAULT_VALUE_RE, "default value", DEFAULT_VALUE_FORM, MAX_DIMENSION_LENGTH)


def dimension_values(
    source: DimensionSource,
    name: str,
    *,
    tags: Mapping[str, Sequence[str]],
    headers: Sequence[Mapping[str, str]],
    link_tags: Mapping[str, Sequence[str]] | None,
) -> list[str]:
    """The values a message (and, for a click, its link) gives a dimension: the message
    tag's values, the link tag's values, or the values of every header of that name (header
    names compare without case). SES publishes the first; none: the default."""
    if source is DimensionSource.MESSAGE_TAG:
        return list(tags.get(name) or ())
    if source is DimensionSource.LINK_TAG:
        return list((link_tags or {}).get(name) or ())
    wanted = name.lower()
    return [h["value"] for h in headers if h["name"].lower() == wanted]


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
                f"{one_of(FORBIDDEN_HEADER_DIMENSIONS)}",
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
# one of them, or adds another, is a different metric that no destination publishes (with
# no dimensions at all it is the account-level metric below); and two destinations (even
# in different configuration sets) with the same dimension names publish into the same
# metrics.

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


# --- account-level metrics -----------------------------------------------------------
#
# SES publishes "coarse metrics ... totals across your entire AWS account ... to CloudWatch
# automatically" (DG event-publishing-retrieving-cloudwatch.md, "two levels of granularity";
# the console's "Account Sending Metrics"), for every send, with or without a configuration
# set ("What if I don't specify a configuration set? You can still get the usual metrics ...
# at the account level", AWS blog "Introducing Sending Metrics"). They carry no dimensions.
# Which: aws-cdk-lib 2.275's canned metrics (ses-canned-metrics.generated, generated from
# CloudWatch's metric catalog) define account-level Send, Reject, Bounce, Complaint,
# Delivery, Open, Click and RenderingFailure (statistic Sum) and nothing for DeliveryDelay
# or Subscription (re:Post ses-monitor-delivery-delays: CloudWatch does not support
# DeliveryDelay). Open and Click are counted "only when you use a configuration set that
# publishes Open [Click] events" (CloudWatch User Guide, ses-metricscollected). Mailbox
# simulator traffic is counted ("bounce metrics don't appear ... until ... you generate a
# simulated bounce event by using the mailbox simulator", DG monitor-sending-activity.md).

ACCOUNT_METRIC_EVENTS: Final = (
    EventType.SEND, EventType.REJECT, EventType.BOUNCE, EventType.COMPLAINT, EventType.DELIVERY,
    EventType.OPEN, EventType.CLICK, EventType.RENDERING_FAILURE,
)
# Counted at account level only for a configuration set that publishes them (tracking on).
TRACKED_ACCOUNT_METRIC_EVENTS: Final = (EventType.OPEN, EventType.CLICK)


def account_metric_key(event: EventType) -> MetricKey:
    """The account-level metric SES publishes for ``event`` (no dimensions); ``KeyError``
    for the event types SES publishes no account-level metric for."""
    if event not in ACCOUNT_METRIC_EVENTS:
        raise KeyError(event)
    return MetricKey(METRIC_NAMESPACE, event.metric_name)


def event_metric_key(event: EventType, dimensions: Mapping[str, str]) -> MetricKey:
    """The metric an event is counted in by a CloudWatch destination with these
    dimension values (the message's values or the defaults)."""
    return MetricKey(METRIC_NAMESPACE, event.metric_name, tuple(sorted(dimensions.items())))


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
            Problem(
                (),
                f"a configuration set's event metric carries its destination's dimensions: give a value for each "
                f"(destinations: {published}); the account-level metric without dimensions counts every send of the account",
            )
        ]
    problems = [
        Problem((name,), f"value {show(value)} must be a non-empty string")
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
                    f"{one_of(e.cfn for e in which.events)}), so SES publishes no {event.metric_name} metric with these dimensions",
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
    return [Problem((), f"{show(value)} is not an email address such as ops@example.com")]


# CloudWatch PutDashboard: "up to 255 characters ... A-Z, a-z, 0-9, '-' and '_'".
DASHBOARD_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,255}")


def check_dashboard_name(value: Any) -> list[Problem]:
    """A CloudWatch dashboard name: 1-255 of ``[A-Za-z0-9_-]`` (``None``: CloudFormation names it)."""
    if value is None:
        return []
    return check_pattern(value, DASHBOARD_NAME_RE, "dashboard name", "1-255 characters of A-Z, a-z, 0-9, '_' and '-'", 255)
