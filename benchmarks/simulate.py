"""Simulator throughput on the example topology, side by side with its floors.

    .venv/bin/python benchmarks/simulate.py [--sends 100000] [--repeat 5] [--cpu 1]
        [--topology example minimal] [--path stream default] [--template FILE]

Synthesizes the example app in process (CDK validation off; or reads ``--template``),
pins itself to one core (``--cpu``) and times, median of ``--repeat`` runs:

1. the simulator routing N sends to ``success@`` through configuration set ``marketing``
   (Send + Delivery per send), on two topologies:
   - ``example``: the example app as it is: CloudWatch (two dimensions), the partitioned
     Firehose-to-S3 archive (dynamic partitioning, JQ query), the Redshift and OpenSearch
     streams (their S3 staging/backup buckets), and SNS/EventBridge destinations that drop
     both types;
   - ``minimal``: the same template with only ``marketing-metrics`` and
     ``marketing-archive`` (the issue's "Send + Delivery, two CloudWatch dimensions, a
     Firehose-to-S3 archive");
   and two paths:
   - ``stream``: ``Simulator(keep_events=False, keep_payloads=False)`` and ``process``,
     as ``ses-metrics replay`` runs it (sinks count, nothing is kept);
   - ``default``: ``Simulator()`` and ``run`` (a scenario of the N sends): every routed
     event with its deliveries and drops kept, S3 objects, SNS and EventBridge messages
     kept, as ``simulate`` runs it (``run`` pauses the cyclic garbage collector);
2. the bare cost of JSON-encoding the same records with the standard library and with
   orjson (the floor: no simulator publishes a record without serialising it), orjson also
   on unshared copies of them (equal records, no sub-object shared between them);
3. moto's in-process Firehose ``put_record_batch`` ingest of the same encoded records,
   500 per batch, into a moto S3 bucket.

Prints a Markdown table and a warning when a rate falls below ``--target`` events/s;
not a test. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def example_template() -> dict:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from ses_metrics.platform.app import build_app

    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(ROOT / "ses-metrics.yaml"), nag=False)
    return Template.from_stack(app.node.find_child("SesMetrics")).to_json()


MINIMAL = {"marketing-metrics", "marketing-archive"}


def minimal_template(template: dict) -> dict:
    """The example template with marketing's CloudWatch and archive destinations only."""
    resources = {
        logical_id: resource
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] != "AWS::SES::ConfigurationSetEventDestination"
        or resource["Properties"]["EventDestination"]["Name"] in MINIMAL
    }
    return {**template, "Resources": resources}


def request(i: int) -> dict:
    return {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
        "ConfigurationSetName": "marketing",
        "EmailTags": [{"Name": "campaign", "Value": f"c{i % 20}"}],
        "Content": {"Simple": {"Subject": {"Data": "Spring sale"}, "Body": {"Text": {"Data": "Spring is here."}}}},
    }


def run_simulator(template: dict, sends: int, path: str) -> tuple[float, int]:
    """Seconds to process ``sends`` sends and flush, and the number of events."""
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.scenario import Scenario, ScenarioSend

    kwargs = {"keep_events": False, "keep_payloads": False} if path == "stream" else {}
    sim = Simulator(template, **kwargs)
    scenario = [ScenarioSend(request(i)) for i in range(sends)]  # input, like moto's pre-encoded records
    gc.collect()
    started = time.perf_counter()
    if path == "stream":
        for send in scenario:
            sim.process(send)  # scenarios validate when they load, so process() does not
        sim.flush()
    else:
        sim.run(Scenario(scenario))
    elapsed = time.perf_counter() - started
    return elapsed, sim.event_count


def sample_records(template: dict, sends: int) -> list[dict]:
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.scenario import ScenarioSend

    probe = Simulator(template)
    return [o.event.record for i in range(min(sends, 5000)) for o in probe.process(ScenarioSend(request(i))).events]


def encode_rate(records: list[dict], encoder) -> float:
    started = time.perf_counter()
    for record in records:
        encoder(record)
    return len(records) / (time.perf_counter() - started)


def moto_rate(records: list[bytes]) -> float:
    import logging

    import boto3
    from moto import mock_aws

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="archive")
        firehose = boto3.client("firehose", region_name="us-east-1")
        firehose.create_delivery_stream(
            DeliveryStreamName="events-archive",
            ExtendedS3DestinationConfiguration={"RoleARN": "arn:aws:iam::123456789012:role/f", "BucketARN": "arn:aws:s3:::archive", "Prefix": "ses/"},
        )
        started = time.perf_counter()
        for offset in range(0, len(records), 500):
            firehose.put_record_batch(DeliveryStreamName="events-archive", Records=[{"Data": r} for r in records[offset : offset + 500]])
        return len(records) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is reported")
    parser.add_argument("--cpu", type=int, default=1, help="the core to pin to (-1: do not pin)")
    parser.add_argument("--topology", nargs="+", choices=["example", "minimal"], default=["example", "minimal"])
    parser.add_argument("--path", nargs="+", choices=["stream", "default"], default=["stream", "default"])
    parser.add_argument("--template", help="a synthesized template (JSON) instead of synthesizing the example app")
    parser.add_argument("--moto-records", type=int, default=20_000, help="records fed to moto (its rate does not depend on the count)")
    parser.add_argument("--target", type=float, default=100_000, help="warn when the simulator routes fewer events/s")
    args = parser.parse_args()
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})

    import orjson

    from ses_metrics.simulator.codec import encode

    example = json.loads(Path(args.template).read_text()) if args.template else example_template()
    templates = {"example": example, "minimal": minimal_template(example)}
    rows = []
    for topology in args.topology:
        for path in args.path:
            runs = [run_simulator(templates[topology], args.sends, path) for _ in range(args.repeat)]
            events = runs[0][1]
            rates = sorted(events / elapsed for elapsed, _ in runs)
            rows.append((topology, path, events, statistics.median(rates), rates))
    sample = sample_records(templates["example"], args.sends)
    stdlib = statistics.median(encode_rate(sample, lambda r: json.dumps(r, separators=(",", ":")).encode()) for _ in range(args.repeat))
    fast = statistics.median(encode_rate(sample, orjson.dumps) for _ in range(args.repeat))
    # The same records as a JSON parser would hold them (no sub-object shared between
    # records): the simulator shares headers and tags between messages, which makes
    # encoding its own records faster than encoding equal ones.
    fresh = [orjson.loads(orjson.dumps(record)) for record in sample]
    unshared = statistics.median(encode_rate(fresh, orjson.dumps) for _ in range(args.repeat))
    encoded = [encode(r) for r in (sample * (args.moto_records // max(len(sample), 1) + 1))[: args.moto_records]]
    moto = moto_rate(encoded)
    pinned = f"pinned to core {args.cpu}" if args.cpu >= 0 else "not pinned"
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {pinned}; "
          f"{args.sends:,} sends per run, median of {args.repeat} runs\n")
    print("| topology | path | events | events/s (median) | runs (events/s) | orjson floor / simulator | orjson floor, unshared records / simulator | json floor / simulator | simulator / moto ingest |")
    print("|---|---|---|---|---|---|---|---|---|")
    for topology, path, events, rate, rates in rows:
        print(f"| {topology} | {path} | {events:,} | {rate:,.0f} | {' '.join(f'{r / 1000:.1f}k' for r in rates)} | "
              f"{fast / rate:.1f}x | {unshared / rate:.1f}x | {stdlib / rate:.2f}x | {rate / moto:.2f}x |")
    print(f"\nfloors and moto (records/s): orjson.dumps {fast:,.0f} (unshared records {unshared:,.0f}), json.dumps {stdlib:,.0f}, "
          f"moto Firehose put_record_batch {moto:,.0f}")
    for topology, path, _, rate, _ in rows:
        if rate < args.target:
            print(f"WARNING: {topology}/{path}: {rate:,.0f} events/s is below the target of {args.target:,.0f}", file=sys.stderr)


if __name__ == "__main__":
    main()
