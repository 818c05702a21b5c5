"""Routing: each destination kind, each reason SES would not deliver, and the sinks."""

import copy
import gzip
import json

from simkit import (
    SET_ARN,
    TLS_DENY,
    base,
    cloudwatch,
    destination,
    raw,
    ses_conditions,
    ses_key_statement,
    simple,
    with_firehose,
    with_sns,
)

from ses_metrics.rules import DestinationKind
from ses_metrics.simulator import Drop, Engagement, Filtered, FilterReason, Simulator
from ses_metrics.simulator.events import Click
from ses_metrics.simulator.router import NeverReceives

OK = "success@simulator.amazonses.com"
OTHER_SET_ARN = "arn:aws:ses:us-east-1:111122223333:configuration-set/other"


def routed(template, request=None, **kwargs):
    sim = Simulator(template)
    result = sim.send_email(**(request or simple()), **kwargs)
    sim.flush()
    return sim, result


def outcome(result, event_type, name):
    """The delivery, filter or drop of ``event_type`` at destination ``name``."""
    for o in result.events:
        if o.event.record["eventType"] == event_type:
            found = [d for d in (*o.deliveries, *o.filtered, *o.drops) if d.destination == name]
            assert len(found) == 1
            return found[0]
    raise AssertionError(f"no {event_type} event")


def dropped(result, event_type, name):
    """The drop of ``event_type`` at ``name`` (fails when it was delivered or filtered)."""
    found = outcome(result, event_type, name)
    assert isinstance(found, Drop), found
    return found


def test_every_event_is_delivered_or_dropped_at_every_destination():
    t = with_sns(with_firehose(base()))
    t["Resources"]["Metrics"] = destination("metrics", ["send"], **cloudwatch(("campaign", "messageTag", "none")))
    _, result = routed(t, simple([OK, "bounce@simulator.amazonses.com"]))
    for o in result.events:
        names = sorted(d.destination for d in (*o.deliveries, *o.filtered, *o.drops))
        assert names == ["alerts", "archive", "metrics"]


def test_disabled_destination_filters_with_reason():
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    _, result = routed(t)
    assert outcome(result, "Send", "metrics") == Filtered("metrics", DestinationKind.CLOUDWATCH, FilterReason.DISABLED,
                                                          "the event destination is disabled (Enabled: false)")
    assert outcome(result, "Send", "metrics").to_json() == {"eventDestination": "metrics", "filter": "disabled",
                                                            "reason": "the event destination is disabled (Enabled: false)"}


def test_omitted_enabled_means_disabled_as_in_cloudformation():
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", None, enabled=None, **cloudwatch(("campaign", "messageTag", "none")))
    sim, result = routed(t)
    assert outcome(result, "Send", "metrics").why is FilterReason.DISABLED
    assert any("omits Enabled" in w for w in sim.warnings)


def test_unmatched_event_type_filters_with_reason():
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", ["bounce"], **cloudwatch(("campaign", "messageTag", "none")))
    _, result = routed(t)
    filtered = outcome(result, "Send", "metrics")
    assert isinstance(filtered, Filtered) and filtered.why is FilterReason.EVENT_TYPE
    assert filtered.reason == "the event destination matches bounce, not send"


def test_a_destination_ses_would_refuse_drops_everything():
    t = base()
    t["Resources"]["Both"] = destination("both", None, **cloudwatch(("a", "messageTag", "x")), EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/default"})
    _, result = routed(t)
    assert dropped(result, "Send", "both").reason.startswith("SES would refuse this event destination: an event destination takes exactly one target")


# --- CloudWatch --------------------------------------------------------------------


def cw_template(*dims, events=None):
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", events, **cloudwatch(*dims))
    return t


def test_cloudwatch_dimension_takes_the_tag_value_or_the_default():
    sim, result = routed(cw_template(("campaign", "messageTag", "none"), ("ses:from-domain", "messageTag", "unknown")), simple(tags={"campaign": "spring"}))
    assert outcome(result, "Send", "metrics").to_json()["dimensions"] == {"campaign": "spring", "ses:from-domain": "example.com"}
    sim.send_email(**simple())
    assert sim.metrics.sum("Send", {"campaign": "none", "ses:from-domain": "example.com"}) == 1
    assert sim.metrics.sum("Send", {"campaign": "spring", "ses:from-domain": "example.com"}) == 1


def test_metric_queries_match_the_exact_dimension_set():
    sim, _ = routed(cw_template(("campaign", "messageTag", "none"), ("team", "messageTag", "none")), simple(tags={"campaign": "spring"}))
    assert sim.metrics.sum("Send", {"campaign": "spring"}) == 0
    assert sim.metrics.sum("Send", {"campaign": "spring", "team": "none"}) == 1


def test_email_header_dimension_uses_the_header_value():
    sim, result = routed(cw_template(("X-Team", "emailHeader", "none")), raw("From: news@example.com\nTo: a@x.test\nX-Team: ops@example.com\nSubject: s\n\nb", ConfigurationSetName="marketing"))
    assert outcome(result, "Send", "metrics").to_json()["dimensions"] == {"X-Team": "ops@example.com"}


def test_header_value_with_characters_ses_refuses_publishes_no_metric():
    sim, result = routed(cw_template(("X-Team", "emailHeader", "none")), raw("From: news@example.com\nTo: a@x.test\nX-Team: équipe\nSubject: s\n\nb", ConfigurationSetName="marketing"))
    assert dropped(result, "Send", "metrics").reason.startswith("header X-Team is 'équipe': SES publishes no metric")
    assert [dims for _, dims in sim.metrics.metrics() if dims] == []  # only SES's account-level metrics


def test_link_tag_dimension_takes_the_clicked_links_tag_and_other_events_the_default():
    html = '<a href="https://shop.example.com" ses:tags="cta:hero">x</a>'
    _, result = routed(cw_template(("cta", "linkTag", "none")), simple(html=html), engagement=Engagement(clicks=[Click(OK)]))
    assert outcome(result, "Click", "metrics").to_json()["dimensions"] == {"cta": "hero"}
    assert outcome(result, "Send", "metrics").to_json()["dimensions"] == {"cta": "none"}


def test_metric_names_and_minute_series():
    sim, _ = routed(cw_template(("campaign", "messageTag", "none")), simple(["bounce@simulator.amazonses.com", OK]))
    assert sorted(m for m, dims in sim.metrics.metrics() if dims) == ["Bounce", "Delivery", "Send"]
    datapoint = next(d for d in sim.metrics.datapoints() if d["MetricName"] == "Bounce" and d["Dimensions"])
    assert datapoint == {"Namespace": "AWS/SES", "MetricName": "Bounce", "Dimensions": [{"Name": "campaign", "Value": "none"}], "Timestamp": "2026-01-01T00:00:00Z", "Value": 1, "Unit": "Count"}


# --- Firehose ----------------------------------------------------------------------


def test_firehose_records_become_gzip_objects_with_firehoses_key_layout():
    sim, result = routed(with_firehose(base()), simple([OK, "bounce@simulator.amazonses.com"]))
    [(bucket, key, body)] = sim.s3.items()
    assert key.startswith("ses/2026/01/01/00/archive-1-2026-01-01-00-00-00-") and key.endswith(".gz")
    lines = gzip.decompress(body).split(b"\n")
    assert lines[-1] == b""  # every record newline-terminated
    assert [json.loads(line)["eventType"] for line in lines[:-1]] == ["Send", "Bounce", "Delivery"]
    assert outcome(result, "Send", "archive").to_json() == {"eventDestination": "archive", "type": "firehose", "deliveryStream": "archive", "destination": "s3", "bucket": bucket, "prefix": "ses/2026/01/01/00/", "key": key}


def test_records_in_a_later_buffering_interval_start_a_new_object():
    sim, _ = routed(with_firehose(base()), simple("complaint@simulator.amazonses.com"))
    assert [len(sim.s3.records(b, k)) for b, k, _ in sim.s3.items()] == [2, 1]  # Send+Delivery, then the Complaint 5 minutes later


def test_prefix_timestamp_expressions_and_uncompressed_objects():
    template = with_firehose(base(), prefix="events/!{timestamp:yyyy-MM-dd}/", compression="UNCOMPRESSED",
                             stream_put_resource={"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/events/*"]]})
    sim, _ = routed(template)
    [(_, key, body)] = sim.s3.items()
    assert key.startswith("events/2026-01-01/archive-1-") and not key.endswith(".gz")
    assert body.count(b"\n") == 2


def test_dynamic_partitioning_by_event_type():
    extended = {
        "DynamicPartitioningConfiguration": {"Enabled": True},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{eventType: .eventType}"},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
        ]}]},
    }
    template = with_firehose(base(), prefix="eventType=!{partitionKeyFromQuery:eventType}/", extended=extended,
                             stream_put_resource={"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]})
    sim, _ = routed(template, simple("bounce@simulator.amazonses.com"))
    assert sorted(k.split("/")[0] for _, k, _ in sim.s3.items()) == ["eventType=Bounce", "eventType=Send"]


def test_ses_role_trusting_another_configuration_set_drops_with_reason():
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": ses_conditions(OTHER_SET_ARN)}]}
    sim, result = routed(with_firehose(base(), trust=trust))
    reason = dropped(result, "Send", "archive").reason
    assert reason.startswith("SES cannot assume role ") and "aws:SourceArn arn:aws:ses:us-east-1:111122223333:configuration-set/marketing" in reason
    assert sim.s3.items() == []


def test_ses_role_without_put_record_batch_drops_with_reason():
    _, result = routed(with_firehose(base(), put=["firehose:PutRecord"]))
    assert dropped(result, "Send", "archive").reason.startswith("role ") and "may not firehose:PutRecordBatch on arn:aws:firehose:us-east-1:111122223333:deliverystream/archive" in dropped(result, "Send", "archive").reason


def test_stream_role_without_access_to_its_prefix_drops_with_reason():
    template = with_firehose(base(), stream_put_resource={"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/elsewhere/*"]]})
    _, result = routed(template)
    reason = dropped(result, "Send", "archive").reason
    assert reason.startswith("delivery stream archive accepts the record but cannot deliver it: role ") and "may not s3:PutObject" in reason


def test_bucket_policy_denying_the_stream_role_drops_with_reason():
    template = with_firehose(base())
    template["Resources"]["BucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {"Statement": [
        {"Sid": "NoWrites", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}}}
    _, result = routed(template)
    assert "denies s3:PutObject" in dropped(result, "Send", "archive").reason


def test_a_stream_outside_the_templates_is_delivered_with_a_note():
    # SES's role is in the templates and may put records on the stream: that much is decided;
    # what the stream does with them is not followed.
    t = with_firehose(base())
    external = "arn:aws:firehose:us-east-1:111122223333:deliverystream/elsewhere"
    t["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = external
    t["Resources"]["ToFirehose"] = destination("ext", None, KinesisFirehoseDestination={"DeliveryStreamARN": external, "IAMRoleARN": {"Fn::GetAtt": ["SesRole", "Arn"]}})
    sim, result = routed(t)
    assert outcome(result, "Send", "ext").to_json() == {"eventDestination": "ext", "type": "firehose", "deliveryStream": "elsewhere"}
    assert any("not in the templates: records are not followed" in w for w in sim.warnings)


def test_a_role_outside_the_templates_is_not_delivered_and_says_why():
    t = base()
    t["Resources"]["Ext"] = destination("ext", None, KinesisFirehoseDestination={"DeliveryStreamARN": "arn:aws:firehose:us-east-1:111122223333:deliverystream/elsewhere", "IAMRoleARN": "arn:aws:iam::111122223333:role/elsewhere"})
    sim, result = routed(t)
    assert dropped(result, "Send", "ext").to_json() == {"eventDestination": "ext", "reason": (
        "whether SES may assume role arn:aws:iam::111122223333:role/elsewhere for configuration set marketing cannot be decided: "
        "role arn:aws:iam::111122223333:role/elsewhere (not in the templates) cannot be read")}
    assert {v.destination.name: v.never for v in sim.router.verdicts()} == {"ext": NeverReceives.UNDECIDABLE}


# --- SNS ---------------------------------------------------------------------------


def test_sns_message_is_the_record_in_snss_envelope_and_subscriptions_are_listed():
    sim, result = routed(with_sns(base()), simple("bounce@simulator.amazonses.com"))
    delivery = outcome(result, "Bounce", "alerts").to_json()
    assert delivery["subscriptions"] == [{"protocol": "sqs", "endpoint": "arn:aws:sqs:us-east-1:111122223333:" + delivery["subscriptions"][0]["endpoint"].rsplit(":", 1)[-1]}]
    [message] = sim.sns.messages["arn:aws:sns:us-east-1:111122223333:alerts"]
    assert message["Type"] == "Notification" and "Subject" not in message
    assert json.loads(message["Message"]) == result.events[1].event.record


def test_topic_without_policy_drops_with_reason():
    _, result = routed(with_sns(base(), policy=[]), simple("bounce@simulator.amazonses.com"))
    assert dropped(result, "Bounce", "alerts").reason.startswith("topic alerts has no topic policy")


def test_topic_policy_for_another_configuration_set_drops_with_reason():
    policy = [TLS_DENY, {"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sns:Publish", "Resource": {"Ref": "Topic"}, "Condition": ses_conditions(OTHER_SET_ARN)}]
    _, result = routed(with_sns(base(), policy=policy), simple("bounce@simulator.amazonses.com"))
    assert dropped(result, "Bounce", "alerts").reason.startswith("the policy of topic alerts does not let SES publish for configuration set marketing")


def test_fifo_topic_drops_with_reason():
    _, result = routed(with_sns(base(), fifo=True), simple("bounce@simulator.amazonses.com"))
    assert dropped(result, "Bounce", "alerts").reason == "topic alerts.fifo is a FIFO topic: SES publishes to standard topics only"


def test_encrypted_topic_needs_a_key_policy_admitting_ses():
    root = {"Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}
    _, denied = routed(with_sns(base(), key_policy=[root]), simple("bounce@simulator.amazonses.com"))
    assert "does not let ses.amazonaws.com kms:GenerateDataKey" in dropped(denied, "Bounce", "alerts").reason
    _, allowed = routed(with_sns(base(), key_policy=[root, ses_key_statement()]), simple("bounce@simulator.amazonses.com"))
    assert outcome(allowed, "Bounce", "alerts").to_json()["type"] == "sns"


# --- EventBridge -------------------------------------------------------------------


def eb_template(bus="arn:aws:events:us-east-1:111122223333:event-bus/default", rules=()):
    t = base()
    t["Resources"]["ToBus"] = destination("bus", None, EventBridgeDestination={"EventBusArn": bus})
    for index, (pattern, state) in enumerate(rules):
        t["Resources"][f"Rule{index}"] = {"Type": "AWS::Events::Rule", "Properties": {"Name": f"rule{index}", "EventPattern": pattern, "State": state,
                                                                                      "Targets": [{"Id": "q", "Arn": "arn:aws:sqs:us-east-1:111122223333:q"}]}}
    return t


def test_eventbridge_envelope_and_matching_rules():
    rules = [({"source": ["aws.ses"], "detail-type": ["Email Bounced"]}, "ENABLED"), ({"source": ["aws.ses"]}, "DISABLED"),
             ({"detail": {"mail": {"tags": {"ses:configuration-set": ["marketing"]}}}}, "ENABLED")]
    sim, result = routed(eb_template(rules=rules), simple("bounce@simulator.amazonses.com"))
    assert outcome(result, "Bounce", "bus").to_json()["rules"] == [{"name": "rule0", "targets": ["arn:aws:sqs:us-east-1:111122223333:q"]}, {"name": "rule2", "targets": ["arn:aws:sqs:us-east-1:111122223333:q"]}]
    assert outcome(result, "Send", "bus").to_json()["rules"] == [{"name": "rule2", "targets": ["arn:aws:sqs:us-east-1:111122223333:q"]}]
    envelope = sim.eventbridge.events["default"][1]
    assert (envelope["source"], envelope["detail-type"], envelope["resources"]) == ("aws.ses", "Email Bounced", ["arn:aws:ses:us-east-1:111122223333:configuration-set/marketing"])


def test_a_bus_other_than_the_default_drops_with_reason():
    _, result = routed(eb_template(bus="arn:aws:events:us-east-1:111122223333:event-bus/orders"))
    assert "SES publishes only to the default bus" in dropped(result, "Send", "bus").reason


def test_configuration_set_without_destinations():
    _, result = routed(base())
    assert result.events[0].drops == ()
    assert [f.to_json() for f in result.events[0].filtered] == [
        {"eventDestination": None, "filter": "no-destinations", "reason": "configuration set marketing has no event destinations"}
    ]


def test_simkit_set_arn_resolves_to_the_sets_arn():
    sim = Simulator(base())
    assert sim.topology.configuration_sets["marketing"].arn == "arn:aws:ses:us-east-1:111122223333:configuration-set/marketing"
    assert copy.deepcopy(SET_ARN)["Fn::Join"][1][-1] == {"Ref": "Set"}


def test_routing_without_keeping_events_writes_the_same_sinks():
    template = with_sns(with_firehose(base()))
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    kept, lean = Simulator(template), Simulator(template, keep_events=False)
    for sim in (kept, lean):
        for i in range(30):
            sim.send_email(**simple(["bounce@simulator.amazonses.com", OK], tags={"campaign": f"c{i % 3}"}))
        sim.flush()
    assert lean.sends == [] and lean.event_count == kept.event_count == 90
    assert list(lean.metrics.datapoints()) == list(kept.metrics.datapoints())
    assert lean.s3.items() == kept.s3.items()
    assert lean.sns.messages == kept.sns.messages


def test_observers_see_every_event_after_routing():
    sim = Simulator(base())
    seen = []
    sim.observers.append(lambda event: seen.append(event.type.record))
    sim.send_email(**simple("complaint@simulator.amazonses.com"))
    assert seen == ["Send", "Delivery", "Complaint"]


def test_verdicts_say_per_destination_whether_ses_can_ever_publish_to_it():
    t = with_sns(with_firehose(base(), trust={"Statement": [{"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole"}]}), fifo=True)
    t["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    t["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    verdicts = {v.destination.name: v for v in Simulator(t).router.verdicts()}
    assert {name: v.never for name, v in verdicts.items()} == {
        "archive": NeverReceives.ROLE_NOT_ASSUMABLE, "alerts": NeverReceives.FIFO_TOPIC, "metrics": None, "off": NeverReceives.DISABLED,
    }
    assert verdicts["metrics"].receives and verdicts["archive"].reason.startswith("SES cannot assume role")
    assert all(v.configuration_set.name == "marketing" for v in verdicts.values())


def test_sinks_that_keep_no_payloads_count_what_a_kept_run_holds():
    template = with_sns(with_firehose(base()))
    kept, counted = Simulator(template), Simulator(template, keep_events=False, keep_payloads=False)
    for sim in (kept, counted):
        for _ in range(5):
            sim.send_email(**simple(["bounce@simulator.amazonses.com", OK]))
        sim.flush()
    assert counted.s3.items() == [] and counted.sns.messages == {} and counted.eventbridge.events == {}
    assert counted.s3.count() == kept.s3.count() == 1
    assert counted.s3.bytes_written == kept.s3.bytes_written == {b: len(kept.s3.content(b, k)) for b, k, _ in kept.s3.items()}
    assert counted.sns.published == {arn: len(m) for arn, m in kept.sns.messages.items()} == {"arn:aws:sns:us-east-1:111122223333:alerts": 5}
    assert counted.firehose.records_put == {"archive": 15}


def test_firehose_writes_only_the_buffers_whose_interval_ended():
    from datetime import UTC, datetime

    sim = Simulator(with_firehose(base()))
    for minute in (0, 3, 7):  # 300-second buffering windows: [0, 5) and [5, 10)
        sim.send_email(**simple(), at=datetime(2026, 1, 1, 0, minute, tzinfo=UTC))
    written = sim.firehose.flush(before_ms=int(datetime(2026, 1, 1, 0, 9, tzinfo=UTC).timestamp() * 1000))
    assert (written, sim.s3.count()) == (1, 1)
    assert len(sim.s3.records(*sim.s3.items()[0][:2])) == 4  # Send and Delivery of the first two sends


def test_the_routing_plan_gives_the_drops_route_gives():
    template = with_sns(base())
    sim = Simulator(template)
    result = sim.send_email(**simple())
    send = next(o for o in result.events if o.event.record["eventType"] == "Send")
    plan = dict(sim.router.plan("marketing", send.event.type))
    assert plan == {d.destination: d for d in (*send.filtered, *send.drops)} | {d.destination: None for d in send.deliveries}
    assert plan["alerts"] == Filtered("alerts", DestinationKind.SNS, FilterReason.EVENT_TYPE, "the event destination matches bounce, complaint, not send")


def test_routing_without_keeping_events_counts_the_drops_decided_per_event():
    sim = Simulator(cw_template(("X-Team", "emailHeader", "none")), keep_events=False)
    sim.send_email(**raw("From: news@example.com\nTo: a@x.test\nX-Team: équipe\nSubject: s\n\nb", ConfigurationSetName="marketing"))
    [((configuration_set, name, reason), count)] = sim.router.write_drops.items()
    assert (configuration_set, name, count) == ("marketing", "metrics", 2)  # Send and Delivery
    assert reason.startswith("header X-Team is 'équipe': SES publishes no metric")
