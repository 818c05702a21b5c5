"""A configuration set in one stack publishing to a stream and a topic of another: the
policies of the other stack name the set by its literal name (formatted there), so the
only cross-stack references go from the set's stack to the shared one (no cycle)."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template

from ses_metrics import S3DeliveryStream, SendingConfigurationSet

LITERAL_ARN = {
    "Fn::Join": [
        "",
        ["arn:", {"Ref": "AWS::Partition"}, ":ses:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":configuration-set/bulk"],
    ]
}
SES_CONDITION = {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}, "aws:SourceArn": LITERAL_ARN}}


@pytest.fixture(scope="module")
def templates():
    """Stack Shared: a stream and a KMS-encrypted topic; stack Sets (depending on it): set
    bulk with a Firehose and an SNS destination to them, published twice to the stream."""
    app = cdk.App(builtin_cloud_formation_validation=False)
    shared = cdk.Stack(app, "Shared")
    sets = cdk.Stack(app, "Sets")
    sets.add_stack_dependency(shared)
    stream = S3DeliveryStream(shared, "Archive", delivery_stream_name="archive")
    topic = sns.Topic(shared, "Alerts", master_key=kms.Key(shared, "Key", enable_key_rotation=True))
    bulk = SendingConfigurationSet(sets, "Bulk", configuration_set_name="bulk")
    bulk.add_firehose_destination("archive", delivery_stream=stream)
    bulk.add_firehose_destination("archive-again", delivery_stream=stream, events=["bounce"])
    bulk.add_sns_destination("alerts", topic=topic)
    assembly = app.synth()  # a reference cycle would raise here
    return {s.stack_name: s.template for s in assembly.stacks}


def test_the_shared_stack_imports_nothing_from_the_set_stack(templates):
    assert "Fn::ImportValue" not in json.dumps(templates["Shared"])


def test_the_stream_ses_role_trusts_the_set_by_its_literal_name_once(templates):
    Template.from_json(templates["Shared"]).has_resource_properties(
        "AWS::IAM::Role",
        {"AssumeRolePolicyDocument": {"Statement": [Match.object_like({"Principal": {"Service": "ses.amazonaws.com"}, "Condition": SES_CONDITION})]}},
    )


def test_the_topic_policy_admits_ses_for_the_set_by_its_literal_name(templates):
    Template.from_json(templates["Shared"]).has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Action": "sns:Publish", "Condition": SES_CONDITION})])}},
    )


def test_the_key_policy_admits_ses_for_the_set_by_its_literal_name(templates):
    Template.from_json(templates["Shared"]).has_resource_properties(
        "AWS::KMS::Key",
        {"KeyPolicy": {"Statement": Match.array_with([Match.object_like({"Principal": {"Service": "ses.amazonaws.com"}, "Condition": SES_CONDITION})])}},
    )


def test_the_set_stack_imports_the_stream_and_its_ses_role(templates):
    Template.from_json(templates["Sets"]).has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {
            "EventDestination": Match.object_like(
                {
                    "Name": "archive",
                    "KinesisFirehoseDestination": {
                        "DeliveryStreamARN": {"Fn::ImportValue": Match.string_like_regexp("^Shared:")},
                        "IAMRoleARN": {"Fn::ImportValue": Match.string_like_regexp("^Shared:")},
                    },
                }
            )
        },
    )


def test_in_its_own_stack_the_arn_is_the_one_built_on_the_set():
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "One")
    bulk = SendingConfigurationSet(stack, "Bulk", configuration_set_name="bulk")
    assert bulk.arn_for(stack) is bulk.configuration_set_arn
