"""SM301: a CloudWatch dimension's default equals a value real sends give it."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class DefaultEqualsTagValue(LintRule):
    id = "SM301"
    name = "default-equals-tag-value"
    severity = Severity.WARNING
    title = "A dimension's default value is a value real messages use"
    explanation = (
        "SES publishes the default for a message without the tag, header or link tag, so a default equal to a real "
        "value adds every untagged message to that value's metric. Checked only with scenario files (--scenario), "
        "whose sends show the values in use; without them the report notes that SM301 was not checked."
    )
    fix = "choose a default no message uses, such as 'none', so untagged messages get a metric of their own"

    def check(self, context: LintContext) -> Iterator[Violation]:
        in_use = context.values_in_use
        if in_use is None:
            context.note(
                "SM301 (a dimension default equal to a tag value real sends use) is not checked: "
                "pass scenario files with the tags your applications send (--scenario)"
            )
            return
        for cs, d in context.destinations():
            for dim in d.dimensions:
                for problem in rules.check_default_not_in_use(dim.name, dim.default, in_use.get((dim.source, dim.name), ())):
                    yield Violation(f"{d.name}: {problem.message}", d.resource, cs, d)


RULE = DefaultEqualsTagValue()
