"""SM207: the SNS topic is a FIFO topic (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class FifoTopic(VerdictRule):
    id = "SM207"
    name = "fifo-topic"
    severity = Severity.ERROR
    verdict = NeverReceives.FIFO_TOPIC
    title = "The SNS topic is a FIFO topic"
    explanation = "SES event destinations publish to standard SNS topics only."
    fix = "use a standard SNS topic: SES does not publish to FIFO topics"


RULE = FifoTopic()
