"""The simulator: sends in, events routed to in-memory sinks out.

    from ses_metrics.simulator import Simulator
    sim = Simulator.from_cdk_out("cdk.out")              # or Simulator(template_dict), Simulator.from_stack(stack)
    result = sim.send_email(FromEmailAddress="news@example.com", ...)   # boto3 sesv2.send_email kwargs
    result.events[0].deliveries                          # where the Send event went, per destination
    sim.flush()                                          # Firehose buffers become S3 objects
    sim.metrics.sum("Bounce", {"campaign": "spring"})    # exact dimension set
    sim.s3.records(bucket, key)

``send_email`` mirrors boto3: invalid parameters raise botocore's ``ParamValidationError``
and errors SES returns raise ``SimulatedClientError`` (a botocore ``ClientError``), so code
written against boto3 handles them unchanged. ``run(scenario)`` records failed sends instead.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ses_metrics.simulator.account_metrics import AccountMetrics
from ses_metrics.simulator.events import NO_ENGAGEMENT, Engagement, Event, EventFactory
from ses_metrics.simulator.faults import NO_FAULTS, Faults
from ses_metrics.simulator.router import EventOutcome, Router
from ses_metrics.simulator.scenario import Scenario, ScenarioSend
from ses_metrics.simulator.sends import Ids, MessageFactory, SendError, SimulationOptions, to_ms, validate_request
from ses_metrics.simulator.sinks.cloudwatch import MetricStore
from ses_metrics.simulator.sinks.eventbridge import EventBusSink
from ses_metrics.simulator.sinks.firehose import FirehoseSink
from ses_metrics.simulator.sinks.opensearch import OpenSearchSink
from ses_metrics.simulator.sinks.redshift import RedshiftSink
from ses_metrics.simulator.sinks.s3 import ObjectStore
from ses_metrics.simulator.sinks.sns import TopicSink
from ses_metrics.simulator.topology import Topology, build_topology


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector. Everything a run keeps (events, deliveries,
    objects) lives until the run ends, and the collector re-scanning it took half of a long
    run's time (benchmarks/RESULTS.md); reference counting still frees the rest, and the
    collector resumes when the run ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _client_error() -> type[Exception]:
    from botocore.exceptions import ClientError

    class SimulatedClientError(ClientError):
        """An error SES would return for this send, shaped like boto3's."""

    return SimulatedClientError


@dataclass(slots=True)
class SendResult:
    """One send: its message ID and configuration set, or the error SES returned."""

    index: int
    name: str | None
    operation: str
    message_id: str | None
    configuration_set: str | None
    error: dict[str, str] | None = None
    events: list[EventOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"messageId": self.message_id, "configurationSet": self.configuration_set, "error": self.error}
        if self.name:
            out["name"] = self.name
        if self.notes:
            out["notes"] = self.notes
        return out


class Simulator:
    """SES event publishing for the configuration sets in one or more templates."""

    def __init__(self, source: Any, *, options: SimulationOptions | None = None, parameters: Mapping[str, str] | None = None,
                 keep_events: bool = True, keep_payloads: bool = True, redshift_database: Any = None,
                 opensearch_client: Any = None, faults: Faults | None = None):
        """``keep_events=False``: results carry no routed events and ``sends`` stays empty,
        failed sends included (streaming). ``keep_payloads=False``: sinks count what they receive
        (S3 objects and bytes, SNS messages, EventBridge events) without holding it, so
        memory stays flat however long a replay runs; CloudWatch datapoints are always kept
        (per-minute buckets). ``redshift_database``: where Redshift COPYs load (default an
        in-memory DuckDB; ``sinks.databases.PostgresDatabase(url)`` for a real PostgreSQL).
        ``opensearch_client``: an ``opensearchpy.OpenSearch`` that OpenSearch streams index into
        (default the in-memory indexes with their simulated dynamic mapping). ``faults``: failures
        to inject (``Faults``; see simulator/faults.py)."""
        self.options = options or SimulationOptions()
        self.topology: Topology = source if isinstance(source, Topology) else build_topology(source, self.options.environment, parameters)
        self.ids = Ids(self.options.seed)
        self.metrics = MetricStore()
        # SES's account-level metrics (no dimensions), for every send: account_metrics.py
        self.account_metrics = AccountMetrics(self.metrics)
        self.s3 = ObjectStore(keep_bodies=keep_payloads)
        self.firehose = FirehoseSink(self.s3, self.ids)
        # Where Redshift and OpenSearch streams' records end up (loaded when objects are written).
        self.redshift = RedshiftSink(self.s3, self.ids, redshift_database)
        self.opensearch = OpenSearchSink(self.s3, self.ids, opensearch_client)
        self.firehose.destinations.update(redshift=self.redshift, opensearch=self.opensearch)
        self.sns = TopicSink(self.ids, keep_messages=keep_payloads)
        env = self.topology.environment
        self.eventbridge = EventBusSink(self.topology.rules, self.ids, env.account, env.region, keep_events=keep_payloads)
        self.faults = faults or NO_FAULTS
        self.faults.check(stream.name for stream in self.topology.streams.values())
        self.router = Router(self.topology, metrics=self.metrics, firehose=self.firehose, sns=self.sns, eventbridge=self.eventbridge, start=self.options.start,
                             faults=self.faults)
        self.messages = MessageFactory(self.topology, self.options, self.ids)
        self.event_factory = EventFactory(self.options, self.ids)
        self.keep_events = keep_events
        # Called with every event after it is routed (replays compute reputation from them).
        self.observers: list[Callable[[Event], None]] = []
        self.sends: list[SendResult] = []
        self.event_count = 0
        self._clock = to_ms(self.options.start)  # epoch milliseconds of the next send
        self._next_index = 0

    @classmethod
    def from_cdk_out(cls, directory: str, **kwargs: Any) -> Simulator:
        return cls(directory, **kwargs)

    @classmethod
    def from_stack(cls, stack: Any, **kwargs: Any) -> Simulator:
        """From an in-process CDK stack (synthesized here; CDK's built-in validation as the app sets it)."""
        from aws_cdk.assertions import Template

        return cls(Template.from_stack(stack).to_json(), **kwargs)

    @property
    def warnings(self) -> list[str]:
        return self.topology.warnings + self.router.notes + self.firehose.warnings + self.redshift.warnings

    # -- sending ---------------------------------------------------------------------

    def send_email(self, *, engagement: Engagement | None = None, at: datetime | None = None, **request: Any) -> SendResult:
        """Like boto3's ``sesv2.send_email``; returns what SES would publish."""
        result = self._send(ScenarioSend(request, "SendEmail", engagement or NO_ENGAGEMENT, at), validate=True)
        self._raise_for(result)
        return result

    def send_bulk_email(self, *, at: datetime | None = None, **request: Any) -> list[SendResult]:
        """Like boto3's ``sesv2.send_bulk_email``: one message per entry."""
        results = self._send_bulk(ScenarioSend(request, "SendBulkEmail", NO_ENGAGEMENT, at), validate=True)
        for result in results:
            self._raise_for(result)
        return results

    def process(self, send: ScenarioSend) -> SendResult | list[SendResult]:
        """One send, unvalidated (scenarios validate when they load): the streaming entry
        point for long runs. Errors SES returns are recorded in the result, not raised."""
        if send.operation == "SendBulkEmail":
            return self._send_bulk(send, validate=False)
        return self._send(send, validate=False)

    def run(self, scenario: Scenario) -> SimulationResult:
        """Every send of a scenario (failed sends are recorded, not raised), then a flush.
        Python's cyclic garbage collector is paused meanwhile (see ``_collector_paused``)."""
        self.messages.add_templates(scenario.templates)
        if scenario.start is not None:
            self._clock = to_ms(scenario.start)
        groups: list[list[SendResult]] = []
        with _collector_paused():
            for send in scenario.sends:
                if send.operation == "SendBulkEmail":
                    groups.append(self._send_bulk(send, validate=False))
                else:
                    groups.append([self._send(send, validate=False)])
            self.flush()
        return SimulationResult(self, [result for group in groups for result in group], groups)

    def flush(self) -> int:
        """Write buffered Firehose records to S3 (as Firehose does when its buffer interval ends)."""
        return self.firehose.flush()

    # -- internals -------------------------------------------------------------------

    def _tick(self, at: datetime | None) -> int:
        """The send's time in epoch milliseconds; the next send comes a second later."""
        moment = self._clock if at is None else to_ms(at)
        self._clock = moment + 1000
        return moment

    def _validate(self, send: ScenarioSend) -> None:
        problems = validate_request(send.request, send.operation)
        if problems:
            from botocore.exceptions import ParamValidationError

            raise ParamValidationError(report="\n".join(problems))

    def _raise_for(self, result: SendResult) -> None:
        if result.error is not None:
            error = result.error
            raise _client_error()({"Error": {"Code": error["code"], "Message": error["message"]}}, result.operation)

    def _send(self, send: ScenarioSend, *, validate: bool, recipients: dict[str, list[str]] | None = None,
              tags: list[dict[str, str]] | None = None, template_data: str | None = None, sent_at: int | None = None) -> SendResult:
        if validate:
            self._validate(send)
        index = self._next_index
        self._next_index += 1
        moment = self._tick(send.at) if sent_at is None else sent_at
        try:
            message = self.messages.build(send.request, operation=send.operation, sent_at=moment, recipients=recipients, tags=tags, template_data=template_data)
        except SendError as error:
            result = SendResult(index, send.name, send.operation, None, send.request.get("ConfigurationSetName"), {"code": error.code, "message": error.message})
            if self.keep_events:
                self.sends.append(result)
            return result
        events, notes = self.event_factory.events(message, send.engagement)
        configuration_set = message.configuration_set
        result = SendResult(index, send.name, send.operation, message.message_id, configuration_set.name if configuration_set else None, None, [], notes)
        self.event_count += len(events)
        self.account_metrics.publish(events)
        for observe in self.observers:
            for event in events:
                observe(event)
        if self.keep_events:
            route = self.router.route
            result.events = [route(event) for event in events]
            self.sends.append(result)
        elif configuration_set is not None:
            self.router.write_all(configuration_set.name, events)
        return result

    def _send_bulk(self, send: ScenarioSend, *, validate: bool) -> list[SendResult]:
        if validate:
            self._validate(send)
        request = send.request
        default = (request.get("DefaultContent") or {}).get("Template") or {}
        moment = self._tick(send.at)
        results = []
        for entry in request.get("BulkEmailEntries") or []:
            replacement = ((entry.get("ReplacementEmailContent") or {}).get("ReplacementTemplate") or {}).get("ReplacementTemplateData")
            tags = {t["Name"]: t for t in request.get("DefaultEmailTags") or []}
            tags.update({t["Name"]: t for t in entry.get("ReplacementTags") or []})
            single = {**request, "Content": {"Template": {**default, **({"TemplateData": replacement} if replacement else {})}}}
            results.append(
                self._send(ScenarioSend(single, "SendBulkEmail", send.engagement, send.at, send.name), validate=False,
                           recipients=entry.get("Destination") or {}, tags=list(tags.values()) or None, sent_at=moment)
            )
        return results


class SimulationResult:
    """The outcome of a scenario, in the shape ``ses-metrics simulate --json`` prints.

    ``by_send[i]`` holds the results of the scenario's ``sends[i]`` (one per entry of a bulk
    send); by default each result is its own send."""

    def __init__(self, simulator: Simulator, sends: list[SendResult], by_send: list[list[SendResult]] | None = None):
        self.simulator = simulator
        self.sends = sends
        self.by_send = by_send if by_send is not None else [[send] for send in sends]

    def events(self) -> Iterator[EventOutcome]:
        for send in self.sends:
            yield from send.events

    def summary(self) -> dict[str, Any]:
        events: dict[str, int] = {}
        deliveries: dict[str, int] = {}
        drops: dict[str, int] = {}
        for outcome in self.events():
            events[outcome.event.type.record] = events.get(outcome.event.type.record, 0) + 1
            configuration_set = outcome.event.message.configuration_set
            prefix = f"{configuration_set.name}/" if configuration_set else ""
            for delivery in outcome.deliveries:
                key = f"{prefix}{delivery['eventDestination']}"
                deliveries[key] = deliveries.get(key, 0) + 1
            for drop in outcome.drops:
                key = f"{prefix}{drop['eventDestination'] or '-'}"
                drops[key] = drops.get(key, 0) + 1
        sim = self.simulator
        return {
            "sends": len(self.sends),
            "failedSends": sum(1 for s in self.sends if s.error),
            "events": events,
            "deliveries": deliveries,
            "drops": drops,
            "metrics": len(sim.metrics.metrics()),
            "s3Objects": sim.s3.count(),
            "snsMessages": sum(sim.sns.published.values()),
            "eventBridgeEvents": sum(sim.eventbridge.put_count.values()),
            "redshiftRowsLoaded": sum(sim.redshift.rows_loaded.values()),
            "redshiftLoadErrors": len(sim.redshift.load_errors),
            "redshiftRecordsNotLoaded": sum(sim.redshift.records_failed.values()),
            "openSearchDocuments": sum(sim.opensearch.indexed.values()),
            "openSearchFailedDocuments": sum(sim.opensearch.failed_count.values()),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "sends": [s.to_json() for s in self.sends],
            "events": [outcome.to_json() for outcome in self.events()],
            "summary": self.summary(),
            "redshift": {
                "loads": self.simulator.redshift.loads,
                "loadErrors": [error.to_json() for error in self.simulator.redshift.load_errors],
            },
            "opensearch": {
                "indexes": {index: self.simulator.opensearch.indexed[index] for index in self.simulator.opensearch.indexes},
                "failed": self.simulator.opensearch.failed,
            },
            "warnings": self.simulator.warnings,
        }
