"""Instructions per routed event, for decisions on a shared, noisy machine.

    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/icount.py TEMPLATE 50 none stream
    valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python benchmarks/icount.py TEMPLATE 2050 none stream

Processes N sends (as benchmarks/simulate.py does: Send + Delivery through ``marketing``)
on a template (``benchmarks/out/example.template.json``, written by benchmarks/replay.py
or the ``--template`` of simulate.py). The difference of callgrind's "Collected" totals
between the two runs, divided by 4,000 events, is the instruction count per event
without start-up. The topology argument keeps marketing's destinations: ``example`` (all),
``minimal`` (metrics + archive), ``none`` (building messages and records only), or one
destination name; the path is ``stream`` or ``default``. Results: benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from simulate import MINIMAL, request

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.scenario import ScenarioSend


def main() -> None:
    path, sends, topology, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    template = json.loads(Path(path).read_text())
    keep = {"example": None, "minimal": MINIMAL, "none": set()}.get(topology, {topology})
    if keep is not None:
        template = {**template, "Resources": {
            k: r for k, r in template["Resources"].items()
            if r["Type"] != "AWS::SES::ConfigurationSetEventDestination" or r["Properties"]["EventDestination"]["Name"] in keep
        }}
    sim = Simulator(template, **({"keep_events": False, "keep_payloads": False} if mode == "stream" else {}))
    scenario = [ScenarioSend(request(i)) for i in range(sends)]
    for send in scenario:  # the first 50 (both runs) warm the caches: JQ compile, prefixes
        sim.process(send)
    sim.flush()


if __name__ == "__main__":
    main()
