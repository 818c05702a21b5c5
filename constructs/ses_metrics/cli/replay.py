"""``ses-metrics replay TEMPLATE --profile FILE``: a day of traffic and the alarms it trips."""

from __future__ import annotations

import argparse
import json
import sys

from ses_metrics.cli._common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    make_console,
    template_parameters,
)


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
            )
    except (ScenarioError, TemplateError) as error:  # ProfileError is a ScenarioError
        print(f"ses-metrics: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.report:
        from ses_metrics.files.output import write_file
        from ses_metrics.replay.report import render

        write_file(args.report, render(result, template=args.template))
    if args.json:
        sys.stdout.write(json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n")
    else:
        print_replay(result, make_console(), report=args.report)
    if args.fail_on_alarm and result.reached_alarm():
        return EXIT_PROBLEMS
    return EXIT_OK



def add_parser(commands: argparse._SubParsersAction) -> None:
    replay = commands.add_parser(
        "replay", help="stream a traffic profile through a synthesized template and evaluate its CloudWatch alarms"
    )
    replay.add_argument("template", help="a cdk.out directory or a template file (JSON or YAML)")
    replay.add_argument("--profile", required=True, help="the traffic profile (YAML or JSON; see README, Replay)")
    replay.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    replay.add_argument("--json", action="store_true", help="print one JSON document instead of tables")
    replay.add_argument("--seed", type=int, help="seed of outcomes and IDs (default: the profile's seed)")
    replay.add_argument("--fail-on-alarm", action="store_true", help="exit 1 when any alarm reaches ALARM")
    replay.add_argument("--account", default="111122223333", help="the simulated AWS account (default %(default)s)")
    replay.add_argument("--region", default="us-east-1", help="the simulated region (default %(default)s)")
    replay.add_argument("--parameter", action="append", metavar="NAME=VALUE", help="a template parameter value (repeatable)")
    replay.set_defaults(run=run)
