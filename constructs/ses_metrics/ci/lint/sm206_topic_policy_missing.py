"""SM206: the SNS topic has no policy letting SES publish (the router's verdict)."""

from ses_metrics.ci.lint.base import VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives


class TopicPolicyMissing(VerdictRule):
    id = "SM206"
    name = "topic-policy-missing"
    severity = Severity.ERROR
    verdict = NeverReceives.TOPIC_POLICY_MISSING
    title = "The SNS topic has no policy letting SES publish"
    explanation = (
        "SES publishes to a topic as ses.amazonaws.com: without a topic policy allowing it sns:Publish, "
        "every event is lost."
    )
    fix = (
        "add an AWS::SNS::TopicPolicy that allows ses.amazonaws.com sns:Publish with aws:SourceAccount "
        "and aws:SourceArn of the configuration set (the CDK's EventDestination.snsTopic adds it)"
    )


RULE = TopicPolicyMissing()
