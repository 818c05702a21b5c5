"""What a simulation amounted to, counted send by send: the summary ``simulate`` prints.

``Summary.add(result)`` counts one send's result and keeps nothing of it, so a summary of
a streamed scenario costs memory per event destination and reason, not per send. Per
configuration set and event destination it counts events delivered, filtered (by design)
and dropped, each filter and drop reason with its number of events; ``to_json(simulator)``
``Simulator.sink_counts()`` says what the sinks received.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ses_metrics.rules import DestinationKind
from ses_metrics.simulator.outcomes import Drop, EventOutcome, Filtered, RouteShape, SendResult

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
        self._events: Counter[str] = Counter()  # record eventType -> events
        self._routes: dict[tuple[str, str], RouteCount] = {}
        self._by_set: dict[str, dict[str, RouteCount]] = {}  # the same routes, per configuration set
        # Outcomes whose shape the router knew, counted per shape and added to the routes
        # when they are read: one count per event, not one per destination
        self._shapes: Counter[RouteShape] = Counter()

    @property
    def events(self) -> Counter[str]:
        """Events per record eventType."""
        self._fold()
        return self._events

    @property
    def routes(self) -> dict[tuple[str, str], RouteCount]:
        """Per (configuration set, event destination): its events, by what happened to them."""
        self._fold()
        return self._routes

    def add(self, result: SendResult) -> None:
        """Count one send's result."""
        self.sends += 1
        if result.error is not None:
            self.failed[result.error.code] += 1
        for outcome in result.events:
            self.add_event(outcome)

    def add_event(self, outcome: EventOutcome) -> None:
        """Count one event's outcome (by its shape when it has one)."""
        if outcome.shape is not None:
            self._shapes[outcome.shape] += 1
        else:
            self._count(outcome)

    def _count(self, outcome: EventOutcome) -> None:
        event = outcome.event
        configuration_set = event.message.configuration_set
        self._add(event.type.record, configuration_set.name if configuration_set is not None else NO_SET,
                  [(d.destination, d.kind) for d in outcome.deliveries], outcome.filtered, outcome.drops, 1)

    def _fold(self) -> None:
        for shape, n in self._shapes.items():
            name = shape.configuration_set if shape.configuration_set is not None else NO_SET
            self._add(shape.event_type, name, shape.delivered, shape.filtered, shape.drops, n)
        self._shapes.clear()

    def _add(self, event_type: str, configuration_set: str, delivered: Iterable[tuple[str, DestinationKind | None]], filtered: Iterable[Filtered],
             drops: Iterable[Drop], n: int) -> None:
        """``n`` events of one type and set, delivered to, filtered and dropped at these destinations."""
        self._events[event_type] += n
        routes = self._by_set.get(configuration_set)
        if routes is None:
            routes = self._by_set[configuration_set] = {}
        for destination, kind in delivered:
            self._route(routes, configuration_set, destination, kind).delivered += n
        for filter_ in filtered:
            self._route(routes, configuration_set, filter_.destination or NO_SET, filter_.kind).filtered[filter_.reason] += n
        for drop in drops:
            self._route(routes, configuration_set, drop.destination, drop.kind).dropped[drop.reason] += n

    def _route(self, routes: dict[str, RouteCount], configuration_set: str, destination: str, kind: DestinationKind | None) -> RouteCount:
        found = routes.get(destination)
        if found is None:
            found = routes[destination] = self._routes[(configuration_set, destination)] = RouteCount(configuration_set, destination, kind)
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
