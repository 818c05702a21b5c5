"""SM202: sES refuses the event destination"s definition (the router"s verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class DestinationRefused(VerdictRule):
    id = "SM202"
    name = "destination-refused"
    severity = Severity.ERROR
    verdict = NeverReceives.REFUSED
    title = "SES refuses the event destination's definition"
    explanation = (
        "SES rejects an event destination with an invalid name, no target or more than one, unknown event"
        " types or invalid dimensions: the stack fails to deploy."
    )
    fix = "fix the event destination's definition as the message says; SES rejects it at deploy"


RULE = DestinationRefused()
