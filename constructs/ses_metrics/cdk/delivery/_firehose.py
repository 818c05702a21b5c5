"""What the three delivery stream constructs share: the Firehose role and its least-
privilege policy, the SES role trusted by every configuration set using the stream,
delivery-error logging, stream encryption and the cdk-nag acknowledgments of the
wildcards Firehose needs. Private: the public API is in s3.py, redshift.py, opensearch.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesisfirehose as firehose_l1
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.rules import UNRESOLVED, defaults
from ses_metrics.rules import firehose as firehose_rules

Cfn = firehose_l1.CfnDeliveryStream

# The key of the CloudFormation resource metadata a stream publishes for deployment and
# the simulator (Redshift: the table and its DDL; OpenSearch: the index template).
METADATA_KEY = "ses-metrics"

OBJECT_KEY_REASON = (
    "Firehose names every object itself (time path and random suffix); the wildcard is limited to this stream's "
    "prefix in this bucket."
)


def seconds(duration: cdk.Duration | None, default: int) -> int:
    return default if duration is None else int(duration.to_seconds())


def known_seconds(duration: cdk.Duration | None) -> object:
    if duration is None:
        return None
    value = duration.to_seconds()
    return UNRESOLVED if cdk.Token.is_unresolved(value) else value


def static_part(prefix: str) -> str:
    """The part of an S3 prefix before its first ``!{...}`` expression: what IAM can scope to."""
    return prefix.split("!{", 1)[0]


def nag_resource(stack: cdk.Stack, arn: str) -> str:
    """An ARN as cdk-nag spells it in a finding id (``<Logical.Arn>/prefix/*``)."""
    resolved = stack.resolve(arn)
    if isinstance(resolved, str):
        return resolved
    parts = resolved["Fn::Join"][1] if "Fn::Join" in resolved else [resolved]
    out = ""
    for part in parts:
        if isinstance(part, str):
            out += part
        elif "Fn::GetAtt" in part:
            out += "<{}.{}>".format(*part["Fn::GetAtt"])
        elif "Ref" in part:
            out += f"<{part['Ref']}>"
    return out


def acknowledge_wildcards(policy: Construct, resources: Sequence[str], reason: str) -> None:
    """Acknowledge cdk-nag AwsSolutions-IAM5 for each wildcard resource, one by one."""
    stack = cdk.Stack.of(policy)
    for arn in dict.fromkeys(resources):
        spelled = nag_resource(stack, arn)
        if "*" in spelled:
            cdk.Validations.of(policy).acknowledge(cdk.Acknowledgment(id=f"AwsSolutions-IAM5[Resource::{spelled}]", reason=reason))


def s3_statements(bucket: s3.IBucket, prefixes: Sequence[str], *, read_keys: Sequence[str] = ()) -> list[iam.PolicyStatement]:
    """Firehose's S3 permissions on ``bucket``, objects limited to ``prefixes`` (and
    read-only ``read_keys``); with a KMS-encrypted bucket, the key for those objects only."""
    object_arns = [bucket.arn_for_objects(f"{static_part(p)}*") for p in dict.fromkeys(prefixes)]
    statements = [
        iam.PolicyStatement(actions=["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"], resources=[bucket.bucket_arn]),
        iam.PolicyStatement(actions=["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"], resources=object_arns),
    ]
    if read_keys:
        statements.append(iam.PolicyStatement(actions=["s3:GetObject"], resources=[bucket.arn_for_objects(k) for k in read_keys]))
    if bucket.encryption_key is not None:
        statements.append(
            iam.PolicyStatement(
                actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[bucket.encryption_key.key_arn],
                conditions={
                    "StringEquals": {"kms:ViaService": f"s3.{cdk.Aws.REGION}.{cdk.Aws.URL_SUFFIX}"},
                    # The object's ARN is the encryption context without an S3 Bucket Key; with one
                    # (EventBucket turns it on) S3 passes the bucket's ARN instead (S3 guide, "Using
                    # Amazon S3 Bucket Keys"): both are admitted, the S3 statement limits the objects.
                    "StringLike": {"kms:EncryptionContext:aws:s3:arn": [bucket.bucket_arn, *object_arns]},
                },
            )
        )
    return statements


def encryption_configuration(bucket: s3.IBucket) -> Cfn.EncryptionConfigurationProperty | None:
    """SSE-KMS with the bucket's key when it has one; else the bucket's default (SSE-S3)."""
    if bucket.encryption_key is None:
        return None
    return Cfn.EncryptionConfigurationProperty(
        kms_encryption_config=Cfn.KMSEncryptionConfigProperty(awskms_key_arn=bucket.encryption_key.key_arn)
    )


def check_name(name: str | None) -> list[rules.Problem]:
    if name is None:
        return []
    return rules.under(rules.check_delivery_stream_name(known(name)), "delivery_stream_name")


def check_backup_prefix(prefix: str, field: str = "backup_prefix") -> list[rules.Problem]:
    """An S3 backup prefix (no error prefix of its own), located at ``field``."""
    return [rules.Problem((field,), p.message) for p in firehose_rules.check_prefixes(known(prefix), None)]


class DeliveryStreamBase(Construct):
    """The parts every ses-metrics delivery stream has.

    Subclasses validate, then call :meth:`_create_role`, add statements to
    ``self.policy`` and create ``self.resource`` with :meth:`_create_stream`.
    Attributes: ``role`` (assumed by Firehose), ``policy``, ``log_group`` (or ``None``),
    ``resource`` (the ``CfnDeliveryStream``), ``delivery_stream_arn``, ``delivery_stream_name``.
    """

    LOG_STREAMS = ("DestinationDelivery", "BackupDelivery")

    role: iam.Role
    policy: iam.Policy
    resource: Cfn
    log_group: logs.ILogGroup | None
    delivery_stream_arn: str
    delivery_stream_name: str

    def _create_role(self, description: str, *, logging: bool, log_group: logs.ILogGroup | None) -> None:
        stack = cdk.Stack.of(self)
        self.role = iam.Role(
            self,
            "Role",
            description=description,
            assumed_by=iam.ServicePrincipal(rules.FIREHOSE_PRINCIPAL, conditions={"StringEquals": {"sts:ExternalId": stack.account}}),
        )
        self.policy = iam.Policy(self, "Delivery", roles=[self.role])
        self.log_group = None
        if logging:
            self.log_group = log_group or logs.LogGroup(
                self, "Logs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=cdk.RemovalPolicy.RETAIN
            )
            for name in self.LOG_STREAMS:
                logs.LogStream(self, name, log_group=self.log_group, log_stream_name=name, removal_policy=cdk.RemovalPolicy.RETAIN)
            self.policy.add_statements(
                iam.PolicyStatement(
                    actions=["logs:PutLogEvents"],
                    resources=[
                        stack.format_arn(
                            service="logs",
                            resource="log-group",
                            resource_name=f"{self.log_group.log_group_name}:log-stream:{name}",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                        for name in self.LOG_STREAMS
                    ],
                )
            )
        self._ses_role: iam.Role | None = None
        self._ses_source_arns: list[str] = []

    def _logging(self, stream: str) -> Cfn.CloudWatchLoggingOptionsProperty | None:
        if self.log_group is None:
            return None
        return Cfn.CloudWatchLoggingOptionsProperty(enabled=True, log_group_name=self.log_group.log_group_name, log_stream_name=stream)

    def _s3_destination(
        self, bucket: s3.IBucket, prefix: str, compression: str, interval: cdk.Duration | None = None, size_mib: int = defaults.BUFFERING_MIB
    ) -> Cfn.S3DestinationConfigurationProperty:
        """The S3 configuration of a Redshift (staging, backup) or OpenSearch (backup) stream."""
        return Cfn.S3DestinationConfigurationProperty(
            bucket_arn=bucket.bucket_arn,
            role_arn=self.role.role_arn,
            prefix=prefix,
            compression_format=compression,
            buffering_hints=Cfn.BufferingHintsProperty(interval_in_seconds=seconds(interval, defaults.BUFFERING_SECONDS), size_in_m_bs=size_mib),
            encryption_configuration=encryption_configuration(bucket),
            cloud_watch_logging_options=self._logging("BackupDelivery"),
        )

    def _create_stream(self, name: str | None, encryption_key: kms.IKey | None, **destination: Any) -> None:
        sse = (
            Cfn.DeliveryStreamEncryptionConfigurationInputProperty(key_type="CUSTOMER_MANAGED_CMK", key_arn=encryption_key.key_arn)
            if encryption_key is not None
            else Cfn.DeliveryStreamEncryptionConfigurationInputProperty(key_type="AWS_OWNED_CMK")
        )
        self.resource = Cfn(
            self,
            "Resource",
            delivery_stream_name=name,
            delivery_stream_type="DirectPut",
            delivery_stream_encryption_configuration_input=sse,
            **destination,
        )
        # Firehose checks its role's permissions when the stream is created.
        self.resource.node.add_dependency(self.policy)
        self.delivery_stream_arn = self.resource.attr_arn
        self.delivery_stream_name = self.resource.ref

    def ses_role(self, configuration_set_arn: str) -> iam.IRole:
        """The role SES assumes to publish to this stream, trusted by every configuration set
        that asked for it (``aws:SourceArn``) in this account (``aws:SourceAccount``) and
        allowed only ``firehose:PutRecordBatch`` on this stream.
        ``SendingConfigurationSet.add_firehose_destination`` calls this."""
        if configuration_set_arn not in self._ses_source_arns:
            self._ses_source_arns.append(configuration_set_arn)
        if self._ses_role is None:
            self._ses_role = iam.Role(
                self,
                "SesRole",
                description="Assumed by SES to publish configuration set events to this Firehose stream",
                assumed_by=iam.ServicePrincipal(
                    rules.SES_PRINCIPAL,
                    conditions={"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID, "aws:SourceArn": configuration_set_arn}},
                ),
                inline_policies={
                    "PutRecordBatch": iam.PolicyDocument(
                        statements=[iam.PolicyStatement(actions=["firehose:PutRecordBatch"], resources=[self.delivery_stream_arn])]
                    )
                },
            )
        elif len(self._ses_source_arns) > 1:
            cfn_role = self._ses_role.node.default_child
            assert isinstance(cfn_role, iam.CfnRole)
            cfn_role.add_property_override(
                "AssumeRolePolicyDocument.Statement.0.Condition.StringEquals.aws:SourceArn", list(self._ses_source_arns)
            )
        return self._ses_role
