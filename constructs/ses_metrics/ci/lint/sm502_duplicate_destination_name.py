"""SM502: two event destinations of one configuration set with the same name."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class DuplicateDestinationName(LintRule):
    id = "SM502"
    name = "duplicate-destination-name"
    severity = Severity.ERROR
    title = "Two event destinations of a configuration set share a name"
    explanation = "Event destination names are unique within a configuration set: SES refuses the second one."
    fix = "give each event destination of a configuration set its own name"

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs in context.configuration_sets:
            for problem in rules.check_unique([d.name for d in cs.destinations], "event destination name"):
                index = problem.path[0]
                assert isinstance(index, int)
                d = cs.destinations[index]
                yield Violation(f"configuration set {cs.name}: {problem.message}", d.resource, cs, d)


RULE = DuplicateDestinationName()
