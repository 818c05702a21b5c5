"""Redshift COPY throughput: rows loaded per second into the embedded DuckDB.

    .venv/bin/python benchmarks/redshift_load.py [--events 100000] [--repeat 3]

Synthesizes the example app in process (CDK validation off) and routes sends to
``success@`` through configuration set ``marketing`` (Send + Delivery per send, both to
the ``events-warehouse`` Firehose-to-Redshift stream) until the stream has staged
``--events`` records in S3 objects as Firehose buffers them (5 MiB). Not timed. Then, per
run, a fresh ``RedshiftSink`` COPYs every staged object into a new DuckDB table created
from the template's DDL: parsing each JSON line, evaluating the 9 JSONPaths, checking
every value against its column (type, VARCHAR bytes, NOT NULL) and inserting. Prints the
median of the runs as a Markdown table; not a test. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from simulate import example_template  # noqa: E402  (the same synthesis as benchmarks/simulate.py)


def staged_objects(template: dict, events: int) -> tuple[object, list[tuple[str, str, list[bytes]]]]:
    """The warehouse stream and the objects it staged for ``events`` records: (bucket, key, lines)."""
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.scenario import ScenarioSend

    sim = Simulator(template, keep_events=False)
    sim.firehose.destinations.clear()  # stage only: the COPY is what is timed below
    request = {"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing", "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
               "EmailTags": [{"Name": "campaign", "Value": "spring"}], "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}}
    for _ in range(events // 2):
        sim.process(ScenarioSend(request, "SendEmail"))
    sim.flush()
    stream = next(s for s in sim.topology.streams.values() if s.kind == "redshift")
    bucket = stream.s3.bucket
    objects = [(bucket, key, sim.s3.content(bucket, key).splitlines()) for key in sim.s3.keys(bucket, stream.s3.prefix)]
    return stream, objects


def load(stream: object, objects: list[tuple[str, str, list[bytes]]]) -> tuple[float, int]:
    from datetime import UTC, datetime

    from ses_metrics.simulator.sends import Ids
    from ses_metrics.simulator.sinks.redshift import RedshiftSink
    from ses_metrics.simulator.sinks.s3 import ObjectStore

    sink = RedshiftSink(ObjectStore(), Ids(0))
    sink.connection  # noqa: B018 - connect before timing (a one-off ~10 ms)
    arrival = datetime(2026, 1, 1, tzinfo=UTC)
    start = time.perf_counter()
    for bucket, key, lines in objects:
        sink.deliver(stream, bucket, key, lines, None, arrival)  # type: ignore[arg-type]
    elapsed = time.perf_counter() - start
    [(rows,)] = sink.query("SELECT count(*) FROM ses")
    assert not sink.load_errors and rows == sum(len(lines) for _, _, lines in objects), (sink.loads[:1], rows)
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import duckdb

    stream, objects = staged_objects(example_template(), args.events)
    runs = [load(stream, objects) for _ in range(args.repeat)]
    seconds = statistics.median(elapsed for elapsed, _ in runs)
    rows = runs[0][1]
    print(f"Python {platform.python_version()}, duckdb {duckdb.__version__}, {os.cpu_count()} cores; {len(objects)} staged objects")
    print(f"| events | staged objects | COPY time, median of {args.repeat} (s) | rows loaded/s |")
    print("|---|---|---|---|")
    print(f"| {rows:,} | {len(objects)} | {seconds:.2f} | {rows / seconds:,.0f} |")


if __name__ == "__main__":
    main()
