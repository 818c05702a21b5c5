"""From synthesized templates to the topology SES would see: configuration sets, their
event destinations, and the streams, roles, buckets, topics, keys and rules behind them.

Plain data only; the router decides what happens to an event. Everything the simulator
cannot follow (a role attached to an AWS managed policy, a stream outside the templates,
an unresolved intrinsic) becomes a warning naming the resource.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import DestinationKind, DimensionSource, EventType, firehose
from ses_metrics.rules import tenants as tenant_rules
from ses_metrics.simulator.template import (
    REFUSED,
    Environment,
    Resolver,
    StackTemplate,
    TemplateError,
    Unresolved,
    load_stacks,
)
from ses_metrics.simulator.tenants import Tenant, tenant_from


@dataclass(frozen=True)
class Dimension:
    name: str
    source: DimensionSource
    default: str


@dataclass
class EventDestination:
    """An ``AWS::SES::ConfigurationSetEventDestination``, resolved."""

    name: str
    configuration_set: str
    enabled: bool
    event_types: frozenset[EventType]
    kind: DestinationKind | None
    dimensions: tuple[Dimension, ...] = ()
    stream_arn: str | None = None
    role_arn: str | None = None
    topic_arn: str | None = None
    bus_arn: str | None = None
    resource: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class ConfigurationSet:
    name: str
    arn: str
    sending_enabled: bool = True
    reputation_metrics: bool = False
    custom_redirect_domain: str | None = None
    destinations: list[EventDestination] = field(default_factory=list)
    resource: str = ""
    # SuppressionOptions.SuppressedReasons: None without an override, () turns suppression off
    suppressed_reasons: tuple[str, ...] | None = None
    # DeliveryOptions.MaxDeliverySeconds: how long SES tries to deliver
    max_delivery_seconds: int = rules.DEFAULT_MAX_DELIVERY_SECONDS


@dataclass
class S3Target:
    """Where a delivery stream writes objects."""

    bucket_arn: str
    prefix: str = ""
    error_output_prefix: str = ""
    compression: str = "UNCOMPRESSED"
    buffering_seconds: int = firehose.DEFAULT_BUFFERING_SECONDS
    buffering_mib: int = firehose.DEFAULT_BUFFERING_MIB
    file_extension: str | None = None
    role_arn: str | None = None
    dynamic_partitioning: bool = False
    metadata_queries: dict[str, str] = field(default_factory=dict)
    bucket: str = field(init=False)
    appends_hour_path: bool = field(init=False)
    static_prefix: bool = field(init=False)
    window_seconds: int = field(init=False)
    buffer_bytes: int = field(init=False)

    def __post_init__(self) -> None:
        self.bucket = self.bucket_arn[self.bucket_arn.rfind(":") + 1 :]
        # Firehose appends YYYY/MM/dd/HH/ when the prefix has no timestamp expression.
        self.appends_hour_path = "!{timestamp:" not in self.prefix and not self.dynamic_partitioning
        self.static_prefix = "!{" not in self.prefix and not self.dynamic_partitioning
        self.window_seconds = max(self.buffering_seconds, 1)
        self.buffer_bytes = self.buffering_mib * 1024 * 1024


@dataclass
class DeliveryStream:
    """An ``AWS::KinesisFirehose::DeliveryStream``: its destination kind and S3 target
    (the destination itself for S3, the staging or backup bucket for the others)."""

    name: str
    arn: str
    kind: str  # "s3" | "redshift" | "opensearch" | other Firehose destination types
    role_arn: str | None
    s3: S3Target | None
    properties: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    resource: str = ""


@dataclass
class Role:
    arn: str
    name: str
    trust_policy: dict[str, Any]
    policies: list[dict[str, Any]] = field(default_factory=list)
    unknown_managed_policies: list[str] = field(default_factory=list)
    resource: str = ""
    # PermissionsBoundary: its ARN, and its document when the templates define it
    boundary_arn: str | None = None
    boundary: Any = None
    tags: dict[str, str] = field(default_factory=dict)  # aws:PrincipalTag/<key> of its sessions


@dataclass
class Bucket:
    name: str
    arn: str
    encryption: str | None  # "AES256", "aws:kms", "aws:kms:dsse" or None
    kms_key_arn: str | None = None
    policies: list[dict[str, Any]] = field(default_factory=list)
    resource: str = ""
    # With an S3 Bucket Key the KMS encryption context is the bucket's ARN, not the object's
    bucket_key: bool = False


@dataclass(frozen=True)
class Subscription:
    protocol: str
    endpoint: str
    raw_message_delivery: bool = False


@dataclass
class Topic:
    arn: str
    name: str
    fifo: bool
    kms_key: str | None
    policies: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[Subscription] = field(default_factory=list)
    resource: str = ""


@dataclass
class Key:
    arn: str
    key_id: str
    policy: dict[str, Any]
    resource: str = ""


@dataclass(frozen=True)
class Queue:
    name: str
    arn: str
    fifo: bool = False


@dataclass
class EventRule:
    name: str
    arn: str
    bus: str
    pattern: dict[str, Any] | None
    enabled: bool
    targets: list[dict[str, str]]
    resource: str = ""


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    subject: str
    html: str | None
    text: str | None


@dataclass
class Topology:
    """Everything the simulator routes through, keyed for lookups."""

    environment: Environment
    configuration_sets: dict[str, ConfigurationSet] = field(default_factory=dict)
    streams: dict[str, DeliveryStream] = field(default_factory=dict)  # by ARN
    roles: dict[str, Role] = field(default_factory=dict)  # by ARN
    buckets: dict[str, Bucket] = field(default_factory=dict)  # by name
    topics: dict[str, Topic] = field(default_factory=dict)  # by ARN
    keys: dict[str, Key] = field(default_factory=dict)  # by ARN and by key ID
    rules: list[EventRule] = field(default_factory=list)
    queues: dict[str, Queue] = field(default_factory=dict)  # by ARN
    identities: dict[str, str | None] = field(default_factory=dict)  # identity -> default configuration set
    tenants: dict[str, Tenant] = field(default_factory=dict)  # by name
    templates: dict[str, EmailTemplate] = field(default_factory=dict)
    alarms: list[dict[str, Any]] = field(default_factory=list)
    stacks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    managed_policies: dict[str, Any] = field(default_factory=dict)  # AWS::IAM::ManagedPolicy documents by ARN

    def key(self, arn_or_id: str | None) -> Key | None:
        if not arn_or_id:
            return None
        return self.keys.get(arn_or_id) or self.keys.get(arn_or_id.rsplit("/", 1)[-1])


def _bool(value: Any, default: bool) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return default


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class _Builder:
    def __init__(self, stacks: list[StackTemplate], environment: Environment, parameters: Mapping[str, str] | None):
        self.stacks = stacks
        self.resolver = Resolver(stacks, environment, parameters)
        self.topology = Topology(environment, stacks=[s.name for s in stacks])
        self._role_names: dict[str, Role] = {}
        self._pending_destinations: list[tuple[StackTemplate, str, dict[str, Any]]] = []

    def warn(self, stack: StackTemplate, logical_id: str, message: str) -> None:
        text = f"{stack.name}/{logical_id}: {message}"
        if text not in self.topology.warnings:
            self.topology.warnings.append(text)

    def resolved(self, stack: StackTemplate, logical_id: str, props: Any) -> Any:
        """The resource's properties resolved; ``TemplateError`` when one has a JSON type
        CloudFormation's schema refuses (``rules.check_property_kinds``)."""
        resolved = self.resolver.resolve(props, stack, logical_id, at="Properties")
        resource_type = str(stack.resources[logical_id].get("Type"))
        for where, why, refused in rules.check_property_kinds(resource_type, resolved, lambda v: isinstance(v, Unresolved)):
            prefix = REFUSED if refused else "the simulator cannot resolve this template"
            raise TemplateError(f"{prefix}: {stack.name}/{logical_id}.Properties.{where}: {why}")
        return resolved

    def text(self, stack: StackTemplate, logical_id: str, value: Any, what: str) -> str | None:
        """A resolved string, or None with a warning naming what could not be resolved."""
        if value is None:
            return None
        if isinstance(value, Unresolved) or not isinstance(value, str | int | float):
            self.warn(stack, logical_id, f"{what} could not be resolved ({value}); it is ignored")
            return None
        return str(value)

    def build(self) -> Topology:
        handlers = {
            "AWS::SES::ConfigurationSet": self.configuration_set,
            "AWS::KinesisFirehose::DeliveryStream": self.delivery_stream,
            "AWS::IAM::Role": self.role,
            "AWS::S3::Bucket": self.bucket,
            "AWS::SNS::Topic": self.topic,
            "AWS::KMS::Key": self.kms_key,
            "AWS::Events::Rule": self.event_rule,
            "AWS::SES::EmailIdentity": self.identity,
            "AWS::SES::Tenant": self.tenant,
            "AWS::SES::Template": self.email_template,
            "AWS::CloudWatch::Alarm": self.alarm,
            "AWS::SQS::Queue": self.queue,
        }
        later = {
            "AWS::SES::ConfigurationSetEventDestination": self.event_destination,
            "AWS::IAM::Policy": self.policy,
            "AWS::IAM::ManagedPolicy": self.policy,
            "AWS::IAM::RolePolicy": self.policy,
            "AWS::SNS::TopicPolicy": self.topic_policy,
            "AWS::SNS::Subscription": self.subscription,
            "AWS::S3::BucketPolicy": self.bucket_policy,
        }
        for phase in (handlers, later):
            for stack in self.stacks:
                for logical_id, resource in stack.resources.items():
                    handler = phase.get(resource.get("Type", "")) if isinstance(resource, dict) else None
                    if handler is None or not self.resolver.is_deployed(stack, logical_id):
                        continue
                    handler(stack, logical_id, self.resolved(stack, logical_id, resource.get("Properties") or {}))
        self.finish_roles()
        self.topology.warnings[:0] = self.resolver.warnings
        return self.topology

    # -- SES -------------------------------------------------------------------------

    def configuration_set(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(stack, logical_id)
        if "Name" not in props:
            self.warn(stack, logical_id, f"configuration set has no Name; CloudFormation generates one, simulated as {name!r}")
        arn = self.resolver.arn(stack, logical_id)
        self.topology.configuration_sets[name] = ConfigurationSet(
            name=name,
            arn=str(arn),
            sending_enabled=_bool((props.get("SendingOptions") or {}).get("SendingEnabled"), True),
            reputation_metrics=_bool((props.get("ReputationOptions") or {}).get("ReputationMetricsEnabled"), False),
            custom_redirect_domain=(props.get("TrackingOptions") or {}).get("CustomRedirectDomain"),
            resource=f"{stack.name}/{logical_id}",
            suppressed_reasons=self.suppressed_reasons(stack, logical_id, props.get("SuppressionOptions")),
            max_delivery_seconds=_int((props.get("DeliveryOptions") or {}).get("MaxDeliverySeconds"), rules.DEFAULT_MAX_DELIVERY_SECONDS),
        )

    def suppressed_reasons(self, stack: StackTemplate, logical_id: str, options: Any) -> tuple[str, ...] | None:
        """A set's override of the account's suppression reasons (None: no override)."""
        reasons = (options or {}).get("SuppressedReasons") if isinstance(options, dict) else None
        if reasons is None:
            return None
        known = tuple(r for r in reasons if r in rules.SUPPRESSION_REASONS) if isinstance(reasons, list) else ()
        if not isinstance(reasons, list) or len(known) != len(reasons):
            self.warn(stack, logical_id, f"SuppressionOptions.SuppressedReasons {reasons!r} is not a list of BOUNCE, COMPLAINT; simulated as {list(known)}")
        return known

    def event_destination(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        set_name = self.text(stack, logical_id, props.get("ConfigurationSetName"), "ConfigurationSetName")
        spec = props.get("EventDestination") or {}
        name = str(spec.get("Name") or self.resolver.physical_name(stack, logical_id))
        here = f"{stack.name}/{logical_id}"
        if set_name is None:
            return
        configuration_set = self.topology.configuration_sets.get(set_name) or self.existing_set(stack, logical_id, set_name)
        problems = [str(p) for p in rules.check_event_destination_name(name)]
        kinds = [k for k in DestinationKind if k.cfn in spec]
        problems += [p.message for p in rules.check_destination_kinds([k.config for k in kinds])]
        events, event_problems = rules.parse_event_types(spec.get("MatchingEventTypes") or [])
        problems += [str(p) for p in event_problems]
        destination = EventDestination(
            name=name,
            configuration_set=set_name,
            # CloudFormation treats an omitted Enabled as false.
            enabled=_bool(spec.get("Enabled"), False),
            event_types=frozenset(events),
            kind=kinds[0] if len(kinds) == 1 else None,
            resource=here,
            problems=problems,
        )
        if "Enabled" not in spec:
            self.warn(stack, logical_id, f"event destination {name!r} omits Enabled, which CloudFormation treats as disabled")
        kind = destination.kind
        if kind is DestinationKind.CLOUDWATCH:
            dims = []
            configs = (spec["CloudWatchDestination"] or {}).get("DimensionConfigurations") or []
            check = rules.check_dimensions(
                [(c.get("DimensionName"), c.get("DimensionValueSource"), c.get("DefaultDimensionValue")) for c in configs], events
            )
            problems += [str(p) for p in check if p.is_error]
            for c in configs:
                source, _ = rules.parse_dimension_source(c.get("DimensionValueSource"))
                if source is not None and isinstance(c.get("DimensionName"), str):
                    dims.append(Dimension(c["DimensionName"], source, str(c.get("DefaultDimensionValue", ""))))
            destination.dimensions = tuple(dims)
        elif kind is DestinationKind.FIREHOSE:
            target = spec["KinesisFirehoseDestination"] or {}
            destination.stream_arn = self.text(stack, logical_id, target.get("DeliveryStreamARN"), "DeliveryStreamARN")
            destination.role_arn = self.text(stack, logical_id, target.get("IAMRoleARN"), "IAMRoleARN")
        elif kind is DestinationKind.SNS:
            destination.topic_arn = self.text(stack, logical_id, (spec["SnsDestination"] or {}).get("TopicARN"), "TopicARN")
        elif kind is DestinationKind.EVENTBRIDGE:
            destination.bus_arn = self.text(stack, logical_id, (spec["EventBridgeDestination"] or {}).get("EventBusArn"), "EventBusArn")
        for problem in problems:
            self.warn(stack, logical_id, f"event destination {name!r}: {problem}")
        configuration_set.destinations.append(destination)

    def identity(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        identity = self.text(stack, logical_id, props.get("EmailIdentity"), "EmailIdentity")
        if identity:
            default = (props.get("ConfigurationSetAttributes") or {}).get("ConfigurationSetName")
            self.topology.identities[identity.lower()] = self.text(stack, logical_id, default, "ConfigurationSetName")

    def existing_set(self, stack: StackTemplate, logical_id: str, name: str) -> ConfigurationSet:
        """A set the templates add destinations to but do not create (created elsewhere, as
        ``existing: true`` or ``from_configuration_set_name`` say): simulated with SES's
        defaults and only the destinations the templates give it, and said so."""
        self.warn(
            stack,
            logical_id,
            f"configuration set {name!r} is not in the templates (created elsewhere): simulated with SES's defaults "
            "(sending enabled, reputation metrics off, the account's suppression list) and only the destinations the "
            "templates add to it; destinations it has besides are not known",
        )
        env = self.resolver.env
        created = ConfigurationSet(name=name, arn=f"arn:{env.partition}:ses:{env.region}:{env.account}:configuration-set/{name}", resource="")
        self.topology.configuration_sets[name] = created
        return created

    def tenant(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        found = tenant_from(props)
        if found is None:
            self.warn(stack, logical_id, "tenant has no resolvable TenantName; it is ignored")
            return
        for arn in found.unresolved:
            self.warn(stack, logical_id, f"tenant {found.name!r}: association {arn} could not be resolved; sends that need it are refused")
        if found.suppression_scope not in (None, *tenant_rules.SUPPRESSION_SCOPES):
            self.warn(stack, logical_id, f"tenant {found.name!r}: SuppressionScope {found.suppression_scope!r} is not ACCOUNT or TENANT; "
                      "simulated as ACCOUNT (the account's list)")
        unknown = [r for r in found.suppressed_reasons if r not in tenant_rules.SUPPRESSED_REASONS]
        if unknown:
            self.warn(stack, logical_id, f"tenant {found.name!r}: SuppressedReasons {unknown!r} are not BOUNCE or COMPLAINT; they record nothing")
        self.topology.tenants[found.name] = found

    def email_template(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        spec = props.get("Template") or {}
        name = spec.get("TemplateName") or self.resolver.physical_name(stack, logical_id)
        self.topology.templates[str(name)] = EmailTemplate(
            str(name), str(spec.get("SubjectPart") or ""), spec.get("HtmlPart"), spec.get("TextPart")
        )

    def alarm(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        self.topology.alarms.append({"resource": f"{stack.name}/{logical_id}", "name": self.resolver.physical_name(stack, logical_id), **props})

    # -- Firehose --------------------------------------------------------------------

    def delivery_stream(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(stack, logical_id)
        arn = str(self.resolver.arn(stack, logical_id))
        kinds = {
            "ExtendedS3DestinationConfiguration": "s3",
            "S3DestinationConfiguration": "s3",
            "RedshiftDestinationConfiguration": "redshift",
            "AmazonopensearchserviceDestinationConfiguration": "opensearch",
            "ElasticsearchDestinationConfiguration": "opensearch",
            "AmazonOpenSearchServerlessDestinationConfiguration": "opensearch-serverless",
            "HttpEndpointDestinationConfiguration": "http",
            "SplunkDestinationConfiguration": "splunk",
            "SnowflakeDestinationConfiguration": "snowflake",
            "IcebergDestinationConfiguration": "iceberg",
        }
        key = next((k for k in kinds if k in props), None)
        if key is None:
            self.warn(stack, logical_id, "delivery stream has no destination configuration the simulator knows")
            return
        config = props[key] or {}
        s3_config = config if kinds[key] == "s3" else config.get("S3Configuration") or config.get("S3BackupConfiguration")
        target = self.s3_target(stack, logical_id, s3_config, config if kinds[key] == "s3" else {}) if s3_config else None
        role_arn = self.text(stack, logical_id, config.get("RoleARN"), "RoleARN")
        metadata = (stack.resources[logical_id].get("Metadata") or {}).get("ses-metrics") or {}
        self.topology.streams[arn] = DeliveryStream(
            name, arn, kinds[key], role_arn, target, config, metadata if isinstance(metadata, dict) else {}, f"{stack.name}/{logical_id}"
        )

    def s3_target(self, stack: StackTemplate, logical_id: str, config: dict[str, Any], extended: dict[str, Any]) -> S3Target | None:
        bucket_arn = self.text(stack, logical_id, config.get("BucketARN"), "BucketARN")
        if bucket_arn is None:
            return None
        hints = config.get("BufferingHints") or {}
        partitioning = extended.get("DynamicPartitioningConfiguration") or {}
        queries: dict[str, str] = {}
        for processor in (extended.get("ProcessingConfiguration") or {}).get("Processors") or []:
            if processor.get("Type") != "MetadataExtraction":
                continue
            for parameter in processor.get("Parameters") or []:
                if parameter.get("ParameterName") == "MetadataExtractionQuery":
                    queries["query"] = str(parameter.get("ParameterValue"))
        return S3Target(
            bucket_arn=bucket_arn,
            prefix=str(config.get("Prefix") or ""),
            error_output_prefix=str(config.get("ErrorOutputPrefix") or ""),
            compression=str(config.get("CompressionFormat") or "UNCOMPRESSED"),
            buffering_seconds=_int(hints.get("IntervalInSeconds"), firehose.DEFAULT_BUFFERING_SECONDS),
            buffering_mib=_int(hints.get("SizeInMBs"), firehose.DEFAULT_BUFFERING_MIB),
            file_extension=config.get("FileExtension"),
            role_arn=self.text(stack, logical_id, config.get("RoleARN"), "RoleARN"),
            dynamic_partitioning=_bool(partitioning.get("Enabled"), False),
            metadata_queries=queries,
        )

    # -- IAM -------------------------------------------------------------------------

    def role(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        arn = str(self.resolver.arn(stack, logical_id))
        role = Role(
            arn=arn,
            name=self.resolver.physical_name(stack, logical_id),
            trust_policy=props.get("AssumeRolePolicyDocument") or {},
            policies=[p.get("PolicyDocument") or {} for p in props.get("Policies") or [] if isinstance(p, dict)],
            resource=f"{stack.name}/{logical_id}",
        )
        role.unknown_managed_policies = [str(a) for a in props.get("ManagedPolicyArns") or []]
        if props.get("PermissionsBoundary") is not None:
            role.boundary_arn = str(props["PermissionsBoundary"])
        role.tags = {str(t.get("Key")): str(t.get("Value")) for t in props.get("Tags") or [] if isinstance(t, dict)}
        self.topology.roles[arn] = role
        self._role_names[role.name] = role

    def policy(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        document = props.get("PolicyDocument") or {}
        names = list(props.get("Roles") or []) + ([props["RoleName"]] if props.get("RoleName") else [])
        managed_arn = self.resolver.arn(stack, logical_id) if stack.resources[logical_id]["Type"] == "AWS::IAM::ManagedPolicy" else None
        for role_name in names:
            role = self._role_names.get(str(role_name))
            if role is None:
                self.warn(stack, logical_id, f"policy attached to role {role_name!r}, which is not in the templates")
                continue
            role.policies.append(document)
        if managed_arn is not None:
            self.topology.managed_policies[str(managed_arn)] = document
            for role in self._role_names.values():
                if str(managed_arn) in role.unknown_managed_policies:
                    role.unknown_managed_policies.remove(str(managed_arn))
                    role.policies.append(document)

    def finish_roles(self) -> None:
        # Only the roles SES or Firehose assume are evaluated; others (e.g. a deployment
        # Lambda's) may use managed policies the simulator never needs to know.
        for role in self.topology.roles.values():
            if role.boundary_arn is not None:
                role.boundary = self.topology.managed_policies.get(role.boundary_arn)
            trust = json.dumps(role.trust_policy)
            if rules.SES_PRINCIPAL not in trust and rules.FIREHOSE_PRINCIPAL not in trust:
                continue
            for arn in role.unknown_managed_policies:
                self.topology.warnings.append(
                    f"{role.resource}: managed policy {arn} is not in the templates; the simulator does not know what it allows"
                )

    # -- S3, SNS, KMS, EventBridge ---------------------------------------------------

    def bucket(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        name = self.resolver.physical_name(stack, logical_id)
        rules_ = ((props.get("BucketEncryption") or {}).get("ServerSideEncryptionConfiguration")) or []
        default = (rules_[0].get("ServerSideEncryptionByDefault") or {}) if rules_ else {}
        self.topology.buckets[name] = Bucket(
            name=name,
            arn=str(self.resolver.arn(stack, logical_id)),
            encryption=default.get("SSEAlgorithm"),
            kms_key_arn=default.get("KMSMasterKeyID"),
            resource=f"{stack.name}/{logical_id}",
            bucket_key=bool(rules_ and rules_[0].get("BucketKeyEnabled") in (True, "true")),
        )

    def bucket_policy(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        bucket = self.topology.buckets.get(str(props.get("Bucket")))
        if bucket is not None:
            bucket.policies.append(props.get("PolicyDocument") or {})

    def topic(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        arn = str(self.resolver.arn(stack, logical_id))
        topic = Topic(
            arn=arn,
            name=self.resolver.physical_name(stack, logical_id),
            fifo=_bool(props.get("FifoTopic"), False),
            kms_key=self.text(stack, logical_id, props.get("KmsMasterKeyId"), "KmsMasterKeyId"),
            resource=f"{stack.name}/{logical_id}",
        )
        for sub in props.get("Subscription") or []:
            topic.subscriptions.append(Subscription(str(sub.get("Protocol")), str(sub.get("Endpoint"))))
        self.topology.topics[arn] = topic

    def topic_policy(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        for arn in props.get("Topics") or []:
            topic = self.topology.topics.get(str(arn))
            if topic is not None:
                topic.policies.append(props.get("PolicyDocument") or {})

    def subscription(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        topic = self.topology.topics.get(str(props.get("TopicArn")))
        if topic is not None:
            topic.subscriptions.append(
                Subscription(str(props.get("Protocol")), str(props.get("Endpoint")), _bool(props.get("RawMessageDelivery"), False))
            )

    def queue(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        arn = str(self.resolver.arn(stack, logical_id))
        self.topology.queues[arn] = Queue(self.resolver.physical_name(stack, logical_id), arn, _bool(props.get("FifoQueue"), False))

    def kms_key(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        arn = str(self.resolver.arn(stack, logical_id))
        key = Key(arn, self.resolver.physical_name(stack, logical_id), props.get("KeyPolicy") or {}, f"{stack.name}/{logical_id}")
        self.topology.keys[arn] = key
        self.topology.keys[key.key_id] = key

    def event_rule(self, stack: StackTemplate, logical_id: str, props: dict[str, Any]) -> None:
        pattern = props.get("EventPattern")
        if isinstance(pattern, str):
            try:
                pattern = json.loads(pattern)
            except (ValueError, RecursionError):
                raise TemplateError(f"{REFUSED}: {stack.name}/{logical_id}.Properties.EventPattern: not JSON") from None
        why = rules.check_event_pattern(pattern) if pattern is not None else None
        if why:
            raise TemplateError(f"{REFUSED}: {stack.name}/{logical_id}.Properties.EventPattern: {why}")
        bus = str(props.get("EventBusName") or "default")
        self.topology.rules.append(
            EventRule(
                name=self.resolver.physical_name(stack, logical_id),
                arn=str(self.resolver.arn(stack, logical_id)),
                bus=bus.rsplit("/", 1)[-1],
                pattern=pattern if isinstance(pattern, dict) else None,
                enabled=str(props.get("State") or "ENABLED") == "ENABLED",
                targets=[{"id": str(t.get("Id")), "arn": str(t.get("Arn"))} for t in props.get("Targets") or []],
                resource=f"{stack.name}/{logical_id}",
            )
        )


def build_topology(
    source: str | Any | Iterable[StackTemplate],
    environment: Environment | None = None,
    parameters: Mapping[str, str] | None = None,
) -> Topology:
    """The topology of a ``cdk.out`` directory, a template file, a template dict or stacks."""
    if isinstance(source, list) and all(isinstance(s, StackTemplate) for s in source):
        stacks = source
    else:
        stacks = load_stacks(source)  # type: ignore[arg-type]  # a path or a template dict
    return _Builder(stacks, environment or Environment(), parameters).build()
