"""What every lint rule is built from: the rule object, the context it checks, what it
finds, and the report."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ses_metrics import rules
from ses_metrics.rules import DimensionSource, EventType, Severity
from ses_metrics.simulator.engine import Simulator
from ses_metrics.simulator.router import DestinationVerdict, NeverReceives
from ses_metrics.simulator.scenario import Scenario
from ses_metrics.simulator.sends import SimulationOptions
from ses_metrics.simulator.topology import ConfigurationSet, EventDestination, Topology


@dataclass(frozen=True)
class Violation:
    """What a rule's ``check`` yields: the message, the resource (``stack/logicalId``) and
    the configuration set and event destination it concerns, when it concerns one."""

    message: str
    resource: str
    configuration_set: ConfigurationSet | None = None
    destination: EventDestination | None = None


class LintRule:
    """A lint rule: metadata and check together, one subclass per rule.

    ``id`` (``SM201``), ``name`` (a slug), ``severity``, ``title`` (one line), ``explanation``
    (why it matters, for the rules reference) and ``fix`` (printed with every finding);
    :meth:`check` yields a :class:`Violation` per problem it sees in a :class:`LintContext`."""

    id: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]
    explanation: ClassVar[str]
    fix: ClassVar[str]

    def check(self, context: LintContext) -> Iterable[Violation]:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<lint rule {self.id} {self.name}>"


class VerdictRule(LintRule):
    """A rule reporting one kind of the router's verdict that an event destination never
    receives an event (``verdict``), with the router's reason."""

    verdict: ClassVar[NeverReceives]

    def check(self, context: LintContext) -> Iterator[Violation]:
        for v in context.verdicts:
            if v.never is self.verdict:
                d = v.destination
                yield Violation(f"event destination {d.name} never receives an event: {v.reason}", d.resource, v.configuration_set, d)


DimensionValues = dict[tuple[DimensionSource, str], set[str]]


class LintContext:
    """What the rules look at: the topology, the router's verdict on every event
    destination, the templates' file names, the scenarios; and the notes on what could not
    be checked (:meth:`note`)."""

    def __init__(self, topology: Topology, templates: Mapping[str, str], options: SimulationOptions, scenarios: Sequence[Scenario]):
        self.topology = topology
        self.templates = templates
        self.options = options
        self.scenarios = scenarios
        self.verdicts: list[DestinationVerdict] = Simulator(topology, options=options).router.verdicts()
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        """Something a rule could not check, for the report's ``notes``."""
        self.notes.append(text)

    @property
    def configuration_sets(self) -> list[ConfigurationSet]:
        return list(self.topology.configuration_sets.values())

    def destinations(self) -> Iterator[tuple[ConfigurationSet, EventDestination]]:
        """Every event destination with its configuration set, in template order."""
        for cs in self.topology.configuration_sets.values():
            for d in cs.destinations:
                yield cs, d

    @functools.cached_property
    def receiving(self) -> dict[str, set[EventType]]:
        """Per configuration set, the event types some destination that can receive events matches."""
        found: dict[str, set[EventType]] = defaultdict(set)
        for v in self.verdicts:
            if v.never is None:
                found[v.configuration_set.name] |= v.destination.event_types
        return found

    @functools.cached_property
    def values_in_use(self) -> DimensionValues | None:
        """The value of every CloudWatch dimension the scenarios' sends give (not
        defaults); None without scenarios."""
        if not self.scenarios:
            return None
        wanted = {(dim.source, dim.name) for _, d in self.destinations() for dim in d.dimensions}
        seen: DimensionValues = defaultdict(set)
        for scenario in self.scenarios:
            for outcome in Simulator(self.topology, options=self.options).run(scenario).events():
                event, message = outcome.event, outcome.event.message
                for source, name in wanted:
                    values = rules.dimension_values(source, name, tags=message.tags, headers=message.headers, link_tags=event.link_tags)
                    seen[(source, name)].update(values)
        return seen


@dataclass(frozen=True)
class Finding:
    """One problem: the rule broken, what is wrong, and where (``stack``/``logical_id`` of
    the resource, ``template`` the file it is in when known)."""

    rule: LintRule
    message: str
    stack: str = ""
    logical_id: str = ""
    template: str = ""
    configuration_set: str | None = None
    destination: str | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def is_error(self) -> bool:
        return self.rule.severity is Severity.ERROR

    @property
    def where(self) -> str:
        subject = "/".join(x for x in (self.configuration_set, self.destination) if x)
        resource = f"{self.stack}/{self.logical_id}" if self.logical_id else self.stack
        return f"{subject} ({resource})" if subject and resource else subject or resource

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.rule.id,
            "rule": self.rule.name,
            "severity": self.rule.severity.value,
            "message": self.message,
            "fix": self.rule.fix,
            "configurationSet": self.configuration_set,
            "eventDestination": self.destination,
            "stack": self.stack,
            "logicalId": self.logical_id,
            "template": self.template,
        }


@dataclass
class LintReport:
    """Every finding (errors first, then by rule), and notes on what could not be checked."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    configuration_sets: int = 0
    destinations: int = 0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def summary(self) -> dict[str, int]:
        return {
            "configurationSets": self.configuration_sets,
            "eventDestinations": self.destinations,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
        }

    def to_json(self) -> dict[str, Any]:
        return {"findings": [f.to_json() for f in self.findings], "notes": self.notes, "summary": self.summary}
