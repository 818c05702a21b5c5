"""Scenario expectations: each kind passing and failing, failures that say what happened
instead (naming the send, the event and the destination), and parse errors by path."""

import pytest
from simkit import base, cloudwatch, destination, with_firehose, with_sns

from ses_metrics.ci.expectations import BECOMES, Status, check
from ses_metrics.ci.scenarios import parse_checked_scenario
from ses_metrics.simulator import ScenarioError, Simulator

BOUNCE = "bounce@simulator.amazonses.com"
OK = "success@simulator.amazonses.com"
HTML = "<a href='https://shop.example.com/spring'>Shop</a>"


def template():
    """marketing: metrics (CloudWatch, campaign; no open), archive (Firehose to S3 ses/),
    alerts (SNS, bounce and complaint), bus (EventBridge, bounce) and the rule bounces-to-ops."""
    t = with_sns(with_firehose(base()))
    r = t["Resources"]
    r["Metrics"] = destination("metrics", ["send", "delivery", "bounce", "click"], **cloudwatch(("campaign", "messageTag", "none")))
    r["ToBus"] = destination("bus", ["bounce"], EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/default"})
    r["Rule"] = {"Type": "AWS::Events::Rule", "Properties": {"Name": "bounces-to-ops", "EventPattern": {"source": ["aws.ses"], "detail-type": ["Email Bounced"]},
                                                               "Targets": [{"Id": "q", "Arn": "arn:aws:sqs:us-east-1:111122223333:q"}]}}
    return t


SENDS = [
    {"name": "spring", "Destination": {"ToAddresses": [OK, BOUNCE]}, "EmailTags": [{"Name": "campaign", "Value": "spring"}],
     "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Html": {"Data": HTML}}}}, "opens": "all", "clicks": "all"},
    {"name": "bad-tag", "Destination": {"ToAddresses": [OK]}, "EmailTags": [{"Name": "campaign", "Value": "spring sale"}],
     "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}},
    {"Destination": {"ToAddresses": [OK]}, "ConfigurationSetName": None,
     "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}},
]


def run(*expect, sends=SENDS):
    """Each expectation's (status, message) after simulating the sends on ``template()``."""
    defaults = {"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing"}
    raw = [{k: v for k, v in {**defaults, **s}.items() if v is not None} for s in sends]
    checked = parse_checked_scenario({"sends": raw, "expect": list(expect)})
    return [(r.status, r.message) for r in check(Simulator(template()).run(checked.scenario), checked.expect)]


def passes(expectation):
    assert run(expectation) == [(Status.PASSED, "")]


def fails(expectation):
    [(status, message)] = run(expectation)
    assert status is Status.FAILED
    return message


# --- reaches ---------------------------------------------------------------------------------


def test_reaches_passes_when_an_event_of_that_type_is_delivered_there():
    passes({"send": "spring", "event": "bounce", "reaches": "alerts"})


def test_reaches_fails_with_the_drop_reason_naming_send_event_and_destination():
    message = fails({"send": "spring", "event": "delivery", "reaches": "alerts"})
    assert message == "the Delivery of send 'spring' was filtered at alerts: the event destination matches bounce, complaint, not delivery"


def test_reaches_fails_when_the_send_produced_no_such_event():
    message = fails({"send": "spring", "event": "complaint", "reaches": "alerts"})
    assert message.startswith("the Complaint of send 'spring' cannot reach alerts: send 'spring' produced no Complaint event (its events: Send, Bounce, Delivery, Open, Click)")


def test_reaches_fails_for_a_destination_the_configuration_set_does_not_have():
    message = fails({"send": "spring", "event": "bounce", "reaches": "metrix"})
    assert "configuration set marketing has no event destination 'metrix' (destinations of marketing: archive, alerts, metrics, bus)" in message


def test_reaches_fails_for_a_failed_send_with_its_error():
    message = fails({"send": "bad-tag", "event": "send", "reaches": "metrics"})
    assert message.startswith("the Send of send 'bad-tag' cannot reach metrics: send 'bad-tag' failed with BadRequestException: Invalid tag value <spring sale>")


def test_reaches_fails_for_a_send_without_configuration_set():
    message = fails({"send": 2, "reaches": "metrics"})
    assert message == "an event of sends[2] cannot reach metrics: sends[2] has no configuration set: SES publishes no events for it"


def test_with_dimensions_passes_when_each_named_dimension_has_that_value():
    passes({"send": "spring", "event": "bounce", "reaches": "metrics", "with_dimensions": {"campaign": "spring"}})


def test_with_dimensions_fails_showing_the_values_seen():
    message = fails({"send": "spring", "event": "bounce", "reaches": "metrics", "with_dimensions": {"campaign": "summer", "team": "growth"}})
    assert message == (
        "the Bounce of send 'spring' reached metrics, but campaign='spring', not 'summer'; without a dimension team: "
        "CloudWatch Bounce {campaign=spring}"
    )


def test_in_s3_prefix_passes_when_the_object_key_starts_with_it():
    passes({"send": "spring", "event": "bounce", "reaches": "archive", "in_s3_prefix": "ses/2026/01/01/"})


def test_in_s3_prefix_fails_showing_where_the_record_landed():
    message = fails({"send": "spring", "event": "bounce", "reaches": "archive", "in_s3_prefix": "events/"})
    assert message.startswith("the Bounce of send 'spring' reached archive, but in an object not under events/: Firehose archive → s3://")
    assert "/ses/2026/01/01/00/archive-1-2026-01-01-00-00-00-" in message


def test_matches_rule_passes_when_the_rule_matches_the_event():
    passes({"send": "spring", "event": "bounce", "reaches": "bus", "matches_rule": "bounces-to-ops"})


def test_matches_rule_fails_listing_the_rules_that_match():
    message = fails({"send": "spring", "event": "bounce", "reaches": "bus", "matches_rule": "complaints-to-ops"})
    assert message == "the Bounce of send 'spring' reached bus, but rule complaints-to-ops does not match it: EventBridge 'Email Bounced' (bounces-to-ops)"


def test_a_qualifier_for_another_destination_kind_fails():
    message = fails({"send": "spring", "event": "bounce", "reaches": "alerts", "with_dimensions": {"campaign": "spring"}})
    assert "with_dimensions applies to CloudWatch destinations, and alerts is sns" in message


@pytest.mark.parametrize(("sink", "name"), [("redshift_row", "Redshift"), ("opensearch_document", "OpenSearch")])
def test_becomes_on_an_s3_stream_fails_naming_where_the_stream_delivers(sink, name):
    message = fails({"send": "spring", "event": "bounce", "reaches": "archive", "becomes": {sink: {"campaign": "spring"}}})
    assert message == f"the Bounce of send 'spring' reached archive, but delivery stream archive delivers to Amazon S3, not to {name}"


def test_becomes_uses_the_registered_checker_when_a_sink_provides_one(monkeypatch):
    monkeypatch.setitem(BECOMES, "redshift_row", lambda delivery, expected: None if expected == {"campaign": "spring"} else "campaign is 'spring'")
    passes({"send": "spring", "event": "bounce", "reaches": "archive", "becomes": {"redshift_row": {"campaign": "spring"}}})
    assert fails({"send": "spring", "event": "bounce", "reaches": "archive", "becomes": {"redshift_row": {"campaign": "x"}}}).endswith("but campaign is 'spring'")


# --- never_reaches ---------------------------------------------------------------------------


def test_never_reaches_passes_when_no_such_event_is_delivered_there():
    passes({"send": "spring", "event": "open", "never_reaches": "metrics"})


def test_never_reaches_fails_naming_the_delivery():
    message = fails({"send": "spring", "event": "bounce", "never_reaches": "alerts"})
    assert message == "the Bounce of send 'spring' reached alerts: SNS alerts"


def test_never_reaches_fails_for_an_unknown_destination_rather_than_passing():
    assert "has no event destination 'alert'" in fails({"send": "spring", "never_reaches": "alert"})


# --- metric ----------------------------------------------------------------------------------


def test_metric_passes_when_the_exact_dimension_set_sums_to_the_number():
    passes({"metric": "Bounce", "dimensions": {"campaign": "spring"}, "sums_to": 1})
    passes({"metric": "delivery", "dimensions": {"campaign": "spring"}, "sums_to": 1})  # an event type names its metric


def test_metric_fails_showing_the_metrics_seen():
    message = fails({"metric": "Send", "dimensions": {"campaign": "summer"}, "sums_to": 1})
    assert message == "metric Send {campaign=summer} sums to 0, not 1; Send metrics seen: {campaign=spring} = 1; {} (account-level) = 2"


def test_metric_with_dimensions_no_destination_publishes_says_so():
    message = fails({"metric": "Send", "dimensions": {"campaign": "spring", "team": "growth"}, "sums_to": 1})
    assert message.endswith("no CloudWatch destination publishes exactly the dimensions campaign, team (destinations: marketing/metrics (campaign))")


# --- fails_with ------------------------------------------------------------------------------


def test_fails_with_passes_on_that_error_code():
    passes({"send": "bad-tag", "fails_with": "BadRequestException"})


def test_fails_with_fails_when_the_send_succeeds():
    assert fails({"send": "spring", "fails_with": "InvalidParameterValue"}).startswith("send 'spring' succeeded (message ID 010001")


def test_fails_with_fails_on_another_error_code():
    message = fails({"send": "bad-tag", "fails_with": "MessageRejected"})
    assert message.startswith("send 'bad-tag' failed with BadRequestException, not MessageRejected: Invalid tag value")


# --- the scenario file -----------------------------------------------------------------------


def test_expectations_describe_themselves_as_sentences():
    checked = parse_checked_scenario({"sends": SENDS[:1], "expect": [
        {"send": "spring", "event": "BOUNCE", "reaches": "metrics", "with_dimensions": {"campaign": "spring"}},
        {"send": 0, "never_reaches": "alerts"},
        {"metric": "Bounce", "dimensions": {"campaign": "spring"}, "sums_to": 1},
        {"send": "spring", "fails_with": "InvalidParameterValue"},
    ]})
    assert [e.describe() for e in checked.expect] == [
        "the Bounce of send 'spring' reaches metrics with dimensions campaign=spring",
        "no event of sends[0] reaches alerts",
        "metric Bounce {campaign=spring} sums to 1",
        "send 'spring' fails with InvalidParameterValue",
    ]


def test_every_expectation_problem_is_reported_at_once_by_path():
    with pytest.raises(ScenarioError) as raised:
        parse_checked_scenario({"sends": SENDS[:1], "expect": [
            {"send": "autumn", "event": "bounce", "reaches": "x"},
            {"send": "spring", "event": "bounced", "reaches": "x"},
            {"send": "spring", "reaches": "x", "never_reaches": "y"},
            {"metric": "Bogus", "sums_to": "one"},
            {"send": 1, "fails_with": "X"},
            "reaches x",
            {"send": "spring", "reaches": "x", "becomes": {}},
            {"send": "spring", "reaches": "x", "colour": "red"},
        ]})
    assert [str(p) for p in raised.value.problems] == [
        "expect[0].send: no send 'autumn': give a send's name (names: spring) or its position 0-0",
        "expect[1].event: unknown event type 'bounced'; use one of send, reject, bounce, complaint, delivery, open, click, renderingFailure, deliveryDelay, subscription",
        "expect[2]: an expectation says one thing: reaches, never_reaches, filtered_at, dropped_at, metric with sums_to or ends_at, or fails_with; found reaches and never_reaches",
        "expect[3].metric: unknown SES event metric 'Bogus'; use one of Send, Reject, Bounce, Complaint, Delivery, Open, Click, RenderingFailure, DeliveryDelay, Subscription (or an event type name)",
        "expect[3].sums_to: Input should be a valid number, unable to parse string as a number",
        "expect[4].send: no send 1: give a send's name (names: spring) or its position 0-0",
        "expect[5]: an expectation is a mapping that says reaches, never_reaches, filtered_at, dropped_at, metric with sums_to or ends_at, or fails_with",
        "expect[6].becomes: give exactly one of redshift_row, opensearch_document",
        "expect[7].colour: Extra inputs are not permitted",
    ]


def test_a_bulk_send_is_one_send_of_the_scenario():
    bulk = {"name": "bulk", "FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing",
            "DefaultContent": {"Template": {"TemplateName": "t", "TemplateData": "{}"}},
            "BulkEmailEntries": [{"Destination": {"ToAddresses": [OK]}}, {"Destination": {"ToAddresses": [BOUNCE]}}]}
    checked = parse_checked_scenario({"templates": {"t": {"Subject": "Hi", "Text": "Hello"}}, "sends": [bulk],
                               "expect": [{"send": 0, "event": "bounce", "reaches": "alerts"}, {"metric": "Send", "dimensions": {"campaign": "none"}, "sums_to": 2}]})
    result = Simulator(template()).run(checked.scenario)
    assert [len(group) for group in result.by_send] == [2]
    assert [r.status for r in check(result, checked.expect)] == [Status.PASSED, Status.PASSED]


# --- filtered_at / dropped_at ----------------------------------------------------------------


def test_filtered_at_passes_for_an_event_type_the_destination_does_not_match():
    passes({"send": "spring", "event": "open", "filtered_at": "metrics"})


def test_filtered_at_with_because_matches_a_part_of_the_reason_in_any_case():
    passes({"send": "spring", "event": "open", "filtered_at": "metrics", "because": "NOT OPEN"})
    message = fails({"send": "spring", "event": "open", "filtered_at": "metrics", "because": "disabled"})
    assert message == ("the Open of send 'spring' was filtered at metrics: the event destination matches send, bounce, delivery, click, not open: "
                       "no reason contains 'disabled'")


def test_filtered_at_fails_saying_the_event_was_delivered():
    message = fails({"send": "spring", "event": "bounce", "filtered_at": "alerts"})
    assert message.startswith("the Bounce of send 'spring' reached alerts: SNS alerts")


def test_filtered_at_passes_for_a_send_without_configuration_set():
    passes({"send": 2, "filtered_at": "metrics", "because": "no configuration set"})


def test_dropped_at_passes_for_a_drop_and_fails_for_a_filter_naming_it():
    t = template()
    t["Resources"]["Both"] = destination("both", None, **cloudwatch(("a", "messageTag", "x")),
                                         EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/default"})
    checked = parse_checked_scenario({"sends": [{**SENDS[0], "FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing"}], "expect": [
        {"send": "spring", "event": "send", "dropped_at": "both", "because": "SES would refuse"},
        {"send": "spring", "event": "open", "dropped_at": "metrics"},
    ]})
    (passed, _), (failed, message) = [(r.status, r.message) for r in check(Simulator(t).run(checked.scenario), checked.expect)]
    assert passed is Status.PASSED and failed is Status.FAILED
    assert message == "the Open of send 'spring' was filtered at metrics: the event destination matches send, bounce, delivery, click, not open"


def test_filtered_at_an_unknown_destination_fails_naming_the_sets_destinations():
    message = fails({"send": "spring", "filtered_at": "nowhere"})
    assert "has no event destination 'nowhere'" in message
