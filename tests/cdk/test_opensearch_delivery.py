"""OpenSearchDeliveryStream: existing or new domain, index rules, scoped role, VPC delivery."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk.assertions import Annotations, Match, Template
from conftest import new_stack

from ses_metrics import ValidationError
from ses_metrics.cdk.delivery.opensearch import DomainArn, OpenSearchDeliveryStream
from ses_metrics.rules import record_schema

DOMAIN_ARN = "arn:aws:es:eu-west-1:111122223333:domain/ses-events"
STREAM = "AWS::KinesisFirehose::DeliveryStream"


@pytest.fixture(scope="module")
def built():
    stack = new_stack()
    existing = OpenSearchDeliveryStream(
        stack, "Existing", index_name="ses-events", domain=DomainArn(DOMAIN_ARN), index_rotation="NoRotation", delivery_stream_name="ses-search"
    )
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["eu-west-1a"], private_subnet_ids=["subnet-1"])
    created = OpenSearchDeliveryStream(
        stack,
        "Created",
        index_name="ses-bounces",
        domain_name="ses-bounces",
        master_user_arn="arn:aws:iam::111122223333:role/search-admin",
        backup_mode="AllDocuments",
        retry_duration=cdk.Duration.minutes(10),
        buffering_size_mib=100,
        subnets=vpc.private_subnets,
        security_groups=[ec2.SecurityGroup.from_security_group_id(stack, "Sg", "sg-1")],
    )
    return stack, Template.from_stack(stack), existing, created


def test_two_streams_in_one_stack(built):
    _, template, *_ = built
    template.resource_count_is(STREAM, 2)


def test_the_index_template_of_the_record_is_published_in_the_stream_s_metadata(built):
    _, template, existing, _ = built
    template.has_resource(STREAM, {
        "Properties": {"DeliveryStreamName": "ses-search"},
        "Metadata": {"ses-metrics": {"indexTemplateName": "ses-metrics-ses-events",
                                     "indexTemplate": record_schema.opensearch_index_template("ses-events")}},
    })
    assert existing.index_template == record_schema.opensearch_index_template("ses-events")
    assert existing.index_template_name == "ses-metrics-ses-events"


def test_existing_domain_index_rotation_backup_and_buffering(built):
    _, template, *_ = built
    template.has_resource_properties(
        STREAM,
        {
            "DeliveryStreamName": "ses-search",
            "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"},
            "AmazonopensearchserviceDestinationConfiguration": Match.object_like(
                {
                    "DomainARN": DOMAIN_ARN,
                    "IndexName": "ses-events",
                    "IndexRotationPeriod": "NoRotation",
                    "S3BackupMode": "FailedDocumentsOnly",
                    "RetryOptions": {"DurationInSeconds": 300},
                    "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 5},
                    "S3Configuration": Match.object_like({"Prefix": "ses-opensearch-backup/", "CompressionFormat": "GZIP"}),
                    "CloudWatchLoggingOptions": Match.object_like({"Enabled": True, "LogStreamName": "DestinationDelivery"}),
                    "TypeName": Match.absent(),
                    "VpcConfiguration": Match.absent(),
                }
            ),
        },
    )


def test_existing_domain_warns_that_its_policy_must_admit_the_role(built):
    stack, *_ = built
    Annotations.from_stack(stack).has_warning("/Test/Existing", Match.string_like_regexp("is not managed here"))


def test_role_writes_to_that_domain_only(built):
    stack, template, existing, _ = built
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(existing.role.role_name)],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        {
                            "Action": ["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig", "es:ESHttpPost", "es:ESHttpPut"],
                            "Effect": "Allow",
                            "Resource": [DOMAIN_ARN, f"{DOMAIN_ARN}/*"],
                        },
                        Match.object_like({"Action": "es:ESHttpGet", "Resource": Match.array_with([f"{DOMAIN_ARN}/ses-events*/_stats"])}),
                    ]
                )
            },
        },
    )


def test_new_domain_is_encrypted_https_only_and_retained(built):
    _, template, *_ = built
    template.has_resource(
        "AWS::OpenSearchService::Domain",
        {
            "DeletionPolicy": "Retain",
            "Properties": Match.object_like(
                {
                    "DomainName": "ses-bounces",
                    "EncryptionAtRestOptions": {"Enabled": True},
                    "NodeToNodeEncryptionOptions": {"Enabled": True},
                    "DomainEndpointOptions": Match.object_like({"EnforceHTTPS": True, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-2019-07"}),
                    "AdvancedSecurityOptions": Match.object_like(
                        {"Enabled": True, "MasterUserOptions": {"MasterUserARN": "arn:aws:iam::111122223333:role/search-admin"}}
                    ),
                }
            ),
        },
    )


def test_new_domain_access_policy_admits_only_the_stream_role(built):
    stack, template, _, created = built
    template.has_resource_properties(
        "AWS::OpenSearchService::Domain",
        {
            "AccessPolicies": {
                "Statement": [
                    {
                        "Action": ["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpGet"],
                        "Effect": "Allow",
                        "Principal": {"AWS": stack.resolve(created.role.role_arn)},
                        "Resource": {"Fn::Join": ["", Match.array_with([":domain/ses-bounces/*"])]},
                    }
                ],
                "Version": "2012-10-17",
            }
        },
    )


def test_vpc_delivery_all_documents_backup_and_retry(built):
    stack, template, _, created = built
    template.has_resource_properties(
        STREAM,
        {
            "AmazonopensearchserviceDestinationConfiguration": Match.object_like(
                {
                    "DomainARN": stack.resolve(created.domain.domain_arn),
                    "S3BackupMode": "AllDocuments",
                    "RetryOptions": {"DurationInSeconds": 600},
                    "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 100},
                    "VpcConfiguration": {
                        "RoleARN": stack.resolve(created.role.role_arn),
                        "SubnetIds": ["subnet-1"],
                        "SecurityGroupIds": ["sg-1"],
                    },
                }
            )
        },
    )


# --- invalid input, one rule each ---------------------------------------------------


def test_rejects_upper_case_index_name(stack):
    with pytest.raises(ValidationError, match=r"index_name: index name 'SES' has upper-case letters"):
        OpenSearchDeliveryStream(stack, "S", index_name="SES", domain=DomainArn(DOMAIN_ARN))


def test_rejects_unknown_index_rotation(stack):
    with pytest.raises(ValidationError, match=r"index_rotation: unknown index rotation 'Daily'"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), index_rotation="Daily")


def test_rejects_unknown_backup_mode(stack):
    with pytest.raises(ValidationError, match=r"backup_mode: unknown backup mode 'Failed'"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), backup_mode="Failed")


def test_rejects_buffering_over_100_mib(stack):
    with pytest.raises(ValidationError, match=r"buffering_size: 128 MiB is out of range; Firehose allows 1-100 MiB"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), buffering_size_mib=128)


def test_rejects_subnets_without_security_groups(stack):
    vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id="vpc-1", availability_zones=["a"], private_subnet_ids=["subnet-1"])
    with pytest.raises(ValidationError, match=r"subnets: a VPC delivery needs both subnets and security_groups"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), subnets=vpc.private_subnets)


def test_rejects_weakening_the_new_domain(stack):
    with pytest.raises(ValidationError, match=r"domain_props: encryption_at_rest, enforce_https cannot be overridden"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain_props={"enforce_https": False, "encryption_at_rest": None})


def test_rejects_new_domain_options_with_an_existing_domain(stack):
    with pytest.raises(ValidationError, match=r"domain_props: domain_name, domain_props and master_user_arn apply to a new domain"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), domain_name="ses-x")


ADMIN = "arn:aws:iam::111122223333:role/search-admin"


@pytest.fixture(scope="module")
def administered():
    stack = new_stack()
    stream = OpenSearchDeliveryStream(stack, "S", index_name="ses-events", domain_name="ses-events", index_template_admins=[ADMIN])
    return stack, Template.from_stack(stack), stream


def test_index_template_admins_may_put_and_read_that_one_template_in_a_new_domain(administered):
    stack, template, stream = administered
    template.has_resource_properties("AWS::OpenSearchService::Domain", {
        "AccessPolicies": {"Statement": Match.array_with([{
            "Action": ["es:ESHttpPut", "es:ESHttpGet"],
            "Effect": "Allow",
            "Principal": {"AWS": ADMIN},
            "Resource": {"Fn::Join": ["", Match.array_with([":domain/ses-events/_index_template/ses-metrics-ses-events"])]},
        }])},
    })


def test_rejects_index_template_admins_with_an_existing_domain(stack):
    with pytest.raises(ValidationError, match=r"index_template_admins: index_template_admins apply to a new domain's access policy"):
        OpenSearchDeliveryStream(stack, "S", index_name="ses", domain=DomainArn(DOMAIN_ARN), index_template_admins=[ADMIN])
