"""``ses-metrics schema``: the JSON Schema of ses-metrics.yaml."""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import EXIT_OK, EXIT_USAGE, add_command


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
    schema = add_command(
        commands,
        "schema",
        summary="print the JSON Schema of ses-metrics.yaml (for editors)",
        description="Print the JSON Schema of ses-metrics.yaml, for editors that complete and check YAML as you type.",
        examples=["ses-metrics schema -o ses-metrics.schema.json"],
        exit_codes={EXIT_OK: "printed or written", EXIT_USAGE: "the output file cannot be written"},
    )
    schema.add_argument("-o", "--output", help="write to this file instead of standard output")
    schema.set_defaults(run=run)
