"""Outcome values the router makes once and hands to many events change no result: one
Firehose landing and delivery per buffer when records are not followed, one CloudWatch
delivery per metric and dimension values, one route shape per configuration set and event
type (counted by the summary, spliced into NDJSON lines)."""

from __future__ import annotations

import copy
import io
import json
from dataclasses import replace

from simkit import base, cloudwatch, destination, raw, simple, with_firehose
from test_sim_fastpaths import partitioned
from test_sim_output_lines import stdlib_line, varied_results

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.outcomes import CloudWatchDelivery, FirehoseDelivery
from ses_metrics.simulator.output import write_ndjson
from ses_metrics.simulator.scenario import Scenario, ScenarioSend
from ses_metrics.simulator.summary import Summary

BY_CAMPAIGN = partitioned("{campaign:.mail.tags.campaign[0]}", "campaign=!{partitionKeyFromQuery:campaign}/")


def streamed(template: dict, sends: list[dict]) -> list:
    """Every outcome of ``sends`` streamed without payloads (as ``simulate --format ndjson`` runs)."""
    sim = Simulator(template, keep_events=False, keep_payloads=False)
    return [o for r in sim.stream(Scenario([ScenarioSend(s) for s in sends])) for o in r.events]


def firehose_deliveries(outcomes: list) -> list[FirehoseDelivery]:
    return [d for o in outcomes for d in o.deliveries if isinstance(d, FirehoseDelivery)]


def test_records_of_one_buffer_share_its_landing_and_delivery_when_not_followed() -> None:
    deliveries = firehose_deliveries(streamed(BY_CAMPAIGN, [simple(tags={"campaign": "a"})] * 3))
    assert len(deliveries) == 6  # a Send and a Delivery per send, one prefix, one buffering window
    assert len({id(d) for d in deliveries}) == 1
    assert deliveries[0].landing is not None and deliveries[0].landing.prefix == "campaign=a/"


def test_records_of_different_buffers_have_different_landings() -> None:
    deliveries = firehose_deliveries(streamed(BY_CAMPAIGN, [simple(tags={"campaign": c}) for c in ("a", "b", "a")]))
    prefixes = {id(d.landing): d.landing.prefix for d in deliveries if d.landing is not None}
    assert sorted(prefixes.values()) == ["campaign=a/", "campaign=b/"]


def test_a_record_written_under_the_error_prefix_has_a_landing_of_its_own() -> None:
    deliveries = firehose_deliveries(streamed(BY_CAMPAIGN, [simple(tags={"campaign": "a"}), simple(), simple(tags={"campaign": "a"})]))
    failed = [d for d in deliveries if d.landing is not None and d.landing.error]
    assert len(failed) == 2 and failed[0].landing is not failed[1].landing
    assert all(d.landing is not None and d.landing.key and d.landing.key.startswith("errors/partitioning-failed/") for d in failed)
    shared = {id(d.landing) for d in deliveries if all(d is not f for f in failed)}
    assert len(shared) == 1


def test_in_a_run_the_records_of_a_stream_with_only_s3_behind_it_share_their_buffers_landing() -> None:
    sim = Simulator(BY_CAMPAIGN)
    result = sim.run(Scenario([ScenarioSend(simple(tags={"campaign": "a"}))] * 3))
    landings = [d.landing for d in firehose_deliveries(list(result.events()))]
    assert len(landings) == 6 and len({id(landing) for landing in landings}) == 1
    assert landings[0] is not None and landings[0].key is not None and landings[0].key.startswith("campaign=a/")


def test_records_followed_into_redshift_or_opensearch_each_have_a_landing_of_their_own(example_result) -> None:
    followed = [d for d in firehose_deliveries(list(example_result.events())) if d.target in ("redshift", "opensearch")]
    assert {d.target for d in followed} == {"redshift", "opensearch"}
    assert len({id(d.landing) for d in followed}) == len(followed)
    assert all(d.landing is not None and (d.landing.redshift or d.landing.opensearch) for d in followed)


def test_a_line_encoded_again_after_its_buffer_is_written_shows_the_object_key() -> None:
    outcomes = streamed(BY_CAMPAIGN, [simple(tags={"campaign": "a"})] * 2)
    first = outcomes[0]
    # The stream flushed at its end: every kept outcome's landing now has its key
    assert all(d.landing is not None and d.landing.key for d in firehose_deliveries(outcomes))
    line = first.encoded_line()
    assert line == stdlib_line(first.to_json())
    assert b'"key":"campaign=a/' in line


def test_the_line_of_the_record_that_fills_its_buffer_shows_the_key_and_the_lines_around_it_do_not() -> None:
    template = copy.deepcopy(BY_CAMPAIGN)
    template["Resources"]["Stream"]["Properties"]["ExtendedS3DestinationConfiguration"]["BufferingHints"] = {"SizeInMBs": 1, "IntervalInSeconds": 900}
    sim = Simulator(template, keep_events=False, keep_payloads=False)
    sends = Scenario([ScenarioSend(simple(tags={"campaign": "a"}))] * 1000)  # a second apart: 1,800 records in the first window
    lines = [json.loads(line) for line in _ndjson(sim, sends).splitlines()]
    keys = [line["deliveries"][0].get("key") for line in lines]  # the stream is the set's only destination
    filled = [i for i, key in enumerate(keys) if key]
    assert filled and keys[0] is None  # the earlier records of the first buffer
    assert keys[filled[0] - 1] is None and keys[filled[0] + 1] is None  # its buffer's previous record, the next buffer's first
    # A send's lines are encoded once all its events are routed: a Delivery that fills the
    # buffer its Send is in shows the key on both lines. The last buffers are written by
    # the flush after the last line.
    assert 0 < len({keys[i] for i in filled}) < sim.s3.count()


def _ndjson(sim: Simulator, scenario: Scenario) -> bytes:
    out = io.BytesIO()
    write_ndjson(sim.stream(scenario), out)
    return out.getvalue()


def metrics_template() -> dict:
    template = base()
    template["Resources"]["Metrics"] = destination("metrics", ["send"], **cloudwatch(("campaign", "messageTag", "none")))
    return template


def test_events_counted_in_the_same_metric_and_dimension_values_share_a_delivery() -> None:
    outcomes = streamed(metrics_template(), [simple(tags={"campaign": c}) for c in ("a", "b", "a")])
    deliveries = [d for o in outcomes for d in o.deliveries if isinstance(d, CloudWatchDelivery)]
    assert [d.dimensions["campaign"] for d in deliveries] == ["a", "b", "a"]
    assert deliveries[0] is deliveries[2] and deliveries[0] is not deliveries[1]


def test_metric_sums_are_the_same_whether_routed_with_outcomes_or_written_without() -> None:
    sends = [simple(tags={"campaign": c}) for c in ("a", "b", "a", "c")]
    routed = Simulator(metrics_template(), keep_events=True)
    written = Simulator(metrics_template(), keep_events=False)
    for send in sends:
        routed.process(ScenarioSend(send))
        written.process(ScenarioSend(send))
    assert routed.metrics.metrics() == written.metrics.metrics()
    assert all(routed.metrics.sum(m, d) == written.metrics.sum(m, d) for m, d in routed.metrics.metrics())
    assert routed.metrics.sum("Send", {"campaign": "a"}) == 2


def drops_template(header_first: bool) -> dict:
    """A set with a CloudWatch destination that drops events whose X-Team header SES refuses
    (decided per event) and a Firehose destination whose role SES cannot assume (every event)."""
    refused = with_firehose(base(), trust={"Statement": [{"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    metrics = destination("metrics", None, **cloudwatch(("X-Team", "emailHeader", "none")))
    resources = refused["Resources"]
    ordered = {"Metrics": metrics, **resources} if header_first else {**resources, "Metrics": metrics}
    return {"Resources": ordered}


def test_drops_decided_per_event_and_by_the_templates_come_in_the_order_of_the_sets_destinations() -> None:
    message = raw("From: news@example.com\nTo: success@simulator.amazonses.com\nX-Team: two words\nSubject: s\n\nb", ConfigurationSetName="marketing")
    for header_first in (True, False):
        sim = Simulator(drops_template(header_first))
        outcome = sim.send_email(**message).events[0]
        order = [d.name for d in sim.topology.configuration_sets["marketing"].destinations]
        assert [d.destination for d in outcome.drops] == order
        assert outcome.shape is None  # a drop of its own: not the shape of every such event
        assert outcome.encoded_line() == stdlib_line(outcome.to_json())


def test_the_summary_of_shaped_outcomes_is_the_summary_of_the_same_outcomes_counted_one_by_one() -> None:
    _, results = varied_results()
    assert any(o.shape is not None for r in results for o in r.events)
    unshaped = [replace(r, events=[replace(o, shape=None) for o in r.events]) for r in results]
    shaped_summary, unshaped_summary = Summary(), Summary()
    for result, plain in zip(results, unshaped, strict=True):
        shaped_summary.add(result)
        unshaped_summary.add(plain)
    assert shaped_summary.to_json() == unshaped_summary.to_json()
    assert shaped_summary.event_count == sum(len(r.events) for r in results)


def test_a_line_whose_filters_are_not_its_shapes_is_encoded_from_its_own() -> None:
    _, results = varied_results()
    outcome = next(o for r in results for o in r.events if o.shape is not None and o.filtered)
    changed = replace(outcome, filtered=outcome.filtered[:-1])
    assert changed.encoded_line() == stdlib_line(changed.to_json()) != outcome.encoded_line()
