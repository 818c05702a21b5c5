"""The account-level CloudWatch metrics SES publishes for every send.

Besides what CloudWatch event destinations publish, SES counts every event of the account
in ``AWS/SES`` metrics **without dimensions** (Send, Reject, Bounce, Complaint, Delivery,
Open, Click, RenderingFailure: ``rules.ACCOUNT_METRIC_EVENTS``, where the sources are
cited), with or without a configuration set, mailbox simulator traffic included. Open and
Click are counted only for messages whose configuration set publishes them (an enabled
event destination matching the type: SES tracks opens and clicks only then); VDM
engagement tracking, which would also turn tracking on, is not modelled.

They land in the same ``MetricStore`` as the destinations' metrics: a destination always
has at least one dimension, so the two never share a metric.
"""

from __future__ import annotations

from ses_metrics.rules import ACCOUNT_METRIC_EVENTS, TRACKED_ACCOUNT_METRIC_EVENTS
from ses_metrics.simulator.events import Event
from ses_metrics.simulator.sinks.cloudwatch import MetricStore
from ses_metrics.simulator.topology import ConfigurationSet

# keyed by EventType.cfn: str hashes are cached, Enum.__hash__ runs Python code
_ALWAYS = {e.cfn: e.metric_name for e in ACCOUNT_METRIC_EVENTS if e not in TRACKED_ACCOUNT_METRIC_EVENTS}
_TRACKED = {e.cfn: e.metric_name for e in TRACKED_ACCOUNT_METRIC_EVENTS}


def tracked_types(configuration_set: ConfigurationSet | None) -> frozenset[str]:
    """The tracked event types (``open``, ``click``) SES tracks for messages sent with this
    set: those an enabled event destination SES accepts matches."""
    if configuration_set is None:
        return frozenset()
    return frozenset(
        e.cfn
        for d in configuration_set.destinations
        if d.enabled and not d.problems
        for e in d.event_types
        if e.cfn in _TRACKED
    )


class AccountMetrics:
    """Counts events into the account-level metrics of a ``MetricStore``."""

    def __init__(self, store: MetricStore):
        self.store = store
        self._names: dict[str | None, dict[str, str]] = {}  # per set: event type (cfn) -> metric name
        # Per set: event type (cfn) -> the metric's datapoints by minute, made at its first event
        # (a metric exists from its first event on), so an event is counted with two lookups
        self._points: dict[str | None, dict[str, dict[int, float]]] = {}

    def publish(self, configuration_set: ConfigurationSet | None, events: list[Event]) -> None:
        """Count the events of one message, sent with ``configuration_set``."""
        points = self._points.get(configuration_set.name if configuration_set is not None else None)
        if points is None:
            points = self._table(configuration_set)
        for event in events:
            minutes = points.get(event.type.cfn)
            if minutes is None:
                minutes = self._start(configuration_set, event.type.cfn)
                if minutes is None:
                    continue  # a type SES does not count for this set
            minutes[event.ms // 60_000 * 60] += 1.0  # the minute's epoch seconds

    def _table(self, configuration_set: ConfigurationSet | None) -> dict[str, dict[int, float]]:
        key = configuration_set.name if configuration_set is not None else None
        self._names[key] = self._metric_names(configuration_set)
        points: dict[str, dict[int, float]] = {}
        self._points[key] = points
        return points

    def _start(self, configuration_set: ConfigurationSet | None, cfn: str) -> dict[int, float] | None:
        """The datapoints of the account metric of events of type ``cfn`` (None: not counted)."""
        key = configuration_set.name if configuration_set is not None else None
        name = self._names[key].get(cfn)
        if name is None:
            return None
        minutes = self._points[key][cfn] = self.store.points(name, ())
        return minutes

    @staticmethod
    def _metric_names(configuration_set: ConfigurationSet | None) -> dict[str, str]:
        """The account metric of each event type SES counts for messages sent with this set."""
        tracked = tracked_types(configuration_set)
        return _ALWAYS | {cfn: name for cfn, name in _TRACKED.items() if cfn in tracked}


def is_account_metric(metric_name: str) -> bool:
    """Whether SES publishes ``metric_name`` at account level (without dimensions)."""
    return any(e.metric_name == metric_name for e in ACCOUNT_METRIC_EVENTS)

