"""NDJSON lines and summaries made on the fast path are what the documented JSON gives:
each line is the standard library's encoding of ``EventOutcome.to_json()``, and the
summary counts every destination of every event once."""

from __future__ import annotations

import io
import json
from collections import Counter

from simkit import base, cloudwatch, destination, simple, with_firehose, with_sns

from ses_metrics.simulator import Faults, Simulator, output
from ses_metrics.simulator.events import NO_ENGAGEMENT
from ses_metrics.simulator.output import write_ndjson
from ses_metrics.simulator.scenario import ScenarioSend
from ses_metrics.simulator.summary import NO_SET


def stdlib_line(document: object) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def varied_results():
    """Deliveries of every kind, filters (disabled, event type, no set, no destinations), a
    throttled stream's drops, a failed send."""
    template = with_sns(with_firehose(base()))
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    template["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    sim = Simulator(template, faults=Faults(throttled_streams={"archive"}))
    results = [
        sim.process(_send(simple(["success@simulator.amazonses.com", "bounce@simulator.amazonses.com"], tags={"campaign": "spring"}))),
        sim.process(_send(simple("complaint@simulator.amazonses.com"))),
        sim.process(_send(simple(configuration_set=None))),
        sim.process(_send(simple(configuration_set="missing"))),
    ]
    lonely = Simulator(base())
    return sim, [*results, lonely.process(_send(simple()))]


def _send(request):
    return ScenarioSend(request, "SendEmail", NO_ENGAGEMENT, None)


def test_each_line_is_the_standard_librarys_encoding_of_the_documented_json(example_result):
    outcomes = list(example_result.events())
    assert {d.kind.config for o in outcomes for d in o.deliveries} >= {"cloudwatch", "firehose", "sns", "eventbridge"}
    assert any(o.filtered for o in outcomes) and any(d.landing and d.landing.redshift for o in outcomes for d in o.deliveries if hasattr(d, "landing"))
    for outcome in outcomes:
        assert outcome.encoded_line() == stdlib_line(outcome.to_json())


def test_lines_with_drops_and_every_filter_reason_match_the_documented_json():
    _, results = varied_results()
    outcomes = [o for r in results for o in r.events]
    assert {f.why.value for o in outcomes for f in o.filtered} == {"disabled", "event-type", "no-configuration-set", "no-destinations"}
    assert any(o.drops for o in outcomes)
    for outcome in outcomes:
        assert outcome.encoded_line() == stdlib_line(outcome.to_json())
        assert outcome.encoded_line() == outcome.encoded_line()  # the filters' remembered encodings are the same bytes


def test_write_ndjson_writes_each_event_then_a_failed_send_line():
    _, results = varied_results()
    out = io.BytesIO()
    write_ndjson(results, out)
    expected = [stdlib_line({"failedSend": r.to_json()}) if r.error else b"".join(stdlib_line(o.to_json()) for o in r.events) for r in results]
    assert out.getvalue() == b"".join(expected)


class Writes(io.BytesIO):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[bytes] = []

    def write(self, data) -> int:  # type: ignore[override]
        self.chunks.append(bytes(data))
        return super().write(data)


def test_lines_are_written_whole_in_chunks_of_at_least_the_chunk_size(monkeypatch):
    _, results = varied_results()
    one_by_one = io.BytesIO()
    write_ndjson(results, one_by_one)
    monkeypatch.setattr(output, "NDJSON_CHUNK", 2000)
    chunked = Writes()
    write_ndjson(results * 3, chunked)
    assert chunked.getvalue() == one_by_one.getvalue() * 3
    assert 1 < len(chunked.chunks) < len(results) * 3
    assert all(chunk.endswith(b"\n") and len(chunk) >= 2000 for chunk in chunked.chunks[:-1])


def test_the_summary_counts_every_destination_of_every_event_once():
    _, results = varied_results()
    summary = write_ndjson(results, io.BytesIO())
    delivered, filtered, dropped = Counter(), Counter(), Counter()
    for outcome in (o for r in results for o in r.events):
        configuration_set = outcome.configuration_set or NO_SET
        delivered.update(f"{configuration_set}/{d.destination}" for d in outcome.deliveries)
        filtered.update(f"{configuration_set}/{f.destination or NO_SET}" for f in outcome.filtered)
        dropped.update((f"{configuration_set}/{d.destination}", d.reason) for d in outcome.drops)
    counted = summary.to_json()
    assert counted["deliveries"] == dict(delivered) and counted["filtered"] == dict(filtered)
    assert {(r["eventDestination"], r["reason"]): r["events"] for r in counted["dropReasons"]} == dict(dropped)
    assert counted["sends"] == len(results) and counted["failedSends"] == 1
