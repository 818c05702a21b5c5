"""What a simulation amounted to, counted send by send: the summary ``simulate`` prints.

``Summary.add(result)`` counts one send's result and keeps nothing of it, so a summary of
a streamed scenario costs memory per event destination and reason, not per send. Per
configuration set and event destination it counts events delivered, filtered (by design)
and dropped, each filter and drop reason with its number of events; ``to_json(simulator)``
``Simulator.sink_counts()`` says what the sinks received.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ses_metrics.rules import DestinationKind
from ses_metrics.simulator.outcomes import EventOutcome, SendResult

NO_SET = "-"  # the configuration set (and destination) of events no destination can receive


@dataclass
class RouteCount:
    """One event destination of one configuration set: its events, by what happened to them."""

    configuration_set: str
    destination: str
    kind: DestinationKind | None
    delivered: int = 0
    filtered: Counter[str] = field(default_factory=Counter)  # reason -> events
    dropped: Counter[str] = field(default_factory=Counter)  # reason -> events

    @property
    def key(self) -> str:
        return f"{self.configuration_set}/{self.destination}"


class Summary:
    """Counts of sends, events and where they went, accumulated one result at a time."""

    def __init__(self) -> None:
        self.sends = 0
        self.failed: Counter[str] = Counter()  # error code -> sends
        self.events: Counter[str] = Counter()  # record eventType -> events
        self.routes: dict[tuple[str, str], RouteCount] = {}
        self._by_set: dict[str, dict[str, RouteCount]] = {}  # the same routes, per configuration set

    def add(self, result: SendResult) -> None:
        """Count one send's result."""
        self.sends += 1
        if result.error is not None:
            self.failed[result.error.code] += 1
        for outcome in result.events:
            self.add_event(outcome)

    def add_event(self, outcome: EventOutcome) -> None:
        event = outcome.event
        self.events[event.type.record] += 1
        configuration_set = event.message.configuration_set
        name = configuration_set.name if configuration_set is not None else NO_SET
        # Its routes by destination, looked up without building a key per destination
        # (half the cost of counting; benchmarks/user_path.py)
        routes = self._by_set.get(name)
        if routes is None:
            routes = self._by_set[name] = {}
        for delivery in outcome.deliveries:
            found = routes.get(delivery.destination)
            (found or self._route(routes, name, delivery.destination, delivery.kind)).delivered += 1
        for filtered in outcome.filtered:
            found = routes.get(filtered.destination or NO_SET)
            (found or self._route(routes, name, filtered.destination or NO_SET, filtered.kind)).filtered[filtered.reason] += 1
        for drop in outcome.drops:
            found = routes.get(drop.destination)
            (found or self._route(routes, name, drop.destination, drop.kind)).dropped[drop.reason] += 1

    def _route(self, routes: dict[str, RouteCount], configuration_set: str, destination: str, kind: DestinationKind | None) -> RouteCount:
        found = routes[destination] = self.routes[(configuration_set, destination)] = RouteCount(configuration_set, destination, kind)
        return found

    @property
    def event_count(self) -> int:
        return sum(self.events.values())

    def totals(self) -> tuple[int, int, int]:
        """Deliveries, filtered and dropped (destination, event) pairs."""
        routes = self.routes.values()
        return (sum(r.delivered for r in routes), sum(sum(r.filtered.values()) for r in routes), sum(sum(r.dropped.values()) for r in routes))

    def drop_reasons(self) -> list[tuple[RouteCount, str, int]]:
        """Every drop reason with its destination and number of events, most events first."""
        found = [(route, reason, n) for route in self.routes.values() for reason, n in route.dropped.items()]
        return sorted(found, key=lambda item: (-item[2], item[0].key, item[1]))

    def to_json(self) -> dict[str, Any]:
        """The routing part of the ``summary`` of ``simulate --format json`` (the sinks'
        counts are ``Simulator.sink_counts()``)."""
        routes = sorted(self.routes.values(), key=lambda r: r.key)
        return {
            "sends": self.sends,
            "failedSends": sum(self.failed.values()),
            "failedSendsByCode": dict(sorted(self.failed.items())),
            "events": dict(sorted(self.events.items())),
            "deliveries": {r.key: r.delivered for r in routes if r.delivered},
            "filtered": {r.key: sum(r.filtered.values()) for r in routes if r.filtered},
            "drops": {r.key: sum(r.dropped.values()) for r in routes if r.dropped},
            "dropReasons": [{"eventDestination": r.key, "reason": reason, "events": n} for r, reason, n in self.drop_reasons()],
        }
