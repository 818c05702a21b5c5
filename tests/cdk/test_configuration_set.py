"""SendingConfigurationSet: what it synthesizes. One stack synthesized for the module."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from conftest import new_stack

from ses_metrics import AutoTag, DeliveryStreamArn, Dimension, EventType, S3DeliveryStream, SendingConfigurationSet

DESTINATION = "AWS::SES::ConfigurationSetEventDestination"
STREAM_ARN = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/existing"


@pytest.fixture(scope="module")
def built():
    stack = new_stack()
    archive = S3DeliveryStream(stack, "Archive", delivery_stream_name="events-archive")
    topic = sns.Topic(stack, "Alerts", master_key=kms.Key(stack, "Key", enable_key_rotation=True))
    marketing = SendingConfigurationSet(stack, "Marketing", configuration_set_name="marketing")
    marketing.add_cloudwatch_destination(
        "metrics",
        dimensions=[Dimension.message_tag("campaign", default="none"), Dimension.message_tag(AutoTag.FROM_DOMAIN, default="unknown")],
        events=["send", "DELIVERY", EventType.CLICK],
    )
    marketing.add_firehose_destination("archive", delivery_stream=archive)
    marketing.add_sns_destination("alerts", topic=topic, events=["bounce", "complaint"])
    marketing.add_eventbridge_destination("bus", enabled=False)
    transactional = SendingConfigurationSet(
        stack,
        "Transactional",
        sending_enabled=False,
        reputation_metrics=False,
        tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        suppression_reasons=ses.SuppressionReasons.BOUNCES_ONLY,
        max_delivery_duration=cdk.Duration.hours(2),
        custom_tracking_redirect_domain="click.example.com",
        custom_tracking_https_policy=ses.HttpsPolicy.REQUIRE,
    )
    transactional.add_cloudwatch_destination(
        "links", dimensions=[Dimension.link_tag("cta", default="none")], events=["send", "delivery"]
    )
    transactional.add_firehose_destination("existing", delivery_stream=DeliveryStreamArn(STREAM_ARN))
    return stack, Template.from_stack(stack), marketing, archive, topic


def test_configuration_set_has_its_name_reputation_metrics_and_sending_on_by_default(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::SES::ConfigurationSet",
        {"Name": "marketing", "ReputationOptions": {"ReputationMetricsEnabled": True}, "SendingOptions": {"SendingEnabled": True}},
    )


def test_configuration_set_without_a_name_gets_a_stable_derived_one(built):
    stack, template, *_ = built
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": Match.string_like_regexp(r"^Test-Transactional-[0-9A-F]{8}$")})


def test_configuration_set_options_are_passed_through(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::SES::ConfigurationSet",
        {
            "SendingOptions": {"SendingEnabled": False},
            "ReputationOptions": {"ReputationMetricsEnabled": False},
            "DeliveryOptions": {"TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 7200},
            "SuppressionOptions": {"SuppressedReasons": ["BOUNCE"]},
            "TrackingOptions": {"CustomRedirectDomain": "click.example.com", "HttpsPolicy": "REQUIRE"},
        },
    )


def test_two_instances_in_one_stack(built):
    _, template, *_ = built
    template.resource_count_is("AWS::SES::ConfigurationSet", 2)


def test_cloudwatch_destination_dimensions_and_cloudformation_event_names(built):
    stack, template, marketing, *_ = built
    template.has_resource_properties(
        DESTINATION,
        {
            "ConfigurationSetName": stack.resolve(marketing.configuration_set_name),
            "EventDestination": {
                "Name": "metrics",
                "Enabled": True,
                "MatchingEventTypes": ["send", "delivery", "click"],
                "CloudWatchDestination": {
                    "DimensionConfigurations": [
                        {"DimensionName": "campaign", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "none"},
                        {"DimensionName": "ses:from-domain", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "unknown"},
                    ]
                },
            },
        },
    )


def test_destinations_match_all_ten_event_types_by_default(built):
    _, template, *_ = built
    template.has_resource_properties(
        DESTINATION, {"EventDestination": {"Name": "archive", "MatchingEventTypes": [e.cfn for e in EventType]}}
    )


def test_disabled_destination_is_written_with_enabled_false(built):
    _, template, *_ = built
    template.has_resource_properties(DESTINATION, {"EventDestination": {"Name": "bus", "Enabled": False}})


def test_firehose_destination_points_at_the_stream_with_its_own_role(built):
    stack, template, _, archive, _ = built
    template.has_resource_properties(
        DESTINATION,
        {
            "EventDestination": {
                "Name": "archive",
                "KinesisFirehoseDestination": {
                    "DeliveryStreamARN": stack.resolve(archive.delivery_stream_arn),
                    "IAMRoleARN": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                },
            }
        },
    )


def test_ses_role_is_trusted_only_for_this_account_and_configuration_set(built):
    stack, template, marketing, *_ = built
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "ses.amazonaws.com"},
                        "Condition": {
                            "StringEquals": {
                                "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                                "aws:SourceArn": stack.resolve(marketing.configuration_set_arn),
                            }
                        },
                    }
                ]
            }
        },
    )


def test_ses_role_may_only_put_record_batch_on_that_stream(built):
    stack, template, _, archive, _ = built
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "Policies": [
                {
                    "PolicyDocument": {
                        "Statement": [
                            {"Action": "firehose:PutRecordBatch", "Effect": "Allow", "Resource": stack.resolve(archive.delivery_stream_arn)}
                        ]
                    }
                }
            ]
        },
    )


def test_firehose_destination_accepts_a_stream_by_arn(built):
    _, template, *_ = built
    template.has_resource_properties(
        DESTINATION, {"EventDestination": {"Name": "existing", "KinesisFirehoseDestination": {"DeliveryStreamARN": STREAM_ARN}}}
    )


def test_sns_destination_topic_policy_lets_ses_publish_for_this_set_only(built):
    stack, template, marketing, _, topic = built
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": "sns:Publish",
                                "Principal": {"Service": "ses.amazonaws.com"},
                                "Resource": stack.resolve(topic.topic_arn),
                                "Condition": {
                                    "StringEquals": {
                                        "aws:SourceAccount": {"Ref": "AWS::AccountId"},
                                        "aws:SourceArn": stack.resolve(marketing.configuration_set_arn),
                                    }
                                },
                            }
                        )
                    ]
                )
            }
        },
    )


def test_sns_destination_lets_ses_use_the_topic_key(built):
    stack, template, marketing, *_ = built
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "KeyPolicy": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                                "Principal": {"Service": "ses.amazonaws.com"},
                                "Condition": {"StringEquals": {"aws:SourceArn": stack.resolve(marketing.configuration_set_arn), "aws:SourceAccount": {"Ref": "AWS::AccountId"}}},
                            }
                        )
                    ]
                )
            }
        },
    )


def test_eventbridge_destination_uses_the_default_bus(built):
    _, template, *_ = built
    template.has_resource_properties(
        DESTINATION,
        {
            "EventDestination": {
                "Name": "bus",
                "EventBridgeDestination": {
                    "EventBusArn": {"Fn::Join": ["", Match.array_with([Match.string_like_regexp(":event-bus/default$")])]}
                },
            }
        },
    )


def test_link_tag_dimension_without_click_warns(built):
    stack, *_ = built
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("only Click events carry link tags"))


def test_eventbridge_destination_accepts_the_default_bus_given_explicitly():
    stack = new_stack()
    cs = SendingConfigurationSet(stack, "Set")
    bus = eventbridge.EventBus.from_event_bus_name(stack, "Default", "default")
    cs.add_eventbridge_destination("bus", event_bus=bus)
    assert "bus" in cs.event_destinations
