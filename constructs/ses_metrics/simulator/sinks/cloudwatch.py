"""CloudWatch metrics as SES publishes them through CloudWatch event destinations.

Each event a CloudWatch destination receives adds 1 to metric ``<event metric name>`` in
namespace ``AWS/SES`` with exactly the destination's dimensions, in one-minute buckets
(SES metrics' resolution). Two destinations publishing the same metric name and dimension
set add to the same metric, as in CloudWatch. Queries match the *exact* dimension set
(moto's subset matching is why this store, not moto, is the one to assert on).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from ses_metrics.rules import METRIC_NAMESPACE as NAMESPACE
from ses_metrics.rules import EventType

# keyed by EventType.cfn: str hashes are cached, Enum.__hash__ runs Python code
_METRIC_NAMES = {e.cfn: e.metric_name for e in EventType}


def metric_name(event_type: EventType) -> str:
    """The CloudWatch metric SES publishes an event type under."""
    return _METRIC_NAMES[event_type.cfn]


DimensionKey = tuple[tuple[str, str], ...]


class MetricStore:
    """Datapoints by (metric name, dimension set, minute)."""

    def __init__(self) -> None:
        self._points: dict[tuple[str, DimensionKey], dict[int, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, metric: str, dimensions: DimensionKey, at: datetime | int, value: float = 1.0) -> None:
        """Add ``value`` in the minute of ``at`` (a datetime or epoch seconds)."""
        minute = (at if isinstance(at, int) else int(at.timestamp())) // 60 * 60
        self._points[(metric, dimensions)][minute] += value

    def count(self, metric: str, dimensions: DimensionKey, seconds: int) -> None:
        """Add 1 in the minute of ``seconds`` (epoch seconds): ``add`` for one event."""
        self._points[(metric, dimensions)][seconds - seconds % 60] += 1.0

    def points(self, metric: str, dimensions: DimensionKey) -> dict[int, float]:
        """The datapoints of one metric and dimension set, by minute (epoch seconds), for
        callers that count it for every event: ``points[s - s % 60] += 1.0`` is ``count``
        without a call. The metric exists from this call on."""
        return self._points[(metric, dimensions)]

    def metrics(self) -> list[tuple[str, dict[str, str]]]:
        """Every (metric name, dimensions) that has datapoints."""
        return [(metric, dict(dims)) for metric, dims in sorted(self._points)]

    def series(self, metric: str, dimensions: Mapping[str, str]) -> dict[datetime, float]:
        """Sum per minute for this exact dimension set."""
        points = self._points.get((metric, tuple(sorted(dimensions.items()))), {})
        return {datetime.fromtimestamp(m, UTC): v for m, v in sorted(points.items())}

    def sum(self, metric: str, dimensions: Mapping[str, str], start: datetime | None = None, end: datetime | None = None) -> float:
        """Sum of the metric with exactly these dimensions, optionally in ``[start, end)``."""
        return sum(v for t, v in self.series(metric, dimensions).items() if (start is None or t >= start) and (end is None or t < end))

    def datapoints(self) -> Iterator[dict[str, Any]]:
        """``PutMetricData``-shaped datapoints, one per metric, dimension set and minute."""
        for (metric, dims), points in sorted(self._points.items()):
            for minute, value in sorted(points.items()):
                yield {
                    "Namespace": NAMESPACE,
                    "MetricName": metric,
                    "Dimensions": [{"Name": n, "Value": v} for n, v in dims],
                    "Timestamp": datetime.fromtimestamp(minute, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "Value": value,
                    "Unit": "Count",
                }
