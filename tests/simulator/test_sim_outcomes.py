"""Typed outcomes: filtered (by design) apart from dropped (lost or refused), streaming
results that are not kept, one exception class per SES error code."""

import gc
import weakref

import pytest
from botocore.exceptions import ClientError
from simkit import base, cloudwatch, destination, simple, with_firehose, with_sns

from ses_metrics.rules import DestinationKind
from ses_metrics.simulator import (
    CloudWatchDelivery,
    Drop,
    Faults,
    Filtered,
    FilterReason,
    FirehoseDelivery,
    Scenario,
    Simulator,
    errors,
)
from ses_metrics.simulator.outcomes import Landing, LoadedRow
from ses_metrics.simulator.scenario import ScenarioSend


def template():
    t = with_sns(with_firehose(base()))
    t["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    t["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    return t


def send_event(result, record_type="Send"):
    return next(o for o in result.events if o.event.record["eventType"] == record_type)


@pytest.mark.parametrize(
    ("destination", "why", "reason"),
    [
        ("off", FilterReason.DISABLED, "the event destination is disabled (Enabled: false)"),
        ("alerts", FilterReason.EVENT_TYPE, "the event destination matches bounce, complaint, not send"),
    ],
)
def test_routing_by_design_is_filtered_with_its_reason(destination, why, reason):
    outcome = send_event(Simulator(template()).send_email(**simple()))
    found = outcome.at(destination)
    assert isinstance(found, Filtered) and (found.why, found.reason) == (why, reason)
    assert found not in outcome.drops


def test_a_send_without_configuration_set_is_filtered_not_dropped():
    outcome = send_event(Simulator(template()).send_email(**simple(configuration_set=None)))
    assert outcome.deliveries == () and outcome.drops == ()
    assert [(f.destination, f.why) for f in outcome.filtered] == [(None, FilterReason.NO_CONFIGURATION_SET)]


def test_a_set_without_destinations_is_filtered_not_dropped():
    outcome = send_event(Simulator(base()).send_email(**simple()))
    assert [(f.destination, f.why) for f in outcome.filtered] == [(None, FilterReason.NO_DESTINATIONS)]


def test_what_ses_would_refuse_is_dropped():
    t = template()
    t["Resources"]["Both"] = destination("both", None, **cloudwatch(("a", "messageTag", "x")), EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/default"})
    found = send_event(Simulator(t).send_email(**simple())).at("both")
    assert isinstance(found, Drop) and found.reason.startswith("SES would refuse this event destination")


def test_a_throttled_stream_drops_with_the_destinations_kind():
    outcome = send_event(Simulator(template(), faults=Faults(throttled_streams={"archive"})).send_email(**simple()))
    found = outcome.at("archive")
    assert isinstance(found, Drop) and found.kind is DestinationKind.FIREHOSE and "throttled PutRecordBatch" in found.reason


def test_deliveries_are_typed_with_their_kind_and_give_the_documented_json():
    sim = Simulator(template())
    outcome = send_event(sim.send_email(**simple(tags={"campaign": "spring"})))
    sim.flush()
    metrics, archive = outcome.at("metrics"), outcome.at("archive")
    assert isinstance(metrics, CloudWatchDelivery) and metrics.kind is DestinationKind.CLOUDWATCH
    assert metrics.to_json() == {"eventDestination": "metrics", "type": "cloudwatch", "namespace": "AWS/SES", "metricName": "Send",
                                 "dimensions": {"campaign": "spring"}}
    assert isinstance(archive, FirehoseDelivery) and archive.landing is not None
    assert archive.to_json()["key"] == archive.landing.key and archive.landing.key.startswith("ses/2026/01/01/00/archive-1-")
    with pytest.raises(AttributeError):
        metrics.metric_name = "Bounce"  # frozen


def test_a_loaded_row_set_on_a_landing_reads_as_its_table_and_row():
    landing = Landing("bucket", "prefix/")
    landing.redshift = LoadedRow("public.ses", ["event_type", "campaign"], ("Send", None))
    assert not landing.open
    assert landing.to_json() == {"bucket": "bucket", "prefix": "prefix/", "redshift": {"table": "public.ses", "row": {"event_type": "Send", "campaign": None}}}
    assert landing.redshift is landing.redshift  # made once


def test_stream_yields_results_as_produced_and_keeps_none(tmp_path):
    sim = Simulator(template(), keep_events=False, keep_payloads=False)
    scenario = Scenario([ScenarioSend(simple()) for _ in range(3)])
    stream = sim.stream(scenario)
    first = next(stream)
    assert first.index == 0 and first.events and sim.event_count == 2  # only the first send so far
    kept = weakref.ref(first)
    del first
    gc.collect()
    assert kept() is None  # the simulator holds no reference to a streamed result
    assert [r.index for r in stream] == [1, 2]
    assert sim.sends == []


@pytest.mark.parametrize(
    ("request_", "error_class", "code"),
    [
        (simple(configuration_set="missing"), errors.NotFoundException, "NotFoundException"),
        (simple(tags={"bad tag": "x"}), errors.BadRequestException, "BadRequestException"),
        (simple(to=[f"u{i}@example.com" for i in range(51)]), errors.BadRequestException, "BadRequestException"),
    ],
)
def test_each_ses_error_code_is_a_class_that_is_also_a_client_error(request_, error_class, code):
    sim = Simulator(template())
    with pytest.raises(error_class) as raised:
        sim.send_email(**request_)
    assert isinstance(raised.value, ClientError) and isinstance(raised.value, errors.SendError)
    assert raised.value.code == code == raised.value.response["Error"]["Code"]
    [failed] = [r for r in sim.sends if r.error]
    assert isinstance(failed.error, error_class) and failed.error.to_json()["code"] == code


def test_sending_paused_is_its_own_class():
    t = base()
    t["Resources"]["Set"]["Properties"]["SendingOptions"] = {"SendingEnabled": False}
    with pytest.raises(errors.SendingPausedException, match="Sending is paused for configuration set <marketing>"):
        Simulator(t).send_email(**simple())
