"""EventArchiveCatalog: the Glue table of the SES record with partition projection, the
workgroup, named queries and the query policy; cdk-nag and cfn-lint clean."""

import json

import aws_cdk as cdk
import pytest
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks
from conftest import cfn_lint

from ses_metrics import EventArchiveCatalog, S3DeliveryStream, ValidationError
from ses_metrics.rules.named_queries import NAMED_QUERIES, view_queries


@pytest.fixture(scope="module")
def built():
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Catalog", env=cdk.Environment(account="111122223333", region="eu-west-1"))
    archive = S3DeliveryStream(stack, "Archive", prefix="ses/")
    parted = S3DeliveryStream(stack, "Parted", prefix="dp/", partition_by=["event_type", "configuration_set"])
    analyst = iam.Role(stack, "Analyst", assumed_by=iam.AccountRootPrincipal())
    EventArchiveCatalog(stack, "Hourly", stream=archive, roles=[analyst], tag_columns=["campaign", "team-name"])
    EventArchiveCatalog(stack, "Partitioned", stream=parted, database_name="ses_parted", configuration_set_names=["marketing", "ops"])
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    template = app.synth().get_stack_by_name("Catalog").template  # raises on an unacknowledged cdk-nag finding
    return Template.from_json(template), template


def test_table_reads_json_lines_with_the_openx_serde_and_the_streams_compression(built):
    template, _ = built
    template.has_resource_properties("AWS::Glue::Table", {"TableInput": Match.object_like({
        "TableType": "EXTERNAL_TABLE",
        "Parameters": Match.object_like({"classification": "json", "compressionType": "gzip"}),
        "StorageDescriptor": Match.object_like({
            "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"},
            "Compressed": True,
        }),
    })})


def test_table_columns_are_the_ses_record_with_tags_as_a_map(built):
    template, _ = built
    template.has_resource_properties("AWS::Glue::Table", {"TableInput": Match.object_like({
        "StorageDescriptor": Match.object_like({"Columns": Match.array_with([
            {"Name": "eventtype", "Type": "string", "Comment": Match.any_value()},
            {"Name": "mail", "Type": Match.string_like_regexp(r"tags:map<string,array<string>>>$"), "Comment": Match.any_value()},
        ])}),
    })})


def test_hourly_layout_is_projected_as_firehoses_hour_path(built):
    template, _ = built
    template.has_resource_properties("AWS::Glue::Table", {"TableInput": Match.object_like({
        "PartitionKeys": [{"Name": "datehour", "Type": "string"}],
        "Parameters": Match.object_like({
            "projection.enabled": "true",
            "projection.datehour.format": "yyyy/MM/dd/HH",
            "projection.datehour.interval.unit": "HOURS",
            "storage.location.template": {"Fn::Join": ["", ["s3://", Match.any_value(), "/ses/${datehour}/"]]},
        }),
    })})


def test_dynamic_partitions_are_projected_as_enums(built):
    template, _ = built
    template.has_resource_properties("AWS::Glue::Table", {"TableInput": Match.object_like({
        "PartitionKeys": [{"Name": "event_type", "Type": "string"}, {"Name": "configuration_set", "Type": "string"},
                          {"Name": "datehour", "Type": "string"}],
        "Parameters": Match.object_like({"projection.configuration_set.values": "marketing,ops"}),
    })})


def test_workgroup_enforces_encrypted_results_and_a_scan_cutoff(built):
    template, _ = built
    template.has_resource_properties("AWS::Athena::WorkGroup", {
        "RecursiveDeleteOption": True,
        "WorkGroupConfiguration": Match.object_like({
            "EnforceWorkGroupConfiguration": True,
            "BytesScannedCutoffPerQuery": 10_000_000_000,
            "ResultConfiguration": Match.object_like({"EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}}),
        }),
    })


def test_results_bucket_expires_results(built):
    template, _ = built
    template.has_resource_properties("AWS::S3::Bucket", {"LifecycleConfiguration": {"Rules": [
        Match.object_like({"ExpirationInDays": 30})]}})


def test_every_named_query_is_declared_in_the_workgroup(built):
    template, _ = built
    queries = template.find_resources("AWS::Athena::NamedQuery")
    names = sorted(q["Properties"]["Name"] for q in queries.values())
    views = [q.name for q in view_queries("events", ["campaign", "team-name"])] + [q.name for q in view_queries("events")]
    assert names == sorted([q.name for q in NAMED_QUERIES] * 2 + views)
    assert all("WorkGroup" in q["Properties"] and q["Properties"]["Description"] for q in queries.values())


def test_query_policy_scopes_athena_to_the_workgroup_and_s3_to_the_prefix(built):
    _, template = built
    [policy] = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy" and "Roles" in r["Properties"]]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert json.dumps(statements["RunQueriesInTheWorkgroup"]["Resource"]).count(":workgroup/") == 1
    assert statements["ReadTheArchive"]["Action"] == "s3:GetObject"
    assert statements["ReadTheArchive"]["Resource"]["Fn::Join"][1][-1] == "/ses/*"
    assert statements["ListTheArchivePrefix"]["Condition"] == {"StringLike": {"s3:prefix": ["ses/*"]}}
    assert all("*" not in json.dumps(s["Action"]) for s in statements.values())


def test_tag_columns_are_a_view_declared_as_a_create_view_named_query(built):
    template, _ = built
    template.has_resource_properties("AWS::Athena::NamedQuery", {
        "Name": "create-view-events_tagged",
        "QueryString": Match.string_like_regexp(
            r"^CREATE OR REPLACE VIEW events_tagged AS\nSELECT \*,\n\s+element_at\(mail.tags, 'campaign'\)\[1\] AS \"campaign\",\n"
            r"\s+element_at\(mail.tags, 'team-name'\)\[1\] AS \"team_name\"\nFROM events\n$"),
    })


def test_the_latest_status_view_is_declared_without_tag_columns_too(built):
    template, _ = built
    names = [q["Properties"]["Name"] for q in template.find_resources("AWS::Athena::NamedQuery").values()]
    assert (names.count("create-view-events_latest_status"), names.count("create-view-events_tagged")) == (2, 1)


def test_query_policy_reads_and_creates_the_views_only(built):
    _, template = built
    [policy] = [r["Properties"] for r in template["Resources"].values() if r["Type"] == "AWS::IAM::ManagedPolicy" and "Roles" in r["Properties"]]
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    create = statements["CreateTheViews"]
    assert create["Action"] == ["glue:CreateTable", "glue:UpdateTable"]
    tables = [json.dumps(r) for r in create["Resource"] if ":table/" in json.dumps(r)]
    assert len(tables) == 2 and all("/events_tagged" in t or "/events_latest_status" in t for t in tables)
    assert sum(1 for r in statements["ReadTheTableDefinition"]["Resource"] if ":table/" in json.dumps(r)) == 3


def test_template_passes_cfn_lint(built):
    _, template = built
    assert cfn_lint(template) == []


def test_zip_compressed_streams_are_refused(stack):
    zipped = S3DeliveryStream(stack, "Zip", compression="ZIP")
    with pytest.raises(ValidationError, match="GZIP or UNCOMPRESSED"):
        EventArchiveCatalog(stack, "Catalog", stream=zipped)


def test_partitioning_by_configuration_set_needs_the_set_names(stack):
    parted = S3DeliveryStream(stack, "P", partition_by=["configuration_set"])
    with pytest.raises(ValidationError, match="configuration_set_names"):
        EventArchiveCatalog(stack, "Catalog", stream=parted)


def test_database_names_follow_athenas_rule(stack):
    with pytest.raises(ValidationError, match="database_name"):
        EventArchiveCatalog(stack, "Catalog", stream=S3DeliveryStream(stack, "S"), database_name="SES-Events")


@pytest.mark.parametrize(("tags", "message"), [
    (["mail"], r"tag_columns\[0\]: tag 'mail' would be column 'mail', which the table already has"),
    (["datehour"], r"tag_columns\[0\]: tag 'datehour' would be column 'datehour'"),
    (["team-a", "team_a"], r"tag_columns\[1\]: tags 'team-a' and 'team_a' would both be column 'team_a'"),
    (["ses:from-domain"], r"tag_columns\[0\]: tag name 'ses:from-domain' must be 1-256 characters"),
])
def test_tag_columns_must_be_tags_whose_columns_are_new_and_unique(stack, tags, message):
    with pytest.raises(ValidationError, match=message):
        EventArchiveCatalog(stack, "Catalog", stream=S3DeliveryStream(stack, "S"), tag_columns=tags)
