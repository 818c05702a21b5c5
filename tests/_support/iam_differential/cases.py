"""IAM requests generated systematically for the differential test.

Each case is a request (principal, action, resource, its account, the whole request
context) and the policies that decide it (identity policies, a resource policy, a
permissions boundary). No case carries an expected answer: the test asks both evaluators,
ses-metrics' and @cloud-copilot/iam-simulate, and compares them.

Families: every condition operator and its negation (plain, IfExists; key matching, not
matching, absent; in an Allow and in a Deny), Null, ForAllValues/ForAnyValue on absent,
empty, single and multivalued keys, ARN wildcards per segment (condition and Resource),
Action/NotAction, Resource/NotResource, Principal/NotPrincipal (service principals, account
roots and IDs, roles and their sessions, "*"), identity + resource + boundary combinations
in one account and across accounts, KMS key policies, policy variables.
"""

from __future__ import annotations

import itertools
from typing import Any

ACCOUNT = "111122223333"
OTHER = "444455556666"
SET = f"arn:aws:ses:us-east-1:{ACCOUNT}:configuration-set/marketing"
TOPIC = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
STREAM = f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/archive"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/stream-role"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/stream-role/firehose"
OBJECT = "arn:aws:s3:::events-bucket/ses/eventType=Bounce/2026/01/01/00/archive-1-2026-01-01-00-00-00-0000.gz"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
SES = "ses.amazonaws.com"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **extra}


def deny(**extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", **extra}


def case(id_: str, *, principal: str = SESSION, action: str = "firehose:PutRecordBatch", resource: str = STREAM,
         account: str = ACCOUNT, context: dict[str, Any] | None = None, identity: list[dict[str, Any]] | None = None,
         resource_policy: dict[str, Any] | None = None, boundary: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "id": id_, "principal": principal, "action": action, "resource": resource, "accountId": account,
        "context": context or {}, "identity": identity or [], "resourcePolicy": resource_policy, "boundary": boundary,
    }


# -- condition operators -----------------------------------------------------------------------

# (operator, key, policy value, a request value that matches, one that does not)
OPERATORS: list[tuple[str, str, Any, str, str]] = [
    ("StringEquals", "aws:UserAgent", "ses-agent", "ses-agent", "SES-agent"),
    ("StringNotEquals", "aws:UserAgent", "ses-agent", "other", "ses-agent"),
    ("StringEqualsIgnoreCase", "aws:UserAgent", "Ses-Agent", "sES-aGENT", "ses-agent2"),
    ("StringNotEqualsIgnoreCase", "aws:UserAgent", "Ses-Agent", "other", "SES-AGENT"),
    ("StringLike", "aws:UserAgent", "ses-*-v?", "ses-x/y:z-v1", "ses-v1"),
    ("StringNotLike", "aws:UserAgent", "ses-*", "aws-cli", "ses-1"),
    ("NumericEquals", "aws:MultiFactorAuthAge", "300", "300", "301"),
    ("NumericNotEquals", "aws:MultiFactorAuthAge", "300", "299", "300"),
    ("NumericLessThan", "aws:MultiFactorAuthAge", "300", "299", "300"),
    ("NumericLessThanEquals", "aws:MultiFactorAuthAge", "300", "300", "301"),
    ("NumericGreaterThan", "aws:MultiFactorAuthAge", "300", "301", "300"),
    ("NumericGreaterThanEquals", "aws:MultiFactorAuthAge", "300", "300", "299"),
    ("DateEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"),
    ("DateNotEquals", "aws:CurrentTime", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"),
    ("DateLessThan", "aws:CurrentTime", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"),
    ("DateLessThanEquals", "aws:CurrentTime", "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-01T00:00:01Z"),
    ("DateGreaterThan", "aws:CurrentTime", "2025-06-01T00:00:00Z", "2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z"),
    ("DateGreaterThanEquals", "aws:CurrentTime", "2025-06-01T00:00:00Z", "2025-06-01T00:00:00Z", "2025-05-31T23:59:59Z"),
    ("DateLessThan", "aws:EpochTime", "1780000000", "1767225600", "1780000000"),
    ("DateGreaterThan", "aws:CurrentTime", "1767225599", "2026-01-01T00:00:00Z", "2025-12-31T00:00:00Z"),
    ("Bool", "aws:SecureTransport", "true", "true", "false"),
    ("Bool", "aws:SecureTransport", "false", "false", "true"),
    ("BinaryEquals", "aws:UserAgent", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", "T3RoZXI="),
    ("IpAddress", "aws:SourceIp", "203.0.113.0/24", "203.0.113.7", "203.0.114.7"),
    ("IpAddress", "aws:SourceIp", "2001:db8::/32", "2001:db8::1", "2001:db9::1"),
    ("NotIpAddress", "aws:SourceIp", "203.0.113.0/24", "198.51.100.1", "203.0.113.200"),
    ("ArnEquals", "aws:SourceArn", SET, SET, SET.replace("marketing", "other")),
    ("ArnLike", "aws:SourceArn", "arn:aws:ses:*:*:configuration-set/*", SET, f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/example.com"),
    ("ArnNotEquals", "aws:SourceArn", SET, SET.replace("marketing", "other"), SET),
    ("ArnNotLike", "aws:SourceArn", "arn:aws:ses:*:*:configuration-set/mark*", SET.replace("marketing", "other"), SET),
    ("StringEquals", "aws:SourceAccount", ACCOUNT, ACCOUNT, OTHER),
    ("StringEquals", "aws:PrincipalTag/team", "mail", "mail", "web"),
]


def condition_cases() -> list[dict[str, Any]]:
    """Every operator, plain and IfExists, key matching / not matching / absent, as the only
    condition of an Allow, and as a Deny next to an Allow of everything."""
    out = []
    for index, (operator, key, value, good, bad) in enumerate(OPERATORS):
        for suffix, (state, request_value) in itertools.product(("", "IfExists"), (("match", good), ("nomatch", bad), ("absent", None))):
            context = {} if request_value is None else {key: request_value}
            condition = {operator + suffix: {key: value}}
            out.append(case(f"op{index}-{operator}{suffix}-{state}-allow", context=context,
                            identity=[doc(allow(Action="firehose:PutRecordBatch", Resource=STREAM, Condition=condition))]))
            out.append(case(f"op{index}-{operator}{suffix}-{state}-deny", context=context,
                            identity=[doc(allow(Action="*", Resource="*"), deny(Action="firehose:*", Resource="*", Condition=condition))]))
    # several values of one key are ORed (NOR for a negated operator); keys are ANDed
    two = {"aws:UserAgent": ["a", "b"]}
    for operator in ("StringEquals", "StringNotEquals"):
        for agent in ("a", "b", "c"):
            out.append(case(f"values-{operator}-{agent}", context={"aws:UserAgent": agent},
                            identity=[doc(allow(Action="*", Resource="*", Condition={operator: two}))]))
    both = {"StringEquals": {"aws:UserAgent": "a", "aws:SourceAccount": ACCOUNT}}
    for agent, account in itertools.product(("a", "b"), (ACCOUNT, OTHER)):
        out.append(case(f"keys-and-{agent}-{account}", context={"aws:UserAgent": agent, "aws:SourceAccount": account},
                        identity=[doc(allow(Action="*", Resource="*", Condition=both))]))
    # Null
    for wanted, present in itertools.product(("true", "false"), (True, False)):
        context = {"aws:UserAgent": "x"} if present else {}
        out.append(case(f"null-{wanted}-{'present' if present else 'absent'}", context=context,
                        identity=[doc(allow(Action="*", Resource="*", Condition={"Null": {"aws:UserAgent": wanted}}))]))
    return out


def set_operator_cases() -> list[dict[str, Any]]:
    """ForAllValues / ForAnyValue on a multivalued key: absent, empty, one value, subset,
    overlap, disjoint; in an Allow and in a Deny."""
    key = "aws:PrincipalServiceNamesList"
    policy_values = ["ses.amazonaws.com", "sns.amazonaws.com"]
    requests = {
        "absent": None,
        "empty": [],
        "one": ["ses.amazonaws.com"],
        "subset": ["ses.amazonaws.com", "sns.amazonaws.com"],
        "overlap": ["ses.amazonaws.com", "s3.amazonaws.com"],
        "disjoint": ["s3.amazonaws.com", "kms.amazonaws.com"],
    }
    out = []
    for qualifier, operator, (name, values) in itertools.product(("ForAllValues", "ForAnyValue"), ("StringEquals", "StringNotEquals", "StringLike"),
                                                                  requests.items()):
        context = {} if values is None else {key: values}
        pattern = ["ses.*", "sns.*"] if operator == "StringLike" else policy_values
        condition = {f"{qualifier}:{operator}": {key: pattern}}
        out.append(case(f"set-{qualifier}-{operator}-{name}-allow", context=context,
                        identity=[doc(allow(Action="*", Resource="*", Condition=condition))]))
        if operator != "StringLike":
            out.append(case(f"set-{qualifier}-{operator}-{name}-deny", context=context,
                            identity=[doc(allow(Action="*", Resource="*"), deny(Action="*", Resource="*", Condition=condition))]))
    # a single-valued operator on a multivalued key
    for operator in ("StringEquals", "StringLike"):
        out.append(case(f"set-none-{operator}", context={key: ["ses.amazonaws.com"]},
                        identity=[doc(allow(Action="*", Resource="*", Condition={operator: {key: "ses.amazonaws.com"}}))]))
    return out


# -- ARNs: wildcards per segment ---------------------------------------------------------------

ARN_PATTERNS = [
    SET,
    "arn:aws:ses:*",
    "arn:aws:ses:*:*:*",
    "arn:aws:ses:*:*:configuration-set/*",
    "arn:*:ses:us-east-1:111122223333:configuration-set/marketing",
    "arn:aws:*:us-east-1:111122223333:configuration-set/marketing",
    "arn:aws:ses:us-*-1:111122223333:configuration-set/marketing",
    "arn:aws:ses:us-east-?:111122223333:configuration-set/marketing",
    "arn:aws:ses:us-east-1:1111*:configuration-set/marketing",
    "arn:aws:ses:us-east-1:*:configuration-set/m?rketing",
    "arn:aws:ses:us-east-1:111122223333:configuration-set/MARKETING",
    "arn:aws:ses:us-east-1:111122223333:*/marketing",
    "arn:aws:ses:us-east-1:111122223333:configuration-set/mark",
    "arn:aws:ses:us-east-1:111122223333:configuration-set/marketing*",
    "arn:aws:ses:eu-west-1:111122223333:configuration-set/marketing",
    "arn:aws:ses:*:444455556666:configuration-set/marketing",
    "arn:aws:ses:us-east-1:111122223333:configuration-set*",
    "arn:aws:s*:us-east-1:111122223333:configuration-set/marketing",
    "arn:aws:ses::111122223333:configuration-set/marketing",
    "*",
]


def arn_cases() -> list[dict[str, Any]]:
    out = []
    for index, pattern in enumerate(ARN_PATTERNS):
        for operator in ("ArnLike", "ArnEquals", "ArnNotLike"):
            out.append(case(f"arn{index}-{operator}", principal=SES, action="sns:Publish", resource=TOPIC, context={"aws:SourceArn": SET},
                            resource_policy=doc(allow(Principal={"Service": SES}, Action="sns:Publish", Resource=TOPIC,
                                                      Condition={operator: {"aws:SourceArn": pattern}}))))
    # Resource element wildcards, segment by segment
    resources = [
        "arn:aws:firehose:us-east-1:111122223333:deliverystream/archive",
        "arn:aws:firehose:*:*:deliverystream/*",
        "arn:aws:firehose:*",
        "arn:aws:firehose:us-east-1:111122223333:deliverystream/arch?ve",
        "arn:aws:firehose:us-east-1:111122223333:deliverystream/ARCHIVE",
        "arn:aws:firehose:us-east-1:111122223333:*",
        "arn:aws:firehose:us-*:111122223333:deliverystream/archive",
        "arn:aws:firehose:us-east-1:444455556666:deliverystream/archive",
        "arn:aws:firehose:us-east-1:111122223333:deliverystream/archive2",
        "arn:aws:*:*:*:*",
    ]
    for index, pattern in enumerate(resources):
        out.append(case(f"resource{index}", identity=[doc(allow(Action="firehose:PutRecordBatch", Resource=pattern))]))
        out.append(case(f"notresource{index}", identity=[doc(allow(Action="firehose:PutRecordBatch", NotResource=pattern))]))
    objects = ["arn:aws:s3:::events-bucket/ses/*", "arn:aws:s3:::events-bucket/ses/eventType=Bounce/*", "arn:aws:s3:::events-bucket/ses/eventType=Send/*",
               "arn:aws:s3:::events-bucket/*", "arn:aws:s3:::events-bucket/ses/*/2026/*", "arn:aws:s3:::events-bucket/SES/*", "arn:aws:s3:::*/ses/*"]
    for index, pattern in enumerate(objects):
        out.append(case(f"object{index}", action="s3:PutObject", resource=OBJECT, identity=[doc(allow(Action="s3:PutObject", Resource=pattern))]))
    return out


def action_cases() -> list[dict[str, Any]]:
    out = []
    actions = ["firehose:PutRecordBatch", "firehose:Put*", "firehose:*", "FIREHOSE:putrecordbatch", "firehose:PutRecord", "firehose:PutRecord?atch",
               "*", "s3:*", "firehose:Put*Batch", "firehose:?utRecordBatch"]
    for index, action in enumerate(actions):
        out.append(case(f"action{index}", identity=[doc(allow(Action=action, Resource="*"))]))
        out.append(case(f"notaction{index}", identity=[doc(allow(NotAction=action, Resource="*"))]))
        out.append(case(f"deny-action{index}", identity=[doc(allow(Action="*", Resource="*"), deny(Action=[action], Resource=STREAM))]))
        out.append(case(f"deny-notaction{index}", identity=[doc(allow(Action="*", Resource="*"), deny(NotAction=[action], Resource="*"))]))
    return out


# -- principals -----------------------------------------------------------------------------------

PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"Service": SES},
    {"Service": "sns.amazonaws.com"},
    {"Service": [SES, "firehose.amazonaws.com"]},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"AWS": ROLE},
    {"AWS": SESSION},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:role/other-role"},
    {"AWS": [ROLE, f"arn:aws:iam::{ACCOUNT}:root"]},
]


def principal_cases() -> list[dict[str, Any]]:
    """Resource policies naming (or not naming) the caller: SES's service principal on a topic,
    the stream role's session on a bucket (with and without an identity policy)."""
    out = []
    for index, principal in enumerate(PRINCIPALS):
        out.append(case(f"principal{index}-ses", principal=SES, action="sns:Publish", resource=TOPIC,
                        resource_policy=doc(allow(Principal=principal, Action="sns:Publish", Resource=TOPIC))))
        out.append(case(f"notprincipal{index}-ses-deny", principal=SES, action="sns:Publish", resource=TOPIC,
                        resource_policy=doc(allow(Principal="*", Action="sns:Publish", Resource=TOPIC),
                                            deny(NotPrincipal=principal, Action="sns:Publish", Resource=TOPIC))))
        for identity in (False, True):
            policies = [doc(allow(Action="s3:PutObject", Resource="*"))] if identity else []
            out.append(case(f"principal{index}-role-identity{identity}", action="s3:PutObject", resource=OBJECT, identity=policies,
                            resource_policy=doc(allow(Principal=principal, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*"))))
        out.append(case(f"principal{index}-role-deny", action="s3:PutObject", resource=OBJECT, identity=[doc(allow(Action="s3:*", Resource="*"))],
                        resource_policy=doc(deny(Principal=principal, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*"))))
    # the bucket-policy pattern AWS recommends instead of NotPrincipal: deny everyone but one role
    for arn in (ROLE, f"arn:aws:iam::{ACCOUNT}:role/other-role"):
        for operator in ("ArnNotEquals", "ArnNotLike", "StringNotEquals"):
            out.append(case(f"principalarn-{operator}-{arn.rsplit('/', 1)[1]}", action="s3:PutObject", resource=OBJECT,
                            context={"aws:PrincipalArn": ROLE, "aws:PrincipalAccount": ACCOUNT},
                            identity=[doc(allow(Action="s3:PutObject", Resource="*"))],
                            resource_policy=doc(deny(Principal="*", Action="s3:*", Resource="arn:aws:s3:::events-bucket/*",
                                                     Condition={operator: {"aws:PrincipalArn": arn}}))))
        for account in (ACCOUNT, OTHER):
            out.append(case(f"principalaccount-{account}-{arn.rsplit('/', 1)[1]}", action="s3:PutObject", resource=OBJECT,
                            context={"aws:PrincipalArn": ROLE, "aws:PrincipalAccount": ACCOUNT},
                            identity=[doc(allow(Action="s3:PutObject", Resource="*"))],
                            resource_policy=doc(deny(Principal="*", Action="s3:*", Resource="arn:aws:s3:::events-bucket/*",
                                                     Condition={"StringNotEquals": {"aws:PrincipalAccount": account}}))))
    # SES's trust policy on a Firehose destination role (sts:AssumeRole by ses.amazonaws.com)
    trust_conditions = [
        {"StringEquals": {"aws:SourceAccount": ACCOUNT, "aws:SourceArn": SET}},
        {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": "arn:aws:ses:*:111122223333:configuration-set/*"}},
        {"StringEquals": {"aws:SourceArn": SET.replace("marketing", "other")}},
        {"StringEquals": {"sts:ExternalId": ACCOUNT}},
        None,
    ]
    for index, condition in enumerate(trust_conditions):
        statement = allow(Principal={"Service": SES}, Action="sts:AssumeRole")
        if condition:
            statement["Condition"] = condition
        out.append(case(f"trust{index}", principal=SES, action="sts:AssumeRole", resource=f"arn:aws:iam::{ACCOUNT}:role/ses-role",
                        context={"aws:SourceAccount": ACCOUNT, "aws:SourceArn": SET}, resource_policy=doc(statement)))
    return out


# -- identity + resource + boundary -------------------------------------------------------------------


def combination_cases() -> list[dict[str, Any]]:
    identities = {
        "none": [],
        "allow": [doc(allow(Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*"))],
        "deny": [doc(allow(Action="s3:*", Resource="*"), deny(Action="s3:PutObject", Resource="*"))],
    }
    resources = {
        "nopolicy": None,
        "role": doc(allow(Principal={"AWS": ROLE}, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*")),
        "session": doc(allow(Principal={"AWS": SESSION}, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*")),
        "account": doc(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*")),
        "other": doc(allow(Principal={"AWS": f"arn:aws:iam::{OTHER}:root"}, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*")),
        "deny": doc(deny(Principal={"AWS": ROLE}, Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/*")),
    }
    boundaries = {
        "none": None,
        "allows": [doc(allow(Action="s3:*", Resource="*"))],
        "silent": [doc(allow(Action="firehose:*", Resource="*"))],
        "denies": [doc(allow(Action="*", Resource="*"), deny(Action="s3:PutObject", Resource="*"))],
        "prefix": [doc(allow(Action="s3:PutObject", Resource="arn:aws:s3:::events-bucket/ses/eventType=Send/*"))],
    }
    out = []
    for (i, identity), (r, resource), (b, boundary), account in itertools.product(identities.items(), resources.items(), boundaries.items(), (ACCOUNT, OTHER)):
        out.append(case(f"combo-identity_{i}-resource_{r}-boundary_{b}-bucket_{account}", action="s3:PutObject", resource=OBJECT, account=account,
                        identity=identity, resource_policy=resource, boundary=boundary))
    return out


def kms_cases() -> list[dict[str, Any]]:
    """Key policies: the account statement that enables IAM policies, the role, SES's service
    principal, conditions on kms:ViaService and the S3 encryption context, denies."""
    # (iam-simulate does not accept kms:EncryptionContext:<key> keys: the unit tests cover them)
    via = {"kms:ViaService": "s3.us-east-1.amazonaws.com", "kms:EncryptionContextKeys": ["aws:s3:arn"], "kms:CallerAccount": ACCOUNT}
    key_policies = {
        "root": doc(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="kms:*", Resource="*")),
        "role": doc(allow(Principal={"AWS": ROLE}, Action=["kms:GenerateDataKey*", "kms:Decrypt"], Resource="*")),
        "role-via-s3": doc(allow(Principal={"AWS": ROLE}, Action="kms:GenerateDataKey", Resource="*",
                                 Condition={"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}})),
        "role-via-sqs": doc(allow(Principal={"AWS": ROLE}, Action="kms:GenerateDataKey", Resource="*",
                                  Condition={"StringEquals": {"kms:ViaService": "sqs.us-east-1.amazonaws.com"}})),
        "role-context": doc(allow(Principal={"AWS": ROLE}, Action="kms:GenerateDataKey", Resource="*",
                                  Condition={"ForAllValues:StringEquals": {"kms:EncryptionContextKeys": ["aws:s3:arn"]},
                                             "StringEquals": {"kms:CallerAccount": ACCOUNT}})),
        "ses": doc(allow(Principal={"Service": SES}, Action="kms:GenerateDataKey*", Resource="*")),
        "root-and-deny": doc(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="kms:*", Resource="*"),
                             deny(Principal="*", Action="kms:GenerateDataKey", Resource="*",
                                  Condition={"StringNotEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}})),
        "empty": doc(allow(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, Action="kms:DescribeKey", Resource="*")),
    }
    identities = {"none": [], "allow": [doc(allow(Action="kms:GenerateDataKey", Resource=KEY))], "other-key": [doc(allow(Action="kms:GenerateDataKey", Resource=KEY[:-1] + "c"))]}
    out = []
    for k, policy in key_policies.items():
        for i, identity in identities.items():
            out.append(case(f"kms-{k}-identity_{i}", action="kms:GenerateDataKey", resource=KEY, context=via, identity=identity, resource_policy=policy))
        out.append(case(f"kms-{k}-ses", principal=SES, action="kms:GenerateDataKey", resource=KEY, context={"aws:SourceAccount": ACCOUNT}, resource_policy=policy))
    return out


def variable_cases() -> list[dict[str, Any]]:
    context = {"aws:PrincipalAccount": ACCOUNT, "aws:PrincipalTag/team": "mail"}
    resources = [
        "arn:aws:firehose:us-east-1:${aws:PrincipalAccount}:deliverystream/archive",
        "arn:aws:firehose:us-east-1:${aws:PrincipalAccount}:deliverystream/${aws:PrincipalTag/team}",
        "arn:aws:firehose:us-east-1:${aws:username}:deliverystream/archive",
        "arn:aws:firehose:us-east-1:${aws:username, '111122223333'}:deliverystream/archive",
    ]
    out = [case(f"variable-resource{i}", context=context, identity=[doc(allow(Action="*", Resource=r))]) for i, r in enumerate(resources)]
    conditions = [
        {"StringEquals": {"aws:UserAgent": "${aws:PrincipalTag/team}"}},
        {"StringLike": {"aws:UserAgent": "${aws:PrincipalTag/team}-*"}},
        {"StringEquals": {"aws:UserAgent": "${aws:PrincipalTag/missing, 'mail'}"}},
        {"StringLike": {"aws:UserAgent": "lit${*}eral"}},
    ]
    for index, condition in enumerate(conditions):
        for agent in ("mail", "mail-1", "lit*eral", "litXeral"):
            out.append(case(f"variable-condition{index}-{agent}", context=context | {"aws:UserAgent": agent},
                            identity=[doc(allow(Action="*", Resource="*", Condition=condition))]))
    return out


def all_cases() -> list[dict[str, Any]]:
    cases = (condition_cases() + set_operator_cases() + arn_cases() + action_cases() + principal_cases() + combination_cases()
             + kms_cases() + variable_cases())
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    return cases
