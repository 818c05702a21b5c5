"""``ses-metrics lint``: problems in synthesized templates that no send reveals.

Pure Python over the simulator's topology (no ``aws_cdk`` import). Nothing is decided twice:

- whether an event destination can ever receive anything is the router's static verdict
  (``Router.verdicts()``), one rule per kind of verdict (:class:`VerdictRule`);
- SES's own rules (quotas, unique names, link-tag dimensions without click, a default equal
  to a value real tags use) come from ``ses_metrics.rules``;
- the rest looks at the configuration sets and the buckets behind their streams.

Each rule is an object in a module of its own (``sm101_no_feedback_destination.py``, ...),
as cdk-nag's rule files are: its ID (``SM201``), name, severity (an error means SES would
lose events or refuse the template; a warning, a likely mistake), title, explanation, fix,
and its ``check``. Adding a rule is adding such a module: :data:`RULES` finds it.

A CloudWatch default equal to a tag value real sends use (SM301) needs those sends: pass
scenario files, which are simulated to collect the values of every dimension; without them
SM301 is not checked and the report says so. What the templates do not show is never
guessed: an IAM decision that needs it is SM209 (a warning; the simulator delivers nothing
there), anything else a note.
"""

from ses_metrics.ci.lint.base import Finding, LintContext, LintReport, LintRule, VerdictRule, Violation
from ses_metrics.ci.lint.engine import RULES, lint

__all__ = ["RULES", "Finding", "LintContext", "LintReport", "LintRule", "VerdictRule", "Violation", "lint"]
