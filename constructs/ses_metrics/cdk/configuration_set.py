"""``SendingConfigurationSet``: an SES configuration set whose event destinations are
checked against SES's rules at synth, before anything is deployed."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import aws_cdk as cdk
from aws_cdk import aws_events as eventbridge
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ses as ses
from aws_cdk import aws_sns as sns

from constructs import Construct
from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.dimensions import Dimension
from ses_metrics.cdk.metrics import SendingMetrics
from ses_metrics.rules import UNRESOLVED, EventType, Problem, firehose

EventsArg = str | Sequence[EventType | str] | None


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


class SendingConfigurationSet(SendingMetrics, Construct):
    """An SES configuration set with validated event destinations.

    Builds on ``aws_ses.ConfigurationSet``; destinations are written as
    ``CfnConfigurationSetEventDestination`` because the L2 destination needs an
    ``aws_kinesisfirehose`` L2 stream, whose every instance (imports too) adds an unused
    mapping to env-agnostic stacks (cfn-lint W7001). By default: sending enabled, reputation
    metrics enabled (SES's own default is off), the account's suppression list and TLS
    policy, no custom tracking domain, and a name derived from the construct path
    (stable across deploys; pass ``configuration_set_name`` to choose it).

    Every ``add_*_destination`` method validates its arguments with ``ses_metrics.rules``
    before creating anything and raises ``rules.ValidationError`` listing every problem.
    Destinations are always written with ``Enabled`` explicit (CloudFormation treats an
    omitted ``Enabled`` as disabled) and match all event types unless ``events`` is given.

    The metric helpers (``metric``, ``metric_bounces``, ``metric_bounce_rate``,
    ``metric_reputation_bounce_rate``, ``metric_search``, ...; see
    ``ses_metrics.cdk.metrics.SendingMetrics``) build only metrics that SES publishes for
    this set: ``cloudwatch_destinations`` remembers what each CloudWatch destination
    publishes (its dimension names, event types and whether it is enabled).
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
        max_delivery_duration: cdk.Duration | None = None,
    ) -> None:
        super().__init__(scope, construct_id)
        name = configuration_set_name or cdk.Names.unique_resource_name(self, max_length=rules.MAX_NAME_LENGTH, separator="-")
        problems = rules.under(rules.check_configuration_set_name(known(name)), "configuration_set_name")
        if max_delivery_duration is not None and not cdk.Token.is_unresolved(max_delivery_duration.to_seconds()):
            problems += rules.under(rules.check_max_delivery_seconds(max_delivery_duration.to_seconds()), "max_delivery_duration")
        https = custom_tracking_https_policy.value if custom_tracking_https_policy else None
        problems += [
            p.under("custom_tracking") for p in rules.check_tracking(known(custom_tracking_redirect_domain), https)
        ]
        rules.raise_for(problems, lambda: f"SendingConfigurationSet {self.node.path}")

        self.configuration_set = ses.ConfigurationSet(
            self,
            "Resource",
            configuration_set_name=name,
            sending_enabled=sending_enabled,
            reputation_metrics=reputation_metrics,
            custom_tracking_redirect_domain=custom_tracking_redirect_domain,
            custom_tracking_https_policy=custom_tracking_https_policy,
            tls_policy=tls_policy,
            suppression_reasons=suppression_reasons,
            max_delivery_duration=max_delivery_duration,
        )
        self.configuration_set_name: str = self.configuration_set.configuration_set_name
        # The name in metric dimensions, alarm names and dashboards: literal unless given as a token.
        self.name_in_metrics: str = name
        self.reputation_metrics_enabled = reputation_metrics
        self.event_destinations: dict[str, ses.CfnConfigurationSetEventDestination] = {}
        self.cloudwatch_destinations: dict[str, rules.CloudWatchDestination] = {}
        self._foreign_arns: dict[str, str] = {}

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
        self, name: str, *, dimensions: Sequence[Dimension], events: EventsArg = None, enabled: bool = True
    ) -> ses.CfnConfigurationSetEventDestination:
        """Publish events as CloudWatch metrics (namespace ``AWS/SES``) with these dimensions.

        Each dimension takes its value from a message tag, email header or link tag, or
        its ``default`` when the message has none. Link-tag dimensions on a destination
        that does not match ``click`` only ever get the default: a warning annotation says so.
        """
        event_types, problems = self._check_destination(name, events)
        dims = [(known(d.name), d.source, known(d.default)) for d in dimensions]
        dimension_problems = rules.under(rules.check_dimensions(dims, event_types), "dimensions")
        self._raise_for(name, problems + dimension_problems)
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
        self._raise_for(name, problems)
        if role is None and callable(getattr(delivery_stream, "ses_role", None)):
            role = delivery_stream.ses_role(self.arn_for(delivery_stream))  # type: ignore[attr-defined]
        if role is None:
            role = iam.Role(
                self,
                f"{name}Role",
                description=f"Assumed by SES to publish events of configuration set destination {name} to Firehose",
                assumed_by=iam.ServicePrincipal(rules.SES_SERVICE_PRINCIPAL, conditions=self._ses_source_conditions(self)),
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
        problems += rules.under(rules.check_sns_topic(known(topic.topic_name), fifo=bool(topic.fifo)), "topic")
        self._raise_for(name, problems)
        created = self._add(
            name,
            event_types,
            enabled,
            sns_destination=ses.CfnConfigurationSetEventDestination.SnsDestinationProperty(topic_arn=topic.topic_arn),
        )
        result = topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid=f"SesPublish{cdk.Names.unique_id(created)}",
                principals=[iam.ServicePrincipal(rules.SES_SERVICE_PRINCIPAL)],
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
                    principals=[iam.ServicePrincipal(rules.SES_SERVICE_PRINCIPAL)],
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
        event_types, event_problems = rules.parse_event_types(rules.ALL_EVENTS if events is None else events)
        return event_types, problems + rules.under(event_problems, "events")

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
