"""``ses-metrics schema``: the JSON Schema of ses-metrics.yaml."""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import (
    EXIT_OK,
)


def run(args: argparse.Namespace) -> int:
    from ses_metrics.files.output import write_file
    from ses_metrics.platform.config import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.output:
        write_file(args.output, text, parents=False)
    else:
        sys.stdout.write(text)
    return EXIT_OK



def add_parser(commands: argparse._SubParsersAction) -> None:
    schema = commands.add_parser("schema", help="print the JSON Schema of ses-metrics.yaml (for editors)")
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(run=run)
