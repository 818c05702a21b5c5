"""``SendingDashboard``: a CloudWatch dashboard of SES sending for one or more
configuration sets: volumes, rates, reputation against AWS's thresholds, and
per-dimension breakdowns that pick up new tag values by themselves (SEARCH)."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.alarms import ReputationAlarms
from ses_metrics.cdk.configuration_set import SendingConfigurationSet
from ses_metrics.cdk.metrics import metric_account_reputation
from ses_metrics.rules import EventType, ReputationMetric

BREAKDOWN_EVENTS = (EventType.SEND, EventType.BOUNCE, EventType.COMPLAINT)
ALARM_COLOR = "#ff7f0e"
REVIEW_COLOR = "#d62728"
PAUSE_COLOR = "#7f0000"


def _percent(metric: cloudwatch.IMetric, metric_id: str, label: str, period: cdk.Duration) -> cloudwatch.MathExpression:
    """A fraction (reputation metric, rate) shown in percent, the unit AWS's levels use.
    ``metric_id`` must be unique within the graph."""
    return cloudwatch.MathExpression(expression=f"100 * {metric_id}", using_metrics={metric_id: metric}, label=label, period=period)


class SendingDashboard(Construct):
    """One CloudWatch dashboard for ``configuration_sets`` (one set, or several stacked).

    For each set, top to bottom:

    - events by type (one line per event type its CloudWatch destinations publish, each
      the sum over every dimension value) and bounce and complaint rate computed from them;
    - ``Reputation.BounceRate`` and ``Reputation.ComplaintRate`` in percent, of the set
      (when it has reputation metrics on) and of the account, against horizontal lines at
      the alarm threshold (from ``alarms``), AWS's review level and its pause level;
    - for each enabled CloudWatch destination, sends, bounces and complaints with one line
      per combination of dimension values: SEARCH expressions, evaluated when the
      dashboard is viewed, so new campaign or tag values appear without a redeploy;
    - the state of the set's alarms, and of account-level alarms, from ``alarms``.

    Graphs use hourly periods (``period``), like the alarms, over the last 7 days.
    Without ``dashboard_name`` CloudFormation names the dashboard.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        configuration_sets: Sequence[SendingConfigurationSet],
        alarms: Sequence[ReputationAlarms] = (),
        dashboard_name: str | None = None,
        period: cdk.Duration | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = rules.under(rules.check_dashboard_name(known(dashboard_name)), "dashboard_name")
        if not configuration_sets:
            problems.append(rules.Problem(("configuration_sets",), "a dashboard needs at least one configuration set"))
        rules.raise_for(problems, lambda: f"SendingDashboard {self.node.path}")
        self.period = period or cdk.Duration.seconds(rules.REPUTATION_ALARM_PERIOD_SECONDS)
        self.alarms = list(alarms)
        self.dashboard = cloudwatch.Dashboard(
            self, "Resource", dashboard_name=dashboard_name, default_interval=cdk.Duration.days(7)
        )
        account_alarms = [a for a in self.alarms if a.configuration_set is None]
        for cs in configuration_sets:
            own = [a for a in self.alarms if a.configuration_set is cs]
            self._section(cs, own[0] if own else account_alarms[0] if account_alarms else None)
            status = [alarm for a in own for alarm in a.alarms]
            if status:
                self.dashboard.add_widgets(
                    cloudwatch.AlarmStatusWidget(alarms=status, title=f"Alarms: {cs.name_in_metrics}", width=24, height=2)
                )
        if account_alarms:
            self.dashboard.add_widgets(
                cloudwatch.AlarmStatusWidget(
                    alarms=[alarm for a in account_alarms for alarm in a.alarms], title="Alarms: account", width=24, height=2
                )
            )

    def _section(self, cs: SendingConfigurationSet, alarms: ReputationAlarms | None) -> None:
        name = cs.name_in_metrics
        thresholds = (
            f" Alarms at a bounce rate of {alarms.thresholds[ReputationMetric.BOUNCE_RATE]:g}% and a complaint rate of "
            f"{alarms.thresholds[ReputationMetric.COMPLAINT_RATE]:g}%."
            if alarms is not None
            else ""
        )
        bounce, complaint = ReputationMetric
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=(
                    f"## SES configuration set {name}\n"
                    f"AWS places an account under review at a bounce rate of {bounce.review_percent:g}% or a complaint rate of "
                    f"{complaint.review_percent:g}% and may pause its sending at {bounce.pause_percent:g}% / "
                    f"{complaint.pause_percent:g}%.{thresholds}"
                ),
                width=24,
                height=2,
            )
        )
        destinations = [d for d in cs.cloudwatch_destinations.values() if d.enabled]
        published = [e for e in EventType if any(e in d.events for d in destinations)]
        if published:
            rates = [
                _percent(cs.metric_rate(m.event, period=self.period), m.name.lower(), f"{m.label} (events)", self.period)
                for m in ReputationMetric
                if {EventType.SEND, m.event} <= set(published)
            ]
            self.dashboard.add_widgets(
                self._graph(f"{name}: events by type", [cs.metric_total(e, period=self.period, label=e.record) for e in published], "Count"),
                self._graph(f"{name}: bounce and complaint rate from events", rates, "%"),
            )
        self.dashboard.add_widgets(*(self._reputation(cs, metric, alarms) for metric in ReputationMetric))
        for destination in destinations:
            self.dashboard.add_widgets(
                *(
                    self._graph(
                        f"{name}: {event.record} by {', '.join(map(str, destination.dimensions))} ({destination.name})",
                        [cs.metric_search(event, destination=destination.name, period=self.period)],
                        "Count",
                        width=8,
                    )
                    for event in BREAKDOWN_EVENTS
                    if event in destination.events
                )
            )

    def _reputation(self, cs: SendingConfigurationSet, metric: ReputationMetric, alarms: ReputationAlarms | None) -> cloudwatch.GraphWidget:
        lines = [_percent(metric_account_reputation(metric, period=self.period), "account", f"account {metric.label}", self.period)]
        if cs.reputation_metrics_enabled:
            lines.insert(0, _percent(cs.metric_reputation(metric, period=self.period), "set", f"{cs.name_in_metrics} {metric.label}", self.period))
        annotations = [
            cloudwatch.HorizontalAnnotation(value=metric.review_percent, label=f"AWS review {metric.review_percent:g}%", color=REVIEW_COLOR),
            cloudwatch.HorizontalAnnotation(value=metric.pause_percent, label=f"AWS may pause {metric.pause_percent:g}%", color=PAUSE_COLOR),
        ]
        if alarms is not None:
            percent = alarms.thresholds[metric]
            annotations.insert(0, cloudwatch.HorizontalAnnotation(value=percent, label=f"alarm {percent:g}%", color=ALARM_COLOR))
        return self._graph(f"{cs.name_in_metrics}: {metric.metric_name}", lines, "%", annotations=annotations)

    @staticmethod
    def _graph(
        title: str,
        metrics: Sequence[cloudwatch.IMetric],
        unit: str,
        *,
        width: int = 12,
        annotations: Sequence[cloudwatch.HorizontalAnnotation] = (),
    ) -> cloudwatch.GraphWidget:
        return cloudwatch.GraphWidget(
            title=title,
            left=list(metrics),
            left_annotations=list(annotations) or None,
            left_y_axis=cloudwatch.YAxisProps(min=0, label=unit, show_units=False),
            width=width,
            height=6,
        )
