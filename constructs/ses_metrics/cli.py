"""The ``ses-metrics`` command.

Exit codes: 0 success, 1 problems found (invalid configuration), 2 usage error (bad
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
from typing import NoReturn

from ses_metrics import __version__
from ses_metrics.config import CheckedConfig, PlatformConfig, StreamConfig, check_config, describe, json_schema
from ses_metrics.rules import EventType

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
    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _events_text(events: Sequence[EventType]) -> str:
    return "all" if set(events) == set(EventType) else ", ".join(e.cfn for e in events)


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
    """A rich table: each configuration set, its destinations, event types and dimensions."""
    from rich.table import Table

    table = Table(title=f"ses-metrics: stack {config.stack_name}", show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    for cs in config.configuration_sets:
        flags = [
            "sending on" if cs.sending_enabled else "[red]sending paused[/red]",
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
