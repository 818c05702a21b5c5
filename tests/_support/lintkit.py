"""Templates and shortcuts for the lint rule tests (tests/ci/lint)."""

from typing import Any

from simkit import base, cloudwatch, destination, simple

from ses_metrics.ci.lint import Finding, lint
from ses_metrics.simulator import parse_scenario

REPUTATION = {"ReputationOptions": {"ReputationMetricsEnabled": True}}
FEEDBACK = destination("feedback", ["bounce", "complaint"], **cloudwatch(("campaign", "messageTag", "none")))


def healthy(**set_props: Any) -> dict[str, Any]:
    """A set with reputation metrics and a destination for bounces and complaints: no finding."""
    t = base(**{**REPUTATION, **set_props})
    t["Resources"]["Feedback"] = FEEDBACK
    return t


def ids(template: Any, **kwargs: Any) -> list[str]:
    """The rule IDs of every finding."""
    return [f.id for f in lint(template, **kwargs).findings]


def only(template: Any, rule_id: str, **kwargs: Any) -> Finding:
    """The one finding of ``template``, which must be of ``rule_id``."""
    [finding] = lint(template, **kwargs).findings
    assert finding.id == rule_id
    return finding


def scenario(campaign: str):
    """A scenario of one send tagged ``campaign``."""
    return parse_scenario({"sends": [simple(tags={"campaign": campaign})]})
