"""``ses-metrics lint``: problems in synthesized templates that no send reveals.

Pure Python over the simulator's topology (no ``aws_cdk`` import). Nothing is decided twice:

- whether an event destination can ever receive anything is the router's static verdict
  (``Router.verdicts()``: disabled, a definition SES refuses, a role SES cannot assume, an
  action a policy denies, a missing topic policy, a FIFO topic, a bus other than the default);
- SES's own rules (quotas, unique names, link-tag dimensions without click, a default equal
  to a value real tags use) come from ``ses_metrics.rules``;
- the rest looks at the configuration sets and the buckets behind their streams.

Each finding has a rule ID (``SM201``), a severity (an error means SES would lose events
or refuse the template; a warning, a likely mistake) and a fix. A CloudWatch default equal
to a tag value real sends use (SM301) needs those sends: pass scenario files, which are
simulated to collect the values of every dimension; without them SM301 is not checked and
the report says so. What the templates do not show (a role or topic defined elsewhere) is
listed in ``notes``, never guessed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import DimensionSource, EventType, Severity
from ses_metrics.simulator.engine import Simulator
from ses_metrics.simulator.router import NeverReceives
from ses_metrics.simulator.scenario import Scenario
from ses_metrics.simulator.sends import SimulationOptions
from ses_metrics.simulator.template import StackTemplate, load_stacks
from ses_metrics.simulator.topology import ConfigurationSet, EventDestination, Topology, build_topology


@dataclass(frozen=True)
class Rule:
    """A lint rule: its ID, a short name, how bad a finding is, and how to fix it."""

    id: str
    name: str
    severity: Severity
    fix: str


def _rules(*items: Rule) -> dict[str, Rule]:
    return {r.id: r for r in items}


ERROR, WARNING = Severity.ERROR, Severity.WARNING
RULES = _rules(
    Rule("SM101", "no-feedback-destination", WARNING,
         "add an event destination that matches bounce and complaint (SNS or EventBridge, so someone acts on them, "
         "or CloudWatch, so an alarm can): without one, only the account-level feedback notifications remain"),
    Rule("SM102", "reputation-metrics-off", WARNING,
         "set ReputationOptions.ReputationMetricsEnabled to true (reputation_metrics: true): the set's bounce and "
         "complaint rates are then published and can be alarmed on before AWS reviews the account"),
    Rule("SM201", "destination-disabled", WARNING,
         "set Enabled: true on the event destination (CloudFormation treats an omitted Enabled as false), or remove it"),
    Rule("SM202", "destination-refused", ERROR, "fix the event destination's definition as the message says; SES rejects it at deploy"),
    Rule("SM203", "target-unresolved", WARNING,
         "give the target ARN in the template, or pass the template parameters it depends on (--parameter NAME=VALUE)"),
    Rule("SM204", "role-not-assumable", ERROR,
         "trust ses.amazonaws.com in the role (firehose.amazonaws.com for the stream's own role) with aws:SourceAccount "
         "and aws:SourceArn of this configuration set, as the SES guide's policy does"),
    Rule("SM205", "action-denied", ERROR,
         "allow the action the message names on that resource (firehose:PutRecordBatch, s3:PutObject, kms:GenerateDataKey, "
         "sns:Publish for ses.amazonaws.com), and remove the Deny that blocks it"),
    Rule("SM206", "topic-policy-missing", ERROR,
         "add an AWS::SNS::TopicPolicy that allows ses.amazonaws.com sns:Publish with aws:SourceAccount and aws:SourceArn "
         "of the configuration set (the CDK's EventDestination.snsTopic adds it)"),
    Rule("SM207", "fifo-topic", ERROR, "use a standard SNS topic: SES does not publish to FIFO topics"),
    Rule("SM208", "not-default-bus", ERROR, "use the account's default event bus, and route from it with a rule"),
    Rule("SM301", "default-equals-tag-value", WARNING,
         "choose a default no message uses, such as 'none', so untagged messages get a metric of their own"),
    Rule("SM302", "link-tag-without-click", WARNING,
         "add click to the destination's event types, or take the dimension from a message tag instead"),
    Rule("SM401", "bucket-unencrypted", WARNING,
         "declare BucketEncryption on the bucket (SSE-S3 or SSE-KMS): S3 encrypts new objects with SSE-S3 anyway "
         "since January 2023, but the template should say what protects the event archive"),
    Rule("SM501", "destination-quota", ERROR, f"keep at most {rules.MAX_EVENT_DESTINATIONS} event destinations per configuration set"),
    Rule("SM502", "duplicate-destination-name", ERROR, "give each event destination of a configuration set its own name"),
    Rule("SM503", "configuration-set-quota", ERROR,
         f"keep at most {rules.MAX_CONFIGURATION_SETS:,} configuration sets per Region (not adjustable)"),
)

# The router's verdict -> the rule reporting it.
_VERDICT_RULES: Mapping[NeverReceives, str] = {
    NeverReceives.DISABLED: "SM201",
    NeverReceives.REFUSED: "SM202",
    NeverReceives.UNRESOLVED_TARGET: "SM203",
    NeverReceives.ROLE_NOT_ASSUMABLE: "SM204",
    NeverReceives.ACTION_DENIED: "SM205",
    NeverReceives.TOPIC_POLICY_MISSING: "SM206",
    NeverReceives.FIFO_TOPIC: "SM207",
    NeverReceives.NOT_DEFAULT_BUS: "SM208",
}


@dataclass(frozen=True)
class Finding:
    """One problem: the rule broken, what is wrong, and where (``stack``/``logical_id`` of
    the resource, ``template`` the file it is in when known)."""

    rule: Rule
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
    """Every finding, and notes on what could not be checked."""

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

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "notes": self.notes,
            "summary": {
                "configurationSets": self.configuration_sets,
                "eventDestinations": self.destinations,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
            },
        }


def lint(
    source: str | Any | Sequence[StackTemplate],
    *,
    scenarios: Sequence[Scenario] = (),
    options: SimulationOptions | None = None,
    parameters: Mapping[str, str] | None = None,
) -> LintReport:
    """Lint a ``cdk.out`` directory, a template file or dict, or loaded stacks.

    ``scenarios`` are simulated to learn the dimension values real sends use (SM301).
    Raises ``TemplateError`` for an unreadable template."""
    options = options or SimulationOptions()
    stacks = list(source) if isinstance(source, list | tuple) else load_stacks(source)
    topology = build_topology(stacks, options.environment, parameters)
    return _Linter(topology, {s.name: s.source for s in stacks}, options, scenarios).run()


class _Linter:
    def __init__(self, topology: Topology, templates: Mapping[str, str], options: SimulationOptions, scenarios: Sequence[Scenario]):
        self.topology = topology
        self.templates = templates
        self.options = options
        self.scenarios = scenarios
        self.report = LintReport(
            configuration_sets=len(topology.configuration_sets),
            destinations=sum(len(cs.destinations) for cs in topology.configuration_sets.values()),
        )

    def add(self, rule_id: str, message: str, resource: str, cs: ConfigurationSet | None = None, d: EventDestination | None = None) -> None:
        stack, _, logical_id = resource.partition("/")
        self.report.findings.append(
            Finding(RULES[rule_id], message, stack, logical_id, self.templates.get(stack, ""), cs.name if cs else None, d.name if d else None)
        )

    def run(self) -> LintReport:
        simulator = Simulator(self.topology, options=self.options)
        verdicts = simulator.router.verdicts()
        receiving: dict[str, set[EventType]] = defaultdict(set)
        for verdict in verdicts:
            cs, d = verdict.configuration_set, verdict.destination
            if verdict.never is None:
                receiving[cs.name] |= d.event_types
            else:
                self.add(_VERDICT_RULES[verdict.never], f"event destination {d.name} never receives an event: {verdict.reason}", d.resource, cs, d)
            self.report.notes += [f"{cs.name}/{d.name}: {note}" for note in verdict.notes]
        self.report.notes += self.topology.warnings
        self.configuration_sets(receiving)
        self.dimensions(self.values_in_use())
        self.buckets()
        return self.report

    def configuration_sets(self, receiving: Mapping[str, set[EventType]]) -> None:
        sets = list(self.topology.configuration_sets.values())
        if len(sets) > rules.MAX_CONFIGURATION_SETS:
            self.add("SM503", f"{len(sets):,} configuration sets; SES allows at most {rules.MAX_CONFIGURATION_SETS:,} per Region", sets[0].resource)
        for cs in sets:
            feedback = [e for e in (EventType.BOUNCE, EventType.COMPLAINT) if e not in receiving.get(cs.name, set())]
            if not cs.destinations:
                self.add("SM101", f"configuration set {cs.name} has no event destinations: its bounces and complaints go nowhere", cs.resource, cs)
            elif feedback:
                missing = " and ".join(e.record for e in feedback)
                self.add("SM101", f"no event destination of configuration set {cs.name} that can receive events matches {missing}", cs.resource, cs)
            if not cs.reputation_metrics:
                self.add("SM102", f"configuration set {cs.name} does not publish reputation metrics (ReputationMetricsEnabled is off)", cs.resource, cs)
            names = [d.name for d in cs.destinations]
            if len(names) > rules.MAX_EVENT_DESTINATIONS:
                self.add("SM501", f"configuration set {cs.name} has {len(names)} event destinations; SES allows at most {rules.MAX_EVENT_DESTINATIONS}", cs.resource, cs)
            for problem in rules.check_unique(names, "event destination name"):
                index = problem.path[0]
                assert isinstance(index, int)
                d = cs.destinations[index]
                self.add("SM502", f"configuration set {cs.name}: {problem.message}", d.resource, cs, d)

    def values_in_use(self) -> dict[tuple[DimensionSource, str], set[str]] | None:
        """The value of every CloudWatch dimension the scenarios' sends give (not defaults)."""
        if not self.scenarios:
            self.report.notes.append(
                "SM301 (a dimension default equal to a tag value real sends use) is not checked: "
                "pass scenario files with the tags your applications send (--scenario)"
            )
            return None
        wanted = {(dim.source, dim.name) for cs in self.topology.configuration_sets.values() for d in cs.destinations for dim in d.dimensions}
        seen: dict[tuple[DimensionSource, str], set[str]] = defaultdict(set)
        for scenario in self.scenarios:
            for outcome in Simulator(self.topology, options=self.options).run(scenario).events():
                event, message = outcome.event, outcome.event.message
                for source, name in wanted:
                    if source is DimensionSource.MESSAGE_TAG:
                        values = message.tags.get(name) or []
                    elif source is DimensionSource.LINK_TAG:
                        values = (event.link_tags or {}).get(name) or []
                    else:
                        values = [h["value"] for h in message.headers if h["name"].lower() == name.lower()]
                    seen[(source, name)].update(values)
        return seen

    def dimensions(self, in_use: Mapping[tuple[DimensionSource, str], set[str]] | None) -> None:
        for cs in self.topology.configuration_sets.values():
            for d in cs.destinations:
                for dim in d.dimensions:
                    for problem in rules.check_link_tag_dimension(dim.name, dim.source, dim.default, d.event_types):
                        self.add("SM302", f"{d.name}: {problem.message}", d.resource, cs, d)
                    if in_use is not None:
                        for problem in rules.check_default_not_in_use(dim.name, dim.default, in_use.get((dim.source, dim.name), ())):
                            self.add("SM301", f"{d.name}: {problem.message}", d.resource, cs, d)

    def buckets(self) -> None:
        reported: set[str] = set()
        for cs in self.topology.configuration_sets.values():
            for d in cs.destinations:
                stream = self.topology.streams.get(d.stream_arn or "")
                if stream is None or stream.s3 is None or stream.s3.bucket in reported:
                    continue
                reported.add(stream.s3.bucket)
                bucket = self.topology.buckets.get(stream.s3.bucket)
                if bucket is None:
                    self.report.notes.append(f"bucket {stream.s3.bucket} of delivery stream {stream.name} is not in the templates: its encryption is not checked")
                elif bucket.encryption is None:
                    self.add("SM401", f"bucket {bucket.name}, where delivery stream {stream.name} archives SES events, declares no default encryption", bucket.resource)

