"""``ses-metrics simulate TEMPLATE --scenario FILE``: route a scenario's sends through a template."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    load_scenarios,
    make_console,
    simulation_arguments,
    simulation_options,
    template_parameters,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.simulator import Simulator, TemplateError
    from ses_metrics.simulator.report import print_result, write_out

    parameters = template_parameters(args)
    [checked] = load_scenarios([args.scenario])
    scenario = checked.scenario
    database = None
    if args.redshift_url:
        from ses_metrics.simulator.sinks.databases import PostgresDatabase

        if not args.redshift_url.startswith(("postgresql://", "postgres://")):
            raise UsageError(f"--redshift-url {args.redshift_url!r}: give a postgresql:// URL")
        try:
            database = PostgresDatabase(args.redshift_url)
        except RuntimeError as error:
            raise UsageError(str(error)) from None
    client = None
    if args.opensearch_url:
        try:
            from opensearchpy import OpenSearch
        except ImportError:
            raise UsageError("--opensearch-url needs the opensearch-py package: pip install opensearch-py") from None
        if not args.opensearch_url.startswith(("http://", "https://")):
            raise UsageError(f"--opensearch-url {args.opensearch_url!r}: give an http:// or https:// URL")
        client = OpenSearch(args.opensearch_url)
    try:
        simulator = Simulator(args.template, options=simulation_options(args), parameters=parameters, redshift_database=database,
                              opensearch_client=client)
    except TemplateError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.backend == "moto" and not args.moto_endpoint:
        raise UsageError("--backend moto needs --moto-endpoint URL (a running moto server, e.g. `moto_server -p 5000`)")
    try:
        result = simulator.run(scenario)
    except Exception as error:  # the cluster unreachable or refusing bulk requests: not a simulator bug
        if client is None or type(error).__module__.split(".")[0] != "opensearchpy":
            raise
        raise UsageError(f"--opensearch-url {args.opensearch_url}: {error}") from None
    if args.backend == "moto":
        from ses_metrics.simulator.moto_sinks import MotoSinks

        sinks = MotoSinks(simulator, endpoint_url=args.moto_endpoint)
        written = sinks.sync()
        print(
            f"moto: wrote {written['s3Objects']} S3 object(s), {written['snsMessages']} SNS message(s), "
            f"{written['eventBridgeEvents']} EventBridge event(s) to {args.moto_endpoint}",
            file=sys.stderr,
        )
        for skipped in sinks.skipped:
            print(f"moto: skipped {skipped}", file=sys.stderr)
    if args.out:
        write_out(result, Path(args.out))
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_result(result, make_console(), out=args.out, verbose=args.verbose)
    return EXIT_OK



def add_parser(commands: argparse._SubParsersAction) -> None:
    simulate = add_command(
        commands,
        "simulate",
        summary="route a scenario's sends through a synthesized template, as SES would",
        description=(
            "Send a scenario's messages through a synthesized template as SES would, and show for every event and "
            "event destination whether it is delivered (with its dimensions, S3 key, rows...) or dropped, and why."
        ),
        examples=[
            "ses-metrics simulate cdk.out --scenario examples/scenario.yaml",
            "ses-metrics simulate cdk.out --scenario examples/scenario.yaml --json --out cdk.out/simulation",
        ],
        exit_codes={EXIT_OK: "simulated (sends may fail and events may be dropped: both are results)", EXIT_USAGE: USAGE_EXIT},
    )
    simulate.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    simulate.add_argument("--scenario", required=True, help="the scenario file: {sends: [...]} (YAML or JSON)")
    simulate.add_argument("--json", action="store_true", help="print one JSON document (sends, events, summary, warnings)")
    simulate.add_argument("--out", metavar="DIR", help="write every sink as files under DIR")
    simulate.add_argument("-v", "--verbose", action="store_true", help="also list destinations that do not match an event's type")
    simulation_arguments(simulate)
    simulate.add_argument("--backend", choices=("memory", "moto"), default="memory", help="also write S3, SNS->SQS and EventBridge->SQS into moto (default %(default)s)")
    simulate.add_argument("--moto-endpoint", metavar="URL", help="the moto server --backend moto writes to")
    simulate.add_argument("--opensearch-url", metavar="URL", help="index OpenSearch streams' documents into this cluster (http(s)://host:port) instead of in memory")
    simulate.add_argument("--redshift-url", metavar="URL", help="load Redshift streams' rows into this PostgreSQL (postgresql://user@host:port/db) instead of an in-memory DuckDB")
    simulate.set_defaults(run=run)
