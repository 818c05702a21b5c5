"""``ses-metrics lint`` inside ``cdk synth``: a CDK policy-validation plugin.

    cdk.Validations.of(app).add_plugins(SesMetricsChecks())

The interface cdk-nag 3 implements (``aws_cdk.IPolicyValidationPlugin``): after synthesis
CDK calls ``validate`` with the paths of the templates it wrote; this adapter lints them
(``ses_metrics.ci.lint``, the same findings as the command) and reports each finding as a
violation of rule ``SM...`` on its resource, so CDK's report names the construct path.
It synthesizes nothing and writes nothing. Errors fail the synth (``ValidationFailed``);
warnings are printed and do not, unless ``fail_on_warnings``. Acknowledge a finding on a
construct as for cdk-nag: ``Validations.of(construct).acknowledge(Acknowledgment(
id="ses-metrics::SM102", reason=...))``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import aws_cdk as cdk
import jsii

from ses_metrics import __version__
from ses_metrics.ci.lint import RULES, Finding, lint
from ses_metrics.simulator.scenario import Scenario, load_scenario
from ses_metrics.simulator.template import StackTemplate, load_stacks

PLUGIN_NAME = "ses-metrics"


@jsii.implements(cdk.IPolicyValidationPlugin)
class SesMetricsChecks:
    """The ses-metrics lint rules as a CDK validation plugin.

    ``scenarios``: scenario files (or loaded scenarios) whose tags real sends use, for
    SM301; by default SM301 is not checked. ``fail_on_warnings``: report warnings as
    failures too (default: only errors fail the synth)."""

    def __init__(self, *, scenarios: Sequence[str | os.PathLike[str] | Scenario] = (), fail_on_warnings: bool = False) -> None:
        self._scenarios = [s if isinstance(s, Scenario) else load_scenario(s) for s in scenarios]
        self._fail_on_warnings = fail_on_warnings

    @property
    def name(self) -> str:
        return PLUGIN_NAME

    @property
    def version(self) -> str:
        return __version__

    @property
    def rule_ids(self) -> list[str]:
        return list(RULES)

    def validate(self, context: cdk.IPolicyValidationContext) -> cdk.PolicyValidationPluginReport:
        stacks: list[StackTemplate] = [stack for path in context.template_paths for stack in load_stacks(path)]
        report = lint(stacks, scenarios=self._scenarios)
        violations = [_violation(f) for f in report.findings]
        failed = any(f.is_error or self._fail_on_warnings for f in report.findings)
        return cdk.PolicyValidationPluginReport(success=not failed, violations=violations, plugin_version=__version__)


def _violation(finding: Finding) -> cdk.PolicyViolation:
    resource = cdk.PolicyViolatingResource(
        locations=["Properties"], resource_logical_id=finding.logical_id or None, template_path=finding.template or None
    )
    return cdk.PolicyViolation(
        rule_name=finding.id,
        description=f"{finding.rule.name}: {finding.message}",
        fix=finding.rule.fix,
        severity=finding.severity.value,
        violating_resources=[resource],
    )
