"""SM503: more configuration sets than SES allows in a Region."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class ConfigurationSetQuota(LintRule):
    id = "SM503"
    name = "configuration-set-quota"
    severity = Severity.ERROR
    title = "More configuration sets than SES allows in a Region"
    explanation = f"SES allows at most {rules.MAX_CONFIGURATION_SETS:,} configuration sets per Region, a quota that cannot be raised."
    fix = f"keep at most {rules.MAX_CONFIGURATION_SETS:,} configuration sets per Region (not adjustable)"

    def check(self, context: LintContext) -> Iterator[Violation]:
        sets = context.configuration_sets
        for problem in rules.check_configuration_set_count(len(sets)):
            yield Violation(problem.message, sets[0].resource)


RULE = ConfigurationSetQuota()
