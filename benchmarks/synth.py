"""Synth wall time: the platform app vs a hand-written L1 stack producing the same resources.

    .venv/bin/python benchmarks/synth.py [--repeat 3] [--sets 1 50 150] [--split 300 2]

Each measurement runs in a fresh interpreter (jsii keeps a Node process per interpreter)
and times App construction to the end of ``app.synth()`` (config loading included for
ses-metrics; interpreter start and imports excluded, reported separately). Generated
configurations give every set a CloudWatch destination (two dimensions) and an
EventBridge destination: three resources per set, so 150 sets stay under CloudFormation's
500-resource limit. cdk-nag is off in both columns (the L1 stack has no acknowledgments
to offer it); the example app row runs it. ``--split SETS GROUPS`` adds rows for SETS
sets shared evenly by the main stack and GROUPS ``stack:`` groups (ses-metrics only, with
the resources of each stack). Prints a Markdown table; not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def generated_config(sets: int, groups: int = 0) -> dict:
    dims = [
        {"name": "campaign", "source": "message_tag", "default": "none"},
        {"name": "ses:from-domain", "source": "message_tag", "default": "unknown"},
    ]
    return {
        "stack_name": f"Bench{sets}",
        "configuration_sets": [
            {
                "name": f"set-{i:03d}",
                **({"stack": f"group{i * (groups + 1) // sets}"} if i * (groups + 1) // sets else {}),
                "destinations": [
                    {"name": f"set-{i:03d}-metrics", "events": ["send", "delivery", "bounce", "complaint"], "cloudwatch": {"dimensions": dims}},
                    {"name": f"set-{i:03d}-bus", "events": ["bounce", "complaint"], "eventbridge": {}},
                ],
            }
            for i in range(sets)
        ],
    }


def l1_app(config: dict, validation: bool):
    """The same resources written by hand with L1 constructs only."""
    import aws_cdk as cdk
    from aws_cdk import aws_ses as ses

    app = cdk.App(builtin_cloud_formation_validation=validation)
    stack = cdk.Stack(app, config["stack_name"])
    Dest = ses.CfnConfigurationSetEventDestination
    for cs in config["configuration_sets"]:
        cfn_set = ses.CfnConfigurationSet(
            stack,
            cs["name"],
            name=cs["name"],
            reputation_options=ses.CfnConfigurationSet.ReputationOptionsProperty(reputation_metrics_enabled=True),
            sending_options=ses.CfnConfigurationSet.SendingOptionsProperty(sending_enabled=True),
        )
        for d in cs["destinations"]:
            target = {}
            if "cloudwatch" in d:
                target["cloud_watch_destination"] = Dest.CloudWatchDestinationProperty(
                    dimension_configurations=[
                        Dest.DimensionConfigurationProperty(
                            dimension_name=x["name"], dimension_value_source="messageTag", default_dimension_value=x["default"]
                        )
                        for x in d["cloudwatch"]["dimensions"]
                    ]
                )
            else:
                target["event_bridge_destination"] = Dest.EventBridgeDestinationProperty(
                    event_bus_arn=stack.format_arn(service="events", resource="event-bus", resource_name="default")
                )
            Dest(
                stack,
                d["name"],
                configuration_set_name=cfn_set.ref,
                event_destination=Dest.EventDestinationProperty(
                    name=d["name"], enabled=True, matching_event_types=d["events"], **target
                ),
            )
    return app


def run_one(mode: str, config_path: str, validation: bool, nag: bool) -> None:
    """Child process: import, build, synth; print the timings as JSON."""
    started = time.perf_counter()
    import aws_cdk as cdk

    sys.path.insert(0, str(ROOT))
    from ses_metrics.platform.app import build_app

    imported = time.perf_counter()
    outdir = tempfile.mkdtemp(prefix="bench-cdk-out-")
    if mode == "ses-metrics":
        app = build_app(cdk.App(builtin_cloud_formation_validation=validation, outdir=outdir), config_path=config_path, nag=nag)
    else:
        import yaml

        app = l1_app(yaml.safe_load(Path(config_path).read_text()), validation)
    assembly = app.synth()
    done = time.perf_counter()
    per_stack = {s.stack_name: len(s.template.get("Resources", {})) for s in assembly.stacks}
    print(json.dumps({"import": imported - started, "synth": done - imported, "resources": sum(per_stack.values()), "per_stack": per_stack}))


def measure(mode: str, config_path: Path, validation: bool, nag: bool, repeat: int) -> dict:
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        out = subprocess.run(
            [sys.executable, __file__, "--one", mode, str(config_path), str(int(validation)), str(int(nag))],
            capture_output=True, text=True, check=True, cwd=ROOT,
        ).stdout
        result = json.loads(out.strip().splitlines()[-1])
        result["wall"] = time.perf_counter() - began
        runs.append(result)
    return {
        "synth": statistics.median(r["synth"] for r in runs),
        "wall": statistics.median(r["wall"] for r in runs),
        "import": statistics.median(r["import"] for r in runs),
        "resources": runs[0]["resources"],
        "per_stack": runs[0]["per_stack"],
    }


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--one":
        run_one(sys.argv[2], sys.argv[3], sys.argv[4] == "1", sys.argv[5] == "1")
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sets", type=int, nargs="*", default=[1, 50, 150])
    parser.add_argument("--split", type=int, nargs=2, metavar=("SETS", "GROUPS"), help="also SETS sets over the main stack and GROUPS group stacks")
    args = parser.parse_args()

    import yaml

    workdir = Path(tempfile.mkdtemp(prefix="bench-synth-"))
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; median of {args.repeat}\n")
    print("| configuration | validation | resources | ses-metrics synth (s) | L1 synth (s) | ratio | ses-metrics process (s) |")
    print("|---|---|---|---|---|---|---|")
    example = measure("ses-metrics", ROOT / "ses-metrics.yaml", False, True, args.repeat)
    print(f"| example app (cdk-nag on) | off | {example['resources']} | {example['synth']:.2f} | - | - | {example['wall']:.2f} |", flush=True)
    for sets in args.sets:
        path = workdir / f"sets-{sets}.yaml"
        path.write_text(yaml.safe_dump(generated_config(sets)))
        for validation in (False, True):
            ours = measure("ses-metrics", path, validation, False, args.repeat)
            l1 = measure("l1", path, validation, False, args.repeat)
            print(
                f"| {sets} sets | {'on' if validation else 'off'} | {ours['resources']} | {ours['synth']:.2f} | "
                f"{l1['synth']:.2f} | {ours['synth'] / l1['synth']:.2f}x | {ours['wall']:.2f} |",
                flush=True,
            )
            if ours["synth"] > 1.3 * l1["synth"]:  # issue 8: within 1.3x of the L1 equivalent
                print(f"WARNING: {sets} sets, validation {'on' if validation else 'off'}: {ours['synth'] / l1['synth']:.2f}x the L1 synth "
                      "(the target is 1.3x; the machine's noise is ~10%: rerun with a larger --repeat)", file=sys.stderr)
    if args.split:
        sets, groups = args.split
        path = workdir / f"split-{sets}-{groups}.yaml"
        path.write_text(yaml.safe_dump(generated_config(sets, groups)))
        for validation in (False, True):
            ours = measure("ses-metrics", path, validation, False, args.repeat)
            each = ", ".join(f"{name} {n}" for name, n in ours["per_stack"].items())
            print(
                f"| {sets} sets, {groups} group stacks ({each}) | {'on' if validation else 'off'} | {ours['resources']} | "
                f"{ours['synth']:.2f} | - | - | {ours['wall']:.2f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
