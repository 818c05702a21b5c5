"""SM208: the EventBridge bus is not this account"s default bus (the router"s verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class NotDefaultBus(VerdictRule):
    id = "SM208"
    name = "not-default-bus"
    severity = Severity.ERROR
    verdict = NeverReceives.NOT_DEFAULT_BUS
    title = "The EventBridge bus is not this account's default bus"
    explanation = (
        "SES publishes only to the default event bus of the sending account and Region; another bus, or "
        "another account's default bus, receives nothing."
    )
    fix = "use the account's default event bus, and route from it with a rule"


RULE = NotDefaultBus()
