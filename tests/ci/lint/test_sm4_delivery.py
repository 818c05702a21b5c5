"""SM4xx: where delivery streams archive SES events."""

from lintkit import healthy, ids, lint, only
from simkit import with_firehose


def test_sm401_noncompliant_a_stream_whose_bucket_declares_no_encryption():
    t = with_firehose(healthy())
    del t["Resources"]["Bucket"]["Properties"]["BucketEncryption"]
    finding = only(t, "SM401")
    assert finding.logical_id == "Bucket" and "declares no default encryption" in finding.message
    assert "since January 2023" in finding.rule.fix


def test_sm401_compliant_the_bucket_declares_encryption():
    assert ids(with_firehose(healthy())) == []


def test_sm401_a_bucket_outside_the_templates_is_a_note():
    t = with_firehose(healthy())
    del t["Resources"]["Bucket"]
    stream = t["Resources"]["Stream"]["Properties"]["ExtendedS3DestinationConfiguration"]
    stream["BucketARN"] = "arn:aws:s3:::elsewhere"
    report = lint(t)
    assert "SM401" not in [f.id for f in report.findings]
    assert any("bucket elsewhere of delivery stream" in note and "encryption is not checked" in note for note in report.notes)
