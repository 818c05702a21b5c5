"""Showing a simulation: the routing table in the terminal, and every sink as files.

``write_out(result, DIR)`` writes::

    DIR/simulation.json                  the --json document
    DIR/cloudwatch/datapoints.jsonl      PutMetricData-shaped datapoints
    DIR/s3/<bucket>/<key>                the objects Firehose wrote, byte for byte
    DIR/sns/<topic>.jsonl                SNS notifications, one per line
    DIR/eventbridge/<bus>.jsonl          EventBridge events, one per line
    DIR/redshift/<table>.csv             the rows each Redshift table holds (header: its columns; NULL empty)
    DIR/redshift/stl_load_errors.csv     the load errors, STL_LOAD_ERRORS's columns (with any Redshift table)
    DIR/opensearch/<index>.ndjson        each indexed document as {"_index", "_id", "_source"}, one per line
    DIR/.ses-metrics-out.json            the list of the files above (the next run into DIR removes them first)
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ses_metrics.files.output import OutputDirectory
from ses_metrics.simulator.engine import SimulationResult


def write_out(result: SimulationResult, directory: Path) -> list[Path]:
    """Every sink of the simulation under ``directory``; returns the files written.

    Names taken from the template and the messages (S3 keys, topic, bus, table and index
    names) are written only as plain relative paths under ``directory``, never through a
    link; a reused directory is emptied of what the previous run wrote, and one ses-metrics
    did not write is refused (``ses_metrics.files.output.OutputDirectory``)."""
    sim = result.simulator
    files: dict[str, bytes] = {}

    def lines(items: list[dict[str, Any]]) -> bytes:
        return "".join(json.dumps(item, ensure_ascii=False) + "\n" for item in items).encode()

    files["simulation.json"] = json.dumps(result.to_json(), indent=2, ensure_ascii=False).encode()
    files["cloudwatch/datapoints.jsonl"] = lines(list(sim.metrics.datapoints()))
    for bucket, key, body in sim.s3.items():
        files[f"s3/{bucket}/{key}"] = body
    for topic, messages in sim.sns.messages.items():
        files[f"sns/{topic.rsplit(':', 1)[-1]}.jsonl"] = lines(messages)
    for bus, events in sim.eventbridge.events.items():
        files[f"eventbridge/{bus}.jsonl"] = lines(events)
    for table in sim.redshift.tables:
        names = [c.name for c in sim.redshift.columns(table)]
        files[f"redshift/{table}.csv"] = _csv(names, [[row[n] for n in names] for row in sim.redshift.rows(table)])
    if sim.redshift.tables:
        errors = [error.to_json() for error in sim.redshift.load_errors]
        files["redshift/stl_load_errors.csv"] = _csv(LOAD_ERROR_COLUMNS, [[e[c] for c in LOAD_ERROR_COLUMNS] for e in errors])
    for index in sim.opensearch.indexes:
        files[f"opensearch/{index}.ndjson"] = lines(sim.opensearch.hits(index))
    return OutputDirectory(directory, "ses-metrics simulate --out").write_all(files)


LOAD_ERROR_COLUMNS = ["table", "filename", "line_number", "colname", "type", "raw_line", "raw_field_value", "err_code", "err_reason", "stream"]


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """RFC 4180 CSV; NULL is an empty field."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    return out.getvalue().encode()


def _delivery_text(delivery: dict[str, Any], objects: dict[tuple[str, str], int]) -> str:
    kind = delivery["type"]
    if kind == "cloudwatch":
        dims = ", ".join(f"{k}={v}" for k, v in delivery["dimensions"].items())
        return f"CloudWatch {delivery['metricName']} {{{dims}}}"
    if kind == "firehose":
        number = objects.get((delivery.get("bucket", ""), delivery.get("key", "")))
        where = f" → S3 object #{number}" if number else ""
        if "error" in delivery:
            where += f" (error output: {delivery['error']})"
        redshift, opensearch = delivery.get("redshift"), delivery.get("opensearch")
        if redshift:
            where += f" → Redshift {redshift['table']}: " + ("row loaded" if "row" in redshift else f"not loaded ({redshift['loadError']})")
        if opensearch:
            where += f" → OpenSearch {opensearch['index']}: " + (f"rejected ({opensearch['error']}), backed up" if "error" in opensearch else "indexed")
        return f"Firehose {delivery['deliveryStream']}{where}"
    if kind == "sns":
        subscribers = ", ".join(f"{s['protocol']}:{s['endpoint']}" for s in delivery["subscriptions"]) or "no subscriptions in the template"
        return f"SNS {delivery['topic'].rsplit(':', 1)[-1]} ({subscribers})"
    rules = ", ".join(r["name"] for r in delivery["rules"]) or "no rule matches"
    return f"EventBridge {delivery['detailType']} ({rules})"


def _print_downstream(sim: Any, console: Any) -> None:
    """Redshift COPYs and their load errors, OpenSearch indexes and their failed documents."""
    from rich.table import Table

    if sim.redshift.loads:
        loads = Table(title="Redshift COPY (one per staged object)")
        for column in ("Table", "Object", "Status", "Rows", "Load errors"):
            loads.add_column(column, overflow="fold")
        for load in sim.redshift.loads:
            status = load["status"] if load["status"] == "loaded" else f"[red]{load['status']}{': ' + load['error'] if 'error' in load else ''}[/red]"
            loads.add_row(load["table"], load["file"], status, str(load["rows"]), str(load["errors"]))
        console.print(loads)
    if sim.redshift.load_errors:
        errors = Table(title="Redshift load errors (STL_LOAD_ERRORS)")
        for column in ("Table", "Line", "Column", "Type", "Code", "Reason", "Value"):
            errors.add_column(column, overflow="fold")
        for error in sim.redshift.load_errors:
            errors.add_row(error.table, str(error.line_number), error.colname, error.type, str(error.err_code), error.err_reason, error.raw_field_value[:80])
        console.print(errors)
    if sim.opensearch.indexes or sim.opensearch.failed:
        indexes = Table(title="OpenSearch indexes")
        for column in ("Index", "Documents", "Failed (backed up to S3)"):
            indexes.add_column(column)
        for index in sorted(set(sim.opensearch.indexes) | set(sim.opensearch.failed_count)):
            indexes.add_row(index, str(sim.opensearch.indexed[index]), str(sim.opensearch.failed_count[index]))
        console.print(indexes)
        for failed in sim.opensearch.failed:
            console.print(f"[red]✗ document {failed['esDocumentId']} in {failed['esIndexName']}: {failed['errorMessage']}[/red]")


def not_matching(reason: str) -> bool:
    """Whether a drop reason is only a destination filtering event types as configured."""
    return reason.startswith("the event destination matches ")


def print_result(result: SimulationResult, console: Any, *, out: str | None = None, verbose: bool = False) -> None:
    """The routing table, the sinks' contents and the warnings, with rich. Destinations that
    do not match an event type are counted, not listed, unless ``verbose``."""
    from rich.table import Table

    sim = result.simulator
    objects = sim.s3.items()
    numbers = {(bucket, key): index + 1 for index, (bucket, key, _) in enumerate(objects)}
    table = Table(title="SES events and where they went", show_lines=False)
    for column in ("Send", "Event", "Event destination", "Outcome"):
        table.add_column(column, overflow="fold")
    for send in result.sends:
        label = send.name or f"#{send.index + 1}"
        if send.error:
            table.add_row(label, "-", "-", f"[red]send failed: {send.error['code']}: {send.error['message']}[/red]")
            continue
        first = True
        for outcome in send.events:
            rows = [(d["eventDestination"], f"[green]✓ {_delivery_text(d, numbers)}[/green]") for d in outcome.deliveries]
            skipped = 0
            for drop in outcome.drops:
                if not_matching(drop["reason"]) and not verbose:
                    skipped += 1
                    continue
                style = "dim" if not_matching(drop["reason"]) else "red"
                rows.append((drop["eventDestination"] or "-", f"[{style}]✗ {drop['reason']}[/{style}]"))
            if skipped:
                rows.append(("", f"[dim]{skipped} other destination(s) do not match {outcome.event.type.cfn}[/dim]"))
            for index, (destination, text) in enumerate(rows):
                table.add_row(
                    f"{label} {send.message_id[:16]}…" if first else "",
                    outcome.event.type.record if index == 0 else "",
                    destination,
                    text,
                )
                first = False
        for note in send.notes:
            table.add_row("", "", "", f"[yellow]note: {note}[/yellow]")
    console.print(table)

    metrics = Table(title="CloudWatch (AWS/SES)")
    for column in ("Metric", "Dimensions", "Sum"):
        metrics.add_column(column)
    for metric, dims in sim.metrics.metrics():
        metrics.add_row(metric, ", ".join(f"{k}={v}" for k, v in dims.items()), f"{sim.metrics.sum(metric, dims):g}")
    if sim.metrics.metrics():
        console.print(metrics)
    if objects:
        s3 = Table(title="S3 objects written by Firehose")
        for column in ("#", "Bucket", "Key", "Records"):
            s3.add_column(column, overflow="fold")
        for bucket, key, _ in objects:
            s3.add_row(str(numbers[(bucket, key)]), bucket, key, str(len(sim.s3.records(bucket, key))))
        console.print(s3)
    _print_downstream(sim, console)
    summary = result.summary()
    console.print(
        f"{summary['sends']} send(s) ({summary['failedSends']} failed), {sum(summary['events'].values())} event(s), "
        f"{sum(summary['deliveries'].values())} deliveries, {sum(summary['drops'].values())} drops; "
        f"{summary['snsMessages']} SNS message(s), {summary['eventBridgeEvents']} EventBridge event(s), {summary['s3Objects']} S3 object(s); "
        f"Redshift: {summary['redshiftRowsLoaded']} row(s) loaded, {summary['redshiftLoadErrors']} load error(s); "
        f"OpenSearch: {summary['openSearchDocuments']} document(s) indexed, {summary['openSearchFailedDocuments']} failed"
    )
    for warning in sim.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}")
    if out:
        console.print(f"sinks written under {out}/")
