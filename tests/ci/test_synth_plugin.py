"""SesMetricsChecks: ses-metrics lint as a CDK policy-validation plugin inside synth."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns

from ses_metrics.ci.lint import RULES
from ses_metrics.ci.synth_plugin import SesMetricsChecks


def app_with(tmp_path, *, fifo=False, reputation=True, plugin=None):
    """A configuration set with an SNS destination for bounces and complaints (its topic
    FIFO when ``fifo``), and the plugin added."""
    app = cdk.App(builtin_cloud_formation_validation=False, outdir=str(tmp_path / "cdk.out"))
    stack = cdk.Stack(app, "Email")
    cs = ses.ConfigurationSet(stack, "Marketing", configuration_set_name="marketing", reputation_metrics=reputation)
    topic = sns.Topic(stack, "Alerts", fifo=fifo, topic_name="alerts" if not fifo else None)
    cs.add_event_destination(
        "Alerts", destination=ses.EventDestination.sns_topic(topic), events=[ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT]
    )
    cdk.Validations.of(app).add_plugins(plugin or SesMetricsChecks())
    return app, stack


def report(tmp_path):
    return json.loads((tmp_path / "cdk.out" / "validation-report.json").read_text())["pluginReports"]


def test_a_clean_app_synthesizes(tmp_path):
    app, _ = app_with(tmp_path)
    app.synth()
    assert report(tmp_path) == []


def test_an_error_fails_synth_naming_the_rule_and_the_construct(tmp_path):
    app, _ = app_with(tmp_path, fifo=True)
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    assert "fifo-topic: event destination" in str(raised.value)
    assert "Email/Marketing/Alerts" in str(raised.value)
    assert "Acknowledge with 'ses-metrics::SM207'" in str(raised.value)


def test_warnings_are_reported_without_failing(tmp_path):
    app, _ = app_with(tmp_path, reputation=False)
    app.synth()
    [plugin] = report(tmp_path)
    assert (plugin["pluginName"], plugin["conclusion"]) == ("ses-metrics", "success")
    [violation] = plugin["violations"]
    assert (violation["ruleName"], violation["severity"]) == ("SM102", "warning")
    assert violation["suggestedFix"] == RULES["SM102"].fix
    assert violation["violatingConstructs"][0]["constructPath"] == "Email/Marketing/Resource"


def test_fail_on_warnings(tmp_path):
    app, _ = app_with(tmp_path, reputation=False, plugin=SesMetricsChecks(fail_on_warnings=True))
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_a_finding_is_acknowledged_like_a_cdk_nag_one(tmp_path):
    app, stack = app_with(tmp_path, fifo=True)
    cdk.Validations.of(stack).acknowledge(cdk.Acknowledgment(id="ses-metrics::SM207", reason="test: the FIFO topic is replaced before deploy"))
    app.synth()  # the error is acknowledged; the warning it causes (no destination for bounces) remains
    assert [v["ruleName"] for v in report(tmp_path)[0]["violations"]] == ["SM101"]


def test_scenarios_check_defaults_against_real_tag_values(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "sends:\n  - {FromEmailAddress: a@example.com, ConfigurationSetName: marketing, Destination: {ToAddresses: [b@example.com]},\n"
        "     EmailTags: [{Name: campaign, Value: none}], Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}}\n"
    )
    app, stack = app_with(tmp_path, plugin=SesMetricsChecks(scenarios=[scenario]))
    cs = stack.node.find_child("Marketing")
    cs.add_event_destination("Metrics", destination=ses.EventDestination.cloud_watch_dimensions([
        ses.CloudWatchDimension(name="campaign", source=ses.CloudWatchDimensionSource.MESSAGE_TAG, default_value="none")
    ]))
    app.synth()
    assert [v["ruleName"] for v in report(tmp_path)[0]["violations"]] == ["SM301"]
