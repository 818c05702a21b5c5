"""Python's cyclic collector paused while documents are parsed and scenarios read
(files/collector.py): what they build is not re-scanned, and the collector comes back."""

from __future__ import annotations

import gc

import pytest

from ses_metrics.files.collector import collector_paused
from ses_metrics.files.documents import parse_document
from ses_metrics.simulator import scenario
from ses_metrics.simulator.scenario import parse_scenario

SEND = {"FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
        "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}}}}


def test_the_outermost_pause_resumes_the_collector() -> None:
    with collector_paused():
        with collector_paused():
            pass
        inner_ended = gc.isenabled()
    assert (inner_ended, gc.isenabled()) == (False, True)


def test_a_collector_the_program_turned_off_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("text", ['{"sends": [{"a": [1, 2]}, {"b": {"c": []}}]}', "sends:\n  - a: [1, 2]\n  - b: {c: []}\n"], ids=["json", "yaml"])
def test_a_parsed_document_is_not_left_for_the_young_collections_to_rescan(text: str) -> None:
    document = parse_document(text)
    built = {id(document), id(document["sends"]), *(id(send) for send in document["sends"])}
    young = {id(o) for o in gc.get_objects(generation=0) + gc.get_objects(generation=1)}
    assert gc.isenabled() and not built & young


def test_a_scenarios_sends_are_read_with_the_collector_paused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    read = scenario.SendReader.read
    monkeypatch.setattr(scenario.SendReader, "read", lambda self, *args: seen.append(gc.isenabled()) or read(self, *args))
    loaded = parse_scenario({"sends": [SEND, SEND]})
    assert len(loaded.sends) == 2
    assert seen == [False, False] and gc.isenabled()
