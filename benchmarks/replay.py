"""Replay throughput and peak memory against the example app, at several numbers of sends.

    .venv/bin/python benchmarks/replay.py [--sends 100000 1000000]

Synthesizes the example app once (CDK validation off) into benchmarks/out/, then runs
each replay in a fresh interpreter that never imports aws_cdk and reports on itself:
sends per second of ``replay()`` (traffic generation, simulation, reputation model and
alarm evaluation; interpreter start and imports excluded), resident memory before the
first send (VmRSS) and its peak (VmHWM, from /proc/self/status). Not ``ru_maxrss``: Linux
carries it over ``execve`` from the forked parent, which here holds the CDK app.

Every size replays the same day (24 hours) of the same traffic mix, scaled: the marketing
campaigns of examples/replay/profile.yaml with engagement, and transactional receipts.
Only the rate changes, so memory that grew with the number of sends would show here. For
contrast, ``--kept`` sizes run with ``keep_payloads=True`` (S3 objects, SNS and EventBridge
messages kept), which does grow: it shows the measurement would catch growth.
Prints a Markdown table; not a test. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
# share of sends, then the traffic entry (examples/replay/profile.yaml, constant over the day)
MIX = (
    (0.35, {"name": "spring-sale", "tags": {"campaign": "spring-sale"}, "outcomes": {"bounce": "6%", "complaint": "0.02%"}}),
    (0.40, {"name": "newsletter", "tags": {"campaign": "newsletter"}, "outcomes": {"bounce": "1%", "complaint": "0.01%", "delivery_delay": "0.5%"}}),
    (0.25, {"name": "receipts", "configuration_set": "transactional", "sender": "receipts@example.com", "tags": {"template": "receipt"},
            "outcomes": {"bounce": "0.3%"}, "engagement": {"open": "0%", "click": "0%"}}),
)


def profile(sends: int) -> dict:
    return {
        "start": "2026-03-02T00:00:00Z",
        "hours": 24,
        "seed": 7,
        "defaults": {"sender": "news@example.com", "configuration_set": "marketing", "engagement": {"open": "25%", "click": "4%"}},
        "traffic": [{**entry, "sends_per_hour": round(sends * share / 24)} for share, entry in MIX],
    }


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status (VmRSS, VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(template_path: str, sends: int, keep_payloads: bool) -> None:
    """One replay in this interpreter; prints its measurements as JSON."""
    sys.path.insert(0, str(ROOT / "constructs"))
    from ses_metrics.replay import parse_profile, replay

    template = json.loads(Path(template_path).read_text())
    parsed = parse_profile(profile(sends))
    before = status_kib("VmRSS")
    started = time.perf_counter()
    result = replay(template, parsed, keep_payloads=keep_payloads)
    elapsed = time.perf_counter() - started
    peak = status_kib("VmHWM")
    print(json.dumps({
        "sends": result.sends,
        "events": sum(result.events_by_type().values()),
        "seconds": elapsed,
        "before_kib": before,
        "peak_kib": peak,
        "kept": keep_payloads,
        "alarms": sum(1 for a in result.alarms if a.transitions),
        "aws_cdk": "aws_cdk" in sys.modules,
    }))


def example_template() -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from simulate import example_template as synthesize

    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "example.template.json"
    path.write_text(json.dumps(synthesize()))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--kept", type=int, nargs="*", default=[100_000], help="sizes to run with payloads kept, for contrast")
    parser.add_argument("--child", nargs=3, metavar=("TEMPLATE", "SENDS", "KEEP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), args.child[2] == "keep")
        return
    template = example_template()
    rows = []
    for sends, keep in [(n, "stream") for n in args.sends] + [(n, "keep") for n in args.kept]:
        command = [sys.executable, __file__, "--child", str(template), str(sends), keep]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        assert not rows[-1]["aws_cdk"]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}\n")
    print("| payloads | sends | events | replay (s) | sends/s | events/s | RSS before the first send (MiB) | peak RSS (MiB) | peak - before (MiB) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        before, peak = row["before_kib"] / 1024, row["peak_kib"] / 1024
        print(
            f"| {'kept (contrast)' if row['kept'] else 'counted'} | {row['sends']:,} | {row['events']:,} | {row['seconds']:.1f} | "
            f"{row['sends'] / row['seconds']:,.0f} | {row['events'] / row['seconds']:,.0f} | {before:.0f} | {peak:.0f} | {peak - before:.0f} |"
        )
    counted = sorted((row["sends"], row["peak_kib"]) for row in rows if not row["kept"])
    if len(counted) > 1 and counted[-1][1] > 1.5 * counted[0][1]:  # issue 8: at most 1.5x from the smallest to the largest run
        print(f"WARNING: peak RSS grows with the sends: {counted[-1][1] / counted[0][1]:.2f}x from {counted[0][0]:,} to {counted[-1][0]:,} sends "
              "(the target is at most 1.5x)", file=sys.stderr)


if __name__ == "__main__":
    main()
