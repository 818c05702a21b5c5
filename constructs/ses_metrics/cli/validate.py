"""``ses-metrics validate FILE``: check a ses-metrics.yaml."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    add_command,
    add_format_argument,
    add_json_alias,
    report_config,
    write_json,
    write_ndjson,
)

if TYPE_CHECKING:
    from ses_metrics.platform.config import CheckedConfig


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.config import check_config

    checked = check_config(args.file)
    if args.format == "table":
        return report_config(checked)
    problems = [_problem(checked, p) for p in checked.problems]
    summary = {
        "file": checked.source,
        "valid": checked.config is not None,
        "errors": len(checked.errors),
        "warnings": len(checked.warnings),
    }
    if args.format == "json":
        write_json({"file": checked.source, "valid": checked.config is not None, "problems": problems})
    else:
        write_ndjson(problems, summary)
    return EXIT_OK if checked.config is not None else EXIT_PROBLEMS


def _problem(checked: CheckedConfig, problem: Any) -> dict[str, Any]:
    return {"path": problem.location, "line": checked.lines.get(problem.path), "severity": problem.severity.value, "message": problem.message}


def add_parser(commands: argparse._SubParsersAction) -> None:
    validate = add_command(
        commands,
        "validate",
        summary="check a ses-metrics.yaml; exit 1 listing every problem by path",
        description="Check a ses-metrics.yaml against the schema and SES's rules, and list every problem by path and line.",
        examples=["ses-metrics validate ses-metrics.yaml", "ses-metrics validate ses-metrics.yaml --format json"],
        exit_codes={EXIT_OK: "the file is valid (warnings may be listed)", EXIT_PROBLEMS: "the file has errors (a missing file is one)"},
    )
    validate.add_argument("file", help="the configuration file (YAML or JSON)")
    add_format_argument(validate)
    add_json_alias(validate)
    validate.set_defaults(run=run)
