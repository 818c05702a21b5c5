"""Run every lint rule over synthesized templates."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ses_metrics.ci.lint.base import Finding, LintContext, LintReport, LintRule
from ses_metrics.simulator.scenario import Scenario
from ses_metrics.simulator.sends import SimulationOptions
from ses_metrics.simulator.template import StackTemplate, load_stacks
from ses_metrics.simulator.topology import build_topology

_RULE_MODULE = re.compile(r"sm\d{3}_\w+")


def _discover() -> dict[str, LintRule]:
    """The ``RULE`` of every ``smNNN_*`` module of this package, by ID."""
    found: dict[str, LintRule] = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if _RULE_MODULE.fullmatch(module.name):
            rule = importlib.import_module(f"{__package__}.{module.name}").RULE
            if not module.name.startswith(rule.id.lower() + "_"):
                raise ImportError(f"lint rule module {module.name} holds rule {rule.id}: name the module {rule.id.lower()}_...")
            found[rule.id] = rule
    return dict(sorted(found.items()))


RULES: Mapping[str, LintRule] = _discover()


def lint(
    source: str | Any | Sequence[StackTemplate],
    *,
    scenarios: Sequence[Scenario] = (),
    options: SimulationOptions | None = None,
    parameters: Mapping[str, str] | None = None,
) -> LintReport:
    """Lint a ``cdk.out`` directory, a template file or dict, or loaded stacks, with every
    rule of :data:`RULES`.

    ``scenarios`` are simulated to learn the dimension values real sends use (SM301).
    Raises ``TemplateError`` for an unreadable template."""
    options = options or SimulationOptions()
    stacks = list(source) if isinstance(source, list | tuple) else load_stacks(source)
    topology = build_topology(stacks, options.environment, parameters)
    templates = {s.name: s.source for s in stacks}
    context = LintContext(topology, templates, options, scenarios)
    for v in context.verdicts:
        context.notes += [f"{v.configuration_set.name}/{v.destination.name}: {note}" for note in v.notes]
    context.notes += topology.warnings
    findings = []
    for rule in RULES.values():
        for violation in rule.check(context):
            stack, _, logical_id = violation.resource.partition("/")
            cs, d = violation.configuration_set, violation.destination
            findings.append(
                Finding(rule, violation.message, stack, logical_id, templates.get(stack, ""), cs.name if cs else None, d.name if d else None)
            )
    return LintReport(
        findings=sorted(findings, key=lambda f: not f.is_error),
        notes=context.notes,
        configuration_sets=len(topology.configuration_sets),
        destinations=sum(len(cs.destinations) for cs in topology.configuration_sets.values()),
    )
