"""``ses-metrics replay TEMPLATE --profile FILE``: a day of traffic and the alarms it trips."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    USAGE_EXIT,
    UsageError,
    add_command,
    add_format_argument,
    add_json_alias,
    make_console,
    template_parameters,
    write_json,
    write_ndjson,
)

if TYPE_CHECKING:
    from ses_metrics.replay import ReplayResult


def run(args: argparse.Namespace) -> int:
    from ses_metrics.replay import load_profile, replay
    from ses_metrics.replay.console import print_replay, progress_bar
    from ses_metrics.simulator import Environment, ScenarioError, TemplateError

    parameters = template_parameters(args)
    try:
        profile = load_profile(args.profile)
        with progress_bar(profile.total_sends, make_console(stderr=True)) as advance:
            result = replay(
                args.template,
                profile,
                seed=args.seed,
                environment=Environment(account=args.account, region=args.region),
                parameters=parameters,
                progress=advance,
                archive=args.out,
            )
    except (ScenarioError, TemplateError) as error:  # ProfileError is a ScenarioError
        raise UsageError(str(error)) from None
    if args.report:
        from ses_metrics.files.output import write_file
        from ses_metrics.replay.report import render

        write_file(args.report, render(result, template=args.template))
    if args.format == "json":
        write_json(result.to_json())
    elif args.format == "ndjson":
        write_ndjson(*_transitions(result))
    else:
        print_replay(result, make_console(), report=args.report)
    if args.fail_on_alarm and result.reached_alarm():
        return EXIT_PROBLEMS
    return EXIT_OK


def _transitions(result: ReplayResult) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One item per alarm transition, in time order; the summary is the JSON document with
    each alarm's number of transitions instead of the list."""
    document = result.to_json()
    items = []
    for alarm in document["alarms"]:
        transitions = alarm.pop("transitions")
        items += [{"alarm": alarm["name"], "resource": alarm["resource"], **t} for t in transitions]
        alarm["transitions"] = len(transitions)
    items.sort(key=lambda t: t["at"])
    return items, document


def add_parser(commands: argparse._SubParsersAction) -> None:
    replay = add_command(
        commands,
        "replay",
        summary="stream a traffic profile through a synthesized template and evaluate its CloudWatch alarms",
        description=(
            "Replay a traffic profile (sends per hour, outcomes, tags) through a synthesized template, with SES's "
            "metrics and reputation, and evaluate the template's CloudWatch alarms minute by minute: when each one "
            "changes state and why. --format ndjson prints one line per alarm transition."
        ),
        examples=[
            "ses-metrics replay cdk.out --profile examples/replay/profile.yaml",
            "ses-metrics replay cdk.out --profile examples/replay/profile.yaml --report replay.html --fail-on-alarm",
            "ses-metrics replay cdk.out --profile examples/replay/profile.yaml --out day --report day/report.html",
        ],
        exit_codes={
            EXIT_OK: "replayed (alarms may have fired)",
            EXIT_PROBLEMS: "with --fail-on-alarm: an alarm reached ALARM",
            EXIT_USAGE: USAGE_EXIT + ", an invalid profile",
        },
    )
    replay.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    replay.add_argument("--profile", required=True, help="the traffic profile (YAML or JSON; see docs/replay.md)")
    replay.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    replay.add_argument("--out", metavar="DIR", help="write the day's S3 archive (the buckets the Glue tables read) under DIR; "
                        "the report then shows each named query's result (ses-metrics query DIR runs more)")
    add_format_argument(replay)
    add_json_alias(replay)
    replay.add_argument("--seed", type=int, help="seed of outcomes and IDs (default: the profile's seed)")
    replay.add_argument("--fail-on-alarm", action="store_true", help="exit 1 when any alarm reaches ALARM")
    replay.add_argument("--account", default="111122223333", help="the simulated AWS account (default %(default)s)")
    replay.add_argument("--region", default="us-east-1", help="the simulated region (default %(default)s)")
    replay.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="a template parameter value (repeatable)")
    replay.set_defaults(run=run)
