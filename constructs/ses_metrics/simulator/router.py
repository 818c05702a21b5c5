"""Routing: what happens to an event at each event destination of its configuration set.

For every destination exactly one outcome (``simulator.outcomes``): a delivery, a filter
(routing by design) or a drop with a reason:

- disabled, or not matching the event type: filtered (so is every event of a send without
  a configuration set, or whose set has no destinations);
- a definition SES would refuse: dropped;
- CloudWatch: a datapoint with one value per dimension (tag, header or link tag, else the
  default); a header value with characters SES refuses yields no metric (a drop);
- Firehose: SES must be able to assume the destination's role (trust policy for
  ``ses.amazonaws.com`` with ``aws:SourceAccount``/``aws:SourceArn`` of this set) and the role
  must allow ``firehose:PutRecordBatch`` on the stream; then the stream's own role must be
  assumable by Firehose and allowed ``s3:PutObject`` on its prefix (and ``kms:GenerateDataKey``
  on an SSE-KMS bucket key), with no bucket policy denying it;
- SNS: standard topics only; the topic policy must let ``ses.amazonaws.com`` publish for this
  set, and a KMS key encrypting the topic must let SES use it;
- EventBridge: the default bus only; rules on it whose patterns match are listed.

IAM decisions do not depend on the event, so they are made once per destination when the
router is built: a destination SES can never publish to drops every event with the same
reason. ``Router.verdicts()`` exposes that static decision per destination (``ses-metrics
lint`` reports it). What cannot be checked (a role or topic outside the templates, an AWS
managed policy) is delivered with a note, never dropped on a guess.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import DestinationKind, DimensionSource, EventType
from ses_metrics.simulator import iam
from ses_metrics.simulator.events import Event
from ses_metrics.simulator.faults import NO_FAULTS, THROTTLED, Faults
from ses_metrics.simulator.outcomes import (
    CloudWatchDelivery,
    Delivery,
    Drop,
    EventBridgeDelivery,
    EventOutcome,
    Filtered,
    FilterReason,
    FirehoseDelivery,
    Landing,
    RuleMatch,
    SnsDelivery,
)
from ses_metrics.simulator.sinks.cloudwatch import MetricStore
from ses_metrics.simulator.sinks.eventbridge import EventBusSink
from ses_metrics.simulator.sinks.firehose import FirehoseSink, evaluate_prefix
from ses_metrics.simulator.sinks.sns import TopicSink, receivers
from ses_metrics.simulator.topology import ConfigurationSet, DeliveryStream, EventDestination, Topology

# An action writes the event to its sink and, when ``collect``, returns the delivery.
Action = Callable[[Event, bool], Delivery | None]
# What a destination does with every event of one type: deliver (an action), or a filter or
# drop decided when the router is built.
Entry = Action | Filtered | Drop


class _Drop(Exception):
    """Raised by a delivery action when this event cannot be delivered."""


class NeverReceives(str, enum.Enum):
    """Why an event destination can never receive an event, whatever is sent."""

    DISABLED = "disabled"
    REFUSED = "refused"  # SES would refuse the definition (name, target count, event types, dimensions)
    UNRESOLVED_TARGET = "unresolved-target"  # no target, or its ARN does not resolve
    ROLE_NOT_ASSUMABLE = "role-not-assumable"  # SES (or Firehose, for the stream's role) cannot assume it
    ACTION_DENIED = "action-denied"  # a role, topic, bucket or key policy denies the write
    TOPIC_POLICY_MISSING = "topic-policy-missing"
    FIFO_TOPIC = "fifo-topic"
    NOT_DEFAULT_BUS = "not-default-bus"


@dataclass(frozen=True)
class DestinationVerdict:
    """What the templates alone decide about one event destination: ``never`` is None when
    SES can publish to it, else why it never receives anything (``reason``). ``notes`` say
    what could not be checked."""

    configuration_set: ConfigurationSet
    destination: EventDestination
    never: NeverReceives | None
    reason: str = ""
    notes: tuple[str, ...] = ()

    @property
    def receives(self) -> bool:
        return self.never is None


@dataclass
class _Route:
    destination: EventDestination
    action: Action | None  # None: every event is dropped with ``reason``
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    never: NeverReceives | None = None  # set whenever ``action`` is None


class Router:
    def __init__(self, topology: Topology, *, metrics: MetricStore, firehose: FirehoseSink, sns: TopicSink, eventbridge: EventBusSink, start: datetime,
                 faults: Faults = NO_FAULTS):
        self.topology = topology
        self.metrics = metrics
        self.firehose = firehose
        self.sns = sns
        self.eventbridge = eventbridge
        self.start = start
        env = topology.environment
        self.account = env.account
        self.default_bus = f"arn:{env.partition}:events:{env.region}:{env.account}:event-bus/default"
        self.notes: list[str] = []
        self.faults = faults
        # Records refused by an injected fault, per delivery stream name (Faults.throttled_streams).
        self.failed_puts: Counter[str] = Counter()
        # Drops decided per event (a header value SES refuses) by ``write``: (set, destination, reason).
        self.write_drops: Counter[tuple[str, str, str]] = Counter()
        # keyed by EventType.cfn: str hashes are cached, Enum.__hash__ runs Python code
        self._tables: dict[str, dict[str, list[tuple[EventDestination, Entry]]]] = {}
        self._verdicts: list[DestinationVerdict] = []
        for stream in topology.streams.values():
            if stream.s3 is not None:
                firehose.register(stream)
        for configuration_set in topology.configuration_sets.values():
            self._tables[configuration_set.name] = self._table(configuration_set)
        # What ``write`` runs: per set and event type only the destinations that deliver.
        self._writers: dict[str, dict[str, list[tuple[str, Action]]]] = {
            name: {cfn: [(d.name, entry) for d, entry in entries if callable(entry)] for cfn, entries in table.items()}
            for name, table in self._tables.items()
        }

    def verdicts(self) -> list[DestinationVerdict]:
        """Per configuration set and event destination (template order), whether SES can
        publish to it at all and, if not, why: the decision every event's routing starts from."""
        return list(self._verdicts)

    def write(self, event: Event) -> None:
        """Route ``event`` into the sinks without recording deliveries and drops (long
        replays and benchmarks that keep no events)."""
        configuration_set = event.message.configuration_set
        if configuration_set is not None:
            self.write_all(configuration_set.name, [event])

    def write_all(self, configuration_set: str, events: list[Event]) -> None:
        """``write`` for the events of one message, sent with ``configuration_set``. Drops
        decided per event are counted in ``write_drops``."""
        writers = self._writers[configuration_set]
        for event in events:
            for destination, action in writers[event.type.cfn]:
                try:
                    action(event, False)
                except _Drop as drop:
                    self.write_drops[(configuration_set, destination, str(drop))] += 1

    def plan(self, configuration_set: str, event_type: EventType) -> list[tuple[str, Filtered | Drop | None]]:
        """For every event destination of the set: its name and the filter or drop every
        event of this type gets there (None: it is delivered, unless ``write_drops`` says
        otherwise). Decided when the router was built; the same values ``route`` gives."""
        return [(d.name, None if callable(entry) else entry) for d, entry in self._tables[configuration_set][event_type.cfn]]

    def route(self, event: Event) -> EventOutcome:
        """Where ``event`` goes: written into the sinks, with a delivery, filter or drop for
        each destination of its configuration set."""
        configuration_set = event.message.configuration_set
        if configuration_set is None:
            return EventOutcome(event, filtered=(_NO_SET,))
        if not configuration_set.destinations:
            reason = f"configuration set {configuration_set.name} has no event destinations"
            return EventOutcome(event, filtered=(Filtered(None, None, FilterReason.NO_DESTINATIONS, reason),))
        deliveries: list[Delivery] = []
        filtered: list[Filtered] = []
        drops: list[Drop] = []
        for destination, entry in self._tables[configuration_set.name][event.type.cfn]:
            if entry.__class__ is Filtered:
                filtered.append(entry)  # type: ignore[arg-type]
            elif entry.__class__ is Drop:
                drops.append(entry)  # type: ignore[arg-type]
            else:
                try:
                    delivery = entry(event, True)  # type: ignore[operator]
                except _Drop as drop:
                    drops.append(Drop(destination.name, destination.kind, str(drop)))
                else:
                    deliveries.append(delivery)
        return EventOutcome(event, tuple(deliveries), tuple(filtered), tuple(drops))

    # -- tables ----------------------------------------------------------------------

    def _table(self, configuration_set: ConfigurationSet) -> dict[str, list[tuple[EventDestination, Entry]]]:
        routes = [self._route(configuration_set, d) for d in configuration_set.destinations]
        verdicts = [self._verdict(configuration_set, route) for route in routes]
        self._verdicts += verdicts
        for route in routes:
            self.notes += [f"{configuration_set.name}/{route.destination.name}: {n}" for n in route.notes]
        table: dict[str, list[tuple[EventDestination, Entry]]] = {}
        for event_type in EventType:
            entries: list[tuple[EventDestination, Entry]] = []
            for route, verdict in zip(routes, verdicts, strict=True):
                d = route.destination
                entry: Entry
                if verdict.never is NeverReceives.DISABLED:
                    entry = Filtered(d.name, d.kind, FilterReason.DISABLED, verdict.reason)
                elif event_type not in d.event_types:
                    matched = ", ".join(e.cfn for e in EventType if e in d.event_types) or "nothing"
                    entry = Filtered(d.name, d.kind, FilterReason.EVENT_TYPE, f"the event destination matches {matched}, not {event_type.cfn}")
                elif route.action is None:
                    entry = Drop(d.name, d.kind, route.reason)
                else:
                    entry = route.action
                entries.append((d, entry))
            table[event_type.cfn] = entries
        return table

    @staticmethod
    def _verdict(configuration_set: ConfigurationSet, route: _Route) -> DestinationVerdict:
        d = route.destination
        if not d.enabled:
            return DestinationVerdict(configuration_set, d, NeverReceives.DISABLED, "the event destination is disabled (Enabled: false)", tuple(route.notes))
        if route.action is None:
            assert route.never is not None, f"route to {d.name} drops every event without saying why"
            return DestinationVerdict(configuration_set, d, route.never, route.reason, tuple(route.notes))
        return DestinationVerdict(configuration_set, d, None, "", tuple(route.notes))

    def _route(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        if d.problems:
            return _Route(d, None, "SES would refuse this event destination: " + "; ".join(d.problems), never=NeverReceives.REFUSED)
        if d.kind is DestinationKind.CLOUDWATCH:
            return _Route(d, self._cloudwatch(d))
        if d.kind is DestinationKind.FIREHOSE:
            return self._firehose(cs, d)
        if d.kind is DestinationKind.SNS:
            return self._sns(cs, d)
        if d.kind is DestinationKind.EVENTBRIDGE:
            return self._eventbridge(cs, d)
        return _Route(d, None, "the event destination has no target", never=NeverReceives.UNRESOLVED_TARGET)

    # -- CloudWatch ------------------------------------------------------------------

    def _cloudwatch(self, d: EventDestination) -> Action:
        # Dimensions in name order: the store's key needs no sort per event.
        dimensions = sorted(d.dimensions, key=lambda dim: dim.name)
        count = self.metrics.count
        name = d.name

        if all(dim.source is DimensionSource.MESSAGE_TAG for dim in dimensions):
            defaults = [(dim.name, dim.default) for dim in dimensions]
            # A message's events come one after another and share its tags: their values are
            # computed once per message (by message ID).
            last: list[Any] = [None, ()]

            def values(event: Event) -> tuple[tuple[str, str], ...]:
                message = event.message
                if message.message_id == last[0]:
                    return last[1]  # type: ignore[no-any-return]
                tags = message.tags
                found = tuple([(n, tags[n][0]) if n in tags else (n, default) for n, default in defaults])
                last[0], last[1] = message.message_id, found
                return found

        else:

            def values(event: Event) -> tuple[tuple[str, str], ...]:
                out = []
                for dim in dimensions:
                    if dim.source is DimensionSource.MESSAGE_TAG:
                        found = event.message.tags.get(dim.name)
                    elif dim.source is DimensionSource.LINK_TAG:
                        found = (event.link_tags or {}).get(dim.name)
                    else:
                        header = _header(event.message.headers, dim.name)
                        if header is not None and not rules.is_metric_header_value(header):
                            raise _Drop(
                                f"header {dim.name} is {header!r}: SES publishes no metric for header values outside A-Z, a-z, 0-9, '_', '@', '-', '.'"
                            )
                        found = [header] if header is not None else None
                    out.append((dim.name, found[0] if found else dim.default))
                return tuple(out)

        def deliver(event: Event, collect: bool) -> Delivery | None:
            key = values(event)
            metric = event.type.metric_name
            count(metric, key, event.ms // 1000)
            if not collect:
                return None
            return CloudWatchDelivery(name, metric, key)

        return deliver

    # -- Firehose --------------------------------------------------------------------

    def _firehose(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        notes: list[str] = []
        if not d.stream_arn or not d.role_arn:
            return _Route(d, None, "the Firehose destination lacks a stream or role ARN that resolves", never=NeverReceives.UNRESOLVED_TARGET)
        role = self.topology.roles.get(d.role_arn)
        if role is None:
            notes.append(f"role {d.role_arn} is not in the templates: whether SES may assume it is not checked")
        else:
            trust = iam.evaluate(
                [role.trust_policy],
                iam.Request("sts:AssumeRole", role.arn, principal_service="ses.amazonaws.com", context={"aws:SourceAccount": self.account, "aws:SourceArn": cs.arn}),
                resource_policy=True,
            )
            if not trust.allowed:
                return _Route(
                    d, None,
                    f"SES cannot assume role {role.name}: its trust policy does not admit ses.amazonaws.com with aws:SourceAccount "
                    f"{self.account} and aws:SourceArn {cs.arn} ({trust.reason})",
                    never=NeverReceives.ROLE_NOT_ASSUMABLE,
                )
            put = iam.evaluate(role.policies, iam.Request("firehose:PutRecordBatch", d.stream_arn))
            if not put.allowed:
                if role.unknown_managed_policies and not put.reason.startswith("explicitly"):
                    notes.append(f"role {role.name} has managed policies outside the templates; firehose:PutRecordBatch is not checked")
                else:
                    return _Route(d, None, f"role {role.name} may not firehose:PutRecordBatch on {d.stream_arn} ({put.reason})", never=NeverReceives.ACTION_DENIED)
        stream = self.topology.streams.get(d.stream_arn)
        name = d.name
        if stream is None:
            notes.append(f"delivery stream {d.stream_arn} is not in the templates: records are not followed to their destination")
            stream_name = d.stream_arn.rsplit("/", 1)[-1]
            return _Route(d, lambda event, collect: FirehoseDelivery(name, stream_name), notes=notes)
        problem = self._stream_problem(stream, notes)
        if problem is not None:
            never, reason = problem
            return _Route(d, None, f"delivery stream {stream.name} accepts the record but cannot deliver it: {reason}", notes, never)
        if stream.name in self.faults.throttled_streams:
            failed_puts, reason = self.failed_puts, THROTTLED.format(stream=stream.name)

            def throttled(event: Event, collect: bool) -> Delivery | None:
                failed_puts[stream.name] += 1
                raise _Drop(reason)

            return _Route(d, throttled, notes=notes)
        firehose = self.firehose
        if stream.s3 is None:
            notes.append(f"delivery stream {stream.name} ({stream.kind}) has no S3 configuration the simulator can follow")
            return _Route(d, lambda event, collect: FirehoseDelivery(name, stream.name, stream.kind), notes=notes)

        put = firehose.putter(stream)

        def deliver(event: Event, collect: bool) -> Delivery | None:
            if not collect:
                put(event, None)
                return None
            landing = Landing()
            put(event, landing)
            return FirehoseDelivery(name, stream.name, stream.kind, landing)

        return _Route(d, deliver, notes=notes)

    def _stream_problem(self, stream: DeliveryStream, notes: list[str]) -> tuple[NeverReceives, str] | None:
        """Why a stream in the templates cannot write to its S3 bucket, if it cannot."""
        target = stream.s3
        role_arn = (target.role_arn if target else None) or stream.role_arn
        if target is None or role_arn is None:
            return None
        role = self.topology.roles.get(role_arn)
        if role is None:
            notes.append(f"stream role {role_arn} is not in the templates: its S3 permissions are not checked")
            return None
        trust = iam.evaluate(
            [role.trust_policy],
            iam.Request("sts:AssumeRole", role.arn, principal_service="firehose.amazonaws.com", context={"sts:ExternalId": self.account, "aws:SourceAccount": self.account}),
            resource_policy=True,
        )
        if not trust.allowed:
            return NeverReceives.ROLE_NOT_ASSUMABLE, f"Firehose cannot assume role {role.name} ({trust.reason})"
        sample = evaluate_prefix(target.prefix, self.start, keys=_AnyKey())
        if "!{timestamp:" not in target.prefix and not target.dynamic_partitioning:
            sample += self.start.strftime("%Y/%m/%d/%H/")
        object_arn = f"{target.bucket_arn}/{sample}{stream.name}-1-object"
        put = iam.evaluate(role.policies, iam.Request("s3:PutObject", object_arn))
        if not put.allowed and not (role.unknown_managed_policies and not put.reason.startswith("explicitly")):
            return NeverReceives.ACTION_DENIED, f"role {role.name} may not s3:PutObject on {object_arn} ({put.reason})"
        bucket = self.topology.buckets.get(target.bucket)
        if bucket is not None:
            denied = iam.evaluate(
                bucket.policies + [{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}],
                iam.Request("s3:PutObject", object_arn, principal_arn=role.arn, principal_account=self.account, context={"aws:SecureTransport": "true", "aws:PrincipalAccount": self.account}),
                resource_policy=True,
            )
            if not denied.allowed:
                return NeverReceives.ACTION_DENIED, f"the policy of bucket {bucket.name} denies s3:PutObject to role {role.name} ({denied.reason})"
            if bucket.encryption == "aws:kms" and bucket.kms_key_arn:
                key = self.topology.key(bucket.kms_key_arn)
                if key is not None:
                    # S3 calls KMS for the role: via s3.<region>, with the object's ARN (or, with an
                    # S3 Bucket Key, the bucket's) as the encryption context
                    context = {
                        "kms:ViaService": f"s3.{self.topology.environment.region}.{self.topology.environment.url_suffix}",
                        "kms:EncryptionContext:aws:s3:arn": target.bucket_arn if bucket.bucket_key else object_arn,
                    }
                    data_key = iam.evaluate(role.policies, iam.Request("kms:GenerateDataKey", key.arn, context=context))
                    if not data_key.allowed:
                        return NeverReceives.ACTION_DENIED, f"role {role.name} may not kms:GenerateDataKey with key {key.arn} that encrypts bucket {bucket.name} ({data_key.reason})"
        return None

    # -- SNS -------------------------------------------------------------------------

    def _sns(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        notes: list[str] = []
        if not d.topic_arn:
            return _Route(d, None, "the SNS destination's topic ARN does not resolve", never=NeverReceives.UNRESOLVED_TARGET)
        topic = self.topology.topics.get(d.topic_arn)
        if topic is None:
            notes.append(f"topic {d.topic_arn} is not in the templates: its policy is not checked")
            if d.topic_arn.endswith(".fifo"):
                return _Route(d, None, f"topic {d.topic_arn} is a FIFO topic: SES publishes to standard topics only", never=NeverReceives.FIFO_TOPIC)
        else:
            if topic.fifo or topic.name.endswith(".fifo"):
                return _Route(d, None, f"topic {topic.name} is a FIFO topic: SES publishes to standard topics only", never=NeverReceives.FIFO_TOPIC)
            if not topic.policies:
                return _Route(d, None, f"topic {topic.name} has no topic policy; its default policy admits only the account's own principals, not ses.amazonaws.com", never=NeverReceives.TOPIC_POLICY_MISSING)
            context = {"aws:SourceAccount": self.account, "aws:SourceArn": cs.arn, "aws:SecureTransport": "true"}
            publish = iam.evaluate(topic.policies, iam.Request("sns:Publish", topic.arn, principal_service="ses.amazonaws.com", context=context), resource_policy=True)
            if not publish.allowed:
                return _Route(d, None, f"the policy of topic {topic.name} does not let SES publish for configuration set {cs.name} ({publish.reason})", never=NeverReceives.ACTION_DENIED)
            if topic.kms_key:
                reason = self._topic_key_problem(topic.kms_key, topic.name, context, notes)
                if reason:
                    return _Route(d, None, reason, never=NeverReceives.ACTION_DENIED)
        sink = self.sns
        subscribers = receivers(topic)
        topic_arn = d.topic_arn
        name = d.name

        def deliver(event: Event, collect: bool) -> Delivery | None:
            envelope = sink.publish(topic_arn, event.encoded.decode(), event.ms)
            if not collect:
                return None
            return SnsDelivery(name, topic_arn, envelope["MessageId"], subscribers)

        return _Route(d, deliver, notes=notes)

    def _topic_key_problem(self, key_id: str, topic: str, context: dict[str, str], notes: list[str]) -> str | None:
        if key_id in ("alias/aws/sns",) or key_id.endswith(":alias/aws/sns"):
            return f"topic {topic} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot admit ses.amazonaws.com"
        key = self.topology.key(key_id)
        if key is None:
            notes.append(f"KMS key {key_id} of topic {topic} is not in the templates: whether SES may use it is not checked")
            return None
        for action in ("kms:GenerateDataKey", "kms:Decrypt"):
            decision = iam.evaluate([key.policy], iam.Request(action, "*", principal_service="ses.amazonaws.com", context=context), resource_policy=True)
            if not decision.allowed:
                return f"the policy of KMS key {key.arn}, which encrypts topic {topic}, does not let ses.amazonaws.com {action} ({decision.reason})"
        return None

    # -- EventBridge -----------------------------------------------------------------

    def _eventbridge(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        if d.bus_arn != self.default_bus:
            return _Route(d, None, f"event bus {d.bus_arn} is not this account's default bus ({self.default_bus}); SES publishes only to the default bus", never=NeverReceives.NOT_DEFAULT_BUS)
        sink = self.eventbridge
        name = d.name
        arn = cs.arn

        def deliver(event: Event, collect: bool) -> Delivery | None:
            envelope, matched = sink.put("default", event.type, event.record, event.ms, arn)
            if not collect:
                return None
            return EventBridgeDelivery(name, envelope["detail-type"], tuple(RuleMatch(r.name, tuple(t["arn"] for t in r.targets)) for r in matched))

        return _Route(d, deliver)


class _AnyKey(dict):  # type: ignore[type-arg]
    """Partition keys for a permission check: every key gets a sample value."""

    def get(self, key: str, default: Any = None) -> str:
        return "sample"


def _header(headers: list[dict[str, str]], name: str) -> str | None:
    lowered = name.lower()
    for header in headers:
        if header["name"].lower() == lowered:
            return header["value"]
    return None


_NO_SET = Filtered(None, None, FilterReason.NO_CONFIGURATION_SET, "the send has no configuration set: SES publishes no events and ignores its tags")
