"""``ses-metrics lint TEMPLATE``: problems no send reveals."""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    UsageError,
    load_scenarios,
    make_console,
    simulation_arguments,
    simulation_options,
    template_parameters,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.ci.lint import lint
    from ses_metrics.simulator import TemplateError

    scenarios = [checked.scenario for checked in load_scenarios(args.scenario or [])]
    try:
        report = lint(args.template, scenarios=scenarios, options=simulation_options(args), parameters=template_parameters(args))
    except TemplateError as error:
        raise UsageError(str(error)) from None
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.markup import escape

        console = make_console()
        for finding in report.findings:
            style = "red" if finding.is_error else "yellow"
            console.print(
                f"[{style}]{finding.severity.value:<7}[/{style}] [bold]{finding.id}[/bold] {finding.rule.name}  {escape(finding.where)}\n"
                f"        {escape(finding.message)}\n        [dim]fix:[/dim] {escape(finding.rule.fix)}",
                soft_wrap=True,
            )
        for note in report.notes:
            console.print(f"[dim]note[/dim]    {escape(note)}", soft_wrap=True)
        errors, warnings = len(report.errors), len(report.warnings)
        style = "red" if errors else "yellow" if warnings else "green"
        console.print(
            f"[{style}]{escape(args.template)}: {report.configuration_sets} configuration set(s), {report.destinations} event destination(s): "
            f"{errors} error(s), {warnings} warning(s)[/{style}]",
            soft_wrap=True,
        )
    return EXIT_PROBLEMS if report.errors else EXIT_OK



def add_parser(commands: argparse._SubParsersAction) -> None:
    lint = commands.add_parser("lint", help="find event destinations that can never receive events and other problems no send reveals")
    lint.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    lint.add_argument("--scenario", action="append", metavar="FILE", help="scenario files whose tags real sends use (checks SM301; repeatable)")
    lint.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON document")
    simulation_arguments(lint)
    lint.set_defaults(run=run)
