"""SES's reputation rates, ``Reputation.BounceRate`` and ``Reputation.ComplaintRate``: for
the account, and for each configuration set with reputation metrics enabled (dimension
``ses:configuration-set``). ``simulate``, ``check`` and the replay all compute them here. And
each tenant's, which SES judges its reputation policy on (DG "Tenants") but publishes to no
documented CloudWatch metric, so the model keeps it (``tenant_series``, ``tenant_summary``)
without publishing it.

What AWS says, and so the model:

- SES does not compute the rates per time period but over "a representative volume of
  email" based on each account's sending patterns (DG reputationdashboardmessages.html; AWS
  blog "Announcing the Reputation Dashboard", 2017), so the rates move slowly and do not
  drop to zero in a quiet hour. Model: each scope keeps a window of its last
  ``representative_volume`` sends; the bounce rate is the share of them that hard-bounced,
  the complaint rate the share that drew a complaint, counted when the Bounce or Complaint
  event arrives (so a complaint five minutes after its send raises the rate five minutes
  later).
- Left out (DG reputationdashboardmessages.html, send-an-email-from-console.html,
  sending-email-suppression-list.html): soft bounces (only ``bounceType`` Permanent counts);
  messages to the **mailbox simulator**, which "don't impact your ... reputation metrics";
  messages to verified addresses and domains (the templates' ``AWS::SES::EmailIdentity``);
  sends the account's suppression list stopped (their OnAccountSuppressionList bounce or
  complaint "does not count"), and those a tenant's list stopped (OnTenantSuppressionList:
  assumed alike, the tenant page says nothing of the rates). The window counts recipients, as SES counts its sending
  quota ("Quotas are based on the number of recipients, rather than on the number of messages", DG quotas.html): a message to three
  counted recipients is three sends, one of which may bounce (AWS documents no denominator:
  assumed).
- SES publishes the rates as fractions (0.05 is 5%) and publishes nothing while nothing
  is sent. Model: one datapoint per minute in which the scope sent or received a bounce
  or complaint, the rate at the end of that minute, once the window holds at least
  ``minimum_volume`` sends.

SES publishes neither the representative volume nor a minimum: both are assumptions
(``ReputationSettings``: a replay profile's ``reputation:``, a scenario's ``reputation:``).
Memory is bounded by the window, not by the number of sends.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from itertools import count
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import EventType, MetricKey, ReputationMetric
from ses_metrics.simulator.account import ReputationSettings
from ses_metrics.simulator.events import Event
from ses_metrics.simulator.sends import Message, address
from ses_metrics.simulator.suppression import is_mailbox_simulator
from ses_metrics.simulator.topology import Topology

BOUNCED, COMPLAINED = 1, 2
MINUTE_MS = 60_000


@dataclass(frozen=True)
class TenantScope:
    """A tenant's window, apart from the configuration sets' (names may coincide)."""

    name: str


# None: the account; a name: a configuration set; a TenantScope: a tenant.
Scope = str | None | TenantScope
class Window:
    """The last ``volume`` sends (recipients) of one scope and which of them bounced or complained."""

    __slots__ = ("bounces", "complaints", "flags", "ids", "next", "size", "slot_of", "volume")

    def __init__(self, volume: int):
        self.volume = volume
        self.ids: list[str | None] = [None] * volume
        self.flags = bytearray(volume)
        self.slot_of: dict[str, int] = {}
        self.next = 0
        self.size = 0
        self.bounces = 0
        self.complaints = 0

    def send(self, message_id: str) -> None:
        slot = self.next
        old = self.ids[slot]
        if old is not None:  # the oldest send leaves the window
            del self.slot_of[old]
            flags = self.flags[slot]
            self.bounces -= flags & BOUNCED
            self.complaints -= flags >> 1
        else:
            self.size += 1
        self.ids[slot] = message_id
        self.flags[slot] = 0
        self.slot_of[message_id] = slot
        self.next = slot + 1 if slot + 1 < self.volume else 0

    def mark(self, message_id: str, flag: int) -> None:
        """A hard bounce or complaint of a send still in the window (counted once)."""
        slot = self.slot_of.get(message_id)
        if slot is None or self.flags[slot] & flag:
            return
        self.flags[slot] |= flag
        if flag == BOUNCED:
            self.bounces += 1
        else:
            self.complaints += 1


_SEND, _BOUNCE, _COMPLAINT = EventType.SEND, EventType.BOUNCE, EventType.COMPLAINT


def _slot(message: Message, recipient: str) -> str:
    """A recipient's place in the window: the rates count recipients, as SES counts its
    quotas ("based on the number of recipients, rather than on the number of messages", DG quotas.html)."""
    if len(message.destination) == 1:
        return message.message_id
    return f"{message.message_id} {address(recipient).lower()}"


class ReputationModel:
    """Feed it every event in send order (``observe``); ``finish`` at the end; then
    ``series`` gives each published rate per minute (epoch seconds -> fraction)."""

    @classmethod
    def of(cls, topology: Topology, settings: ReputationSettings) -> ReputationModel:
        return cls(topology, representative_volume=settings.representative_volume, minimum_volume=settings.minimum_volume)

    def __init__(self, topology: Topology, *, representative_volume: int, minimum_volume: int):
        self.representative_volume = representative_volume
        self.minimum_volume = minimum_volume
        self._verified = frozenset(topology.identities)
        self._counted_cache = lru_cache(maxsize=65536)(self._counts)
        self.account = Window(representative_volume)
        self.sets = {
            name: Window(representative_volume) for name, cs in topology.configuration_sets.items() if cs.reputation_metrics
        }
        self.tenants = {name: Window(representative_volume) for name in topology.tenants}
        self._scopes: dict[tuple[str | None, str | None], tuple[tuple[Scope, Window], ...]] = {}
        self._pending: list[tuple[int, int, int, str, tuple[tuple[Scope, Window], ...]]] = []
        self._order = count()
        self._minute = -1
        self._active: dict[Scope, Window] = {}
        self.published: dict[Scope, dict[str, dict[int, float]]] = {}

    def observe(self, event: Event) -> None:
        """One event of a send (every event of a send arrives before the next send)."""
        self.observe_all((event,))

    def observe_all(self, events: Iterable[Event]) -> None:
        """The events of one send, in order (one call per send: the engine's)."""
        for event in events:
            kind = event.type  # compared by identity: the other events (most) cost two tests
            if kind is _SEND:
                message = event.message
                counted = list(filter(self._counted_cache, message.destination))
                if not counted:
                    continue  # only the mailbox simulator or verified identities: not a send of the rates
                scopes = self._scopes_of(event)
                self._advance(event.ms)
                for name, window in scopes:
                    for recipient in counted:
                        window.send(_slot(message, recipient))
                    self._active[name] = window
            elif kind is _BOUNCE:
                bounce = event.record["bounce"]
                if bounce["bounceType"] == rules.HARD_BOUNCE and bounce["bounceSubType"] not in rules.SUPPRESSED_SUBTYPES:
                    self._pend(event, BOUNCED, [r["emailAddress"] for r in bounce["bouncedRecipients"]])
            elif kind is _COMPLAINT:
                complaint = event.record["complaint"]
                if complaint.get("complaintSubType") is None:
                    self._pend(event, COMPLAINED, [r["emailAddress"] for r in complaint["complainedRecipients"]])

    def _pend(self, event: Event, flag: int, recipients: list[str]) -> None:
        """A hard bounce or complaint of these recipients, applied when it arrives."""
        scopes = None
        for recipient in recipients:
            if self._counted_cache(recipient):
                scopes = scopes or self._scopes_of(event)
                heapq.heappush(self._pending, (event.ms, next(self._order), flag, _slot(event.message, recipient), scopes))

    def _counts(self, recipient: str) -> bool:
        """Whether a recipient counts towards the rates: not the mailbox simulator, not a
        verified address or domain."""
        if is_mailbox_simulator(recipient):
            return False
        bare = address(recipient).lower()
        return bare not in self._verified and bare.rpartition("@")[2] not in self._verified

    def finish(self) -> None:
        """Apply every outstanding bounce and complaint and publish the last minute."""
        self._advance(None)

    def series(self, configuration_set: str | None, metric: ReputationMetric) -> dict[int, float]:
        """Published datapoints of a set (None: the account), by minute (epoch seconds)."""
        return self.published.get(configuration_set, {}).get(metric.metric_name, {})

    def tenant_series(self, tenant: str, metric: ReputationMetric) -> dict[int, float]:
        """A tenant's rate by minute (epoch seconds), as the model keeps it (not published)."""
        return self.published.get(TenantScope(tenant), {}).get(metric.metric_name, {})

    def tenant_summary(self) -> list[tuple[str, ReputationMetric, float, float]]:
        """Per tenant and rate: its last and its highest value."""
        out = []
        for scope, metrics in self.published.items():
            if not isinstance(scope, TenantScope):
                continue
            for metric in ReputationMetric:
                series = metrics.get(metric.metric_name)
                if series:
                    out.append((scope.name, metric, series[max(series)], max(series.values())))
        return out

    def published_metrics(self) -> Iterable[tuple[MetricKey, str | None, ReputationMetric]]:
        """Every reputation metric with datapoints."""
        for scope, metrics in self.published.items():
            if isinstance(scope, TenantScope):
                continue
            for metric in ReputationMetric:
                if metrics.get(metric.metric_name):
                    yield metric.key(scope), scope, metric

    def summary(self) -> list[tuple[str | None, ReputationMetric, float, float]]:
        """Per published metric: the scope (None: the account), the metric, its last and its
        highest published rate."""
        out = []
        for _, scope, metric in self.published_metrics():
            series = self.series(scope, metric)
            out.append((scope, metric, series[max(series)], max(series.values())))
        return out

    def to_json(self) -> list[dict[str, Any]]:
        """Each published rate's scope, name, last and highest value (``--json`` output)."""
        return [
            {"configurationSet": scope, "metricName": metric.metric_name, "last": last, "max": highest}
            for scope, metric, last, highest in self.summary()
        ]

    def datapoints(self) -> Iterator[dict[str, Any]]:
        """``PutMetricData``-shaped datapoints, one per published minute (fractions: Unit None)."""
        for key, scope, metric in self.published_metrics():
            for minute, value in sorted(self.series(scope, metric).items()):
                yield {
                    "Namespace": key.namespace,
                    "MetricName": key.metric_name,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in key.dimensions],
                    "Timestamp": datetime.fromtimestamp(minute, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "Value": value,
                    "Unit": "None",
                }

    # -- internals -------------------------------------------------------------------

    def _scopes_of(self, event: Event) -> tuple[tuple[Scope, Window], ...]:
        configuration_set = event.message.configuration_set
        name = configuration_set.name if configuration_set is not None else None
        tenant = event.message.tenant
        scopes = self._scopes.get((name, tenant))
        if scopes is None:
            window = self.sets.get(name) if name is not None else None
            found: list[tuple[Scope, Window]] = [(None, self.account)] + ([(name, window)] if window is not None else [])
            if tenant is not None and tenant in self.tenants:
                found.append((TenantScope(tenant), self.tenants[tenant]))
            scopes = self._scopes[(name, tenant)] = tuple(found)
        return scopes

    def _advance(self, ms: int | None) -> None:
        """Apply the bounces and complaints that arrived by ``ms`` (None: all), closing
        each minute passed on the way."""
        pending = self._pending
        while pending and (ms is None or pending[0][0] <= ms):
            at, _, flag, message_id, scopes = heapq.heappop(pending)
            self._close(at // MINUTE_MS)
            for name, window in scopes:
                window.mark(message_id, flag)
                self._active[name] = window
        self._close(None if ms is None else ms // MINUTE_MS)

    def _close(self, minute: int | None) -> None:
        """Publish the minute in progress if ``minute`` is a later one (None: always)."""
        if minute is not None and minute <= self._minute:
            return
        if self._minute >= 0:
            at = self._minute * 60
            for name, window in self._active.items():
                if window.size >= self.minimum_volume:
                    metrics = self.published.setdefault(name, {})
                    metrics.setdefault(ReputationMetric.BOUNCE_RATE.metric_name, {})[at] = window.bounces / window.size
                    metrics.setdefault(ReputationMetric.COMPLAINT_RATE.metric_name, {})[at] = window.complaints / window.size
        self._active = {}
        if minute is not None:
            self._minute = minute
