"""SM302: a link-tag dimension on a destination that does not match click events."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class LinkTagWithoutClick(LintRule):
    id = "SM302"
    name = "link-tag-without-click"
    severity = Severity.WARNING
    title = "A link-tag dimension on a destination that does not match click events"
    explanation = (
        "Only Click events carry link tags: on a destination that does not match click, a link-tag dimension "
        "always takes its default value, so the metric never shows the links."
    )
    fix = "add click to the destination's event types, or take the dimension from a message tag instead"

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs, d in context.destinations():
            for dim in d.dimensions:
                for problem in rules.check_link_tag_dimension(dim.name, dim.source, dim.default, d.event_types):
                    yield Violation(f"{d.name}: {problem.message}", d.resource, cs, d)


RULE = LinkTagWithoutClick()
