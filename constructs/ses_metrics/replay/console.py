"""A replay in the terminal: the progress bar while it runs, then the alarm transitions,
reputation, metric totals, drops and warnings as rich tables. Names and reasons from the
template are shown with control characters escaped and square brackets kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from ses_metrics.replay.alarms import ALARM, OK
from ses_metrics.replay.engine import ReplayResult
from ses_metrics.rules import printable

_STYLES = {ALARM: "bold red", OK: "green"}


@contextmanager
def progress_bar(total: int, console: Any) -> Iterator[Callable[[int], None]]:
    """A rich progress bar of sends on ``console`` (stderr) when it is a terminal; yields
    the function to call with the number of sends done."""
    if not console.is_terminal:
        yield lambda done: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("replaying"), BarColumn(), MofNCompleteColumn(), TextColumn("sends"), TimeRemainingColumn(),
        console=console, transient=True,
    ) as progress:
        task = progress.add_task("replay", total=total)
        yield lambda done: progress.update(task, completed=done)


def _t(value: object) -> str:
    from rich.markup import escape

    return escape(printable(str(value)))


def _time(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M")


def print_replay(result: ReplayResult, console: Any, *, report: str | None = None) -> None:
    """Alarm transitions, reputation, metric totals, real drops and warnings."""
    from rich.table import Table

    failed = sum(result.failed_sends.values())
    rate = result.sends / result.seconds if result.seconds else 0
    console.print(
        f"replayed {result.sends:,} sends ({failed:,} failed), {sum(result.events_by_type().values()):,} events, "
        f"{_time(result.start)} to {_time(result.end)} UTC, seed {result.seed}, in {result.seconds:.1f} s ({rate:,.0f} sends/s)"
    )
    alarms = Table(title="Alarm transitions (UTC)")
    for column in ("Alarm", "At", "State", "Why", "Actions"):
        alarms.add_column(column, overflow="fold")
    for alarm in result.alarms:
        for index, t in enumerate(alarm.transitions):
            style = _STYLES.get(t.new, "dim")
            alarms.add_row(
                _t(alarm.definition.name) if index == 0 else "",
                _time(t.at),
                f"[{style}]{t.old} → {t.new}[/{style}]",
                _t(t.reason),
                _t(", ".join(a.rsplit(":", 1)[-1] for a in t.actions) or "-"),
            )
        if not alarm.transitions:
            alarms.add_row(_t(alarm.definition.name), "-", "[dim]INSUFFICIENT_DATA throughout[/dim]", "", "")
    for skipped in result.unevaluated:
        alarms.add_row(_t(skipped.name), "-", "[yellow]not evaluated[/yellow]", _t(skipped.reason), "")
    if result.alarms or result.unevaluated:
        console.print(alarms)
    else:
        console.print("the template declares no AWS::CloudWatch::Alarm")

    reputation = Table(title="Reputation rates (last / highest published)")
    for column in ("Scope", "Metric", "Last", "Highest"):
        reputation.add_column(column)
    for scope, metric, last, highest in result.reputation.summary():
        reputation.add_row(_t(scope or "account"), metric.metric_name, f"{last:.3%}", f"{highest:.3%}")
    if reputation.row_count:
        console.print(reputation)

    totals = Table(title="CloudWatch event metrics (AWS/SES), sums")
    for column in ("Metric", "Dimensions", "Sum"):
        totals.add_column(column, overflow="fold")
    for key, total in result.metric_totals():
        totals.add_row(key.metric_name, _t(", ".join(f"{k}={v}" for k, v in key.dimensions)), f"{total:,.0f}")
    if totals.row_count:
        console.print(totals)

    for route in result.routes():
        for reason, n in route.drops.items():
            console.print(f"[red]dropped[/red] {n:,} events at {_t(route.configuration_set)}/{_t(route.destination)}: {_t(reason)}", soft_wrap=True)
    for record, n in result.unrouted().items():
        console.print(f"[yellow]filtered[/yellow] {n:,} {_t(record)} events: the send has no configuration set")
    for error, n in result.failed_sends.items():
        console.print(f"[red]failed[/red] {n:,} sends: {_t(error)}", soft_wrap=True)
    for warning in result.warnings:
        console.print(f"[yellow]warning[/yellow] {_t(warning)}", soft_wrap=True)
    if report:
        console.print(f"report written to {_t(report)}")
