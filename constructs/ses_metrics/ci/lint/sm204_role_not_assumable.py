"""SM204: sES (or Firehose) cannot assume the role (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class RoleNotAssumable(VerdictRule):
    id = "SM204"
    name = "role-not-assumable"
    severity = Severity.ERROR
    verdict = NeverReceives.ROLE_NOT_ASSUMABLE
    title = "SES (or Firehose) cannot assume the role"
    explanation = (
        "A Firehose destination's role must trust ses.amazonaws.com for this account and configuration "
        "set, and the stream's own role must trust firehose.amazonaws.com; otherwise every event is lost."
    )
    fix = (
        "trust ses.amazonaws.com in the role (firehose.amazonaws.com for the stream's own role) with "
        "aws:SourceAccount and aws:SourceArn of this configuration set, as the SES guide's policy does"
    )


RULE = RoleNotAssumable()
