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


# --- partitioning, KMS, logging, lifecycle ------------------------------------------


@pytest.fixture(scope="module")
def partitioned():
    from ses_metrics import EventBucket, SendingConfigurationSet

    stack = new_stack()
    bucket = EventBucket(
        stack, "Archive", encryption="KMS", transition_after=cdk.Duration.days(90), expire_after=cdk.Duration.days(730),
        access_logs_disabled_reason="Test bucket: the records are synthetic and no one reads its access logs.",
    )
    stream = S3DeliveryStream(stack, "Partitioned", bucket=bucket, prefix="ses/", partition_by=["event_type", "configuration_set"])
    for name in ("marketing", "transactional"):
        SendingConfigurationSet(stack, name, configuration_set_name=name).add_firehose_destination("archive", delivery_stream=stream)
    return stack, Template.from_stack(stack), stream


def test_dynamic_partitioning_by_event_type_and_configuration_set(partitioned):
    _, template, _ = partitioned
    template.has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        {
            "ExtendedS3DestinationConfiguration": Match.object_like(
                {
                    "Prefix": "ses/eventType=!{partitionKeyFromQuery:eventType}/configurationSet=!{partitionKeyFromQuery:configurationSet}/"
                    "year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/",
                    "ErrorOutputPrefix": "ses-events-errors/",
                    "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 64},
                    "DynamicPartitioningConfiguration": {"Enabled": True, "RetryOptions": {"DurationInSeconds": 300}},
                    "ProcessingConfiguration": {
                        "Enabled": True,
                        "Processors": [
                            {
                                "Type": "MetadataExtraction",
                                "Parameters": [
                                    {
                                        "ParameterName": "MetadataExtractionQuery",
                                        "ParameterValue": '{eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}',
                                    },
                                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                                ],
                            }
                        ],
                    },
                }
            )
        },
    )


def test_kms_bucket_key_is_used_for_the_stream_prefixes_only(partitioned):
    stack, template, stream = partitioned
    key_arn = stack.resolve(stream.bucket.encryption_key.key_arn)
    template.has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        {"ExtendedS3DestinationConfiguration": Match.object_like({"EncryptionConfiguration": {"KMSEncryptionConfig": {"AWSKMSKeyARN": key_arn}}})},
    )
    template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "Roles": [stack.resolve(stream.role.role_name)],
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                                "Resource": key_arn,
                                "Condition": Match.object_like({"StringLike": {"kms:EncryptionContext:aws:s3:arn": Match.any_value()}}),
                            }
                        )
                    ]
                )
            },
        },
    )
    template.has_resource_properties("AWS::KMS::Key", {"EnableKeyRotation": True})


def test_bucket_lifecycle_transition_and_expiry(partitioned):
    _, template, _ = partitioned
    template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "LifecycleConfiguration": {
                "Rules": [
                    Match.object_like(
                        {"ExpirationInDays": 730, "Transitions": [{"StorageClass": "STANDARD_IA", "TransitionInDays": 90}]}
                    )
                ]
            }
        },
    )


def test_bucket_without_access_logs_acknowledges_s1_with_the_reason_given(partitioned):
    stack, template, stream = partitioned
    acknowledged = {
        rule: reason
        for entry in stream.bucket.node.metadata
        if entry.type == cdk.Validations.ACKNOWLEDGED_RULES_METADATA_KEY
        for rule, reason in entry.data.items()
    }
    assert acknowledged == {"Annotation::AwsSolutions-S1": "Test bucket: the records are synthetic and no one reads its access logs."}
    template.resource_count_is("AWS::S3::Bucket", 1)


def test_delivery_errors_are_logged(partitioned):
    stack, template, stream = partitioned
    template.has_resource_properties(
        "AWS::KinesisFirehose::DeliveryStream",
        {
            "ExtendedS3DestinationConfiguration": Match.object_like(
                {"CloudWatchLoggingOptions": {"Enabled": True, "LogGroupName": stack.resolve(stream.log_group.log_group_name), "LogStreamName": "DestinationDelivery"}}
            )
        },
    )
    template.has_resource_properties("AWS::Logs::LogStream", {"LogStreamName": "DestinationDelivery"})


def test_one_ses_role_trusts_every_configuration_set_using_the_stream(partitioned):
    stack, template, stream = partitioned
    roles = [
        r for r in template.find_resources("AWS::IAM::Role").values()
        if r["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "ses.amazonaws.com"}
    ]
    assert len(roles) == 1
    arns = roles[0]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0]["Condition"]["StringEquals"]["aws:SourceArn"]
    assert len(arns) == 2 and arns[0] != arns[1]
    assert all(":configuration-set/" in a["Fn::Join"][1] for a in arns)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"partition_by": ["event_type"], "buffering_size_mib": 5}, r"buffering_size: 5 MiB is out of range; Firehose allows 64-128 MiB with dynamic partitioning"),
        ({"partition_by": ["event_type"], "error_output_prefix": ""}, r"error_output_prefix: required when the prefix contains expressions"),
        ({"partition_by": ["campaign"]}, r"partition_by\[0\]: unknown partition key 'campaign'"),
        ({"prefix": "ses/!{timestamp:yyyy}/", "error_output_prefix": ""}, r"error_output_prefix: required when the prefix contains expressions"),
        ({"prefix": "ses/!{firehose:error-output-type}/"}, r"prefix: !\{firehose:error-output-type\} may only appear in the error output prefix"),
        ({"prefix": "ses/!{partitionKeyFromQuery:eventType}/"}, r"prefix: partitionKeyFromQuery expressions need dynamic partitioning"),
        ({"buffering_interval": cdk.Duration.minutes(16)}, r"buffering_interval: 960 s is out of range; Firehose allows 0-900 seconds"),
        ({"partition_by": ["event_type"], "partition_retry_duration": cdk.Duration.hours(3)}, r"partition_retry_duration: retry duration 10800 s"),
    ],
)
def test_rejects_invalid_firehose_combinations(stack, kwargs, expected):
    with pytest.raises(ValidationError, match=expected):
        S3DeliveryStream(stack, "Archive", **kwargs)


def test_event_bucket_rejects_expiry_before_transition(stack):
    from ses_metrics import EventBucket

    with pytest.raises(ValidationError, match=r"expire_after: objects expire after 30 days, before their transition after 60"):
        EventBucket(stack, "B", transition_after=cdk.Duration.days(60), expire_after=cdk.Duration.days(30))


def test_event_bucket_needs_a_real_reason_to_skip_access_logs(stack):
    from ses_metrics import EventBucket

    with pytest.raises(ValidationError, match=r"access_logs_disabled_reason: say why"):
        EventBucket(stack, "B", access_logs_disabled_reason="no")
