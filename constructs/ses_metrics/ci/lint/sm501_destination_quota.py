"""SM501: more event destinations in a configuration set than SES allows."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class DestinationQuota(LintRule):
    id = "SM501"
    name = "destination-quota"
    severity = Severity.ERROR
    title = "More event destinations than SES allows in one configuration set"
    explanation = f"SES allows at most {rules.MAX_EVENT_DESTINATIONS} event destinations per configuration set; the deploy fails beyond."
    fix = f"keep at most {rules.MAX_EVENT_DESTINATIONS} event destinations per configuration set"

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs in context.configuration_sets:
            count = len(cs.destinations)
            if count > rules.MAX_EVENT_DESTINATIONS:
                yield Violation(
                    f"configuration set {cs.name} has {count} event destinations; SES allows at most {rules.MAX_EVENT_DESTINATIONS}", cs.resource, cs
                )


RULE = DestinationQuota()
