"""SM2xx: event destinations that can never receive an event (the router's verdicts)."""

import pytest
from lintkit import healthy, ids, only
from simkit import cloudwatch, destination, with_firehose, with_sns

from ses_metrics.rules import Severity

DEFAULT_BUS = "arn:aws:events:us-east-1:111122223333:event-bus/default"


def test_sm201_noncompliant_disabled_destination():
    t = healthy()
    t["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    finding = only(t, "SM201")
    assert (finding.destination, finding.logical_id) == ("off", "Off")
    assert finding.message == "event destination off never receives an event: the event destination is disabled (Enabled: false)"


def test_sm201_noncompliant_enabled_omitted_is_disabled():
    t = healthy()
    t["Resources"]["Omitted"] = destination("omitted", None, enabled=None, **cloudwatch(("campaign", "messageTag", "none")))
    assert only(t, "SM201").destination == "omitted"


def test_sm201_compliant_enabled_destination():
    t = healthy()
    t["Resources"]["On"] = destination("on", None, enabled=True, **cloudwatch(("campaign", "messageTag", "none")))
    assert ids(t) == []


def test_sm202_noncompliant_a_destination_ses_would_refuse():
    t = healthy()
    t["Resources"]["Bad"] = destination("bad name", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert "SES would refuse this event destination: event destination name 'bad name' contains ' '" in only(t, "SM202").message


def test_sm202_compliant_a_valid_name():
    t = healthy()
    t["Resources"]["Good"] = destination("good-name_1", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert ids(t) == []


@pytest.fixture
def parameterized_topic():
    t = with_sns(healthy())
    t["Parameters"] = {"TopicArn": {"Type": "String"}}
    t["Resources"]["ToSns"]["Properties"]["EventDestination"]["SnsDestination"]["TopicARN"] = {"Ref": "TopicArn"}
    return t


def test_sm203_noncompliant_a_target_that_does_not_resolve(parameterized_topic):
    message = only(parameterized_topic, "SM203").message
    assert message == "event destination alerts never receives an event: the SNS destination's topic ARN does not resolve"


def test_sm203_compliant_the_parameter_is_given(parameterized_topic):
    assert ids(parameterized_topic, parameters={"TopicArn": "arn:aws:sns:us-east-1:111122223333:alerts"}) == []


def test_sm204_noncompliant_a_role_ses_cannot_assume():
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": "444455556666"}}}]}
    assert "SES cannot assume role" in only(with_firehose(healthy(), trust=trust), "SM204").message


def test_sm204_compliant_the_role_trusts_ses_for_this_account_and_set():
    assert ids(with_firehose(healthy())) == []


def test_sm205_noncompliant_an_action_the_role_may_not_take():
    finding = only(with_firehose(healthy(), put=["firehose:PutRecord"]), "SM205")
    assert "may not firehose:PutRecordBatch" in finding.message and finding.is_error


def test_sm205_compliant_the_role_may_put_record_batches():
    assert ids(with_firehose(healthy(), put=["firehose:PutRecordBatch"])) == []


def test_sm206_noncompliant_a_topic_without_a_topic_policy():
    assert "has no topic policy" in only(with_sns(healthy(), policy=[]), "SM206").message


def test_sm206_compliant_the_topic_policy_lets_ses_publish():
    assert ids(with_sns(healthy())) == []


def test_sm207_noncompliant_a_fifo_topic():
    assert "is a FIFO topic" in only(with_sns(healthy(), fifo=True), "SM207").message


def test_sm207_compliant_a_standard_topic():
    assert "SM207" not in ids(with_sns(healthy(), fifo=False))


def bus(arn):
    t = healthy()
    t["Resources"]["ToBus"] = destination("bus", None, EventBridgeDestination={"EventBusArn": arn})
    return t


def test_sm208_noncompliant_a_bus_other_than_the_default():
    assert "SES publishes only to the default bus" in only(bus("arn:aws:events:us-east-1:111122223333:event-bus/orders"), "SM208").message


def test_sm208_noncompliant_another_accounts_default_bus():
    assert "is not this account's default bus" in only(bus("arn:aws:events:us-east-1:444455556666:event-bus/default"), "SM208").message


def test_sm208_compliant_this_accounts_default_bus():
    assert ids(bus(DEFAULT_BUS)) == []


def test_sm209_noncompliant_an_iam_decision_the_simulator_cannot_make():
    t = healthy()
    t["Resources"]["ToSns"] = destination("alerts", ["bounce"], SnsDestination={"TopicARN": "arn:aws:sns:us-east-1:111122223333:elsewhere"})
    finding = only(t, "SM209")
    assert finding.severity is Severity.WARNING and not finding.is_error
    assert finding.message == ("event destination alerts never receives an event: whether SES may publish to topic "
                               "arn:aws:sns:us-east-1:111122223333:elsewhere for configuration set marketing cannot be decided: "
                               "topic arn:aws:sns:us-east-1:111122223333:elsewhere (not in the templates) cannot be read")


def test_sm209_noncompliant_names_the_statement_it_cannot_decide():
    t = with_sns(healthy())
    t["Resources"]["TopicPolicy"]["Properties"]["PolicyDocument"]["Statement"].append(
        {"Sid": "Later", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": "*",
         "Condition": {"DateAfter": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}})
    assert "a Deny may apply: unknown condition operator DateAfter in DateAfter (Later of the policy of topic alerts)" in only(t, "SM209").message


def test_sm209_compliant_every_policy_is_in_the_templates_and_decidable():
    assert ids(with_sns(with_firehose(healthy()))) == []
