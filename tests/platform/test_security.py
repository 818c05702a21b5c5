"""Security defaults, proven over the synthesized templates of the example app
(ses-metrics.yaml through ``build_app``) and three generated configurations (one synthesis
for all, with cdk-nag and lint as validation plugins: see hardening_synth.py).

- no identity policy allows a ``*`` action; resource policies allow one only to the account;
- every role SES assumes (and every topic or key policy admitting SES) carries
  ``aws:SourceAccount`` and ``aws:SourceArn``;
- every bucket is encrypted, SSL-only (a policy denies ``aws:SecureTransport`` false) and
  blocks public access;
- no secret-looking value in any template;
- checkov (CloudFormation checks) passes, but for the failures justified in the README;
- the stateful resources of the example app keep their logical IDs and are retained.

cdk-nag acknowledgments are checked in test_platform_app.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hardening_synth import synthesized

ROOT = Path(__file__).resolve().parents[2]
STATEFUL = ("AWS::S3::Bucket", "AWS::KinesisFirehose::DeliveryStream", "AWS::OpenSearchService::Domain", "AWS::KMS::Key", "AWS::Logs::LogGroup")
RETAINED = ("AWS::S3::Bucket", "AWS::OpenSearchService::Domain", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::Logs::LogStream")


@pytest.fixture(scope="module")
def templates() -> dict[str, dict[str, Any]]:
    return synthesized().templates


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _statements(template: dict[str, Any], *, identity: bool) -> Iterator[tuple[str, dict[str, Any]]]:
    """(logical ID, statement) of identity policies (roles, policies) or resource policies."""
    for logical_id, resource in template["Resources"].items():
        kind, props = resource["Type"], resource.get("Properties", {})
        documents = []
        if identity and kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            documents.append(props["PolicyDocument"])
        elif identity and kind == "AWS::IAM::Role":
            documents += [p["PolicyDocument"] for p in props.get("Policies", [])]
        elif not identity and kind in ("AWS::S3::BucketPolicy", "AWS::SNS::TopicPolicy", "AWS::KMS::Key"):
            documents.append(props.get("PolicyDocument") or props.get("KeyPolicy"))
        for document in documents:
            for statement in document["Statement"]:
                yield logical_id, statement


def _wildcard(action: Any) -> bool:
    return isinstance(action, str) and (action == "*" or action.endswith(":*"))


def _account_root(principal: Any) -> bool:
    arn = json.dumps(principal)
    return ":iam::" in arn and ":root" in arn and "Service" not in arn


def test_no_identity_policy_allows_a_wildcard_action(templates):
    checked = 0
    for name, template in templates.items():
        for logical_id, statement in _statements(template, identity=True):
            checked += 1
            if statement["Effect"] == "Allow":
                assert "NotAction" not in statement, f"{name}/{logical_id}: {statement}"
                wild = [a for a in _list(statement["Action"]) if _wildcard(a)]
                assert not wild, f"{name}/{logical_id} allows {wild}"
    assert checked > 20


def test_resource_policies_allow_wildcard_actions_only_to_the_account_itself(templates):
    for name, template in templates.items():
        for logical_id, statement in _statements(template, identity=False):
            if statement["Effect"] == "Allow" and any(_wildcard(a) for a in _list(statement.get("Action", []))):
                # CDK's default key policy: the account administers its own key through IAM
                assert _account_root(statement["Principal"]), f"{name}/{logical_id}: {statement}"


def _condition_keys(statement: dict[str, Any]) -> set[str]:
    return {key.lower() for block in statement.get("Condition", {}).values() for key in block}


def _ses_allows(template: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for logical_id, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        documents = [props.get("AssumeRolePolicyDocument"), props.get("PolicyDocument"), props.get("KeyPolicy")]
        for document in filter(None, documents):
            for statement in document["Statement"]:
                if statement["Effect"] == "Allow" and "ses.amazonaws.com" in json.dumps(statement.get("Principal", {})):
                    yield logical_id, statement


def test_every_role_topic_and_key_ses_may_use_is_scoped_to_this_account_and_configuration_set(templates):
    roles = 0
    for name, template in templates.items():
        for logical_id, statement in _ses_allows(template):
            roles += template["Resources"][logical_id]["Type"] == "AWS::IAM::Role"
            assert {"aws:sourceaccount", "aws:sourcearn"} <= _condition_keys(statement), f"{name}/{logical_id}: {statement}"
            source_arns = [v for block in statement["Condition"].values() for k, v in block.items() if k.lower() == "aws:sourcearn"]
            assert all(":configuration-set/" in json.dumps(arn) for arn in source_arns), source_arns
    assert roles >= 3  # the example's three streams each have an SES role


def _references(value: Any, logical_id: str) -> bool:
    text = json.dumps(value)
    return f'"Ref": "{logical_id}"' in text or f'["{logical_id}", "Arn"]' in text


def test_every_bucket_is_encrypted_ssl_only_and_not_public(templates):
    buckets = 0
    for name, template in templates.items():
        resources = template["Resources"]
        policies = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::S3::BucketPolicy"]
        for logical_id, bucket in resources.items():
            if bucket["Type"] != "AWS::S3::Bucket":
                continue
            buckets += 1
            props = bucket["Properties"]
            where = f"{name}/{logical_id}"
            [rule] = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
            assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms"), where
            assert props["PublicAccessBlockConfiguration"] == {
                "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
            }, where
            [policy] = [p for p in policies if _references(p["Bucket"], logical_id)]
            assert any(
                s["Effect"] == "Deny" and s["Principal"] in ("*", {"AWS": "*"}) and "s3:*" in _list(s["Action"])
                and s.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
                for s in policy["PolicyDocument"]["Statement"]
            ), where
    assert buckets >= 4


_SECRET_PATTERNS = [
    re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),  # access key IDs
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bxox[abpr]-[0-9A-Za-z-]{10,}"),  # Slack tokens
    re.compile(r"\bgh[pousr]_[0-9A-Za-z]{36}\b"),  # GitHub tokens
]
_SECRET_KEYS = re.compile(r"password|secret(?!arn|sarn|_arn)|token|privatekey|apikey|credential", re.I)


def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _strings(child, f"{path}.{key}")
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _strings(child, f"{path}[{index}]")
    elif isinstance(value, str):
        yield path, value


def _secret_findings(template: dict[str, Any]) -> list[str]:
    findings = []
    for path, text in _strings(template):
        findings += [f"{path}: matches {p.pattern}" for p in _SECRET_PATTERNS if p.search(text)]
        leaf = path.rsplit(".", 1)[-1]
        literal = not text.startswith(("arn:", "{{resolve:")) and text.strip() != ""
        # a password-ish property holding a literal (not a reference, an ARN or a dynamic reference)
        if _SECRET_KEYS.search(leaf) and literal and not path.startswith(".Metadata") and ".Condition" not in path:
            findings.append(f"{path}: literal value for a secret-looking property")
    return findings


def test_no_secret_looking_value_in_any_template(templates):
    for name, template in templates.items():
        assert _secret_findings(template) == [], name


def test_the_secret_check_would_catch_a_password_and_a_key():
    leaky = {"Resources": {"Db": {"Type": "AWS::Redshift::Cluster", "Properties": {"MasterUserPassword": "hunter2hunter2", "Note": "AKIAABCDEFGHIJKLMNOP"}}}}
    assert len(_secret_findings(leaky)) == 2
    safe = {"Resources": {"Db": {"Type": "AWS::Redshift::Cluster", "Properties": {"MasterUserPassword": "{{resolve:secretsmanager:db:SecretString:password}}"}}}}
    assert _secret_findings(safe) == []


# -- stable logical IDs and retention ------------------------------------------------

# The example app's stateful resources. A refactor that changes one of these IDs makes
# CloudFormation create a new resource and delete (or, retained, orphan) the old one: a
# new, empty bucket and a stream writing elsewhere. Change this list only on purpose.
EXAMPLE_STATEFUL = {
    "AccessLogs8B620ECA": "AWS::S3::Bucket",
    "StreamseventsarchiveBucket433F264A": "AWS::S3::Bucket",
    "StreamseventsarchiveAthenaResults9166F6B9": "AWS::S3::Bucket",
    "StreamseventsarchiveLogs050EA853": "AWS::Logs::LogGroup",
    "Streamseventsarchive90C8C132": "AWS::KinesisFirehose::DeliveryStream",
    "StreamseventswarehouseBucket1D0AB56A": "AWS::S3::Bucket",
    "StreamseventswarehouseLogs70382075": "AWS::Logs::LogGroup",
    "Streamseventswarehouse4BCCAD92": "AWS::KinesisFirehose::DeliveryStream",
    "StreamseventssearchBucketF759CB97": "AWS::S3::Bucket",
    "StreamseventssearchLogs8EA610E7": "AWS::Logs::LogGroup",
    "Streamseventssearch542C19B2": "AWS::KinesisFirehose::DeliveryStream",
    "TopicKeyB2E0C9CB": "AWS::KMS::Key",
}


def test_the_example_apps_stateful_resources_keep_their_logical_ids():
    resources = synthesized().example["Resources"]
    found = {logical_id: r["Type"] for logical_id, r in resources.items() if r["Type"] in STATEFUL}
    assert found == EXAMPLE_STATEFUL


def test_stateful_resources_are_retained_when_the_stack_is_deleted_or_they_are_replaced(templates):
    retained = 0
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] in RETAINED:
                retained += 1
                assert (resource.get("DeletionPolicy"), resource.get("UpdateReplacePolicy")) == ("Retain", "Retain"), f"{name}/{logical_id}"
    assert retained >= len([t for t in EXAMPLE_STATEFUL.values() if t in RETAINED])


# -- checkov ---------------------------------------------------------------------------

# Failed checkov checks justified in the README ("checkov"): (check id, resource type or
# logical-ID prefix). Everything else must pass.
JUSTIFIED = {
    ("CKV_AWS_18", "AWS::S3::Bucket.AccessLogs"),  # the access-log bucket does not log itself
    ("CKV_AWS_158", "AWS::Logs::LogGroup."),  # Firehose error logs: CloudWatch Logs' own encryption
    ("CKV_AWS_115", "AWS::Lambda::Function.CustomCDKBucketDeployment"),
    ("CKV_AWS_116", "AWS::Lambda::Function.CustomCDKBucketDeployment"),
    ("CKV_AWS_117", "AWS::Lambda::Function.CustomCDKBucketDeployment"),
    ("CKV_AWS_173", "AWS::Lambda::Function.CustomCDKBucketDeployment"),
}


def _justified(check_id: str, resource: str) -> bool:
    return any(check_id == cid and resource.startswith(prefix) for cid, prefix in JUSTIFIED)


@pytest.fixture(scope="module")
def checkov_report():
    # a dev requirement: a missing install must fail here, not skip
    from checkov.cloudformation import runner
    from checkov.runner_filter import RunnerFilter

    # the example app's template only: the generated ones add seconds and no resource kind
    files = [str(synthesized().outdir / "SesMetrics.template.json")]
    return runner.Runner().run(root_folder=None, files=files, runner_filter=RunnerFilter(framework=["cloudformation"]))


def test_checkov_passes_but_for_the_justified_checks(checkov_report):
    failed = sorted({(c.check_id, c.resource) for c in checkov_report.failed_checks})
    unjustified = [f for f in failed if not _justified(*f)]
    assert unjustified == []
    assert len(checkov_report.passed_checks) > 100
    assert checkov_report.parsing_errors == []


def test_every_justification_is_used_and_in_the_security_docs(checkov_report):
    failed = {(c.check_id, c.resource) for c in checkov_report.failed_checks}
    readme = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    for check_id, prefix in JUSTIFIED:
        assert any(cid == check_id and resource.startswith(prefix) for cid, resource in failed), f"{check_id} {prefix} no longer fails: drop it"
        assert f"| {check_id} |" in readme
