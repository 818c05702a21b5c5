"""``S3DeliveryStream``: a Kinesis Data Firehose stream archiving SES event records in S3."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose
from aws_cdk import aws_s3 as s3
from constructs import Construct

from ses_metrics import rules

COMPRESSION_FORMATS = ("GZIP", "UNCOMPRESSED", "ZIP", "Snappy", "HADOOP_SNAPPY")


def secure_bucket_props() -> dict[str, object]:
    """Bucket settings every ses-metrics bucket gets: SSE-S3, TLS only, no public access,
    bucket-owner-enforced objects, retained when the stack is deleted."""
    return {
        "encryption": s3.BucketEncryption.S3_MANAGED,
        "enforce_ssl": True,
        "block_public_access": s3.BlockPublicAccess.BLOCK_ALL,
        "object_ownership": s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        "removal_policy": cdk.RemovalPolicy.RETAIN,
    }


class AccessLogsBucket(s3.Bucket):
    """The bucket receiving S3 server access logs of the event buckets.

    Secured like them (``secure_bucket_props``), objects owned by the bucket owner as
    S3 log delivery requires, logs expire after ``expiration`` (default 365 days).
    """

    def __init__(self, scope: Construct, construct_id: str, *, expiration: cdk.Duration | None = None) -> None:
        super().__init__(
            scope,
            construct_id,
            **secure_bucket_props(),
            lifecycle_rules=[s3.LifecycleRule(expiration=expiration or cdk.Duration.days(365))],
        )
        cdk.Validations.of(self).acknowledge(
            cdk.Acknowledgment(
                id="AwsSolutions-S1",
                reason="This is the server access log bucket itself; logging it into another bucket would only move the problem.",
            )
        )


def log_server_access(bucket: s3.Bucket, logs: s3.IBucket, prefix: str) -> None:
    """Send ``bucket``'s server access logs to ``logs`` under ``prefix``.

    Grants S3 log delivery through the log bucket's policy (scoped to this source bucket
    and account), never an ACL, so both buckets stay BucketOwnerEnforced. The L2's
    ``server_access_logs_bucket`` does the same only under an app-wide feature flag.
    """
    cfn = bucket.node.default_child
    assert isinstance(cfn, s3.CfnBucket)
    cfn.logging_configuration = s3.CfnBucket.LoggingConfigurationProperty(
        destination_bucket_name=logs.bucket_name, log_file_prefix=prefix
    )
    logs.add_to_resource_policy(
        iam.PolicyStatement(
            principals=[iam.ServicePrincipal("logging.s3.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[logs.arn_for_objects(f"{prefix}*")],
            conditions={
                "ArnLike": {"aws:SourceArn": bucket.bucket_arn},
                "StringEquals": {"aws:SourceAccount": cdk.Stack.of(bucket).account},
            },
        )
    )


class S3DeliveryStream(Construct):
    """A Firehose stream (direct PUT) that writes SES event records to S3.

    By default it creates the bucket: SSE-S3, TLS only, public access blocked, versioned
    (noncurrent versions expire after 30 days, incomplete uploads are aborted after 7),
    retained on stack deletion, server access logs into ``access_logs_bucket`` or a new
    ``AccessLogsBucket``. Records are GZIP-compressed under ``prefix`` (Firehose adds
    ``YYYY/MM/dd/HH/``), failed records go under ``error_output_prefix``, the stream is
    encrypted with an AWS-owned key, and Firehose's role may write only those two prefixes
    of that one bucket.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        delivery_stream_name: str | None = None,
        bucket: s3.IBucket | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        prefix: str = "ses-events/",
        error_output_prefix: str = "ses-events-errors/",
        compression: str = "GZIP",
        buffering_interval: cdk.Duration | None = None,
        buffering_size_mib: int = 5,
    ) -> None:
        super().__init__(scope, construct_id)
        problems: list[rules.Problem] = []
        if delivery_stream_name is not None and not cdk.Token.is_unresolved(delivery_stream_name):
            problems += rules.under(rules.check_delivery_stream_name(delivery_stream_name), "delivery_stream_name")
        if compression not in COMPRESSION_FORMATS:
            problems.append(
                rules.Problem(("compression",), f"unknown compression {compression!r}; use one of {', '.join(COMPRESSION_FORMATS)}")
            )
        rules.raise_for(problems, f"S3DeliveryStream {self.node.path}")

        if bucket is None:
            bucket = s3.Bucket(
                self,
                "Bucket",
                **secure_bucket_props(),
                versioned=True,
                lifecycle_rules=[
                    s3.LifecycleRule(
                        noncurrent_version_expiration=cdk.Duration.days(30),
                        abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                    )
                ],
            )
            log_server_access(bucket, access_logs_bucket or AccessLogsBucket(self, "AccessLogs"), f"{cdk.Names.unique_id(self)}/")
        self.bucket = bucket
        self.prefix = prefix
        self.error_output_prefix = error_output_prefix

        stack = cdk.Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            description="Assumed by Kinesis Data Firehose to write SES event records to S3",
            assumed_by=iam.ServicePrincipal(
                "firehose.amazonaws.com", conditions={"StringEquals": {"sts:ExternalId": stack.account}}
            ),
        )
        object_arns = [bucket.arn_for_objects(f"{p}*") for p in dict.fromkeys((prefix, error_output_prefix))]
        policy = iam.Policy(
            self,
            "S3Delivery",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
                    resources=[bucket.bucket_arn],
                ),
                iam.PolicyStatement(
                    actions=["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources=object_arns
                ),
            ],
        )
        for arn in object_arns:
            cdk.Validations.of(policy).acknowledge(
                cdk.Acknowledgment(
                    id=f"AwsSolutions-IAM5[Resource::{_nag_resource(stack, arn)}]",
                    reason="Firehose names every object itself (time path and random suffix); the wildcard is limited to this stream's prefix in this bucket.",
                )
            )

        self.resource = firehose.CfnDeliveryStream(
            self,
            "Resource",
            delivery_stream_name=delivery_stream_name,
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=firehose.CfnDeliveryStream.DeliveryStreamEncryptionConfigurationInputProperty(
                key_type="AWS_OWNED_CMK"
            ),
            extended_s3_destination_configuration=firehose.CfnDeliveryStream.ExtendedS3DestinationConfigurationProperty(
                bucket_arn=bucket.bucket_arn,
                role_arn=self.role.role_arn,
                prefix=prefix,
                error_output_prefix=error_output_prefix,
                compression_format=compression,
                buffering_hints=firehose.CfnDeliveryStream.BufferingHintsProperty(
                    interval_in_seconds=int((buffering_interval or cdk.Duration.seconds(300)).to_seconds()),
                    size_in_m_bs=buffering_size_mib,
                ),
            ),
        )
        # Firehose checks its role's permissions when the stream is created.
        self.resource.node.add_dependency(policy)
        self.delivery_stream_arn: str = self.resource.attr_arn
        self.delivery_stream_name: str = self.resource.ref


def _nag_resource(stack: cdk.Stack, arn: str) -> str:
    """An ARN as cdk-nag spells it in a finding id (``<Logical.Arn>/prefix/*``)."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, str):
        return resolved
    parts = resolved["Fn::Join"][1]
    out = ""
    for part in parts:
        if isinstance(part, str):
            out += part
        elif "Fn::GetAtt" in part:
            out += "<{}.{}>".format(*part["Fn::GetAtt"])
        elif "Ref" in part:
            out += f"<{part['Ref']}>"
    return out
