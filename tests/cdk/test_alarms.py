"""ReputationAlarms and AlarmTopic: what they synthesize (one stack for the module) and a
pytest.raises per invalid input."""

import pytest
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Annotations, Match, Template
from conftest import marketing_set, new_stack

from ses_metrics import AlarmTopic, Dimension, ReputationAlarms, SendingConfigurationSet, ValidationError

ALARM = "AWS::CloudWatch::Alarm"
SPRING = {"campaign": "spring", "ses:from-domain": "example.com"}


@pytest.fixture(scope="module")
def built():
    stack = new_stack("Email")
    marketing = marketing_set(stack)
    per_set = ReputationAlarms(stack, "MarketingAlarms", configuration_set=marketing, dimension_alarms=[SPRING], minimum_sends=250)
    account = ReputationAlarms(stack, "AccountAlarms", bounce_rate_percent=2, complaint_rate_percent=0.08, topic=per_set.topic)
    key = kms.Key(stack, "OpsKey", enable_key_rotation=True)
    ops = sns.Topic(stack, "Ops", master_key=key)
    ReputationAlarms(stack, "Given", topic=ops, alarm_name_prefix="ops-")
    subscribed = AlarmTopic(stack, "Subscribed", emails=["ops@example.com"])
    return stack, Template.from_stack(stack), per_set, account, ops, subscribed


def test_configuration_set_reputation_alarms_read_the_reputation_metric_with_the_set_dimension(built):
    _, template, *_ = built
    template.has_resource_properties(
        ALARM,
        {
            "AlarmName": "Email-marketing-bounce-rate",
            "Namespace": "AWS/SES",
            "MetricName": "Reputation.BounceRate",
            "Dimensions": [{"Name": "ses:configuration-set", "Value": "marketing"}],
            "Statistic": "Average",
            "Period": 3600,
            "EvaluationPeriods": 1,
            "DatapointsToAlarm": 1,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "Threshold": 0.025,
            "TreatMissingData": "ignore",
        },
    )
    template.has_resource_properties(
        ALARM, {"AlarmName": "Email-marketing-complaint-rate", "MetricName": "Reputation.ComplaintRate", "Threshold": 0.0005}
    )


def test_account_alarms_have_no_dimensions_and_the_given_thresholds(built):
    _, template, *_ = built
    template.has_resource_properties(
        ALARM,
        {"AlarmName": "Email-account-bounce-rate", "MetricName": "Reputation.BounceRate", "Dimensions": Match.absent(), "Threshold": 0.02},
    )
    template.has_resource_properties(ALARM, {"AlarmName": "Email-account-complaint-rate", "Threshold": 0.0008})


def test_descriptions_give_the_threshold_rationale(built):
    _, template, *_ = built
    template.has_resource_properties(
        ALARM,
        {
            "AlarmName": "Email-marketing-bounce-rate",
            "AlarmDescription": Match.string_like_regexp(
                r"^SES Reputation\.BounceRate of configuration set marketing \(hourly average\) at or above 2\.5%\. "
                r"Threshold 2\.5% \(the ses-metrics default: half the 5% at which AWS places the account under review"
            ),
        },
    )
    template.has_resource_properties(
        ALARM,
        {"AlarmName": "Email-account-complaint-rate", "AlarmDescription": Match.string_like_regexp(r"ses-metrics' default is 0\.05%: half the 0\.1%")},
    )


def test_dimension_alarms_compute_the_rate_with_metric_math(built):
    _, template, *_ = built
    dimensions = [{"Name": "campaign", "Value": "spring"}, {"Name": "ses:from-domain", "Value": "example.com"}]
    template.has_resource_properties(
        ALARM,
        {
            "AlarmName": "Email-marketing-bounce-rate-spring-example.com",
            "Metrics": [
                {"Id": Match.any_value(), "Expression": "IF(sends >= 250, FILL(bounces, 0) / sends, 0)", "ReturnData": True, "Label": Match.any_value()},
                {
                    "Id": "bounces",
                    "MetricStat": {"Metric": {"Namespace": "AWS/SES", "MetricName": "Bounce", "Dimensions": dimensions}, "Period": 3600, "Stat": "Sum"},
                    "ReturnData": False,
                },
                {
                    "Id": "sends",
                    "MetricStat": {"Metric": {"Namespace": "AWS/SES", "MetricName": "Send", "Dimensions": dimensions}, "Period": 3600, "Stat": "Sum"},
                    "ReturnData": False,
                },
            ],
            "Threshold": 0.025,
            "TreatMissingData": "notBreaching",
        },
    )
    template.has_resource_properties(
        ALARM,
        {
            "AlarmName": "Email-marketing-complaint-rate-spring-example.com",
            "Metrics": Match.array_with([Match.object_like({"Expression": "IF(sends >= 250, FILL(complaints, 0) / sends, 0)"})]),
        },
    )


def test_alarms_notify_the_topic_on_alarm_and_on_recovery(built):
    stack, template, per_set, *_ = built
    topic = stack.resolve(per_set.topic.topic_arn)
    template.has_resource_properties(ALARM, {"AlarmName": "Email-account-bounce-rate", "AlarmActions": [topic], "OKActions": [topic]})


def test_created_topic_is_encrypted_with_a_rotated_key_and_requires_tls(built):
    stack, template, per_set, *_ = built
    template.has_resource_properties("AWS::SNS::Topic", {"KmsMasterKeyId": {"Fn::GetAtt": [Match.string_like_regexp("^MarketingAlarmsTopicKey"), "Arn"]}})
    template.has_resource_properties("AWS::KMS::Key", {"Description": Match.string_like_regexp("alarm topic"), "EnableKeyRotation": True})
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {
            "Topics": [stack.resolve(per_set.topic.topic_arn)],
            "PolicyDocument": {"Statement": Match.array_with([Match.object_like({"Effect": "Deny", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})])},
        },
    )


def cloudwatch_may(actions, resource, prefix):
    return Match.object_like(
        {
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": actions,
            "Resource": resource,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                "ArnLike": {"aws:SourceArn": {"Fn::Join": ["", Match.array_with([Match.string_like_regexp(f":alarm:{prefix}\\*$")])]}},
            },
        }
    )


def test_topic_policy_lets_only_these_alarms_publish(built):
    stack, template, per_set, *_ = built
    topic = stack.resolve(per_set.topic.topic_arn)
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [topic], "PolicyDocument": {"Statement": Match.array_with([cloudwatch_may("sns:Publish", topic, "Email-")])}},
    )


def test_key_policy_lets_only_these_alarms_use_the_topic_key(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::KMS::Key",
        {
            "Description": Match.string_like_regexp("alarm topic"),
            "KeyPolicy": {"Statement": Match.array_with([cloudwatch_may(["kms:Decrypt", "kms:GenerateDataKey*"], "*", "Email-")])},
        },
    )


def test_a_shared_topic_is_granted_once_per_alarm_name_prefix(built):
    stack, template, per_set, *_ = built
    policies = template.find_resources("AWS::SNS::TopicPolicy", {"Properties": {"Topics": [stack.resolve(per_set.topic.topic_arn)]}})
    [policy] = policies.values()
    granted = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}]
    assert len(granted) == 1


def test_a_given_topic_and_its_key_get_the_grant(built):
    stack, template, _, _, ops, _ = built
    template.has_resource_properties(
        "AWS::SNS::TopicPolicy",
        {"Topics": [stack.resolve(ops.topic_arn)], "PolicyDocument": {"Statement": [cloudwatch_may("sns:Publish", stack.resolve(ops.topic_arn), "ops-")]}},
    )
    template.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "ops-account-bounce-rate"})


def test_alarm_topic_subscribes_each_email_address(built):
    stack, template, *_, subscribed = built
    template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com", "TopicArn": stack.resolve(subscribed.topic_arn)}
    )


def test_alarm_count(built):
    _, template, per_set, account, *_ = built
    assert (len(per_set.alarms), len(account.alarms)) == (4, 2)
    template.resource_count_is(ALARM, 8)


def test_an_imported_topic_gets_a_warning_about_its_policy():
    stack = new_stack()
    ReputationAlarms(stack, "Alarms", topic=sns.Topic.from_topic_arn(stack, "Existing", "arn:aws:sns:eu-west-1:111122223333:ops"))
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("must let cloudwatch.amazonaws.com sns:Publish"))


def test_a_threshold_at_the_review_level_warns():
    stack = new_stack()
    ReputationAlarms(stack, "Alarms", bounce_rate_percent=5)
    Annotations.from_stack(stack).has_warning("*", Match.string_like_regexp("bounce_rate_percent: bounce rate alarm threshold 5% is at or above the 5% at which AWS places"))


# --- invalid input: one pytest.raises per rule ----------------------------------------


def test_rejects_a_threshold_at_the_pause_level(stack):
    with pytest.raises(ValidationError, match=r"bounce_rate_percent: bounce rate alarm threshold 10% is at or above the 10% at which AWS may pause"):
        ReputationAlarms(stack, "Alarms", bounce_rate_percent=10)


def test_rejects_a_threshold_of_zero(stack):
    with pytest.raises(ValidationError, match=r"complaint_rate_percent: complaint rate alarm threshold 0% must be above 0%"):
        ReputationAlarms(stack, "Alarms", complaint_rate_percent=0)


def test_rejects_reputation_alarms_for_a_set_without_reputation_metrics(stack):
    cs = marketing_set(stack, reputation_metrics=False)
    with pytest.raises(ValidationError, match=r"configuration_set: reputation metrics are off for Test/Marketing"):
        ReputationAlarms(stack, "Alarms", configuration_set=cs)


def test_rejects_dimension_alarms_without_a_configuration_set(stack):
    with pytest.raises(ValidationError, match=r"dimension_alarms: per-dimension alarms need the configuration_set"):
        ReputationAlarms(stack, "Alarms", dimension_alarms=[SPRING])


def test_rejects_dimension_alarms_missing_a_dimension(stack):
    cs = marketing_set(stack)
    with pytest.raises(ValidationError, match=r"dimension_alarms\[0\]: missing dimension\(s\) ses:from-domain"):
        ReputationAlarms(stack, "Alarms", configuration_set=cs, dimension_alarms=[{"campaign": "spring"}])


def test_rejects_dimension_alarms_on_a_destination_without_complaints(stack):
    cs = SendingConfigurationSet(stack, "Set")
    cs.add_cloudwatch_destination("m", dimensions=[Dimension.message_tag("campaign", default="none")], events=["send", "bounce"])
    with pytest.raises(ValidationError, match=r"dimension_alarms\[0\]: destination m does not match complaint events"):
        ReputationAlarms(stack, "Alarms", configuration_set=cs, dimension_alarms=[{"campaign": "spring"}])


def test_rejects_minimum_sends_below_one(stack):
    with pytest.raises(ValidationError, match=r"minimum_sends: minimum sends must be a whole number of at least 1; got 0"):
        ReputationAlarms(stack, "Alarms", minimum_sends=0)


def test_rejects_an_alarm_name_over_255_characters(stack):
    with pytest.raises(ValidationError, match=r"alarm_name_prefix: alarm name 'x+account-bounce-rate' is 276 characters long; CloudWatch allows 255"):
        ReputationAlarms(stack, "Alarms", alarm_name_prefix="x" * 257)
    assert stack.node.find_child("Alarms").node.children == []


def test_rejects_an_invalid_email_address(stack):
    with pytest.raises(ValidationError, match=r"emails\[1\]: 'ops' is not an email address"):
        AlarmTopic(stack, "Topic", emails=["ops@example.com", "ops"])


def test_validation_runs_before_any_alarm_is_created(stack):
    with pytest.raises(ValidationError):
        ReputationAlarms(stack, "Alarms", bounce_rate_percent=50)
    assert stack.node.find_child("Alarms").node.children == []
