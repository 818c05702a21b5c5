"""A replay: a traffic profile streamed through the simulator, then the template's alarms
evaluated over what it produced.

    from ses_metrics.replay import load_profile, replay
    result = replay("cdk.out", load_profile("examples/replay/profile.yaml"))
    for alarm in result.alarms:
        print(alarm.definition.name, [(t.time, t.new) for t in alarm.transitions])

Sends are generated one at a time (traffic.py) and handed to ``Simulator.process`` with
events not kept and sink payloads only counted (``keep_events=False``,
``keep_payloads=False``): nothing in the replay grows with the number of sends. What is
kept: CloudWatch datapoints in one-minute buckets, the reputation windows
(simulator/reputation.py), counters per configuration set and event type, and Firehose buffers of
the last hour (written when their buffering window ends). Message bodies, S3 objects, SNS
and EventBridge messages are counted and dropped: the replay is about metrics and alarms,
and ``ses-metrics simulate`` shows payloads.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ses_metrics.files.output import OutputDirectory
from ses_metrics.replay import alarms as cloudwatch_alarms
from ses_metrics.replay.alarms import Aggregate, AlarmResult
from ses_metrics.replay.archive import ArchiveQuery, ArchiveStore, archive_simulator, run_named_queries
from ses_metrics.replay.metricmath import Unsupported
from ses_metrics.replay.profile import Profile, ProfileError
from ses_metrics.replay.traffic import sends
from ses_metrics.rules import (
    CONFIGURATION_SET_DIMENSION,
    METRIC_NAMESPACE,
    DestinationKind,
    EventType,
    MetricKey,
    Problem,
    ReputationMetric,
)
from ses_metrics.simulator.account import AccountSettings, ReputationSettings
from ses_metrics.simulator.athena import Catalog, read_catalog
from ses_metrics.simulator.engine import Simulator
from ses_metrics.simulator.events import Event
from ses_metrics.simulator.outcomes import Filtered
from ses_metrics.simulator.reputation import ReputationModel
from ses_metrics.simulator.sends import SimulationOptions
from ses_metrics.simulator.sinks.cloudwatch import MetricStore
from ses_metrics.simulator.template import Environment
from ses_metrics.simulator.topology import EventDestination, Topology

NO_CONFIGURATION_SET = "the send has no configuration set: SES publishes no events and ignores its tags"
FIREHOSE_LAG_MS = 30 * 60_000  # events arrive up to ~15 min after their send (delay, then complaint)
PROGRESS_EVERY = 1024
_EVENT_METRICS = {e.metric_name for e in EventType}
_REPUTATION = {m.metric_name: m for m in ReputationMetric}


class ReplayMetrics:
    """The replay's CloudWatch, for alarm evaluation: event metrics as CloudWatch
    destinations published them (each event a sample of 1) and reputation rates (one
    sample per published minute). Only ``AWS/SES`` is simulated."""

    def __init__(self, store: MetricStore, reputation: ReputationModel):
        self.store = store
        self.reputation = reputation

    def minutes(self, key: MetricKey) -> Mapping[int, Aggregate] | None:
        if key.namespace != METRIC_NAMESPACE:
            return None
        if key.metric_name in _REPUTATION:
            names = [n for n, _ in key.dimensions]
            if names not in ([], [CONFIGURATION_SET_DIMENSION]):
                return {}  # SES publishes reputation with no other dimensions
            scope = key.dimensions[0][1] if names else None
            series = self.reputation.series(scope, _REPUTATION[key.metric_name])
            return {minute: Aggregate(v, 1, v, v) for minute, v in series.items()}
        if key.metric_name in _EVENT_METRICS:  # without dimensions: SES's account-level metrics
            series = self.store.series(key.metric_name, key.dimensions_map)
            return {int(t.timestamp()): Aggregate(v, v, 1, 1) for t, v in series.items()}
        return None


@dataclass(frozen=True)
class Unevaluated:
    name: str
    resource: str
    reason: str


@dataclass
class Route:
    """One event destination: where it sends events, how many it delivered, what it dropped."""

    configuration_set: str
    destination: str
    kind: str
    target: str
    delivered: int = 0
    filtered: Counter[str] = field(default_factory=Counter)  # reason -> events, routing by design
    drops: Counter[str] = field(default_factory=Counter)  # reason -> events lost or refused


@dataclass
class ReplayResult:
    profile: Profile
    seed: int
    simulator: Simulator
    reputation: ReputationModel
    start: int  # epoch seconds
    end: int
    sends: int
    failed_sends: Counter[str]  # "code: message" -> sends
    events: Counter[tuple[str | None, str]]  # (configuration set, EventType.cfn) -> events
    alarms: list[AlarmResult] = field(default_factory=list)
    unevaluated: list[Unevaluated] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    archive: list[ArchiveQuery] = field(default_factory=list)  # the named queries over replay --out's archive

    @property
    def topology(self) -> Topology:
        return self.simulator.topology

    def events_by_type(self) -> dict[str, int]:
        out: Counter[str] = Counter()
        for (_, cfn), n in self.events.items():
            out[_BY_CFN[cfn].record] += n
        return dict(sorted(out.items()))

    def metric_totals(self) -> list[tuple[MetricKey, float]]:
        """Every CloudWatch event metric with its sum over the replay (the account-level
        ones, without dimensions, included)."""
        store = self.simulator.metrics
        return [
            (MetricKey(METRIC_NAMESPACE, name, tuple(sorted(dims.items()))), store.sum(name, dims)) for name, dims in store.metrics()
        ]

    def routes(self) -> list[Route]:
        """Per event destination, in template order: deliveries, filters and drops with reasons."""
        out = []
        router = self.simulator.router
        for cs in self.topology.configuration_sets.values():
            routes = {d.name: Route(cs.name, d.name, d.kind.config if d.kind else "none", describe_target(self.topology, d)) for d in cs.destinations}
            for event_type in EventType:
                n = self.events.get((cs.name, event_type.cfn), 0)
                if not n:
                    continue
                for destination, planned in router.plan(cs.name, event_type):
                    if planned is None:
                        routes[destination].delivered += n
                    elif isinstance(planned, Filtered):
                        routes[destination].filtered[planned.reason] += n
                    else:
                        routes[destination].drops[planned.reason] += n
            for (set_name, destination, reason), n in router.write_drops.items():
                if set_name == cs.name:
                    routes[destination].delivered -= n
                    routes[destination].drops[reason] += n
            out += routes.values()
        return out

    def unrouted(self) -> dict[str, int]:
        """Events of sends without a configuration set (SES publishes none), by type."""
        return {_BY_CFN[cfn].record: n for (cs, cfn), n in self.events.items() if cs is None}

    def sinks(self) -> dict[str, Any]:
        sim = self.simulator
        return {
            "s3": {b: {"objects": n, "bytes": sim.s3.bytes_written[b]} for b, n in sorted(sim.s3.objects_written.items())},
            "firehoseRecords": dict(sorted(sim.firehose.records_put.items())),
            "sns": {arn.rsplit(":", 1)[-1]: n for arn, n in sorted(sim.sns.published.items())},
            "eventBridge": {"events": dict(sim.eventbridge.put_count), "ruleMatches": dict(sorted(sim.eventbridge.rule_matches.items()))},
        }

    def to_json(self) -> dict[str, Any]:
        """The document ``ses-metrics replay --json`` prints."""

        def iso(seconds: int) -> str:
            return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "profile": self.profile.source,
            "seed": self.seed,
            "start": iso(self.start),
            "end": iso(self.end),
            "sends": self.sends,
            "failedSends": dict(self.failed_sends),
            "events": self.events_by_type(),
            "metrics": [
                {"namespace": k.namespace, "metricName": k.metric_name, "dimensions": k.dimensions_map, "sum": total}
                for k, total in self.metric_totals()
            ],
            "reputation": [
                {"configurationSet": scope, "metricName": metric.metric_name, "last": last, "max": highest}
                for scope, metric, last, highest in self.reputation.summary()
            ],
            "tenantReputation": [
                {"tenant": tenant, "metricName": metric.metric_name, "last": last, "max": highest}
                for tenant, metric, last, highest in self.reputation.tenant_summary()
            ],
            "alarms": [
                {
                    "name": a.definition.name,
                    "resource": a.definition.resource,
                    "watches": a.definition.describe(),
                    "threshold": a.definition.threshold,
                    "comparison": a.definition.comparison,
                    "state": a.state,
                    "transitions": [
                        {"at": iso(t.at), "from": t.old, "to": t.new, "reason": t.reason, "actions": list(t.actions)} for t in a.transitions
                    ],
                }
                for a in self.alarms
            ],
            "unevaluatedAlarms": [{"name": u.name, "resource": u.resource, "reason": u.reason} for u in self.unevaluated],
            "routes": [
                {
                    "configurationSet": r.configuration_set,
                    "eventDestination": r.destination,
                    "type": r.kind,
                    "target": r.target,
                    "delivered": r.delivered,
                    "filtered": [{"reason": reason, "events": n} for reason, n in sorted(r.filtered.items())],
                    "drops": [{"reason": reason, "events": n} for reason, n in sorted(r.drops.items())],
                }
                for r in self.routes()
            ],
            "sinks": self.sinks(),
            "archiveQueries": [
                {"name": a.query.name, "database": a.query.database, "error": a.error,
                 "columns": a.result.columns if a.result else [], "rows": [list(r) for r in a.result.rows] if a.result else []}
                for a in self.archive
            ],
            "warnings": self.warnings,
        }

    def reached_alarm(self) -> list[AlarmResult]:
        return [a for a in self.alarms if any(t.new == cloudwatch_alarms.ALARM for t in a.transitions)]


_BY_CFN = {e.cfn: e for e in EventType}


def describe_target(topology: Topology, destination: EventDestination) -> str:
    """Where an event destination sends events, in one line."""
    kind = destination.kind
    if kind is DestinationKind.CLOUDWATCH:
        return f"CloudWatch {METRIC_NAMESPACE} ({', '.join(d.name for d in destination.dimensions)})"
    if kind is DestinationKind.FIREHOSE:
        stream = topology.streams.get(destination.stream_arn or "")
        if stream is None:
            return f"Firehose {(destination.stream_arn or '?').rsplit('/', 1)[-1]}"
        where = f" → S3 {stream.s3.bucket}/{stream.s3.prefix}" if stream.s3 else f" → {stream.kind}"
        return f"Firehose {stream.name}{where}"
    if kind is DestinationKind.SNS:
        return f"SNS {(destination.topic_arn or '?').rsplit(':', 1)[-1]}"
    if kind is DestinationKind.EVENTBRIDGE:
        return "EventBridge default bus"
    return "no target"


def check_against(profile: Profile, topology: Topology) -> tuple[list[Problem], list[str]]:
    """Problems (configuration sets not in the template) and warnings of a profile
    replayed against ``topology``."""
    problems: list[Problem] = []
    warnings: list[str] = []
    known = ", ".join(sorted(topology.configuration_sets)) or "none"
    for stream in profile.streams:
        name = stream.configuration_set
        if name is None:
            continue
        cs = topology.configuration_sets.get(name)
        if cs is None:
            problems.append(Problem(("traffic", stream.index, "configuration_set"), f"configuration set {name!r} is not in the template (sets: {known})"))
        elif not cs.sending_enabled:
            warnings.append(f"traffic {stream.name}: sending is paused on configuration set {name}: every send fails with SendingPausedException")
    return problems, warnings


def _evaluate_alarms(result: ReplayResult) -> None:
    """Every alarm of the template over the replay's metrics (unsupported ones listed)."""
    source_metrics = ReplayMetrics(result.simulator.metrics, result.reputation)
    for props in result.simulator.topology.alarms:
        name = str(props.get("AlarmName") or props.get("name"))
        try:
            definition = cloudwatch_alarms.parse_alarm(props)
            result.alarms.append(cloudwatch_alarms.evaluate(definition, source_metrics, result.start, result.end))
        except Unsupported as why:
            result.unevaluated.append(Unevaluated(name, str(props.get("resource", "")), str(why)))
            result.warnings.append(f"alarm {name} ({props.get('resource', '')}) is not evaluated: {why}")


def _start_archive(source: Any, sim: Simulator, environment: Environment, parameters: Mapping[str, str] | None,
                   warnings: list[str]) -> tuple[Catalog, ArchiveStore] | None:
    """The template's catalogue, and the simulator keeping its buckets' objects."""
    if isinstance(source, Topology):
        warnings.append("no archive: the replay was given a topology, not the template declaring the Glue tables")
        return None
    catalog = read_catalog(source, environment, parameters)
    if not catalog.tables:
        warnings.append("no archive: the template declares no Glue table (give an S3 stream `athena: {}`)")
        return None
    return catalog, archive_simulator(sim, catalog)


def _finish_archive(archived: tuple[Catalog, ArchiveStore], directory: Path) -> tuple[list[ArchiveQuery], list[str]]:
    """Write the archive under ``directory`` (the safe writer of ``simulate --out``) and run
    the named queries over it."""
    catalog, store = archived
    OutputDirectory(directory, "ses-metrics replay --out").write_all({f"s3/{b}/{k}": body for b, k, body in store.items()})
    store._objects.clear()  # written: nothing to hold any more
    return run_named_queries(directory, catalog)


def replay(
    source: Any,
    profile: Profile,
    *,
    seed: int | None = None,
    environment: Environment | None = None,
    parameters: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    keep_payloads: bool = False,
    archive: str | os.PathLike[str] | None = None,
) -> ReplayResult:
    """Replay ``profile`` against a template (a ``cdk.out`` directory, a template file or
    dict, or a ``Topology``) and evaluate its alarms. ``seed`` overrides the profile's.
    ``progress`` is called with the number of sends done, every 1,024 sends and at the end.
    ``keep_payloads=True`` keeps S3 objects, SNS and EventBridge messages in the simulator's
    sinks (small replays only: memory then grows with the sends). ``archive``: a directory
    the objects of the buckets the template's Glue tables read are written into
    (``<archive>/s3/<bucket>/<key>``, as ``simulate --out``), the template's named queries
    then run over them (``ReplayResult.archive``).
    Raises ``ProfileError`` when the profile names configuration sets the template lacks."""
    started = time.perf_counter()
    seed = profile.seed if seed is None else seed
    options = SimulationOptions(
        environment=environment or Environment(), start=profile.start, seed=seed,
        # Every replayed send stands for a new recipient (traffic.py): none is ever on the list.
        account=AccountSettings(suppression_list=False),
        reputation=ReputationSettings(profile.reputation.representative_volume, profile.reputation.minimum_volume),
    )
    # An archive needs Firehose buffers that keep records (archive_simulator counts the rest again).
    sim = Simulator(source, options=options, parameters=parameters, keep_events=False, keep_payloads=keep_payloads or archive is not None)
    problems, warnings = check_against(profile, sim.topology)
    if problems:
        raise ProfileError(profile.source, problems)
    archived = _start_archive(source, sim, options.environment, parameters, warnings) if archive is not None else None
    reputation = sim.reputation
    events: Counter[tuple[str | None, str]] = Counter()
    last_event = [0]

    def observe(event: Event) -> None:
        configuration_set = event.message.configuration_set
        events[(configuration_set.name if configuration_set is not None else None, event.type.cfn)] += 1
        if event.ms > last_event[0]:
            last_event[0] = event.ms

    sim.observers.append(observe)
    failed: Counter[str] = Counter()
    done = 0
    hour = -1
    process = sim.process
    for ms, send in sends(profile, seed):
        if ms // 3_600_000 != hour:  # Firehose writes the buffers whose interval has ended
            hour = ms // 3_600_000
            sim.firehose.flush(before_ms=ms - FIREHOSE_LAG_MS)
        result = process(send)
        if result.error is not None:  # type: ignore[union-attr]  # SendEmail: one result
            failed[f"{result.error.code}: {result.error.message}"] += 1  # type: ignore[union-attr]
        done += 1
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
    if progress is not None:
        progress(done)
    sim.flush()  # and the reputation rates settle

    start = profile.start_ms // 1000
    end = max(profile.end_ms, last_event[0]) // 1000
    result = ReplayResult(profile, seed, sim, reputation, start, end, done, failed, events, warnings=warnings)
    if archived is not None and archive is not None:
        result.archive, archive_warnings = _finish_archive(archived, Path(archive))
        result.warnings += archive_warnings
    _evaluate_alarms(result)
    result.warnings += sim.warnings
    result.seconds = time.perf_counter() - started
    return result
