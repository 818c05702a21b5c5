"""SM203: the event destination"s target does not resolve (the router"s verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class TargetUnresolved(VerdictRule):
    id = "SM203"
    name = "target-unresolved"
    severity = Severity.WARNING
    verdict = NeverReceives.UNRESOLVED_TARGET
    title = "The event destination's target does not resolve"
    explanation = (
        "The target's ARN depends on something the templates do not give (a parameter, an import), so "
        "whether SES can publish to it cannot be decided; its events are counted as not delivered."
    )
    fix = (
        "give the target ARN in the template, or pass the template parameters it depends on (--parameter "
        "NAME=VALUE)"
    )


RULE = TargetUnresolved()
