"""``ses-metrics lint TEMPLATE``: problems no send reveals."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    add_format_argument,
    load_scenarios,
    make_console,
    simulation_arguments,
    simulation_options,
    template_parameters,
    text,
    write_json,
    write_ndjson,
)

if TYPE_CHECKING:
    from ses_metrics.ci.lint import LintReport


def run(args: argparse.Namespace) -> int:
    from ses_metrics.ci.lint import lint
    from ses_metrics.simulator import TemplateError

    scenarios = [checked.scenario for checked in load_scenarios(args.scenario or [])]
    try:
        report = lint(args.template, scenarios=scenarios, options=simulation_options(args), parameters=template_parameters(args))
    except TemplateError as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        write_json(report.to_json())
    elif args.format == "ndjson":
        write_ndjson([f.to_json() for f in report.findings], {**report.summary, "notes": report.notes})
    else:
        _print_report(report, args.template)
    return EXIT_PROBLEMS if report.errors else EXIT_OK


def _print_report(report: LintReport, template: str) -> None:
    console = make_console()
    for finding in report.findings:
        style = "red" if finding.is_error else "yellow"
        console.print(
            f"[{style}]{finding.severity.value:<7}[/{style}] [bold]{finding.id}[/bold] {finding.rule.name}  {text(finding.where)}\n"
            f"        {text(finding.message)}\n        [dim]fix:[/dim] {text(finding.rule.fix)}",
            soft_wrap=True,
        )
    for note in report.notes:
        console.print(f"[dim]note[/dim]    {text(note)}", soft_wrap=True)
    errors, warnings = len(report.errors), len(report.warnings)
    style = "red" if errors else "yellow" if warnings else "green"
    console.print(
        f"[{style}]{text(template)}: {report.configuration_sets} configuration set(s), {report.destinations} event destination(s): "
        f"{errors} error(s), {warnings} warning(s)[/{style}]",
        soft_wrap=True,
    )


def add_parser(commands: argparse._SubParsersAction) -> None:
    lint = add_command(
        commands,
        "lint",
        summary="find event destinations that can never receive events and other problems no send reveals",
        description=(
            "Lint synthesized templates: event destinations that never receive an event (disabled, refused, a role SES "
            "cannot assume, a denied write, a FIFO topic, another bus), quotas, dimensions and buckets. Each finding has "
            "a rule ID, a severity and a fix (docs/lint-rules.md)."
        ),
        examples=[
            "ses-metrics lint cdk.out",
            "ses-metrics lint cdk.out --scenario examples/scenario.yaml --format ndjson",
        ],
        exit_codes={EXIT_OK: "no errors (warnings may be listed)", EXIT_PROBLEMS: "at least one error", EXIT_USAGE: USAGE_EXIT},
    )
    lint.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    lint.add_argument("--scenario", action="append", metavar="FILE", help="scenario files whose tags real sends use (checks SM301; repeatable)")
    add_format_argument(lint)
    simulation_arguments(lint)
    lint.set_defaults(run=run)
