"""``SendingConfigurationSet``: an SES configuration set whose event destinations are
checked against SES's rules at synth, before anything is deployed."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import aws_cdk as cdk
import jsii
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns
from aws_cdk.interfaces import aws_ses as ses_refs

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk import _arguments
from ses_metrics.cdk._arguments import EventsArg
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.metrics import SendingMetrics
from ses_metrics.rules import UNRESOLVED, EventType, Problem, firehose, set_options


@dataclass(frozen=True)
class DeliveryStreamArn:
    """A delivery stream defined elsewhere, by ARN (``add_firehose_destination`` accepts it)."""

    delivery_stream_arn: str

    @property
    def delivery_stream_name(self) -> str:
        """The name at the end of the ARN (``...:deliverystream/<name>``)."""
        return firehose.delivery_stream_name_from_arn(self.delivery_stream_arn)


class DeliveryStreamLike(Protocol):
    """A Firehose delivery stream: one of the ses-metrics ``*DeliveryStream`` constructs,
    a ``DeliveryStreamArn``, or anything else with these two attributes."""

    @property
    def delivery_stream_arn(self) -> str: ...

    @property
    def delivery_stream_name(self) -> str: ...


@jsii.implements(ses.IConfigurationSet)
class SendingConfigurationSet(SendingMetrics, cdk.Resource):
    """An SES configuration set with validated event destinations.

    An ``aws_ses.IConfigurationSet``: usable wherever aws-cdk-lib takes one
    (``aws_ses.EmailIdentity(configuration_set=...)``,
    ``aws_ses.ConfigurationSetEventDestination(configuration_set=...)``). Builds on
    ``aws_ses.ConfigurationSet`` (the child ``Resource``); destinations are written as
    ``CfnConfigurationSetEventDestination`` because the L2 destination needs an
    ``aws_kinesisfirehose`` L2 stream, whose every instance (imports too) adds an unused
    mapping to env-agnostic stacks (cfn-lint W7001). By default: sending enabled, reputation
    metrics enabled (SES's own default is off), the account's suppression list, its
    validation and TLS policy, the shared IP pools, the account's VDM settings, no custom
    tracking domain, no archive, no tags, and a name derived from the construct path
    (stable across deploys; pass ``configuration_set_name`` to choose it).
    ``from_configuration_set_name`` adds destinations to a set that exists already.

    Every option of ``AWS::SES::ConfigurationSet`` is a keyword argument (see
    docs/constructs.md for the table against aws-cdk-lib's ``ConfigurationSetProps``), each
    checked by ``ses_metrics.rules`` before anything is created; a problem raises
    ``rules.ValidationError`` listing every problem, each naming its argument.

    Every ``add_*_destination`` method validates its arguments the same way. Destinations
    are always written with ``Enabled`` explicit (CloudFormation treats an omitted
    ``Enabled`` as disabled) and match all event types unless ``events`` is given (a list
    of ``EventType``, ``aws_ses.EmailSendingEvent`` or event names).

    The metric helpers (``metric``, ``metric_bounces``, ``metric_bounce_rate``,
    ``metric_reputation_bounce_rate``, ``metric_search``, ...; see
    ``ses_metrics.cdk.metrics.SendingMetrics``) follow aws-cdk's ``metric_x(props?)``
    convention and build only metrics that SES publishes for this set:
    ``cloudwatch_destinations`` remembers what each CloudWatch destination publishes (its
    dimension names, event types and whether it is enabled).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        configuration_set_name: str | None = None,
        sending_enabled: bool = True,
        reputation_metrics: bool = True,
        custom_tracking_redirect_domain: str | None = None,
        custom_tracking_https_policy: ses.HttpsPolicy | None = None,
        tls_policy: ses.ConfigurationSetTlsPolicy | None = None,
        suppression_reasons: ses.SuppressionReasons | None = None,
        disable_suppression_list: bool = False,
        auto_validation_threshold: ses.AutoValidationThreshold | None = None,
        disable_auto_validation: bool = False,
        dedicated_ip_pool: ses_refs.IDedicatedIpPoolRef | str | None = None,
        vdm_options: ses.VdmOptions | None = None,
        max_delivery_duration: cdk.Duration | None = None,
        archive_arn: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        name = configuration_set_name or cdk.Names.unique_resource_name(self, max_length=rules.MAX_NAME_LENGTH, separator="-")
        problems = rules.under(rules.check_configuration_set_name(known(name)), "configuration_set_name")
        if max_delivery_duration is not None and not cdk.Token.is_unresolved(max_delivery_duration.to_seconds()):
            problems += rules.under(rules.check_max_delivery_seconds(max_delivery_duration.to_seconds()), "max_delivery_duration")
        https = custom_tracking_https_policy.value if custom_tracking_https_policy else None
        problems += [p.under("custom_tracking") for p in rules.check_tracking(known(custom_tracking_redirect_domain), https)]
        problems += set_options.check_suppression_options(suppression_reasons is not None, disable_suppression_list)
        threshold = auto_validation_threshold.value if auto_validation_threshold is not None else None
        problems += set_options.check_validation_options(threshold, disable_auto_validation)
        if isinstance(dedicated_ip_pool, str):
            problems += rules.under(set_options.check_pool_name(known(dedicated_ip_pool)), "dedicated_ip_pool")
        problems += rules.under(set_options.check_archive_arn(known(archive_arn)), "archive_arn")
        problems += rules.under(set_options.check_resource_tags(tags), "tags")
        rules.raise_for(problems, lambda: f"SendingConfigurationSet {self.node.path}")

        pool = dedicated_ip_pool
        if isinstance(pool, str):
            pool = ses.DedicatedIpPool.from_dedicated_ip_pool_name(self, "DedicatedIpPool", pool)
        self.configuration_set: ses.IConfigurationSet = ses.ConfigurationSet(
            self,
            "Resource",
            configuration_set_name=name,
            sending_enabled=sending_enabled,
            reputation_metrics=reputation_metrics,
            custom_tracking_redirect_domain=custom_tracking_redirect_domain,
            custom_tracking_https_policy=custom_tracking_https_policy,
            tls_policy=tls_policy,
            suppression_reasons=suppression_reasons,
            disable_suppression_list=disable_suppression_list or None,
            auto_validation_threshold=auto_validation_threshold,
            disable_auto_validation=disable_auto_validation or None,
            dedicated_ip_pool=pool,
            vdm_options=vdm_options,
            max_delivery_duration=max_delivery_duration,
        )
        if archive_arn is not None:
            # aws-cdk-lib's ConfigurationSet has no archive option; CloudFormation has.
            cfn = self.configuration_set.node.default_child
            cfn.add_property_override("ArchivingOptions.ArchiveArn", archive_arn)  # type: ignore[union-attr]
        for key, value in (tags or {}).items():
            cdk.Tags.of(self.configuration_set).add(key, value)
        self._remember(self.configuration_set.configuration_set_name, name, reputation_metrics)

    @classmethod
    def from_configuration_set_name(
        cls, scope: Construct, construct_id: str, configuration_set_name: str, *, reputation_metrics: bool = False
    ) -> SendingConfigurationSet:
        """A configuration set that exists already (created elsewhere, by hand or by
        another stack), to add event destinations to: each ``add_*_destination`` validates
        and creates roles and policies as for a new set. Nothing about the set itself is
        created or changed. ``reputation_metrics``: whether the existing set publishes
        reputation metrics (it is not changed here); by default ``False``, so
        ``metric_reputation`` and reputation alarms are refused until you say it does.

        SES allows 10 event destinations per set: the ones it already has count too, and
        names must differ from theirs; neither can be checked here.
        """
        return ImportedConfigurationSet(scope, construct_id, configuration_set_name, reputation_metrics=reputation_metrics)

    def _remember(self, name: str, name_in_metrics: str, reputation_metrics: bool) -> None:
        self._configuration_set_name = name
        # The name in metric dimensions, alarm names and dashboards: literal unless given as a token.
        self.name_in_metrics: str = name_in_metrics
        self.reputation_metrics_enabled = reputation_metrics
        self.event_destinations: dict[str, ses.CfnConfigurationSetEventDestination] = {}
        self.cloudwatch_destinations: dict[str, rules.CloudWatchDestination] = {}
        self._foreign_arns: dict[str, str] = {}

    @property
    def configuration_set_name(self) -> str:
        """The set's name (a ``Ref`` to the set for a new one, so that what uses it is
        created after it; the literal name for an imported one)."""
        return self._configuration_set_name

    @property
    def configuration_set_ref(self) -> ses_refs.ConfigurationSetReference:
        """What aws-cdk-lib's consumers of ``IConfigurationSetRef`` read."""
        return ses_refs.ConfigurationSetReference(configuration_set_name=self._configuration_set_name)

    def apply_removal_policy(self, policy: cdk.RemovalPolicy) -> None:
        """Applies to the configuration set itself (the child ``Resource``)."""
        self.configuration_set.apply_removal_policy(policy)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.node.path} ({self.name_in_metrics})>"

    @functools.cached_property
    def configuration_set_arn(self) -> str:
        """``arn:<partition>:ses:<region>:<account>:configuration-set/<name>``, as SES's
        ``aws:SourceArn`` condition key sees it, for use in this set's own stack (the name
        is a ``Ref`` to the set). In a policy of another stack use ``arn_for``."""
        return self._stack.format_arn(service="ses", resource=rules.CONFIGURATION_SET_ARN_RESOURCE, resource_name=self.configuration_set_name)

    def arn_for(self, consumer: Construct) -> str:
        """The set's ARN for a policy written in ``consumer``'s stack.

        In this set's own stack it is ``configuration_set_arn``. In another stack it is
        formatted there from the literal name: a ``Ref`` would make this stack export the
        name to that one, and when that stack holds the stream, topic or role this set
        publishes to (which this stack imports), CDK fails with a reference cycle. A name
        given as a token has no literal: then the ``Ref``-based ARN is returned as it is.
        """
        stack = cdk.Stack.of(consumer)
        if stack is self._stack or cdk.Token.is_unresolved(self.name_in_metrics):
            return self.configuration_set_arn
        # One string per stack, so that policies listing this set's ARN find it once.
        if stack.node.path not in self._foreign_arns:
            self._foreign_arns[stack.node.path] = stack.format_arn(
                service="ses", resource=rules.CONFIGURATION_SET_ARN_RESOURCE, resource_name=self.name_in_metrics
            )
        return self._foreign_arns[stack.node.path]

    @functools.cached_property
    def _stack(self) -> cdk.Stack:
        return cdk.Stack.of(self)

    # --- destinations ---------------------------------------------------------------

    def add_cloudwatch_destination(
        self, name: str, *, dimensions: Sequence[_arguments.DimensionArg], events: EventsArg = None, enabled: bool = True
    ) -> ses.CfnConfigurationSetEventDestination:
        """Publish events as CloudWatch metrics (namespace ``AWS/SES``) with these dimensions.

        Each dimension (a ``Dimension`` or an ``aws_ses.CloudWatchDimension``) takes its
        value from a message tag, email header or link tag, or its ``default`` when the
        message has none. Link-tag dimensions on a destination
        that does not match ``click`` only ever get the default: a warning annotation says so.
        """
        event_types, problems = self._check_destination(name, events)
        dimensions, problems_of_type = _arguments.dimensions(dimensions)
        dims = [_arguments.judged(d) for d in dimensions]
        dimension_problems = rules.under(rules.check_dimensions(dims, event_types), "dimensions") if not problems_of_type else []
        self._raise_for(name, problems + problems_of_type + dimension_problems)
        for warning in dimension_problems:
            cdk.Annotations.of(self).add_warning_v2(f"ses-metrics:{name}:{warning.location}", f"{name}: {warning}")
        target = ses.CfnConfigurationSetEventDestination.CloudWatchDestinationProperty(
            dimension_configurations=[
                ses.CfnConfigurationSetEventDestination.DimensionConfigurationProperty(
                    dimension_name=d.name, dimension_value_source=d.source.cfn, default_dimension_value=d.default
                )
                for d in dimensions
            ]
        )
        created = self._add(name, event_types, enabled, cloud_watch_destination=target)
        self.cloudwatch_destinations[name] = rules.CloudWatchDestination(
            name, tuple(dim_name for dim_name, _, _ in dims), event_types, enabled
        )
        return created

    def add_firehose_destination(
        self,
        name: str,
        *,
        delivery_stream: DeliveryStreamLike,
        role: iam.IRole | None = None,
        events: EventsArg = None,
        enabled: bool = True,
    ) -> ses.CfnConfigurationSetEventDestination:
        """Publish each event as a JSON record to a Kinesis Data Firehose stream.

        ``delivery_stream`` is anything with a ``delivery_stream_arn``: an
        ``S3DeliveryStream``, ``RedshiftDeliveryStream`` or ``OpenSearchDeliveryStream``,
        or ``DeliveryStreamArn("arn:...")``. Without ``role``, SES assumes a role trusted
        only by ``ses.amazonaws.com`` for this account and this configuration set
        (``aws:SourceAccount``, ``aws:SourceArn``), allowed only ``firehose:PutRecordBatch``
        on this one stream: the stream's own SES role (``ses_role``), which then trusts
        every configuration set publishing to the stream, else a new role for this
        destination.
        """
        event_types, problems = self._check_destination(name, events)
        problems += _arguments.attribute(delivery_stream, "delivery_stream_arn", "delivery_stream", "a delivery stream (with delivery_stream_arn)")
        if role is not None:
            problems += _arguments.attribute(role, "role_arn", "role", "an aws_iam.IRole")
        self._raise_for(name, problems)
        if role is None and callable(getattr(delivery_stream, "ses_role", None)):
            role = delivery_stream.ses_role(self.arn_for(delivery_stream))  # type: ignore[attr-defined]
        if role is None:
            role = iam.Role(
                self,
                f"{name}Role",
                description=f"Assumed by SES to publish events of configuration set destination {name} to Firehose",
                assumed_by=iam.ServicePrincipal(rules.SES_PRINCIPAL, conditions=self._ses_source_conditions(self)),
                inline_policies={
                    "PutRecordBatch": iam.PolicyDocument(
                        statements=[
                            iam.PolicyStatement(
                                actions=["firehose:PutRecordBatch"], resources=[delivery_stream.delivery_stream_arn]
                            )
                        ]
                    )
                },
            )
        target = ses.CfnConfigurationSetEventDestination.KinesisFirehoseDestinationProperty(
            delivery_stream_arn=delivery_stream.delivery_stream_arn, iam_role_arn=role.role_arn
        )
        return self._add(name, event_types, enabled, kinesis_firehose_destination=target)

    def add_sns_destination(
        self, name: str, *, topic: sns.ITopic, events: EventsArg = None, enabled: bool = True
    ) -> ses.CfnConfigurationSetEventDestination:
        """Publish each event as a JSON message to a standard (not FIFO) SNS topic.

        Adds a topic policy letting ``ses.amazonaws.com`` publish for this account and
        configuration set only (a topic imported by ARN keeps its own policy, which must
        allow this). When the topic is encrypted with a KMS key this app owns, the key
        policy lets SES use it under the same conditions.
        """
        event_types, problems = self._check_destination(name, events)
        problems += _arguments.attribute(topic, "topic_arn", "topic", "an aws_sns.ITopic")
        self._raise_for(name, problems)
        topic_name = known(topic.topic_name)
        shown = topic.node.path if topic_name is UNRESOLVED else topic_name  # a topic created here has a token for a name
        self._raise_for(name, rules.under(rules.check_sns_topic(shown, fifo=bool(topic.fifo)), "topic"))
        created = self._add(
            name,
            event_types,
            enabled,
            sns_destination=ses.CfnConfigurationSetEventDestination.SnsDestinationProperty(topic_arn=topic.topic_arn),
        )
        result = topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"SesPublish{cdk.Names.unique_id(created)}",
                principals=[iam.ServicePrincipal(rules.SES_PRINCIPAL)],
                actions=["sns:Publish"],
                resources=[topic.topic_arn],
                conditions=self._ses_source_conditions(topic),
            )
        )
        if result.policy_dependable is not None:
            created.node.add_dependency(result.policy_dependable)
        if topic.master_key is not None:
            topic.master_key.add_to_resource_policy(
                iam.PolicyStatement(
                    sid=f"SesPublish{cdk.Names.unique_id(created)}",
                    principals=[iam.ServicePrincipal(rules.SES_PRINCIPAL)],
                    actions=["kms:GenerateDataKey*", "kms:Decrypt"],
                    resources=["*"],  # in a key policy, "*" is this key
                    conditions=self._ses_source_conditions(topic.master_key),
                )
            )
        return created

    def add_eventbridge_destination(
        self,
        name: str,
        *,
        event_bus: eventbridge.IEventBus | None = None,
        events: EventsArg = None,
        enabled: bool = True,
    ) -> ses.CfnConfigurationSetEventDestination:
        """Publish events to EventBridge (``source: aws.ses``). SES supports only the
        default bus of the sending account and Region, which is used when ``event_bus`` is
        omitted; a bus given by ARN must be the default bus of this stack's account and
        Region (when the stack's account or Region is not known at synth, a literal ARN is
        refused: nothing shows it is the sender's)."""
        event_types, problems = self._check_destination(name, events)
        if event_bus is not None:
            problems += rules.under(self._check_event_bus(event_bus), "event_bus")
        self._raise_for(name, problems)
        arn = (
            event_bus.event_bus_arn
            if event_bus is not None
            else self._stack.format_arn(service="events", resource="event-bus", resource_name=rules.DEFAULT_EVENT_BUS)
        )
        target = ses.CfnConfigurationSetEventDestination.EventBridgeDestinationProperty(event_bus_arn=arn)
        return self._add(name, event_types, enabled, event_bridge_destination=target)

    # --- internals ------------------------------------------------------------------

    def _check_event_bus(self, event_bus: eventbridge.IEventBus) -> list[Problem]:
        if cdk.Resource.is_owned_resource(event_bus):
            # A bus this app creates is never the default one, which every account has already.
            return rules.check_event_bus(event_bus.node.path)
        arn = known(event_bus.event_bus_arn)
        if arn is UNRESOLVED:
            return rules.check_event_bus(known(event_bus.event_bus_name))
        return rules.check_event_bus(arn, account=known(self._stack.account), region=known(self._stack.region))

    def _check_destination(self, name: str, events: EventsArg) -> tuple[tuple[EventType, ...], list[Problem]]:
        problems = rules.under(rules.check_event_destination_name(known(name)), "name")
        taken = [*self.event_destinations, name]
        problems += [Problem(("name",) if p.path else (), p.message) for p in rules.check_event_destinations(taken)]
        event_types, event_problems = _arguments.event_types(events)
        return event_types, problems + event_problems

    def _raise_for(self, name: str, problems: list[Problem]) -> None:
        rules.raise_for(problems, lambda: f"SendingConfigurationSet {self.node.path}: event destination {name!r}")

    def _add(
        self, name: str, event_types: Sequence[EventType], enabled: bool, **target: Any
    ) -> ses.CfnConfigurationSetEventDestination:
        created = ses.CfnConfigurationSetEventDestination(
            self,
            name,
            configuration_set_name=self.configuration_set_name,
            event_destination=ses.CfnConfigurationSetEventDestination.EventDestinationProperty(
                name=name,
                enabled=enabled,  # explicit: CloudFormation treats an omitted Enabled as disabled
                matching_event_types=[e.cfn for e in event_types],
                **target,
            ),
        )
        self.event_destinations[name] = created
        return created

    def _ses_source_conditions(self, consumer: Construct) -> dict[str, dict[str, str]]:
        """SES may act only for this account and this configuration set (confused deputy),
        in a policy of ``consumer``'s stack."""
        return {"StringEquals": {"aws:SourceAccount": cdk.Aws.ACCOUNT_ID, "aws:SourceArn": self.arn_for(consumer)}}


class ImportedConfigurationSet(SendingConfigurationSet):
    """A configuration set that exists already: see
    ``SendingConfigurationSet.from_configuration_set_name``. Its ``configuration_set`` is
    ``aws_ses.ConfigurationSet.from_configuration_set_name``; nothing of the set is created."""

    def __init__(self, scope: Construct, construct_id: str, configuration_set_name: str, *, reputation_metrics: bool = False) -> None:
        cdk.Resource.__init__(self, scope, construct_id)
        problems = rules.under(rules.check_configuration_set_name(known(configuration_set_name)), "configuration_set_name")
        rules.raise_for(problems, lambda: f"SendingConfigurationSet.from_configuration_set_name {self.node.path}")
        self.configuration_set = ses.ConfigurationSet.from_configuration_set_name(self, "Resource", configuration_set_name)
        self._remember(configuration_set_name, configuration_set_name, reputation_metrics)
