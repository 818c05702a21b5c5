"""``ses-metrics query`` over a replayed day of the example: the archive of >= 1M events.

    .venv/bin/python benchmarks/query.py [--sends 450000] [--keep DIR]

Synthesizes the example app once (CDK validation off, ``simulate.py``'s template, which
has ``athena:`` on its archive), replays a day of ``replay.py``'s traffic mix at
``--sends`` sends with ``replay --out`` (the archive written under a directory, the
named queries run once inside the replay), then times, each in a fresh interpreter as a
user runs it: ``ses-metrics query DIR --named NAME --format csv`` for every named query
(interpreter start, reading the template's catalogue, listing the objects, DuckDB reading
the gzip JSON objects in place). Prints a Markdown table; not a test. Results:
benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def replay_day(template: Path, sends: int, directory: Path) -> dict:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from replay import profile

    from ses_metrics.replay import parse_profile, replay

    started = time.perf_counter()
    result = replay(str(template), parse_profile(profile(sends)), archive=directory)
    seconds = time.perf_counter() - started
    objects = sum(1 for _ in (directory / "s3").rglob("*.gz"))
    size = sum(p.stat().st_size for p in (directory / "s3").rglob("*.gz"))
    return {"sends": result.sends, "events": sum(result.events_by_type().values()), "seconds": seconds, "objects": objects,
            "bytes": size, "queries": [a.query.name for a in result.archive], "errors": [a.error for a in result.archive if a.error]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=450_000, help="sends of the replayed day (default %(default)s: over 1M events)")
    parser.add_argument("--keep", metavar="DIR", help="replay into DIR and keep it (default: a temporary directory)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each query (the best is reported)")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from replay import example_template

    template = example_template()
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ses-metrics-query-")) / "day"
    if directory.exists():
        shutil.rmtree(directory)
    day = replay_day(template, args.sends, directory)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}\n")
    print(f"replay --out: {day['sends']:,} sends, {day['events']:,} events, {day['seconds']:.1f} s (named queries included); "
          f"archive {day['objects']:,} objects, {day['bytes'] / 2**20:.1f} MiB gzip\n")
    if day["errors"]:
        print(f"query errors inside the replay: {day['errors']}", file=sys.stderr)
    print("| named query | rows | wall clock, best of runs (s) | events/s |")
    print("|---|---|---|---|")
    for name in day["queries"]:
        best, rows = None, 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            out = subprocess.run([str(BIN / "ses-metrics"), "query", str(directory), "--named", name, "--template", str(template),
                                  "--format", "csv"], capture_output=True, text=True, check=True)
            elapsed = time.perf_counter() - started
            best = elapsed if best is None else min(best, elapsed)
            rows = len(out.stdout.strip().splitlines()) - 1
        print(f"| {name} | {rows:,} | {best:.2f} | {day['events'] / best:,.0f} |")
    if not args.keep:
        shutil.rmtree(directory.parent)
    print(json.dumps({"sends": day["sends"], "events": day["events"]}), file=sys.stderr)


if __name__ == "__main__":
    main()
