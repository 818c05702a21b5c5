"""The IAM evaluator: the semantics event publishing depends on."""

import pytest

from ses_metrics.simulator.iam import Request, evaluate, unsupported_operators

SET = "arn:aws:ses:us-east-1:111122223333:configuration-set/marketing"
TRUST = {
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ses.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"AWS:SourceAccount": "111122223333", "AWS:SourceArn": SET}},
        }
    ]
}


def assume(source_arn=SET, account="111122223333", service="ses.amazonaws.com"):
    return Request("sts:AssumeRole", "arn:aws:iam::111122223333:role/r", principal_service=service, context={"aws:SourceAccount": account, "aws:SourceArn": source_arn})


def test_trust_policy_admits_ses_for_its_configuration_set_with_case_insensitive_keys():
    assert evaluate([TRUST], assume(), resource_policy=True).allowed


@pytest.mark.parametrize(
    "request_",
    [assume(source_arn=SET.replace("marketing", "other")), assume(account="999999999999"), assume(service="firehose.amazonaws.com")],
)
def test_trust_policy_refuses_another_set_account_or_service(request_):
    decision = evaluate([TRUST], request_, resource_policy=True)
    assert not decision.allowed
    assert decision.reason == "no statement allows sts:AssumeRole on arn:aws:iam::111122223333:role/r"


def test_explicit_deny_wins_over_allow():
    policy = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoS3", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    decision = evaluate([policy], Request("s3:PutObject", "arn:aws:s3:::b/k"))
    assert (decision.allowed, decision.reason) == (False, "explicitly denied by NoS3")


def test_action_and_resource_wildcards():
    policy = {"Statement": [{"Effect": "Allow", "Action": "Firehose:Put*", "Resource": "arn:aws:firehose:*:*:deliverystream/arch?ve"}]}
    assert evaluate([policy], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/archive")).allowed
    assert not evaluate([policy], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/other")).allowed


def test_resource_is_case_sensitive_and_prefix_bounded():
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/ses/*"}]}
    assert evaluate([policy], Request("s3:PutObject", "arn:aws:s3:::bucket/ses/2026/x")).allowed
    assert not evaluate([policy], Request("s3:PutObject", "arn:aws:s3:::bucket/SES/2026/x")).allowed
    assert not evaluate([policy], Request("s3:PutObject", "arn:aws:s3:::bucket/other/x")).allowed


def test_not_action_and_not_resource():
    policy = {"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": "arn:aws:s3:::secret/*"}]}
    assert evaluate([policy], Request("s3:GetObject", "arn:aws:s3:::public/x")).allowed
    assert not evaluate([policy], Request("iam:PassRole", "arn:aws:iam::1:role/x")).allowed
    assert not evaluate([policy], Request("s3:GetObject", "arn:aws:s3:::secret/x")).allowed


def test_if_exists_and_negated_operators_with_missing_keys():
    policy = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualsIfExists": {"aws:SourceArn": SET}, "StringNotEquals": {"aws:PrincipalTag/team": "x"}}}]}
    assert evaluate([policy], Request("sns:Publish", "t")).allowed  # both keys absent
    assert not evaluate([policy], Request("sns:Publish", "t", context={"aws:SourceArn": "other"})).allowed


def test_like_arn_bool_null_numeric_and_set_operators():
    def allowed(condition, context):
        return evaluate([{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition}]}], Request("a:b", "r", context=context)).allowed

    assert allowed({"ArnLike": {"aws:SourceArn": "arn:aws:ses:*:*:configuration-set/*"}}, {"aws:SourceArn": SET})
    assert not allowed({"ArnLike": {"aws:SourceArn": "arn:aws:ses:*:*:identity/*"}}, {"aws:SourceArn": SET})
    assert allowed({"Bool": {"aws:SecureTransport": "true"}}, {"aws:SecureTransport": "true"})
    assert allowed({"Null": {"aws:SourceArn": "true"}}, {})
    assert not allowed({"Null": {"aws:SourceArn": "true"}}, {"aws:SourceArn": SET})
    assert allowed({"NumericLessThan": {"n": "5"}}, {"n": 3})
    assert allowed({"ForAnyValue:StringEquals": {"tags": ["a", "b"]}}, {"tags": ["b", "c"]})
    assert not allowed({"ForAllValues:StringEquals": {"tags": ["a", "b"]}}, {"tags": ["b", "c"]})


def test_unknown_operators_never_allow_and_are_reported():
    policy = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"IpAddressInRange": {"aws:SourceIp": "10.0.0.0/8"}}}]}
    decision = evaluate([policy], Request("a:b", "r", context={"aws:SourceIp": "10.1.1.1"}))
    assert not decision.allowed and decision.unknown
    assert decision.reason == "an Allow may apply: unknown condition operator IpAddressInRange in IpAddressInRange (statement 1)"
    assert unsupported_operators([policy]) == {"IpAddressInRange"}


def test_resource_policy_principals():
    # An account in Principal trusts the account's IAM policies: it grants nothing by itself
    # (authorize() combines it with the caller's identity policies).
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}
    assert not evaluate([policy], Request("kms:Decrypt", "*", principal_account="111122223333"), resource_policy=True).allowed
    assert not evaluate([policy], Request("kms:Decrypt", "*", principal_service="ses.amazonaws.com"), resource_policy=True).allowed
    role = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/r"}, "Action": "kms:*", "Resource": "*"}]}
    assert evaluate([role], Request("kms:Decrypt", "*", principal="arn:aws:sts::111122223333:assumed-role/r/s"), resource_policy=True).allowed
