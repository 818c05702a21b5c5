"""``ses-metrics explain FILE``: what a ses-metrics.yaml declares."""

from __future__ import annotations

import argparse
from pathlib import Path

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    make_console,
    report_config,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config, describe
    from ses_metrics.platform.explain import cdk_out_summary, explain_table

    checked = check_config(args.file)
    if checked.config is None:
        return report_config(checked)
    console = make_console()
    console.print(explain_table(checked.config))
    for problem in checked.warnings:
        console.print(f"[yellow]warning[/yellow] {describe(problem, checked.lines)}")
    if args.cdk_out:
        directory = Path(args.cdk_out)
        summary = cdk_out_summary(directory) if directory.is_dir() else []
        if not summary:
            console.print(f"[red]no *.template.json in {directory}: run `make synth` first[/red]")
            return EXIT_USAGE
        for line in summary:
            console.print(f"synthesized {line}")
    return EXIT_OK



def add_parser(commands: argparse._SubParsersAction) -> None:
    explain = commands.add_parser("explain", help="show configuration sets, destinations, event types and dimensions")
    explain.add_argument("file", help="the configuration file (YAML or JSON)")
    explain.add_argument("--cdk-out", metavar="DIR", help="also summarize the templates synthesized in DIR")
    explain.set_defaults(run=run)
