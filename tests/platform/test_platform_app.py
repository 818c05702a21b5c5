"""The platform app built from ses-metrics.yaml: cdk-nag clean, cfn-lint clean, and the
configuration file chosen through cdk.json context."""

import json
from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk.assertions import Match, Template
from conftest import EXAMPLE_CONFIG, FIXTURES, cfn_lint

from ses_metrics.platform.app import build_app
from ses_metrics.platform.config import ConfigError


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
    t.resource_count_is("AWS::SES::ConfigurationSetEventDestination", 10)
    t.resource_count_is("AWS::KinesisFirehose::DeliveryStream", 3)
    t.resource_count_is("AWS::IAM::Role", 7)  # per stream: Firehose's and SES's; the BucketDeployment handler's
    t.resource_count_is("AWS::S3::Bucket", 5)  # per stream one, the shared access-log bucket, the archive's Athena results
    t.resource_count_is("Custom::CDKBucketDeployment", 1)  # the Redshift JSONPaths file
    t.resource_count_is("AWS::SNS::Topic", 2)  # deliverability-alerts and the alarm topic of ops@example.com
    t.resource_count_is("AWS::KMS::Key", 1)  # shared by every topic
    # account 2 + marketing 2 + marketing's spring-sale campaign 2 + transactional 2
    t.resource_count_is("AWS::CloudWatch::Alarm", 8)
    t.resource_count_is("AWS::CloudWatch::Dashboard", 2)
    t.resource_count_is("AWS::Glue::Table", 1)  # events-archive's athena: {}
    t.resource_count_is("AWS::Athena::WorkGroup", 1)
    t.has_resource_properties("AWS::SNS::Topic", {"TopicName": "deliverability-alerts", "KmsMasterKeyId": Match.any_value()})
    t.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})
    for kind in ("ExtendedS3DestinationConfiguration", "RedshiftDestinationConfiguration", "AmazonopensearchserviceDestinationConfiguration"):
        t.has_resource_properties("AWS::KinesisFirehose::DeliveryStream", {kind: Match.any_value()})


def test_the_stack_counts_the_resources_its_template_has(app, template):
    from ses_metrics.platform.stack import MAX_RESOURCES

    assert app.node.find_child("SesMetrics").resource_count == len(template["Resources"]) < MAX_RESOURCES


def test_a_stream_used_by_two_configuration_sets_has_one_ses_role_trusting_both(template):
    trusted = [
        r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::IAM::Role"
        and r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ses.amazonaws.com"}
    ]
    assert sorted(len(t) if isinstance(t, list) else 1 for t in trusted) == [1, 2, 2]


# Every acknowledged cdk-nag finding of the example app: (construct path suffix, finding id) -> reason keyword.
EXPECTED_ACKNOWLEDGMENTS = {
    ("AccessLogs", "AwsSolutions-S1"): "access log bucket itself",
    ("events-archive/Delivery", "AwsSolutions-IAM5[Resource::<StreamseventsarchiveBucket433F264A.Arn>/ses/eventType=*]"): "prefix",
    ("events-archive/Delivery", "AwsSolutions-IAM5[Resource::<StreamseventsarchiveBucket433F264A.Arn>/ses-events-errors/*]"): "prefix",
    ("events-archiveAthena/QueryPolicy", "AwsSolutions-IAM5[Resource::<StreamseventsarchiveBucket433F264A.Arn>/ses/*]"): "prefix",
    ("events-archiveAthena/QueryPolicy",
     "AwsSolutions-IAM5[Resource::<StreamseventsarchiveAthenaResults9166F6B9.Arn>/athena-results/*]"): "results prefix",
    ("events-warehouse/Delivery", "AwsSolutions-IAM5[Resource::<StreamseventswarehouseBucket1D0AB56A.Arn>/ses-redshift-staging/*]"): "prefix",
    ("events-search/Delivery", "AwsSolutions-IAM5[Resource::arn:aws:es:eu-west-1:111122223333:domain/ses-events/*]"): "this domain",
    ("events-search/Delivery", "AwsSolutions-IAM5[Resource::arn:aws:es:eu-west-1:111122223333:domain/ses-events/ses-events*/_mapping/*]"): "index pattern",
    ("events-search/Delivery", "AwsSolutions-IAM5[Resource::arn:aws:es:eu-west-1:111122223333:domain/ses-events/_nodes/*/stats]"): "index pattern",
    ("events-search/Delivery", "AwsSolutions-IAM5[Resource::arn:aws:es:eu-west-1:111122223333:domain/ses-events/ses-events*/_stats]"): "index pattern",
    ("events-search/Delivery", "AwsSolutions-IAM5[Resource::<StreamseventssearchBucketF759CB97.Arn>/ses-opensearch-backup/*]"): "prefix",
    ("Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C",
     "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]"): "own Lambda logs",
    ("Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C", "AwsSolutions-L1"): "aws-cdk-lib",
    **{
        ("Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C", f"AwsSolutions-IAM5[Action::{a}]"): "JSONPaths"
        for a in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*")
    },
    ("Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C",
     "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]"): "asset",
    ("Custom::CDKBucketDeployment8693BB64968944B69AAFB0CC9EB8756C",
     "AwsSolutions-IAM5[Resource::<StreamseventswarehouseBucket1D0AB56A.Arn>/*]"): "JSONPaths file",
}


def test_example_monitoring_alarms_and_dashboards(template):
    t = Template.from_json(template)
    for name in ("account", "marketing", "transactional"):
        t.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": f"SesMetrics-{name}-bounce-rate", "Threshold": 0.025})
        t.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": f"SesMetrics-{name}-complaint-rate", "Threshold": 0.0005})
    t.has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmName": "SesMetrics-marketing-bounce-rate-spring-sale-example.com", "Metrics": Match.array_with([Match.object_like({"Expression": "IF(sends >= 100, FILL(bounces, 0) / sends, 0)"})])},
    )
    t.has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "SesMetrics-marketing"})
    t.has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "SesMetrics-transactional"})


def test_example_alarms_notify_the_email_topic_or_the_named_topic(template):
    t = Template.from_json(template)
    [(alerts, _)] = t.find_resources("AWS::SNS::Topic", {"Properties": {"TopicName": "deliverability-alerts"}}).items()
    [subscription] = t.find_resources("AWS::SNS::Subscription").values()
    assert (subscription["Properties"]["Protocol"], subscription["Properties"]["Endpoint"]) == ("email", "ops@example.com")
    email_topic = subscription["Properties"]["TopicArn"]
    t.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "SesMetrics-marketing-bounce-rate", "AlarmActions": [email_topic]})
    t.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "SesMetrics-account-bounce-rate", "AlarmActions": [email_topic]})
    t.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "SesMetrics-transactional-bounce-rate", "AlarmActions": [{"Ref": alerts}]})


def test_the_shared_topic_key_lets_ses_and_this_stacks_alarms_use_it(template):
    t = Template.from_json(template)
    [key] = t.find_resources("AWS::KMS::Key").values()
    principals = [s["Principal"].get("Service") for s in key["Properties"]["KeyPolicy"]["Statement"]]
    assert principals.count("ses.amazonaws.com") == 2  # one per SNS destination (its set as aws:SourceArn)
    assert principals.count("cloudwatch.amazonaws.com") == 1  # alarms named SesMetrics-*


def test_every_cdk_nag_acknowledgment_is_specific_and_reasoned(app, template):
    acknowledged = {
        (construct.node.path.removeprefix("SesMetrics/").removeprefix("Streams/"), rule.removeprefix("Annotation::")): reason
        for construct in app.node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    # Monitoring (alarms, dashboards, alarm topics, the key policy for CloudWatch) needs none.
    assert sorted(acknowledged) == sorted(EXPECTED_ACKNOWLEDGMENTS)
    for key, keyword in EXPECTED_ACKNOWLEDGMENTS.items():
        assert keyword in acknowledged[key], key
    assert all(len(reason) >= 60 for reason in acknowledged.values())


def test_example_template_passes_cfn_lint(template):
    assert cfn_lint(template) == []


def test_cdk_nag_fails_synth_on_an_unacknowledged_finding():
    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(FIXTURES / "minimal.yaml"))
    stack = app.node.find_child("SesMetricsMinimal")
    s3.Bucket(stack, "Unencrypted", enforce_ssl=False)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()


def test_ses_metrics_lint_fails_synth_on_a_destination_ses_can_never_publish_to():
    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(FIXTURES / "minimal.yaml"), nag=False)
    stack = app.node.find_child("SesMetricsMinimal")
    topic = sns.Topic(stack, "Fifo", fifo=True)
    ses.CfnConfigurationSetEventDestination(
        stack, "ToFifo", configuration_set_name="minimal",
        event_destination=ses.CfnConfigurationSetEventDestination.EventDestinationProperty(
            matching_event_types=["bounce"], enabled=True, sns_destination=ses.CfnConfigurationSetEventDestination.SnsDestinationProperty(topic_arn=topic.topic_arn)
        ),
    )
    with pytest.raises(RuntimeError, match="ValidationFailed") as raised:
        app.synth()
    assert "ses-metrics::SM207" in str(raised.value)


def test_config_file_comes_from_cdk_context():
    app = build_app(cdk.App(builtin_cloud_formation_validation=False, context={"config": str(FIXTURES / "minimal.yaml")}), nag=False)
    stack = app.node.find_child("SesMetricsMinimal")
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "minimal"})
    template.resource_count_is("AWS::CloudWatch::Alarm", 0)  # no monitoring: in the file


def test_alarms_without_notification_go_to_one_unsubscribed_topic(tmp_path):
    path = tmp_path / "ses-metrics.yaml"
    path.write_text("monitoring: {dashboard: false}\nconfiguration_sets:\n  - name: a\n  - name: b\n")
    app = build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(path), nag=False)
    template = Template.from_stack(app.node.find_child("SesMetrics"))
    template.resource_count_is("AWS::SNS::Topic", 1)
    template.resource_count_is("AWS::SNS::Subscription", 0)
    template.resource_count_is("AWS::CloudWatch::Alarm", 6)
    template.resource_count_is("AWS::CloudWatch::Dashboard", 0)


def test_invalid_config_raises_config_error_before_any_stack(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("configuration_sets:\n  - name: bad name\n")
    app = cdk.App(builtin_cloud_formation_validation=False)
    with pytest.raises(ConfigError, match=r"configuration_sets\[0\]\.name \(line 2\)"):
        build_app(app, config_path=str(bad))
    assert app.node.children == []


def test_deployed_jsonpaths_only_name_paths_ses_documents_for_the_events_the_stream_receives(app, template):
    """Every path of the generated JSONPaths file exists in AWS's documented record of an
    event type the Redshift stream receives (a path no event carries only ever loads NULL,
    or fails a NOT NULL column); a message tag path needs the record's tags object."""
    from ses_metrics.platform.config import load_config
    from ses_metrics.rules import EventType
    from ses_metrics.rules.redshift_columns import parse_jsonpath, resolve

    records = json.loads((FIXTURES / "aws_event_examples.json").read_text())["records"]
    config = load_config(EXAMPLE_CONFIG)
    [stream] = [r for r in template["Resources"].values() if "RedshiftDestinationConfiguration" in r.get("Properties", {})]
    contract = stream["Metadata"]["ses-metrics"]
    [deployed] = [json.loads(p.read_text()) for p in Path(app.outdir).glob("asset.*/jsonpaths.json")]
    assert deployed == contract["jsonpaths"]
    assert stream["Properties"]["RedshiftDestinationConfiguration"]["CopyCommand"]["DataTableColumns"] == ",".join(
        c["name"] for c in contract["columns"]
    )
    received = {
        e for cs in config.configuration_sets for d in cs.destinations if d.firehose and d.firehose.stream == "events-warehouse" for e in d.events
    }
    assert received == {EventType.SEND, EventType.DELIVERY, EventType.BOUNCE, EventType.COMPLAINT, EventType.OPEN, EventType.CLICK}
    for column, jsonpath in zip(contract["columns"], deployed["jsonpaths"], strict=True):
        path = parse_jsonpath(jsonpath)
        if path[:2] == ("mail", "tags") and not str(path[2]).startswith("ses:"):
            assert all(isinstance(records[e.record]["mail"]["tags"], dict) for e in received), column
            continue
        carried = [e for e in received if resolve(records[e.record], path)[0]]
        assert carried, f"{column['name']}: no event this stream receives carries {jsonpath}"
        if "NOT NULL" in contract["ddl"].split(column["name"] + " ", 1)[1].split("\n")[0]:
            assert set(carried) == received, column


def test_athena_on_the_archive_projects_the_sets_publishing_to_it(template):
    t = Template.from_json(template)
    t.has_resource_properties("AWS::Glue::Database", {"DatabaseInput": {"Name": "events_archive", "Description": Match.any_value()}})
    t.has_resource_properties("AWS::Glue::Table", {"TableInput": Match.object_like({
        "Parameters": Match.object_like({"projection.configuration_set.values": "marketing,transactional"})})})
    t.has_resource_properties("AWS::Athena::WorkGroup", {"Name": "SesMetrics-events-archive"})
    t.has_resource_properties("AWS::Athena::NamedQuery", {"Name": "click-rate-by-link-tag",
                                                          "QueryString": Match.string_like_regexp("element_at\\(click.linktags, 'cta'\\)")})
