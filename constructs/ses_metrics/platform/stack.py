"""``PlatformStack``: everything one ``ses-metrics.yaml`` declares: one stack, plus one
stack per ``stack:`` group of configuration sets."""

from __future__ import annotations

import functools
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_opensearchservice as opensearch
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns

from constructs import Construct
from ses_metrics.cdk.alarms import AlarmTopic, ReputationAlarms
from ses_metrics.cdk.archive_catalog import EventArchiveCatalog
from ses_metrics.cdk.configuration_set import DeliveryStreamArn, SendingConfigurationSet
from ses_metrics.cdk.dashboard import SendingDashboard
from ses_metrics.cdk.delivery.buckets import AccessLogsBucket, EventBucket
from ses_metrics.cdk.delivery.opensearch import DomainArn, OpenSearchDeliveryStream
from ses_metrics.cdk.delivery.redshift import RedshiftDeliveryStream
from ses_metrics.cdk.delivery.s3 import S3DeliveryStream
from ses_metrics.platform import account
from ses_metrics.platform.config import (
    AthenaConfig,
    BucketConfig,
    ConfigError,
    ConfigurationSetConfig,
    DestinationConfig,
    NotificationConfig,
    OpenSearchConfig,
    PlatformConfig,
    RedshiftConfig,
    S3Config,
    StreamConfig,
    StreamKind,
)
from ses_metrics.platform.config.resources import resource_limit_problems
from ses_metrics.rules import MAX_RESOURCES_PER_STACK, DestinationKind, EventType

DeliveryStream = S3DeliveryStream | RedshiftDeliveryStream | OpenSearchDeliveryStream
MAX_RESOURCES = MAX_RESOURCES_PER_STACK


class PlatformStack(cdk.Stack):
    """Configuration sets, their event destinations, Firehose streams (to S3, Redshift or
    OpenSearch), SNS topics and monitoring.

    Topics are encrypted with one customer-managed KMS key (rotation on) that SES may
    use for the configuration sets publishing to them, and CloudWatch for this stack's
    alarms; stream buckets share one access-log bucket; each stream has one SES role,
    trusted by every configuration set that publishes to it. Resources are scoped by kind
    (``ConfigurationSets/<name>``, ``Streams/<name>``, ``Topics/<name>``,
    ``Monitoring/<name>``) so logical IDs stay stable when items are added or reordered.

    Monitoring (``monitoring:``): per configuration set ``ReputationAlarms`` and a
    ``SendingDashboard`` named ``<stack>-<set>``, plus account-level alarms; alarms notify
    a topic under ``topics:`` or an ``AlarmTopic`` per email address (one topic without
    subscribers when no notification is given).

    Stack groups: a set with ``stack: NAME`` goes, with its event destinations, alarms and
    dashboard, into the stack ``<stack name>-NAME`` (``group_stacks[NAME]``, created beside
    this one in ``scope``, same ``env``, deployed after this one); everything shared
    (streams, buckets, topics, their key, alarm topics, account alarms) stays here, and the
    group stacks import what they use. By default every set is in this stack. Grouping is
    explicit on purpose: CloudFormation creates a resource in its new stack before deleting
    it from the old one, so a named configuration set moved between stacks fails on deploy
    ("already exists"); a set moves only when its ``stack:`` is changed (remove it, deploy,
    add it back in the other stack). Each stack must stay within CloudFormation's 500
    resources (``MAX_RESOURCES``), else a ``ConfigError`` at construction.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs: Any) -> None:
        groups = config.stack_groups
        in_groups = sum(1 for cs in config.configuration_sets if cs.stack is not None)
        more = f", {in_groups} more in {len(groups)} group stack(s)" if groups else ""
        kwargs.setdefault(
            "description",
            f"SES sending metrics: {len(config.configuration_sets) - in_groups} configuration set(s){more} (ses-metrics)",
        )
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.streams: dict[str, DeliveryStream] = {}
        self.catalogs: dict[str, EventArchiveCatalog] = {}
        self.topics: dict[str, sns.Topic] = {}
        self.configuration_sets: dict[str, SendingConfigurationSet] = {}
        self.group_stacks: dict[str, cdk.Stack] = {group: self._group_stack(scope, group, kwargs.get("env")) for group in groups}

        if config.streams:
            self.access_logs = AccessLogsBucket(self, "AccessLogs")
            streams_scope = Construct(self, "Streams")
            for stream in config.streams:
                self.streams[stream.name] = self._stream(streams_scope, stream)
                if stream.kind is StreamKind.S3 and stream.archive.athena is not None:
                    self.catalogs[stream.name] = self._catalog(streams_scope, stream, stream.archive.athena)
        if config.topics:
            scope_ = Construct(self, "Topics")
            for topic in config.topics:
                self.topics[topic.name] = sns.Topic(
                    scope_, topic.name, topic_name=topic.name, master_key=self._topic_key, enforce_ssl=True
                )
        self.dedicated_ip_pools = account.dedicated_ip_pools(self, config)
        self.vdm_attributes = account.vdm_attributes(self, config)
        sets_scopes = {None: Construct(self, "ConfigurationSets")}
        sets_scopes.update({group: Construct(stack, "ConfigurationSets") for group, stack in self.group_stacks.items()})
        for cs in config.configuration_sets:
            self.configuration_sets[cs.name] = self._configuration_set(sets_scopes[cs.stack], cs)
        self.identities = account.email_identities(config, self._stack_of, self.configuration_sets)
        self.tenants = account.tenants(config, self._stack_of, self.configuration_sets, self.identities)
        self.alarms: dict[str, ReputationAlarms] = {}
        self.dashboards: dict[str, SendingDashboard] = {}
        self._alarm_topics: dict[str | None, sns.ITopic] = {}
        self._monitoring()
        self.resource_count = self._check_resource_count()

    def _group_stack(self, scope: Construct, group: str, env: cdk.Environment | None) -> cdk.Stack:
        """The stack of the sets with ``stack: group``, deployed after this one (it imports
        this stack's streams, roles and topics)."""
        sets = sum(1 for cs in self.config.configuration_sets if cs.stack == group)
        stack = cdk.Stack(
            scope,
            f"{self.stack_name}-{group}",
            env=env,
            description=f"SES sending metrics: {sets} configuration set(s) of group {group}, using stack {self.stack_name} (ses-metrics)",
        )
        stack.add_stack_dependency(self)
        # Export/Import, said explicitly (CDK warns when it is left to its default): the main
        # stack cannot delete a stream, role or topic a group still uses ("weak" references
        # would let it, and the group's destinations would point at nothing).
        cdk.CrossStackReferences.of(stack).consume(cdk.ReferenceStrength.STRONG)
        return stack

    def _stack_of(self, group: str | None) -> cdk.Stack:
        return self if group is None else self.group_stacks[group]

    @property
    def stacks(self) -> list[cdk.Stack]:
        """This stack, then the group stacks in order of first use."""
        return [self, *self.group_stacks.values()]

    def _check_resource_count(self) -> int:
        """Each stack's CloudFormation resources (``resource_counts``, by stack name; this
        stack's is returned); over CloudFormation's limit per stack (``MAX_RESOURCES``) a
        ``ConfigError`` naming every stack's count and the fix (``stack:``), at synth rather
        than at deploy time."""
        counts = {s.stack_name: sum(1 for c in s.node.find_all() if isinstance(c, cdk.CfnResource)) for s in self.stacks}
        self.resource_counts = counts
        groups = {None: self, **self.group_stacks}
        problems = resource_limit_problems(self.config, {group: counts[stack.stack_name] for group, stack in groups.items()},
                                           stack_names={group: stack.stack_name for group, stack in groups.items()})
        if problems:
            raise ConfigError(problems, f"stack {self.stack_name}")
        return counts[self.stack_name]

    @functools.cached_property
    def _topic_key(self) -> kms.Key:
        return kms.Key(
            self,
            "TopicKey",
            description="Encrypts the ses-metrics SNS topics; SES may use it for its configuration sets, CloudWatch for this stack's alarms",
            enable_key_rotation=True,
        )

    # --- monitoring -----------------------------------------------------------------

    def _monitoring(self) -> None:
        account = None
        account_alarms = self.config.account_alarms()
        if account_alarms is not None:
            account = ReputationAlarms(
                self._monitoring_scope,
                "Account",
                bounce_rate_percent=account_alarms.bounce_rate_percent,
                complaint_rate_percent=account_alarms.complaint_rate_percent,
                topic=self._alarm_topic(account_alarms.notification),
            )
        for cs in self.config.configuration_sets:
            monitoring = self.config.monitoring_for(cs)
            if monitoring is None:
                continue
            construct = self.configuration_sets[cs.name]
            scope = Construct(self._monitoring_scope_of(cs.stack), cs.name)
            own = None
            if monitoring.alarms:
                own = self.alarms[cs.name] = ReputationAlarms(
                    scope,
                    "Alarms",
                    configuration_set=construct,
                    bounce_rate_percent=monitoring.bounce_rate_percent,
                    complaint_rate_percent=monitoring.complaint_rate_percent,
                    dimension_alarms=monitoring.dimension_alarms,
                    minimum_sends=monitoring.minimum_sends,
                    topic=self._alarm_topic(monitoring.notification),
                    alarm_name_prefix=f"{self.stack_name}-",  # in every stack: the alarm topics admit <stack name>-*
                )
            if monitoring.dashboard:
                self.dashboards[cs.name] = SendingDashboard(
                    scope,
                    "Dashboard",
                    configuration_sets=[construct],
                    alarms=[a for a in (own, account) if a is not None],
                    dashboard_name=self.config.dashboard_name(cs),
                )

    @functools.cached_property
    def _monitoring_scope(self) -> Construct:
        return Construct(self, "Monitoring")

    def _monitoring_scope_of(self, group: str | None) -> Construct:
        """``Monitoring`` of this stack, or of the group's stack."""
        if group is None:
            return self._monitoring_scope
        stack = self.group_stacks[group]
        return stack.node.try_find_child("Monitoring") or Construct(stack, "Monitoring")

    def _alarm_topic(self, notification: NotificationConfig | None) -> sns.ITopic:
        """The topic under ``topics:``, else one ``AlarmTopic`` per email address (one
        without subscribers when there is no notification), all under the shared key."""
        if notification is not None and notification.topic is not None:
            return self.topics[notification.topic]
        email = notification.email if notification is not None else None
        if email not in self._alarm_topics:
            self._alarm_topics[email] = AlarmTopic(
                self._alarm_topics_scope, email or "unsubscribed", master_key=self._topic_key, emails=[email] if email else []
            )
        return self._alarm_topics[email]

    @functools.cached_property
    def _alarm_topics_scope(self) -> Construct:
        return Construct(self._monitoring_scope, "AlarmTopics")

    def _stream(self, scope: Construct, stream: StreamConfig) -> DeliveryStream:
        """The construct for one ``streams:`` entry, inside its own scope ``Streams/<name>``."""
        kind = stream.kind
        settings: Any = getattr(stream, kind.value) or stream.archive
        common: dict[str, Any] = {"delivery_stream_name": stream.name, "logging": settings.logging}
        common["bucket"] = self._bucket(scope, stream.name, settings.bucket)
        if kind is StreamKind.REDSHIFT:
            r: RedshiftConfig = settings
            secret = secretsmanager.Secret.from_secret_complete_arn(scope, f"{stream.name}Secret", r.secret_arn)
            return RedshiftDeliveryStream(
                scope,
                stream.name,
                secret=secret,
                cluster_jdbc_url=r.jdbc_url,
                endpoint_address=r.endpoint,
                port=r.port,
                database=r.database,
                table=r.table,
                columns=r.columns,
                message_tags=r.message_tags,
                events=self._stream_events(stream.name),
                staging_prefix=r.staging_prefix,
                compression=r.compression,
                buffering_interval=cdk.Duration.seconds(r.buffering_seconds),
                buffering_size_mib=r.buffering_mib,
                retry_duration=cdk.Duration.seconds(r.retry_seconds),
                s3_backup=r.s3_backup,
                backup_prefix=r.backup_prefix,
                copy_options=r.copy_options,
                **common,
            )
        if kind is StreamKind.OPENSEARCH:
            return self._opensearch_stream(scope, stream.name, settings, common)
        a: S3Config = settings
        return S3DeliveryStream(
            scope,
            stream.name,
            prefix=a.prefix,
            error_output_prefix=a.error_output_prefix,
            compression=a.compression,
            buffering_interval=cdk.Duration.seconds(a.buffering_seconds),
            buffering_size_mib=a.buffering_mib,
            partition_by=a.partition_by,
            partition_retry_duration=cdk.Duration.seconds(a.partition_retry_seconds),
            **common,
        )

    @staticmethod
    def _opensearch_stream(scope: Construct, name: str, o: OpenSearchConfig, common: dict[str, Any]) -> OpenSearchDeliveryStream:
        """An ``opensearch:`` stream: an existing domain by ARN, or a new one sized as given,
        optionally in a VPC."""
        vpc: dict[str, Any] = {}
        if o.vpc is not None:
            vpc["subnets"] = [ec2.Subnet.from_subnet_id(scope, f"{name}Subnet{i}", s) for i, s in enumerate(o.vpc.subnet_ids)]
            vpc["security_groups"] = [
                ec2.SecurityGroup.from_security_group_id(scope, f"{name}Sg{i}", g) for i, g in enumerate(o.vpc.security_group_ids)
            ]
        domain: dict[str, Any] = {}
        if o.domain_arn is not None:
            domain["domain"] = DomainArn(o.domain_arn)
        elif o.new_domain is not None:
            n = o.new_domain
            domain = {
                "domain_name": n.name,
                "master_user_arn": n.master_user_arn,
                "domain_props": {
                    "capacity": opensearch.CapacityConfig(
                        data_nodes=n.instance_count, data_node_instance_type=n.instance_type, multi_az_with_standby_enabled=False
                    ),
                    "ebs": opensearch.EbsOptions(volume_size=n.volume_gib, volume_type=ec2.EbsDeviceVolumeType.GP3),
                    "zone_awareness": opensearch.ZoneAwarenessConfig(enabled=n.instance_count > 1, availability_zone_count=2)
                    if n.instance_count > 1
                    else opensearch.ZoneAwarenessConfig(enabled=False),
                },
            }
        return OpenSearchDeliveryStream(
            scope,
            name,
            index_name=o.index,
            index_rotation=o.index_rotation,
            backup_mode=o.backup_mode,
            backup_prefix=o.backup_prefix,
            buffering_interval=cdk.Duration.seconds(o.buffering_seconds),
            buffering_size_mib=o.buffering_mib,
            retry_duration=cdk.Duration.seconds(o.retry_seconds),
            **domain,
            **vpc,
            **common,
        )

    def _catalog(self, scope: Construct, stream: StreamConfig, a: AthenaConfig) -> EventArchiveCatalog:
        """Athena over an S3 stream (``athena:``), named after the stream unless given; the
        projected configuration sets are those publishing to the stream."""
        archive = self.streams[stream.name]
        assert isinstance(archive, S3DeliveryStream)
        publishing = [cs.name for cs in self.config.configuration_sets
                      if any(d.firehose is not None and d.firehose.stream == stream.name for d in cs.destinations)]
        roles = [iam.Role.from_role_arn(scope, f"{stream.name}QueryRole{i}", arn) for i, arn in enumerate(a.query_roles)]
        return EventArchiveCatalog(
            scope,
            f"{stream.name}Athena",
            stream=archive,
            database_name=a.database or stream.name.lower().replace("-", "_").replace(".", "_"),
            table_name=a.table,
            workgroup_name=a.workgroup or f"{self.stack_name}-{stream.name}",
            configuration_set_names=publishing,
            campaign_tag=a.campaign_tag,
            link_tag=a.link_tag,
            tag_columns=a.tag_columns,
            results_retention=cdk.Duration.days(a.results_retention_days),
            bytes_scanned_cutoff=a.bytes_scanned_cutoff,
            access_logs_bucket=self.access_logs,
            roles=roles,
        )

    def _bucket(self, scope: Construct, stream: str, b: BucketConfig) -> s3.IBucket:
        if b.name is not None:
            return s3.Bucket.from_bucket_name(scope, f"{stream}Bucket", b.name)
        return EventBucket(
            scope,
            f"{stream}Bucket",
            encryption=b.encryption,
            access_logs_bucket=self.access_logs if b.access_logs_disabled_reason is None else None,
            access_logs_disabled_reason=b.access_logs_disabled_reason,
            transition_after=cdk.Duration.days(b.transition_after_days) if b.transition_after_days else None,
            transition_storage_class=b.transition_storage_class,
            expire_after=cdk.Duration.days(b.expire_after_days) if b.expire_after_days else None,
        )

    def _stream_events(self, stream: str) -> list[EventType]:
        """The event types the destinations using ``stream`` send it."""
        found: set[EventType] = set()
        for cs in self.config.configuration_sets:
            for d in cs.destinations:
                if d.firehose is not None and d.firehose.stream == stream:
                    found.update(d.events)
        return [e for e in EventType if e in found] or list(EventType)

    def _configuration_set(self, scope: Construct, cs: ConfigurationSetConfig) -> SendingConfigurationSet:
        """The set (or, with ``existing: true``, an import of it) and its destinations."""
        if cs.existing:
            construct = SendingConfigurationSet.from_configuration_set_name(
                scope, cs.name, cs.name, reputation_metrics=cs.reputation_metrics
            )
        else:
            construct = SendingConfigurationSet(scope, cs.name, configuration_set_name=cs.name, **self._set_options(cs))
        for destination in cs.destinations:
            self._destination(construct, destination)
        return construct

    def _set_options(self, cs: ConfigurationSetConfig) -> dict[str, Any]:
        """The keyword arguments of ``SendingConfigurationSet`` for a set created here."""
        validation = cs.suppression_validation
        vdm = cs.vdm
        return {
            "sending_enabled": cs.sending_enabled,
            "reputation_metrics": cs.reputation_metrics,
            "tls_policy": ses.ConfigurationSetTlsPolicy[cs.tls_policy] if cs.tls_policy else None,
            "suppression_reasons": ses.SuppressionReasons[cs.suppression.upper()] if cs.suppression not in (None, "none") else None,
            "disable_suppression_list": cs.suppression == "none",
            "auto_validation_threshold": ses.AutoValidationThreshold[validation.upper()] if validation not in (None, "disabled") else None,
            "disable_auto_validation": validation == "disabled",
            "max_delivery_duration": cdk.Duration.seconds(cs.max_delivery_seconds) if cs.max_delivery_seconds else None,
            "custom_tracking_redirect_domain": cs.tracking.custom_redirect_domain if cs.tracking else None,
            "custom_tracking_https_policy": ses.HttpsPolicy[cs.tracking.https_policy] if cs.tracking else None,
            "dedicated_ip_pool": self.dedicated_ip_pools.get(cs.dedicated_ip_pool or "", cs.dedicated_ip_pool),
            "vdm_options": ses.VdmOptions(engagement_metrics=vdm.engagement_metrics, optimized_shared_delivery=vdm.optimized_shared_delivery)
            if vdm
            else None,
            "archive_arn": cs.archive_arn,
            "tags": cs.tags,
        }

    def _destination(self, cs: SendingConfigurationSet, d: DestinationConfig) -> None:
        common: dict[str, Any] = {"events": d.events, "enabled": d.enabled}
        kind = d.kind
        if kind is DestinationKind.CLOUDWATCH:
            assert d.cloudwatch is not None
            cs.add_cloudwatch_destination(d.name, dimensions=[x.to_dimension() for x in d.cloudwatch.dimensions], **common)
        elif kind is DestinationKind.FIREHOSE:
            assert d.firehose is not None
            if d.firehose.stream is not None:
                stream: Any = self.streams[d.firehose.stream]
            else:
                stream = DeliveryStreamArn(str(d.firehose.stream_arn))
            cs.add_firehose_destination(d.name, delivery_stream=stream, **common)
        elif kind is DestinationKind.SNS:
            assert d.sns is not None
            if d.sns.topic is not None:
                topic: sns.ITopic = self.topics[d.sns.topic]
            else:
                topic = sns.Topic.from_topic_arn(cs, f"{d.name}Topic", str(d.sns.topic_arn))
                cdk.Annotations.of(cs).add_warning_v2(
                    f"ses-metrics:{d.name}:existing-topic",
                    f"{d.name}: the topic policy of {d.sns.topic_arn} is not managed here; it must allow "
                    "ses.amazonaws.com to sns:Publish for this configuration set",
                )
            cs.add_sns_destination(d.name, topic=topic, **common)
        else:
            cs.add_eventbridge_destination(d.name, **common)
