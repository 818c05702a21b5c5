"""``ses-metrics explain FILE``: what a ses-metrics.yaml declares."""

from __future__ import annotations

import argparse
from pathlib import Path

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    UsageError,
    add_command,
    add_format_argument,
    make_console,
    report_config,
    text,
    write_json,
    write_ndjson,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config, describe
    from ses_metrics.platform.explain import cdk_out_summary, explain_destinations, explain_document, explain_table

    checked = check_config(args.file)
    if checked.config is None:
        return report_config(checked)
    synthesized: list[str] = []
    if args.cdk_out:
        directory = Path(args.cdk_out)
        synthesized = cdk_out_summary(directory) if directory.is_dir() else []
        if not synthesized:
            raise UsageError(f"no *.template.json in {directory}: run `make synth` first")
    warnings = [describe(problem, checked.lines) for problem in checked.warnings]
    config = checked.config
    if args.format == "table":
        console = make_console()
        console.print(explain_table(config))
        for warning in warnings:
            console.print(f"[yellow]warning[/yellow] {text(warning)}", soft_wrap=True)
        for line in synthesized:
            console.print(f"synthesized {text(line)}", soft_wrap=True)
    elif args.format == "json":
        write_json({"file": checked.source, **explain_document(config), "warnings": warnings, "synthesized": synthesized})
    else:
        destinations = explain_destinations(config)
        summary = {
            "file": checked.source,
            "configurationSets": len(config.configuration_sets),
            "eventDestinations": len(destinations),
            "streams": len(config.streams),
            "topics": len(config.topics),
            "warnings": warnings,
            "synthesized": synthesized,
        }
        write_ndjson(destinations, summary)
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction) -> None:
    explain = add_command(
        commands,
        "explain",
        summary="show configuration sets, destinations, event types and dimensions",
        description=(
            "Show what a ses-metrics.yaml declares: each configuration set with its stack, options and monitoring, and "
            "each event destination with its target, event types and dimensions. With --cdk-out, also the resources "
            "synthesized from it."
        ),
        examples=["ses-metrics explain ses-metrics.yaml", "ses-metrics explain ses-metrics.yaml --cdk-out cdk.out --format json"],
        exit_codes={
            EXIT_OK: "the file is valid (warnings may be listed)",
            EXIT_PROBLEMS: "the file has errors (listed as by validate)",
            EXIT_USAGE: "--cdk-out names a directory without templates",
        },
    )
    explain.add_argument("file", help="the configuration file (YAML or JSON)")
    explain.add_argument("--cdk-out", metavar="DIR", help="also summarize the templates synthesized in DIR")
    add_format_argument(explain)
    explain.set_defaults(run=run)
