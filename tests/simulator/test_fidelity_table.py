"""docs/fidelity.md stays current: every row names a fidelity test that exists, every
fidelity test has a row, and every fidelity test cites where its behaviour is documented."""

import ast
import re
from pathlib import Path

import pytest
from conftest import ROOT

TABLE = ROOT / "docs" / "fidelity.md"
HERE = Path(__file__).resolve().parent
VERDICTS = ("match", "assumed", "refused")
# A docstring cites AWS (a guide page, a model, a blog, re:Post, an RFC) or says what is assumed.
SOURCE = re.compile(r"\bDG\b|docs\.aws|model|User Guide|\bblog\b|re:Post|RFC \d+|CloudFormation|aws-cdk-lib|observed|assumed", re.I)


def rows() -> list[tuple[str, str, str]]:
    """(behaviour, verdict cell, test reference) of each table row."""
    found = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else []
        if len(cells) != 4 or cells[0] in ("Behaviour", "") or set(cells[0]) <= {"-"}:
            continue
        found.append((cells[0], cells[2], cells[3].strip("`")))
    return found


def fidelity_tests() -> dict[str, str]:
    """``file::function`` -> docstring of every test in tests/simulator/test_fidelity_*.py."""
    out = {}
    for path in sorted(HERE.glob("test_fidelity_*.py")):
        if path.name == Path(__file__).name:
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                out[f"{path.name}::{node.name}"] = ast.get_docstring(node) or ""
    return out


def test_the_table_has_rows():
    assert len(rows()) >= 5


@pytest.mark.parametrize("behaviour, verdict, test", rows(), ids=[r[0] for r in rows()])
def test_each_row_names_an_existing_fidelity_test_and_a_verdict(behaviour, verdict, test):
    assert re.match(r"\w+", verdict).group() in VERDICTS, f"{behaviour}: the simulator column starts with one of {VERDICTS}"
    assert test in fidelity_tests(), f"{behaviour}: no test {test} in tests/simulator/test_fidelity_*.py"


def test_every_fidelity_test_has_a_row():
    named = {test for _, _, test in rows()}
    assert sorted(set(fidelity_tests()) - named) == []


def test_every_fidelity_test_cites_its_source():
    assert [name for name, doc in fidelity_tests().items() if not SOURCE.search(doc)] == []
