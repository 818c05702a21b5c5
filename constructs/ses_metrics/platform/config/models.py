"""The schema of ``ses-metrics.yaml``: configuration sets, their event destinations,
monitoring, topics and the top-level ``PlatformConfig`` (streams are in ``streams``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, model_validator

from ses_metrics import rules
from ses_metrics.cdk.dimensions import Dimension
from ses_metrics.platform.config.account import (
    AccountVdmConfig,
    DedicatedIpPoolConfig,
    IdentityConfig,
    TenantConfig,
    VdmConfig,
)
from ses_metrics.platform.config.fields import (
    ArchiveArn,
    ConfigModel,
    ConfigurationSetName,
    DefaultValue,
    DimensionName,
    EventBus,
    EventDestinationName,
    Events,
    PoolName,
    ResourceTags,
    Source,
    StackSuffix,
    TopicName,
    rule_validator,
)
from ses_metrics.platform.config.streams import StreamConfig
from ses_metrics.rules import DestinationKind, EventType

SCHEMA_ID = "https://ses-metrics.dev/schema/ses-metrics.json"
class DimensionConfig(ConfigModel):
    """A CloudWatch dimension: a message tag, email header or link tag, with a default."""

    name: DimensionName
    source: Source
    default: DefaultValue

    def to_dimension(self) -> Dimension:
        return Dimension(self.name, self.source, self.default)


class CloudWatchConfig(ConfigModel):
    """Publish events as CloudWatch metrics segmented by these dimensions (at most 10)."""

    dimensions: list[DimensionConfig] = Field(json_schema_extra={"minItems": 1, "maxItems": rules.MAX_DIMENSIONS})


class FirehoseConfig(ConfigModel):
    """Publish event records to a Firehose stream: one from ``streams`` or an existing ARN."""

    stream: str | None = Field(default=None, description="name of a stream under streams:")
    stream_arn: str | None = Field(default=None, description="ARN of an existing delivery stream")


class SnsConfig(ConfigModel):
    """Publish events to a standard SNS topic: one from ``topics`` or an existing ARN."""

    topic: str | None = Field(default=None, description="name of a topic under topics:")
    topic_arn: str | None = Field(default=None, description="ARN of an existing standard topic")


class EventBridgeConfig(ConfigModel):
    """Publish events to the account's default EventBridge bus."""

    event_bus: EventBus = "default"


class DestinationConfig(ConfigModel):
    """An event destination: a name, the event types it matches and exactly one target."""

    name: EventDestinationName
    events: Events = Field(default_factory=lambda: list(EventType))
    enabled: bool = True
    cloudwatch: CloudWatchConfig | None = None
    firehose: FirehoseConfig | None = None
    sns: SnsConfig | None = None
    eventbridge: EventBridgeConfig | None = None

    @property
    def kind(self) -> DestinationKind:
        return next(k for k in DestinationKind if getattr(self, k.config) is not None)


class TrackingConfig(ConfigModel):
    """Open and click tracking through your own redirect domain."""

    custom_redirect_domain: str
    https_policy: Literal["REQUIRE", "REQUIRE_OPEN_ONLY", "OPTIONAL"] = "REQUIRE"


class NotificationConfig(ConfigModel):
    """Where alarm notifications go: a topic under ``topics:`` or an email address."""

    topic: str | None = Field(default=None, description="name of a topic under topics:")
    email: str | None = Field(
        default=None, description="address subscribed to a new encrypted alarm topic; it must confirm the subscription"
    )


_BOUNCE, _COMPLAINT = rules.ReputationMetric


class AlarmsConfig(ConfigModel):
    """Bounce and complaint rate alarms; thresholds in percent (2.5 is 2.5%)."""

    enabled: bool = True
    bounce_rate_percent: float = Field(
        default=rules.REPUTATION_ALARMS[_BOUNCE].percent,
        description=f"alarm at or above this bounce rate; AWS reviews at {_BOUNCE.review_percent:g}%, may pause at {_BOUNCE.pause_percent:g}%",
        json_schema_extra={"exclusiveMinimum": 0, "exclusiveMaximum": _BOUNCE.pause_percent},
    )
    complaint_rate_percent: float = Field(
        default=rules.REPUTATION_ALARMS[_COMPLAINT].percent,
        description=f"alarm at or above this complaint rate; AWS reviews at {_COMPLAINT.review_percent:g}%, may pause at {_COMPLAINT.pause_percent:g}%",
        json_schema_extra={"exclusiveMinimum": 0, "exclusiveMaximum": _COMPLAINT.pause_percent},
    )
    minimum_sends: int = Field(
        default=rules.DIMENSION_ALARM_MINIMUM_SENDS,
        description="per-dimension alarms judge the rate only from this many sends per hour",
        json_schema_extra={"minimum": 1},
    )


class SetAlarmsConfig(AlarmsConfig):
    """Alarms of one configuration set, optionally per combination of dimension values."""

    dimensions: list[dict[str, str]] = Field(
        default_factory=list,
        description="per-dimension alarms: each a value for every dimension of one CloudWatch destination of this set",
    )


class MonitoringConfig(ConfigModel):
    """Monitoring defaults for every configuration set: alarms, notification, dashboard."""

    alarms: AlarmsConfig | None = None
    notification: NotificationConfig | None = None
    dashboard: bool = Field(default=True, description="one CloudWatch dashboard per configuration set")
    account_alarms: bool = Field(default=True, description="also alarm on the account's Reputation.* metrics (what AWS acts on)")


class SetMonitoringConfig(ConfigModel):
    """Monitoring of one configuration set; each key given overrides the top-level one."""

    alarms: SetAlarmsConfig | None = None
    notification: NotificationConfig | None = None
    dashboard: bool = Field(default=True, description="a CloudWatch dashboard for this configuration set")


@dataclass(frozen=True)
class ResolvedMonitoring:
    """What is monitored, and how: for a configuration set, its own keys over the
    top-level ones; for the account, the top-level keys (no dimensions, no dashboard)."""

    alarms: bool
    bounce_rate_percent: float
    complaint_rate_percent: float
    minimum_sends: int
    dimension_alarms: tuple[dict[str, str], ...]
    notification: NotificationConfig | None
    dashboard: bool

class ConfigurationSetConfig(ConfigModel):
    """An SES configuration set and its event destinations (at most 10)."""

    name: ConfigurationSetName
    existing: bool = Field(
        default=False, description="the set exists already: only its event destinations (and monitoring) are managed here"
    )
    sending_enabled: bool = True
    reputation_metrics: bool = Field(
        default=True, description="publish reputation metrics; for an existing set, whether it does (default false there; not changed)"
    )
    tls_policy: Literal["REQUIRE", "OPTIONAL"] | None = None
    suppression: Literal["bounces_and_complaints", "bounces_only", "complaints_only", "none"] | None = Field(
        default=None, description="override the account's suppression list reasons; none turns the list off (default: the account's)"
    )
    suppression_validation: Literal["medium", "high", "managed", "disabled"] | None = Field(
        default=None, description="auto-validation confidence threshold, or disabled (default: the account's)"
    )
    max_delivery_seconds: Annotated[int, AfterValidator(rule_validator(rules.check_max_delivery_seconds))] | None = None
    tracking: TrackingConfig | None = None
    dedicated_ip_pool: PoolName | None = Field(default=None, description="a pool under dedicated_ip_pools:, or an existing one")
    vdm: VdmConfig | None = None
    archive_arn: ArchiveArn | None = Field(default=None, description="archive every message sent through this set")
    tags: ResourceTags = Field(default_factory=dict)
    destinations: list[DestinationConfig] = Field(default_factory=list, json_schema_extra={"maxItems": rules.MAX_EVENT_DESTINATIONS})
    monitoring: SetMonitoringConfig | None = Field(default=None, description="overrides the top-level monitoring: for this set")
    stack: StackSuffix | None = None

    @model_validator(mode="before")
    @classmethod
    def _existing_publishes_no_reputation_metrics_unless_said(cls, data: Any) -> Any:
        """An existing set's reputation metrics are what the file says, else off: ses-metrics
        cannot know, and alarms on metrics that may never come would be a false comfort."""
        if isinstance(data, dict) and data.get("existing") is True and "reputation_metrics" not in data:
            return {**data, "reputation_metrics": False}
        return data


class TopicConfig(ConfigModel):
    """A standard SNS topic, encrypted with a KMS key SES may use."""

    name: TopicName
    fifo: bool = Field(default=False, description="SES cannot publish to FIFO topics: true is rejected")


class PlatformConfig(ConfigModel):
    """ses-metrics platform configuration: configuration sets, streams and topics."""

    model_config = ConfigDict(json_schema_extra={"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID})

    stack_name: Annotated[
        str, Field(pattern=r"^[A-Za-z][A-Za-z0-9-]{0,127}$", description="CloudFormation stack name")
    ] = "SesMetrics"
    configuration_sets: list[ConfigurationSetConfig] = Field(min_length=1)
    streams: list[StreamConfig] = Field(default_factory=list)
    topics: list[TopicConfig] = Field(default_factory=list)
    monitoring: MonitoringConfig | None = Field(
        default=None, description="alarms and dashboards for every configuration set; none when omitted here and on the set"
    )
    dedicated_ip_pools: list[DedicatedIpPoolConfig] = Field(default_factory=list)
    vdm: AccountVdmConfig | None = Field(default=None, description="the account's VDM settings (AWS::SES::VdmAttributes)")
    identities: list[IdentityConfig] = Field(default_factory=list)
    tenants: list[TenantConfig] = Field(default_factory=list)

    def stream(self, name: str) -> StreamConfig:
        return next(s for s in self.streams if s.name == name)

    def stack_of(self, cs: ConfigurationSetConfig) -> str:
        """The stack the set goes into: ``<stack_name>-<stack>`` for a set with ``stack:``,
        else the main stack ``stack_name``."""
        return f"{self.stack_name}-{cs.stack}" if cs.stack is not None else self.stack_name

    @property
    def stack_groups(self) -> list[str]:
        """The ``stack:`` names the sets give, in order of first use (empty: one stack)."""
        return list(dict.fromkeys(cs.stack for cs in self.configuration_sets if cs.stack is not None))

    def topic(self, name: str) -> TopicConfig:
        return next(t for t in self.topics if t.name == name)

    def account_alarms(self) -> ResolvedMonitoring | None:
        """The account-level alarms of the top-level ``monitoring:``, or ``None`` when it is
        absent or turns them off (``account_alarms: false`` or ``alarms: {enabled: false}``)."""
        top = self.monitoring
        alarms = (top.alarms or AlarmsConfig()) if top is not None else None
        if top is None or alarms is None or not (alarms.enabled and top.account_alarms):
            return None
        return ResolvedMonitoring(
            alarms=True,
            bounce_rate_percent=alarms.bounce_rate_percent,
            complaint_rate_percent=alarms.complaint_rate_percent,
            minimum_sends=alarms.minimum_sends,
            dimension_alarms=(),
            notification=top.notification,
            dashboard=False,
        )

    def dashboard_name(self, cs: ConfigurationSetConfig) -> str:
        """``<stack name>-<set name>``: both are ``[A-Za-z0-9_-]``, as dashboard names must be."""
        return f"{self.stack_name}-{cs.name}"

    def monitoring_for(self, cs: ConfigurationSetConfig) -> ResolvedMonitoring | None:
        """The set's monitoring (its keys over the top-level ones), or ``None`` when
        neither gives ``monitoring:``."""
        layers = [m for m in (self.monitoring, cs.monitoring) if m is not None]
        if not layers:
            return None
        alarms = AlarmsConfig().model_dump()
        settings: dict[str, Any] = {"notification": None, "dashboard": True}
        for layer in layers:
            if layer.alarms is not None:
                alarms |= {key: getattr(layer.alarms, key) for key in layer.alarms.model_fields_set}
            settings |= {key: getattr(layer, key) for key in layer.model_fields_set & settings.keys()}
        own = cs.monitoring.alarms if cs.monitoring is not None else None
        return ResolvedMonitoring(
            alarms=alarms["enabled"],
            bounce_rate_percent=alarms["bounce_rate_percent"],
            complaint_rate_percent=alarms["complaint_rate_percent"],
            minimum_sends=alarms["minimum_sends"],
            dimension_alarms=tuple(own.dimensions) if own is not None else (),
            **settings,
        )



    def configuration_set(self, name: str) -> ConfigurationSetConfig:
        return next(cs for cs in self.configuration_sets if cs.name == name)

    def identity(self, name: str) -> IdentityConfig:
        return next(i for i in self.identities if i.name == name)

    def stack_of_identity(self, identity: IdentityConfig) -> str | None:
        """The ``stack:`` group an identity goes into: its default set's (so that the set
        exists before the identity names it), else the main stack (``None``)."""
        if identity.configuration_set is None:
            return None
        return self.configuration_set(identity.configuration_set).stack

    def stack_of_tenant(self, tenant: TenantConfig) -> str | None:
        """The ``stack:`` group a tenant goes into: its resources' (a cross check makes
        them share one), else the main stack."""
        groups = [self.configuration_set(n).stack for n in tenant.configuration_sets]
        groups += [self.stack_of_identity(self.identity(n)) for n in tenant.identities]
        return next((g for g in groups if g is not None), None)
