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
        self._tracked: dict[str | None, frozenset[str]] = {}

    def publish(self, events: list[Event]) -> None:
        """Count the events of one message."""
        count = self.store.count
        for event in events:
            cfn = event.type.cfn
            name = _ALWAYS.get(cfn)
            if name is None:
                name = _TRACKED.get(cfn)
                if name is None or cfn not in self._tracking(event):
                    continue
            count(name, (), event.ms // 1000)

    def _tracking(self, event: Event) -> frozenset[str]:
        configuration_set = event.message.configuration_set
        key = configuration_set.name if configuration_set is not None else None
        found = self._tracked.get(key)
        if found is None:
            found = self._tracked[key] = tracked_types(configuration_set)
        return found


def is_account_metric(metric_name: str) -> bool:
    """Whether SES publishes ``metric_name`` at account level (without dimensions)."""
    return any(e.metric_name == metric_name for e in ACCOUNT_METRIC_EVENTS)

