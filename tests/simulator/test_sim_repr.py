"""Simulator results print readably: no ``<... object at 0x...>`` anywhere."""

import re

from conftest import ROOT

from ses_metrics.simulator import Simulator, load_scenario

OBJECT_AT = re.compile(r"object at 0x")


def test_simulation_result_send_results_and_events_print_readably(example_template):
    result = Simulator(example_template).run(load_scenario(ROOT / "examples" / "identity-default.yaml"))
    shown = [repr(result), str(result), repr(result.sends[0]), repr(result.sends[0].events[1]), repr(result.sends[0].events[1].event)]
    assert [s for s in shown if OBJECT_AT.search(s)] == []
    assert repr(result).startswith("SimulationResult(1 sends: sends=1, failedSends=0")
    assert re.fullmatch(r"Event\(Bounce, message_id='[0-9a-f-]+', at='2026-01-01T\d\d:\d\d:\d\d\.\d{3}Z'\)", repr(result.sends[0].events[1].event))
