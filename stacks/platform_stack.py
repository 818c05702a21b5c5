"""``PlatformStack``: everything one ``ses-metrics.yaml`` declares, in one stack."""

from __future__ import annotations

import functools
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_kms as kms
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from constructs import Construct

from ses_metrics.alarms import AlarmTopic, ReputationAlarms
from ses_metrics.config import ConfigurationSetConfig, DestinationConfig, NotificationConfig, PlatformConfig
from ses_metrics.configuration_set import DeliveryStreamArn, SendingConfigurationSet
from ses_metrics.dashboard import SendingDashboard
from ses_metrics.delivery.s3 import AccessLogsBucket, S3DeliveryStream
from ses_metrics.rules import DestinationKind


class PlatformStack(cdk.Stack):
    """Configuration sets, their event destinations, Firehose archives, SNS topics and
    monitoring.

    Topics are encrypted with one customer-managed KMS key (rotation on) that SES may
    use for the configuration sets publishing to them, and CloudWatch for this stack's
    alarms; streams share one access-log bucket. Resources are scoped by kind
    (``ConfigurationSets/<name>``, ``Streams/<name>``, ``Topics/<name>``,
    ``Monitoring/<name>``) so logical IDs stay stable when items are added or reordered.

    Monitoring (``monitoring:``): per configuration set ``ReputationAlarms`` and a
    ``SendingDashboard`` named ``<stack>-<set>``, plus account-level alarms; alarms notify
    a topic under ``topics:`` or an ``AlarmTopic`` per email address (one topic without
    subscribers when no notification is given).
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: PlatformConfig, **kwargs: Any) -> None:
        kwargs.setdefault(
            "description", f"SES sending metrics: {len(config.configuration_sets)} configuration set(s) (ses-metrics)"
        )
        super().__init__(scope, construct_id, **kwargs)
        self.config = config
        self.streams: dict[str, S3DeliveryStream] = {}
        self.topics: dict[str, sns.Topic] = {}
        self.configuration_sets: dict[str, SendingConfigurationSet] = {}

        if config.streams:
            access_logs = AccessLogsBucket(self, "AccessLogs")
            scope_ = Construct(self, "Streams")
            for stream in config.streams:
                self.streams[stream.name] = S3DeliveryStream(
                    scope_,
                    stream.name,
                    delivery_stream_name=stream.name,
                    access_logs_bucket=access_logs,
                    prefix=stream.s3.prefix,
                    error_output_prefix=stream.s3.error_output_prefix,
                    compression=stream.s3.compression,
                    buffering_interval=cdk.Duration.seconds(stream.s3.buffering_seconds),
                    buffering_size_mib=stream.s3.buffering_mib,
                )
        if config.topics:
            scope_ = Construct(self, "Topics")
            for topic in config.topics:
                self.topics[topic.name] = sns.Topic(
                    scope_, topic.name, topic_name=topic.name, master_key=self._topic_key, enforce_ssl=True
                )
        sets_scope = Construct(self, "ConfigurationSets")
        for cs in config.configuration_sets:
            self.configuration_sets[cs.name] = self._configuration_set(sets_scope, cs)
        self.alarms: dict[str, ReputationAlarms] = {}
        self.dashboards: dict[str, SendingDashboard] = {}
        self._alarm_topics: dict[str | None, sns.ITopic] = {}
        self._monitoring()

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
            scope = Construct(self._monitoring_scope, cs.name)
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

    def _configuration_set(self, scope: Construct, cs: ConfigurationSetConfig) -> SendingConfigurationSet:
        construct = SendingConfigurationSet(
            scope,
            cs.name,
            configuration_set_name=cs.name,
            sending_enabled=cs.sending_enabled,
            reputation_metrics=cs.reputation_metrics,
            tls_policy=ses.ConfigurationSetTlsPolicy[cs.tls_policy] if cs.tls_policy else None,
            suppression_reasons=ses.SuppressionReasons[cs.suppression.upper()] if cs.suppression else None,
            max_delivery_duration=cdk.Duration.seconds(cs.max_delivery_seconds) if cs.max_delivery_seconds else None,
            custom_tracking_redirect_domain=cs.tracking.custom_redirect_domain if cs.tracking else None,
            custom_tracking_https_policy=ses.HttpsPolicy[cs.tracking.https_policy] if cs.tracking else None,
        )
        for destination in cs.destinations:
            self._destination(construct, destination)
        return construct

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
