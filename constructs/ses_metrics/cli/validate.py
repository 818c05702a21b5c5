"""``ses-metrics validate FILE``: check a ses-metrics.yaml."""

from __future__ import annotations

import argparse
import json

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    report_config,
)


def run(args: argparse.Namespace) -> int:
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
    return report_config(checked)



def add_parser(commands: argparse._SubParsersAction) -> None:
    validate = commands.add_parser("validate", help="check a ses-metrics.yaml; exit 1 listing every problem by path")
    validate.add_argument("file", help="the configuration file (YAML or JSON)")
    validate.add_argument("--json", action="store_true", help="print the result as JSON")
    validate.set_defaults(run=run)
