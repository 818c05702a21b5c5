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

from collections.abc import Callable

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
        self._counters: dict[str, Callable[[int], None]] = {}  # per metric name, made at its first event

    def publish(self, events: list[Event]) -> None:
        """Count the events of one message."""
        if not events:
            return
        names = self._metric_names(events[0].message.configuration_set)
        counters = self._counters
        for event in events:
            name = names.get(event.type.cfn)
            if name is not None:
                counter = counters.get(name)
                if counter is None:
                    counter = counters[name] = self.store.counter(name, ())
                counter(event.ms // 1000)

    def _metric_names(self, configuration_set: ConfigurationSet | None) -> dict[str, str]:
        """The account metric of each event type SES counts for messages sent with this set."""
        key = configuration_set.name if configuration_set is not None else None
        found = self._names.get(key)
        if found is None:
            tracked = tracked_types(configuration_set)
            found = self._names[key] = _ALWAYS | {cfn: name for cfn, name in _TRACKED.items() if cfn in tracked}
        return found


def is_account_metric(metric_name: str) -> bool:
    """Whether SES publishes ``metric_name`` at account level (without dimensions)."""
    return any(e.metric_name == metric_name for e in ACCOUNT_METRIC_EVENTS)

