"""Simulator throughput on the example topology, side by side with its floors.

    .venv/bin/python benchmarks/simulate.py [--sends 100000]

Synthesizes the example app in process (CDK validation off), then times, on one core:

1. the simulator routing N sends to ``success@`` through configuration set ``marketing``
   (Send + Delivery per send; CloudWatch with two dimensions, the Firehose-to-S3 archive,
   and the SNS/EventBridge destinations dropping both types), in memory, events not kept;
2. the bare cost of JSON-encoding the same records with the standard library and with
   orjson (the floor: no simulator publishes a record without serialising it);
3. moto's in-process Firehose ``put_record_batch`` ingest of the same encoded records,
   500 per batch, into a moto S3 bucket.

Prints a Markdown table; not a test. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def example_template() -> dict:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from stacks.app_builder import build_app

    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(ROOT / "ses-metrics.yaml"), nag=False)
    return Template.from_stack(app.node.find_child("SesMetrics")).to_json()


def request(i: int) -> dict:
    return {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
        "ConfigurationSetName": "marketing",
        "EmailTags": [{"Name": "campaign", "Value": f"c{i % 20}"}],
        "Content": {"Simple": {"Subject": {"Data": "Spring sale"}, "Body": {"Text": {"Data": "Spring is here."}}}},
    }


def run_simulator(template: dict, sends: int) -> tuple[float, int, list[dict]]:
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.scenario import ScenarioSend

    sim = Simulator(template, keep_events=False)
    sample: list[dict] = []
    scenario = [ScenarioSend(request(i)) for i in range(sends)]  # input, like moto's pre-encoded records
    started = time.perf_counter()
    for send in scenario:
        sim.process(send)  # the streaming path (scenarios validate when they load)
    sim.flush()
    elapsed = time.perf_counter() - started
    probe = Simulator(template)
    for i in range(min(sends, 5000)):
        sample += [o.event.record for o in probe.process(ScenarioSend(request(i))).events]
    return elapsed, sim.event_count, sample


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
    parser.add_argument("--moto-records", type=int, default=20_000, help="records fed to moto (its rate does not depend on the count)")
    args = parser.parse_args()

    import orjson

    from ses_metrics.simulator.events import encode

    template = example_template()
    elapsed, events, sample = run_simulator(template, args.sends)
    rate = events / elapsed
    stdlib = encode_rate(sample, lambda r: json.dumps(r, separators=(",", ":")).encode())
    fast = encode_rate(sample, orjson.dumps)
    encoded = [encode(r) for r in (sample * (args.moto_records // max(len(sample), 1) + 1))[: args.moto_records]]
    moto = moto_rate(encoded)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; {args.sends:,} sends, {events:,} events\n")
    print("| measurement | events or records / s | simulator vs this |")
    print("|---|---|---|")
    print(f"| ses-metrics simulator, in memory ({elapsed:.2f} s) | {rate:,.0f} | 1.00x |")
    print(f"| moto Firehose put_record_batch ingest | {moto:,.0f} | {rate / moto:.2f}x |")
    print(f"| json.dumps of the same records (stdlib) | {stdlib:,.0f} | {rate / stdlib:.2f}x |")
    print(f"| orjson.dumps of the same records | {fast:,.0f} | {rate / fast:.2f}x |")


if __name__ == "__main__":
    main()
