"""Expectations: what a scenario's sends must lead to, checked against a simulation.

A scenario file's ``expect:`` list says, one item each, what must happen::

    expect:
      - send: spring-campaign            # a send's name:, or its position in sends: (0 is the first)
        event: bounce                    # any event type name (bounce, Bounce, BOUNCE)
        reaches: marketing-metrics       # an event destination of the send's configuration set
        with_dimensions: {campaign: spring}
      - send: spring-campaign
        event: delivery
        reaches: marketing-archive
        in_s3_prefix: ses/2026/01/01/
      - send: spring-campaign
        event: bounce
        reaches: marketing-bus
        matches_rule: bounces-to-ops     # an EventBridge rule's name
      - send: spring-campaign
        event: open
        never_reaches: marketing-alerts
      - metric: Bounce                   # AWS/SES; exactly these dimensions, as CloudWatch keys metrics
        dimensions: {campaign: spring, "ses:from-domain": example.com}
        sums_to: 1
      - send: spring-campaign
        event: open
        filtered_at: marketing-alerts    # routing by design: disabled, or not a type it matches
        because: not open                # optional: a part of the reason (any case)
      - send: spring-campaign
        event: send
        dropped_at: marketing-archive    # lost or refused: IAM, KMS, throttling, limits, undecidable
        because: PutRecordBatch
      - send: bad-tag-value
        fails_with: BadRequestException

Read aloud: "the Bounce of send spring-campaign reaches marketing-metrics with dimensions
campaign=spring". Each item is one of six kinds, named by its verb:

- ``reaches``: at least one event of ``event`` (any type when left out) from the send is
  delivered to that destination and satisfies every qualifier given: ``with_dimensions``
  (CloudWatch: each named dimension has that value; others may exist), ``in_s3_prefix``
  (Firehose: the S3 key starts with it), ``matches_rule`` (EventBridge: that rule on the
  default bus matches the event), ``becomes`` (what the record turns into downstream:
  ``{redshift_row: {column: value}}``: the row the stream's COPY loaded for that record
  has those column values; ``{opensearch_document: {field: value}}``: the document
  OpenSearch indexed for it has those fields, a dotted path reaching into objects; an
  object or array value also matches the JSON text a column holds; a record that was not
  followed that far, a stream outside the templates, is an error that says so);
- ``never_reaches``: no event of ``event`` (any type when left out) from the send is
  delivered to that destination (filtered or dropped, either way);
- ``filtered_at``: an event of ``event`` (any type when left out) from the send is
  filtered at that destination: routing, as configured, keeps it away (the destination is
  disabled or does not match the type; a send without a configuration set is filtered
  everywhere); ``because``: a part of the reason, in any case;
- ``dropped_at``: an event of ``event`` from the send is dropped at that destination: SES
  or the stream would lose or refuse it (IAM, KMS, throttling, a header value SES refuses,
  a definition SES refuses, a verdict the simulator cannot make); ``because`` as above;
- ``metric`` + ``sums_to``: the CloudWatch metric (a metric name or an event type) with
  exactly ``dimensions`` sums to that number over the whole simulation; without
  ``dimensions``, the account-level metric SES publishes for every send (Send, Reject,
  Bounce, Complaint, Delivery, Open, Click, RenderingFailure);
- ``metric`` + ``ends_at``: the reputation rate (``Reputation.BounceRate``,
  ``Reputation.ComplaintRate``) of the account (no dimensions) or of a set
  (``{ses:configuration-set: name}``) ends the simulation at that value (a fraction);
- ``fails_with``: the send fails with that SES error code (and publishes no events).

A failed expectation says what happened instead: the send's error, the events it produced,
what happened at that destination (filtered or dropped, and why), the closest delivery and its dimension values, the
metrics that do exist. Destination names are checked: a name that no configuration set
has fails rather than passing silently.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ses_metrics import rules
from ses_metrics.ci.becomes import BECOMES, Becomes, NotSimulated
from ses_metrics.rules import EventType, Problem
from ses_metrics.simulator.outcomes import (
    CloudWatchDelivery,
    Delivery,
    Drop,
    EventBridgeDelivery,
    EventOutcome,
    Filtered,
    FirehoseDelivery,
    SendResult,
    SnsDelivery,
)

if TYPE_CHECKING:
    from ses_metrics.simulator.engine import SimulationResult
    from ses_metrics.simulator.reputation import ReputationModel
    from ses_metrics.simulator.sinks.cloudwatch import MetricStore
    from ses_metrics.simulator.topology import Topology

SendRef = str | int
# SES publishes these for the whole account, without dimensions (rules.ACCOUNT_METRIC_EVENTS).
_ACCOUNT_METRICS = tuple(e.metric_name for e in rules.ACCOUNT_METRIC_EVENTS)
_RATES = {m.metric_name: m for m in rules.ReputationMetric}


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # cannot be checked (a sink this version does not simulate)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _event_type(value: Any) -> EventType | None:
    if value is None or isinstance(value, EventType):
        return value
    try:
        return rules.event_type(str(value))
    except KeyError:
        raise ValueError(f"unknown event type {value!r}; use one of {', '.join(rules.EVENT_TYPE_NAMES)}") from None


@dataclass(frozen=True)
class Observations:
    """What a simulation produced, looked up the way expectations refer to it.

    ``by_send[i]`` are the results of the scenario's ``sends[i]``; ``metrics`` and
    ``topology`` are optional (the pytest helpers check a single send without them)."""

    by_send: Sequence[Sequence[SendResult]]
    metrics: MetricStore | None = None
    topology: Topology | None = None
    reputation: ReputationModel | None = None

    @classmethod
    def of(cls, result: SimulationResult) -> Observations:
        sim = result.simulator
        return cls(result.by_send, sim.metrics, sim.topology, sim.reputation)

    def sends(self, ref: SendRef) -> list[SendResult]:
        """The results of a send, by position, name or message ID."""
        if isinstance(ref, int):
            return list(self.by_send[ref])
        return [s for group in self.by_send for s in group if ref in (s.name, s.message_id)]


def _send_label(ref: SendRef) -> str:
    return f"sends[{ref}]" if isinstance(ref, int) else f"send {ref!r}"


def _pairs(values: Mapping[str, str]) -> str:
    return ", ".join(f"{k}={v}" for k, v in values.items())


def _describe_delivery(delivery: Delivery) -> str:
    if isinstance(delivery, CloudWatchDelivery):
        return f"CloudWatch {delivery.metric_name} {{{_pairs(delivery.dimensions)}}}"
    if isinstance(delivery, FirehoseDelivery):
        landing = delivery.landing
        where = (landing.key or landing.prefix) if landing else None
        return f"Firehose {delivery.delivery_stream}" + (f" → s3://{landing.bucket}/{where}" if landing and where else "")
    if isinstance(delivery, SnsDelivery):
        return f"SNS {delivery.topic.rsplit(':', 1)[-1]}"
    if isinstance(delivery, EventBridgeDelivery):
        matched = ", ".join(r.name for r in delivery.rules) or "no rule matches"
        return f"EventBridge {delivery.detail_type!r} ({matched})"
    return delivery.kind.config


class Expectation(_Strict):
    """One item of ``expect:``."""

    def describe(self) -> str:
        """The expectation as a sentence."""
        raise NotImplementedError

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        """Passed (message empty), failed or error, with what actually happened."""
        raise NotImplementedError


class _AboutSend(Expectation):
    send: SendRef
    event: EventType | None = None

    @field_validator("event", mode="before")
    @classmethod
    def _event_name(cls, value: Any) -> EventType | None:
        return _event_type(value)

    def _subject(self) -> str:
        event = f"the {self.event.record}" if self.event else "an event"
        return f"{event} of {_send_label(self.send)}"

    def _events(self, sends: list[SendResult]) -> tuple[list[EventOutcome], str | None]:
        """The send's events of this type, or why there are none."""
        label = _send_label(self.send)
        if not sends:
            return [], f"{label} is not in the simulation"
        failed = [s for s in sends if s.error]
        if len(failed) == len(sends):
            error = failed[0].error
            assert error is not None
            return [], f"{label} failed with {error.code}: {error.message}; SES published no events"
        outcomes = [o for s in sends for o in s.events]
        if not any(s.configuration_set for s in sends if not s.error):
            return outcomes, f"{label} has no configuration set: SES publishes no events for it"
        chosen = [o for o in outcomes if self.event is None or o.event.type is self.event]
        if not chosen:
            produced = ", ".join(dict.fromkeys(o.event.type.record for o in outcomes)) or "none"
            notes = "".join(f"; {n}" for s in sends for n in s.notes)
            return [], f"{label} produced no {self.event.record + ' ' if self.event else ''}event (its events: {produced}){notes}"
        return chosen, None

    def _unknown_destination(self, destination: str, outcomes: list[EventOutcome], observed: Observations) -> str | None:
        """Why ``destination`` cannot be one of the send's destinations, if it cannot."""
        sets = {o.event.message.configuration_set.name: o.event.message.configuration_set for o in outcomes if o.event.message.configuration_set}
        if sets:
            names = {d.name for cs in sets.values() for d in cs.destinations}
            if destination not in names:
                listed = "; ".join(f"{name}: {', '.join(d.name for d in cs.destinations) or 'none'}" for name, cs in sets.items())
                return f"configuration set {', '.join(sets)} has no event destination {destination!r} (destinations of {listed})"
        elif observed.topology is not None:
            if not any(d.name == destination for cs in observed.topology.configuration_sets.values() for d in cs.destinations):
                return f"no configuration set in the templates has an event destination {destination!r}"
        return None


def _at(outcome: EventOutcome, destination: str) -> Delivery | Filtered | Drop | None:
    """What happened to ``outcome`` at ``destination`` (a filter without a destination: the
    send had no configuration set, or its set no destinations)."""
    found = outcome.at(destination)
    if found is None and outcome.filtered and outcome.filtered[0].destination is None:
        return outcome.filtered[0]
    return found


def _what_happened(outcome: EventOutcome, destination: str, label: str) -> str:
    """The event's fate at ``destination``, as a sentence."""
    found = _at(outcome, destination)
    event = f"the {outcome.event.type.record} of {label}"
    if isinstance(found, Filtered):
        return f"{event} was filtered at {destination}: {found.reason}"
    if isinstance(found, Drop):
        return f"{event} was dropped at {destination}: {found.reason}"
    if found is None:
        return f"{event} was not routed to {destination}"
    return f"{event} reached {destination}: {_describe_delivery(found)}"


class Reaches(_AboutSend):
    reaches: str
    with_dimensions: dict[str, str] | None = None
    in_s3_prefix: str | None = None
    matches_rule: str | None = None
    becomes: Becomes | None = None

    def describe(self) -> str:
        parts = [f"{self._subject()} reaches {self.reaches}"]
        if self.with_dimensions is not None:
            parts.append(f"with dimensions {_pairs(self.with_dimensions)}")
        if self.in_s3_prefix is not None:
            parts.append(f"in S3 prefix {self.in_s3_prefix}")
        if self.matches_rule is not None:
            parts.append(f"matching rule {self.matches_rule}")
        if self.becomes is not None:
            key, value = self.becomes.given()
            parts.append(f"becoming a {key.replace('_', ' ')} with {_pairs(value)}")
        return " ".join(parts)

    def _mismatches(self, delivery: Delivery) -> list[str]:
        kind = delivery.kind.config
        problems = []
        if self.with_dimensions is not None:
            if not isinstance(delivery, CloudWatchDelivery):
                problems.append(f"with_dimensions applies to CloudWatch destinations, and {self.reaches} is {kind}")
            else:
                actual = delivery.dimensions
                problems += [
                    f"{k}={actual[k]!r}, not {v!r}" if k in actual else f"without a dimension {k}"
                    for k, v in self.with_dimensions.items()
                    if actual.get(k) != v
                ]
        if self.in_s3_prefix is not None:
            where = (delivery.landing.key or delivery.landing.prefix) if isinstance(delivery, FirehoseDelivery) and delivery.landing else None
            if not isinstance(delivery, FirehoseDelivery):
                problems.append(f"in_s3_prefix applies to Firehose destinations, and {self.reaches} is {kind}")
            elif not where:
                problems.append(f"delivery stream {delivery.delivery_stream} is not followed to S3 (it is not in the templates, or not an S3 stream)")
            elif not where.startswith(self.in_s3_prefix):
                problems.append(f"in an object not under {self.in_s3_prefix}")
        if self.matches_rule is not None:
            if not isinstance(delivery, EventBridgeDelivery):
                problems.append(f"matches_rule applies to EventBridge destinations, and {self.reaches} is {kind}")
            else:
                names = [r.name for r in delivery.rules]
                if self.matches_rule not in names:
                    problems.append(f"rule {self.matches_rule} does not match it")
        if self.becomes is not None and kind != "firehose":
            problems.append(f"becomes applies to Firehose destinations, and {self.reaches} is {kind}")
        return problems

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        cannot = f"{self._subject()} cannot reach {self.reaches}"
        outcomes, why = self._events(observed.sends(self.send))
        if why:
            return Status.FAILED, f"{cannot}: {why}"
        unknown = self._unknown_destination(self.reaches, outcomes, observed)
        if unknown:
            return Status.FAILED, f"{cannot}: {unknown}"
        delivered: list[tuple[EventOutcome, Delivery]] = []
        missed: list[str] = []
        for outcome in outcomes:
            found = _at(outcome, self.reaches)
            if isinstance(found, Delivery):
                delivered.append((outcome, found))
            else:
                missed.append(_what_happened(outcome, self.reaches, _send_label(self.send)))
        if not delivered:
            return Status.FAILED, "; ".join(dict.fromkeys(missed))
        # The closest delivery: the one with the fewest mismatches.
        outcome, delivery, mismatches = min(((o, d, self._mismatches(d)) for o, d in delivered), key=lambda item: len(item[2]))
        reached = f"the {outcome.event.type.record} of {_send_label(self.send)} reached {self.reaches}"
        if mismatches:
            return Status.FAILED, f"{reached}, but {'; '.join(mismatches)}: {_describe_delivery(delivery)}"
        if self.becomes is not None:
            key, expected = self.becomes.given()
            assert isinstance(delivery, FirehoseDelivery)  # _mismatches said so
            try:
                mismatch = BECOMES[key](delivery, expected)
            except NotSimulated as error:
                return Status.ERROR, f"{reached}, but {error}"
            if mismatch:
                return Status.FAILED, f"{reached}, but {mismatch}"
        return Status.PASSED, ""


class NeverReaches(_AboutSend):
    never_reaches: str

    def describe(self) -> str:
        event = f"no {self.event.record}" if self.event else "no event"
        return f"{event} of {_send_label(self.send)} reaches {self.never_reaches}"

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        sends = observed.sends(self.send)
        outcomes = [o for s in sends for o in s.events if self.event is None or o.event.type is self.event]
        unknown = self._unknown_destination(self.never_reaches, [o for s in sends for o in s.events], observed)
        if unknown:
            return Status.FAILED, unknown
        reached = [(o, d) for o in outcomes for d in o.deliveries if d.destination == self.never_reaches]
        if reached:
            outcome, delivery = reached[0]
            more = f" (and {len(reached) - 1} more)" if len(reached) > 1 else ""
            return Status.FAILED, f"the {outcome.event.type.record} of {_send_label(self.send)} reached {self.never_reaches}: {_describe_delivery(delivery)}{more}"
        return Status.PASSED, ""


class _NotDelivered(_AboutSend):
    """An event of the send is filtered (``FilteredAt``) or dropped (``DroppedAt``) at a
    destination, with a reason containing ``because`` (case-insensitive) when given."""

    because: str | None = None
    _verb: ClassVar[str]
    _outcome: ClassVar[type[Filtered] | type[Drop]]

    def _destination(self) -> str:
        raise NotImplementedError

    def describe(self) -> str:
        because = f" because {self.because!r}" if self.because is not None else ""
        return f"{self._subject()} is {self._verb} at {self._destination()}{because}"

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        destination, label = self._destination(), _send_label(self.send)
        cannot = f"{self._subject()} cannot be {self._verb} at {destination}"
        outcomes, why = self._events(observed.sends(self.send))
        if why and not outcomes:
            return Status.FAILED, f"{cannot}: {why}"
        unknown = self._unknown_destination(destination, outcomes, observed)
        if unknown:
            return Status.FAILED, f"{cannot}: {unknown}"
        chosen = [o for o in outcomes if self.event is None or o.event.type is self.event]
        found = [(o, _at(o, destination)) for o in chosen]
        same = [(o, f) for o, f in found if isinstance(f, self._outcome)]
        wanted = self.because.lower() if self.because is not None else None
        if any(wanted is None or wanted in f.reason.lower() for _, f in same):  # type: ignore[union-attr]
            return Status.PASSED, ""
        happened = "; ".join(dict.fromkeys(_what_happened(o, destination, label) for o, _ in found))
        if same:
            return Status.FAILED, f"{happened}: no reason contains {self.because!r}"
        return Status.FAILED, happened or f"{label} produced no event"


class FilteredAt(_NotDelivered):
    """Routing, as configured, keeps the event away: the destination is disabled or does
    not match the event type, or the send has no configuration set."""

    filtered_at: str
    _verb: ClassVar[str] = "filtered"
    _outcome: ClassVar[type[Filtered] | type[Drop]] = Filtered

    def _destination(self) -> str:
        return self.filtered_at


class DroppedAt(_NotDelivered):
    """SES or the stream would lose or refuse the event at the destination (IAM, KMS,
    throttling, a value SES refuses, a verdict the simulator cannot make)."""

    dropped_at: str
    _verb: ClassVar[str] = "dropped"
    _outcome: ClassVar[type[Filtered] | type[Drop]] = Drop

    def _destination(self) -> str:
        return self.dropped_at


class Metric(Expectation):
    metric: str
    dimensions: dict[str, str] = Field(default_factory=dict)
    sums_to: float

    @field_validator("metric")
    @classmethod
    def _metric_name(cls, value: str) -> str:
        try:
            return rules.event_type(value).metric_name
        except KeyError:
            if value in {e.metric_name for e in EventType}:
                return value
            if value in _RATES:
                raise ValueError(f"{value} is a rate, not a count: say ends_at (its last published value), not sums_to") from None
            names = ", ".join(e.metric_name for e in EventType)
            raise ValueError(f"unknown SES event metric {value!r}; use one of {names} (or an event type name)") from None

    def describe(self) -> str:
        return f"metric {self.metric} {{{_pairs(self.dimensions)}}} sums to {self.sums_to:g}"

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        if observed.metrics is None:
            return Status.ERROR, "no CloudWatch metrics to check: pass the simulator"
        total = observed.metrics.sum(self.metric, self.dimensions)
        if total == self.sums_to:
            return Status.PASSED, ""
        head = f"metric {self.metric} {{{_pairs(self.dimensions)}}} sums to {total:g}, not {self.sums_to:g}"
        same_name = [(dims, observed.metrics.sum(self.metric, dims)) for name, dims in observed.metrics.metrics() if name == self.metric]
        if not same_name:
            published = ", ".join(dict.fromkeys(name for name, _ in observed.metrics.metrics())) or "none"
            head += f"; no {self.metric} metric was published (metrics published: {published})"
        else:
            wanted = set(self.dimensions.items())
            # Closest first; the account-level metric (no dimensions) last unless it was asked for.
            same_name.sort(key=lambda item: (bool(self.dimensions) and not item[0], -len(wanted & set(item[0].items())), _pairs(item[0])))
            seen = "; ".join(f"{{{_pairs(dims)}}}{'' if dims else ' (account-level)'} = {value:g}" for dims, value in same_name[:5])
            head += f"; {self.metric} metrics seen: {seen}"
        if not self.dimensions:
            if self.metric not in _ACCOUNT_METRICS:
                head += (f"; SES publishes no account-level {self.metric} metric (account-level: {', '.join(_ACCOUNT_METRICS)}): "
                         f"it exists only with the dimensions of a CloudWatch event destination")
            return Status.FAILED, head
        published = self._published_dimension_sets(observed)
        if published is not None and set(self.dimensions) not in published.values():
            listed = "; ".join(f"{where} ({', '.join(sorted(names))})" for where, names in published.items()) or "none"
            head += f"; no CloudWatch destination publishes exactly the dimensions {', '.join(self.dimensions)} (destinations: {listed})"
        return Status.FAILED, head

    @staticmethod
    def _published_dimension_sets(observed: Observations) -> dict[str, set[str]] | None:
        if observed.topology is None:
            return None
        return {
            f"{cs.name}/{d.name}": {dim.name for dim in d.dimensions}
            for cs in observed.topology.configuration_sets.values()
            for d in cs.destinations
            if d.dimensions
        }


class ReputationRate(Expectation):
    """A reputation rate's last published value: the account's (no dimensions) or a
    configuration set's (``{ses:configuration-set: name}``, reputation metrics on)."""

    metric: str
    dimensions: dict[str, str] = Field(default_factory=dict)
    ends_at: float

    @field_validator("metric")
    @classmethod
    def _rate_name(cls, value: str) -> str:
        if value not in _RATES:
            raise ValueError(f"ends_at applies to the reputation rates {', '.join(_RATES)}; for an event metric say sums_to")
        return value

    @field_validator("dimensions")
    @classmethod
    def _scope(cls, value: dict[str, str]) -> dict[str, str]:
        if value and set(value) != {rules.CONFIGURATION_SET_DIMENSION}:
            raise ValueError(f"a reputation rate has no dimensions (the account) or only {rules.CONFIGURATION_SET_DIMENSION} (a set)")
        return value

    def describe(self) -> str:
        return f"metric {self.metric} {{{_pairs(self.dimensions)}}} ends at {self.ends_at:g}"

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        if observed.reputation is None:
            return Status.ERROR, "no reputation rates to check: pass the simulator"
        scope = self.dimensions.get(rules.CONFIGURATION_SET_DIMENSION)
        observed.reputation.finish()
        series = observed.reputation.series(scope, _RATES[self.metric])
        who = f"configuration set {scope}" if scope else "the account"
        if not series:
            return Status.FAILED, (
                f"no {self.metric} was published for {who}: too few counted sends (the mailbox simulator and verified "
                f"recipients never count; minimum {observed.reputation.minimum_volume})"
                + (", or the set has reputation metrics off" if scope else "")
            )
        last = series[max(series)]
        if abs(last - self.ends_at) <= 1e-9:
            return Status.PASSED, ""
        return Status.FAILED, f"{self.metric} of {who} ends at {last:g}, not {self.ends_at:g} (highest {max(series.values()):g})"


class FailsWith(Expectation):
    send: SendRef
    fails_with: str

    def describe(self) -> str:
        return f"{_send_label(self.send)} fails with {self.fails_with}"

    def evaluate(self, observed: Observations) -> tuple[Status, str]:
        label = _send_label(self.send)
        for result in observed.sends(self.send):
            if result.error is None:
                return Status.FAILED, f"{label} succeeded (message ID {result.message_id}, configuration set {result.configuration_set or 'none'})"
            if result.error.code != self.fails_with:
                return Status.FAILED, f"{label} failed with {result.error.code}, not {self.fails_with}: {result.error.message}"
        return Status.PASSED, ""


# The verb that names each kind; an item holds exactly one.
KINDS: dict[str, type[Expectation]] = {
    "reaches": Reaches, "never_reaches": NeverReaches, "filtered_at": FilteredAt, "dropped_at": DroppedAt, "sums_to": Metric,
    "ends_at": ReputationRate, "fails_with": FailsWith,
}
_ONE_OF = "reaches, never_reaches, filtered_at, dropped_at, metric with sums_to or ends_at, or fails_with"


def parse_expectations(items: Sequence[Any], send_names: Sequence[str | None]) -> tuple[list[Expectation], list[Problem]]:
    """The ``expect:`` list of a scenario whose sends have these names (``None`` for a send
    without one). Every problem is located at ``expect[i]...``; all are returned at once."""
    expectations: list[Expectation] = []
    problems: list[Problem] = []
    names = [n for n in send_names if n]
    for index, item in enumerate(items):
        here = ("expect", index)
        if not isinstance(item, dict):
            problems.append(Problem(here, f"an expectation is a mapping that says {_ONE_OF}"))
            continue
        verbs = [k for k in KINDS if k in item] or (["sums_to"] if "metric" in item else [])
        if len(verbs) != 1:
            found = f"found {' and '.join(verbs)}" if verbs else f"found {', '.join(map(str, item)) or 'nothing'}"
            problems.append(Problem(here, f"an expectation says one thing: {_ONE_OF}; {found}"))
            continue
        try:
            expectation = KINDS[verbs[0]].model_validate(item)
        except ValidationError as error:
            problems += [Problem((*here, *e["loc"]), e["msg"].removeprefix("Value error, ")) for e in error.errors(include_url=False)]
            continue
        ref = getattr(expectation, "send", None)
        if ref is not None and not _send_exists(ref, send_names):
            known = f"names: {', '.join(names)}" if names else "no send has a name:"
            problems.append(Problem((*here, "send"), f"no send {ref!r}: give a send's name ({known}) or its position 0-{len(send_names) - 1}"))
            continue
        expectations.append(expectation)
    return expectations, problems


def _send_exists(ref: SendRef, send_names: Sequence[str | None]) -> bool:
    if isinstance(ref, int):
        return 0 <= ref < len(send_names)
    return ref in send_names


@dataclass(frozen=True)
class ExpectationResult:
    """One expectation, checked: ``index`` is its position in ``expect:``."""

    index: int
    expectation: Expectation
    status: Status
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.status is Status.PASSED

    @property
    def description(self) -> str:
        return self.expectation.describe()

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "expectation": self.description, "status": self.status.value, "message": self.message}


def check(result: SimulationResult, expectations: Iterable[Expectation]) -> list[ExpectationResult]:
    """Check each expectation against a scenario's simulation."""
    return evaluate(Observations.of(result), expectations)


def evaluate(observed: Observations, expectations: Iterable[Expectation]) -> list[ExpectationResult]:
    return [ExpectationResult(index, e, *e.evaluate(observed)) for index, e in enumerate(expectations)]
