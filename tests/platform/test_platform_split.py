"""The example app split in two: set marketing with ``stack: marketing``, transactional
in the main stack. Synthesized once (cdk-nag and ses-metrics lint inside, CDK validation
off) into a cdk.out that the simulator, lint and cfn-lint read as deployed."""

from __future__ import annotations

import json

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk.assertions import Match, Template
from conftest import EXAMPLE_CONFIG, FIXTURES, cfn_lint

from ses_metrics.cli import main
from ses_metrics.platform.app import build_app
from ses_metrics.platform.config import load_config
from ses_metrics.platform.stack import MAX_RESOURCES, PlatformStack
from ses_metrics.simulator import Simulator

MAIN, GROUP = "SesMetrics", "SesMetrics-marketing"


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory):
    document = yaml.safe_load(EXAMPLE_CONFIG.read_text())
    [marketing] = [cs for cs in document["configuration_sets"] if cs["name"] == "marketing"]
    marketing["stack"] = "marketing"
    root = tmp_path_factory.mktemp("split")
    config = root / "ses-metrics.yaml"
    config.write_text(yaml.safe_dump(document))
    app = build_app(cdk.App(builtin_cloud_formation_validation=False, outdir=str(root / "cdk.out")), config_path=str(config))
    assembly = app.synth()  # raises ValidationFailed on an unacknowledged cdk-nag finding or a lint error
    return app, assembly


@pytest.fixture(scope="module")
def templates(cdk_out):
    _, assembly = cdk_out
    return {s.stack_name: s.template for s in assembly.stacks}


@pytest.fixture(scope="module")
def simulator(cdk_out):
    _, assembly = cdk_out
    return Simulator.from_cdk_out(assembly.directory)


def test_the_split_app_has_the_main_stack_and_one_group_stack(templates):
    assert sorted(templates) == [MAIN, GROUP]


def test_the_group_stack_depends_on_the_main_stack(cdk_out):
    _, assembly = cdk_out
    assert [d.id for d in assembly.get_stack_by_name(GROUP).dependencies if d.id in (MAIN, GROUP)] == [MAIN]


def test_the_group_stack_holds_the_set_its_destinations_alarms_and_dashboard(templates):
    t = Template.from_json(templates[GROUP])
    t.resource_count_is("AWS::SES::ConfigurationSet", 1)
    t.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "marketing"})
    t.resource_count_is("AWS::SES::ConfigurationSetEventDestination", 6)
    t.resource_count_is("AWS::CloudWatch::Alarm", 4)  # marketing 2 + its spring-sale campaign 2
    t.has_resource_properties("AWS::CloudWatch::Dashboard", {"DashboardName": "SesMetrics-marketing"})


def test_shared_resources_stay_in_the_main_stack(templates):
    group = Template.from_json(templates[GROUP])
    for kind in ("AWS::KinesisFirehose::DeliveryStream", "AWS::S3::Bucket", "AWS::SNS::Topic", "AWS::KMS::Key", "AWS::IAM::Role"):
        group.resource_count_is(kind, 0)
    main = Template.from_json(templates[MAIN])
    main.resource_count_is("AWS::KinesisFirehose::DeliveryStream", 3)
    main.resource_count_is("AWS::SNS::Topic", 2)
    main.has_resource_properties("AWS::CloudWatch::Alarm", {"AlarmName": "SesMetrics-account-bounce-rate"})
    main.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "transactional"})


def test_the_main_stack_imports_nothing(templates):
    assert "Fn::ImportValue" not in json.dumps(templates[MAIN])


def test_a_shared_streams_ses_role_trusts_the_main_set_by_ref_and_the_group_set_by_name(templates):
    def arn(*name):
        return {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ses:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, *name]]}

    main = Template.from_json(templates[MAIN])
    [transactional] = main.find_resources("AWS::SES::ConfigurationSet", {"Properties": {"Name": "transactional"}})
    main.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [Match.object_like({"Condition": {"StringEquals": Match.object_like({"aws:SourceArn": [arn(":configuration-set/marketing"), arn(":configuration-set/", {"Ref": transactional})]})}})]
            }
        },
    )


def test_group_alarms_keep_their_names_and_notify_the_main_stacks_topic(templates):
    Template.from_json(templates[GROUP]).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {"AlarmName": "SesMetrics-marketing-bounce-rate", "AlarmActions": [{"Fn::ImportValue": Match.string_like_regexp(f"^{MAIN}:")}]},
    )


def test_the_group_stack_is_built_under_its_own_construct_paths(cdk_out):
    app, _ = cdk_out
    assert app.node.find_child(GROUP).node.find_child("ConfigurationSets").node.find_child("marketing") is not None
    assert app.node.find_child(GROUP).node.find_child("Monitoring").node.find_child("marketing") is not None


def test_every_stack_counts_its_resources_under_the_limit(cdk_out, templates):
    app, _ = cdk_out
    counts = {name: len(t["Resources"]) for name, t in templates.items()}
    assert app.node.find_child(MAIN).resource_counts == counts
    assert max(counts.values()) < MAX_RESOURCES


def test_split_templates_pass_cfn_lint(templates):
    assert {name: cfn_lint(t) for name, t in templates.items()} == {MAIN: [], GROUP: []}


@pytest.fixture(scope="module")
def bounce(simulator):
    """The Bounce event of one send through set marketing (in the group stack)."""
    result = simulator.send_email(
        FromEmailAddress="news@example.com",
        Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
        ConfigurationSetName="marketing",
        EmailTags=[{"Name": "campaign", "Value": "spring-sale"}],
        Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}},
    )
    simulator.flush()
    return next(o for o in result.events if o.event.type.record == "Bounce")


def test_a_group_set_event_reaches_its_cloudwatch_destination(simulator, bounce):
    assert ("marketing-metrics", "cloudwatch") in {(d.destination, d.kind.config) for d in bounce.deliveries}
    assert simulator.metrics.sum("Bounce", {"campaign": "spring-sale", "ses:from-domain": "example.com"}) == 1


def test_a_group_set_event_reaches_the_main_stacks_firehose_stream(simulator, bounce):
    assert ("marketing-archive", "firehose") in {(d.destination, d.kind.config) for d in bounce.deliveries}
    archived = [r for bucket, key, _ in simulator.s3.items() if "eventsarchive" in bucket for r in simulator.s3.records(bucket, key)]
    assert sorted(r["eventType"] for r in archived if r["mail"]["tags"]["ses:configuration-set"] == ["marketing"]) == ["Bounce", "Send"]


def test_a_group_set_event_reaches_every_destination_and_none_drops_it(bounce):
    assert sorted(d.destination for d in bounce.deliveries) == [
        "marketing-alerts", "marketing-archive", "marketing-bus", "marketing-metrics", "marketing-search", "marketing-warehouse",
    ]
    assert bounce.drops == ()


def test_the_simulator_resolves_every_import_without_a_warning(simulator, bounce):
    assert simulator.warnings == []


def test_ses_metrics_lint_of_the_split_cdk_out_reports_no_error(cdk_out, capsys):
    _, assembly = cdk_out
    assert main(["lint", assembly.directory]) == 0
    assert "2 configuration set(s), 10 event destination(s): 0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_group_stacks_get_the_main_stacks_env():
    app = cdk.App(builtin_cloud_formation_validation=False)
    env = cdk.Environment(account="111122223333", region="eu-west-1")
    main_stack = PlatformStack(app, "SesMetricsSplit", config=load_config(FIXTURES / "split.yaml"), env=env)
    bulk = main_stack.group_stacks["bulk"]
    assert (bulk.stack_name, bulk.account, bulk.region) == ("SesMetricsSplit-bulk", "111122223333", "eu-west-1")


def test_the_group_stack_needs_no_cdk_nag_acknowledgment(cdk_out):
    app, _ = cdk_out
    acknowledged = [
        construct.node.path
        for construct in app.node.find_child(GROUP).node.find_all()
        for entry in construct.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
    ]
    assert acknowledged == []


def test_group_stacks_ask_for_strong_references_so_cdk_has_no_default_to_warn_of(cdk_out):
    _, assembly = cdk_out
    messages = [str(m.entry.data) for m in assembly.get_stack_by_name(GROUP).messages]
    assert [m for m in messages if "cross-stack-reference strength" in m] == []
