"""The simulator: sends in, events routed to in-memory sinks out.

    from ses_metrics.simulator import Simulator
    sim = Simulator.from_cdk_out("cdk.out")              # or Simulator(template_dict), Simulator.from_stack(stack)
    result = sim.send_email(FromEmailAddress="news@example.com", ...)   # boto3 sesv2.send_email kwargs
    result.events[0].deliveries                          # where the Send event went, per destination
    sim.flush()                                          # Firehose buffers become S3 objects
    sim.metrics.sum("Bounce", {"campaign": "spring"})    # exact dimension set
    sim.s3.records(bucket, key)

``send_email`` mirrors boto3: invalid parameters raise botocore's ``ParamValidationError``
and errors SES returns raise the error code's class from ``simulator.errors``, which is
also a botocore ``ClientError``, so code written against boto3 handles them unchanged.
``run(scenario)`` and ``stream(scenario)`` record failed sends in their results instead.

``run`` keeps every result (what tests and ``ses-metrics check`` read); ``stream`` yields
each send's result as it is produced and keeps none of them, so memory does not grow with
the number of sends (what ``ses-metrics simulate`` prints from).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from ses_metrics.files.collector import collector_paused
from ses_metrics.simulator import content
from ses_metrics.simulator.account_metrics import AccountMetrics
from ses_metrics.simulator.errors import SendError, client_error
from ses_metrics.simulator.events import NO_ENGAGEMENT, Engagement, Event, EventFactory
from ses_metrics.simulator.faults import NO_FAULTS, Faults
from ses_metrics.simulator.outcomes import EventOutcome, SendResult
from ses_metrics.simulator.reputation import ReputationModel
from ses_metrics.simulator.router import Router
from ses_metrics.simulator.scenario import Scenario, ScenarioSend
from ses_metrics.simulator.sends import Ids, MessageFactory, SimulationOptions, to_ms, validate_request
from ses_metrics.simulator.sinks.cloudwatch import MetricStore
from ses_metrics.simulator.sinks.decoded import BufferDecoder
from ses_metrics.simulator.sinks.eventbridge import EventBusSink
from ses_metrics.simulator.sinks.firehose import FirehoseSink
from ses_metrics.simulator.sinks.opensearch import OpenSearchSink
from ses_metrics.simulator.sinks.redshift import RedshiftSink
from ses_metrics.simulator.sinks.s3 import ObjectStore
from ses_metrics.simulator.sinks.sns import TopicSink
from ses_metrics.simulator.summary import Summary
from ses_metrics.simulator.suppression import SuppressionList
from ses_metrics.simulator.topology import Topology, build_topology
from ses_metrics.simulator.verification import Verification


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
        decoder = BufferDecoder()  # streams of the same records flush the same buffers: decoded once
        self.redshift = RedshiftSink(self.s3, self.ids, redshift_database, decoder)
        self.opensearch = OpenSearchSink(self.s3, self.ids, opensearch_client, decoder)
        self.firehose.destinations.update(redshift=self.redshift, opensearch=self.opensearch)
        self.sns = TopicSink(self.ids, keep_messages=keep_payloads)
        env = self.topology.environment
        self.eventbridge = EventBusSink(self.topology.rules, self.ids, env.account, env.region, keep_events=keep_payloads)
        self.faults = faults or NO_FAULTS
        self.faults.check(stream.name for stream in self.topology.streams.values())
        self.router = Router(self.topology, metrics=self.metrics, firehose=self.firehose, sns=self.sns, eventbridge=self.eventbridge, start=self.options.start,
                             faults=self.faults)
        self.messages = MessageFactory(self.topology, self.options, self.ids)
        # The account's and tenants' suppression lists: bounces and complaints suppress later sends (suppression.py)
        self.suppression = SuppressionList(self.options.account, self.topology.tenants)
        self.event_factory = EventFactory(self.options, self.ids, self.suppression)
        # Who may send, and to whom (verification.py)
        self.verification = Verification(self.topology.identities, self.options.account, self.topology.environment.region)
        # Reputation.BounceRate and .ComplaintRate, for the account and the sets that publish them
        self.reputation = ReputationModel.of(self.topology, self.options.reputation)
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
        """What the run could not decide or had to assume, the template's own warnings first."""
        return (self.topology.warnings + self.router.notes + self.firehose.warnings + self.redshift.warnings + self.opensearch.warnings
                + self._unfollowed())

    def _unfollowed(self) -> list[str]:
        """Without payloads, Redshift COPYs and OpenSearch indexing are not run: whether those
        records load is unknown, and said so (a delivery to the stream is not a row or a document)."""
        if self.s3.keep_bodies:
            return []
        names = sorted(s.name for s in self.topology.streams.values() if s.kind in ("redshift", "opensearch"))
        if not names:
            return []
        return [f"delivery stream(s) {', '.join(names)}: records were not followed into Redshift or OpenSearch (streaming keeps no "
                "record), so whether they load is unknown here; `simulate --format json`, `simulate --out DIR` and `replay --out DIR` "
                "follow them"]

    def sink_counts(self) -> dict[str, Any]:
        """What the sinks received so far (Redshift and OpenSearch only when payloads are kept:
        without them records are not followed past S3)."""
        out: dict[str, Any] = {
            "metrics": len(self.metrics.metrics()),
            "s3Objects": self.s3.count(),
            "snsMessages": sum(self.sns.published.values()),
            "eventBridgeEvents": sum(self.eventbridge.put_count.values()),
            "eventBridgeRuleMatches": dict(sorted(self.eventbridge.rule_matches.items())),
            # Reputation.BounceRate / .ComplaintRate published (last and highest), per scope
            "reputation": self.reputation.to_json(),
        }
        if self.s3.keep_bodies:
            out |= {
                "redshiftRowsLoaded": sum(self.redshift.rows_loaded.values()),
                "redshiftLoadErrors": len(self.redshift.load_errors),
                "redshiftRecordsNotLoaded": sum(self.redshift.records_failed.values()),
                "openSearchDocuments": sum(self.opensearch.indexed.values()),
                "openSearchFailedDocuments": sum(self.opensearch.failed_count.values()),
            }
        return out

    # -- sending ---------------------------------------------------------------------

    def send_email(self, *, engagement: Engagement | None = None, at: datetime | None = None, **request: Any) -> SendResult:
        """Like boto3's ``sesv2.send_email``; returns what SES would publish."""
        send = ScenarioSend(request, "SendEmail", engagement or NO_ENGAGEMENT, at)
        self._validate(send)
        result = self._keep(self._send(send, collect=self.keep_events))[0]
        self._raise_for(result)
        return result

    def send_bulk_email(self, *, at: datetime | None = None, **request: Any) -> list[SendResult]:
        """Like boto3's ``sesv2.send_bulk_email``: one message per entry."""
        send = ScenarioSend(request, "SendBulkEmail", NO_ENGAGEMENT, at)
        self._validate(send)
        results = self._keep(*self._send_bulk(send, collect=self.keep_events))
        for result in results:
            self._raise_for(result)
        return results

    def process(self, send: ScenarioSend) -> SendResult | list[SendResult]:
        """One send, unvalidated (scenarios validate when they load): the entry point for
        long replays (``keep_events=False``: events are written into the sinks, no outcome
        is kept). Errors SES returns are recorded in the result, not raised."""
        if send.operation == "SendBulkEmail":
            return self._keep(*self._send_bulk(send, collect=self.keep_events))
        result = self._send(send, collect=self.keep_events)
        if self.keep_events:
            self.sends.append(result)
        return result

    def run(self, scenario: Scenario) -> SimulationResult:
        """Every send of a scenario (failed sends are recorded, not raised), then a flush;
        every result is kept. Python's cyclic garbage collector is paused meanwhile (see
        ``files.collector``)."""
        groups: list[list[SendResult]] = []
        with collector_paused():
            for send in self._start(scenario):
                groups.append(self._keep(*self._results(send, collect=True)))
            self.flush()
        return SimulationResult(self, [result for group in groups for result in group], groups)

    def stream(self, scenario: Scenario) -> Iterator[SendResult]:
        """Every send of a scenario, each result yielded as soon as its events are routed
        and then forgotten (failed sends are results too), then a flush: memory does not
        grow with the number of sends. A Firehose delivery learns its object key when the
        object is written: one whose buffer is still open when it is yielded has none yet."""
        with collector_paused():
            for send in self._start(scenario):
                results = self._results(send, collect=True)
                results.reverse()
                while results:
                    yield results.pop()  # not held here once yielded
            self.flush()

    def flush(self) -> int:
        """Write buffered Firehose records to S3 (as Firehose does when its buffer interval
        ends), and publish the reputation rates every bounce and complaint so far leads to."""
        self.reputation.finish()
        return self.firehose.flush()

    # -- internals -------------------------------------------------------------------

    def _start(self, scenario: Scenario) -> Iterable[ScenarioSend]:
        """The scenario's sends, its templates added and its clock set."""
        self.messages.add_templates(scenario.templates)
        if scenario.account is not None:  # the scenario's account: its settings, and a new list
            self.options = replace(self.options, account=scenario.account)
            self.messages.options = self.event_factory.options = self.options
            self.suppression = self.event_factory.suppression = SuppressionList(scenario.account, self.topology.tenants)
            self.verification = Verification(self.topology.identities, scenario.account, self.topology.environment.region)
        if scenario.reputation is not None:
            self.options = replace(self.options, reputation=scenario.reputation)
            self.reputation = ReputationModel.of(self.topology, scenario.reputation)
        if scenario.start is not None:
            self._clock = to_ms(scenario.start)
        return scenario.sends

    def _results(self, send: ScenarioSend, *, collect: bool) -> list[SendResult]:
        if send.operation == "SendBulkEmail":
            return self._send_bulk(send, collect=collect)
        return [self._send(send, collect=collect)]

    def _keep(self, *results: SendResult) -> list[SendResult]:
        if self.keep_events:
            self.sends += results
        return list(results)

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

    @staticmethod
    def _raise_for(result: SendResult) -> None:
        if result.error is not None:
            raise client_error(result.error, result.operation)

    def _send(self, send: ScenarioSend, *, collect: bool, recipients: dict[str, list[str]] | None = None,
              tags: list[dict[str, str]] | None = None, sent_at: int | None = None) -> SendResult:
        """One message: built, its events made and routed (``collect``: with their outcomes
        in the result; else only written into the sinks)."""
        index = self._next_index
        self._next_index += 1
        moment = self._tick(send.at) if sent_at is None else sent_at
        try:
            message = self.messages.build(send.request, operation=send.operation, sent_at=moment, recipients=recipients, tags=tags, v1=send.api == 1,
                                          encoded=send.encoded)
            self.verification.check(message.source, message.destination)  # verified senders, the sandbox
        except SendError as error:
            error.__traceback__ = None  # kept in the result: no frames with it
            return SendResult(index, send.name, send.operation, None, send.request.get("ConfigurationSetName"), error)
        events, notes = self.event_factory.events(message, send.engagement)
        if "Raw" in (send.request.get("Content") or {}):
            note = content.long_line_note(send.request)  # SES accepts them; a receiving server may not
            if note:
                notes.append(note)
        configuration_set = message.configuration_set
        set_name = configuration_set.name if configuration_set is not None else None
        result = SendResult(index, send.name, send.operation, message.message_id, set_name, None, [], notes)
        self.event_count += len(events)
        self.account_metrics.publish(configuration_set, events)
        self.reputation.observe_all(events)
        for observe in self.observers:
            for event in events:
                observe(event)
        if collect:
            route = self.router.route
            result.events = [route(event) for event in events]
        elif set_name is not None:
            self.router.write_all(set_name, events)
        return result

    def _send_bulk(self, send: ScenarioSend, *, collect: bool) -> list[SendResult]:
        """One message per entry of a ``SendBulkEmail``, all sent at the same time."""
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
                self._send(ScenarioSend(single, "SendBulkEmail", send.engagement, send.at, send.name), collect=collect,
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

    def __repr__(self) -> str:
        counts = self.summary()
        shown = ", ".join(f"{k}={v}" for k, v in counts.items() if isinstance(v, int))
        return f"SimulationResult({len(self.sends)} sends: {shown})"

    def summary(self) -> dict[str, Any]:
        """Counts of sends, events, deliveries, filters and drops, and what the sinks received."""
        summary = Summary()
        for send in self.sends:
            summary.add(send)
        return summary.to_json() | self.simulator.sink_counts()

    def to_json(self) -> dict[str, Any]:
        """The document of ``simulate --format json`` (built with the collector paused, as
        ``run`` is: the new objects all live until the document is encoded)."""
        with collector_paused():
            return self._document()

    def _document(self) -> dict[str, Any]:
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
