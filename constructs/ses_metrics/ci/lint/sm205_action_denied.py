"""SM205: a policy does not allow the write the event destination needs (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class ActionDenied(VerdictRule):
    id = "SM205"
    name = "action-denied"
    severity = Severity.ERROR
    verdict = NeverReceives.ACTION_DENIED
    title = "A policy does not allow the write the event destination needs"
    explanation = (
        "The role, topic, bucket or key policies must allow every write on the way "
        "(firehose:PutRecordBatch, s3:PutObject, kms:GenerateDataKey, sns:Publish); an explicit Deny "
        "anywhere wins."
    )
    fix = (
        "allow the action the message names on that resource (firehose:PutRecordBatch, s3:PutObject, "
        "kms:GenerateDataKey, sns:Publish for ses.amazonaws.com), and remove the Deny that blocks it"
    )


RULE = ActionDenied()
