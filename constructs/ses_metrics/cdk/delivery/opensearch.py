"""``OpenSearchDeliveryStream``: a Firehose stream indexing SES event records in an
Amazon OpenSearch Service domain, existing or new."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk.delivery._firehose import (
    METADATA_KEY,
    OBJECT_KEY_REASON,
    Cfn,
    DeliveryStreamBase,
    acknowledge_wildcards,
    check_backup_prefix,
    check_name,
    known,
    known_seconds,
    s3_statements,
    seconds,
)
from ses_metrics.cdk.delivery.buckets import EventBucket
from ses_metrics.rules import defaults, firehose, record_schema

DOMAIN_REASON = (
    "Firehose posts bulk requests to paths it chooses under this one domain (the index name plus its rotation suffix); "
    "the wildcard is limited to this domain."
)
GET_REASON = (
    "Firehose reads index mappings and stats of its own index pattern (the index name plus its rotation suffix) "
    "on this one domain, as the Firehose developer guide's policy does."
)
VPC_REASON = (
    "Firehose creates and describes its elastic network interfaces in the domain's VPC; the EC2 Describe* and "
    "network-interface actions it needs cannot be scoped to resources."
)
# Security settings of a new domain that domain_props may not weaken.
_SECURE_DOMAIN_PROPS = ("encryption_at_rest", "node_to_node_encryption", "enforce_https", "tls_security_policy", "access_policies")


class DomainLike(Protocol):
    """An OpenSearch Service domain: an ``aws_opensearchservice`` domain or a ``DomainArn``."""

    @property
    def domain_arn(self) -> str: ...


@dataclass(frozen=True)
class DomainArn:
    """An existing domain by ARN (``arn:aws:es:<region>:<account>:domain/<name>``). Its
    access policy (or fine-grained access control role mapping) must admit the stream's
    role; the construct warns."""

    domain_arn: str


def _check_placement(
    domain: DomainLike | None,
    domain_name: str | None,
    master_user_arn: str | None,
    domain_props: Mapping[str, Any] | None,
    subnets: Sequence[ec2.ISubnet],
    security_groups: Sequence[ec2.ISecurityGroup],
    index_template_admins: Sequence[str] = (),
) -> list[rules.Problem]:
    """The domain options apply to a new domain only, never weaken its security, and a VPC
    delivery needs subnets and security groups together."""
    problems = []
    if bool(subnets) != bool(security_groups):
        problems.append(rules.Problem(("subnets",), "a VPC delivery needs both subnets and security_groups"))
    if domain is not None and (domain_props or master_user_arn or domain_name):
        problems.append(rules.Problem(("domain_props",), "domain_name, domain_props and master_user_arn apply to a new domain; not with domain"))
    if domain is not None and index_template_admins:
        problems.append(rules.Problem(("index_template_admins",), "index_template_admins apply to a new domain's access policy; "
                                      "an existing domain's policy is yours to change"))
    weakened = sorted(set(domain_props or {}) & set(_SECURE_DOMAIN_PROPS))
    if weakened:
        problems.append(rules.Problem(("domain_props",), f"{', '.join(weakened)} cannot be overridden: the new domain is always encrypted, HTTPS-only and scoped to this stream"))
    return problems


class OpenSearchDeliveryStream(DeliveryStreamBase):
    """A Firehose stream (direct PUT) that indexes SES event records into OpenSearch.

    Give ``domain`` (an existing domain: ``DomainArn("arn:...")`` or an
    ``aws_opensearchservice`` domain), or let it create one: OpenSearch 2.19, two
    ``m6g.large.search`` data nodes across two Availability Zones with 20 GiB gp3 each,
    encryption at rest, node-to-node encryption, HTTPS only with TLS 1.2, retained when
    the stack is deleted, and an access policy admitting only this stream's role to
    ``es:ESHttpPost``, ``es:ESHttpPut`` and ``es:ESHttpGet``. ``master_user_arn`` turns
    on fine-grained access control with that IAM master user (map the stream's role to an
    OpenSearch role inside the domain). ``domain_props`` overrides the other settings of
    the new domain (``capacity``, ``ebs``, ``zone_awareness``, ``vpc``, ``version``...),
    never the security ones.

    Documents go to ``index_name`` (lowercase, at most 80 characters), rotated
    ``index_rotation`` (``OneDay``: Firehose appends ``-YYYY-MM-DD``), buffered 300 s or
    5 MiB; failed documents are retried for ``retry_duration`` (300 s) and then written
    under ``backup_prefix`` of the backup ``EventBucket`` (created secured like the
    archive unless ``bucket`` is given); ``backup_mode="AllDocuments"`` keeps every
    document there. ``subnets`` and ``security_groups`` put Firehose's network interfaces
    in the domain's VPC. The role may describe and write to that domain only, read the
    stats and mappings of its index, and write the backup prefix.

    ``index_template`` is the composable index template mapping the SES record
    (``rules.record_schema``: strings ``keyword``, times ``date``, every tag key
    ``keyword``) for ``index_name`` and its rotated indexes, stored under
    ``index_template_name`` (``ses-metrics-<index_name>``). CloudFormation cannot create it
    inside a domain: apply it once before the first delivery (``PUT
    _index_template/<index_template_name>``); it is also in the stream's template
    metadata (``ses-metrics``), where the simulator reads it. A new domain's access policy
    admits ``index_template_admins`` (IAM principal ARNs; none by default) to put and read
    that one template, and nothing else.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        index_name: str,
        domain: DomainLike | None = None,
        domain_name: str | None = None,
        master_user_arn: str | None = None,
        domain_props: Mapping[str, Any] | None = None,
        index_template_admins: Sequence[str] = (),
        index_rotation: str = "OneDay",
        delivery_stream_name: str | None = None,
        bucket: s3.IBucket | None = None,
        access_logs_bucket: s3.IBucket | None = None,
        backup_mode: str = "FailedDocumentsOnly",
        backup_prefix: str = defaults.OPENSEARCH_BACKUP_PREFIX,
        buffering_interval: cdk.Duration | None = None,
        buffering_size_mib: int = defaults.BUFFERING_MIB,
        retry_duration: cdk.Duration | None = None,
        subnets: Sequence[ec2.ISubnet] = (),
        security_groups: Sequence[ec2.ISecurityGroup] = (),
        encryption_key: kms.IKey | None = None,
        logging: bool = True,
        log_group: logs.ILogGroup | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        problems = check_name(delivery_stream_name)
        problems += rules.under(firehose.check_index_name(known(index_name)), "index_name")
        problems += rules.under(firehose.check_index_rotation(index_rotation), "index_rotation")
        problems += rules.under(firehose.check_opensearch_backup_mode(backup_mode), "backup_mode")
        problems += check_backup_prefix(backup_prefix)
        problems += firehose.check_buffering(known_seconds(buffering_interval), known(buffering_size_mib), firehose.OPENSEARCH_BUFFERING)
        problems += rules.under(firehose.check_retry_seconds(known_seconds(retry_duration)), "retry_duration")
        problems += _check_placement(domain, domain_name, master_user_arn, domain_props, subnets, security_groups, index_template_admins)
        rules.raise_for(problems, f"OpenSearchDeliveryStream {self.node.path}")

        self.bucket: s3.IBucket = bucket or EventBucket(self, "Bucket", access_logs_bucket=access_logs_bucket)
        self.index_name = index_name
        self.index_template_name = record_schema.opensearch_index_template_name(index_name)
        self.index_template = record_schema.opensearch_index_template(index_name)
        self._create_role(
            "Assumed by Amazon Data Firehose to index SES event records in OpenSearch and back them up to S3",
            logging=logging,
            log_group=log_group,
        )
        self.domain: DomainLike = domain if domain is not None else self._new_domain(
            domain_name, master_user_arn, dict(domain_props or {}), list(index_template_admins)
        )
        if domain is not None and not isinstance(domain, opensearch.Domain):
            cdk.Annotations.of(self).add_warning_v2(
                "ses-metrics:opensearch:existing-domain",
                f"the access policy (or fine-grained role mapping) of {domain.domain_arn} is not managed here: it must let "
                "this stream's role es:ESHttpPost, es:ESHttpPut and es:ESHttpGet",
            )
        domain_arn = self.domain.domain_arn
        self._grant_domain(domain_arn, index_name, backup_prefix)
        vpc = self._vpc_configuration(subnets, security_groups) if subnets else None
        self._create_stream(
            delivery_stream_name,
            encryption_key,
            amazonopensearchservice_destination_configuration=Cfn.AmazonopensearchserviceDestinationConfigurationProperty(
                domain_arn=domain_arn,
                index_name=index_name,
                index_rotation_period=index_rotation,
                role_arn=self.role.role_arn,
                s3_backup_mode=backup_mode,
                s3_configuration=self._s3_destination(self.bucket, backup_prefix, "GZIP"),
                buffering_hints=Cfn.AmazonopensearchserviceBufferingHintsProperty(
                    interval_in_seconds=seconds(buffering_interval, defaults.BUFFERING_SECONDS), size_in_m_bs=buffering_size_mib
                ),
                retry_options=Cfn.AmazonopensearchserviceRetryOptionsProperty(duration_in_seconds=seconds(retry_duration, defaults.RETRY_SECONDS)),
                vpc_configuration=vpc,
                cloud_watch_logging_options=self._logging("DestinationDelivery"),
            ),
        )
        self.resource.cfn_options.metadata = {
            METADATA_KEY: {"indexTemplateName": self.index_template_name, "indexTemplate": self.index_template}
        }

    def _grant_domain(self, domain_arn: str, index_name: str, backup_prefix: str) -> None:
        """The role may describe and write to the domain, read the stats and mappings of
        its index, and write the backup prefix."""
        writes = [domain_arn, f"{domain_arn}/*"]
        reads = [
            f"{domain_arn}/{path}"
            for path in (
                "_all/_settings",
                "_cluster/stats",
                f"{index_name}*/_mapping/*",
                "_nodes",
                "_nodes/stats",
                "_nodes/*/stats",
                "_stats",
                f"{index_name}*/_stats",
                "",
            )
        ]
        self.policy.add_statements(
            iam.PolicyStatement(
                actions=["es:DescribeDomain", "es:DescribeDomains", "es:DescribeDomainConfig", "es:ESHttpPost", "es:ESHttpPut"],
                resources=writes,
            ),
            iam.PolicyStatement(actions=["es:ESHttpGet"], resources=reads),
            *s3_statements(self.bucket, [backup_prefix]),
        )
        acknowledge_wildcards(self.policy, writes, DOMAIN_REASON)
        acknowledge_wildcards(self.policy, reads, GET_REASON)
        acknowledge_wildcards(self.policy, [self.bucket.arn_for_objects(f"{backup_prefix}*")], OBJECT_KEY_REASON)

    def _vpc_configuration(
        self, subnets: Sequence[ec2.ISubnet], security_groups: Sequence[ec2.ISecurityGroup]
    ) -> Cfn.VpcConfigurationProperty:
        """Firehose's network interfaces in the domain's VPC, and the EC2 actions it needs for them."""
        self.policy.add_statements(
            iam.PolicyStatement(
                actions=[
                    "ec2:DescribeVpcs",
                    "ec2:DescribeVpcAttribute",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                ],
                resources=["*"],
            )
        )
        cdk.Validations.of(self.policy).acknowledge(cdk.Acknowledgment(id="AwsSolutions-IAM5[Resource::*]", reason=VPC_REASON))
        return Cfn.VpcConfigurationProperty(
            role_arn=self.role.role_arn,
            subnet_ids=[s.subnet_id for s in subnets],
            security_group_ids=[g.security_group_id for g in security_groups],
        )

    def _new_domain(self, name: str | None, master_user_arn: str | None, overrides: dict[str, Any], admins: list[str]) -> opensearch.Domain:
        # A literal name lets the access policy name the domain without referencing it
        # (a reference would be circular, or need CDK's access-policy custom resource).
        name = name or "ses-" + hashlib.sha256(self.node.path.encode()).hexdigest()[:12]
        props: dict[str, Any] = {
            "version": opensearch.EngineVersion.OPENSEARCH_2_19,
            "capacity": opensearch.CapacityConfig(data_nodes=2, data_node_instance_type="m6g.large.search", multi_az_with_standby_enabled=False),
            "ebs": opensearch.EbsOptions(volume_size=20, volume_type=ec2.EbsDeviceVolumeType.GP3),
            "zone_awareness": opensearch.ZoneAwarenessConfig(enabled=True, availability_zone_count=2),
            "removal_policy": cdk.RemovalPolicy.RETAIN,
        } | overrides
        if master_user_arn is not None:
            props["fine_grained_access_control"] = opensearch.AdvancedSecurityOptions(master_user_arn=master_user_arn)
        domain = opensearch.Domain(
            self,
            "Domain",
            domain_name=name,
            encryption_at_rest=opensearch.EncryptionAtRestOptions(enabled=True),
            node_to_node_encryption=True,
            enforce_https=True,
            tls_security_policy=opensearch.TLSSecurityPolicy.TLS_1_2,
            **props,
        )
        stack = cdk.Stack.of(self)
        arn = stack.format_arn(service="es", resource="domain", resource_name=f"{name}/*")
        cfn = domain.node.default_child
        assert isinstance(cfn, opensearch.CfnDomain)
        statements = [
            iam.PolicyStatement(
                principals=[iam.ArnPrincipal(self.role.role_arn)],
                actions=["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpGet"],
                resources=[arn],
            )
        ]
        if admins:  # who may put (and read) the stream's index template, and nothing else
            statements.append(iam.PolicyStatement(
                principals=[iam.ArnPrincipal(a) for a in admins],
                actions=["es:ESHttpPut", "es:ESHttpGet"],
                resources=[stack.format_arn(service="es", resource="domain", resource_name=f"{name}/_index_template/{self.index_template_name}")],
            ))
        cfn.access_policies = iam.PolicyDocument(statements=statements).to_json()
        return domain
