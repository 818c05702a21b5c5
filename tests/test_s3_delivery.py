"""S3DeliveryStream: secure defaults and a least-privilege Firehose role."""

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Match, Template
from conftest import new_stack

from ses_metrics import AccessLogsBucket, S3DeliveryStream, ValidationError


@pytest.fixture(scope="module")
def built():
    stack = new_stack()
    logs = AccessLogsBucket(stack, "Logs")
    archive = S3DeliveryStream(stack, "Archive", delivery_stream_name="events-archive", access_logs_bucket=logs, prefix="ses/")
    existing = s3.Bucket.from_bucket_name(stack, "Existing", "existing-bucket")
    S3DeliveryStream(stack, "IntoExisting", bucket=existing, compression="UNCOMPRESSED", buffering_interval=cdk.Duration.seconds(60))
    return stack, Template.from_stack(stack), archive, logs


def test_bucket_is_encrypted_versioned_and_blocks_public_access(built):
    stack, template, archive, _ = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]},
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True,
            },
            "VersioningConfiguration": {"Status": "Enabled"},
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        },
    )


def test_bucket_expires_noncurrent_versions_and_aborts_stale_uploads(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {"NoncurrentVersionExpiration": {"NoncurrentDays": 30}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}}
                    )
                ]
            }
        },
    )


def test_buckets_are_retained_when_the_stack_is_deleted(built):
    _, template, *_ = built
    for bucket in template.find_resources("AWS::S3::Bucket").values():
        assert bucket["DeletionPolicy"] == "Retain"


def test_bucket_requires_tls(built):
    stack, template, archive, _ = built
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": stack.resolve(archive.bucket.bucket_name),
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Effect": "Deny", "Action": "s3:*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}})]
                )
            },
        },
    )


def test_bucket_logs_server_access_to_the_log_bucket(built):
    stack, template, _, logs = built
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {"LoggingConfiguration": {"DestinationBucketName": stack.resolve(logs.bucket_name), "LogFilePrefix": Match.any_value()}},
    )


def test_log_bucket_policy_admits_s3_log_delivery_for_that_bucket_only(built):
    stack, template, archive, logs = built
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "Bucket": stack.resolve(logs.bucket_name),
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Principal": {"Service": "logging.s3.amazonaws.com"},
                                "Action": "s3:PutObject",
                                "Condition": {
                                    "ArnLike": {"aws:SourceArn": stack.resolve(archive.bucket.bucket_arn)},
                                    "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}},
                                },
                            }
                        )
                    ]
                )
            },
        },
    )


def test_stream_is_encrypted_compressed_and_writes_under_the_prefix(built):
    stack, template, archive, _ = built
    template.has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        {
            "DeliveryStreamName": "events-archive",
            "DeliveryStreamType": "DirectPut",
            "DeliveryStreamEncryptionConfigurationInput": {"KeyType": "AWS_OWNED_CMK"},
            "ExtendedS3DestinationConfiguration": Match.object_like(
                {
                    "BucketARN": stack.resolve(archive.bucket.bucket_arn),
                    "Prefix": "ses/",
                    "ErrorOutputPrefix": "ses-events-errors/",
                    "CompressionFormat": "GZIP",
                    "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 5},
                }
            ),
        },
    )


def test_stream_into_an_existing_bucket_creates_no_bucket_for_it(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        {
            "ExtendedS3DestinationConfiguration": Match.object_like(
                {
                    "BucketARN": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::existing-bucket"]]},
                    "CompressionFormat": "UNCOMPRESSED",
                    "BufferingHints": {"IntervalInSeconds": 60, "SizeInMBs": 5},
                }
            )
        },
    )
    template.resource_count_is("AWS::S3::Bucket", 2)  # the archive and the shared log bucket


def test_firehose_role_is_assumable_only_by_firehose_for_this_account(built):
    _, template, *_ = built
    template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    {
                        "Action": "sts:AssumeRole",
                        "Effect": "Allow",
                        "Principal": {"Service": "firehose.amazonaws.com"},
                        "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}},
                    }
                ]
            }
        },
    )


def test_firehose_role_writes_only_its_prefixes_of_its_bucket(built):
    stack, template, archive, _ = built
    bucket_arn = stack.resolve(archive.bucket.bucket_arn)
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(archive.role.role_name)],
            "PolicyDocument": {
                "Statement": Match.array_with([
                    {"Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], "Effect": "Allow", "Resource": bucket_arn},
                    {
                        "Action": ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"],
                        "Effect": "Allow",
                        "Resource": [
                            {"Fn::Join": ["", [bucket_arn, "/ses/*"]]},
                            {"Fn::Join": ["", [bucket_arn, "/ses-events-errors/*"]]},
                        ],
                    },
                ])
            },
        },
    )


def test_rejects_invalid_stream_name(stack):
    with pytest.raises(ValidationError, match=r"delivery_stream_name: delivery stream name 'events archive' contains ' '"):
        S3DeliveryStream(stack, "Archive", delivery_stream_name="events archive")


def test_rejects_unknown_compression(stack):
    with pytest.raises(ValidationError, match=r"compression: unknown compression 'gzip'; use one of GZIP, UNCOMPRESSED"):
        S3DeliveryStream(stack, "Archive", compression="gzip")
