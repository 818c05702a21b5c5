"""The IAM cases issue 14 found, as small templates, with what AWS does in each.

Each case is a template, a send, the event and destination to look at, and AWS's answer
(``delivered`` True or False), taken from AWS's documentation (named in ``source``), not
from any evaluator. ``tests/simulator/test_iam_routing.py`` runs them through the simulator and lint;
run this file to count false allows and false denies of whichever ses-metrics is importable:

    .venv/bin/python tests/_support/iam_differential/found_cases.py                     # this tree
    PYTHONPATH=/tmp/main/constructs .venv/bin/python tests/_support/iam_differential/found_cases.py   # another
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from simkit import ACCOUNT, base, simple, with_firehose

BOUNCE = "bounce@simulator.amazonses.com"
ROLE_ARN = {"Fn::GetAtt": ["StreamRole", "Arn"]}
OBJECTS = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}
PARTITIONED = {
    "DynamicPartitioningConfiguration": {"Enabled": True},
    "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
        {"ParameterName": "MetadataExtractionQuery", "ParameterValue": "{eventType: .eventType}"},
        {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
    ]}]},
}


@dataclass(frozen=True)
class Found:
    id: str
    family: str  # "false allow" (AWS denies, main delivered) or "false deny" (AWS allows, main refused)
    what: str
    build: Callable[[], dict[str, Any]]
    event: str  # the event type to look at (its record name)
    delivered: bool  # what AWS does
    source: str


def firehose(**kwargs: Any) -> dict[str, Any]:
    return with_firehose(base(), **kwargs)


def bucket_policy(t: dict[str, Any], *statements: dict[str, Any]) -> dict[str, Any]:
    t["Resources"]["BucketPolicy"] = {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": {"Ref": "Bucket"}, "PolicyDocument": {
        "Version": "2012-10-17", "Statement": list(statements)}}}
    return t


def stream_role_statement(t: dict[str, Any]) -> dict[str, Any]:
    return t["Resources"]["StreamRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]


def ses_role_statement(t: dict[str, Any]) -> dict[str, Any]:
    return t["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]


def kms_bucket(t: dict[str, Any], key_statements: list[dict[str, Any]], role_may_use_key: bool = True) -> dict[str, Any]:
    r = t["Resources"]
    r["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Version": "2012-10-17", "Statement": key_statements}}}
    r["Bucket"]["Properties"]["BucketEncryption"] = {"ServerSideEncryptionConfiguration": [
        {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Fn::GetAtt": ["Key", "Arn"]}}, "BucketKeyEnabled": True}]}
    if role_may_use_key:
        r["StreamRole"]["Properties"]["Policies"].append({"PolicyName": "kms", "PolicyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": ["kms:GenerateDataKey", "kms:Decrypt"], "Resource": {"Fn::GetAtt": ["Key", "Arn"]}}]}})
    return t


ROOT = {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:root"}}, "Action": "kms:*", "Resource": "*"}


# -- AWS denies ------------------------------------------------------------------------------------

def deny_after_date() -> dict[str, Any]:
    return bucket_policy(firehose(), {"Sid": "Closed", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
                                      "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2025-01-01T00:00:00Z"}}})


def boundary_in_template() -> dict[str, Any]:
    t = firehose()
    t["Resources"]["Boundary"] = {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "firehose:*", "Resource": "*"}]}}}
    t["Resources"]["StreamRole"]["Properties"]["PermissionsBoundary"] = {"Ref": "Boundary"}
    return t


def boundary_external() -> dict[str, Any]:
    t = firehose()
    t["Resources"]["SesRole"]["Properties"]["PermissionsBoundary"] = f"arn:aws:iam::{ACCOUNT}:policy/org-boundary"
    return t


def key_admits_nobody() -> dict[str, Any]:
    return kms_bucket(firehose(), [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/admin"}, "Action": "kms:*", "Resource": "*"}])


def key_denies_role() -> dict[str, Any]:
    return kms_bucket(firehose(), [ROOT, {"Sid": "NoStream", "Effect": "Deny", "Principal": {"AWS": ROLE_ARN}, "Action": "kms:GenerateDataKey*", "Resource": "*"}])


def for_all_values_absent_deny() -> dict[str, Any]:
    return bucket_policy(firehose(), {"Sid": "OnlyTagged", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
                                      "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["project"]}}})


def arn_like_crosses_segments() -> dict[str, Any]:
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole",
                            "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:ses:*"}}}]}
    return firehose(trust=trust)


def prefix_denied() -> dict[str, Any]:
    t = firehose(prefix="ses/eventType=!{partitionKeyFromQuery:eventType}/", extended=PARTITIONED, stream_put_resource=OBJECTS)
    return bucket_policy(t, {"Sid": "NoBounces", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
                             "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/ses/eventType=Bounce/*"]]}})


# -- AWS allows ------------------------------------------------------------------------------------

def arn_equals_wildcards() -> dict[str, Any]:
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT},
                                          "ArnEquals": {"aws:SourceArn": f"arn:aws:ses:*:{ACCOUNT}:configuration-set/*"}}}]}
    return firehose(trust=trust)


def principal_arn_pattern() -> dict[str, Any]:
    return bucket_policy(firehose(), {"Sid": "OnlyTheStream", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": OBJECTS,
                                      "Condition": {"ArnNotEquals": {"aws:PrincipalArn": ROLE_ARN}}})


def principal_account_condition() -> dict[str, Any]:
    t = firehose()
    stream_role_statement(t)["Condition"] = {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}
    return t


def for_all_values_absent_allow() -> dict[str, Any]:
    t = firehose()
    ses_role_statement(t)["Condition"] = {"ForAllValues:StringEquals": {"aws:TagKeys": ["project"]}}
    return t


def date_less_than() -> dict[str, Any]:
    t = firehose()
    ses_role_statement(t)["Condition"] = {"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}
    return t


def one_partition_prefix() -> dict[str, Any]:
    return firehose(prefix="ses/eventType=!{partitionKeyFromQuery:eventType}/", extended=PARTITIONED,
                    stream_put_resource={"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/ses/eventType=Send/*"]]})


def json_string_policies() -> dict[str, Any]:
    t = firehose()
    resources = t["Resources"]
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole",
                                                     "Condition": {"StringEquals": {"aws:SourceAccount": ACCOUNT}}}]}
    resources["SesRole"]["Properties"]["AssumeRolePolicyDocument"] = json.dumps(trust)
    put = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "firehose:PutRecordBatch",
                                                   "Resource": f"arn:aws:firehose:us-east-1:{ACCOUNT}:deliverystream/archive"}]}
    resources["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"] = json.dumps(put)
    return t


IAM_GUIDE = "AWS IAM User Guide"
FOUND: list[Found] = [
    Found("deny-date-operator", "false allow", "a bucket-policy Deny with DateGreaterThan aws:CurrentTime (an operator main did not know)",
          deny_after_date, "Send", False, f"{IAM_GUIDE}, Condition operators: Date condition operators; the Deny applies after 2025-01-01"),
    Found("boundary-in-template", "false allow", "the stream role's PermissionsBoundary (a managed policy in the template) allows only firehose:*",
          boundary_in_template, "Send", False, f"{IAM_GUIDE}, Permissions boundaries: only actions both the identity policy and the boundary allow"),
    Found("boundary-external", "false allow", "SES's role has a PermissionsBoundary outside the templates",
          boundary_external, "Send", False, "fail closed: what the boundary allows cannot be read, so delivery cannot be shown"),
    Found("kms-key-admits-nobody", "false allow", "an SSE-KMS bucket whose key policy admits neither the account nor the stream role",
          key_admits_nobody, "Send", False, "AWS KMS Developer Guide, Key policies: IAM policies work only if the key policy allows the account"),
    Found("kms-key-denies", "false allow", "an SSE-KMS bucket whose key policy denies the stream role kms:GenerateDataKey*",
          key_denies_role, "Send", False, f"{IAM_GUIDE}, Policy evaluation logic: an explicit deny in any policy wins"),
    Found("for-all-values-absent-deny", "false allow", "a bucket-policy Deny with ForAllValues:StringEquals on aws:TagKeys, absent from PutObject",
          for_all_values_absent_deny, "Send", False, f"{IAM_GUIDE}, Single-valued vs. multivalued context keys: ForAllValues returns true when the key is absent"),
    Found("arn-like-crosses-segments", "false allow", "SES's trust policy with ArnLike aws:SourceArn arn:aws:ses:* (three segments)",
          arn_like_crosses_segments, "Send", False, f"{IAM_GUIDE}, ARN condition operators: each of the six ARN segments is matched separately"),
    Found("prefix-denied", "false allow", "a bucket policy denying one dynamic-partition prefix (eventType=Bounce)",
          prefix_denied, "Bounce", False, f"{IAM_GUIDE}, Policy evaluation logic: the Deny matches the objects of that prefix"),
    Found("arn-equals-wildcards", "false deny", "SES's trust policy with ArnEquals aws:SourceArn arn:aws:ses:*:<account>:configuration-set/*",
          arn_equals_wildcards, "Send", True, f"{IAM_GUIDE}, ARN condition operators: ArnEquals and ArnLike both take wildcards"),
    Found("principal-arn-pattern", "false deny", "a bucket policy denying every principal but the stream role (ArnNotEquals aws:PrincipalArn)",
          principal_arn_pattern, "Send", True, f"{IAM_GUIDE}, Permissions boundaries (the pattern AWS recommends instead of NotPrincipal); aws:PrincipalArn is in every signed request"),
    Found("principal-account-condition", "false deny", "the stream role's s3:PutObject allowed on StringEquals aws:PrincipalAccount",
          principal_account_condition, "Send", True, f"{IAM_GUIDE}, Global condition keys: aws:PrincipalAccount is in every signed request"),
    Found("for-all-values-absent-allow", "false deny", "SES's role policy allowing with ForAllValues:StringEquals on aws:TagKeys (absent)",
          for_all_values_absent_allow, "Send", True, f"{IAM_GUIDE}, Single-valued vs. multivalued context keys: ForAllValues returns true when the key is absent"),
    Found("date-less-than", "false deny", "SES's role policy allowing while DateLessThan aws:CurrentTime 2030-01-01",
          date_less_than, "Send", True, f"{IAM_GUIDE}, Condition operators: Date condition operators"),
    Found("one-partition-prefix", "false deny", "the stream role allowed only the eventType=Send partition prefix",
          one_partition_prefix, "Send", True, f"{IAM_GUIDE}, Resource element: the object key is under the allowed prefix"),
    Found("json-string-policies", "false deny", "SES's trust policy and role policy given as JSON strings",
          json_string_policies, "Send", True, "AWS CloudFormation User Guide, AWS::IAM::Role: AssumeRolePolicyDocument and PolicyDocument are Json (an object or a string)"),
]


def observe(found: Found) -> tuple[bool, list[str]]:
    """(whether the event reached the destination, the lint finding IDs at it)."""
    try:
        from ses_metrics.ci.lint import lint
    except ImportError:  # a tree from before the layered package
        from ses_metrics.lint import lint  # type: ignore[no-redef]
    from ses_metrics.simulator import Simulator

    template = found.build()
    sim = Simulator(copy.deepcopy(template))
    result = sim.send_email(**simple(BOUNCE))
    outcome = next(o for o in result.events if o.event.record["eventType"] == found.event)
    delivered = any(d.destination == "archive" for d in outcome.deliveries)
    findings = [f.id for f in lint(copy.deepcopy(template)).findings if f.destination == "archive"]
    return delivered, findings


def main() -> int:
    counts = {"false allow": 0, "false deny": 0, "false lint error": 0}
    for found in FOUND:
        delivered, findings = observe(found)
        wrong = delivered != found.delivered
        false_error = found.delivered and any(f in ("SM204", "SM205") for f in findings)
        if wrong:
            counts["false allow" if delivered else "false deny"] += 1
        counts["false lint error"] += false_error
        verdict = "WRONG" if wrong or false_error else "ok"
        print(f"{verdict:5} {found.id:28} AWS {'delivers' if found.delivered else 'refuses':8} simulator {'delivered' if delivered else 'refused':9} lint {findings}")
    print(", ".join(f"{k}: {v}" for k, v in counts.items()), f"({len(FOUND)} cases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
