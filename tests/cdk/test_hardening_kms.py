"""A stream writing to a KMS-encrypted EventBucket: EventBucket turns on an S3 Bucket Key,
and then S3 asks KMS with the *bucket's* ARN as encryption context, not the object's (S3
guide, "Using Amazon S3 Bucket Keys"). The stream role's key statement must admit it, and
the simulator must judge the key with the context S3 really sends. Found by the generated
configurations of test_hardening_config (a KMS bucket failed ses-metrics lint SM205)."""

from __future__ import annotations

import pytest

from ses_metrics.simulator import Simulator


@pytest.fixture(scope="module")
def template() -> dict:
    from hardening_synth import synthesized

    return synthesized().kms


def test_the_key_statement_admits_the_bucket_arn_s3_sends_with_a_bucket_key(template):
    [bucket] = [r for r in template["Resources"].values() if r["Type"] == "AWS::S3::Bucket" and "BucketEncryption" in r["Properties"]
                and r["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0].get("BucketKeyEnabled")]
    key_statements = [
        s for r in template["Resources"].values() if r["Type"] == "AWS::IAM::Policy"
        for s in r["Properties"]["PolicyDocument"]["Statement"] if "kms:GenerateDataKey" in s["Action"]
    ]
    assert key_statements
    for statement in key_statements:
        contexts = statement["Condition"]["StringLike"]["kms:EncryptionContext:aws:s3:arn"]
        assert any(c == {"Fn::GetAtt": [k, "Arn"]} for c in contexts for k, r in template["Resources"].items() if r is bucket)
        assert statement["Condition"]["StringEquals"]["kms:ViaService"]


def test_a_send_reaches_the_kms_bucket(template):
    simulator = Simulator(template)
    result = simulator.send_email(
        FromEmailAddress="news@example.com", Destination={"ToAddresses": ["success@simulator.amazonses.com"]},
        ConfigurationSetName="marketing", Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
    )
    simulator.flush()
    for outcome in result.events:
        assert outcome.drops == ()
        assert [d.destination for d in outcome.deliveries] == ["archive"]
    assert simulator.s3.count() == 1
