"""The S3 buckets behind the delivery streams: ``EventBucket`` (archive, staging and
backup buckets) and ``AccessLogsBucket``, secured alike."""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from constructs import Construct
from ses_metrics import rules
from ses_metrics.rules import firehose

BUCKET_ENCRYPTIONS = ("SSE_S3", "KMS")
# Config spelling -> CDK storage class.
STORAGE_CLASSES = {
    "STANDARD_IA": s3.StorageClass.INFREQUENT_ACCESS,
    "ONEZONE_IA": s3.StorageClass.ONE_ZONE_INFREQUENT_ACCESS,
    "INTELLIGENT_TIERING": s3.StorageClass.INTELLIGENT_TIERING,
    "GLACIER_IR": s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
    "GLACIER": s3.StorageClass.GLACIER,
    "DEEP_ARCHIVE": s3.StorageClass.DEEP_ARCHIVE,
}


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
    Versioned, so an overwritten or deleted log stays recoverable for 30 days (checkov
    CKV_AWS_21), as the event buckets do.
    """

    def __init__(self, scope: Construct, construct_id: str, *, expiration: cdk.Duration | None = None) -> None:
        super().__init__(
            scope,
            construct_id,
            **secure_bucket_props(),
            versioned=True,
            lifecycle_rules=[
                s3.LifecycleRule(
                    expiration=expiration or cdk.Duration.days(365),
                    noncurrent_version_expiration=cdk.Duration.days(30),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                )
            ],
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


class EventBucket(s3.Bucket):
    """A bucket for SES event records (a stream's archive, staging or backup bucket).

    By default: SSE-S3 (``encryption="KMS"`` uses ``encryption_key``, else creates a
    KMS key with rotation on; giving ``encryption_key`` implies KMS), TLS only, public access blocked, bucket-owner-enforced objects,
    versioned (noncurrent versions expire after 30 days, incomplete uploads are aborted
    after 7), retained when the stack is deleted, and server access logs into
    ``access_logs_bucket`` (else a new ``AccessLogsBucket`` child). To keep it from
    logging, give ``access_logs_disabled_reason``: it becomes the reason of the
    acknowledged cdk-nag finding AwsSolutions-S1. Objects move to
    ``transition_storage_class`` (default STANDARD_IA) after ``transition_after`` and
    expire after ``expire_after``; neither happens by default.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        encryption: str = "SSE_S3",
        encryption_key: kms.IKey | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        access_logs_disabled_reason: str | None = None,
        transition_after: cdk.Duration | None = None,
        transition_storage_class: str = "STANDARD_IA",
        expire_after: cdk.Duration | None = None,
    ) -> None:
        days = {
            "transition_after": _days(transition_after),
            "expire_after": _days(expire_after),
        }
        problems = firehose.check_lifecycle(days["transition_after"], transition_storage_class, days["expire_after"])
        problems += rules.under(firehose.check_choice(encryption, BUCKET_ENCRYPTIONS, "bucket encryption"), "encryption")
        if access_logs_disabled_reason is not None and access_logs_bucket is not None:
            problems.append(rules.Problem(("access_logs_disabled_reason",), "give either access_logs_bucket or a reason not to log, not both"))
        if access_logs_disabled_reason is not None and len(access_logs_disabled_reason.strip()) < 20:
            problems.append(
                rules.Problem(("access_logs_disabled_reason",), "say why this bucket needs no server access logs (at least 20 characters)")
            )
        rules.raise_for(problems, f"EventBucket {construct_id}")

        key = encryption_key
        if key is None and encryption == "KMS":
            key = _retained_key(scope, f"{construct_id}Key", "Encrypts SES event records in an ses-metrics bucket")
        lifecycle = s3.LifecycleRule(
            noncurrent_version_expiration=cdk.Duration.days(30),
            abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
            transitions=[s3.Transition(storage_class=STORAGE_CLASSES[transition_storage_class], transition_after=transition_after)]
            if transition_after is not None
            else None,
            expiration=expire_after,
        )
        props = secure_bucket_props()
        if key is not None:
            props |= {"encryption": s3.BucketEncryption.KMS, "encryption_key": key, "bucket_key_enabled": True}
        super().__init__(scope, construct_id, **props, versioned=True, lifecycle_rules=[lifecycle])
        if access_logs_disabled_reason is not None:
            cdk.Validations.of(self).acknowledge(cdk.Acknowledgment(id="AwsSolutions-S1", reason=access_logs_disabled_reason))
        else:
            logs = access_logs_bucket or AccessLogsBucket(self, "AccessLogs")
            log_server_access(self, logs, f"{cdk.Names.unique_id(self)}/")


def _days(duration: cdk.Duration | None) -> object:
    if duration is None:
        return None
    if cdk.Token.is_unresolved(duration.to_seconds()):
        return rules.UNRESOLVED
    return duration.to_days()


def _retained_key(scope: Construct, construct_id: str, description: str) -> kms.Key:
    return kms.Key(scope, construct_id, description=description, enable_key_rotation=True, removal_policy=cdk.RemovalPolicy.RETAIN)
