"""The ``ses-metrics`` command.

Exit codes: 0 success, 1 problems found (invalid configuration; an alarm reaching ALARM with
`replay --fail-on-alarm`), 2 usage error (bad
arguments, unreadable input). User mistakes never print a traceback.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ses_metrics import __version__
from ses_metrics.rules import EventType

if TYPE_CHECKING:  # the config module (pydantic models, ~0.15 s) loads only for the commands that read one
    from ses_metrics.platform.config import (
        CheckedConfig,
        ConfigurationSetConfig,
        NotificationConfig,
        PlatformConfig,
        StreamConfig,
    )

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _console(stderr: bool = False):  # noqa: ANN202 - rich is imported lazily
    from rich.console import Console

    width = None if sys.stdout.isatty() else max(shutil.get_terminal_size((140, 24)).columns, 140)
    return Console(stderr=stderr, width=width, highlight=False)


def _report(checked: CheckedConfig, *, quiet_ok: bool = False) -> int:
    from ses_metrics.platform.config import describe

    console = _console()
    for problem in checked.problems:
        style = "red" if problem.is_error else "yellow"
        console.print(f"[{style}]{problem.severity.value}[/{style}] {describe(problem, checked.lines)}", markup=True, soft_wrap=True)
    if checked.config is None:
        count = len(checked.errors)
        console.print(f"[red]{checked.source}: {count} error{'s' if count != 1 else ''}[/red]")
        return EXIT_PROBLEMS
    if not quiet_ok:
        c = checked.config
        destinations = sum(len(cs.destinations) for cs in c.configuration_sets)
        console.print(
            f"[green]ok[/green] {checked.source}: {len(c.configuration_sets)} configuration set(s), "
            f"{destinations} event destination(s), {len(c.streams)} stream(s), {len(c.topics)} topic(s)"
        )
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config

    checked = check_config(args.file)
    if args.json:
        print(
            json.dumps(
                {
                    "file": checked.source,
                    "valid": checked.config is not None,
                    "problems": [
                        {
                            "path": p.location,
                            "line": checked.lines.get(p.path),
                            "severity": p.severity.value,
                            "message": p.message,
                        }
                        for p in checked.problems
                    ],
                },
                indent=2,
            )
        )
        return EXIT_OK if checked.config is not None else EXIT_PROBLEMS
    return _report(checked)


def cmd_schema(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _events_text(events: Sequence[EventType]) -> str:
    return "all" if set(events) == set(EventType) else ", ".join(e.cfn for e in events)


def _notified(notification: NotificationConfig | None) -> str:
    if notification is None:
        return "[yellow]no one[/yellow]"
    return f"SNS {notification.topic}" if notification.topic is not None else str(notification.email)


def _alarms_text(bounce: float, complaint: float, notification: NotificationConfig | None) -> str:
    return f"alarms: bounce ≥ {bounce:g}%, complaint ≥ {complaint:g}% → {_notified(notification)}"


def _monitoring_lines(config: PlatformConfig, cs: ConfigurationSetConfig) -> list[str]:
    monitoring = config.monitoring_for(cs)
    if monitoring is None:
        return []
    lines = [
        _alarms_text(monitoring.bounce_rate_percent, monitoring.complaint_rate_percent, monitoring.notification)
        if monitoring.alarms
        else "alarms off"
    ]
    if monitoring.alarms and monitoring.dimension_alarms:
        lines += [f"  per {', '.join(f'{k}={v}' for k, v in d.items())}" for d in monitoring.dimension_alarms]
    lines.append(f"dashboard {config.dashboard_name(cs)}" if monitoring.dashboard else "no dashboard")
    return lines


def _account_caption(config: PlatformConfig) -> str | None:
    account = config.account_alarms()
    if account is None:
        return None
    return "account " + _alarms_text(account.bounce_rate_percent, account.complaint_rate_percent, account.notification)


def stream_target(stream: StreamConfig) -> str:
    """Where a stream delivers, in one line: its kind and target."""
    if stream.redshift is not None:
        r = stream.redshift
        where = r.jdbc_url or f"{r.endpoint}:{r.port}/{r.database}"
        return f"Redshift table {r.table} ({len(r.columns) + len(r.message_tags)} columns) at {where}"
    if stream.opensearch is not None:
        o = stream.opensearch
        domain = o.domain_arn or f"a new domain{f' {o.new_domain.name}' if o.new_domain and o.new_domain.name else ''}"
        return f"OpenSearch index {o.index} ({o.index_rotation}) on {domain}"
    a = stream.archive
    partitions = f", partitioned by {', '.join(a.partition_by)}" if a.partition_by else ""
    return f"S3 {a.prefix} ({a.compression}{partitions})"


def explain_table(config: PlatformConfig):  # noqa: ANN201 - rich is imported lazily
    """A rich table: each configuration set, its destinations, event types, dimensions
    and monitoring (alarm thresholds and who is notified, dashboard), account alarms below;
    with ``stack:`` groups, the stack each set is in."""
    from rich.table import Table

    split = bool(config.stack_groups)
    stacks = dict.fromkeys([config.stack_name, *(config.stack_of(cs) for cs in config.configuration_sets)])
    title = f"ses-metrics: stacks {', '.join(stacks)}" if split else f"ses-metrics: stack {config.stack_name}"
    table = Table(title=title, caption=_account_caption(config), show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    for cs in config.configuration_sets:
        flags = [
            *([f"stack {config.stack_of(cs)}"] if split else []),
            "sending on" if cs.sending_enabled else "[red]sending paused[/red]",
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
            *_monitoring_lines(config, cs),
        ]
        set_cell = f"[bold]{cs.name}[/bold]\n" + "\n".join(flags)
        if not cs.destinations:
            table.add_row(set_cell, "[yellow](none)[/yellow]", "events go nowhere", "", "")
        for index, d in enumerate(cs.destinations):
            name = d.name if d.enabled else f"{d.name} [red](disabled)[/red]"
            if d.cloudwatch is not None:
                target = "CloudWatch metrics"
                dims = "\n".join(f"{x.name} ← {x.source.config} ({x.default})" for x in d.cloudwatch.dimensions)
            elif d.firehose is not None:
                dims = ""
                if d.firehose.stream is not None:
                    target = f"Firehose {d.firehose.stream} → {stream_target(config.stream(d.firehose.stream))}"
                else:
                    target = f"Firehose {d.firehose.stream_arn}"
            elif d.sns is not None:
                dims = ""
                target = f"SNS {d.sns.topic or d.sns.topic_arn}"
            else:
                dims = ""
                target = "EventBridge default bus"
            table.add_row(set_cell if index == 0 else "", name, target, _events_text(d.events), dims)
    return table


def _cdk_out_summary(directory: Path) -> list[str]:
    lines = []
    for template in sorted(directory.glob("*.template.json")):
        resources = json.loads(template.read_text(encoding="utf-8")).get("Resources", {})
        kinds = Counter(r.get("Type", "?") for r in resources.values())
        detail = ", ".join(f"{n} {t.removeprefix('AWS::')}" for t, n in sorted(kinds.items()))
        lines.append(f"{template}: {len(resources)} resources ({detail})")
    return lines


def cmd_explain(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config, describe

    checked = check_config(args.file)
    if checked.config is None:
        return _report(checked)
    console = _console()
    console.print(explain_table(checked.config))
    for problem in checked.warnings:
        console.print(f"[yellow]warning[/yellow] {describe(problem, checked.lines)}")
    if args.cdk_out:
        directory = Path(args.cdk_out)
        summary = _cdk_out_summary(directory) if directory.is_dir() else []
        if not summary:
            console.print(f"[red]no *.template.json in {directory}: run `make synth` first[/red]")
            return EXIT_USAGE
        for line in summary:
            console.print(f"synthesized {line}")
    return EXIT_OK


def _simulation_options(args: argparse.Namespace):  # noqa: ANN202 - lazy import
    from datetime import UTC, datetime

    from ses_metrics.simulator import Environment, SimulationOptions

    kwargs = {"environment": Environment(account=args.account, region=args.region), "seed": args.seed}
    if args.start:
        try:
            start = datetime.fromisoformat(args.start.replace("Z", "+00:00"))
        except ValueError:
            raise _UsageError(f"--start {args.start!r} is not an ISO 8601 time such as 2026-01-01T09:00:00Z") from None
        kwargs["start"] = start if start.tzinfo else start.replace(tzinfo=UTC)
    return SimulationOptions(**kwargs)


class _UsageError(Exception):
    pass


def _parameters(args: argparse.Namespace) -> dict[str, str]:
    parameters = {}
    for item in args.parameter or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise _UsageError(f"--parameter {item!r}: use NAME=VALUE")
        parameters[name] = value
    return parameters


def _load_scenarios(paths: Sequence[str]):  # noqa: ANN202 - lazy import
    """Every scenario with its expectations, or a usage error listing the problems of every file."""
    from ses_metrics.ci.scenarios import load_checked_scenario
    from ses_metrics.simulator import ScenarioError

    scenarios, errors = [], []
    for path in paths:
        try:
            scenarios.append(load_checked_scenario(path))
        except ScenarioError as error:
            errors.append(str(error))
    if errors:
        raise _UsageError("\n".join(errors))
    return scenarios


def cmd_simulate(args: argparse.Namespace) -> int:
    from ses_metrics.simulator import Simulator, TemplateError
    from ses_metrics.simulator.report import print_result, write_out

    parameters = _parameters(args)
    [checked] = _load_scenarios([args.scenario])
    scenario = checked.scenario
    database = None
    if args.redshift_url:
        from ses_metrics.simulator.sinks.databases import PostgresDatabase

        if not args.redshift_url.startswith(("postgresql://", "postgres://")):
            raise _UsageError(f"--redshift-url {args.redshift_url!r}: give a postgresql:// URL")
        try:
            database = PostgresDatabase(args.redshift_url)
        except RuntimeError as error:
            raise _UsageError(str(error)) from None
    client = None
    if args.opensearch_url:
        try:
            from opensearchpy import OpenSearch
        except ImportError:
            raise _UsageError("--opensearch-url needs the opensearch-py package: pip install opensearch-py") from None
        if not args.opensearch_url.startswith(("http://", "https://")):
            raise _UsageError(f"--opensearch-url {args.opensearch_url!r}: give an http:// or https:// URL")
        client = OpenSearch(args.opensearch_url)
    try:
        simulator = Simulator(args.template, options=_simulation_options(args), parameters=parameters, redshift_database=database,
                              opensearch_client=client)
    except TemplateError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.backend == "moto" and not args.moto_endpoint:
        raise _UsageError("--backend moto needs --moto-endpoint URL (a running moto server, e.g. `moto_server -p 5000`)")
    try:
        result = simulator.run(scenario)
    except Exception as error:  # the cluster unreachable or refusing bulk requests: not a simulator bug
        if client is None or type(error).__module__.split(".")[0] != "opensearchpy":
            raise
        raise _UsageError(f"--opensearch-url {args.opensearch_url}: {error}") from None
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
        print_result(result, _console(), out=args.out, verbose=args.verbose)
    return EXIT_OK


def _topology(args: argparse.Namespace):  # noqa: ANN202 - lazy import
    from ses_metrics.simulator import TemplateError
    from ses_metrics.simulator.topology import build_topology

    try:
        return build_topology(args.template, _simulation_options(args).environment, _parameters(args))
    except TemplateError as error:
        raise _UsageError(str(error)) from None


def cmd_check(args: argparse.Namespace) -> int:
    import time

    from ses_metrics.ci import junit
    from ses_metrics.ci.expectations import Status, check
    from ses_metrics.simulator import Simulator

    scenarios = _load_scenarios(args.scenarios)
    topology = _topology(args)
    suites = []
    for scenario in scenarios:
        started = time.perf_counter()
        simulator = Simulator(topology, options=_simulation_options(args))
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


def _print_check(suites, junit_path: str | None) -> None:  # noqa: ANN001 - junit.SuiteResult, imported lazily
    from rich.markup import escape

    from ses_metrics.ci.expectations import Status

    console = _console()
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


def cmd_lint(args: argparse.Namespace) -> int:
    from ses_metrics.ci.lint import lint
    from ses_metrics.simulator import TemplateError

    scenarios = [checked.scenario for checked in _load_scenarios(args.scenario or [])]
    try:
        report = lint(args.template, scenarios=scenarios, options=_simulation_options(args), parameters=_parameters(args))
    except TemplateError as error:
        raise _UsageError(str(error)) from None
    if args.format == "json":
        sys.stdout.write(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        from rich.markup import escape

        console = _console()
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


def _simulation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", default="111122223333", help="the simulated AWS account (default %(default)s)")
    parser.add_argument("--region", default="us-east-1", help="the simulated region (default %(default)s)")
    parser.add_argument("--start", help="the clock of the first send (ISO 8601; default 2026-01-01T00:00:00Z)")
    parser.add_argument("--seed", type=int, default=0, help="seed of message and object IDs (default %(default)s)")
    parser.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="a template parameter value (repeatable)")


def cmd_replay(args: argparse.Namespace) -> int:
    from ses_metrics.replay import load_profile, replay
    from ses_metrics.replay.console import print_replay, progress_bar
    from ses_metrics.simulator import Environment, ScenarioError, TemplateError

    parameters = _parameters(args)
    try:
        profile = load_profile(args.profile)
        with progress_bar(profile.total_sends, _console(stderr=True)) as advance:
            result = replay(
                args.template,
                profile,
                seed=args.seed,
                environment=Environment(account=args.account, region=args.region),
                parameters=parameters,
                progress=advance,
            )
    except (ScenarioError, TemplateError) as error:  # ProfileError is a ScenarioError
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.report:
        from ses_metrics.replay.report import render

        report = Path(args.report)
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(render(result, template=args.template), encoding="utf-8")
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_replay(result, _console(), report=args.report)
    if args.fail_on_alarm and result.reached_alarm():
        return EXIT_PROBLEMS
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ses-metrics", description="Amazon SES sending metrics as code.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    validate = commands.add_parser("validate", help="check a ses-metrics.yaml; exit 1 listing every problem by path")
    validate.add_argument("file", help="the configuration file (YAML or JSON)")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(run=cmd_validate)

    schema = commands.add_parser("schema", help="print the JSON Schema of ses-metrics.yaml (for editors)")
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(run=cmd_schema)

    explain = commands.add_parser("explain", help="show configuration sets, destinations, event types and dimensions")
    explain.add_argument("file", help="the configuration file (YAML or JSON)")
    explain.add_argument("--cdk-out", metavar="DIR", help="also summarize the templates synthesized in DIR")
    explain.set_defaults(run=cmd_explain)

    simulate = commands.add_parser("simulate", help="route a scenario's sends through a synthesized template, as SES would")
    simulate.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    simulate.add_argument("--scenario", required=True, help="the scenario file: {sends: [...]} (YAML or JSON)")
    simulate.add_argument("--json", action="store_true", help="print one JSON document (sends, events, summary, warnings)")
    simulate.add_argument("--out", metavar="DIR", help="write every sink as files under DIR")
    simulate.add_argument("-v", "--verbose", action="store_true", help="also list destinations that do not match an event's type")
    _simulation_arguments(simulate)
    simulate.add_argument("--backend", choices=("memory", "moto"), default="memory", help="also write S3, SNS->SQS and EventBridge->SQS into moto (default %(default)s)")
    simulate.add_argument("--moto-endpoint", metavar="URL", help="the moto server --backend moto writes to")
    simulate.add_argument("--opensearch-url", metavar="URL", help="index OpenSearch streams' documents into this cluster (http(s)://host:port) instead of in memory")
    simulate.add_argument("--redshift-url", metavar="URL", help="load Redshift streams' rows into this PostgreSQL (postgresql://user@host:port/db) instead of an in-memory DuckDB")
    simulate.set_defaults(run=cmd_simulate)

    check = commands.add_parser("check", help="run scenarios and check their expect: lists; exit 1 on any failed expectation")
    check.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    check.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario files with expect: lists (YAML or JSON)")
    check.add_argument("--junit", metavar="FILE", help="also write a JUnit XML report to FILE (for CI test reports)")
    check.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON document")
    _simulation_arguments(check)
    check.set_defaults(run=cmd_check)

    lint = commands.add_parser("lint", help="find event destinations that can never receive events and other problems no send reveals")
    lint.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    lint.add_argument("--scenario", action="append", metavar="FILE", help="scenario files whose tags real sends use (checks SM301; repeatable)")
    lint.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or one JSON document")
    _simulation_arguments(lint)
    lint.set_defaults(run=cmd_lint)


    replay = commands.add_parser(
        "replay", help="stream a traffic profile through a synthesized template and evaluate its CloudWatch alarms"
    )
    replay.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    replay.add_argument("--profile", required=True, help="the traffic profile (YAML or JSON; see README, Replay)")
    replay.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    replay.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    replay.add_argument("--seed", type=int, help="seed of outcomes and IDs (default: the profile's seed)")
    replay.add_argument("--fail-on-alarm", action="store_true", help="exit 1 when any alarm reaches ALARM")
    replay.add_argument("--account", default="111122223333", help="the simulated AWS account (default %(default)s)")
    replay.add_argument("--region", default="us-east-1", help="the simulated region (default %(default)s)")
    replay.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="a template parameter value (repeatable)")
    replay.set_defaults(run=cmd_replay)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except _UsageError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
