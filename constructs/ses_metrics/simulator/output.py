"""Printing a simulation as it streams: NDJSON lines, and the summary table.

``write_ndjson(results, out)`` writes one JSON object per event as its send is routed (the
objects of ``simulate --format json``'s ``events``), ``{"failedSend": ...}`` for a send SES
refused, and returns the ``Summary`` it counted; nothing is kept per send. ``print_summary``
prints, per configuration set and event destination, events delivered, filtered and
dropped, the drop reasons with their counts, the CloudWatch metric sums and what the
other sinks received; ``print_events`` the per-event rows (``simulate -v`` or ``--limit``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import IO, Any

from ses_metrics.rules import CONFIGURATION_SET_DIMENSION, printable
from ses_metrics.simulator.codec import encode
from ses_metrics.simulator.outcomes import (
    CloudWatchDelivery,
    Delivery,
    EventBridgeDelivery,
    FirehoseDelivery,
    SendResult,
    SnsDelivery,
)
from ses_metrics.simulator.summary import NO_SET, Summary

# Bytes of NDJSON written at once: a pipe's capacity. `simulate --format ndjson | wc -l` of
# the 20,000-send benchmark scenario took 1.83 s with a write per send (into standard
# output's 8 KiB buffer), 1.69 s with these (benchmarks/RESULTS.md).
NDJSON_CHUNK = 1 << 16


def _shown(value: object) -> str:
    """Text from templates and scenarios for a rich markup string: control characters
    escaped (``rules.printable``), square brackets kept."""
    from rich.markup import escape

    return escape(printable(str(value)))


def write_ndjson(results: Iterable[SendResult], out: IO[bytes], summary: Summary | None = None) -> Summary:
    """Each event of each result as one line as it comes (``{"failedSend": ...}`` for a
    failed send); returns the counts (``summary``, or a new one). Whole lines are written
    in chunks of about ``NDJSON_CHUNK`` bytes, not one by one."""
    counted = summary if summary is not None else Summary()
    write = out.write
    pending: list[bytes] = []
    size = 0
    for result in results:
        counted.add(result)
        if result.error is not None:
            chunk = encode({"failedSend": result.to_json()}) + b"\n"
        else:
            chunk = b"".join([outcome.encoded_line() for outcome in result.events])
        pending.append(chunk)
        size += len(chunk)
        if size >= NDJSON_CHUNK:
            write(b"".join(pending))
            pending.clear()
            size = 0
    write(b"".join(pending))
    return counted


def delivery_text(delivery: Delivery) -> str:
    """A delivery in a few words: the metric and dimensions, the stream and object, the topic, the rules."""
    if isinstance(delivery, CloudWatchDelivery):
        dims = ", ".join(f"{k}={v}" for k, v in delivery.dimension_values)
        return f"CloudWatch {delivery.metric_name} {{{dims}}}"
    if isinstance(delivery, FirehoseDelivery):
        landing = delivery.landing
        where = ""
        if landing is not None:
            if landing.key:
                where = f" → s3://{landing.bucket}/{landing.key}"
            elif landing.prefix is not None:
                where = f" → s3://{landing.bucket}/{landing.prefix}…"
            if landing.error:
                where += f" (error output: {landing.error})"
            if landing.redshift:
                where += f" → Redshift {landing.redshift['table']}: " + ("row loaded" if "row" in landing.redshift else f"not loaded ({landing.redshift['loadError']})")
            if landing.opensearch:
                where += f" → OpenSearch {landing.opensearch['index']}: " + (f"rejected ({landing.opensearch['error']}), backed up" if "error" in landing.opensearch else "indexed")
        return f"Firehose {delivery.delivery_stream}{where}"
    if isinstance(delivery, SnsDelivery):
        subscribers = ", ".join(f"{s.protocol}:{s.endpoint}" for s in delivery.subscriptions) or "no subscriptions in the template"
        return f"SNS {delivery.topic.rsplit(':', 1)[-1]} ({subscribers})"
    if isinstance(delivery, EventBridgeDelivery):
        rules = ", ".join(r.name for r in delivery.rules) or "no rule matches"
        return f"EventBridge {delivery.detail_type} ({rules})"
    return delivery.kind.config


def print_events(results: Iterable[SendResult], console: Any, *, filtered: bool = False, title: str = "SES events and where they went") -> None:
    """One row per event destination of each event of ``results``; filtered destinations
    are counted in one row per event unless ``filtered``."""
    escape = _shown
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in ("Send", "Event", "Event destination", "Outcome"):
        table.add_column(column, overflow="fold")
    for send in results:
        label = escape(send.name or f"#{send.index + 1}")
        if send.error:
            table.add_row(label, "-", "-", f"[red]send failed: {escape(send.error.code)}: {escape(send.error.message)}[/red]")
            continue
        first = True
        for outcome in send.events:
            rows = [(d.destination, f"[green]✓ {escape(delivery_text(d))}[/green]") for d in outcome.deliveries]
            rows += [(d.destination, f"[red]✗ dropped: {escape(d.reason)}[/red]") for d in outcome.drops]
            if filtered:
                rows += [(f.destination or "-", f"[dim]– filtered: {escape(f.reason)}[/dim]") for f in outcome.filtered]
            elif outcome.filtered:
                rows.append(("", f"[dim]{len(outcome.filtered)} filtered (-v lists them)[/dim]"))
            for index, (destination, text) in enumerate(rows):
                table.add_row(f"{label} {(send.message_id or '')[:16]}…" if first else "", outcome.event.type.record if index == 0 else "", escape(destination), text)
                first = False
        for note in send.notes:
            table.add_row("", "", "", f"[yellow]note: {escape(note)}[/yellow]")
    console.print(table)


def print_summary(summary: Summary, simulator: Any, console: Any, *, reasons: bool = False) -> None:
    """The summary tables: routes, drop reasons (and filter reasons with ``reasons``),
    failed sends, CloudWatch sums, the other sinks; then the totals line and warnings."""
    escape = _shown
    from rich.table import Table

    routes = Table(title="Where events went, per configuration set and event destination")
    for column, justify in (("Configuration set", "left"), ("Event destination", "left"), ("Type", "left"), ("Delivered", "right"),
                            ("Filtered", "right"), ("Dropped", "right")):
        routes.add_column(column, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for route in sorted(summary.routes.values(), key=lambda r: (r.configuration_set, r.destination)):
        dropped = sum(route.dropped.values())
        unrouted = route.configuration_set == NO_SET
        routes.add_row("(no configuration set)" if unrouted else escape(route.configuration_set), "-" if unrouted else escape(route.destination),
                       route.kind.config if route.kind else "-", f"{route.delivered:,}",
                       f"{sum(route.filtered.values()):,}", f"[red]{dropped:,}[/red]" if dropped else "0")
    if routes.row_count:
        console.print(routes)
    _print_reasons(summary, console, reasons)
    if summary.failed:
        console.print("[red]failed sends[/red]: " + ", ".join(f"{escape(code)} {n:,}" for code, n in sorted(summary.failed.items())))
    _print_sinks(simulator, console)
    delivered, filtered, dropped = summary.totals()
    console.print(
        f"{summary.sends:,} send(s) ({sum(summary.failed.values()):,} failed), {summary.event_count:,} event(s): "
        f"{delivered:,} delivered, {filtered:,} filtered (by design), {dropped:,} dropped",
        soft_wrap=True,
    )
    for warning in simulator.warnings:
        console.print(f"[yellow]warning[/yellow] {escape(warning)}", soft_wrap=True)


def _print_reasons(summary: Summary, console: Any, filters: bool) -> None:
    escape = _shown
    from rich.table import Table

    drops = Table(title="Drops by reason (events SES or a stream would lose or refuse)")
    for column in ("Event destination", "Reason", "Events"):
        drops.add_column(column, overflow="fold", justify="right" if column == "Events" else "left")
    for route, reason, n in summary.drop_reasons():
        drops.add_row(escape(route.key), f"[red]{escape(reason)}[/red]", f"{n:,}")
    if drops.row_count:
        console.print(drops)
    if not filters:
        return
    table = Table(title="Filtered by reason (routing as configured)")
    for column in ("Event destination", "Reason", "Events"):
        table.add_column(column, overflow="fold", justify="right" if column == "Events" else "left")
    for route in sorted(summary.routes.values(), key=lambda r: r.key):
        for reason, n in sorted(route.filtered.items(), key=lambda item: -item[1]):
            table.add_row(escape(route.key), f"[dim]{escape(reason)}[/dim]", f"{n:,}")
    if table.row_count:
        console.print(table)


def _print_sinks(sim: Any, console: Any) -> None:
    """CloudWatch sums by dimension values, S3 objects per bucket, SNS messages per topic,
    EventBridge events and rule matches, Redshift and OpenSearch (when followed)."""
    escape = _shown
    from rich.table import Table

    metrics = Table(title="CloudWatch (AWS/SES), sums by dimension values")
    for column in ("Metric", "Dimensions", "Sum"):
        metrics.add_column(column, overflow="fold", justify="right" if column == "Sum" else "left")
    for metric, dims in sim.metrics.metrics():
        metrics.add_row(metric, escape(", ".join(f"{k}={v}" for k, v in dims.items())), f"{sim.metrics.sum(metric, dims):,g}")
    for rate in sim.reputation.to_json():  # Reputation.BounceRate / .ComplaintRate (fractions)
        scope = f"{CONFIGURATION_SET_DIMENSION}={rate['configurationSet']}" if rate["configurationSet"] else ""
        metrics.add_row(rate["metricName"], escape(scope), f"last {rate['last']:.4g}, highest {rate['max']:.4g}")
    if metrics.row_count:
        console.print(metrics)
    sinks = Table(title="Other sinks")
    for column in ("Sink", "Where", "Count"):
        sinks.add_column(column, overflow="fold", justify="right" if column == "Count" else "left")
    for bucket, n in sorted(sim.s3.objects_written.items()):
        sinks.add_row("S3 objects (Firehose)", escape(bucket), f"{n:,}")
    for arn, n in sorted(sim.sns.published.items()):
        sinks.add_row("SNS messages", escape(arn.rsplit(":", 1)[-1]), f"{n:,}")
    for bus, n in sorted(sim.eventbridge.put_count.items()):
        sinks.add_row("EventBridge events", escape(bus), f"{n:,}")
    for rule, n in sorted(sim.eventbridge.rule_matches.items()):
        sinks.add_row("EventBridge rule matches", escape(rule), f"{n:,}")
    if sim.s3.keep_bodies:
        for table, n in sorted(Counter(sim.redshift.rows_loaded).items()):
            sinks.add_row("Redshift rows loaded", escape(table), f"{n:,}")
        if sim.redshift.load_errors:
            sinks.add_row("[red]Redshift load errors[/red]", "STL_LOAD_ERRORS", f"{len(sim.redshift.load_errors):,}")
        for index, n in sorted(Counter(sim.opensearch.indexed).items()):
            sinks.add_row("OpenSearch documents", escape(index), f"{n:,}")
        for index, n in sorted(Counter(sim.opensearch.failed_count).items()):
            sinks.add_row("[red]OpenSearch documents rejected[/red]", escape(index), f"{n:,}")
    if sinks.row_count:
        console.print(sinks)
