"""The IAM evaluator, rule by rule: each operator family, the evaluation logic, and the
examples of AWS's documentation with the answers the documentation gives."""

from __future__ import annotations

import json

import pytest

from ses_metrics.simulator.iam import Grants, Outcome, Request, Unreadable, authorize, evaluate, load
from ses_metrics.simulator.iam_conditions import Context, Undecidable, evaluate_block, evaluate_condition, parse_date

ACCOUNT = "111122223333"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/stream-role/s"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/stream-role"
OBJECT = "arn:aws:s3:::bucket/ses/x"


def holds(operator: str, key: str, expected, context: dict):
    return evaluate_condition(operator, key, expected, Context.of(context))[0]


# -- operator families ------------------------------------------------------------------------------


@pytest.mark.parametrize(("operator", "expected", "value", "result"), [
    ("StringEquals", "Mail", "Mail", True),
    ("StringEquals", "Mail", "mail", False),  # case-sensitive
    ("StringNotEquals", ["a", "b"], "c", True),  # none of the values
    ("StringNotEquals", ["a", "b"], "b", False),
    ("StringEqualsIgnoreCase", "Mail", "mAIL", True),
    ("StringNotEqualsIgnoreCase", "Mail", "MAIL", False),
    ("StringLike", "ses-*-v?", "ses-a:b/c-v1", True),  # * crosses anything in a string
    ("StringLike", "ses-*-v?", "ses--v10", False),
    ("StringNotLike", "ses-*", "aws", True),
])
def test_string_operators(operator, expected, value, result):
    assert holds(operator, "aws:UserAgent", expected, {"aws:UserAgent": value}) is result


@pytest.mark.parametrize(("operator", "value", "result"), [
    ("NumericEquals", "10", True), ("NumericEquals", "10.0", True), ("NumericNotEquals", "9", True),
    ("NumericLessThan", "9.5", True), ("NumericLessThanEquals", "10", True), ("NumericGreaterThan", "10", False),
    ("NumericGreaterThanEquals", "10", True), ("NumericLessThan", "abc", False),
])
def test_numeric_operators(operator, value, result):
    if value == "abc":
        assert holds(operator, "aws:MultiFactorAuthAge", "10", {"aws:MultiFactorAuthAge": value}) is None  # not a number: undecidable
        return
    assert holds(operator, "aws:MultiFactorAuthAge", "10", {"aws:MultiFactorAuthAge": value}) is result


@pytest.mark.parametrize(("operator", "expected", "value", "result"), [
    ("DateLessThan", "2030-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateGreaterThan", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z", True),
    ("DateEquals", "2026-01-01T01:00:00+01:00", "2026-01-01T00:00:00Z", True),  # time zones
    ("DateNotEquals", "2026-01-01", "2026-01-01T00:00:00Z", False),  # a date alone is its midnight UTC
    ("DateLessThanEquals", "1767225600", "2026-01-01T00:00:00Z", True),  # epoch seconds
    ("DateGreaterThanEquals", "2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00Z", False),
])
def test_date_operators(operator, expected, value, result):
    assert holds(operator, "aws:CurrentTime", expected, {"aws:CurrentTime": value}) is result


def test_invalid_dates_and_numbers_are_undecidable_not_false():
    with pytest.raises(Undecidable, match="'yesterday' is not an ISO 8601 date or epoch time"):
        parse_date("yesterday")
    with pytest.raises(Undecidable, match="has a time but no time zone"):
        parse_date("2026-01-01T00:00:00")
    result, why = evaluate_condition("DateLessThan", "aws:CurrentTime", "soon", Context.of({"aws:CurrentTime": "2026-01-01T00:00:00Z"}))
    assert (result, why) == (None, "'soon' is not an ISO 8601 date or epoch time")


def test_bool_binary_and_ip_operators():
    assert holds("Bool", "aws:SecureTransport", "TRUE", {"aws:SecureTransport": "true"}) is True
    assert holds("Bool", "aws:SecureTransport", "false", {"aws:SecureTransport": "true"}) is False
    assert holds("BinaryEquals", "aws:UserAgent", "QmluYXJ5", {"aws:UserAgent": "QmluYXJ5"}) is True
    assert holds("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "2001:db8::/32"], {"aws:SourceIp": "2001:db8::5"}) is True
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.5", {"aws:SourceIp": "203.0.113.5"}) is True  # a bare address is /32
    assert holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "10.1.2.3"}) is False


@pytest.mark.parametrize(("pattern", "result"), [
    ("arn:aws:ses:*:*:configuration-set/*", True),
    ("arn:aws:ses:us-*-1:1111*:configuration-set/m?rketing", True),
    ("arn:aws:ses:*:configuration-set/marketing:x", False),  # '*' stays in its segment
    ("arn:aws:ses:us-east-1:111122223333:configuration-set/MARKETING", False),
])
def test_arn_operators_match_segment_by_segment_and_arn_equals_takes_wildcards(pattern, result):
    arn = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/marketing"
    for operator in ("ArnLike", "ArnEquals"):
        assert holds(operator, "aws:SourceArn", pattern, {"aws:SourceArn": arn}) is result
    assert holds("ArnNotLike", "aws:SourceArn", pattern, {"aws:SourceArn": arn}) is (not result)


def test_an_arn_value_of_fewer_than_six_segments_is_undecidable():
    result, why = evaluate_condition("ArnLike", "aws:SourceArn", "arn:aws:ses:*", Context.of({"aws:SourceArn": "arn:aws:ses:us-east-1:1:configuration-set/x"}))
    assert result is None and why == "ARN condition value 'arn:aws:ses:*' is not an ARN of six segments"


# -- absent keys, IfExists, Null, set qualifiers ----------------------------------------------------


def test_absent_keys_follow_the_condition_operators_page():
    # "If the key ... is not present in the request context, the values do not match and the condition
    # is false. If the policy condition requires that the key is not matched, such as StringNotLike or
    # ArnNotLike, and the right key is not present, the condition is true." (Condition operators)
    assert holds("StringLike", "aws:UserAgent", "x*", {}) is False
    assert holds("StringNotLike", "aws:UserAgent", "x*", {}) is True
    assert holds("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::*", {}) is True
    # "...IfExists: if the key is not present, evaluate the condition element as true"
    assert holds("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*", "m3.*"], {}) is True
    assert holds("StringLikeIfExists", "ec2:InstanceType", ["t1.*", "t2.*", "m3.*"], {"ec2:InstanceType": "c5.large"}) is False
    # Null: "true" when the key is absent
    assert holds("Null", "aws:TokenIssueTime", "true", {}) is True
    assert holds("Null", "aws:TokenIssueTime", "false", {}) is False


@pytest.mark.parametrize(("tags", "denied"), [(["key1:legal"], False), (["key1:hr", "key1:personnel"], False), (["key2:audit"], True), (None, True)])
def test_for_all_values_deny_example_of_the_multivalued_keys_page(tags, denied):
    # "Example: Deny policy with condition set operator ForAllValues", its table of requests and results.
    policy = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"},
                            {"Sid": "DenyRestrictedTags", "Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
                             "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "key1*"}}}]}
    context = {} if tags is None else {"aws:TagKeys": tags}
    decision = evaluate([policy], Request("iam:TagRole", ROLE, context=context))
    assert decision.allowed is not denied
    if denied:
        assert decision.reason == "explicitly denied by DenyRestrictedTags"


def test_set_qualifiers_on_absent_empty_and_multivalued_keys():
    key = "aws:PrincipalServiceNamesList"
    assert holds("ForAllValues:StringEquals", key, ["a"], {}) is True
    assert holds("ForAnyValue:StringEquals", key, ["a"], {}) is False
    assert holds("ForAllValues:StringEquals", key, ["a"], {key: []}) is True
    assert holds("ForAnyValue:StringEquals", key, ["a"], {key: []}) is False
    assert holds("ForAllValues:StringEquals", key, ["a", "b"], {key: ["a", "c"]}) is False
    assert holds("ForAnyValue:StringEquals", key, ["a", "b"], {key: ["a", "c"]}) is True
    assert holds("StringEquals", key, "a", {key: ["a"]}) is False  # a multivalued key needs a set qualifier


def test_keys_and_operators_of_a_block_are_anded_and_false_beats_unknown():
    context = Context({"aws:useragent": "a"}, complete=False)
    assert evaluate_block({"StringEquals": {"aws:UserAgent": "b", "aws:SourceIp": "x"}}, context) == (False, "")
    result, why = evaluate_block({"StringEquals": {"aws:UserAgent": "a", "aws:SourceIp": "x"}}, context)
    assert result is None and why == "context key aws:SourceIp (the simulator does not know whether this request carries it) in StringEquals"


def test_unknown_operators_and_null_if_exists_are_undecidable():
    assert evaluate_condition("StringEqualsAnything", "aws:UserAgent", "a", Context.of({})) == (None, "unknown condition operator StringEqualsAnything")
    assert evaluate_condition("NullIfExists", "aws:UserAgent", "true", Context.of({}))[0] is None
    assert holds("stringequals", "aws:useragent", "a", {"AWS:UserAgent": "a"}) is True  # operator and key names ignore case


# -- policy variables ------------------------------------------------------------------------------


def test_policy_variables_in_conditions_and_resources():
    context = {"aws:PrincipalTag/team": "mail", "aws:UserAgent": "mail"}
    assert holds("StringEquals", "aws:UserAgent", "${aws:PrincipalTag/team}", context) is True
    assert holds("StringEquals", "aws:UserAgent", "${aws:username}", context) is False  # no value: never matches
    assert holds("StringEquals", "aws:UserAgent", "${aws:username, 'mail'}", context) is True  # its default
    assert holds("StringLike", "aws:UserAgent", "ma${*}l", {"aws:UserAgent": "ma*l"}) is True  # ${*} is a literal *
    assert holds("StringLike", "aws:UserAgent", "ma${*}l", {"aws:UserAgent": "mail"}) is False
    unknown = Context({"aws:useragent": "mail"}, complete=False)
    assert evaluate_condition("StringEquals", "aws:UserAgent", "${aws:PrincipalTag/team}", unknown)[0] is None
    # "You can use a policy variable ... only in the resource portion of the ARN" (Variables and tags)
    policy = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/${aws:PrincipalTag/team}/*"}]}
    assert evaluate([policy], Request("s3:PutObject", "arn:aws:s3:::bucket/mail/x", context=context)).allowed
    account = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:sns:us-east-1:${aws:PrincipalAccount}:t"}]}
    assert not evaluate([account], Request("sns:Publish", f"arn:aws:sns:us-east-1:{ACCOUNT}:t", context={"aws:PrincipalAccount": ACCOUNT})).allowed


# -- statements and documents -----------------------------------------------------------------------


def test_policy_documents_given_as_json_strings_are_parsed_and_malformed_ones_are_undecidable():
    text = json.dumps({"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "firehose:*", "Resource": "*"}})
    assert evaluate([text], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/a")).allowed
    assert load("{not json", "the policy of role r").problem.startswith("the policy of role r is not valid JSON")
    decision = evaluate(["{not json"], Request("firehose:PutRecordBatch", "x"), name="the policy of role r")
    assert decision.unknown and decision.reason.startswith("the policy of role r is not valid JSON")


def test_actions_ignore_case_resources_do_not_and_resource_wildcards_stay_in_their_segment():
    policy = {"Statement": [{"Effect": "Allow", "Action": "FIREHOSE:put*", "Resource": "arn:aws:firehose:*:*:deliverystream/a*"}]}
    assert evaluate([policy], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/archive")).allowed
    assert not evaluate([policy], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/Archive")).allowed
    region = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:firehose:eu-*:*:deliverystream/archive"}]}
    assert not evaluate([region], Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/archive")).allowed


def test_principal_elements_take_no_partial_wildcards():
    policy = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/*"}, "Action": "s3:*", "Resource": "*"}]}
    decision = evaluate([policy], Request("s3:PutObject", OBJECT, principal=SESSION), resource_policy=True)
    assert decision.unknown and "a Principal the simulator cannot read" in decision.reason


# -- evaluation logic ------------------------------------------------------------------------------

S3_ALL = {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "ec2:*", "iam:*"], "Resource": "*"}]}
BOUNDARY = {"Statement": [{"Effect": "Allow", "Action": ["s3:*", "cloudwatch:*", "ec2:*"], "Resource": "*"}]}


@pytest.mark.parametrize(("action", "allowed"), [("s3:PutObject", True), ("ec2:RunInstances", True), ("iam:CreateUser", False), ("cloudwatch:PutMetricData", False)])
def test_boundary_example_of_the_permissions_boundaries_page(action, allowed):
    # ShirleyRodriguez: identity s3, ec2, iam; boundary s3, cloudwatch, ec2 -> s3 and ec2 only.
    decision = authorize(Request(action, "*", principal=SESSION), Grants(identity=[S3_ALL], boundary=[BOUNDARY]))
    assert decision.allowed is allowed
    if action == "iam:CreateUser":
        assert decision.reason == "no statement allows iam:CreateUser on *: the permissions boundary does not allow it"


def test_same_account_resource_policy_grants_and_the_boundary():
    role_grant = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"}]}
    session_grant = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": SESSION}, "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"}]}
    anyone = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::bucket/*"}]}
    silent = [{"Statement": [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]}]
    request = Request("s3:PutObject", OBJECT, principal=SESSION, resource_account=ACCOUNT)
    # no identity policy: the bucket policy alone allows the role in its account
    assert authorize(request, Grants(resource=[role_grant])).allowed
    # a boundary limits a grant to the role's ARN, not one to the session's
    assert not authorize(request, Grants(resource=[role_grant], boundary=silent)).allowed
    assert authorize(request, Grants(resource=[session_grant], boundary=silent)).allowed
    # "*" to a bounded role: AWS documents no rule
    assert authorize(request, Grants(resource=[anyone], boundary=silent)).outcome is Outcome.UNKNOWN


def test_cross_account_needs_both_sides():
    identity = {"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}
    bucket = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:PutObject", "Resource": "*"}]}
    request = Request("s3:PutObject", OBJECT, principal=SESSION, resource_account="444455556666")
    assert authorize(request, Grants(identity=[identity], resource=[bucket])).allowed
    assert not authorize(request, Grants(identity=[identity], resource=None)).allowed
    assert not authorize(request, Grants(resource=[bucket])).allowed


def test_kms_key_policy_must_allow_the_principal_or_enable_iam_policies():
    identity = {"Statement": [{"Effect": "Allow", "Action": "kms:GenerateDataKey", "Resource": "*"}]}
    root = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}
    admin_only = {"Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"}, "Action": "kms:*", "Resource": "*"}]}
    request = Request("kms:GenerateDataKey", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k", principal=SESSION, resource_account=ACCOUNT)
    assert authorize(request, Grants(identity=[identity], resource=[root], resource_kind="kms")).allowed
    assert not authorize(request, Grants(identity=[identity], resource=[admin_only], resource_kind="kms")).allowed
    assert not authorize(request, Grants(resource=[root], resource_kind="kms")).allowed  # the account statement grants nothing itself


def test_an_explicit_deny_anywhere_wins():
    allow = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    deny = {"Statement": [{"Sid": "NoPuts", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"}]}
    decision = authorize(Request("s3:PutObject", OBJECT, principal=SESSION), Grants(identity=[allow], resource=[deny], resource_name="the policy of bucket b"))
    assert (decision.allowed, decision.explicit, decision.reason) == (False, True, "explicitly denied by NoPuts of the policy of bucket b")


def test_service_principals_need_the_resource_policy():
    topic = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sns:Publish", "Resource": "*"}]}
    request = Request("sns:Publish", f"arn:aws:sns:us-east-1:{ACCOUNT}:t", principal="ses.amazonaws.com")
    assert authorize(request, Grants(resource=[topic])).allowed
    assert not authorize(request, Grants(resource=None)).allowed
    assert not authorize(Request("sns:Publish", "t", principal="sns.amazonaws.com"), Grants(resource=[topic])).allowed


# -- failing closed --------------------------------------------------------------------------------


def test_what_cannot_be_read_or_decided_is_unknown_unless_the_decision_does_not_depend_on_it():
    allow = {"Statement": [{"Effect": "Allow", "Action": "firehose:*", "Resource": "*"}]}
    request = Request("firehose:PutRecordBatch", "arn:aws:firehose:us-east-1:1:deliverystream/a", principal=SESSION)
    external = authorize(request, Grants(identity=[allow], boundary=[Unreadable("permissions boundary arn:aws:iam::1:policy/b")]))
    assert external.unknown and external.reason == "permissions boundary arn:aws:iam::1:policy/b cannot be read"
    managed = authorize(request, Grants(identity=[allow, Unreadable("managed policy arn:aws:iam::aws:policy/X")]))
    assert managed.unknown  # it may hold a Deny
    maybe_deny = {"Statement": [{"Sid": "Later", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"DateAfter": {"aws:CurrentTime": "2026"}}}]}
    decision = authorize(request, Grants(identity=[allow, maybe_deny]))
    assert decision.unknown and decision.reason == "a Deny may apply: unknown condition operator DateAfter in DateAfter (Later of the identity policies)"
    maybe_allow = {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateAfter": {"aws:CurrentTime": "2026"}}}]}
    assert authorize(request, Grants(identity=[allow, maybe_allow])).allowed  # decided without it
    assert not authorize(Request("sns:Publish", "t", principal=SESSION), Grants(identity=[allow, maybe_deny])).allowed  # no allow either way
