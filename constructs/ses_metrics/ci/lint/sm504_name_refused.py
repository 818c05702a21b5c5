"""SM504: a configuration set, SNS topic or delivery stream whose name AWS refuses."""

from collections.abc import Iterator

from ses_metrics import rules
from ses_metrics.ci.lint.base import LintContext, LintRule, Violation
from ses_metrics.rules import Severity


class NameRefused(LintRule):
    id = "SM504"
    name = "name-refused"
    severity = Severity.ERROR
    title = "A configuration set, topic or delivery stream with a name AWS refuses"
    explanation = (
        "Configuration set names are 1-64 letters, digits, '_' and '-'; SNS topic and Firehose stream names have their own "
        "patterns. CloudFormation fails the stack on any other name (such as one with '/' or '..'), so no event is ever published."
    )
    fix = "rename it within the pattern the message gives"

    def check(self, context: LintContext) -> Iterator[Violation]:
        for cs in context.configuration_sets:
            for problem in rules.check_configuration_set_name(cs.name):
                yield Violation(problem.message, cs.resource, cs)
        for topic in context.topology.topics.values():
            # FIFO topics are valid names (SM207 reports that SES does not publish to them)
            for problem in rules.check_pattern(topic.name, rules.TOPIC_NAME_RE, "SNS topic name",
                                               "1-256 characters of A-Z, a-z, 0-9, '_' and '-', and .fifo at the end for a FIFO topic", 261):
                yield Violation(problem.message, topic.resource)
        for stream in context.topology.streams.values():
            for problem in rules.check_delivery_stream_name(stream.name):
                yield Violation(problem.message, stream.resource)


RULE = NameRefused()
