"""The replay report: one self-contained HTML file (inline CSS, inline SVG drawn here, no
script, no network) with, top to bottom:

- the alarms: a table of their transitions and, per alarm, the series it watched against
  its threshold with every transition marked;
- reputation: ``Reputation.BounceRate`` / ``ComplaintRate`` per configuration set and for
  the account against the alarm thresholds and AWS's review and pause levels;
- metrics: each CloudWatch event metric, one chart per metric and dimension set, a line
  per dimension value, transitions of the alarms that read it marked;
- routing: configuration sets -> event destinations -> sinks, with event counts;
- drops with their reasons, what the sinks received, and the model's assumptions.

Elements carry classes and ``data-`` attributes (``svg.chart[data-metric]``,
``g.transition[data-alarm][data-state]``, ``svg.routing``) so tests can find them in the
rendered page.
"""

from __future__ import annotations

import html
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from ses_metrics.replay.alarms import ALARM, INSUFFICIENT_DATA, OK, AlarmResult
from ses_metrics.replay.engine import NO_CONFIGURATION_SET, ReplayResult, Route
from ses_metrics.rules import EventType, MetricKey

PALETTE = ("#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#ff7f0e", "#393b79")
STATE_COLORS = {ALARM: "#d62728", OK: "#2ca02c", INSUFFICIENT_DATA: "#7f7f7f"}
REVIEW_COLOR, PAUSE_COLOR, THRESHOLD_COLOR = "#d62728", "#7f0000", "#ff7f0e"
WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 24, 30, 36
MAX_POINTS = 300
BUCKETS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 86400)

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2330;background:#f6f7f9;margin:0}
main{max-width:1040px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-bottom:1px solid #d8dce3;padding-bottom:4px}
h3{font-size:15px;margin:18px 0 4px}.meta{color:#5a6272;margin:0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:16px 0}
.card{background:#fff;border:1px solid #d8dce3;border-radius:6px;padding:10px 14px;min-width:130px}
.card b{display:block;font-size:20px}.card span{color:#5a6272;font-size:12px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #d8dce3;padding:4px 8px;text-align:left;vertical-align:top}th{background:#eef0f4}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.state{font-weight:600;padding:0 6px;border-radius:3px;color:#fff;font-size:12px}
.state.ALARM{background:#d62728}.state.OK{background:#2ca02c}.state.INSUFFICIENT_DATA{background:#7f7f7f}
figure{background:#fff;border:1px solid #d8dce3;border-radius:6px;margin:12px 0;padding:8px}
figcaption{font-weight:600;margin:0 0 4px}svg{display:block;max-width:100%;height:auto}
.legend{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.swatch{display:inline-block;width:12px;height:3px;vertical-align:middle;margin-right:4px}
tr.filtered td{color:#7a8190}.warn{color:#8a5300}.small{font-size:12px;color:#5a6272}
"""


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _clock(seconds: int, with_day: bool = True) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%m-%d %H:%M" if with_day else "%H:%M")


def _tick(seconds: int) -> str:
    """An axis label: the time, or the date at midnight."""
    moment = datetime.fromtimestamp(seconds, UTC)
    return moment.strftime("%m-%d") if moment.hour == 0 and moment.minute == 0 else moment.strftime("%H:%M")


def _nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about ``ticks`` ticks."""
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(f * magnitude for f in (1, 2, 2.5, 5, 10) if f * magnitude >= raw)


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.3g}%"
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:.3g}"


@dataclass(frozen=True)
class Line:
    label: str
    points: dict[int, float]  # epoch seconds -> value
    color: str = ""


@dataclass(frozen=True)
class Level:
    value: float
    label: str
    color: str


@dataclass(frozen=True)
class Marker:
    """An alarm's state change; ``tag`` tells the alarms of one chart apart."""

    at: int
    state: str
    alarm: str
    text: str
    tag: str = ""


@dataclass(frozen=True)
class _Plot:
    """The plot area of a chart: where a time and a value fall in SVG coordinates."""

    start: int
    end: int
    y_max: float
    y_step: float
    width: float = WIDTH - LEFT - RIGHT
    height: float = HEIGHT - TOP - BOTTOM

    def x(self, t: float) -> float:
        return LEFT + (t - self.start) / max(self.end - self.start, 1) * self.width

    def y(self, v: float) -> float:
        return TOP + self.height - v / self.y_max * self.height


def chart(title: str, lines: Sequence[Line], *, start: int, end: int, step: int, percent: bool = False,
          levels: Sequence[Level] = (), markers: Sequence[Marker] = (), kind: str = "metric", metric: str = "",
          gaps: bool = True) -> str:
    """An SVG line chart in a figure, with its legend. ``step``: seconds between points
    (a gap where a point is missing, unless ``gaps`` is false: then missing is 0)."""
    top_value = max([v for line in lines for v in line.points.values()] + [lv.value for lv in levels] + [0.0])
    y_step = _nice_step(top_value * 1.08 or (0.01 if percent else 1))
    plot = _Plot(start, end, y_step * max(1, -(-top_value * 1.08 // y_step)), y_step)
    out = [
        f'<svg class="chart" data-kind="{_esc(kind)}" data-metric="{_esc(metric or title)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{_esc(title)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{plot.width}" height="{plot.height}" fill="#fbfcfd" stroke="#d8dce3"/>',
        *_axes(plot, percent),
        *_levels(plot, levels, percent),
        *_series(plot, lines, step, gaps),
        *_transition_lines(plot, markers),
        "</svg>",
    ]
    return f"<figure><figcaption>{_esc(title)}</figcaption>{''.join(out)}<ul class=\"legend\">{_legend(lines, levels, markers)}</ul></figure>"


def _axes(plot: _Plot, percent: bool) -> list[str]:
    """Horizontal grid lines with their values, and hour ticks along the time axis."""
    out = []
    v = 0.0
    while v <= plot.y_max + plot.y_step / 1000:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot.width}" y1="{plot.y(v):.1f}" y2="{plot.y(v):.1f}" stroke="#e6e9ee"/>')
        out.append(f'<text x="{LEFT - 6}" y="{plot.y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#5a6272">{_format(v, percent)}</text>')
        v += plot.y_step
    hours = max(plot.end - plot.start, 1) / 3600
    tick_hours = next((h for h in (1, 2, 3, 4, 6, 12, 24, 48, 168) if hours / h <= 12), 720)
    first = -(-plot.start // (tick_hours * 3600)) * tick_hours * 3600
    bottom = TOP + plot.height
    for t in range(first, plot.end + 1, tick_hours * 3600):
        anchor = "end" if plot.x(t) > LEFT + plot.width - 20 else "middle"
        out.append(f'<line x1="{plot.x(t):.1f}" x2="{plot.x(t):.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="#5a6272"/>')
        out.append(f'<text x="{plot.x(t):.1f}" y="{bottom + 16}" text-anchor="{anchor}" font-size="11" fill="#5a6272">{_tick(t)}</text>')
    return out


def _levels(plot: _Plot, levels: Sequence[Level], percent: bool) -> list[str]:
    """A dashed line with its label for each threshold."""
    return [
        f'<g class="level"><line x1="{LEFT}" x2="{LEFT + plot.width}" y1="{plot.y(level.value):.1f}" y2="{plot.y(level.value):.1f}" '
        f'stroke="{level.color}" stroke-dasharray="6 4"/><text x="{LEFT + plot.width - 4}" y="{plot.y(level.value) - 4:.1f}" '
        f'text-anchor="end" font-size="11" fill="{level.color}">{_esc(level.label)} {_format(level.value, percent)}</text></g>'
        for level in levels
    ]


def _series(plot: _Plot, lines: Sequence[Line], step: int, gaps: bool) -> list[str]:
    """A path per line, a point in the middle of its bucket; dots where no point has a neighbour."""
    out = []
    grid = range(plot.start // step * step, plot.end, step)
    for index, line in enumerate(lines):
        color = line.color or PALETTE[index % len(PALETTE)]
        path = []
        pen_up = True
        for t in grid:
            value = line.points.get(t)
            if value is None and not gaps:
                value = 0.0
            if value is None:
                pen_up = True
                continue
            path.append(f"{'M' if pen_up else 'L'}{plot.x(t + step / 2):.1f},{plot.y(value):.1f}")
            pen_up = False
        out.append(
            f'<path class="series" data-label="{_esc(line.label)}" d="{" ".join(path) or "M0,0"}" fill="none" stroke="{color}" stroke-width="2"/>'
        )
        if gaps and all(t + step not in line.points and t - step not in line.points for t in line.points):
            out += [f'<circle cx="{plot.x(t + step / 2):.1f}" cy="{plot.y(v):.1f}" r="2.5" fill="{color}"/>' for t, v in line.points.items()]
    return out


def _transition_lines(plot: _Plot, markers: Sequence[Marker]) -> list[str]:
    """A dashed vertical line per alarm transition, its label in the first of three rows where it fits."""
    out = []
    label_ends = [0.0, 0.0, 0.0]  # right end of the last label in each row
    for marker in sorted(markers, key=lambda m: m.at):
        color = STATE_COLORS.get(marker.state, "#333")
        text = f"{marker.tag} {marker.state} {_tick(marker.at)}".strip()
        at = plot.x(marker.at)
        row = next((i for i, used in enumerate(label_ends) if used < at), min(range(3), key=label_ends.__getitem__))
        label_ends[row] = at + 6.2 * len(text) + 8
        label_x, anchor = (at - 3, "end") if at > LEFT + plot.width - 6.2 * len(text) else (at + 3, "start")
        out.append(
            f'<g class="transition" data-alarm="{_esc(marker.alarm)}" data-state="{_esc(marker.state)}" data-at="{marker.at}">'
            f"<title>{_esc(marker.text)}</title>"
            f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{TOP}" y2="{TOP + plot.height}" stroke="{color}" stroke-width="1.5" stroke-dasharray="3 2"/>'
            f'<text x="{label_x:.1f}" y="{TOP + 12 + row * 13}" text-anchor="{anchor}" font-size="11" fill="{color}">{_esc(text)}</text></g>'
        )
    return out


def _legend(lines: Sequence[Line], levels: Sequence[Level], markers: Sequence[Marker]) -> str:
    legend = "".join(
        f'<li><span class="swatch" style="background:{line.color or PALETTE[i % len(PALETTE)]}"></span>{_esc(line.label)}</li>'
        for i, line in enumerate(lines)
    )
    legend += "".join(f'<li><span class="swatch" style="background:{lv.color}"></span>{_esc(lv.label)}</li>' for lv in levels)
    alarms = {m.alarm: m.tag for m in markers}
    if len(alarms) > 1:
        legend += "".join(f"<li>{_esc(tag)} alarm {_esc(name)}</li>" for name, tag in alarms.items())
    return legend


def _bucket(start: int, end: int) -> int:
    return next((b for b in BUCKETS if (end - start) / b <= MAX_POINTS), BUCKETS[-1])


def _rebucket(points: dict[int, float], step: int) -> dict[int, float]:
    out: dict[int, float] = defaultdict(float)
    for t, v in points.items():
        out[t // step * step] += v
    return dict(out)


def _markers(alarm: AlarmResult, tag: str = "") -> list[Marker]:
    name = alarm.definition.name
    return [Marker(t.at, t.new, name, f"{name}: {t.old} → {t.new} at {_clock(t.at)} UTC. {t.reason}", tag) for t in alarm.transitions]


def _tagged(alarms: Sequence[AlarmResult]) -> list[Marker]:
    """The transitions of several alarms on one chart, tagged #1, #2, ... when more than one."""
    if len(alarms) == 1:
        return _markers(alarms[0])
    return [m for i, a in enumerate(alarms) for m in _markers(a, f"#{i + 1}")]


def _is_rate(alarm: AlarmResult) -> bool:
    definition = alarm.definition
    watched = [q.key.metric_name for q in definition.metrics]
    return any(name.startswith("Reputation.") for name in watched) or "rate" in definition.label.lower()


def _alarm_section(result: ReplayResult) -> str:
    parts = ["<section id=\"alarms\"><h2>Alarms</h2>"]
    if not result.alarms and not result.unevaluated:
        parts.append("<p>The template declares no <code>AWS::CloudWatch::Alarm</code>.</p></section>")
        return "".join(parts)
    rows = []
    ordered = sorted(result.alarms, key=lambda a: a not in result.reached_alarm())
    for alarm in ordered:
        d = alarm.definition
        changes = "<br>".join(
            f'{_clock(t.at)} <span class="state {_esc(t.new)}">{_esc(t.new)}</span>' + (" ✉" if t.actions else "") for t in alarm.transitions
        ) or "none"
        targets = dict.fromkeys(_action_text(result, a) for t in alarm.transitions for a in t.actions)
        notifies = "<br>".join(_esc(t) for t in targets) or ("actions disabled" if not d.actions_enabled else "-")
        rows.append(
            f"<tr><td>{_esc(d.name)}</td><td>{_esc(d.describe())}</td><td>{d.symbol} {_format(d.threshold, _is_rate(alarm))}</td>"
            f"<td>{d.datapoints_to_alarm} of {d.evaluation_periods}, missing: {_esc(d.treat_missing_data)}</td>"
            f'<td>{changes}</td><td class="small">{notifies}</td><td><span class="state {_esc(alarm.state)}">{_esc(alarm.state)}</span></td></tr>'
        )
    for u in result.unevaluated:
        rows.append(f'<tr><td>{_esc(u.name)}</td><td colspan="6" class="warn">not evaluated: {_esc(u.reason)}</td></tr>')
    parts.append(
        "<table><tr><th>Alarm</th><th>Watches</th><th>Threshold</th><th>Datapoints</th><th>Transitions (UTC; ✉ actions run)</th>"
        f"<th>Notifies</th><th>Final</th></tr>{''.join(rows)}</table>"
    )
    for alarm in ordered:
        d = alarm.definition
        percent = _is_rate(alarm)
        parts.append(
            chart(
                d.name,
                [Line(d.label or d.describe(), alarm.datapoints, "#1f77b4")],
                start=result.start,
                end=result.end,
                step=d.period,
                percent=percent,
                levels=[Level(d.threshold, "threshold", THRESHOLD_COLOR)],
                markers=_markers(alarm),
                kind="alarm",
                metric=d.name,
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _action_text(result: ReplayResult, arn: str) -> str:
    """An alarm action: the SNS topic (and its subscriptions in the template) or the ARN."""
    topic = result.topology.topics.get(arn)
    if topic is None:
        return arn.rsplit(":", 1)[-1]
    subscribers = ", ".join(f"{s.protocol} {s.endpoint}" for s in topic.subscriptions)
    return f"SNS {_shorten(topic.name, 32)}" + (f" ({subscribers})" if subscribers else "")


def _reputation_section(result: ReplayResult) -> str:
    parts = ["<section id=\"reputation\"><h2>Reputation</h2>"]
    model = result.reputation
    parts.append(
        f'<p class="small">SES computes these over a representative volume of recent sending; the replay uses the last '
        f"{model.representative_volume:,} sends of each scope, published once it holds {model.minimum_volume:,}, and counts "
        f"mailbox simulator sends (real SES does not).</p>"
    )
    keys = list(model.published_metrics())
    if not keys:
        parts.append("<p>No reputation rate was published (too few sends for the minimum volume).</p>")
    for key, scope, metric in keys:
        watching = [a for a in result.alarms if any(q.key == key for q in a.definition.metrics)]
        levels = [Level(a.definition.threshold, f"alarm {a.definition.name}", THRESHOLD_COLOR) for a in watching]
        levels += [
            Level(metric.review_percent / 100, "AWS review", REVIEW_COLOR),
            Level(metric.pause_percent / 100, "AWS may pause", PAUSE_COLOR),
        ]
        step = _bucket(result.start, result.end)
        averaged = _average(model.series(scope, metric), step)
        parts.append(
            chart(
                f"{metric.metric_name} of {'the account' if scope is None else f'configuration set {scope}'}",
                [Line(f"{metric.label} ({step // 60}-min average)", averaged, "#1f77b4")],
                start=result.start,
                end=result.end,
                step=step,
                percent=True,
                levels=levels,
                markers=_tagged(watching),
                kind="reputation",
                metric=f"{metric.metric_name}:{scope or 'account'}",
            )
        )
    parts.append("</section>")
    return "".join(parts)


def _average(points: dict[int, float], step: int) -> dict[int, float]:
    """The mean of the datapoints in each bucket of ``step`` seconds."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for t, v in points.items():
        buckets[t // step * step].append(v)
    return {t: sum(values) / len(values) for t, values in buckets.items()}


def _metrics_section(result: ReplayResult) -> str:
    parts = ["<section id=\"metrics\"><h2>CloudWatch event metrics</h2>"]
    store = result.simulator.metrics
    groups: dict[tuple[str, tuple[str, ...]], list[dict[str, str]]] = defaultdict(list)
    for name, dims in store.metrics():
        groups[(name, tuple(sorted(dims)))].append(dims)
    if not groups:
        parts.append("<p>No CloudWatch event destination published a metric.</p>")
    step = _bucket(result.start, result.end)
    # Destinations' metrics first, then SES's account-level ones (no dimensions).
    for (name, dimension_names), members in sorted(groups.items(), key=lambda item: (not item[0][1], item[0][1], _ORDER.get(item[0][0], 99))):
        lines = []
        keys: set[MetricKey] = set()
        for index, dims in enumerate(members):
            series = {int(t.timestamp()): v for t, v in store.series(name, dims).items()}
            label = ", ".join(f"{k}={v}" for k, v in sorted(dims.items())) or "account"
            lines.append(Line(label, _rebucket(series, step), PALETTE[index % len(PALETTE)]))
            keys.add(MetricKey("AWS/SES", name, tuple(sorted(dims.items()))))
        markers = _tagged([a for a in result.alarms if any(q.key in keys for q in a.definition.metrics)])
        parts.append(
            chart(
                f"{name} by {', '.join(dimension_names)} (events per {step // 60} min)" if dimension_names
                else f"{name}, account-level (events per {step // 60} min)",
                lines,
                start=result.start,
                end=result.end,
                step=step,
                markers=markers,
                metric=name,
                gaps=False,
            )
        )
    parts.append("</section>")
    return "".join(parts)


_ORDER = {"Send": 0, "Delivery": 1, "Bounce": 2, "Complaint": 3, "DeliveryDelay": 4, "Open": 5, "Click": 6, "Reject": 7}


def _shorten(text: str, limit: int = 44) -> str:
    return text if len(text) <= limit else text[: limit // 2 - 1] + "…" + text[-(limit // 2) :]


def _sink_lines(target: str) -> list[str]:
    """A sink's label on two lines: ``Firehose x → S3 y`` and ``CloudWatch AWS/SES (dims)``."""
    if " → " in target:
        return target.split(" → ", 1)
    if target.endswith(")") and " (" in target:
        head, _, dims = target[:-1].partition(" (")
        return [head, f"dimensions: {dims}"]
    return [target]


def _types_text(destination_types: frozenset[EventType]) -> str:
    if len(destination_types) == len(EventType):
        return "all event types"
    return ", ".join(e.cfn for e in EventType if e in destination_types) or "no event types"


def routing_diagram(result: ReplayResult) -> str:
    """Configuration sets -> event destinations -> sinks, with the events each delivered."""
    routes = result.routes()
    unrouted = sum(result.unrouted().values())
    row_h, box_h = 54, 42
    columns, widths = (20, 300, 680), (240, 260, 280)
    sinks = list(dict.fromkeys(route.target for route in routes))
    rows = max(len(routes) + (1 if unrouted else 0), len(sinks), 1)
    height = rows * row_h + 40
    out = [f'<svg class="routing" viewBox="0 0 980 {height}" width="980" height="{height}" role="img" aria-label="routing diagram">']
    for x, label in zip(columns, ("Configuration sets", "Event destinations", "Sinks"), strict=True):
        out.append(f'<text x="{x}" y="16" font-size="12" font-weight="600" fill="#5a6272">{label}</text>')

    def box(x: int, y: float, w: int, lines: Iterable[str], cls: str, stroke: str = "#8a93a3", dashed: bool = False) -> None:
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out.append(f'<g class="{cls}"><rect x="{x}" y="{y:.1f}" width="{w}" height="{box_h}" rx="5" fill="#fff" stroke="{stroke}"{dash}/>')
        for i, line in enumerate(lines):
            style = ' font-size="12" font-weight="600"' if i == 0 else ' font-size="11" fill="#5a6272"'
            limit = int((w - 14) / (7.4 if i == 0 else 6.3))
            out.append(f'<text x="{x + 8}" y="{y + 17 + i * 15:.1f}"{style}>{_esc(_shorten(line, limit))}</text>')
        out.append("</g>")

    def edge(x1: float, y1: float, x2: float, y2: float, label: str, color: str, dashed: bool) -> None:
        mid = (x1 + x2) / 2
        dash = ' stroke-dasharray="5 4"' if dashed else ""
        out.append(
            f'<path class="edge" d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}" fill="none" '
            f'stroke="{color}" stroke-width="1.5"{dash}/>'
        )
        if label:  # at the start of the edge: one destination per row, so labels never collide
            out.append(f'<text x="{x1 + 4:.1f}" y="{y1 - 4:.1f}" font-size="10" fill="{color}">{_esc(label)}</text>')

    spacing = (rows * row_h) / max(len(sinks), 1)
    sink_y = {target: 30 + i * spacing + (spacing - row_h) / 2 for i, target in enumerate(sinks)}
    by_set: dict[str, list[Route]] = defaultdict(list)
    for route in routes:
        by_set[route.configuration_set].append(route)
    row = 0
    for name, cs in result.topology.configuration_sets.items():
        members = by_set.get(name, [])
        set_y = 30 + (row + (max(len(members), 1) - 1) / 2) * row_h
        flags = "reputation metrics on" if cs.reputation_metrics else "reputation metrics off"
        box(columns[0], set_y, widths[0], [name, f"{result.events.get((name, 'send'), 0):,} sends · {flags}"], "node set")
        for route in members:
            y = 30 + row * row_h
            destination = next(d for d in cs.destinations if d.name == route.destination)
            real = bool(route.drops)
            failing = route.delivered == 0 and real
            label = f"{route.delivered:,} events" if route.delivered else ("all dropped" if real else "no events")
            box(columns[1], y, widths[1], [route.destination, _types_text(destination.event_types)], "node destination",
                "#d62728" if failing else "#8a93a3", failing or not destination.enabled)
            edge(columns[0] + widths[0], set_y + box_h / 2, columns[1], y + box_h / 2, "", "#8a93a3", False)
            edge(columns[1] + widths[1], y + box_h / 2, columns[2], sink_y[route.target] + box_h / 2, label,
                 "#d62728" if failing else "#4a5468", failing)
            row += 1
        row += 0 if members else 1
    if unrouted:
        y = 30 + row * row_h
        box(columns[0], y, widths[0], ["(no configuration set)", f"{unrouted:,} events"], "node set", "#d62728", True)
        box(columns[1], y, widths[1], ["dropped", "SES publishes no events"], "node destination", "#d62728", True)
        edge(columns[0] + widths[0], y + box_h / 2, columns[1], y + box_h / 2, "", "#d62728", True)
    for target, y in sink_y.items():
        box(columns[2], y, widths[2], _sink_lines(target), "node sink")
    out.append("</svg>")
    return "".join(out)


def _filter_text(reason: str) -> str:
    """``not open`` for an event type the destination does not match, else the reason."""
    if reason.startswith("the event destination matches ") and " not " in reason:
        return "not " + reason.rsplit(" not ", 1)[-1]
    return reason


def _routing_section(result: ReplayResult) -> str:
    rows = []
    filtered = []
    for route in result.routes():
        for reason, n in sorted(route.drops.items(), key=lambda item: -item[1]):
            rows.append(
                f"<tr><td>{_esc(route.configuration_set)}</td><td>{_esc(route.destination)}</td><td>{_esc(reason)}</td>"
                f'<td class="n">{n:,}</td></tr>'
            )
        if route.filtered:
            kinds = ", ".join(f"{_filter_text(reason)} ({n:,})" for reason, n in sorted(route.filtered.items(), key=lambda item: -item[1]))
            filtered.append(
                f'<tr class="filtered"><td>{_esc(route.configuration_set)}</td><td>{_esc(route.destination)}</td>'
                f'<td>filtered as configured: {_esc(kinds)}</td><td class="n">{sum(route.filtered.values()):,}</td></tr>'
            )
    for record, n in result.unrouted().items():
        filtered.append(f'<tr class="filtered"><td>-</td><td>-</td><td>{_esc(record)}: {_esc(NO_CONFIGURATION_SET)}</td><td class="n">{n:,}</td></tr>')
    for code, n in result.failed_sends.items():
        rows.append(f'<tr><td colspan="2">send failed</td><td>{_esc(code)}</td><td class="n">{n:,} sends</td></tr>')
    body = "".join(rows + filtered)
    drops = (
        f"<table><tr><th>Configuration set</th><th>Event destination</th><th>Reason</th><th>Events</th></tr>{body}</table>"
        '<p class="small">Grey rows: events filtered as configured (event types a destination does not match, disabled destinations).</p>'
        if body
        else "<p>No event was dropped.</p>"
    )
    return (
        f'<section id="routing"><h2>Routing</h2><figure>{routing_diagram(result)}</figure></section>'
        f'<section id="drops"><h2>Drops</h2>{drops}</section>'
    )


def _sinks_section(result: ReplayResult) -> str:
    sinks = result.sinks()
    rows = [f"<tr><td>S3 {_esc(b)}</td><td>{v['objects']:,} objects, {v['bytes']:,} bytes (uncompressed)</td></tr>" for b, v in sinks["s3"].items()]
    rows += [f"<tr><td>Firehose {_esc(s)}</td><td>{n:,} records</td></tr>" for s, n in sinks["firehoseRecords"].items()]
    rows += [f"<tr><td>SNS {_esc(t)}</td><td>{n:,} messages</td></tr>" for t, n in sinks["sns"].items()]
    rows += [f"<tr><td>EventBridge {_esc(b)} bus</td><td>{n:,} events</td></tr>" for b, n in sinks["eventBridge"]["events"].items()]
    rows += [f"<tr><td>EventBridge rule {_esc(r)}</td><td>{n:,} matches</td></tr>" for r, n in sinks["eventBridge"]["ruleMatches"].items()]
    body = f"<table><tr><th>Sink</th><th>Received</th></tr>{''.join(rows)}</table>" if rows else "<p>No sink received anything.</p>"
    return f'<section id="sinks"><h2>Sinks</h2>{body}<p class="small">Payloads are counted, not kept (memory stays flat); <code>ses-metrics simulate</code> shows them.</p></section>'


ARCHIVE_ROWS_SHOWN = 20


def _archive_section(result: ReplayResult) -> str:
    """Each named query of the template over the archive ``replay --out`` wrote (first rows)."""
    if not result.archive:
        return ""
    parts = []
    for item in result.archive:
        title = f"<h3>{_esc(item.query.name)}</h3><p class=\"small\">{_esc(item.query.description)}</p>"
        if item.result is None:
            parts.append(f'{title}<p class="warn">{_esc(item.error)}</p>')
            continue
        head = "".join(f"<th>{_esc(c)}</th>" for c in item.result.columns)
        rows = "".join(
            "<tr>" + "".join(f"<td>{_esc('' if v is None else v)}</td>" for v in row) + "</tr>"
            for row in item.result.rows[:ARCHIVE_ROWS_SHOWN]
        )
        more = len(item.result.rows) - ARCHIVE_ROWS_SHOWN
        tail = f'<p class="small">{more:,} more rows: <code>ses-metrics query DIR --named {_esc(item.query.name)}</code></p>' if more > 0 else ""
        parts.append(f"{title}<table><tr>{head}</tr>{rows}</table>{tail}")
    return (
        '<section id="archive"><h2>Archive queries</h2><p class="small">The template\'s Athena named queries, unchanged, run by '
        "DuckDB over the S3 archive the replay wrote (<code>replay --out</code>).</p>" + "".join(parts) + "</section>"
    )


def _notes_section(result: ReplayResult) -> str:
    notes = [
        "Each send is one SendEmail to one recipient; its outcome comes from the SES mailbox simulator address drawn for it "
        f"(seed {result.seed}). The reputation rates count those sends; real SES leaves mailbox simulator sends out.",
        "Alarms are evaluated at the end of every period over the last EvaluationPeriods + 2 periods, as the CloudWatch "
        "User Guide describes missing-data handling; they start in INSUFFICIENT_DATA.",
        "Event times follow the simulator: Bounce 0.9 s, Delivery 1.2 s, Open 2 min, Click 3 min, Complaint 5 min after the "
        "send (DeliveryDelay 10 min before a delayed delivery).",
    ]
    items = "".join(f"<li>{_esc(n)}</li>" for n in notes)
    warnings = "".join(f'<li class="warn">{_esc(w)}</li>' for w in result.warnings)
    return f'<section id="notes"><h2>Assumptions and warnings</h2><ul>{items}{warnings}</ul></section>'


def render(result: ReplayResult, *, template: str = "") -> str:
    """The report as one HTML document."""
    events = result.events_by_type()
    reached = result.reached_alarm()
    failed = sum(result.failed_sends.values())
    cards = [
        (f"{result.sends:,}", "sends" + (f" ({failed:,} failed)" if failed else "")),
        (f"{sum(events.values()):,}", "events"),
        *((f"{n:,}", kind) for kind, n in events.items()),
        (f"{len(reached)} of {len(result.alarms)}", "alarms reached ALARM"),
    ]
    card_html = "".join(f'<div class="card"><b>{_esc(v)}</b><span>{_esc(k)}</span></div>' for v, k in cards)
    title = f"ses-metrics replay: {result.profile.source}"
    span = f"{_clock(result.start, True)} to {_clock(result.end, True)} UTC"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{_esc(title)}</title><style>{CSS}</style></head><body><main>"
        f"<header><h1>{_esc(title)}</h1><p class=\"meta\">template {_esc(template or '-')} · {span} · seed {result.seed}</p></header>"
        f'<div class="cards">{card_html}</div>'
        f"{_alarm_section(result)}{_reputation_section(result)}{_metrics_section(result)}{_routing_section(result)}"
        f"{_sinks_section(result)}{_archive_section(result)}{_notes_section(result)}</main></body></html>\n"
    )
