"""Each AWS fact and each of ses-metrics' own defaults is written once, in rules/: no module
outside it spells one of them as a literal again."""

import ast
from functools import cache

import pytest
from conftest import ROOT

from ses_metrics import rules
from ses_metrics.rules import defaults, firehose

PACKAGE = ROOT / "constructs" / "ses_metrics"

# value -> where it lives
FACTS = {
    rules.SES_PRINCIPAL: "rules.SES_PRINCIPAL (rules/iam.py)",
    rules.FIREHOSE_PRINCIPAL: "rules.FIREHOSE_PRINCIPAL (rules/iam.py)",
    rules.FIFO_TOPIC_SUFFIX: "rules.FIFO_TOPIC_SUFFIX / is_fifo_topic",
    firehose.TIME_PREFIX_FORMAT: "rules.firehose.time_prefix",
    rules.CONFIGURATION_SET_DIMENSION: "rules.CONFIGURATION_SET_DIMENSION (AutoTag.CONFIGURATION_SET)",
    rules.LINK_TAGS_ATTRIBUTE: "rules.LINK_TAGS_ATTRIBUTE",
    rules.NO_TRACK_ATTRIBUTE: "rules.NO_TRACK_ATTRIBUTE",
    "configuration-set/{name}": "rules.CONFIGURATION_SET_ARN_RESOURCE",
    "deliverystream/{name}": "rules.firehose.DELIVERY_STREAM_ARN_RESOURCE",
    defaults.S3_PREFIX: "rules.defaults.S3_PREFIX",
    defaults.S3_ERROR_OUTPUT_PREFIX: "rules.defaults.S3_ERROR_OUTPUT_PREFIX",
    defaults.REDSHIFT_STAGING_PREFIX: "rules.defaults.REDSHIFT_STAGING_PREFIX",
    defaults.REDSHIFT_BACKUP_PREFIX: "rules.defaults.REDSHIFT_BACKUP_PREFIX",
    defaults.OPENSEARCH_BACKUP_PREFIX: "rules.defaults.OPENSEARCH_BACKUP_PREFIX",
}


def _string_literals(tree):
    """Every plain string constant that is not a docstring."""
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    formatted = {id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings | formatted:
            yield node


@cache
def _literals_outside_rules() -> tuple[tuple[str, int, str], ...]:
    """(module, line, value) of every string literal of the package outside rules/, parsed once."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).parts[0] == "rules":
            continue
        for node in _string_literals(ast.parse(path.read_text(encoding="utf-8"))):
            found.append((str(path.relative_to(PACKAGE)), node.lineno, node.value))
    return tuple(found)


@pytest.mark.parametrize("value", FACTS, ids=list(FACTS.values()))
def test_facts_are_not_restated_outside_rules(value):
    restated = [f"{module}:{line}" for module, line, literal in _literals_outside_rules() if literal == value]
    assert restated == [], f"use {FACTS[value]}"
