"""``ses-metrics check TEMPLATE SCENARIO...``: run scenarios and check their ``expect:`` lists."""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    USAGE_EXIT,
    add_command,
    load_scenarios,
    load_topology,
    make_console,
    simulation_arguments,
    simulation_options,
)


def run(args: argparse.Namespace) -> int:
    import time

    from ses_metrics.ci import junit
    from ses_metrics.ci.expectations import Status, check
    from ses_metrics.simulator import Simulator

    scenarios = load_scenarios(args.scenarios)
    topology = load_topology(args)
    suites = []
    for scenario in scenarios:
        started = time.perf_counter()
        simulator = Simulator(topology, options=simulation_options(args))
        results = check(simulator.run(scenario.scenario), scenario.expect)
        suites.append(junit.SuiteResult(scenario.source, results, time.perf_counter() - started, simulator.warnings))
    if args.junit:
        junit.write(args.junit, suites)
    failed = sum(s.count(Status.FAILED) + s.count(Status.ERROR) for s in suites)
    if args.format == "json":
        document = {
            "template": args.template,
            "scenarios": [{"file": s.source, "expectations": [r.to_json() for r in s.results], "warnings": s.warnings} for s in suites],
            "summary": {status.value: sum(s.count(status) for s in suites) for status in Status},
        }
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        _print_check(suites, args.junit)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _print_check(suites, junit_path: str | None) -> None:
    from rich.markup import escape

    from ses_metrics.ci.expectations import Status

    console = make_console()
    marks = {Status.PASSED: "[green]✓[/green]", Status.FAILED: "[red]✗[/red]", Status.ERROR: "[red]![/red]"}
    for suite in suites:
        console.print(f"[bold]{escape(suite.source)}[/bold]", soft_wrap=True)
        if not suite.results:
            console.print("  [yellow]no expectations: add an expect: list to check what the sends lead to[/yellow]")
        for result in suite.results:
            console.print(f"  {marks[result.status]} expect\\[{result.index}] {escape(result.description)}", soft_wrap=True)
            if result.message:
                label = "actual" if result.status is Status.FAILED else "error"
                console.print(f"      [red]{label}:[/red] {escape(result.message)}", soft_wrap=True)
        for warning in suite.warnings:
            console.print(f"  [yellow]warning[/yellow] {escape(warning)}", soft_wrap=True)
    counts = {status: sum(s.count(status) for s in suites) for status in Status}
    total = sum(counts.values())
    style = "green" if total == counts[Status.PASSED] else "red"
    console.print(
        f"[{style}]{len(suites)} scenario(s), {total} expectation(s): {counts[Status.PASSED]} passed, "
        f"{counts[Status.FAILED]} failed, {counts[Status.ERROR]} could not be checked[/{style}]"
        + (f"; JUnit report: {escape(junit_path)}" if junit_path else ""),
        soft_wrap=True,
    )



def add_parser(commands: argparse._SubParsersAction) -> None:
    check = add_command(
        commands,
        "check",
        summary="run scenarios and check their expect: lists; exit 1 on any failed expectation",
        description=(
            "Simulate each scenario file against the template and check its expect: list (reaches, never_reaches, "
            "metric sums, fails_with); a failed expectation says what happened instead."
        ),
        examples=["ses-metrics check cdk.out examples/*.yaml", "ses-metrics check cdk.out examples/*.yaml --junit report.xml"],
        exit_codes={
            EXIT_OK: "every expectation passed",
            EXIT_PROBLEMS: "an expectation failed or could not be checked",
            EXIT_USAGE: USAGE_EXIT + ", an invalid scenario",
        },
    )
    check.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files with expect: lists (YAML or JSON)")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE (for CI test reports)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON document")
    simulation_arguments(check)
    check.set_defaults(run=run)
