"""The floor under `simulate --format ndjson` on this machine: the least pure-Python work
its output for a scenario of repeated requests takes.

    .venv/bin/python benchmarks/floor.py --template cdk.out --scenario benchmarks/out/scenario-20000.json [--repeat 5] [--cpu 1] [--check FILE]

Not a simulator: a lower bound to judge a speed target against, on the machine at hand
(issue 19 asks for 100,000 events/s on one core; machines here differ by 2x). Per send it does
only what the output of such a scenario cannot be made without:

- the file parsed (``json.loads``, the collector paused, as the command does) and each send
  encoded as its key;
- per distinct request and hour, a plan made by the real simulator (its first send of the
  request that hour): each event's record and NDJSON line, split where the message ID and
  the timestamps go;
- per send a new message ID and timestamps, each record and line spliced from the plan;
- per event, CloudWatch's per-minute count and each Firehose stream's buffer size (an object
  counted when a buffer fills), and the lines written in 64 KiB chunks to /dev/null.

No validation, no IAM gate re-decided per second, no suppression list, reputation, account
metrics or summary: everything a general engine adds is on top of this. Prints the seconds
(reading the file to the last write, the simulator that plans already built, median of ``--repeat`` fresh processes pinned to one core;
benchmarks/user_path.py prints it beside the command) and events
per second. ``--check FILE``: the command's NDJSON output for the same scenario
(``ses-metrics simulate ... --format ndjson > FILE``); prints how many of the floor's lines
differ from it once message IDs are masked (lines of a record that filled a buffer carry its
object key in the command's output, and keys are not made here). Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.outcomes import CloudWatchDelivery, FirehoseDelivery
from ses_metrics.simulator.scenario import ScenarioSend
from ses_metrics.simulator.sends import DEFAULT_START, Ids, iso_ms, to_ms

HOUR_MS = 3_600_000
START_MS = to_ms(DEFAULT_START)  # the simulator's clock when a scenario sets none
MARK = b"\x00"  # JSON escapes control characters: the marker appears nowhere else in a line


def _split(data: bytes, values: dict[bytes, int]) -> list[bytes | int]:
    """``data`` as literal pieces and the indexes of ``values`` found in it."""
    for value, slot in values.items():
        data = data.replace(value, MARK + bytes([slot + 1]) + MARK)
    pieces: list[bytes | int] = []
    for i, piece in enumerate(data.split(MARK)):
        pieces.append(piece[0] - 1 if i % 2 else piece)
    return pieces


class Plans:
    """Per request (as JSON) and hour: each event's record and line, split into pieces."""

    def __init__(self, template: Any):
        self.simulator = Simulator(template, keep_payloads=False)
        self.plans: dict[tuple[bytes, int], list[tuple[Any, ...]]] = {}

    def get(self, key: bytes, request: dict[str, Any], ms: int) -> list[tuple[Any, ...]]:
        found = self.plans.get((key, ms // HOUR_MS))
        if found is None:
            found = self.plans[(key, ms // HOUR_MS)] = self._plan(request, ms)
        if ms % HOUR_MS + found[-1][0] >= HOUR_MS:  # its last event in the next hour: a plan of its own
            return self._plan(request, ms)
        return found

    def _plan(self, request: dict[str, Any], ms: int) -> list[tuple[Any, ...]]:
        from datetime import UTC, datetime

        result = self.simulator.process(ScenarioSend(request, at=datetime.fromtimestamp(ms / 1000, UTC)))
        plan = []
        for outcome in result.events:
            event = outcome.event
            values = {event.message.message_id.encode(): 0, iso_ms(event.ms).encode(): 1, iso_ms(ms).encode(): 2}
            streams = [(d.delivery_stream, self._limit(d.delivery_stream)) for d in outcome.deliveries if isinstance(d, FirehoseDelivery)]
            metrics = [(d.metric_name, tuple(d.dimensions.items())) for d in outcome.deliveries if isinstance(d, CloudWatchDelivery)]
            plan.append((event.ms - ms, _split(event.encoded, values), _split(outcome.encoded_line(), values), streams, metrics))
        return plan

    def _limit(self, name: str) -> tuple[int, int]:
        stream = next(s for s in self.simulator.topology.streams.values() if s.name == name)
        assert stream.s3 is not None
        return stream.s3.buffer_bytes, stream.s3.window_seconds * 1000


def _fill(pieces: list[bytes | int], values: tuple[bytes, ...]) -> bytes:
    return b"".join([values[p] if p.__class__ is int else p for p in pieces])  # type: ignore[index]


def run(template: Any, scenario: Path, out: Any) -> tuple[float, int]:
    """Seconds from reading the file to the last write, and events written. The simulator
    that makes the plans is built before: the command's start-up, which its figure excludes."""
    gc.disable()
    plans, ids = Plans(template), Ids(0)
    started = time.perf_counter()
    sends = json.loads(scenario.read_text())["sends"]
    minutes: dict[tuple[Any, ...], float] = {}
    buffers: dict[tuple[Any, ...], int] = {}
    objects = events = size = 0
    pending: list[bytes] = []
    ms = START_MS
    for raw in sends:
        plan = plans.get(orjson.dumps(raw), raw, ms)
        message_id = ids.message_id().encode()
        sent = iso_ms(ms).encode()
        for offset, record_pieces, line_pieces, streams, metrics in plan:
            at = ms + offset
            values = (message_id, iso_ms(at).encode(), sent)
            record = _fill(record_pieces, values)
            for metric in metrics:
                key = (metric, at // 60_000)
                minutes[key] = minutes.get(key, 0.0) + 1.0
            for stream, (limit, window) in streams:
                key = (stream, at // HOUR_MS, at // window)
                filled = buffers.get(key, 0) + len(record) + 1
                if filled >= limit:
                    objects, filled = objects + 1, 0
                buffers[key] = filled
            line = _fill(line_pieces, values)
            pending.append(line)
            size += len(line)
            if size >= 1 << 16:
                out.write(b"".join(pending))
                pending.clear()
                size = 0
            events += 1
        ms += 1000
    out.write(b"".join(pending))
    out.flush()
    return time.perf_counter() - started, events


def check(template: Any, scenario: Path, expected: Path) -> tuple[int, int]:
    """Lines of the floor's output that differ from the command's, message IDs masked; lines."""
    import io

    written = io.BytesIO()
    run(template, scenario, written)
    mask = re.compile(rb"0100010[0-9a-f]{9}-[0-9a-f-]{36}-000000")
    ours = mask.sub(b"ID", written.getvalue()).splitlines()
    theirs = [line for line in mask.sub(b"ID", expected.read_bytes()).splitlines() if not line.startswith(b'{"summary"')]
    return sum(a != b for a, b in zip(ours, theirs, strict=True)), len(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--template", required=True, help="a cdk.out directory or template file")
    parser.add_argument("--scenario", type=Path, required=True, help="a JSON scenario of plain SendEmail requests (benchmarks/user_path.py writes them)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=1, help="the core to pin to (-1: do not pin)")
    parser.add_argument("--check", type=Path, help="the command's NDJSON output for the scenario, to compare lines with")
    parser.add_argument("--once", action="store_true", help=argparse.SUPPRESS)  # one measure, in this process
    args = parser.parse_args()
    template = args.template  # read as the command reads it (a cdk.out directory: its stack's names)
    if args.check:
        differ, lines = check(template, args.scenario, args.check)
        print(f"{differ} of {lines} lines differ from {args.check} (message IDs masked)")
        return
    if args.once:
        with open(os.devnull, "wb") as devnull:
            seconds, events = run(template, args.scenario, devnull)
        print(json.dumps([seconds, events]))
        return
    measures = [fresh(args.template, args.scenario, args.cpu) for _ in range(args.repeat)]
    seconds = statistics.median(m[0] for m in measures)
    print(f"floor: {measures[0][1]:,} events in {seconds:.3f} s (median of {args.repeat}; runs {', '.join(f'{m[0]:.3f}' for m in measures)}): "
          f"{measures[0][1] / seconds:,.0f} events/s")


def fresh(template: str, scenario: Path, cpu: int) -> tuple[float, int]:
    """``run`` in a new Python process pinned to ``cpu`` (-1: not pinned), as a command runs: seconds and events."""
    pin = ["taskset", "-c", str(cpu)] if cpu >= 0 else []
    argv = [*pin, sys.executable, __file__, "--template", template, "--scenario", str(scenario), "--once"]
    seconds, events = json.loads(subprocess.run(argv, check=True, capture_output=True, text=True).stdout)
    return seconds, events

if __name__ == "__main__":
    main()
