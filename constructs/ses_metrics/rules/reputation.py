"""Reputation metrics and their documented thresholds."""

from __future__ import annotations

import enum
from typing import Any

from ses_metrics.rules.cloudwatch import CONFIGURATION_SET_DIMENSION, METRIC_NAMESPACE, MetricKey
from ses_metrics.rules.problems import UNRESOLVED, Problem, Severity, show
from ses_metrics.rules.ses import EventType


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

    ses-metrics' own alarm thresholds are in :mod:`ses_metrics.rules.defaults`.
    """

    BOUNCE_RATE = (
        "Reputation.BounceRate",
        EventType.BOUNCE,
        "bounce rate",
        5.0,
        10.0,
    )
    COMPLAINT_RATE = (
        "Reputation.ComplaintRate",
        EventType.COMPLAINT,
        "complaint rate",
        0.1,
        0.5,
    )

    def __init__(
        self,
        metric_name: str,
        event: EventType,
        label: str,
        review_percent: float,
        pause_percent: float,
    ) -> None:
        self.metric_name = metric_name
        self.event = event
        self.label = label
        self.review_percent = review_percent
        self.pause_percent = pause_percent

    def key(self, configuration_set: str | None = None) -> MetricKey:
        """The account-level metric, or the one of ``configuration_set``."""
        dimensions = ((CONFIGURATION_SET_DIMENSION, configuration_set),) if configuration_set is not None else ()
        return MetricKey(METRIC_NAMESPACE, self.metric_name, dimensions)


def percent_to_fraction(percent: float) -> float:
    """``2.5`` (%) -> ``0.025``, the unit of the reputation metrics and of event-rate math."""
    return round(percent / 100, 10)


def check_alarm_threshold(metric: ReputationMetric, percent: Any, default_percent: float) -> list[Problem]:
    """An alarm threshold in percent: above 0, below AWS's pause level (error) and
    preferably below its review level (warning): an alarm is there to warn before AWS acts.
    Messages suggest ``default_percent``."""
    if percent is UNRESOLVED or percent is None:
        return []
    what = f"{metric.label} alarm threshold"
    if isinstance(percent, bool) or not isinstance(percent, int | float):
        return [Problem((), f"{what} must be a number of percent such as {default_percent:g}; got {show(percent)}")]
    if percent <= 0:
        return [Problem((), f"{what} {percent:g}% must be above 0% (default {default_percent:g}%)")]
    if percent >= metric.pause_percent:
        return [
            Problem(
                (),
                f"{what} {percent:g}% is at or above the {metric.pause_percent:g}% at which AWS may pause sending: "
                f"the alarm would fire only when sending may already be paused; use a value below the "
                f"{metric.review_percent:g}% review level (default {default_percent:g}%)",
            )
        ]
    if percent >= metric.review_percent:
        return [
            Problem(
                (),
                f"{what} {percent:g}% is at or above the {metric.review_percent:g}% at which AWS places the "
                f"account under review: the alarm fires only once the review may have begun "
                f"(default {default_percent:g}%)",
                Severity.WARNING,
            )
        ]
    return []


def check_minimum_sends(value: Any) -> list[Problem]:
    """The send volume below which a per-dimension rate is not judged: a whole number >= 1."""
    if value is UNRESOLVED or value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [Problem((), f"minimum sends must be a whole number of at least 1; got {show(value)}")]
    return []


