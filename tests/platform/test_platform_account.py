"""The account-level parts of ses-metrics.yaml and every configuration-set option, through
the platform app: dedicated IP pools, VDM, existing sets, identities with their default
set and DKIM outputs, tenants. One synthesis (cdk-nag and ses-metrics lint inside) for
the module; cfn-lint clean."""

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Match, Template
from conftest import FIXTURES, cfn_lint

from ses_metrics.platform.app import build_app
from ses_metrics.platform.config import load_config

CONFIG = FIXTURES / "adoption.yaml"
ARCHIVE = "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-0123456789abcdefghijklmn"


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("adoption")
    app = build_app(cdk.App(builtin_cloud_formation_validation=False, outdir=str(outdir)), config_path=str(CONFIG))
    assembly = app.synth()  # cdk-nag: raises ValidationFailed on an unacknowledged finding
    return {s.stack_name: s.template for s in assembly.stacks}


@pytest.fixture(scope="module")
def main(templates):
    return Template.from_json(templates["Adoption"])


@pytest.fixture(scope="module")
def bulk(templates):
    return Template.from_json(templates["Adoption-Bulk"])


def _ref_of(template, kind, **properties):
    (logical_id,) = template.find_resources(kind, {"Properties": properties})
    return {"Ref": logical_id}


def test_dedicated_ip_pool_is_created_with_its_scaling_mode(main):
    main.has_resource_properties("AWS::SES::DedicatedIpPool", {"PoolName": "marketing-pool", "ScalingMode": "MANAGED", "Tags": [{"Key": "team", "Value": "growth"}]})


def test_set_sends_through_the_declared_pool(main):
    pool = _ref_of(main, "AWS::SES::DedicatedIpPool", PoolName="marketing-pool")
    main.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "marketing", "DeliveryOptions": {"SendingPoolName": pool, "TlsPolicy": "REQUIRE"}})


def test_set_sends_through_an_existing_pool_by_name(main):
    main.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": "quiet", "DeliveryOptions": {"SendingPoolName": "existing-pool"}})


def test_account_vdm_attributes(main):
    main.has_resource_properties(
        "AWS::SES::VdmAttributes", {"DashboardAttributes": {"EngagementMetrics": "ENABLED"}, "GuardianAttributes": {"OptimizedSharedDelivery": "DISABLED"}}
    )


def test_set_options_suppression_validation_vdm_archive_tags(main):
    main.has_resource_properties(
        "AWS::SES::ConfigurationSet",
        {
            "Name": "marketing",
            "SuppressionOptions": {
                "SuppressedReasons": ["BOUNCE"],
                "ValidationOptions": {"ConditionThreshold": {"ConditionThresholdEnabled": "ENABLED", "OverallConfidenceThreshold": {"ConfidenceVerdictThreshold": "HIGH"}}},
            },
            "VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}, "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"}},
            "ArchivingOptions": {"ArchiveArn": ARCHIVE},
            "Tags": [{"Key": "team", "Value": "growth"}],
        },
    )


def test_suppression_none_and_validation_disabled(main):
    main.has_resource_properties(
        "AWS::SES::ConfigurationSet",
        {"Name": "quiet", "SuppressionOptions": {"SuppressedReasons": [], "ValidationOptions": {"ConditionThreshold": {"ConditionThresholdEnabled": "DISABLED"}}}},
    )


def test_existing_set_is_not_created_but_gets_its_destinations(main):
    names = [r["Properties"]["Name"] for r in main.find_resources("AWS::SES::ConfigurationSet").values()]
    assert sorted(names) == ["marketing", "quiet"]
    main.has_resource_properties(
        "AWS::SES::ConfigurationSetEventDestination",
        {"ConfigurationSetName": "legacy", "EventDestination": Match.object_like({"Name": "legacy-bus", "MatchingEventTypes": ["bounce", "complaint"]})},
    )


def test_domain_identity_has_its_default_set_and_easy_dkim(main):
    marketing = _ref_of(main, "AWS::SES::ConfigurationSet", Name="marketing")
    main.has_resource_properties(
        "AWS::SES::EmailIdentity",
        {
            "EmailIdentity": "example.com",
            "ConfigurationSetAttributes": {"ConfigurationSetName": marketing},
            "DkimAttributes": {"SigningEnabled": True},
            "DkimSigningAttributes": {"NextSigningKeyLength": "RSA_2048_BIT"},
        },
    )


def test_address_identity_defaults_to_an_existing_set_by_name(main):
    main.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": "sender@example.org", "ConfigurationSetAttributes": {"ConfigurationSetName": "legacy"}})


def test_dkim_records_are_stack_outputs(templates, main):
    (identity,) = main.find_resources("AWS::SES::EmailIdentity", {"Properties": {"EmailIdentity": "example.com"}})
    outputs = templates["Adoption"]["Outputs"]
    joined = [o["Value"]["Fn::Join"][1] for o in outputs.values() if identity in str(o["Value"])]
    assert [(part[0]["Fn::GetAtt"][1], part[1], part[2]["Fn::GetAtt"][1]) for part in joined] == [
        (f"DkimDNSTokenName{i}", "CNAME", f"DkimDNSTokenValue{i}") for i in (1, 2, 3)
    ]


def test_no_dkim_outputs_without_dkim_signing(templates, main):
    (identity,) = main.find_resources("AWS::SES::EmailIdentity", {"Properties": {"EmailIdentity": "nodkim.example.com"}})
    assert not [o for o in templates["Adoption"]["Outputs"].values() if identity in str(o["Value"])]
    main.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": "nodkim.example.com", "DkimAttributes": {"SigningEnabled": False}})


def test_identity_goes_into_the_stack_of_its_default_set(bulk):
    bulk_set = _ref_of(bulk, "AWS::SES::ConfigurationSet", Name="bulk")
    bulk.has_resource_properties("AWS::SES::EmailIdentity", {"EmailIdentity": "bulk.example.com", "ConfigurationSetAttributes": {"ConfigurationSetName": bulk_set}})


def test_tenant_is_associated_with_its_sets_and_identities(main):
    tenant = next(iter(main.find_resources("AWS::SES::Tenant", {"Properties": {"TenantName": "acme"}}).values()))
    associations = [str(a["ResourceArn"]) for a in tenant["Properties"]["ResourceAssociations"]]
    assert len(associations) == 4
    marketing = _ref_of(main, "AWS::SES::ConfigurationSet", Name="marketing")["Ref"]
    assert marketing in associations[0] and ":configuration-set/" in associations[0]
    assert "configuration-set/legacy" in associations[1]
    assert all(":identity/" in a for a in associations[2:])


def test_tenant_reputation_policy_and_suppression(main):
    main.has_resource_properties(
        "AWS::SES::Tenant",
        {
            "TenantName": "acme",
            "ReputationEntity": {"Policy": {"ReputationEntityPolicy": {"Fn::Join": ["", Match.array_with([":aws:reputation-policy/strict"])]}}},
            "SuppressionAttributes": {"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            "Tags": [{"Key": "customer", "Value": "acme"}],
        },
    )


def test_tenant_default_policy_is_standard_and_it_follows_its_resources_stack(bulk):
    bulk.has_resource_properties(
        "AWS::SES::Tenant",
        {"TenantName": "bulky", "ReputationEntity": {"Policy": {"ReputationEntityPolicy": {"Fn::Join": ["", Match.array_with([":aws:reputation-policy/standard"])]}}}},
    )


def test_templates_are_cfn_lint_clean(templates):
    assert {name: cfn_lint(t) for name, t in templates.items()} == {name: [] for name in templates}


def test_existing_set_reputation_metrics_default_off():
    config = load_config(CONFIG)
    assert [cs.reputation_metrics for cs in config.configuration_sets] == [True, True, False, True]
