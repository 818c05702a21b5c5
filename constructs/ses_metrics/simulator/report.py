"""Showing a simulation's sinks: every sink as files, Redshift and OpenSearch as tables.

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
    files["cloudwatch/datapoints.jsonl"] = lines([*sim.metrics.datapoints(), *sim.reputation.datapoints()])
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


def print_downstream(sim: Any, console: Any) -> None:
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
