"""What a user runs: `ses-metrics simulate` on a scenario file, timed as a command.

    .venv/bin/python benchmarks/user_path.py --template cdk.out [--sends 20000] [--big 200000] [--repeat 3] [--cpu 1]

Writes scenario files of N ``SendEmail``s (to ``success@``, through ``marketing``: a Send
and a Delivery each, 20 distinct campaign tags) under ``benchmarks/out/`` and measures,
median of ``--repeat`` runs, pinned to one core:

1. **command, ndjson**: ``ses-metrics simulate TEMPLATE --scenario FILE --format ndjson >
   /dev/null`` in a subprocess, wall time minus the same command on a one-send scenario
   (start-up: interpreter, imports, template);
2. **command, table** (the default) and **command, json**, the same way;
3. **in process, stream**: ``Simulator.stream`` with ``write_ndjson`` to /dev/null (the
   code path of 1 without start-up), and **in process, run**: ``Simulator.run`` of the same
   scenario (what tests and ``check`` use, every result kept); each timed inside a fresh
   process of its own (``--measure``), as a command or a CI job runs it: measures that share
   one process collect each other's garbage;
4. **json.dumps floor**: the standard library encoding the objects the ndjson output writes
   (one per line), and orjson encoding them; and **the least work** of the same lines
   (benchmarks/floor.py: records and lines spliced from per-request plans, no simulator
   state), each in a fresh pinned process: what this machine allows at all;
5. **moto**: moto's in-process Firehose ``put_record_batch`` ingest of the same records
   (500 per batch), as benchmarks/simulate.py measures it;
6. **memory**: peak RSS (``ru_maxrss`` of the child) of command 1 on a ``--big``-send scenario.

``--measure write|outcomes|summary|lines --scenario FILE`` times the stream path in parts
(the sinks written without outcomes; the outcomes built; counted; encoded as lines), and
``--measure stream|run`` one in-process path, in this process, and prints the seconds.

Prints a Markdown table; warns when a figure misses issue 19's targets (ndjson >= 100,000
events/s and within 3x of json.dumps; run within 2x of stream; table < 2 s; big <= 300 MiB).
Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from floor import fresh as floor_run  # noqa: E402
from simulate import moto_rate, request  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
CLI = str(ROOT / ".venv" / "bin" / "ses-metrics")


def write_scenario(sends: int) -> Path:
    path = OUT / f"scenario-{sends}.json"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        with path.open("w") as file:
            file.write('{"sends": [')
            for i in range(sends):
                file.write(("," if i else "") + json.dumps(request(i)))
            file.write("]}")
    return path


def command(template: str, scenario: Path, fmt: str, cpu: int) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one ``simulate`` command, output to /dev/null."""
    argv = [CLI, "simulate", template, "--scenario", str(scenario), "--format", fmt]
    if cpu >= 0:
        argv = ["taskset", "-c", str(cpu), *argv]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        subprocess.run(argv, stdout=devnull, check=True, env={**os.environ, "COLUMNS": "140"})
    elapsed = time.perf_counter() - started
    return elapsed, max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)


def in_process(template: str, scenario: Path, path: str) -> tuple[float, int, list[dict]]:
    """Seconds of the stream (ndjson to /dev/null) or run path, events, and the lines' objects."""
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.output import write_ndjson
    from ses_metrics.simulator.scenario_stream import open_scenario

    loaded = open_scenario(scenario)
    gc.collect()  # every measure starts from a collected heap (no earlier garbage to collect inside it)
    started = time.perf_counter()
    lines: list[dict] = []
    if path == "stream":
        sim = Simulator(template, keep_events=False, keep_payloads=False)
        with open(os.devnull, "wb") as devnull:
            write_ndjson(sim.stream(loaded), devnull)
    elif path in PARTS:
        sim = Simulator(template, keep_events=False, keep_payloads=False)
        PARTS[path](sim, loaded)
    else:
        sim = Simulator(template)
        result = sim.run(loaded)
        elapsed = time.perf_counter() - started
        return elapsed, sim.event_count, [o.to_json() for o in result.events()]
    return time.perf_counter() - started, sim.event_count, lines


def _outcomes(sim, loaded) -> None:
    for _ in sim.stream(loaded):
        pass


def _summary(sim, loaded, lines: bool = False) -> None:
    from ses_metrics.simulator.summary import Summary

    counted = Summary()
    for result in sim.stream(loaded):
        counted.add(result)
        if lines:
            for outcome in result.events:
                outcome.encoded_line()


def _write(sim, loaded) -> None:
    for send in loaded.sends:
        sim.process(send)
    sim.flush()


# The stream path in parts, each the previous one and one step more (--measure PART):
# the sinks written without outcomes, the outcomes built, counted, encoded as lines.
PARTS = {"write": _write, "outcomes": _outcomes, "summary": _summary, "lines": partial(_summary, lines=True)}


def fresh(template: str, scenario: Path, path: str, cpu: int) -> float:
    """``in_process`` timed in a new Python process (pinned to ``cpu``), as a command runs it."""
    argv = [sys.executable, __file__, "--template", template, "--measure", path, "--scenario", str(scenario), "--cpu", str(cpu)]
    done = subprocess.run(argv, check=True, capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def encode_seconds(objects: list[dict], encoder) -> float:
    started = time.perf_counter()
    for item in objects:
        encoder(item)
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--template", required=True, help="a cdk.out directory or template file (make synth writes cdk.out)")
    parser.add_argument("--sends", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=200_000, help="sends of the memory measurement (0: skip it)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=1, help="the core to pin to (-1: do not pin)")
    parser.add_argument("--measure", choices=["stream", "run", *PARTS], help="time one in-process path (or part of the stream path) on --scenario and print its seconds")
    parser.add_argument("--scenario", type=Path, help="with --measure: the scenario file")
    args = parser.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    if args.measure:
        print(f"{in_process(args.template, args.scenario, args.measure)[0]:.4f}")
        return
    import orjson

    small, scenario = write_scenario(1), write_scenario(args.sends)
    big_line = ""
    if args.big:  # first: ru_maxrss of children is the peak of every child so far
        big = write_scenario(args.big)
        seconds, peak = command(args.template, big, "ndjson", args.cpu)
        big_line = (f"memory: `simulate --format ndjson` of {args.big:,} sends ({big.stat().st_size / 2**20:.0f} MiB of JSON): "
                    f"peak RSS {peak / 1024:.0f} MiB, {seconds:.1f} s")
        if peak / 1024 > 300:
            print(f"WARNING: {peak / 1024:.0f} MiB is over 300 MiB", file=sys.stderr)
    events = 2 * args.sends
    startup = median([command(args.template, small, "ndjson", args.cpu)[0] for _ in range(args.repeat)])
    rows = []
    for fmt in ("ndjson", "table", "json"):
        runs = [command(args.template, scenario, fmt, args.cpu)[0] - startup for _ in range(args.repeat)]
        rows.append((f"command `simulate --format {fmt}`", median(runs), runs))
    stream, runs = [], []
    for _ in range(args.repeat):  # alternated: a burst of load from elsewhere falls on both
        stream.append(fresh(args.template, scenario, "stream", args.cpu))
        runs.append(fresh(args.template, scenario, "run", args.cpu))
    rows.append(("in process: `Simulator.stream` + `write_ndjson`", median(stream), stream))
    least = [floor_run(args.template, scenario, args.cpu)[0] for _ in range(args.repeat)]
    rows.append(("in process: `Simulator.run` (every result kept)", median(runs), runs))
    objects = in_process(args.template, scenario, "run")[2]
    stdlib = median([encode_seconds(objects, lambda o: json.dumps(o, separators=(",", ":"))) for _ in range(args.repeat)])
    fast = median([encode_seconds(objects, orjson.dumps) for _ in range(args.repeat)])
    records = [orjson.dumps(o["record"]) for o in objects[:20_000]]
    moto = moto_rate(records)
    print(f"{args.sends:,} sends ({events:,} events), template {args.template}, median of {args.repeat}, "
          f"{'pinned to core ' + str(args.cpu) if args.cpu >= 0 else 'not pinned'}; start-up (one-send command) {startup:.2f} s\n")
    print("| path | seconds beyond start-up | events/s | / json.dumps of the lines | runs (s) |")
    print("|---|---|---|---|---|")
    for name, seconds, values in rows:
        print(f"| {name} | {seconds:.2f} | {events / seconds:,.0f} | {seconds / stdlib:.2f}x | {' '.join(f'{v:.2f}' for v in values)} |")
    print(f"| floor: `json.dumps` of the ndjson lines' objects | {stdlib:.2f} | {events / stdlib:,.0f} | 1.00x | |")
    print(f"| floor: `orjson.dumps` of the same | {fast:.2f} | {events / fast:,.0f} | {fast / stdlib:.2f}x | |")
    print(f"| floor: the least work of the same ndjson lines (benchmarks/floor.py) | {median(least):.2f} | {events / median(least):,.0f} | "
          f"{median(least) / stdlib:.2f}x | {' '.join(f'{v:.2f}' for v in least)} |")
    print(f"| moto: in-process Firehose `put_record_batch` of the records | {events / moto:.2f} | {moto:,.0f} | | |")
    ndjson_seconds, table_seconds, run_seconds, stream_seconds = rows[0][1], rows[1][1], rows[4][1], rows[3][1]
    pairs = sorted(r / s for r, s in zip(runs, stream, strict=True))  # each run against the stream run just before it
    print(f"\n`Simulator.run` / stream: {run_seconds / stream_seconds:.2f}x (medians; fastest of each {min(runs) / min(stream):.2f}x; "
          f"pair by pair {pairs[0]:.2f}-{pairs[-1]:.2f}x, median {median(pairs):.2f}x)")
    print(f"command `simulate --format ndjson` / the least work (benchmarks/floor.py): {ndjson_seconds / median(least):.2f}x")
    if big_line:
        print(big_line)
    for ok, what in ((events / ndjson_seconds >= 100_000, "ndjson under 100,000 events/s"),
                     (ndjson_seconds <= 3 * stdlib, "ndjson over 3x json.dumps"),
                     (run_seconds <= 2 * stream_seconds, "run over 2x stream"),
                     (table_seconds < 2, "table over 2 s")):
        if not ok:
            print(f"WARNING: {what}", file=sys.stderr)


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = max(io.DEFAULT_BUFFER_SIZE, 1 << 16)
    main()
