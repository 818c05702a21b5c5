"""CloudWatch alarm evaluation, as the CloudWatch User Guide describes it
(AlarmThatSendsEmail.md: "Evaluating an alarm", "How alarm state is evaluated when data
is missing"), over the datapoints a replay produced.

An ``AWS::CloudWatch::Alarm`` is read from its template properties: one metric
(``MetricName``, ``Namespace``, ``Dimensions``, ``Statistic``, ``Period``) or ``Metrics``
with metric math (metricmath.py); ``EvaluationPeriods`` (N), ``DatapointsToAlarm`` (M,
default N), ``Threshold``, ``ComparisonOperator``, ``TreatMissingData`` (default
``missing``), ``ActionsEnabled`` and the actions of each state.

- Datapoints: the statistic (SampleCount, Average, Sum, Minimum, Maximum) of each period,
  periods aligned to the epoch; a period without samples is missing.
- Evaluation: at the end of every period, over the evaluation range, the last N + 2
  periods (CloudWatch retrieves "a higher number of data points than specified by
  Evaluation Periods"; its documented example retrieves 5 for N = 3; the exact number
  is not documented).
  If at least N datapoints exist, the most recent N decide: M or more breaching is ALARM,
  else OK. With fewer, ``breaching`` / ``notBreaching`` fill the missing ones and decide
  the same way; ``missing`` and ``ignore`` go to ALARM with M breaching, to OK when any
  existing datapoint does not breach, and otherwise ``missing`` goes to INSUFFICIENT_DATA
  (or ALARM when the oldest datapoint of the range exists and breaches, as AWS's table
  shows) while ``ignore`` keeps the state. With no datapoint at all: INSUFFICIENT_DATA,
  kept, ALARM, OK respectively. ``tests/replay/test_replay_alarms.py`` checks every row of AWS's
  two tables.
- An alarm starts in INSUFFICIENT_DATA. Every state change is a ``Transition`` with the
  actions it triggers (none when ``ActionsEnabled`` is false).

Not supported (the alarm is reported with a warning, never evaluated on a guess):
percentile statistics (``ExtendedStatistic``, ``p99``), anomaly detection thresholds,
periods that are not whole minutes, metric math beyond metricmath.py, and metrics
outside what the replay simulates.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from ses_metrics.replay import metricmath
from ses_metrics.replay.metricmath import Series, Unsupported
from ses_metrics.rules import MetricKey

OK, ALARM, INSUFFICIENT_DATA = "OK", "ALARM", "INSUFFICIENT_DATA"
EXTRA_PERIODS = 2  # the evaluation range beyond EvaluationPeriods (see the module docstring)
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
COMPARISONS: dict[str, tuple[Callable[[float, float], bool], str]] = {
    "GreaterThanOrEqualToThreshold": (operator.ge, ">="),
    "GreaterThanThreshold": (operator.gt, ">"),
    "LessThanThreshold": (operator.lt, "<"),
    "LessThanOrEqualToThreshold": (operator.le, "<="),
}
TREAT_MISSING_DATA = ("missing", "ignore", "breaching", "notBreaching")
_ACTIONS = {ALARM: "AlarmActions", OK: "OKActions", INSUFFICIENT_DATA: "InsufficientDataActions"}


@dataclass(frozen=True)
class Aggregate:
    """The samples of one metric in one minute."""

    total: float
    samples: float
    minimum: float
    maximum: float


class MetricSource(Protocol):
    def minutes(self, key: MetricKey) -> Mapping[int, Aggregate] | None:
        """A metric's samples by minute (epoch seconds); None when the source does not
        simulate the metric at all (as opposed to a metric without datapoints)."""


@dataclass(frozen=True)
class MetricQuery:
    """One metric an alarm reads, and the statistic it takes of each period."""

    id: str
    key: MetricKey
    statistic: str


@dataclass
class AlarmDefinition:
    name: str
    resource: str
    period: int
    evaluation_periods: int
    datapoints_to_alarm: int
    threshold: float
    comparison: str
    treat_missing_data: str
    actions_enabled: bool
    actions: dict[str, list[str]]
    metrics: tuple[MetricQuery, ...]
    expressions: dict[str, str] = field(default_factory=dict)
    returned: str = "m1"  # the id whose series the alarm watches
    label: str = ""
    description: str = ""

    @property
    def symbol(self) -> str:
        return COMPARISONS[self.comparison][1]

    def breaches(self, value: float) -> bool:
        return COMPARISONS[self.comparison][0](value, self.threshold)

    def describe(self) -> str:
        """What the alarm watches, in one line."""
        if not self.expressions:
            query = self.metrics[0]
            return f"{query.statistic} of {_metric_text(query.key)} per {self.period // 60} min"
        return f"{self.expressions[self.returned]} per {self.period // 60} min"


@dataclass(frozen=True)
class Transition:
    at: int  # epoch seconds: the end of the period whose evaluation changed the state
    old: str
    new: str
    reason: str
    actions: tuple[str, ...]

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)


@dataclass
class AlarmResult:
    definition: AlarmDefinition
    datapoints: Series  # period start -> value of the watched series
    transitions: list[Transition]
    state: str


def _metric_text(key: MetricKey) -> str:
    dims = ", ".join(f"{n}={v}" for n, v in key.dimensions)
    return f"{key.namespace} {key.metric_name}" + (f" {{{dims}}}" if dims else "")


def _key(metric: Any) -> MetricKey:
    if not isinstance(metric, dict) or not isinstance(metric.get("MetricName"), str):
        raise Unsupported("the metric has no MetricName the replay can resolve")
    dimensions = []
    for d in metric.get("Dimensions") or []:
        name, value = d.get("Name"), d.get("Value")
        if not isinstance(name, str) or not isinstance(value, str | int | float):
            raise Unsupported(f"dimension {name!r} of {metric['MetricName']} does not resolve to a value")
        dimensions.append((name, str(value)))
    return MetricKey(str(metric.get("Namespace", "")), metric["MetricName"], tuple(sorted(dimensions)))


def _whole(value: Any, what: str, minimum: int = 1) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Unsupported(f"{what} {value!r} is not a number") from None
    if number < minimum:
        raise Unsupported(f"{what} {number} is below {minimum}")
    return number


def _statistic(stat: Any) -> str:
    if stat in STATISTICS:
        return str(stat)
    raise Unsupported(f"statistic {stat!r} is not supported (supported: {', '.join(STATISTICS)}; percentiles need every sample)")


def parse_alarm(props: Mapping[str, Any]) -> AlarmDefinition:
    """An alarm from its (resolved) template properties; raises ``Unsupported`` saying why
    it cannot be evaluated."""
    name = str(props.get("AlarmName") or props.get("name") or props.get("resource") or "?")
    if props.get("ThresholdMetricId"):
        raise Unsupported("anomaly detection alarms (ThresholdMetricId) are not supported")
    if "ExtendedStatistic" in props:
        _statistic(props["ExtendedStatistic"])
    comparison = props.get("ComparisonOperator")
    if comparison not in COMPARISONS:
        raise Unsupported(f"ComparisonOperator {comparison!r} is not supported (supported: {', '.join(COMPARISONS)})")
    missing = props.get("TreatMissingData", "missing")
    if missing not in TREAT_MISSING_DATA:
        raise Unsupported(f"TreatMissingData {missing!r} is not one of {', '.join(TREAT_MISSING_DATA)}")
    try:
        threshold = float(props["Threshold"])
    except (KeyError, TypeError, ValueError):
        raise Unsupported(f"Threshold {props.get('Threshold')!r} is not a number") from None
    n = _whole(props.get("EvaluationPeriods"), "EvaluationPeriods")
    m = _whole(props.get("DatapointsToAlarm", n), "DatapointsToAlarm")
    if m > n:
        raise Unsupported(f"DatapointsToAlarm {m} exceeds EvaluationPeriods {n}")
    expressions: dict[str, str] = {}
    label = ""
    if props.get("Metrics"):
        queries = []
        returned = [q for q in props["Metrics"] if q.get("ReturnData", True)]
        if len(returned) != 1:
            raise Unsupported(f"{len(returned)} entries of Metrics return data; an alarm needs exactly one")
        periods = set()
        for query in props["Metrics"]:
            query_id = str(query.get("Id"))
            if "Expression" in query:
                expressions[query_id] = str(query["Expression"])
                metricmath.parse(expressions[query_id])  # unsupported syntax is reported now
            elif "MetricStat" in query:
                stat = query["MetricStat"]
                queries.append(MetricQuery(query_id, _key(stat.get("Metric")), _statistic(stat.get("Stat"))))
                periods.add(_whole(stat.get("Period"), "Period"))
            else:
                raise Unsupported(f"entry {query_id} of Metrics has neither MetricStat nor Expression")
        if len(periods) != 1:
            raise Unsupported(f"the metrics of a math alarm must share one period; found {sorted(periods)}")
        period = periods.pop()
        returned_id = str(returned[0].get("Id"))
        label = str(returned[0].get("Label") or "")
        metrics = tuple(queries)
    else:
        period = _whole(props.get("Period"), "Period")
        metrics = (MetricQuery("m1", _key(props), _statistic(props.get("Statistic"))),)
        returned_id = "m1"
    if period % 60:
        raise Unsupported(f"Period {period} s is not a whole number of minutes (high-resolution alarms are not supported)")
    enabled = props.get("ActionsEnabled", True)
    return AlarmDefinition(
        name=name,
        resource=str(props.get("resource", "")),
        period=period,
        evaluation_periods=n,
        datapoints_to_alarm=m,
        threshold=threshold,
        comparison=str(comparison),
        treat_missing_data=str(missing),
        actions_enabled=enabled not in (False, "false", "False"),
        actions={state: [str(a) for a in props.get(key) or []] for state, key in _ACTIONS.items()},
        metrics=metrics,
        expressions=expressions,
        returned=returned_id,
        label=label,
        description=str(props.get("AlarmDescription") or ""),
    )


def period_statistic(minutes: Mapping[int, Aggregate], statistic: str, period: int) -> Series:
    """The statistic of each period (epoch-aligned start -> value) that has samples."""
    grouped: dict[int, list[Aggregate]] = {}
    for minute, aggregate in minutes.items():
        grouped.setdefault(minute // period * period, []).append(aggregate)
    out: Series = {}
    for start in sorted(grouped):
        parts = grouped[start]
        samples = sum(a.samples for a in parts)
        if not samples:
            continue
        if statistic == "Sum":
            out[start] = sum(a.total for a in parts)
        elif statistic == "SampleCount":
            out[start] = samples
        elif statistic == "Average":
            out[start] = sum(a.total for a in parts) / samples
        elif statistic == "Minimum":
            out[start] = min(a.minimum for a in parts)
        else:
            out[start] = max(a.maximum for a in parts)
    return out


def watched_series(definition: AlarmDefinition, source: MetricSource, grid: Sequence[int]) -> Series:
    """The series the alarm compares with its threshold, over ``grid`` (period starts)."""
    inputs: dict[str, Series] = {}
    for query in definition.metrics:
        minutes = source.minutes(query.key)
        if minutes is None:
            raise Unsupported(f"it watches {_metric_text(query.key)}, which the replay does not simulate")
        inputs[query.id] = period_statistic(minutes, query.statistic, definition.period)
    if not definition.expressions:
        return inputs[definition.returned]
    series = metricmath.Evaluator(grid, inputs, definition.expressions).series(definition.returned)
    within = set(grid)
    return {t: v for t, v in series.items() if t in within}


def decide(definition: AlarmDefinition, window: Sequence[float | None], state: str) -> tuple[str, str]:
    """The state after evaluating ``window`` (the evaluation range, oldest first; None is a
    missing datapoint) from ``state``, and why."""
    n, m = definition.evaluation_periods, definition.datapoints_to_alarm
    existing = [v for v in window if v is not None]
    if len(existing) >= n:
        used = existing[-n:]
        breaching = sum(definition.breaches(v) for v in used)
        return (ALARM if breaching >= m else OK), _counted(definition, breaching, used, 0)
    treat = definition.treat_missing_data
    missing = n - len(existing)
    breaching = sum(definition.breaches(v) for v in existing)
    if treat in ("breaching", "notBreaching"):
        if treat == "breaching":
            breaching += missing
        return (ALARM if breaching >= m else OK), _counted(definition, breaching, existing, missing)
    if not existing:
        if treat == "missing":
            return INSUFFICIENT_DATA, f"no datapoints in the last {len(window)} periods (missing data treated as missing)"
        return state, f"no datapoints in the last {len(window)} periods: the state is kept (missing data ignored)"
    if breaching >= m:
        return ALARM, _counted(definition, breaching, existing, 0)
    if any(not definition.breaches(v) for v in existing):
        return OK, _counted(definition, breaching, existing, 0)
    if treat == "missing":
        if window[0] is not None:
            return ALARM, f"{_counted(definition, breaching, existing, 0)}; the oldest datapoint of the range breaches and none does not"
        return INSUFFICIENT_DATA, f"only {len(existing)} of {n} datapoints, all breaching: not enough to decide"
    return state, f"only {len(existing)} of {n} datapoints, all breaching: the state is kept (missing data ignored)"


def _counted(definition: AlarmDefinition, breaching: int, values: Sequence[float], filled: int) -> str:
    shown = f" [{', '.join(f'{v:.6g}' for v in values)}]" if values else ""
    text = (
        f"{breaching} of {len(values) + filled} datapoint(s){shown} {definition.symbol} threshold {definition.threshold:g} "
        f"(ALARM needs {definition.datapoints_to_alarm} of {definition.evaluation_periods})"
    )
    if filled:
        text += f"; {filled} missing datapoint(s) treated as {definition.treat_missing_data}"
    return text


def evaluate(definition: AlarmDefinition, source: MetricSource, start: int, end: int) -> AlarmResult:
    """Every evaluation of the alarm from ``start`` to ``end`` (epoch seconds): one at the
    end of each period in between."""
    period = definition.period
    first = start // period * period
    grid = list(range(first, -(-end // period) * period, period))
    series = watched_series(definition, source, grid)
    size = definition.evaluation_periods + EXTRA_PERIODS
    state = INSUFFICIENT_DATA
    transitions = []
    for period_start in grid:
        window = [series.get(t) for t in (period_start - (size - 1 - k) * period for k in range(size))]
        new, reason = decide(definition, window, state)
        if new != state:
            actions = tuple(definition.actions[new]) if definition.actions_enabled else ()
            transitions.append(Transition(period_start + period, state, new, reason, actions))
            state = new
    return AlarmResult(definition, series, transitions, state)
