"""``ses-metrics simulate TEMPLATE --scenario FILE``: route a scenario's sends through a template.

``--format table`` (default) prints a summary: per configuration set and event destination,
events delivered, filtered and dropped, drop reasons, CloudWatch sums and the other sinks;
per-event rows with ``-v`` (all) or ``--limit N`` (the first N sends). ``ndjson`` streams
one JSON object per event as it is routed, then a summary line. Both keep no result per
send (memory does not grow with the scenario) unless ``-v`` asks for every row. ``json``
prints one document with every send and event, and ``--out``/``--backend moto`` keep every
payload: those hold the whole simulation in memory.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    add_format_argument,
    add_json_alias,
    load_scenarios,
    make_console,
    simulation_arguments,
    simulation_options,
    template_parameters,
)

PROGRESS_AFTER_SECONDS = 2.0


def run(args: argparse.Namespace) -> int:
    from ses_metrics.simulator import Simulator, TemplateError

    if args.backend == "moto" and not args.moto_endpoint:
        raise UsageError("--backend moto needs --moto-endpoint URL (a running moto server, e.g. `moto_server -p 5000`)")
    scenarios = [checked.scenario for checked in load_scenarios(args.scenario)]  # large JSON files read send by send
    # Payloads are kept (and Redshift and OpenSearch followed) when the output or a target needs them.
    keep = args.format == "json" or bool(args.out) or args.backend == "moto" or bool(args.opensearch_url or args.redshift_url)
    database, client = _redshift_database(args), _opensearch_client(args)
    try:
        simulator = Simulator(args.template, options=simulation_options(args), parameters=template_parameters(args), redshift_database=database,
                              opensearch_client=client, keep_events=False, keep_payloads=keep)
    except TemplateError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if keep:
            _run_kept(args, simulator, scenarios)
        else:
            _run_streamed(args, simulator, scenarios)
    except Exception as error:  # the cluster unreachable or refusing bulk requests: not a simulator bug
        if client is None or type(error).__module__.split(".")[0] != "opensearchpy":
            raise
        raise UsageError(f"--opensearch-url {args.opensearch_url}: {_cluster_error(error)}") from None
    return EXIT_OK


def _run_kept(args: argparse.Namespace, simulator: Any, scenarios: list[Any]) -> None:
    """Every result kept: ``--format json``, ``--out``, ``--backend moto``, a real Redshift or OpenSearch."""
    from ses_metrics.simulator import SimulationResult
    from ses_metrics.simulator.codec import encode_document
    from ses_metrics.simulator.report import write_out

    sends, groups = [], []
    for scenario in scenarios:
        result = simulator.run(scenario)
        sends += result.sends
        groups += result.by_send
    result = SimulationResult(simulator, sends, groups)
    if args.backend == "moto":
        _sync_moto(simulator, args.moto_endpoint)
    if args.out:
        write_out(result, Path(args.out))
    if args.format == "json":
        _write(encode_document(result.to_json()), b"\n")
    elif args.format == "ndjson":
        _print_ndjson(simulator, sends)
    else:
        _print_table(args, simulator, sends)
        if args.out:
            make_console().print(f"sinks written under {args.out}/")


def _run_streamed(args: argparse.Namespace, simulator: Any, scenarios: list[Any]) -> None:
    """Results printed or counted as they come, none kept (but the rows ``-v``/``--limit`` ask for)."""
    total = sum(len(s.sends) for s in scenarios if hasattr(s.sends, "__len__"))
    results = _with_progress((result for scenario in scenarios for result in simulator.stream(scenario)), total)
    if args.format == "ndjson":
        _print_ndjson(simulator, results)
    else:
        _print_table(args, simulator, results)


def _print_ndjson(simulator: Any, results: Iterable[Any]) -> None:
    from ses_metrics.simulator.codec import encode
    from ses_metrics.simulator.output import write_ndjson

    out = sys.stdout.buffer
    summary = write_ndjson(results, out)
    out.write(encode({"summary": summary.to_json() | simulator.sink_counts(), "warnings": simulator.warnings}) + b"\n")
    out.flush()


def _print_table(args: argparse.Namespace, simulator: Any, results: Iterable[Any]) -> None:
    from ses_metrics.simulator.output import print_events, print_summary
    from ses_metrics.simulator.report import print_downstream
    from ses_metrics.simulator.summary import Summary

    summary = Summary()
    shown: list[Any] = []
    limit = None if args.verbose and args.limit is None else (args.limit or 0)
    for result in results:
        summary.add(result)
        if limit is None or len(shown) < limit:
            shown.append(result)
    console = make_console()
    if shown:
        title = "SES events and where they went" + (f" (the first {len(shown)} results)" if limit is not None and summary.sends > len(shown) else "")
        print_events(shown, console, filtered=args.verbose, title=title)
    print_summary(summary, simulator, console, reasons=args.verbose)
    if simulator.s3.keep_bodies:
        print_downstream(simulator, console)


def _with_progress(results: Iterator[Any], total: int) -> Iterator[Any]:
    """``results``, with a progress bar on stderr once the run has taken two seconds (only
    when stderr is a terminal)."""
    if not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress

    started = time.monotonic()
    progress: Progress | None = None
    task = None
    done = 0
    try:
        for result in results:
            done += 1
            if done % 512 == 0:
                if progress is None and time.monotonic() - started > PROGRESS_AFTER_SECONDS:
                    progress = Progress(console=make_console(stderr=True), transient=True)
                    progress.start()
                    task = progress.add_task("simulating", total=total or None)
                if progress is not None and task is not None:
                    progress.update(task, completed=done)
            yield result
    finally:
        if progress is not None:
            progress.stop()


def _write(*chunks: bytes) -> None:
    """Each chunk, as it is (a document of hundreds of MB is not copied to end it with a newline)."""
    for chunk in chunks:
        sys.stdout.buffer.write(chunk)
    sys.stdout.buffer.flush()


def _sync_moto(simulator: Any, endpoint: str) -> None:
    from ses_metrics.simulator.moto_sinks import MotoSinks

    sinks = MotoSinks(simulator, endpoint_url=endpoint)
    written = sinks.sync()
    print(
        f"moto: wrote {written['s3Objects']} S3 object(s), {written['snsMessages']} SNS message(s), "
        f"{written['eventBridgeEvents']} EventBridge event(s) to {endpoint}",
        file=sys.stderr,
    )
    for skipped in sinks.skipped:
        print(f"moto: skipped {skipped}", file=sys.stderr)


def _redshift_database(args: argparse.Namespace) -> Any:
    if not args.redshift_url:
        return None
    from ses_metrics.simulator.sinks.databases import PostgresDatabase

    if not args.redshift_url.startswith(("postgresql://", "postgres://")):
        raise UsageError(f"--redshift-url {args.redshift_url!r}: give a postgresql:// URL")
    try:
        return PostgresDatabase(args.redshift_url)
    except RuntimeError as error:
        raise UsageError(str(error)) from None


def _cluster_error(error: Exception) -> str:
    """An opensearch-py error with the cluster's reason (its answer's ``error.reason``) and
    what was being done."""
    text = str(error)
    info = getattr(error, "info", None)
    reason = (info.get("error") or {}).get("reason") if isinstance(info, dict) and isinstance(info.get("error"), dict) else None
    if reason:
        text += f": {reason}"
    return "; ".join([text, *getattr(error, "__notes__", [])])


def _opensearch_client(args: argparse.Namespace) -> Any:
    if not args.opensearch_url:
        return None
    try:
        from opensearchpy import OpenSearch
    except ImportError:
        raise UsageError("--opensearch-url needs the opensearch-py package: pip install opensearch-py") from None
    if not args.opensearch_url.startswith(("http://", "https://")):
        raise UsageError(f"--opensearch-url {args.opensearch_url!r}: give an http:// or https:// URL")
    return OpenSearch(args.opensearch_url)


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    simulate = add_command(
        commands,
        "simulate",
        summary="route a scenario's sends through a synthesized template, as SES would",
        description=(
            "Send a scenario's messages through a synthesized template as SES would, and show for every event and "
            "event destination whether it is delivered (with its dimensions, S3 key, rows...), filtered by design or "
            "dropped, and why. --format ndjson prints one line per event as it is routed."
        ),
        examples=[
            "ses-metrics simulate cdk.out --scenario examples/scenario.yaml",
            "ses-metrics simulate cdk.out --scenario examples/scenario.yaml --format json --out cdk.out/simulation",
        ],
        exit_codes={EXIT_OK: "simulated (sends may fail and events may be dropped: both are results)", EXIT_USAGE: USAGE_EXIT},
    )
    simulate.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    simulate.add_argument("--scenario", action="append", required=True, metavar="FILE",
                          help="a scenario file: {sends: [...]} (YAML or JSON); repeatable, run one after the other")
    add_format_argument(simulate)  # table: a summary per set and destination; ndjson: one line per event as it is routed
    add_json_alias(simulate)
    simulate.add_argument("--out", metavar="DIR", help="write every sink as files under DIR (keeps every payload in memory)")
    simulate.add_argument("-v", "--verbose", action="store_true", help="table: also list every event's row, filtered destinations and filter reasons")
    simulate.add_argument("--limit", type=int, metavar="N", help="table: list the rows of the first N sends' events")
    simulation_arguments(simulate)
    simulate.add_argument("--backend", choices=("memory", "moto"), default="memory", help="also write S3, SNS->SQS and EventBridge->SQS into moto (default %(default)s)")
    simulate.add_argument("--moto-endpoint", metavar="URL", help="the moto server --backend moto writes to")
    simulate.add_argument("--opensearch-url", metavar="URL", help="index OpenSearch streams' documents into this cluster (http(s)://host:port) instead of in memory")
    simulate.add_argument("--redshift-url", metavar="URL", help="load Redshift streams' rows into this PostgreSQL (postgresql://user@host:port/db) instead of an in-memory DuckDB")
    simulate.set_defaults(run=run)
