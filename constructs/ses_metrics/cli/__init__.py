"""The ``ses-metrics`` command: one module per subcommand, each with ``add_parser`` and ``run``.

Exit codes: 0 success, 1 problems found (an invalid configuration, lint errors, failed
expectations, an alarm reaching ALARM with ``replay --fail-on-alarm``), 2 unusable input
(bad arguments, an unreadable file), 141 standard output closed early (``| head``). User
mistakes never print a traceback. Every command that prints results takes ``--format
table|json|ndjson``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from ses_metrics import __version__
from ses_metrics.cli import check, explain, init, lint, query, replay, schema, simulate, validate
from ses_metrics.cli._common import EXIT_BROKEN_PIPE, EXIT_USAGE, Parser, UsageError

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
        code = int(args.run(args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return code
    except BrokenPipeError:
        return _reader_gone()
    except UsageError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE


def _reader_gone() -> int:
    """Standard output's reader went away (``| head``): stop without a message, and point
    standard output at /dev/null so that nothing still buffered fails again at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (captured output)
        pass
    return EXIT_BROKEN_PIPE
