"""``ses-metrics explain SOURCE``: what a ses-metrics.yaml declares, or what a synthesized
``cdk.out`` directory or template holds."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from ses_metrics.platform.config import PlatformConfig


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


def _explain_templates(path: Path, form: str) -> int:
    from ses_metrics.platform.explain import cdk_out_summary, template_destinations, template_table
    from ses_metrics.simulator.template import TemplateError
    from ses_metrics.simulator.topology import build_topology

    try:
        topology = build_topology(path)
    except TemplateError as error:
        raise UsageError(f"{path}: {error}") from None
    synthesized = cdk_out_summary(path) if path.is_dir() else []
    destinations = template_destinations(topology)
    summary = {"source": str(path), "configurationSets": len(topology.configuration_sets), "eventDestinations": len(destinations)}
    summary |= {"identities": dict(sorted(topology.identities.items())), "warnings": topology.warnings, "synthesized": synthesized}
    if form == "json":
        write_json({**summary, "eventDestinations": destinations})
    elif form == "ndjson":
        write_ndjson(destinations, summary)
    else:
        console = make_console()
        console.print(template_table(topology))
        _print_lines(console, [f"[yellow]warning[/yellow] {text(w)}" for w in topology.warnings])
        _print_lines(console, [f"synthesized {text(line)}" for line in synthesized])
    return EXIT_OK


def _print_lines(console: Any, lines: list[str]) -> None:
    for line in lines:
        console.print(line, soft_wrap=True)


def _account(config: PlatformConfig) -> dict[str, Any]:
    """The account-level resources, as the file declares them."""
    return {
        "dedicatedIpPools": [p.model_dump(mode="json") for p in config.dedicated_ip_pools],
        "vdm": config.vdm.model_dump(mode="json") if config.vdm is not None else None,
        "identities": [i.model_dump(mode="json") for i in config.identities],
        "tenants": [t.model_dump(mode="json") for t in config.tenants],
    }


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config, describe
    from ses_metrics.platform.explain import (
        account_table,
        cdk_out_summary,
        explain_destinations,
        explain_document,
        explain_table,
    )

    if _is_template(Path(args.file)):
        return _explain_templates(Path(args.file), args.format)
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
        account = account_table(config)
        if account is not None:
            console.print(account)
        _print_lines(console, [f"[yellow]warning[/yellow] {text(w)}" for w in warnings])
        _print_lines(console, [f"synthesized {text(line)}" for line in synthesized])
    elif args.format == "json":
        write_json({"file": checked.source, **explain_document(config), "account": _account(config), "warnings": warnings, "synthesized": synthesized})
    else:
        destinations = explain_destinations(config)
        counts = {"configurationSets": len(config.configuration_sets), "eventDestinations": len(destinations), "streams": len(config.streams)}
        summary = {"file": checked.source, **counts, "topics": len(config.topics), "warnings": warnings, "synthesized": synthesized}
        write_ndjson(destinations, summary)
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction) -> None:
    explain = add_command(
        commands,
        "explain",
        summary="show configuration sets, destinations, event types, dimensions, identities and tenants",
        description=(
            "Show what a ses-metrics.yaml declares: each configuration set with its stack, options and monitoring, each "
            "event destination with its target, event types and dimensions, and the account's pools, identities and "
            "tenants. Given a cdk.out directory or a template, show what the synthesized templates hold."
        ),
        examples=[
            "ses-metrics explain ses-metrics.yaml",
            "ses-metrics explain ses-metrics.yaml --cdk-out cdk.out --format json",
            "ses-metrics explain cdk.out --format ndjson",
        ],
        exit_codes={
            EXIT_OK: "shown (warnings may be listed)",
            EXIT_PROBLEMS: "the file has errors (listed as by validate)",
            EXIT_USAGE: "an unreadable template, or --cdk-out names a directory without templates",
        },
    )
    explain.add_argument("file", help="a configuration file (YAML or JSON), a cdk.out directory or a *.template.json")
    explain.add_argument("--cdk-out", metavar="DIR", help="also summarize the templates synthesized in DIR")
    add_format_argument(explain)
    explain.set_defaults(run=run)
