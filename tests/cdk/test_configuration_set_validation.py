"""SendingConfigurationSet rejects at synth what SES would reject at deploy: one
pytest.raises per rule, and the edges that must be accepted."""

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Template

from ses_metrics import AutoTag, Dimension, SendingConfigurationSet, ValidationError
from ses_metrics.rules import FORBIDDEN_HEADER_DIMENSIONS

CAMPAIGN = Dimension.message_tag("campaign", default="none")


@pytest.fixture
def cs(stack):
    return SendingConfigurationSet(stack, "Set", configuration_set_name="marketing")


# --- configuration set --------------------------------------------------------------


def test_rejects_configuration_set_name_with_forbidden_characters(stack):
    with pytest.raises(ValidationError, match=r"configuration_set_name: configuration set name 'market ing' contains ' '"):
        SendingConfigurationSet(stack, "Set", configuration_set_name="market ing")


def test_rejects_configuration_set_name_over_64_characters(stack):
    with pytest.raises(ValidationError, match=r"configuration set name is 65 characters long; SES allows 1-64"):
        SendingConfigurationSet(stack, "Set", configuration_set_name="x" * 65)


def test_rejects_max_delivery_duration_out_of_range(stack):
    with pytest.raises(ValidationError, match=r"max_delivery_duration: maximum delivery duration 60 s is out of range"):
        SendingConfigurationSet(stack, "Set", max_delivery_duration=cdk.Duration.minutes(1))


def test_rejects_https_policy_without_custom_redirect_domain(stack):
    with pytest.raises(ValidationError, match=r"custom_tracking\.https_policy: an HTTPS policy applies only to a custom redirect domain"):
        SendingConfigurationSet(stack, "Set", custom_tracking_https_policy=ses.HttpsPolicy.REQUIRE)


def test_validation_runs_before_any_child_is_created(stack):
    with pytest.raises(ValidationError):
        SendingConfigurationSet(stack, "Set", configuration_set_name="bad name")
    assert stack.node.find_child("Set").node.children == []


def test_skips_unresolved_tokens(stack):
    name = cdk.CfnParameter(stack, "SetName").value_as_string
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name=name)
    tag = cdk.CfnParameter(stack, "Tag").value_as_string
    cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.message_tag(tag, default="none")])
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": {"Ref": "SetName"}})


# --- destinations -------------------------------------------------------------------


def test_rejects_event_destination_name_with_forbidden_characters(cs):
    with pytest.raises(ValidationError, match=r"event destination 'my metrics'.*\n  - name: event destination name 'my metrics' contains ' '"):
        cs.add_cloudwatch_destination("my metrics", dimensions=[CAMPAIGN])


def test_rejects_duplicate_event_destination_names(cs):
    cs.add_cloudwatch_destination("metrics", dimensions=[CAMPAIGN])
    with pytest.raises(ValidationError, match=r"name: event destination name 'metrics' is already used"):
        cs.add_eventbridge_destination("metrics")


def test_rejects_an_eleventh_event_destination(cs):
    for index in range(10):
        cs.add_cloudwatch_destination(f"d{index}", dimensions=[CAMPAIGN])
    with pytest.raises(ValidationError, match=r"11 event destinations; SES allows at most 10 per configuration set"):
        cs.add_cloudwatch_destination("d10", dimensions=[CAMPAIGN])


def test_rejects_unknown_event_type(cs):
    with pytest.raises(ValidationError, match=r"events\[1\]: unknown event type 'sent'; use one of send, reject"):
        cs.add_cloudwatch_destination("metrics", dimensions=[CAMPAIGN], events=["bounce", "sent"])


def test_rejects_empty_event_list(cs):
    with pytest.raises(ValidationError, match=r"events: events is empty: list at least one of"):
        cs.add_eventbridge_destination("bus", events=[])


def test_rejects_more_than_ten_dimensions(cs):
    dims = [Dimension.message_tag(f"t{i}", default="none") for i in range(11)]
    with pytest.raises(ValidationError, match=r"dimensions: 11 dimensions; SES allows at most 10 per CloudWatch destination"):
        cs.add_cloudwatch_destination("metrics", dimensions=dims)


def test_rejects_cloudwatch_destination_without_dimensions(cs):
    with pytest.raises(ValidationError, match=r"a CloudWatch destination needs at least one dimension"):
        cs.add_cloudwatch_destination("metrics", dimensions=[])


def test_rejects_dimension_name_with_forbidden_characters(cs):
    with pytest.raises(ValidationError, match=r"dimensions\[0\]\.name: dimension name 'camp aign' contains ' '"):
        cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.message_tag("camp aign", default="none")])


def test_rejects_default_value_with_characters_cloudformation_refuses(cs):
    with pytest.raises(ValidationError, match=r"dimensions\[0\]\.default: default value 'n/a' contains '/'"):
        cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.message_tag("campaign", default="n/a")])


def test_rejects_default_value_the_ses_guide_allows_but_cloudformation_does_not(cs):
    with pytest.raises(ValidationError, match=r"'ops@example\.com' contains '@' or '\.': the SES guide allows them, but CloudFormation"):
        cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.email_header("X-Team", default="ops@example.com")])


def test_rejects_empty_default_value(cs):
    with pytest.raises(ValidationError, match=r"dimensions\[0\]\.default: default value is empty"):
        cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.message_tag("campaign", default="")])


@pytest.mark.parametrize("header", FORBIDDEN_HEADER_DIMENSIONS)
def test_rejects_headers_ses_refuses_as_dimensions(cs, header):
    with pytest.raises(ValidationError, match=rf"dimensions\[0\]\.name: SES cannot use the '{re.escape(header)}' header"):
        cs.add_cloudwatch_destination("metrics", dimensions=[Dimension.email_header(header, default="none")])


def test_rejects_duplicate_dimension_names(cs):
    with pytest.raises(ValidationError, match=r"dimensions\[1\]\.name: dimension name 'campaign' is already used at \[0\]"):
        cs.add_cloudwatch_destination("metrics", dimensions=[CAMPAIGN, Dimension.email_header("campaign", default="none")])


def test_rejects_fifo_topic(stack, cs):
    topic = sns.Topic(stack, "Fifo", fifo=True, topic_name="alerts")
    with pytest.raises(ValidationError, match=r"topic: SNS topic .* is a FIFO topic; SES event destinations take standard topics only"):
        cs.add_sns_destination("alerts", topic=topic)


def test_rejects_imported_fifo_topic(stack, cs):
    topic = sns.Topic.from_topic_arn(stack, "Imported", "arn:aws:sns:eu-west-1:111122223333:alerts.fifo")
    with pytest.raises(ValidationError, match=r"SNS topic 'alerts\.fifo' is a FIFO topic"):
        cs.add_sns_destination("alerts", topic=topic)


def test_rejects_a_bus_other_than_the_default(stack, cs):
    bus = eventbridge.EventBus(stack, "Orders", event_bus_name="orders")
    with pytest.raises(ValidationError, match=r"event_bus: event bus 'Test/Orders' is not the default bus"):
        cs.add_eventbridge_destination("bus", event_bus=bus)


def account_stack(account="111122223333", region="eu-west-1"):
    return cdk.Stack(cdk.App(builtin_cloud_formation_validation=False), "Email", env=cdk.Environment(account=account, region=region))


def test_rejects_another_accounts_default_bus():
    stack = account_stack()
    bus = eventbridge.EventBus.from_event_bus_arn(stack, "Other", "arn:aws:events:eu-west-1:444455556666:event-bus/default")
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name="marketing")
    with pytest.raises(ValidationError, match=r"event_bus: .* is the default bus of account 444455556666, not of this account \(111122223333\)"):
        cs.add_eventbridge_destination("bus", event_bus=bus)


def test_rejects_a_default_bus_arn_when_the_stacks_account_is_not_known(stack, cs):
    bus = eventbridge.EventBus.from_event_bus_arn(stack, "Other", "arn:aws:events:eu-west-1:444455556666:event-bus/default")
    with pytest.raises(ValidationError, match=r"the sender's account is not known at synth"):
        cs.add_eventbridge_destination("bus", event_bus=bus)


def test_accepts_this_accounts_default_bus_by_arn_and_by_name():
    stack = account_stack()
    cs = SendingConfigurationSet(stack, "Set", configuration_set_name="marketing")
    cs.add_eventbridge_destination("by-arn", event_bus=eventbridge.EventBus.from_event_bus_arn(
        stack, "Mine", "arn:aws:events:eu-west-1:111122223333:event-bus/default"))
    cs.add_eventbridge_destination("by-name", event_bus=eventbridge.EventBus.from_event_bus_name(stack, "Named", "default"))
    assert set(cs.event_destinations) == {"by-arn", "by-name"}


def test_collects_every_problem_and_raises_once(cs):
    with pytest.raises(ValidationError) as raised:
        cs.add_cloudwatch_destination(
            "bad name",
            dimensions=[Dimension.message_tag("a b", default="x@y"), Dimension.email_header("From", default="none")],
            events=["nope"],
        )
    assert [p.location for p in raised.value.problems] == [
        "name",
        "events[0]",
        "dimensions[0].name",
        "dimensions[0].default",
        "dimensions[1].name",
    ]


# --- edges that must be accepted ----------------------------------------------------


def test_accepts_ten_destinations_and_ten_dimensions(stack, cs):
    dims = [Dimension.message_tag(f"t{i}", default="none") for i in range(10)]
    for index in range(10):
        cs.add_cloudwatch_destination(f"d{index}", dimensions=dims)
    template = Template.from_stack(stack)
    template.resource_count_is("AWS::SES::ConfigurationSetEventDestination", 10)


def test_accepts_auto_tag_dimension_names(stack, cs):
    cs.add_cloudwatch_destination(
        "metrics", dimensions=[Dimension.message_tag(AutoTag.CONFIGURATION_SET, default="none")], events="all"
    )
    Template.from_stack(stack).has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {"EventDestination": {"CloudWatchDestination": {"DimensionConfigurations": [{"DimensionName": "ses:configuration-set", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "none"}]}}},
    )
