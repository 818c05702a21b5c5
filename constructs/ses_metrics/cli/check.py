"""``ses-metrics check TEMPLATE --scenario FILE...``: run scenarios and check their ``expect:`` lists.

Scenario files are named with ``--scenario`` (repeatable), as for ``simulate`` and ``lint``;
positional files after the template are still accepted. ``--format table`` (``text`` is
the same), ``json`` (one document) or ``ndjson`` (one line per expectation, then a summary).
"""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    add_format_argument,
    load_scenarios,
    load_topology,
    make_console,
    simulation_arguments,
    simulation_options,
    text,
    write_ndjson,
)


def run(args: argparse.Namespace) -> int:
    import time

    from ses_metrics.ci import junit
    from ses_metrics.ci.expectations import Status, check
    from ses_metrics.simulator import Simulator

    paths = [*(args.scenarios or []), *(args.scenario or [])]
    if not paths:
        raise UsageError("name at least one scenario file: --scenario FILE (repeatable)")
    scenarios = load_scenarios(paths)
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
    summary = {status.value: sum(s.count(status) for s in suites) for status in Status}
    if args.format == "json":
        document = {
            "template": args.template,
            "scenarios": [{"file": s.source, "expectations": [r.to_json() for r in s.results], "warnings": s.warnings} for s in suites],
            "summary": summary,
        }
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "ndjson":
        write_ndjson(({"file": suite.source, **result.to_json()} for suite in suites for result in suite.results), summary)
    else:
        _print_check(suites, args.junit)
    return EXIT_PROBLEMS if failed else EXIT_OK


def _print_check(suites, junit_path: str | None) -> None:
    from ses_metrics.ci.expectations import Status

    console = make_console()
    marks = {Status.PASSED: "[green]✓[/green]", Status.FAILED: "[red]✗[/red]", Status.ERROR: "[red]![/red]"}
    for suite in suites:
        console.print(f"[bold]{text(suite.source)}[/bold]", soft_wrap=True)
        if not suite.results:
            console.print("  [yellow]no expectations: add an expect: list to check what the sends lead to[/yellow]")
        for result in suite.results:
            console.print(f"  {marks[result.status]} expect\\[{result.index}] {text(result.description)}", soft_wrap=True)
            if result.message:
                label = "actual" if result.status is Status.FAILED else "error"
                console.print(f"      [red]{label}:[/red] {text(result.message)}", soft_wrap=True)
        for warning in suite.warnings:
            console.print(f"  [yellow]warning[/yellow] {text(warning)}", soft_wrap=True)
    counts = {status: sum(s.count(status) for s in suites) for status in Status}
    total = sum(counts.values())
    style = "green" if total == counts[Status.PASSED] else "red"
    console.print(
        f"[{style}]{len(suites)} scenario(s), {total} expectation(s): {counts[Status.PASSED]} passed, "
        f"{counts[Status.FAILED]} failed, {counts[Status.ERROR]} could not be checked[/{style}]"
        + (f"; JUnit report: {text(junit_path)}" if junit_path else ""),
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
        examples=[
            "ses-metrics check cdk.out --scenario examples/scenario.yaml",
            "ses-metrics check cdk.out --scenario examples/scenario.yaml --junit report.xml --format ndjson",
        ],
        exit_codes={
            EXIT_OK: "every expectation passed",
            EXIT_PROBLEMS: "an expectation failed or could not be checked",
            EXIT_USAGE: USAGE_EXIT + ", an invalid scenario",
        },
    )
    check.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    check.add_argument("scenarios", nargs="*", metavar="SCENARIO", help=argparse.SUPPRESS)  # the old spelling: files after the template
    check.add_argument("--scenario", action="append", metavar="FILE", help="a scenario file with an expect: list (YAML or JSON); repeatable")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE (for CI test reports)")
    add_format_argument(check)
    simulation_arguments(check)
    check.set_defaults(run=run)
