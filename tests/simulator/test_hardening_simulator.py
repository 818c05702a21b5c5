"""Nothing is lost: property tests over the simulator routing generated sends through the
example app's template (hardening_synth: one synthesis for the hardening tests), and
fault injection (a throttled stream, a denied bucket) landing in its documented path.

Invariants, for every send:
- per event, every event destination of its set appears exactly once, delivered or dropped
  with a reason (an event without a set: one drop saying SES publishes nothing);
- a CloudWatch dimension value is the message's tag, header or link-tag value, else the
  configured default;
- no event reaches a destination whose matching types exclude it;
- Firehose records in = records in the stream objects + error-output records + records
  reported failed.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

import pytest
from hardening_synth import synthesized
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_metrics.rules import DimensionSource
from ses_metrics.simulator import CloudWatchDelivery, Engagement, Faults, FilterReason, Simulator
from ses_metrics.simulator.engine import SendResult
from ses_metrics.simulator.sends import MAX_HEADER_BYTES

PROPERTY = settings(derandomize=True, deadline=None, max_examples=20, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MAILBOX = ["success@simulator.amazonses.com", "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com",
           "ooto@simulator.amazonses.com", "suppressionlist@simulator.amazonses.com", "someone@example.com"]
VALUE = st.from_regex(r"\A[A-Za-z0-9_-]{1,12}\Z")


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return synthesized().example


@st.composite
def sends(draw: st.DrawFn) -> dict[str, Any]:
    request: dict[str, Any] = {
        "FromEmailAddress": draw(st.sampled_from(["news@example.com", "receipts@example.org"])),
        "Destination": {"ToAddresses": draw(st.lists(st.sampled_from(MAILBOX), min_size=1, max_size=3, unique=True))},
    }
    configuration_set = draw(st.sampled_from(["marketing", "transactional", None]))
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    tags = draw(st.dictionaries(st.sampled_from(["campaign", "template", "team"]), VALUE, max_size=3))
    if tags:
        request["EmailTags"] = [{"Name": k, "Value": v} for k, v in tags.items()]
    link_tag = draw(VALUE)
    html = f'<p>Hi</p><a href="https://example.com/offer" ses:tags="campaign:{link_tag}">offer</a>'
    request["Content"] = {"Simple": {"Subject": {"Data": draw(st.text(max_size=30))}, "Body": {"Html": {"Data": html}}}}
    engagement = Engagement(opens=draw(st.sampled_from([(), "all"])), clicks=draw(st.sampled_from([(), "all"])))
    return {"request": request, "engagement": engagement}


def _dimension_source_value(record: dict[str, Any], source: DimensionSource, name: str) -> str | None:
    if source is DimensionSource.MESSAGE_TAG:
        values = record["mail"].get("tags", {}).get(name)
    elif source is DimensionSource.LINK_TAG:
        values = record.get("click", {}).get("linkTags", {}).get(name)
    else:
        values = [h["value"] for h in record["mail"].get("headers", []) if h["name"].lower() == name.lower()]
    return values[0] if values else None


def check_invariants(simulator: Simulator, results: list[SendResult]) -> None:
    topology = simulator.topology
    for result in results:
        if result.error:
            assert result.events == []
            continue
        for outcome in result.events:
            event = outcome.event
            configuration_set = event.message.configuration_set
            if configuration_set is None:
                assert outcome.deliveries == () and outcome.drops == ()
                [filtered] = outcome.filtered
                assert filtered.why is FilterReason.NO_CONFIGURATION_SET and "no configuration set" in filtered.reason
                continue
            destinations = {d.name: d for d in configuration_set.destinations}
            delivered = [d.destination for d in outcome.deliveries]
            filtered = [f.destination for f in outcome.filtered]
            dropped = [d.destination for d in outcome.drops]
            # nothing lost: each destination of the set exactly once, delivered, filtered or dropped
            assert sorted(delivered + filtered + dropped) == sorted(destinations)
            assert all(d.reason for d in (*outcome.filtered, *outcome.drops))
            for delivery in outcome.deliveries:
                destination = destinations[delivery.destination]
                # never a destination whose matching types exclude the event
                assert event.type in destination.event_types
                if isinstance(delivery, CloudWatchDelivery):
                    for dimension in destination.dimensions:
                        value = delivery.dimensions[dimension.name]
                        source = _dimension_source_value(event.record, dimension.source, dimension.name)
                        assert value == (source if source is not None else dimension.default), (dimension, value, source)
            for f in outcome.filtered:
                # filtered only by design: disabled, or not a type the destination matches
                destination = destinations[f.destination]
                assert (f.why is FilterReason.DISABLED and not destination.enabled) or (
                    f.why is FilterReason.EVENT_TYPE and event.type not in destination.event_types and destination.enabled)
            for drop in outcome.drops:
                # a drop is never what routing does by design
                assert event.type in destinations[drop.destination].event_types and destinations[drop.destination].enabled
    simulator.flush()
    # Firehose: records in = records in objects + error-output records + reported failures
    presented: Counter[str] = Counter()
    for result in results:
        for outcome in result.events:
            presented.update(d.delivery_stream for d in outcome.deliveries if d.kind.config == "firehose")
            presented.update(d.reason.split("delivery stream ", 1)[1].split(" ", 1)[0] for d in outcome.drops if "PutRecordBatch on delivery stream" in d.reason)
    written: Counter[str] = Counter()
    error_prefixes = {s.name: (s.s3.error_output_prefix or "").split("!{")[0] for s in topology.streams.values() if s.s3 is not None}
    # OpenSearch streams: each record becomes a document, indexed or rejected (and backed up)
    searched = {s.name: str(s.properties.get("IndexName")) for s in topology.streams.values() if s.kind == "opensearch"}
    for stream, base in searched.items():
        indexes = [i for i in set(simulator.opensearch.indexed) | set(simulator.opensearch.failed_count) if i.startswith(base)]
        written[stream] = sum(simulator.opensearch.indexed[i] + simulator.opensearch.failed_count[i] for i in indexes)
    for bucket, key, _ in simulator.s3.items():
        stream = next(name for name in error_prefixes if key.rsplit("/", 1)[-1].startswith(f"{name}-1-"))
        if stream in searched or (error_prefixes[stream] and key.startswith(error_prefixes[stream])):
            continue  # OpenSearch backups are counted above; error output by failed_count
        written[stream] += len(simulator.s3.records(bucket, key))
    errors = simulator.firehose.failed_count
    assert sum(presented.values()) == sum(written.values()) + errors + sum(simulator.router.failed_puts.values())
    for stream, count in simulator.router.failed_puts.items():
        assert presented[stream] >= count


@PROPERTY
@given(st.lists(sends(), min_size=1, max_size=4))
def test_every_event_is_delivered_or_dropped_with_a_reason_at_every_destination(example, batch):
    simulator = Simulator(example)
    results = [_send(simulator, send) for send in batch]
    check_invariants(simulator, results)


def _send(simulator: Simulator, send: dict[str, Any]) -> SendResult:
    from ses_metrics.simulator.scenario import ScenarioSend

    result = simulator.process(ScenarioSend(send["request"], "SendEmail", send["engagement"], None))
    assert isinstance(result, SendResult)
    return result


@settings(derandomize=True, deadline=None, max_examples=10, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(sends(), min_size=1, max_size=4))
def test_a_throttled_stream_reports_every_refused_record_and_loses_none(example, batch):
    simulator = Simulator(example, faults=Faults(throttled_streams={"events-archive"}))
    results = [_send(simulator, send) for send in batch]
    check_invariants(simulator, results)
    for result in results:
        for outcome in result.events:
            assert "events-archive" not in [getattr(d, "delivery_stream", None) for d in outcome.deliveries]


def _bounce(simulator: Simulator, configuration_set: str = "marketing") -> SendResult:
    return simulator.send_email(
        FromEmailAddress="news@example.com", Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
        ConfigurationSetName=configuration_set, EmailTags=[{"Name": "campaign", "Value": "spring"}],
        Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
    )


def test_throttling_drops_at_the_archive_destinations_with_the_reason_and_counts_them(example):
    simulator = Simulator(example, faults=Faults(throttled_streams={"events-archive"}))
    result = _bounce(simulator)
    for outcome in result.events:
        [drop] = [d for d in outcome.drops if d.destination == "marketing-archive"]
        assert "throttled PutRecordBatch on delivery stream events-archive" in drop.reason
        assert "ServiceUnavailableException" in drop.reason
    assert simulator.router.failed_puts == Counter({"events-archive": 2})  # Send and Bounce
    simulator.flush()
    assert not any(key.startswith("ses/") for _, key, _ in simulator.s3.items())  # nothing archived, nothing half-written


def test_a_fault_naming_an_unknown_stream_is_an_error(example):
    with pytest.raises(ValueError, match=r"names events-archiv, not a delivery stream of the templates \(streams: events-archive, events-search, events-warehouse\)"):
        Simulator(example, faults=Faults(throttled_streams={"events-archiv"}))


def _deny_archive_bucket(template: dict[str, Any]) -> dict[str, Any]:
    """The archive bucket's policy, plus a statement denying every s3:PutObject (someone
    locked the bucket down by hand, or a policy from another stack)."""
    t = copy.deepcopy(template)
    [policy] = [r for r in t["Resources"].values() if r["Type"] == "AWS::S3::BucketPolicy" and "StreamseventsarchiveBucket" in str(r["Properties"]["Bucket"])]
    policy["Properties"]["PolicyDocument"]["Statement"].append(
        {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": [policy["Properties"]["Bucket"]["Ref"], "Arn"]}, "/*"]]}}
    )
    return t


def test_a_denied_bucket_drops_every_record_of_its_stream_with_the_reason_and_lint_reports_it(example):
    from ses_metrics.ci.lint import lint

    simulator = Simulator(_deny_archive_bucket(example))
    result = _bounce(simulator, "transactional")
    for outcome in result.events:
        [drop] = [d for d in outcome.drops if d.destination == "transactional-archive"]
        assert "delivery stream events-archive accepts the record but cannot deliver it" in drop.reason
        assert "denies s3:PutObject" in drop.reason
        assert "transactional-warehouse" in [d.destination for d in outcome.deliveries] or outcome.event.type.cfn not in ("send", "bounce")
    check_invariants(simulator, [result])
    report = lint(_deny_archive_bucket(example))
    denied = [f"{f.where} {f.message}" for f in report.errors if f.id == "SM205"]
    for destination in ("marketing-archive", "transactional-archive"):
        assert any(destination in text and "denies s3:PutObject" in text for text in denied), denied


# -- bad inputs the simulator meets at send time --------------------------------------------


def _raw(headers: str, body: str = "Hello") -> dict[str, Any]:
    return {"Raw": {"Data": (f"From: news@example.com\r\nTo: success@simulator.amazonses.com\r\nSubject: Hi\r\n{headers}\r\n{body}").encode()}}


def test_headers_over_10_kb_are_cut_and_flagged_as_ses_does(example):
    simulator = Simulator(example)
    filler = "".join(f"X-Filler-{i}: {'a' * 200}\r\n" for i in range(80))  # ~17 KB of headers
    result = simulator.send_email(FromEmailAddress="news@example.com", ConfigurationSetName="marketing", Content=_raw(filler))
    mail = result.events[0].event.record["mail"]
    assert mail["headersTruncated"] is True
    assert sum(len(h["name"]) + len(h["value"]) for h in mail["headers"]) <= MAX_HEADER_BYTES
    assert mail["headers"][0]["name"] == "From"  # cut from the end, the first headers kept


def test_a_raw_message_over_40_mb_is_rejected_with_no_events(example):
    simulator = Simulator(example)
    with pytest.raises(Exception, match=r"BadRequestException.*Message length is more than 41943040 bytes"):
        simulator.send_email(FromEmailAddress="news@example.com", ConfigurationSetName="marketing", Content=_raw("", "x" * (40 * 1024 * 1024)))
    assert simulator.event_count == 0


def test_more_than_50_recipients_are_refused_as_ses_does(example):
    simulator = Simulator(example)
    too_many = {"ToAddresses": [f"to{i}@example.com" for i in range(30)], "CcAddresses": [f"cc{i}@example.com" for i in range(15)],
                "BccAddresses": [f"bcc{i}@example.com" for i in range(6)]}
    content = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}
    with pytest.raises(Exception, match=r"BadRequestException.*Recipient count exceeds 50\."):
        simulator.send_email(FromEmailAddress="news@example.com", Destination=too_many, ConfigurationSetName="marketing", Content=content)
    fifty = {**too_many, "BccAddresses": too_many["BccAddresses"][:5]}
    result = simulator.send_email(FromEmailAddress="news@example.com", Destination=fifty, ConfigurationSetName="marketing", Content=content)
    types = Counter(e.event.type.record for e in result.events)
    assert types == Counter({"Send": 1, "Delivery": 50})  # exactly 50 is allowed


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ({"Name": "campaign", "Value": "été"}, r"Invalid tag value <été>: only alphanumeric ASCII characters, '_', and '-' are allowed\."),
        ({"Name": "campagne-🎉", "Value": "x"}, r"Invalid tag name <campagne-🎉>"),
        ({"Name": "campaign", "Value": "x" * 257}, r"Invalid tag value"),
        ({"Name": "c" * 257, "Value": "x"}, r"Invalid tag name"),
    ],
)
def test_unicode_and_over_long_tags_fail_the_send_with_ses_message(example, tag, message):
    simulator = Simulator(example)
    with pytest.raises(Exception, match=message):
        simulator.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
                             ConfigurationSetName="marketing", EmailTags=[tag], Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}})
    assert simulator.event_count == 0


def test_an_unknown_configuration_set_is_not_found_and_publishes_nothing(example):
    simulator = Simulator(example)
    with pytest.raises(Exception, match=r"NotFoundException.*Configuration set <nope> does not exist\."):
        _bounce(simulator, "nope")
    assert simulator.event_count == 0


def test_a_unicode_header_value_publishes_no_metric_for_that_dimension_but_still_routes(example):
    # SES: a header value outside A-Z, 0-9, _ @ - . publishes no metric; the send succeeds
    simulator = Simulator(example)
    result = simulator.send_email(FromEmailAddress="news@example.com", ConfigurationSetName="marketing",
                                  Content=_raw("X-SES-MESSAGE-TAGS: campaign=spring\r\nX-Team: équipe\r\n"))
    assert [e.event.type.record for e in result.events] == ["Send", "Delivery"]
    check_invariants(simulator, [result])
    [send] = [e for e in result.events if e.event.type.record == "Send"]
    assert {d.destination for d in send.deliveries} >= {"marketing-metrics", "marketing-archive"}
