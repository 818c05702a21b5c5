"""SM201: the event destination is disabled (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class DestinationDisabled(VerdictRule):
    id = "SM201"
    name = "destination-disabled"
    severity = Severity.WARNING
    verdict = NeverReceives.DISABLED
    title = "The event destination is disabled"
    explanation = (
        "A disabled event destination receives nothing. CloudFormation treats an omitted Enabled as "
        "false, so a destination written without it is disabled although it looks configured."
    )
    fix = (
        "set Enabled: true on the event destination (CloudFormation treats an omitted Enabled as false), "
        "or remove it"
    )


RULE = DestinationDisabled()
