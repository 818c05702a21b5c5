"""Scenario files for checks: the simulator's scenario plus its ``expect:`` list, parsed.

The simulator reads a scenario's sends and keeps ``expect:`` as written; this module turns
that list into :class:`~ses_metrics.ci.expectations.Expectation` objects, reporting the
problems of the sends and of the expectations together.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from ses_metrics.ci.expectations import Expectation, parse_expectations
from ses_metrics.simulator.scenario import Scenario, ScenarioError, parse_scenario, read_document, send_names
from ses_metrics.simulator.scenario_stream import LazySends, is_large, open_scenario


@dataclass(frozen=True)
class CheckedScenario:
    """A scenario and what its sends must lead to."""

    scenario: Scenario
    expect: list[Expectation]

    @property
    def source(self) -> str:
        return self.scenario.source


def load_checked_scenario(path: str | os.PathLike[str]) -> CheckedScenario:
    """A scenario file with its expectations; raises ``ScenarioError`` listing every problem."""
    return parse_checked_scenario(read_document(path), str(path))


def open_checked_scenario(path: str | os.PathLike[str]) -> CheckedScenario:
    """``load_checked_scenario``, but a JSON file over the document size limit is read send
    by send (``simulator.scenario_stream``); raises ``ScenarioError`` listing every problem."""
    if not is_large(path):
        return load_checked_scenario(path)
    scenario = open_scenario(path)
    assert isinstance(scenario.sends, LazySends)
    expect, problems = parse_expectations(scenario.expect, scenario.sends.names)
    if problems:
        raise ScenarioError(str(path), problems)
    return CheckedScenario(scenario, expect)


def parse_checked_scenario(data: Any, source: str = "<scenario>") -> CheckedScenario:
    """A scenario with its expectations, from an already-parsed document."""
    try:
        scenario, problems = parse_scenario(data, source), []
    except ScenarioError as error:
        scenario, problems = None, list(error.problems)
    raw = data.get("expect") if isinstance(data, dict) else None
    items = raw if isinstance(raw, list) else []
    # the sends' names are read only for expectations to refer to (a send each otherwise)
    expect, expect_problems = parse_expectations(items, send_names(data) if items else [])
    problems += expect_problems
    if problems or scenario is None:
        raise ScenarioError(source, problems)
    return CheckedScenario(scenario, expect)
