"""SM101: no event destination receives a configuration set's bounces and complaints."""

from collections.abc import Iterator

from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import EventType, Severity


class NoFeedbackDestination(LintRule):
    id = "SM101"
    name = "no-feedback-destination"
    severity = Severity.WARNING
    title = "No event destination receives the configuration set's bounces and complaints"
    explanation = (
        "Bounces and complaints are what AWS judges an account by. A configuration set none of whose working "
        "event destinations matches both leaves them to the account-level feedback notifications, if any: "
        "nobody is told, and no alarm can fire."
    )
    fix = (
        "add an event destination that matches bounce and complaint (SNS or EventBridge, so someone acts on them, "
        "or CloudWatch, so an alarm can): without one, only the account-level feedback notifications remain"
    )

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs in context.configuration_sets:
            received = context.receiving.get(cs.name, set())
            missing = [e for e in (EventType.BOUNCE, EventType.COMPLAINT) if e not in received]
            if not cs.destinations:
                yield Violation(f"configuration set {cs.name} has no event destinations: its bounces and complaints go nowhere", cs.resource, cs)
            elif missing:
                events = " and ".join(e.record for e in missing)
                yield Violation(f"no event destination of configuration set {cs.name} that can receive events matches {events}", cs.resource, cs)


RULE = NoFeedbackDestination()
