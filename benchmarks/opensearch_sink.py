"""The OpenSearch sink's own cost: microseconds per document inside ``OpenSearchSink.deliver``
(parse, map against the index's mapping, index), on the example topology.

    .venv/bin/python benchmarks/opensearch_sink.py [--sends 5000] [--repeat 5] [--cpu 1] [--template FILE]

Synthesizes the example app in process (or reads ``--template``), runs the default path
(``Simulator().run`` of N sends to ``success@`` through ``marketing`` with a campaign tag,
every fifth to ``bounce@``), and times only ``deliver`` (wrapped with ``perf_counter``),
median of ``--repeat`` runs. The code measured is whichever ``ses_metrics`` is imported:
put an older checkout's ``constructs/`` first on ``PYTHONPATH`` to compare. Not a test.
Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


def example_template() -> dict:
    import aws_cdk as cdk
    from aws_cdk.assertions import Template

    from ses_metrics.platform.app import build_app

    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(ROOT / "ses-metrics.yaml"), nag=False)
    return Template.from_stack(app.node.find_child("SesMetrics")).to_json()


def scenario(sends: int) -> dict:
    def send(index: int) -> dict:
        to = "bounce@simulator.amazonses.com" if index % 5 == 4 else "success@simulator.amazonses.com"
        return {
            "FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": [to]}, "ConfigurationSetName": "marketing",
            "EmailTags": [{"Name": "campaign", "Value": f"c{index % 7}"}],
            "Content": {"Simple": {"Subject": {"Data": f"Offer {index}"}, "Body": {"Text": {"Data": "x"}}}},
        }

    return {"sends": [send(i) for i in range(sends)]}


def one_run(template: dict, sends: int) -> tuple[float, int]:
    from ses_metrics.simulator import Simulator
    from ses_metrics.simulator.scenario import parse_scenario
    from ses_metrics.simulator.sinks.opensearch import OpenSearchSink

    spent = [0.0]
    deliver = OpenSearchSink.deliver

    def timed(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return deliver(self, *args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    OpenSearchSink.deliver = timed  # type: ignore[method-assign]
    try:
        simulator = Simulator(template)
        simulator.run(parse_scenario(scenario(sends)))
    finally:
        OpenSearchSink.deliver = deliver  # type: ignore[method-assign]
    documents = sum(simulator.opensearch.indexed.values()) + sum(simulator.opensearch.failed_count.values())
    return spent[0], documents


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sends", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--cpu", type=int, default=1, help="the core to pin to (-1: do not pin)")
    parser.add_argument("--template", help="a synthesized template (JSON) instead of synthesizing the example app")
    args = parser.parse_args()
    if args.cpu >= 0 and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    template = json.loads(Path(args.template).read_text()) if args.template else example_template()
    one_run(template, min(args.sends, 200))  # warm-up: imports, caches
    runs = [one_run(template, args.sends) for _ in range(args.repeat)]
    documents = runs[0][1]
    per_document = sorted(seconds / documents * 1e6 for seconds, _ in runs)
    import ses_metrics

    print(f"ses_metrics from {Path(ses_metrics.__file__).parent}; {args.sends:,} sends, {documents:,} documents per run")
    print("| µs per document (median) | runs (µs) |")
    print("|---|---|")
    print(f"| {statistics.median(per_document):.2f} | {' '.join(f'{v:.2f}' for v in per_document)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
