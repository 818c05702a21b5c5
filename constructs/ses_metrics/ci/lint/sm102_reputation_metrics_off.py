"""SM102: a configuration set that does not publish reputation metrics."""

from collections.abc import Iterator

from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class ReputationMetricsOff(LintRule):
    id = "SM102"
    name = "reputation-metrics-off"
    severity = Severity.WARNING
    title = "The configuration set does not publish reputation metrics"
    explanation = (
        "With ReputationMetricsEnabled off (SES's own default), SES publishes no Reputation.BounceRate and "
        "Reputation.ComplaintRate for the configuration set, so no alarm can warn before AWS reviews or pauses the account."
    )
    fix = (
        "set ReputationOptions.ReputationMetricsEnabled to true (reputation_metrics: true): the set's bounce and "
        "complaint rates are then published and can be alarmed on before AWS reviews the account"
    )

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs in context.configuration_sets:
            if not cs.reputation_metrics:
                yield Violation(f"configuration set {cs.name} does not publish reputation metrics (ReputationMetricsEnabled is off)", cs.resource, cs)


RULE = ReputationMetricsOff()
