"""Every option of AWS::SES::ConfigurationSet on SendingConfigurationSet: what it renders
(one stack for the module), cfn-lint and cdk-nag clean, and one refusal per rule."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ses as ses
from aws_cdk.assertions import Match, Template
from cdk_nag import AwsSolutionsChecks
from conftest import cfn_lint, new_stack

from ses_metrics import SendingConfigurationSet, ValidationError

ARCHIVE = "arn:aws:ses:eu-west-1:111122223333:mailmanager-archive/a-0123456789abcdefghijklmn"


@pytest.fixture(scope="module")
def built():
    app = cdk.App(builtin_cloud_formation_validation=False)
    stack = cdk.Stack(app, "Options")
    pool = ses.DedicatedIpPool(stack, "Pool", dedicated_ip_pool_name="marketing-pool", scaling_mode=ses.ScalingMode.MANAGED)
    SendingConfigurationSet(
        stack,
        "Full",
        configuration_set_name="full",
        dedicated_ip_pool=pool,
        tls_policy=ses.ConfigurationSetTlsPolicy.REQUIRE,
        suppression_reasons=ses.SuppressionReasons.COMPLAINTS_ONLY,
        auto_validation_threshold=ses.AutoValidationThreshold.HIGH,
        vdm_options=ses.VdmOptions(engagement_metrics=True, optimized_shared_delivery=False),
        archive_arn=ARCHIVE,
        tags={"team": "growth", "cost-centre": "42"},
    )
    SendingConfigurationSet(
        stack, "Off", configuration_set_name="off", dedicated_ip_pool="existing-pool", disable_suppression_list=True, disable_auto_validation=True
    )
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    assembly = app.synth()  # raises ValidationFailed on an unacknowledged cdk-nag finding
    return stack, Template.from_json(assembly.get_stack_by_name("Options").template)


def _set(template, name, properties):
    template.has_resource_properties("AWS::SES::ConfigurationSet", {"Name": name, **properties})


def test_dedicated_ip_pool_construct_is_the_sending_pool(built):
    stack, template = built
    _set(template, "full", {"DeliveryOptions": {"SendingPoolName": {"Ref": Match.string_like_regexp("Pool")}, "TlsPolicy": "REQUIRE"}})


def test_dedicated_ip_pool_by_name_is_the_sending_pool(built):
    _, template = built
    _set(template, "off", {"DeliveryOptions": {"SendingPoolName": "existing-pool"}})


def test_suppression_reasons_and_validation_threshold(built):
    _, template = built
    _set(
        template,
        "full",
        {
            "SuppressionOptions": {
                "SuppressedReasons": ["COMPLAINT"],
                "ValidationOptions": {"ConditionThreshold": {"ConditionThresholdEnabled": "ENABLED", "OverallConfidenceThreshold": {"ConfidenceVerdictThreshold": "HIGH"}}},
            }
        },
    )


def test_suppression_list_and_validation_turned_off(built):
    _, template = built
    _set(template, "off", {"SuppressionOptions": {"SuppressedReasons": [], "ValidationOptions": {"ConditionThreshold": {"ConditionThresholdEnabled": "DISABLED"}}}})


def test_vdm_options(built):
    _, template = built
    _set(template, "full", {"VdmOptions": {"DashboardOptions": {"EngagementMetrics": "ENABLED"}, "GuardianOptions": {"OptimizedSharedDelivery": "DISABLED"}}})


def test_archive(built):
    _, template = built
    _set(template, "full", {"ArchivingOptions": {"ArchiveArn": ARCHIVE}})


def test_tags(built):
    _, template = built
    _set(template, "full", {"Tags": [{"Key": "cost-centre", "Value": "42"}, {"Key": "team", "Value": "growth"}]})


def test_no_tags_archive_vdm_or_pool_unless_given(built):
    _, template = built
    template.has_resource_properties(
        "AWS::SES::ConfigurationSet", {"Name": "off", "Tags": Match.absent(), "ArchivingOptions": Match.absent(), "VdmOptions": Match.absent()}
    )


def test_cfn_lint_clean(built):
    _, template = built
    assert cfn_lint(template.to_json()) == []


# --- one refusal per rule ---------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dedicated_ip_pool": "Marketing"}, r"dedicated_ip_pool: dedicated IP pool name 'Marketing' contains 'M'"),
        ({"archive_arn": "arn:aws:s3:::bucket"}, r"archive_arn: 'arn:aws:s3:::bucket' is not the ARN of a Mail Manager archive"),
        ({"tags": {"aws:team": "x"}}, r"tags.aws:team: tag key 'aws:team' begins with 'aws:'"),
        ({"tags": {"k" * 129: "x"}}, r"tag key .* must be a string of 1-128 characters"),
        ({"tags": {"team": "v" * 257}}, r"tags.team: tag value .* at most 256 characters"),
        ({"tags": {f"k{i}": "v" for i in range(51)}}, r"tags: 51 tags; a resource takes at most 50"),
        (
            {"suppression_reasons": ses.SuppressionReasons.BOUNCES_ONLY, "disable_suppression_list": True},
            r"disable_suppression_list: .*suppression_reasons cannot be given too",
        ),
        (
            {"auto_validation_threshold": ses.AutoValidationThreshold.MEDIUM, "disable_auto_validation": True},
            r"disable_auto_validation: .*auto_validation_threshold cannot be given too",
        ),
    ],
)
def test_invalid_option_is_refused_naming_it(options, message):
    with pytest.raises(ValidationError, match=message):
        SendingConfigurationSet(new_stack(), "Cs", configuration_set_name="cs", **options)
