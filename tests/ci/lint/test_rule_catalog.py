"""The rule objects: complete metadata, one module each, every router verdict reported,
and a compliant and a non-compliant test per rule in this directory."""

import ast
import re
from pathlib import Path

import pytest

from ses_metrics.ci.lint import RULES, LintRule, VerdictRule
from ses_metrics.rules import Severity
from ses_metrics.simulator.router import NeverReceives

HERE = Path(__file__).parent


def _test_names() -> set[str]:
    names = set()
    for path in HERE.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names |= {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    return names


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_has_a_compliant_and_a_noncompliant_test(rule):
    names = _test_names()
    prefix = f"test_{rule.id.lower()}_"
    assert any(n.startswith(prefix + "noncompliant") for n in names), f"no {prefix}noncompliant_* test for {rule.id}"
    assert any(n.startswith(prefix + "compliant") for n in names), f"no {prefix}compliant_* test for {rule.id}"


@pytest.mark.parametrize("rule", RULES.values(), ids=list(RULES))
def test_every_rule_has_its_metadata(rule):
    assert isinstance(rule, LintRule)
    assert re.fullmatch(r"SM\d{3}", rule.id)
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule.name)
    assert isinstance(rule.severity, Severity)
    assert rule.title and rule.explanation and rule.fix
    assert not rule.title.endswith(".") and rule.explanation.endswith(".")


def test_rule_names_are_unique():
    assert len({r.name for r in RULES.values()}) == len(RULES)


def test_each_rule_lives_in_a_module_named_after_it():
    for rule in RULES.values():
        module = type(rule).__module__.rsplit(".", 1)[-1]
        assert module == f"{rule.id.lower()}_{rule.name.replace('-', '_')}"


def test_every_kind_of_router_verdict_has_a_rule():
    reported = {r.verdict for r in RULES.values() if isinstance(r, VerdictRule)}
    assert reported == set(NeverReceives)


def test_rules_are_ordered_by_id():
    assert list(RULES) == sorted(RULES)
