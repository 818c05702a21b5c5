"""``ses-metrics explain SOURCE``: what a ses-metrics.yaml declares, or what a synthesized
``cdk.out`` directory or template holds."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_USAGE,
    make_console,
    report_config,
)


def _is_template(path: Path) -> bool:
    """A ``cdk.out`` directory or a CloudFormation template (a document with ``Resources``)."""
    if path.is_dir():
        return True
    if path.suffix != ".json":
        return False
    from ses_metrics.files.documents import DocumentError, read_document

    try:
        document = read_document(path)
    except DocumentError:
        return False  # read as a configuration, which reports why
    return isinstance(document, dict) and "Resources" in document


def _explain_templates(path: Path) -> int:
    from ses_metrics.platform.explain import cdk_out_summary, template_table
    from ses_metrics.simulator.template import TemplateError
    from ses_metrics.simulator.topology import build_topology

    try:
        topology = build_topology(path)
    except TemplateError as error:
        print(f"ses-metrics explain: {path}: {error}", file=sys.stderr)
        return EXIT_USAGE
    console = make_console()
    console.print(template_table(topology))
    for warning in topology.warnings:
        console.print(f"[yellow]warning[/yellow] {warning}")
    for line in cdk_out_summary(path) if path.is_dir() else []:
        console.print(f"synthesized {line}")
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config, describe
    from ses_metrics.platform.explain import account_table, cdk_out_summary, explain_table

    if _is_template(Path(args.file)):
        return _explain_templates(Path(args.file))
    checked = check_config(args.file)
    if checked.config is None:
        return report_config(checked)
    console = make_console()
    console.print(explain_table(checked.config))
    account = account_table(checked.config)
    if account is not None:
        console.print(account)
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
    explain = commands.add_parser(
        "explain", help="show configuration sets, destinations, event types, dimensions, identities and tenants"
    )
    explain.add_argument("file", help="a configuration file (YAML or JSON), a cdk.out directory or a *.template.json")
    explain.add_argument("--cdk-out", metavar="DIR", help="also summarize the templates synthesized in DIR")
    explain.set_defaults(run=run)
