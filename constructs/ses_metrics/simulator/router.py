"""Routing: what happens to an event at each event destination of its configuration set.

For every destination exactly one outcome (``simulator.outcomes``): a delivery, a filter
(routing by design) or a drop with a reason:

- disabled, or not matching the event type: filtered (so is every event of a send without
  a configuration set, or whose set has no destinations);
- a definition SES would refuse: dropped;
- CloudWatch: a datapoint with one value per dimension (the tag in the event's own record,
  header or link tag, else the default); a header value with characters SES refuses yields
  no metric (a drop);
- Firehose: SES must be able to assume the destination's role (trust policy for
  ``ses.amazonaws.com`` with ``aws:SourceAccount``/``aws:SourceArn`` of this set) and the role
  must allow ``firehose:PutRecordBatch`` on the stream; then the stream's own role must be
  assumable by Firehose and allowed ``s3:PutObject`` on its prefix (and ``kms:GenerateDataKey``
  on an SSE-KMS bucket key), with no bucket policy denying it;
- SNS: standard topics only; the topic policy must let ``ses.amazonaws.com`` publish for this
  set, and a KMS key encrypting the topic must let SES use it;
- EventBridge: the default bus only; rules on it whose patterns match are listed.

IAM decisions (``simulator.access``) that do not depend on the event are made once per
destination when the router is built: a destination SES can never publish to drops every
event with the same reason. Those that depend on the object key (the stream's role, bucket
policy and KMS key on a Firehose prefix) are made per event, once per distinct prefix; those
whose policies read the time, once per second. ``Router.verdicts()`` exposes the static
decision per destination (``ses-metrics lint`` reports it).

IAM fails closed: what the simulator cannot decide (an unknown condition operator, a context
key or policy variable it cannot know, a role, topic, bucket, key, managed policy or
permissions boundary outside the templates) is never delivered. Each event is dropped with a
reason saying what could not be decided and where, and the verdict is ``UNDECIDABLE``
(lint SM209). A delivery stream outside the templates still receives what SES may put on
it: the records are not followed further (a note says so).
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, cast

from ses_metrics import rules
from ses_metrics.rules import DestinationKind, DimensionSource, EventType
from ses_metrics.rules.firehose import time_prefix
from ses_metrics.simulator import iam
from ses_metrics.simulator.access import Access, ObjectGate, Timed, reads_time
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
    RouteShape,
    RuleMatch,
    SnsDelivery,
)
from ses_metrics.simulator.sinks.cloudwatch import DimensionKey, MetricStore
from ses_metrics.simulator.sinks.eventbridge import EventBusSink
from ses_metrics.simulator.sinks.firehose import SHARED, FirehoseSink, Putter, evaluate_prefix, staged_object_key
from ses_metrics.simulator.sinks.sns import TopicSink, receivers
from ses_metrics.simulator.topology import ConfigurationSet, DeliveryStream, EventDestination, Topology

# An action writes the event to its sink and, when ``collect``, returns the delivery.
Action = Callable[[Event, bool], Delivery | None]
# What a destination does with every event of one type: deliver (an action), or a filter or
# drop decided when the router is built.
Entry = Action | Filtered | Drop
# What ``write`` runs: an action without its delivery, which returns why the event was
# dropped (None: written). Writing every event of a long replay, it is one call per event
# and destination, where an action is two (benchmarks/RESULTS.md).
Writer = Callable[[Event], str | None]


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
    UNDECIDABLE = "undecidable"  # an IAM decision the simulator cannot make: never delivered


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
    # ``action`` as a ``Writer`` (None: ``_writer(action)``), and what precedes its drop reasons
    writer: Writer | None = None
    lead: str = ""


@dataclass(frozen=True)
class _Plan:
    """What ``route`` does with an event of one configuration set and type: the actions of
    the destinations that receive it (with their positions among the set's destinations),
    and what every such event gets when no action drops it (``shape``), decided when the
    router was built."""

    actions: tuple[tuple[int, EventDestination, Action], ...]
    shape: RouteShape
    positions: tuple[int, ...]  # of ``shape.drops`` among the set's destinations

    @classmethod
    def of(cls, configuration_set: ConfigurationSet, event_type: EventType, entries: list[tuple[EventDestination, Entry]]) -> _Plan:
        name = configuration_set.name
        if not configuration_set.destinations:
            reason = f"configuration set {name} has no event destinations"
            return cls((), RouteShape(event_type.record, name, (), (Filtered(None, None, FilterReason.NO_DESTINATIONS, reason),), ()), ())
        actions = tuple((i, d, entry) for i, (d, entry) in enumerate(entries) if callable(entry))
        drops = [(i, entry) for i, (_, entry) in enumerate(entries) if isinstance(entry, Drop)]
        shape = RouteShape(event_type.record, name, tuple((d.name, d.kind) for _, d, _ in actions),
                           tuple(entry for _, entry in entries if isinstance(entry, Filtered)), tuple(drop for _, drop in drops))
        return cls(actions, shape, tuple(i for i, _ in drops))

    def with_drops(self, dropped: list[tuple[int, Drop]]) -> tuple[Drop, ...]:
        """The plan's drops and those its actions raised, in the order of the set's destinations."""
        return tuple(drop for _, drop in sorted([*zip(self.positions, self.shape.drops, strict=True), *dropped], key=lambda item: item[0]))


def _writer(action: Action) -> Writer:
    """``action`` as a ``Writer``, for a route without a writer of its own."""

    def write(event: Event) -> str | None:
        try:
            action(event, False)
        except _Drop as drop:
            return str(drop)
        return None

    return write


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
        self.default_bus = rules.default_event_bus_arn(env.partition, env.region, env.account)
        self.notes: list[str] = []
        self.faults = faults
        self.access = Access(topology)
        self.start_ms = int(start.timestamp() * 1000)
        # Records refused by an injected fault, per delivery stream name (Faults.throttled_streams).
        self.failed_puts: Counter[str] = Counter()
        # Drops decided per event (a header value SES refuses) by ``write``: (set, destination, reason).
        self.write_drops: Counter[tuple[str, str, str]] = Counter()
        # keyed by EventType.cfn: str hashes are cached, Enum.__hash__ runs Python code
        self._tables: dict[str, dict[str, list[tuple[EventDestination, Entry]]]] = {}
        self._plans: dict[str, dict[str, _Plan]] = {}  # what ``route`` does, from the same tables
        self._verdicts: list[DestinationVerdict] = []
        # What ``write`` runs: per set and event type only the destinations that deliver,
        # as (destination name, writer, what precedes its drop reasons).
        self._writers: dict[str, dict[str, list[tuple[str, Writer, str]]]] = {}
        for stream in topology.streams.values():
            if stream.s3 is not None:
                firehose.register(stream)
        for configuration_set in topology.configuration_sets.values():
            self._tables[configuration_set.name] = self._table(configuration_set)

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
            for destination, write, lead in writers[event.type.cfn]:
                refused = write(event)
                if refused is not None:
                    self.write_drops[(configuration_set, destination, lead + refused)] += 1

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
            return EventOutcome(event, (), _NO_SET, (), _NO_SET_SHAPES[event.type.cfn])
        plan = self._plans[configuration_set.name][event.type.cfn]
        deliveries: list[Delivery | None] = []
        dropped: list[tuple[int, Drop]] | None = None
        for position, destination, action in plan.actions:
            try:
                deliveries.append(action(event, True))  # collect=True: every action returns its delivery
            except _Drop as drop:
                dropped = dropped or []
                dropped.append((position, Drop(destination.name, destination.kind, str(drop))))
        delivered, shape = cast(tuple[Delivery, ...], tuple(deliveries)), plan.shape
        if dropped is None:
            return EventOutcome(event, delivered, shape.filtered, shape.drops, shape)
        return EventOutcome(event, delivered, shape.filtered, plan.with_drops(dropped))

    # -- tables ----------------------------------------------------------------------

    def _table(self, configuration_set: ConfigurationSet) -> dict[str, list[tuple[EventDestination, Entry]]]:
        routes = [self._route(configuration_set, d) for d in configuration_set.destinations]
        verdicts = [self._verdict(configuration_set, route) for route in routes]
        self._verdicts += verdicts
        for route in routes:
            self.notes += [f"{configuration_set.name}/{route.destination.name}: {n}" for n in route.notes]
        table: dict[str, list[tuple[EventDestination, Entry]]] = {}
        writers = self._writers[configuration_set.name] = {}
        plans = self._plans[configuration_set.name] = {}
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
            plans[event_type.cfn] = _Plan.of(configuration_set, event_type, entries)
            writers[event_type.cfn] = [
                (route.destination.name, route.writer or _writer(entry), route.lead) for route, (_, entry) in zip(routes, entries, strict=True) if callable(entry)
            ]
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
            return self._cloudwatch(d)
        if d.kind is DestinationKind.FIREHOSE:
            return self._firehose(cs, d)
        if d.kind is DestinationKind.SNS:
            return self._sns(cs, d)
        if d.kind is DestinationKind.EVENTBRIDGE:
            return self._eventbridge(cs, d)
        return _Route(d, None, "the event destination has no target", never=NeverReceives.UNRESOLVED_TARGET)

    # -- CloudWatch ------------------------------------------------------------------

    def _cloudwatch(self, d: EventDestination) -> _Route:
        # Dimensions in name order: the store's key needs no sort per event.
        dimensions = sorted(d.dimensions, key=lambda dim: dim.name)
        name = d.name
        points = self.metrics.points
        # Per metric and dimension values: the store's minute buckets, looked up once, and
        # the delivery every event counted there gets (one frozen value, encoded once)
        known: dict[tuple[str, DimensionKey], tuple[dict[int, float], CloudWatchDelivery]] = {}

        def first(metric: tuple[str, DimensionKey]) -> tuple[dict[int, float], CloudWatchDelivery]:
            found = known[metric] = (points(*metric), CloudWatchDelivery(name, *metric))
            return found

        if all(dim.source is DimensionSource.MESSAGE_TAG for dim in dimensions):
            defaults = [(dim.name, dim.default) for dim in dimensions]

            def deliver(event: Event, collect: bool) -> Delivery | None:
                # The event's own record: a Delivery's carries the outgoing auto-tags the
                # message's other records do not.
                tags = event.record["mail"]["tags"]
                metric = (event.type.metric_name, tuple([(n, tags[n][0]) if n in tags else (n, default) for n, default in defaults]))
                found = known.get(metric) or first(metric)
                found[0][event.ms // 60_000 * 60] += 1.0  # the minute's epoch seconds, as ``MetricStore.count`` buckets
                return found[1]

            def write(event: Event) -> str | None:
                deliver(event, False)  # no drop: message tags always give a value
                return None

            return _Route(d, deliver, writer=write)

        def values(event: Event) -> tuple[tuple[str, str], ...]:
            out = []
            for dim in dimensions:
                if dim.source is DimensionSource.MESSAGE_TAG:
                    found = event.record["mail"]["tags"].get(dim.name)
                elif dim.source is DimensionSource.LINK_TAG:
                    found = (event.link_tags or {}).get(dim.name)
                else:
                    header = _header(event.message.headers, dim.name)
                    if header is not None and not rules.is_metric_header_value(header):
                        raise _Drop(f"header {dim.name} is {header!r}: SES publishes no metric for header values outside A-Z, a-z, 0-9, '_', '@', '-', '.'")
                    found = [header] if header is not None else None
                out.append((dim.name, found[0] if found else dim.default))
            return tuple(out)

        def count(event: Event, collect: bool) -> Delivery | None:
            metric = (event.type.metric_name, values(event))
            found = known.get(metric) or first(metric)
            found[0][event.ms // 60_000 * 60] += 1.0
            return found[1]

        return _Route(d, count)

    # -- Firehose --------------------------------------------------------------------

    def _timed(self, decide: Any, *documents: Any) -> Timed:
        return Timed(decide, self.start_ms, reads_time(*documents))

    @staticmethod
    def _gated(action: Action, checks: list[tuple[Timed, Any]]) -> Action:
        """``action`` after the decisions that read the time, re-made per second of the event."""
        timed = [(t, describe) for t, describe in checks if t.per_second]
        if not timed:
            return action

        def gated(event: Event, collect: bool) -> Delivery | None:
            for check, describe in timed:
                decision = check.at(event.ms)
                if not decision.allowed:
                    raise _Drop(describe(decision)[1])
            return action(event, collect)

        return gated

    def _firehose(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        notes: list[str] = []
        if not d.stream_arn or not d.role_arn:
            return _Route(d, None, "the Firehose destination lacks a stream or role ARN that resolves", never=NeverReceives.UNRESOLVED_TARGET)
        role = self.topology.roles.get(d.role_arn)
        role_name = role.name if role else d.role_arn
        access, stream_arn, role_arn = self.access, d.stream_arn, d.role_arn

        def assume_problem(decision: iam.Decision) -> tuple[NeverReceives, str]:
            if decision.unknown:
                return NeverReceives.UNDECIDABLE, f"whether SES may assume role {role_name} for configuration set {cs.name} cannot be decided: {decision.reason}"
            return NeverReceives.ROLE_NOT_ASSUMABLE, (
                f"SES cannot assume role {role_name}: its trust policy does not admit ses.amazonaws.com with aws:SourceAccount "
                f"{self.account} and aws:SourceArn {cs.arn} ({decision.reason})"
            )

        def put_problem(decision: iam.Decision) -> tuple[NeverReceives, str]:
            if decision.unknown:
                return NeverReceives.UNDECIDABLE, f"whether role {role_name} may firehose:PutRecordBatch on {stream_arn} cannot be decided: {decision.reason}"
            return NeverReceives.ACTION_DENIED, f"role {role_name} may not firehose:PutRecordBatch on {stream_arn} ({decision.reason})"

        checks: list[tuple[Timed, Any]] = []
        trust = self._timed(lambda ms: access.ses_assumes(role, role_arn, cs, ms), role.trust_policy if role else None)
        checks.append((trust, assume_problem))
        if role is not None:
            checks.append((self._timed(lambda ms: access.ses_puts_records(role, stream_arn, ms), role.policies, role.boundary), put_problem))
        for check, describe in checks:
            # A decision that reads the time is made per event, unless undecidable at any time.
            if not check.first.allowed and (not check.per_second or check.first.unknown):
                never, reason = describe(check.first)
                return _Route(d, None, reason, never=never)
        stream = self.topology.streams.get(d.stream_arn)
        name = d.name
        if stream is None:
            notes.append(f"delivery stream {d.stream_arn} is not in the templates: records are not followed to their destination")
            stream_name = d.stream_arn.rsplit("/", 1)[-1]
            return _Route(d, self._gated(lambda event, collect: FirehoseDelivery(name, stream_name), checks), notes=notes)
        problem = self._stream_problem(stream, checks, cs, d)
        if problem is not None:
            never, reason = problem
            return _Route(d, None, f"delivery stream {stream.name} accepts the record but cannot deliver it: {reason}", notes, never)
        if stream.name in self.faults.throttled_streams:
            failed_puts, reason = self.failed_puts, THROTTLED.format(stream=stream.name)

            def throttled(event: Event, collect: bool) -> Delivery | None:
                failed_puts[stream.name] += 1
                raise _Drop(reason)

            return _Route(d, self._gated(throttled, checks), notes=notes)
        firehose = self.firehose
        if stream.s3 is None:
            notes.append(f"delivery stream {stream.name} ({stream.kind}) has no S3 configuration the simulator can follow")
            return _Route(d, self._gated(lambda event, collect: FirehoseDelivery(name, stream.name, stream.kind), checks), notes=notes)

        put = firehose.putter(stream)
        prefix = f"delivery stream {stream.name} accepts the record but cannot deliver it: "
        deliver = self._putting(name, stream, put, prefix)
        action = self._gated(deliver, checks)
        # Not gated per second: ``write`` calls the sink's putter itself (asked for no landing, it returns none)
        return _Route(d, action, notes=notes, writer=cast(Writer, put) if action is deliver else None, lead=prefix)

    def _putting(self, name: str, stream: DeliveryStream, put: Putter, prefix: str) -> Action:
        """The action of a Firehose destination whose stream is followed to S3: ``put``, and
        the record's delivery. Records not followed past S3 (no payload kept, or a stream
        with no Redshift or OpenSearch behind it) differ only by their buffer: they share its
        landing, and its delivery (found by the landing's id: each entry keeps its landing
        alive, so no other object has that id meanwhile)."""
        shared = not self.firehose.objects.keep_bodies or stream.kind not in self.firehose.destinations
        made: dict[int, FirehoseDelivery] = {}

        def deliver(event: Event, collect: bool) -> Delivery | None:
            if not collect:
                refused = put(event, None)
                if refused is not None:
                    raise _Drop(prefix + str(refused))
                return None
            landing = put(event, SHARED if shared else Landing())
            if landing.__class__ is str:
                raise _Drop(prefix + str(landing))
            delivery = made.get(id(landing))
            if delivery is None:
                delivery = FirehoseDelivery(name, stream.name, stream.kind, cast(Landing, landing))
                if shared:
                    if len(made) >= 256:  # landings of buffers written long ago
                        made.clear()
                    made[id(landing)] = delivery
            return delivery

        return deliver

    def _stream_problem(self, stream: DeliveryStream, checks: list[tuple[Timed, Any]], cs: ConfigurationSet,
                        d: EventDestination) -> tuple[NeverReceives, str] | None:
        """Why a stream in the templates can never write to its S3 bucket for this
        destination, if it cannot. Registers the stream's per-prefix gate with the Firehose
        sink (once per stream)."""
        target = stream.s3
        role_arn = (target.role_arn if target else None) or stream.role_arn
        if target is None or role_arn is None:
            return None
        role = self.topology.roles.get(role_arn)
        if role is None:
            return NeverReceives.UNDECIDABLE, f"whether Firehose may assume role {role_arn} and write to its bucket cannot be decided: the role is not in the templates"
        access = self.access

        def assume_problem(decision: iam.Decision) -> tuple[NeverReceives, str]:
            if decision.unknown:
                return NeverReceives.UNDECIDABLE, f"whether Firehose may assume role {role.name} cannot be decided: {decision.reason}"
            return NeverReceives.ROLE_NOT_ASSUMABLE, f"Firehose cannot assume role {role.name} ({decision.reason})"

        trust = self._timed(lambda ms: access.firehose_assumes(role, stream, ms), role.trust_policy)
        if not trust.first.allowed and (not trust.per_second or trust.first.unknown):
            return assume_problem(trust.first)
        lead = f"delivery stream {stream.name} accepts the record but cannot deliver it: "
        checks.append((trust, lambda decision: (assume_problem(decision)[0], lead + assume_problem(decision)[1])))
        gate = self._object_gate(stream, role)
        self.firehose.gates.setdefault(stream.arn, gate.decide)
        samples = [] if gate.per_second else self._sample_prefixes(stream, cs, d)
        decisions = [(gate.check(sample, self.start_ms), sample) for sample in samples]
        if decisions and not any(decision.allowed for decision, _ in decisions):
            # No prefix this destination's events can have may be written: decided now.
            decision, sample = next(((x, p) for x, p in decisions if x.unknown), decisions[0])
            return (NeverReceives.UNDECIDABLE if decision.unknown else NeverReceives.ACTION_DENIED), gate.describe(decision, sample)
        return None

    def _sample_prefixes(self, stream: DeliveryStream, cs: ConfigurationSet, d: EventDestination) -> list[str]:
        """Every prefix the destination's events would have at the start of the simulation,
        when they can be known without the events: a prefix without partition keys, or one
        partitioned only by event type and configuration set. Else none (decided per event)."""
        target = stream.s3
        assert target is not None
        if "firehose:random-string" in target.prefix:
            return []
        if not target.dynamic_partitioning:
            sample = evaluate_prefix(target.prefix, self.start)
            return [sample + time_prefix(self.start) if target.appends_hour_path else sample]
        prefixes = []
        for event_type in sorted(d.event_types, key=lambda e: e.cfn):
            record = {"eventType": event_type.record, "mail": {"tags": {rules.CONFIGURATION_SET_DIMENSION: [cs.name]}}}
            keys = self.firehose.partition_keys_if_fixed(target, record)
            if keys is None:
                return []  # keys read other fields of the record: only events decide
            prefixes.append(evaluate_prefix(target.prefix, self.start, keys=keys))
        return prefixes

    def _object_gate(self, stream: DeliveryStream, role: Any) -> ObjectGate:
        """The stream's per-prefix decision: its role's s3:PutObject (with the bucket policy)
        on the object Firehose would write, then S3's kms:GenerateDataKey on an SSE-KMS bucket."""
        target = stream.s3
        assert target is not None
        bucket = self.topology.buckets.get(target.bucket)
        key = self.topology.key(bucket.kms_key_arn) if bucket is not None and bucket.encryption == "aws:kms" and bucket.kms_key_arn else None
        access = self.access
        extension = target.file_extension if target.file_extension is not None else {"GZIP": ".gz", "ZIP": ".zip", "Snappy": ".snappy", "HADOOP_SNAPPY": ".snappy"}.get(target.compression, "")
        facts: dict[str, Any] = {}

        def object_arn(prefix: str, ms: int) -> str:
            moment = datetime.fromtimestamp(ms / 1000, UTC)
            return f"{target.bucket_arn}/{staged_object_key(prefix, stream.name, moment, _SAMPLE_UUID, extension)}"

        def check(prefix: str, ms: int) -> iam.Decision:
            arn = object_arn(prefix, ms)
            facts["object"] = arn
            put = access.stream_puts_object(role, bucket, target.bucket_arn, stream, arn, ms)
            if not put.allowed:
                facts["action"] = "s3:PutObject"
                return put
            if bucket is not None and bucket.encryption == "aws:kms" and bucket.kms_key_arn:
                context_arn = target.bucket_arn if bucket.bucket_key else arn
                data_key = access.s3_generates_data_key(role, bucket, key, context_arn, ms)
                facts["action"] = "kms:GenerateDataKey"
                return data_key
            return put

        def describe(decision: iam.Decision, prefix: str) -> str:
            arn = object_arn(prefix, self.start_ms)
            if facts.get("action") == "kms:GenerateDataKey":
                key_arn = key.arn if key else bucket.kms_key_arn  # type: ignore[union-attr]
                what = f"role {role.name} may not kms:GenerateDataKey with key {key_arn} that encrypts bucket {target.bucket}"
                if decision.unknown:
                    return f"whether {what.replace(' may not ', ' may ')} cannot be decided: {decision.reason}"
                return f"{what} ({decision.reason})"
            if decision.unknown:
                return f"whether role {role.name} may s3:PutObject on {arn} cannot be decided: {decision.reason}"
            if "of the policy of bucket" in decision.reason:
                return f"the policy of bucket {target.bucket} denies s3:PutObject to role {role.name} ({decision.reason})"
            return f"role {role.name} may not s3:PutObject on {arn} ({decision.reason})"

        return ObjectGate(check, reads_time(role.policies, role.boundary, bucket.policies if bucket else None, key.policy if key else None), describe)

    # -- SNS -------------------------------------------------------------------------

    def _sns(self, cs: ConfigurationSet, d: EventDestination) -> _Route:
        notes: list[str] = []
        if not d.topic_arn:
            return _Route(d, None, "the SNS destination's topic ARN does not resolve", never=NeverReceives.UNRESOLVED_TARGET)
        topic = self.topology.topics.get(d.topic_arn)
        topic_arn = d.topic_arn
        if topic is None and rules.is_fifo_topic(topic_arn) or topic is not None and rules.is_fifo_topic(topic.name, fifo=topic.fifo):
            name = topic.name if topic else topic_arn
            return _Route(d, None, f"topic {name} is a FIFO topic: SES publishes to standard topics only", never=NeverReceives.FIFO_TOPIC)
        if topic is not None and not topic.policies:
            return _Route(d, None, f"topic {topic.name} has no topic policy; its default policy admits only the account's own principals, not ses.amazonaws.com", never=NeverReceives.TOPIC_POLICY_MISSING)
        topic_name = topic.name if topic else topic_arn
        access = self.access

        def publish_problem(decision: iam.Decision) -> tuple[NeverReceives, str]:
            if decision.unknown:
                return NeverReceives.UNDECIDABLE, f"whether SES may publish to topic {topic_name} for configuration set {cs.name} cannot be decided: {decision.reason}"
            return NeverReceives.ACTION_DENIED, f"the policy of topic {topic_name} does not let SES publish for configuration set {cs.name} ({decision.reason})"

        checks: list[tuple[Timed, Any]] = [
            (self._timed(lambda ms: access.ses_publishes(topic, topic_arn, cs, ms), topic.policies if topic else None), publish_problem)
        ]
        if topic is not None and topic.kms_key:
            key_id = topic.kms_key
            if key_id in ("alias/aws/sns",) or key_id.endswith(":alias/aws/sns"):
                return _Route(d, None, f"topic {topic.name} is encrypted with the AWS managed key alias/aws/sns, whose policy cannot admit ses.amazonaws.com", never=NeverReceives.ACTION_DENIED)
            key = self.topology.key(key_id)
            for action in ("kms:GenerateDataKey", "kms:Decrypt"):
                checks.append((self._timed(partial(access.ses_uses_key, key, key_id, action, cs), key.policy if key else None),
                               partial(_key_problem, key.arn if key else key_id, topic.name, action)))
        for check, describe in checks:
            # A decision that reads the time is made per event, unless undecidable at any time.
            if not check.first.allowed and (not check.per_second or check.first.unknown):
                never, reason = describe(check.first)
                return _Route(d, None, reason, never=never)
        sink = self.sns
        subscribers = receivers(topic)
        name = d.name

        def deliver(event: Event, collect: bool) -> Delivery | None:
            envelope = sink.publish(topic_arn, event.encoded.decode(), event.ms)
            if not collect:
                return None
            return SnsDelivery(name, topic_arn, envelope["MessageId"], subscribers)

        return _Route(d, self._gated(deliver, checks), notes=notes)

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


_SAMPLE_UUID = "00000000-0000-0000-0000-000000000000"  # the object name's random part, for IAM checks


def _key_problem(key_arn: str, topic: str, action: str, decision: iam.Decision) -> tuple[NeverReceives, str]:
    if decision.unknown:
        return NeverReceives.UNDECIDABLE, f"whether ses.amazonaws.com may {action} with KMS key {key_arn}, which encrypts topic {topic}, cannot be decided: {decision.reason}"
    return NeverReceives.ACTION_DENIED, f"the policy of KMS key {key_arn}, which encrypts topic {topic}, does not let ses.amazonaws.com {action} ({decision.reason})"


def _header(headers: list[dict[str, str]], name: str) -> str | None:
    lowered = name.lower()
    for header in headers:
        if header["name"].lower() == lowered:
            return header["value"]
    return None


# What an event whose send has no configuration set gets, per EventType.cfn
_NO_SET = (Filtered(None, None, FilterReason.NO_CONFIGURATION_SET, "the send has no configuration set: SES publishes no events and ignores its tags"),)
_NO_SET_SHAPES = {t.cfn: RouteShape(t.record, None, (), _NO_SET, ()) for t in EventType}
