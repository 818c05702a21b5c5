"""What the subcommands share: the argument parser and help layout, output formats, the
console and safe text, usage errors, exit codes, scenarios, templates and simulation
options read from arguments."""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from rich.console import Console

    from ses_metrics.ci.scenarios import CheckedScenario
    from ses_metrics.platform.config import CheckedConfig
    from ses_metrics.simulator import SimulationOptions
    from ses_metrics.simulator.topology import Topology

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
# A reader that stops early (``| head``) ends the command as SIGPIPE ends other tools: 128 + 13.
EXIT_BROKEN_PIPE = 141
USAGE_EXIT = "unusable input: bad arguments, a missing or unreadable file"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def add_command(
    commands: argparse._SubParsersAction,
    name: str,
    *,
    summary: str,
    description: str,
    examples: Sequence[str],
    exit_codes: Mapping[int, str],
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` shows ``description``, then the examples and the exit
    codes as written (the usage line and options in between)."""
    lines = ["examples:", *(f"  {example}" for example in examples), "", "exit codes:"]
    lines += [f"  {code:<4} {meaning}" for code, meaning in sorted(exit_codes.items())]
    lines.append(f"  {EXIT_BROKEN_PIPE:<4} standard output closed early (piped into head); nothing more is printed")
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=description, epilog="\n".join(lines), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    return parser


class UsageError(Exception):
    pass


FORMATS = ("table", "json", "ndjson")
_FORMAT_ALIASES = {"text": "table"}


def add_format_argument(parser: argparse.ArgumentParser, choices: Sequence[str] = FORMATS, default: str = "table") -> None:
    """``--format`` with ``choices`` (``table``: rich tables for people, ``json``: one
    document, ``ndjson``: one JSON object per item and a last ``{"summary": ...}`` line).
    ``text`` is read as ``table``. A ``--json`` flag, where a command keeps one, is an
    alias of ``--format json`` (:func:`add_json_alias`)."""
    parser.add_argument(
        "--format",
        choices=tuple(choices),
        default=default,
        type=lambda value: _FORMAT_ALIASES.get(value, value),
        help=f"output: {', '.join(choices)} (default %(default)s)",
    )


def add_json_alias(parser: argparse.ArgumentParser) -> None:
    """``--json``, the same as ``--format json`` (after :func:`add_format_argument`)."""
    parser.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")


def write_json(document: Any) -> None:
    """One indented JSON document on standard output."""
    sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def write_ndjson(items: Iterable[Mapping[str, Any]], summary: Mapping[str, Any]) -> None:
    """One JSON object per line for each item, then ``{"summary": summary}``."""
    write = sys.stdout.write
    for item in items:
        write(json.dumps(item, ensure_ascii=False) + "\n")
    write(json.dumps({"summary": summary}, ensure_ascii=False) + "\n")


def text(value: object) -> str:
    """``value`` for a rich markup string: control characters escaped (``rules.printable``)
    and markup escaped, so ``[a-z]`` in a name or a rule shows as written."""
    from rich.markup import escape

    from ses_metrics.rules import printable

    return escape(printable(str(value)))


def make_console(stderr: bool = False) -> Console:
    """A rich console on standard output (``stderr``: standard error), 140 columns wide at
    least when not a terminal. A closed pipe raises ``BrokenPipeError`` (rich would exit 1)."""
    from rich.console import Console

    class _Console(Console):
        def on_broken_pipe(self) -> None:
            self.quiet = True
            raise BrokenPipeError

    width = None if sys.stdout.isatty() else max(shutil.get_terminal_size((140, 24)).columns, 140)
    return _Console(stderr=stderr, width=width, highlight=False)


def report_config(checked: CheckedConfig, *, quiet_ok: bool = False) -> int:
    from ses_metrics.platform.config import describe

    console = make_console()
    for problem in checked.problems:
        style = "red" if problem.is_error else "yellow"
        console.print(f"[{style}]{problem.severity.value}[/{style}] {text(describe(problem, checked.lines))}", soft_wrap=True)
    if checked.config is None:
        count = len(checked.errors)
        console.print(f"[red]{text(checked.source)}: {count} error{'s' if count != 1 else ''}[/red]", soft_wrap=True)
        return EXIT_PROBLEMS
    if not quiet_ok:
        c = checked.config
        destinations = sum(len(cs.destinations) for cs in c.configuration_sets)
        console.print(
            f"[green]ok[/green] {text(checked.source)}: {len(c.configuration_sets)} configuration set(s), "
            f"{destinations} event destination(s), {len(c.streams)} stream(s), {len(c.topics)} topic(s)"
        )
    return EXIT_OK


def template_parameters(args: argparse.Namespace) -> dict[str, str]:
    parameters = {}
    for item in args.parameter or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--parameter {item!r}: use NAME=VALUE")
        parameters[name] = value
    return parameters


def simulation_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--account", default="111122223333", help="the simulated AWS account (default %(default)s)")
    parser.add_argument("--region", default="us-east-1", help="the simulated region (default %(default)s)")
    parser.add_argument("--start", help="the clock of the first send (ISO 8601; default 2026-01-01T00:00:00Z)")
    parser.add_argument("--seed", type=int, default=0, help="seed of message and object IDs (default %(default)s)")
    parser.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="a template parameter value (repeatable)")


def simulation_options(args: argparse.Namespace) -> SimulationOptions:
    from datetime import UTC, datetime

    from ses_metrics.rules.defaults import check_time
    from ses_metrics.simulator import Environment, SimulationOptions

    kwargs = {"environment": Environment(account=args.account, region=args.region), "seed": args.seed}
    if args.start:
        try:
            start = datetime.fromisoformat(args.start.replace("Z", "+00:00"))
        except ValueError:
            raise UsageError(f"--start {args.start!r} is not an ISO 8601 time such as 2026-01-01T09:00:00Z") from None
        kwargs["start"] = start if start.tzinfo else start.replace(tzinfo=UTC)
        why = check_time(kwargs["start"], f"--start {args.start!r}:")
        if why:
            raise UsageError(why)
    return SimulationOptions(**kwargs)


def load_scenarios(paths: Sequence[str]) -> list[CheckedScenario]:
    """Every scenario with its expectations, or a usage error listing the problems of every file."""
    from ses_metrics.ci.scenarios import open_checked_scenario
    from ses_metrics.simulator import ScenarioError

    scenarios, errors = [], []
    for path in paths:
        try:
            scenarios.append(open_checked_scenario(path))
        except ScenarioError as error:
            errors.append(str(error))
    if errors:
        raise UsageError("\n".join(errors))
    return scenarios


def load_topology(args: argparse.Namespace) -> Topology:
    from ses_metrics.simulator import TemplateError
    from ses_metrics.simulator.topology import build_topology

    try:
        return build_topology(args.template, simulation_options(args).environment, template_parameters(args))
    except TemplateError as error:
        raise UsageError(str(error)) from None
