"""SM209: an IAM decision the simulator cannot make, so it delivers nothing (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class IamUndecidable(VerdictRule):
    id = "SM209"
    name = "iam-undecidable"
    severity = Severity.WARNING
    verdict = NeverReceives.UNDECIDABLE
    title = "An IAM decision the simulator cannot make"
    explanation = (
        "The simulator fails closed: a condition operator or context key it does not know, or a role, topic, "
        "bucket, KMS key, managed policy or permissions boundary outside the templates, makes the decision "
        "unknown, and every event is reported as not delivered. The message names the statement, policy or resource."
    )
    fix = (
        "put the role, topic, bucket, key, managed policy or permissions boundary in the templates, or write the "
        "statement with condition keys and operators the simulator knows (docs/iam.md lists them)"
    )


RULE = IamUndecidable()
