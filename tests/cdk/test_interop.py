"""SendingConfigurationSet with aws-cdk-lib: an ``aws_ses.IConfigurationSet``, imports of
existing sets, aws-cdk-lib's event and dimension types, and wrong types as
``ValidationError``s naming the argument. One stack synthesized for the module."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template
from conftest import new_stack

from ses_metrics import DeliveryStreamArn, Dimension, SendingConfigurationSet, ValidationError

DESTINATION = "AWS::SES::ConfigurationSetEventDestination"
STREAM_ARN = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/existing"


@pytest.fixture(scope="module")
def built():
    stack = new_stack()
    marketing = SendingConfigurationSet(stack, "Marketing", configuration_set_name="marketing")
    ses.EmailIdentity(stack, "Domain", identity=ses.Identity.domain("example.com"), configuration_set=marketing)
    ses.ConfigurationSetEventDestination(
        stack,
        "L2Destination",
        configuration_set=marketing,
        destination=ses.EventDestination.sns_topic(sns.Topic(stack, "L2Topic")),
        events=[ses.EmailSendingEvent.BOUNCE],
    )
    marketing.add_cloudwatch_destination(
        "cdk-types",
        dimensions=[ses.CloudWatchDimension(name="campaign", source=ses.CloudWatchDimensionSource.LINK_TAG, default_value="none")],
        events=[ses.EmailSendingEvent.CLICK, ses.EmailSendingEvent.DELIVERY_DELAY, "send"],
    )
    marketing.apply_removal_policy(cdk.RemovalPolicy.RETAIN)
    legacy = SendingConfigurationSet.from_configuration_set_name(stack, "Legacy", "legacy")
    legacy.add_firehose_destination("archive", delivery_stream=DeliveryStreamArn(STREAM_ARN), events=["bounce"])
    legacy.add_sns_destination("alerts", topic=sns.Topic(stack, "Alerts"), events=["complaint"])
    return stack, Template.from_stack(stack), marketing, legacy


def test_it_is_an_aws_ses_configuration_set_for_jsii():
    assert ses.IConfigurationSet in type(SendingConfigurationSet(new_stack(), "Cs")).__jsii_ifaces__


def test_email_identity_takes_it_as_its_default_configuration_set(built):
    stack, template, marketing, _ = built
    template.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {"EmailIdentity": "example.com", "ConfigurationSetAttributes": {"ConfigurationSetName": stack.resolve(marketing.configuration_set_name)}},
    )


def test_aws_cdk_lib_event_destination_takes_it(built):
    stack, template, marketing, _ = built
    template.has_resource_properties(
        DESTINATION,
        {"ConfigurationSetName": stack.resolve(marketing.configuration_set_name), "EventDestination": Match.object_like({"MatchingEventTypes": ["bounce"]})},
    )


def test_name_is_a_reference_to_the_set_so_users_are_created_after_it(built):
    stack, _, marketing, _ = built
    assert "Ref" in stack.resolve(marketing.configuration_set_name)
    assert stack.resolve(marketing.configuration_set_ref.configuration_set_name) == stack.resolve(marketing.configuration_set_name)


def test_email_sending_events_and_cloudwatch_dimensions_of_aws_cdk_lib_are_accepted(built):
    _, template, *_ = built
    template.has_resource_properties(
        DESTINATION,
        {
            "EventDestination": Match.object_like(
                {
                    "Name": "cdk-types",
                    "MatchingEventTypes": ["click", "deliveryDelay", "send"],
                    "CloudWatchDestination": {
                        "DimensionConfigurations": [{"DimensionName": "campaign", "DimensionValueSource": "linkTag", "DefaultDimensionValue": "none"}]
                    },
                }
            )
        },
    )


def test_removal_policy_applies_to_the_configuration_set(built):
    _, template, *_ = built
    template.has_resource("AWS::SES::ConfigurationSet", {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"})


def test_an_imported_set_creates_no_configuration_set(built):
    _, template, *_ = built
    assert len(template.find_resources("AWS::SES::ConfigurationSet")) == 1


def test_destinations_of_an_imported_set_name_it_literally(built):
    _, template, *_ = built
    template.has_resource_properties(DESTINATION, {"ConfigurationSetName": "legacy", "EventDestination": Match.object_like({"Name": "archive"})})


def test_an_imported_sets_firehose_role_is_scoped_to_that_set(built):
    stack, template, _, legacy = built
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {"Condition": {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}, "aws:SourceArn": stack.resolve(legacy.configuration_set_arn)}}}
                    )
                ]
            }
        },
    )
    assert "legacy" in str(stack.resolve(legacy.configuration_set_arn))


def test_an_imported_sets_topic_policy_admits_ses_for_that_set(built):
    stack, template, _, legacy = built
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Principal": {"Service": "ses.amazonaws.com"}, "Condition": {"StringEquals": Match.object_like({"aws:SourceArn": stack.resolve(legacy.configuration_set_arn)})}})]
                )
            }
        },
    )


def test_imported_set_validates_destinations_as_a_new_one():
    legacy = SendingConfigurationSet.from_configuration_set_name(new_stack(), "Legacy", "legacy")
    with pytest.raises(ValidationError, match=r"events\[0\]: unknown event type 'bounced'"):
        legacy.add_eventbridge_destination("bus", events=["bounced"])


def test_imported_set_name_is_checked():
    with pytest.raises(ValidationError, match=r"configuration_set_name: configuration set name 'my set' contains ' '"):
        SendingConfigurationSet.from_configuration_set_name(new_stack(), "Legacy", "my set")


def test_imported_set_refuses_reputation_metrics_unless_told_it_publishes_them():
    stack = new_stack()
    unknown = SendingConfigurationSet.from_configuration_set_name(stack, "A", "a")
    with pytest.raises(ValidationError, match=r"from_configuration_set_name\(\.\.\., reputation_metrics=True\) when it publishes them"):
        unknown.metric_reputation_bounce_rate()
    told = SendingConfigurationSet.from_configuration_set_name(stack, "B", "b", reputation_metrics=True)
    assert told.metric_reputation_bounce_rate().dimensions == {"ses:configuration-set": "b"}


# --- wrong types ------------------------------------------------------------------------


@pytest.fixture
def cs():
    return SendingConfigurationSet(new_stack(), "Cs", configuration_set_name="cs")


def test_a_dimension_given_as_a_string_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"dimensions\[0\]: 'campaign' is not a dimension"):
        cs.add_cloudwatch_destination("metrics", dimensions=["campaign"])


def test_dimensions_not_a_list_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"dimensions: dimensions must be a list"):
        cs.add_cloudwatch_destination("metrics", dimensions=Dimension.message_tag("campaign", default="none"))


def test_a_single_email_sending_event_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"events: events must be a list .*got the single value"):
        cs.add_eventbridge_destination("bus", events=ses.EmailSendingEvent.BOUNCE)


def test_a_delivery_stream_of_the_wrong_type_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"delivery_stream: delivery_stream must be a delivery stream"):
        cs.add_firehose_destination("archive", delivery_stream="events-archive")


def test_a_role_of_the_wrong_type_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"role: role must be an aws_iam.IRole"):
        cs.add_firehose_destination("archive", delivery_stream=DeliveryStreamArn(STREAM_ARN), role="arn:aws:iam::111122223333:role/x")


def test_a_topic_of_the_wrong_type_is_a_validation_error(cs):
    with pytest.raises(ValidationError, match=r"topic: topic must be an aws_sns.ITopic"):
        cs.add_sns_destination("alerts", topic="arn:aws:sns:eu-west-1:111122223333:alerts")


def test_a_fifo_topic_created_here_is_named_by_its_path_not_a_placeholder():
    stack = new_stack()
    cs = SendingConfigurationSet(stack, "Cs", configuration_set_name="cs")
    topic = sns.Topic(stack, "Fifo", fifo=True)
    with pytest.raises(ValidationError, match=r"topic: .*Test/Fifo") as raised:
        cs.add_sns_destination("alerts", topic=topic)
    assert "UNRESOLVED" not in str(raised.value)


def test_a_given_role_is_used(cs):
    role = iam.Role.from_role_arn(cs, "Given", "arn:aws:iam::111122223333:role/ses-firehose")
    created = cs.add_firehose_destination("archive", delivery_stream=DeliveryStreamArn(STREAM_ARN), role=role)
    assert cs.stack.resolve(created.event_destination.kinesis_firehose_destination.iam_role_arn) == "arn:aws:iam::111122223333:role/ses-firehose"
