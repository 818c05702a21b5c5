"""SES's reputation rates, ``Reputation.BounceRate`` and ``Reputation.ComplaintRate``, as a
replay models them: for the account, and for each configuration set with reputation
metrics enabled (dimension ``ses:configuration-set``); and each tenant's, which SES judges
its reputation policy on (DG "Tenants") but publishes to no documented CloudWatch metric, so
the replay keeps it (``tenant_series``, ``tenant_summary``) without publishing it.

What AWS says, and so the model:

- SES does not compute the rates per time period but over "a representative volume of
  email" based on each account's sending patterns (AWS blog "Announcing the Reputation
  Dashboard", 2017), so the rates move slowly and do not drop to zero in a quiet hour.
  Model: each scope keeps a window of its last ``representative_volume`` sends; the bounce
  rate is the share of them that hard-bounced, the complaint rate the share that drew a
  complaint, counted when the Bounce or Complaint event arrives (so a complaint five
  minutes after its send raises the rate five minutes later).
- The bounce rate counts hard bounces only (``bounceType`` Permanent); sends to verified
  addresses and to the mailbox simulator are not counted (DG reputationdashboardmessages.md).
  **The replay counts mailbox simulator sends**: they are how the simulator produces
  outcomes, and they stand for the real recipients a profile describes. A real account
  replaying the same traffic to the simulator would see no rate move at all.
- SES publishes the rates as fractions (0.05 is 5%) and publishes nothing while nothing
  is sent. Model: one datapoint per minute in which the scope sent or received a bounce
  or complaint, the rate at the end of that minute, once the window holds at least
  ``minimum_volume`` sends.

SES publishes neither the representative volume nor a minimum: both are assumptions of
this model, set in the profile (``reputation:``; defaults 10,000 and 500 sends). Memory
is bounded by the window, not by the number of sends.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import count

from ses_metrics.rules import MetricKey, ReputationMetric
from ses_metrics.simulator.events import Event
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
    """The last ``volume`` sends of one scope and which of them bounced or complained."""

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


class ReputationModel:
    """Feed it every event in send order (``observe``); ``finish`` at the end; then
    ``series`` gives each published rate per minute (epoch seconds -> fraction)."""

    def __init__(self, topology: Topology, *, representative_volume: int, minimum_volume: int):
        self.representative_volume = representative_volume
        self.minimum_volume = minimum_volume
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
        kind = event.type.record
        if kind == "Send":
            scopes = self._scopes_of(event)
            self._advance(event.ms)
            for name, window in scopes:
                window.send(event.message.message_id)
                self._active[name] = window
        elif kind == "Bounce":
            if event.record["bounce"]["bounceType"] == "Permanent":
                heapq.heappush(self._pending, (event.ms, next(self._order), BOUNCED, event.message.message_id, self._scopes_of(event)))
        elif kind == "Complaint":
            heapq.heappush(self._pending, (event.ms, next(self._order), COMPLAINED, event.message.message_id, self._scopes_of(event)))

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
            for metric in ReputationMetric:
                series = metrics.get(metric.metric_name) if isinstance(scope, TenantScope) else None
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
