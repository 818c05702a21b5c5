"""The platform app built from ses-metrics.yaml: cdk-nag clean, cfn-lint clean, and the
configuration file chosen through cdk.json context."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from cfnlint.api import lint
from conftest import EXAMPLE_CONFIG, FIXTURES

from ses_metrics.config import ConfigError
from stacks.app_builder import build_app


@pytest.fixture(scope="module")
def app():
    """The example app, with cdk-nag's AwsSolutions pack as a validation plugin."""
    return build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(EXAMPLE_CONFIG))


@pytest.fixture(scope="module")
def template(app):
    assembly = app.synth()  # raises ValidationFailed on any unacknowledged cdk-nag finding
    return assembly.get_stack_by_name("SesMetrics").template


def test_example_app_has_what_the_config_declares(template):
    t = Template.from_json(template)
    t.resource_count_is("AWS::SES::ConfigurationSet", 2)
    t.resource_count_is("AWS::SES::ConfigurationSetEventDestination", 7)
    t.resource_count_is("AWS::KinesisFirehose::DeliveryStream", 1)
    t.resource_count_is("AWS::SNS::Topic", 1)
    t.has_resource_properties("AWS::SNS::Topic", {"TopicName": "deliverability-alerts", "KmsMasterKeyId": Match.any_value()})
    t.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_every_cdk_nag_acknowledgment_is_specific_and_reasoned(app, template):
    acknowledged = {
        (construct.node.path, rule): reason
        for construct in app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert sorted(rule.split("[")[0] for _, rule in acknowledged) == [
        "Annotation::AwsSolutions-IAM5",  # Firehose object keys under the stream's prefix
        "Annotation::AwsSolutions-IAM5",  # ... and under its error prefix
        "Annotation::AwsSolutions-S1",  # the access-log bucket does not log itself
    ]
    assert all(len(reason) >= 60 for reason in acknowledged.values())


def test_example_template_passes_cfn_lint(template):
    matches = lint(json.dumps(template), regions=["us-east-1", "eu-west-1"])
    assert [f"{m.rule.id} {m.path_string}: {m.message}" for m in matches] == []


def test_cdk_nag_fails_synth_on_an_unacknowledged_finding():
    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(FIXTURES / "minimal.yaml"))
    stack = app.node.find_child("SesMetricsMinimal")
    s3.Bucket(stack, "Unencrypted", enforce_ssl=False)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_config_file_comes_from_cdk_context():
    app = build_app(cdk.App(builtin_cloud_formation_validation=False, context={"config": str(FIXTURES / "minimal.yaml")}), nag=False)
    stack = app.node.find_child("SesMetricsMinimal")
    Template.from_stack(stack).has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "minimal"})


def test_invalid_config_raises_config_error_before_any_stack(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("configuration_sets:\n  - name: bad name\n")
    app = cdk.App(builtin_cloud_formation_validation=False)
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.name \(line 2\)"):
        build_app(app, config_path=str(bad))
    assert app.node.children == []
