"""``ses-metrics init DIR``: scaffold a platform project (see ``ses_metrics.platform.init``)."""

from __future__ import annotations

import argparse
import sys

from ses_metrics.cli._common import EXIT_OK, EXIT_USAGE, add_command


def run(args: argparse.Namespace) -> int:
    from ses_metrics.platform.init import InitError, scaffold

    try:
        made = scaffold(args.directory, force=args.force)
    except InitError as error:
        print(f"ses-metrics init: {error}", file=sys.stderr)
        return EXIT_USAGE
    for path in made.files:
        print(f"wrote {made.directory / path}")
    print(
        f"\nNext, in {made.directory}:\n"
        "  python3 -m venv .venv && . .venv/bin/activate && pip install -r requirements-dev.txt && npm install\n"
        "  npx cdk synth\n"
        "  pytest"
    )
    return EXIT_OK


def add_parser(commands: argparse._SubParsersAction) -> None:
    init = add_command(
        commands,
        "init",
        summary="scaffold a platform project: app.py, cdk.json, ses-metrics.yaml, tests, CI",
        description="Write a platform project into DIR: app.py calling ses_metrics.platform.build_app, cdk.json, a "
        "commented ses-metrics.yaml, requirements pinned to this version, package.json pinning the CDK CLI, tests/ for "
        "the pytest plugin, a CI workflow and a README. `npx cdk synth` and `pytest` pass in it right away.",
        examples=["ses-metrics init mail-platform", "ses-metrics init . --force"],
        exit_codes={EXIT_OK: "the project was written", EXIT_USAGE: "DIR is not empty (without --force), or is a file"},
    )
    init.add_argument("directory", help="where to write it (created when missing; must be empty unless --force)")
    init.add_argument("--force", action="store_true", help="write into a directory that is not empty (overwrites the scaffold's files)")
    init.set_defaults(run=run)
