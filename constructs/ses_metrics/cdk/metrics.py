"""Metric helpers: the CloudWatch metrics SES publishes for a configuration set.

``SendingMetrics`` is mixed into ``SendingConfigurationSet``; it gives each event type's
metric (``metric``, ``metric_sends``, ``metric_bounces``, ...), rates as metric math
(``metric_rate``, ``metric_bounce_rate``, ``metric_complaint_rate``), SEARCH expressions
for dashboards (``metric_search``, ``metric_total``) and the set's reputation metrics
(``metric_reputation_bounce_rate``, ...). The account-level metrics are module functions:
``metric_account`` (an event type's count for the whole account) and
``metric_account_bounce_rate`` / ``metric_account_complaint_rate``.

SES publishes each event metric in two forms. For the whole account, **without
dimensions**, automatically, for every send with or without a configuration set (Send,
Reject, Bounce, Complaint, Delivery, Open, Click, RenderingFailure;
``rules.ACCOUNT_METRIC_EVENTS`` cites the sources): ``metric_account``. And through a
configuration set's CloudWatch destination, with exactly that destination's dimensions
(``rules.check_metric_dimensions``): the ``SendingMetrics`` helpers, which check that first
and raise ``rules.ValidationError`` for a combination of dimensions no destination of the
set publishes. Helpers that return a SEARCH expression are for dashboards: CloudWatch
alarms cannot evaluate SEARCH.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypedDict, Unpack

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch

from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.rules import EventType, Problem, ReputationMetric

if TYPE_CHECKING:
    from constructs import Node

DEFAULT_PERIOD = cdk.Duration.minutes(5)
EventArg = EventType | str



class MetricProps(TypedDict, total=False):
    """aws-cdk's ``MetricOptions`` as keyword arguments (``dimensions``: an alias of
    ``dimensions_map``, the name earlier versions used)."""

    account: str
    color: str
    dimensions_map: Mapping[str, str]
    dimensions: Mapping[str, str]
    id: str
    label: str
    period: cdk.Duration
    region: str
    stack_account: str
    stack_region: str
    statistic: str
    unit: cloudwatch.Unit
    visible: bool


_BARE_NAME = re.compile(r"[A-Za-z0-9_]+")


def _event(value: EventArg) -> EventType:
    if isinstance(value, EventType):
        return value
    parsed, problems = rules.parse_event_types([value])
    rules.raise_for(problems, "metric event")
    return parsed[0]


def _quoted(name: str) -> str:
    """A name as a CloudWatch search expression needs it: double-quoted unless alphanumeric."""
    return name if _BARE_NAME.fullmatch(name) else f'"{name}"'


def search_expression(event: EventType, dimensions: Sequence[str], *, statistic: str, period: cdk.Duration, term: str = "") -> str:
    """``SEARCH('{AWS/SES,campaign,"ses:from-domain"} MetricName="Bounce"', 'Sum', 300)``:
    every metric of this event type with exactly these dimension names, any values."""
    schema = ",".join([rules.METRIC_NAMESPACE, *(_quoted(d) for d in dimensions)])
    query = f'{{{schema}}} MetricName="{event.metric_name}"{term}'
    return f"SEARCH('{query}', '{statistic}', {int(period.to_seconds())})"


def rate_expression(events_id: str, sends_id: str, minimum_sends: int) -> str:
    """Events per send, 0 below ``minimum_sends`` sends. ``FILL(x, 0)``: SES publishes no
    datapoint for a period without such events; ``IF``: too few sends say nothing."""
    return f"IF({sends_id} >= {minimum_sends}, FILL({events_id}, 0) / {sends_id}, 0)"


def metric_account(
    event: EventArg, *, statistic: str = "Sum", period: cdk.Duration | None = None, label: str | None = None
) -> cloudwatch.Metric:
    """The account-level count of ``event`` events (``AWS/SES``, no dimensions), which SES
    publishes for every send, with or without a configuration set; by default summed over 5
    minutes. Open and Click count only messages whose configuration set publishes them.
    Raises ``ValidationError`` for DeliveryDelay and Subscription: SES publishes no
    account-level metric for them."""
    parsed = _event(event)
    if parsed not in rules.ACCOUNT_METRIC_EVENTS:
        names = ", ".join(e.cfn for e in rules.ACCOUNT_METRIC_EVENTS)
        rules.raise_for(
            [Problem(("event",), f"SES publishes no account-level {parsed.metric_name} metric; account-level metrics exist for {names}")],
            "account metric",
        )
    return cloudwatch.Metric(
        namespace=rules.METRIC_NAMESPACE, metric_name=parsed.metric_name, statistic=statistic, period=period or DEFAULT_PERIOD, label=label
    )


def metric_account_reputation(
    metric: ReputationMetric, *, statistic: str = rules.REPUTATION_ALARM_STATISTIC, period: cdk.Duration | None = None, label: str | None = None
) -> cloudwatch.Metric:
    """The account's ``Reputation.BounceRate`` or ``Reputation.ComplaintRate`` (no
    dimensions; a fraction, 0.05 = 5%), by default its hourly average."""
    return cloudwatch.Metric(
        namespace=rules.METRIC_NAMESPACE,
        metric_name=metric.metric_name,
        statistic=statistic,
        period=period or cdk.Duration.seconds(rules.REPUTATION_ALARM_PERIOD_SECONDS),
        label=label,
    )


def metric_account_bounce_rate(**options: Any) -> cloudwatch.Metric:
    """The account's ``Reputation.BounceRate`` (what AWS reviews at 5%)."""
    return metric_account_reputation(ReputationMetric.BOUNCE_RATE, **options)


def metric_account_complaint_rate(**options: Any) -> cloudwatch.Metric:
    """The account's ``Reputation.ComplaintRate`` (what AWS reviews at 0.1%)."""
    return metric_account_reputation(ReputationMetric.COMPLAINT_RATE, **options)


class SendingMetrics:
    """The metric helpers of ``SendingConfigurationSet`` (a mixin).

    Relies on the construct's ``node``, ``reputation_metrics_enabled``,
    ``cloudwatch_destinations`` (name -> ``rules.CloudWatchDestination``, kept by
    ``add_cloudwatch_destination``) and ``name_in_metrics``: the set's name as given
    (not the ``Ref`` token of ``configuration_set_name``), so templates and dashboards
    show it literally.
    """

    node: Node
    name_in_metrics: str
    reputation_metrics_enabled: bool
    cloudwatch_destinations: dict[str, rules.CloudWatchDestination]

    # --- one time series ------------------------------------------------------------

    def metric(self, event: EventArg, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """The count of ``event`` events (``AWS/SES``, metric ``event.metric_name``), by
        default summed over 5 minutes; ``props`` are aws-cdk's ``MetricOptions``
        (``dimensions_map``, ``statistic``, ``period``, ``label``, ``color``, ``unit``, ...),
        each overriding the default.

        ``dimensions_map`` (or its alias ``dimensions``) names a value for every dimension
        of one CloudWatch destination of this set that matches ``event``
        (``ses:configuration-set`` may be left out: it is filled in with this set's name).
        Without it, the metric is the set's total, which SES publishes only through a
        destination whose one dimension is ``ses:configuration-set``. Raises
        ``ValidationError`` otherwise, saying which dimensions exist: such a metric is
        never published.
        """
        parsed = _event(event)
        options = {k: v for k, v in props.items() if v is not None}
        given = options.pop("dimensions_map", None)
        alias = options.pop("dimensions", None)
        given = alias if given is None else given
        resolved = self._total_dimensions(parsed) if given is None else self._checked_dimensions([parsed], given)
        return cloudwatch.Metric(
            **{"statistic": "Sum", "period": DEFAULT_PERIOD, **options},
            namespace=rules.METRIC_NAMESPACE,
            metric_name=parsed.metric_name,
            dimensions_map=resolved,
        )

    def metric_sends(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Messages SES accepted and will try to deliver (``Send``)."""
        return self.metric(EventType.SEND, **props)

    def metric_rejects(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Messages SES rejected for containing a virus (``Reject``)."""
        return self.metric(EventType.REJECT, **props)

    def metric_bounces(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Hard bounces (``Bounce``)."""
        return self.metric(EventType.BOUNCE, **props)

    def metric_complaints(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Messages recipients marked as spam (``Complaint``)."""
        return self.metric(EventType.COMPLAINT, **props)

    def metric_deliveries(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Messages the recipient's mail server accepted (``Delivery``)."""
        return self.metric(EventType.DELIVERY, **props)

    def metric_opens(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Opens of HTML messages (``Open``)."""
        return self.metric(EventType.OPEN, **props)

    def metric_clicks(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Clicks on tracked links (``Click``)."""
        return self.metric(EventType.CLICK, **props)

    def metric_rendering_failures(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Templated sends that failed to render (``RenderingFailure``)."""
        return self.metric(EventType.RENDERING_FAILURE, **props)

    def metric_delivery_delays(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Temporary delivery failures (``DeliveryDelay``)."""
        return self.metric(EventType.DELIVERY_DELAY, **props)

    def metric_subscriptions(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """Subscription preference changes (``Subscription``)."""
        return self.metric(EventType.SUBSCRIPTION, **props)

    # --- rates ----------------------------------------------------------------------

    def metric_rate(
        self,
        event: EventArg,
        *,
        dimensions_map: Mapping[str, str] | None = None,
        dimensions: Mapping[str, str] | None = None,
        minimum_sends: int = rules.DIMENSION_ALARM_MINIMUM_SENDS,
        period: cdk.Duration | None = None,
        label: str | None = None,
    ) -> cloudwatch.MathExpression:
        """``event`` events per send as metric math (a fraction, like the reputation
        metrics), hourly by default, 0 while fewer than ``minimum_sends`` were sent.

        With ``dimensions_map`` (alias ``dimensions``; see ``metric``) the rate of one
        combination of values, which alarms can evaluate: ``IF(sends >= N, FILL(bounces, 0) / sends, 0)``. Without, the
        rate over every value the destination publishes, from ``SUM(SEARCH(...))``: for
        dashboards only, since alarms cannot evaluate SEARCH.
        """
        parsed = _event(event)
        period = period or cdk.Duration.seconds(rules.DIMENSION_ALARM_PERIOD_SECONDS)
        dimensions = dimensions if dimensions_map is None else dimensions_map
        if dimensions is not None:
            resolved = self._checked_dimensions([EventType.SEND, parsed], dimensions)
            events: cloudwatch.IMetric = _event_metric(parsed, resolved, "Sum", period)
            sends: cloudwatch.IMetric = _event_metric(EventType.SEND, resolved, "Sum", period)
        else:
            events = self.metric_total(parsed, period=period)
            sends = self.metric_total(EventType.SEND, period=period)
        events_id, sends_id = f"{parsed.name.lower()}s", f"{EventType.SEND.name.lower()}s"
        return cloudwatch.MathExpression(
            expression=rate_expression(events_id, sends_id, minimum_sends),
            using_metrics={events_id: events, sends_id: sends},
            period=period,
            label=label or f"{parsed.record} rate",
        )

    def metric_bounce_rate(self, **options: Any) -> cloudwatch.MathExpression:
        """Bounces per send (see ``metric_rate``)."""
        return self.metric_rate(EventType.BOUNCE, **options)

    def metric_complaint_rate(self, **options: Any) -> cloudwatch.MathExpression:
        """Complaints per send (see ``metric_rate``)."""
        return self.metric_rate(EventType.COMPLAINT, **options)

    # --- every dimension value (dashboards) ----------------------------------------

    def metric_search(
        self,
        event: EventArg,
        *,
        destination: str | None = None,
        statistic: str = "Sum",
        period: cdk.Duration | None = None,
        label: str | None = None,
    ) -> cloudwatch.SearchExpression:
        """One line per combination of dimension values that has data, found by SEARCH at
        view time, so new tag values appear without a redeploy. For dashboards only.

        ``destination`` defaults to the first enabled CloudWatch destination matching
        ``event``. Metrics are matched by dimension names: another configuration set
        publishing the same names is included, unless the destination has the
        ``ses:configuration-set`` dimension (then the search is limited to this set).
        """
        parsed = _event(event)
        chosen = self._destination_for(parsed, destination)
        term = ""
        if rules.CONFIGURATION_SET_DIMENSION in chosen.dimensions:
            term = f' {_quoted(rules.CONFIGURATION_SET_DIMENSION)}="{self.name_in_metrics}"'
        return cloudwatch.SearchExpression(
            expression=search_expression(parsed, chosen.dimensions, statistic=statistic, period=period or DEFAULT_PERIOD, term=term),
            label=label or "",
            period=period or DEFAULT_PERIOD,
        )

    def metric_total(
        self, event: EventArg, *, destination: str | None = None, period: cdk.Duration | None = None, label: str | None = None
    ) -> cloudwatch.MathExpression:
        """All ``event`` events of this set: ``SUM(SEARCH(...))`` over every dimension
        value of the destination (see ``metric_search``). For dashboards only."""
        parsed = _event(event)
        search = self.metric_search(parsed, destination=destination, period=period)
        return cloudwatch.MathExpression(
            expression=f"SUM({search.expression})",
            using_metrics={},
            period=period or DEFAULT_PERIOD,
            label=label or parsed.record,
        )

    # --- reputation -----------------------------------------------------------------

    def metric_reputation(self, metric: ReputationMetric, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """This set's ``Reputation.BounceRate`` or ``Reputation.ComplaintRate`` (dimension
        ``ses:configuration-set``; a fraction), by default its hourly average. Raises
        ``ValidationError`` when the set has reputation metrics off: SES publishes none."""
        if not self.reputation_metrics_enabled:
            rules.raise_for(
                [
                    Problem(
                        ("reputation_metrics",),
                        f"reputation metrics are off for this configuration set, so SES never publishes "
                        f"{metric.metric_name} for it; create it with reputation_metrics=True (an existing set: "
                        "from_configuration_set_name(..., reputation_metrics=True) when it publishes them)",
                    )
                ],
                lambda: f"SendingConfigurationSet {self.node.path}",
            )
        options = {k: v for k, v in props.items() if v is not None and k != "dimensions"}
        defaults = {
            "dimensions_map": {rules.CONFIGURATION_SET_DIMENSION: self.name_in_metrics},
            "statistic": rules.REPUTATION_ALARM_STATISTIC,
            "period": cdk.Duration.seconds(rules.REPUTATION_ALARM_PERIOD_SECONDS),
        }
        return cloudwatch.Metric(**{**defaults, **options}, namespace=rules.METRIC_NAMESPACE, metric_name=metric.metric_name)

    def metric_reputation_bounce_rate(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """This set's ``Reputation.BounceRate``."""
        return self.metric_reputation(ReputationMetric.BOUNCE_RATE, **props)

    def metric_reputation_complaint_rate(self, **props: Unpack[MetricProps]) -> cloudwatch.Metric:
        """This set's ``Reputation.ComplaintRate``."""
        return self.metric_reputation(ReputationMetric.COMPLAINT_RATE, **props)

    # --- internals ------------------------------------------------------------------

    def _total_dimensions(self, event: EventType) -> dict[str, str]:
        """The dimensions of this set's total of ``event``: ``ses:configuration-set``
        alone, published only by a destination with that one dimension."""
        alone = (rules.CONFIGURATION_SET_DIMENSION,)
        if any(d.enabled and event in d.events and tuple(d.dimensions) == alone for d in self.cloudwatch_destinations.values()):
            return {rules.CONFIGURATION_SET_DIMENSION: self.name_in_metrics}
        published = "; ".join(d.describe() for d in self.cloudwatch_destinations.values()) or "none"
        rules.raise_for(
            [
                Problem(
                    ("dimensions_map",),
                    f"without dimensions_map this is the set's total of {event.metric_name}, which SES publishes only "
                    f"through an enabled CloudWatch destination matching {event.cfn} whose one dimension is "
                    f"{rules.CONFIGURATION_SET_DIMENSION} (Dimension.message_tag(AutoTag.CONFIGURATION_SET, default=...)); "
                    f"give dimensions_map with a value for each dimension of a destination (destinations: {published}), "
                    "or use metric_total() on a dashboard",
                )
            ],
            lambda: f"SendingConfigurationSet {self.node.path}: {event.metric_name} metric",
        )
        raise AssertionError("unreachable")  # raise_for raised

    def _checked_dimensions(self, events: Sequence[EventType], dimensions: Mapping[str, str]) -> dict[str, str]:
        judged = {known(name): known(value) for name, value in dimensions.items()}
        resolved, problems = rules.check_metric_dimensions(
            list(self.cloudwatch_destinations.values()),
            events,
            judged,
            configuration_set_name=self.name_in_metrics,
        )
        rules.raise_for(
            rules.under(problems, "dimensions"),
            lambda: f"SendingConfigurationSet {self.node.path}: {'/'.join(e.metric_name for e in events)} metric",
        )
        # The check judged tokens as UNRESOLVED; the metric keeps the given values plus
        # what the check filled in (the ses:configuration-set dimension).
        return {**dimensions, **{k: v for k, v in resolved.items() if k not in judged}}

    def _destination_for(self, event: EventType, name: str | None) -> rules.CloudWatchDestination:
        candidates = [
            d for d in self.cloudwatch_destinations.values() if d.enabled and event in d.events and (name is None or d.name == name)
        ]
        if not candidates:
            which = f"no enabled CloudWatch destination {name!r}" if name else "no enabled CloudWatch destination"
            rules.raise_for(
                [
                    Problem(
                        ("destination",),
                        f"{which} of this configuration set publishes {event.cfn} events, so there is no "
                        f"{event.metric_name} metric to search",
                    )
                ],
                lambda: f"SendingConfigurationSet {self.node.path}",
            )
        return candidates[0]


def _event_metric(
    event: EventType, dimensions: Mapping[str, str], statistic: str, period: cdk.Duration, label: str | None = None
) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=rules.METRIC_NAMESPACE,
        metric_name=event.metric_name,
        dimensions_map=dict(dimensions),
        statistic=statistic,
        period=period,
        label=label,
    )
