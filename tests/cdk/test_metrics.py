"""Metric helpers on SendingConfigurationSet: the metrics SES publishes, and a
pytest.raises for each metric it never would."""

import aws_cdk as cdk
import pytest
from conftest import marketing_set, new_stack

from ses_metrics import (
    Dimension,
    EventType,
    SendingConfigurationSet,
    ValidationError,
    metric_account,
    metric_account_bounce_rate,
    metric_account_complaint_rate,
)

DIMENSIONS = {"campaign": "spring", "ses:from-domain": "example.com"}


@pytest.fixture(scope="module")
def sets():
    stack = new_stack()
    marketing = marketing_set(stack, per_template=True)
    marketing.add_cloudwatch_destination("off", dimensions=[Dimension.message_tag("team", default="none")], enabled=False)
    quiet = SendingConfigurationSet(stack, "Quiet", configuration_set_name="quiet", reputation_metrics=False)
    return stack, marketing, quiet


def test_metric_is_the_event_count_with_the_destination_dimensions(sets):
    stack, marketing, _ = sets
    metric = marketing.metric_bounces(dimensions=DIMENSIONS)
    assert (metric.namespace, metric.metric_name, metric.statistic) == ("AWS/SES", "Bounce", "Sum")
    assert metric.dimensions == DIMENSIONS
    assert metric.period.to_seconds() == 300


@pytest.mark.parametrize(
    ("helper", "metric_name"),
    [
        ("metric_sends", "Send"), ("metric_rejects", "Reject"), ("metric_bounces", "Bounce"), ("metric_complaints", "Complaint"),
        ("metric_deliveries", "Delivery"), ("metric_opens", "Open"), ("metric_clicks", "Click"),
        ("metric_rendering_failures", "RenderingFailure"), ("metric_delivery_delays", "DeliveryDelay"),
        ("metric_subscriptions", "Subscription"),
    ],
)
def test_named_helpers_use_the_event_types_metric_name(helper, metric_name):
    stack = new_stack()
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name="s")
    cs.add_cloudwatch_destination("all", dimensions=[Dimension.message_tag("campaign", default="none")])
    assert getattr(cs, helper)(dimensions={"campaign": "x"}).metric_name == metric_name


def test_metric_fills_in_the_configuration_set_dimension(sets):
    _, marketing, _ = sets
    metric = marketing.metric_opens(dimensions={"template": "welcome"}, statistic="SampleCount", period=cdk.Duration.hours(1))
    assert metric.dimensions == {"template": "welcome", "ses:configuration-set": "marketing"}
    assert (metric.statistic, metric.period.to_seconds()) == ("SampleCount", 3600)


def test_rate_with_dimensions_is_alarmable_metric_math(sets):
    _, marketing, _ = sets
    rate = marketing.metric_bounce_rate(dimensions=DIMENSIONS, minimum_sends=50)
    assert rate.expression == "IF(sends >= 50, FILL(bounces, 0) / sends, 0)"
    assert {k: (m.metric_name, m.dimensions) for k, m in rate.using_metrics.items()} == {
        "bounces": ("Bounce", DIMENSIONS),
        "sends": ("Send", DIMENSIONS),
    }
    assert rate.period.to_seconds() == 3600


def test_rate_without_dimensions_sums_a_search_over_every_value(sets):
    _, marketing, _ = sets
    rate = marketing.metric_complaint_rate()
    assert rate.using_metrics["complaints"].expression == (
        "SUM(SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Complaint\"', 'Sum', 3600))"
    )


def test_search_is_limited_to_the_set_when_the_destination_has_its_dimension(sets):
    _, marketing, _ = sets
    search = marketing.metric_search(EventType.OPEN)
    assert search.expression == (
        "SEARCH('{AWS/SES,template,\"ses:configuration-set\"} MetricName=\"Open\" \"ses:configuration-set\"=\"marketing\"', 'Sum', 300)"
    )


def test_reputation_metrics_of_the_set_and_the_account(sets):
    _, marketing, _ = sets
    per_set = marketing.metric_reputation_bounce_rate()
    assert (per_set.metric_name, per_set.dimensions, per_set.statistic, per_set.period.to_seconds()) == (
        "Reputation.BounceRate", {"ses:configuration-set": "marketing"}, "Average", 3600,
    )
    assert marketing.metric_reputation_complaint_rate().metric_name == "Reputation.ComplaintRate"
    assert (metric_account_bounce_rate().metric_name, metric_account_bounce_rate().dimensions) == ("Reputation.BounceRate", None)
    assert metric_account_complaint_rate().metric_name == "Reputation.ComplaintRate"


def test_account_level_event_metrics_have_no_dimensions():
    bounces = metric_account("bounce")
    assert (bounces.namespace, bounces.metric_name, bounces.dimensions, bounces.statistic) == ("AWS/SES", "Bounce", None, "Sum")
    assert metric_account(EventType.RENDERING_FAILURE).metric_name == "RenderingFailure"


def test_no_account_level_metric_for_delivery_delays():
    with pytest.raises(ValidationError, match="SES publishes no account-level DeliveryDelay metric; account-level metrics exist for send, reject"):
        metric_account("deliveryDelay")


def test_metric_values_may_be_tokens(sets):
    stack, marketing, _ = sets
    value = cdk.Fn.ref("AWS::StackName")
    metric = marketing.metric_sends(dimensions={"campaign": value, "ses:from-domain": "x"})
    assert stack.resolve(metric.dimensions["campaign"]) == {"Ref": "AWS::StackName"}


# --- metrics SES never publishes ----------------------------------------------------


def test_rejects_a_dimension_the_set_does_not_publish(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"Marketing: Bounce metric: 1 problem:\n  - dimensions\.campain: unknown dimension 'campain'"):
        marketing.metric_bounces(dimensions={"campain": "x"})


def test_rejects_missing_dimensions(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"dimensions: missing dimension\(s\) ses:from-domain: destination metrics"):
        marketing.metric_bounces(dimensions={"campaign": "x"})


def test_rejects_an_event_type_the_destination_does_not_match(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"destination metrics does not match click events"):
        marketing.metric_clicks(dimensions=DIMENSIONS)


def test_rejects_a_disabled_destination(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"destination off is disabled"):
        marketing.metric_sends(dimensions={"team": "a"})


def test_rejects_a_set_without_cloudwatch_destination(sets):
    _, _, quiet = sets
    with pytest.raises(ValidationError, match=r"no CloudWatch event destination"):
        quiet.metric_sends(dimensions={"campaign": "x"})


def test_rejects_reputation_metrics_of_a_set_that_does_not_publish_them(sets):
    _, _, quiet = sets
    with pytest.raises(ValidationError, match=r"reputation_metrics: reputation metrics are off for this configuration set"):
        quiet.metric_reputation_bounce_rate()


def test_rejects_a_search_no_destination_can_answer(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"destination: no enabled CloudWatch destination of this configuration set publishes click events"):
        marketing.metric_search(EventType.CLICK)


def test_rejects_an_unknown_event_type(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"unknown event type 'bounced'"):
        marketing.metric("bounced", dimensions=DIMENSIONS)


# --- aws-cdk's metric_x(props?) convention ------------------------------------------


@pytest.fixture(scope="module")
def totalled():
    from ses_metrics import AutoTag

    cs = SendingConfigurationSet(new_stack(), "Totalled", configuration_set_name="totalled")
    cs.add_cloudwatch_destination("per-set", dimensions=[Dimension.message_tag(AutoTag.CONFIGURATION_SET, default="none")], events=["send", "bounce"])
    return cs


def test_metric_without_props_is_the_sets_total_through_its_per_set_destination(totalled):
    metric = totalled.metric_bounces()
    assert (metric.metric_name, metric.statistic, metric.period.to_seconds()) == ("Bounce", "Sum", 300)
    assert metric.dimensions == {"ses:configuration-set": "totalled"}


def test_metric_options_override_the_defaults_one_by_one(totalled):
    from aws_cdk import aws_cloudwatch as cloudwatch

    metric = totalled.metric_sends(statistic="Average", period=cdk.Duration.hours(1), color="#ff0000", label="sends", unit=cloudwatch.Unit.COUNT)
    assert (metric.statistic, metric.period.to_seconds(), metric.color, metric.label, metric.unit) == (
        "Average", 3600, "#ff0000", "sends", cloudwatch.Unit.COUNT
    )


def test_dimensions_map_is_the_aws_cdk_name_of_dimensions(sets):
    _, marketing, _ = sets
    assert marketing.metric_bounces(dimensions_map=DIMENSIONS).dimensions == DIMENSIONS


def test_metric_without_props_and_no_per_set_destination_says_what_to_give(sets):
    _, marketing, _ = sets
    with pytest.raises(ValidationError, match=r"dimensions_map: without dimensions_map this is the set's total of Bounce.*destinations: metrics"):
        marketing.metric_bounces()


def test_reputation_metric_takes_metric_options(sets):
    _, marketing, _ = sets
    metric = marketing.metric_reputation_bounce_rate(statistic="Maximum", label="bounce rate")
    assert (metric.statistic, metric.label, metric.dimensions) == ("Maximum", "bounce rate", {"ses:configuration-set": "marketing"})
