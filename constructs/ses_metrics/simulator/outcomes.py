"""What happened to an event at each event destination: typed values the router returns.

For every event, each destination of its configuration set appears exactly once, in one
of three lists of its ``EventOutcome``:

- ``deliveries``: the destination received the event (``CloudWatchDelivery``,
  ``FirehoseDelivery``, ``SnsDelivery``, ``EventBridgeDelivery``);
- ``filtered``: routing by design kept it away (``Filtered``: the destination is disabled
  or does not match the event type; the send has no configuration set, or its set has no
  destinations);
- ``drops``: SES or the stream would lose or refuse it (``Drop``: IAM, KMS, throttling,
  header values SES refuses, a definition SES refuses, a verdict the simulator cannot make).

``to_json()`` gives the documented JSON (docs/simulator.md).
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from ses_metrics.rules import METRIC_NAMESPACE, DestinationKind, EventType
from ses_metrics.simulator.codec import encode
from ses_metrics.simulator.errors import SendError

if TYPE_CHECKING:
    from ses_metrics.simulator.events import Event


class FilterReason(str, enum.Enum):
    """Why routing, as configured, sends an event nowhere at a destination."""

    NO_CONFIGURATION_SET = "no-configuration-set"
    NO_DESTINATIONS = "no-destinations"
    DISABLED = "disabled"
    EVENT_TYPE = "event-type"  # the destination does not match the event's type


@dataclass(frozen=True, slots=True)
class Filtered:
    """An event routing kept away from ``destination`` by design (None: the send has no
    configuration set, or its set has no destinations)."""

    destination: str | None
    kind: DestinationKind | None
    why: FilterReason
    reason: str
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "filter": self.why.value, "reason": self.reason}

    @property
    def encoded(self) -> bytes:
        """``to_json()`` encoded, once per value: the router hands out the same filters for
        every event of a configuration set and type, so NDJSON lines splice these bytes."""
        return self._encoded if self._encoded is not None else _remember(self)


@dataclass(frozen=True, slots=True)
class Drop:
    """An event SES or the stream behind ``destination`` would lose or refuse, and why."""

    destination: str
    kind: DestinationKind | None
    reason: str
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "reason": self.reason}

    @property
    def encoded(self) -> bytes:
        """``to_json()`` encoded, once per value (as ``Filtered.encoded``)."""
        return self._encoded if self._encoded is not None else _remember(self)


def _remember(outcome: Filtered | Drop | CloudWatchDelivery | FirehoseDelivery) -> bytes:
    encoded = encode(outcome.to_json())
    object.__setattr__(outcome, "_encoded", encoded)  # frozen: a cache of its own value, not a change
    return encoded


@dataclass(frozen=True, slots=True)
class Delivery:
    """An event a destination received. Subclasses per destination kind."""

    kind: ClassVar[DestinationKind]
    destination: str

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "type": self.kind.config}

    @property
    def encoded(self) -> bytes:
        """``to_json()`` encoded (NDJSON lines splice it)."""
        return encode(self.to_json())


@dataclass(frozen=True, slots=True)
class CloudWatchDelivery(Delivery):
    """A datapoint of ``metric_name`` in ``AWS/SES`` with these dimension values (by name)."""

    kind: ClassVar[DestinationKind] = DestinationKind.CLOUDWATCH
    metric_name: str
    dimension_values: tuple[tuple[str, str], ...]
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def namespace(self) -> str:
        return METRIC_NAMESPACE

    @property
    def dimensions(self) -> dict[str, str]:
        return dict(self.dimension_values)

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "type": "cloudwatch", "namespace": METRIC_NAMESPACE, "metricName": self.metric_name,
                "dimensions": dict(self.dimension_values)}

    @property
    def encoded(self) -> bytes:
        """``to_json()`` encoded, once per value: the router hands out one delivery per
        destination, metric and dimension values."""
        return self._encoded if self._encoded is not None else _remember(self)


class LoadedRow:
    """A row a Redshift COPY loaded, as ``Landing.redshift`` shows it once read:
    ``{"table": ..., "row": {column: value}}``. The row's values are JSON already."""

    __slots__ = ("columns", "table", "values")

    def __init__(self, table: str, columns: Sequence[str], values: Sequence[Any]):
        self.table, self.columns, self.values = table, columns, values

    def entry(self) -> dict[str, Any]:
        return {"table": self.table, "row": dict(zip(self.columns, self.values, strict=True))}


@dataclass(slots=True)
class Landing:
    """Where a Firehose record ended up, filled in by the sinks as it travels: the bucket and
    prefix when it is buffered, the object key when the buffer is written, ``error`` when
    dynamic partitioning failed (the record then went to the error prefix), and what the
    Redshift COPY (``redshift``) or OpenSearch (``opensearch``) made of it.

    A loaded row may be set as a ``LoadedRow``: its dict is made when ``redshift`` is first
    read (a run that checks expectations reads few of its rows, if any)."""

    bucket: str | None = None
    prefix: str | None = None
    key: str | None = None
    error: str | None = None
    loaded: dict[str, Any] | LoadedRow | None = field(default=None, repr=False)  # ``redshift`` as set
    opensearch: dict[str, Any] | None = None

    @property
    def redshift(self) -> dict[str, Any] | None:
        """What the Redshift COPY made of the record: ``{"table", "row"}`` or ``{"table", "loadError"}``."""
        value = self.loaded
        if value.__class__ is LoadedRow:
            value = self.loaded = value.entry()
        return cast("dict[str, Any] | None", value)

    @redshift.setter
    def redshift(self, value: dict[str, Any] | LoadedRow | None) -> None:
        self.loaded = value

    @property
    def open(self) -> bool:
        """Whether only the bucket and prefix are known: the record's buffer is not written yet."""
        return self.key is None and self.error is None and self.loaded is None and self.opensearch is None

    def to_json(self, out: dict[str, Any] | None = None) -> dict[str, Any]:
        """The fields known so far, in this order, added to ``out`` (default a new dict)."""
        if out is None:
            out = {}
        if self.bucket is not None:
            out["bucket"] = self.bucket
        if self.prefix is not None:
            out["prefix"] = self.prefix
        if self.key is not None:
            out["key"] = self.key
        if self.error is not None:
            out["error"] = self.error
        if self.redshift is not None:
            out["redshift"] = self.redshift
        if self.opensearch is not None:
            out["opensearch"] = self.opensearch
        return out


@dataclass(frozen=True, slots=True)
class FirehoseDelivery(Delivery):
    """A record put on ``delivery_stream``. ``target`` is the stream's destination (``s3``,
    ``redshift``, ``opensearch``...; None for a stream outside the templates, whose records
    are not followed); ``landing`` says where the record went (None when not followed)."""

    kind: ClassVar[DestinationKind] = DestinationKind.FIREHOSE
    delivery_stream: str
    target: str | None = None
    landing: Landing | None = field(default=None, compare=False)
    _encoded: bytes | None = field(default=None, init=False, repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"eventDestination": self.destination, "type": "firehose", "deliveryStream": self.delivery_stream}
        if self.target is not None:
            out["destination"] = self.target
        if self.landing is not None:
            self.landing.to_json(out)
        return out

    @property
    def encoded(self) -> bytes:
        """``to_json()`` encoded, remembered while the landing is open (records of one
        buffer share a delivery when they are not followed): its key, an error or what
        Redshift or OpenSearch made of the record come later and are encoded anew."""
        if self.landing is not None and not self.landing.open:
            return encode(self.to_json())
        return self._encoded if self._encoded is not None else _remember(self)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscription the template declares on a topic."""

    protocol: str
    endpoint: str

    def to_json(self) -> dict[str, str]:
        return {"protocol": self.protocol, "endpoint": self.endpoint}


@dataclass(frozen=True, slots=True)
class SnsDelivery(Delivery):
    """A notification published to ``topic`` (ARN), with the topic's subscriptions."""

    kind: ClassVar[DestinationKind] = DestinationKind.SNS
    topic: str
    message_id: str
    subscriptions: tuple[Subscription, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "type": "sns", "topic": self.topic, "snsMessageId": self.message_id,
                "subscriptions": [s.to_json() for s in self.subscriptions]}


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """An EventBridge rule whose pattern matched the event, and its targets' ARNs."""

    name: str
    targets: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "targets": list(self.targets)}


@dataclass(frozen=True, slots=True)
class EventBridgeDelivery(Delivery):
    """An event put on the default bus, with the rules that matched it."""

    kind: ClassVar[DestinationKind] = DestinationKind.EVENTBRIDGE
    detail_type: str
    rules: tuple[RuleMatch, ...] = ()
    event_bus: str = "default"

    def to_json(self) -> dict[str, Any]:
        return {"eventDestination": self.destination, "type": "eventbridge", "eventBus": self.event_bus, "detailType": self.detail_type,
                "rules": [r.to_json() for r in self.rules]}


@dataclass(frozen=True, slots=True, eq=False)
class RouteShape:
    """What every event of one type and configuration set gets when no destination drops
    it: the destinations that receive it (name and kind), its filters and its drops. One
    value per set and type, compared by identity: counting outcomes is counting shapes."""

    event_type: str  # the record's eventType
    configuration_set: str | None
    delivered: tuple[tuple[str, DestinationKind | None], ...]
    filtered: tuple[Filtered, ...]
    drops: tuple[Drop, ...]
    _tail: bytes | None = field(default=None, init=False, repr=False)

    @property
    def tail(self) -> bytes:
        """The end of an NDJSON line from its filters on (``EventOutcome.encoded_line``), made once."""
        if self._tail is None:
            object.__setattr__(self, "_tail", _tail(self.filtered, self.drops))  # frozen: a cache of its own value
        assert self._tail is not None
        return self._tail


def _tail(filtered: tuple[Filtered, ...], drops: tuple[Drop, ...]) -> bytes:
    return b"".join((b'],"filtered":[', b",".join([f.encoded for f in filtered]), b'],"drops":[', b",".join([d.encoded for d in drops]), b"]}\n"))


@dataclass(frozen=True, slots=True)
class EventOutcome:
    """An event and, for each destination of its set, a delivery, a filter or a drop.
    ``shape``: what these are, when the router knows it (no destination dropped the event
    on its own): the deliveries are to ``shape.delivered``, in that order."""

    event: Event
    deliveries: tuple[Delivery, ...] = ()
    filtered: tuple[Filtered, ...] = ()
    drops: tuple[Drop, ...] = ()
    shape: RouteShape | None = field(default=None, repr=False, compare=False)

    @property
    def event_type(self) -> EventType:
        return self.event.type

    @property
    def configuration_set(self) -> str | None:
        configuration_set = self.event.message.configuration_set
        return configuration_set.name if configuration_set is not None else None

    def at(self, destination: str) -> Delivery | Filtered | Drop | None:
        """What happened at ``destination`` (None: it is not a destination of the event's set)."""
        found: tuple[Delivery | Filtered | Drop, ...] = (*self.deliveries, *self.filtered, *self.drops)
        for outcome in found:
            if outcome.destination == destination:
                return outcome
        return None

    @property
    def timestamp(self) -> str:
        """When the event happened (its detail's timestamp), else when the message was sent."""
        record = self.event.record
        found: str = record.get(self.event.type.detail_key, {}).get("timestamp") or record["mail"]["timestamp"]
        return found

    def to_json(self) -> dict[str, Any]:
        out = self._json_head()
        out["record"] = self.event.record
        out["deliveries"] = [d.to_json() for d in self.deliveries]
        out["filtered"] = [f.to_json() for f in self.filtered]
        out["drops"] = [d.to_json() for d in self.drops]
        return out

    def encoded_line(self) -> bytes:
        """``encode(self.to_json())`` and a newline, the same bytes, made faster: the record's
        encoding (made once per event, as Firehose, SNS and EventBridge receive it) and the
        deliveries', filters' and drops' (remembered per value) are spliced in, not rebuilt
        per event (NDJSON output; benchmarks/user_path.py)."""
        shape = self.shape
        if shape is not None and shape.filtered is self.filtered and shape.drops is self.drops:
            tail = shape.tail
        else:
            tail = _tail(self.filtered, self.drops)
        return b"".join((encode(self._json_head())[:-1], b',"record":', self.event.encoded, b',"deliveries":[',
                         b",".join([d.encoded for d in self.deliveries]), tail))

    def _json_head(self) -> dict[str, Any]:
        """``to_json()`` up to the record."""
        event = self.event
        return {"eventType": event.type.record, "messageId": event.message.message_id, "configurationSet": self.configuration_set, "timestamp": self.timestamp}


@dataclass(slots=True, weakref_slot=True)
class SendResult:
    """One send: its message ID and configuration set, or the error SES returned
    (``error``, a ``simulator.errors.SendError``); ``events``: where each event went."""

    index: int
    name: str | None
    operation: str
    message_id: str | None
    configuration_set: str | None
    error: SendError | None = None
    events: list[EventOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        error = self.error.to_json() if self.error is not None else None
        out: dict[str, Any] = {"messageId": self.message_id, "configurationSet": self.configuration_set, "error": error}
        if self.name:
            out["name"] = self.name
        if self.notes:
            out["notes"] = self.notes
        return out
