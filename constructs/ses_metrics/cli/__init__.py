"""The ``ses-metrics`` command: one module per subcommand, each with ``add_parser`` and ``run``.

Exit codes: 0 success, 1 problems found (invalid configuration; an alarm reaching ALARM with
`replay --fail-on-alarm`), 2 usage error (bad
arguments, unreadable input). User mistakes never print a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ses_metrics import __version__
from ses_metrics.cli import check, explain, init, lint, query, replay, schema, simulate, validate
from ses_metrics.cli._common import EXIT_USAGE, Parser, UsageError

COMMANDS = (init, validate, schema, explain, simulate, check, lint, replay, query)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="ses-metrics", description="Amazon SES sending metrics as code.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
