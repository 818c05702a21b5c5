"""Property tests over the configuration loader (hypothesis; strategies in configgen.py).

- Generated valid documents load, and a few of them synthesize (one app, CDK validation
  off, cdk-nag and ses-metrics lint on) into templates cfn-lint passes and the simulator
  routes a send through.
- Generated invalid documents, one rule broken or several at once, raise ``ConfigError``
  naming every broken rule's YAML path, and never any other exception.
"""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from configgen import BREAKAGES, valid_config
from conftest import cfn_lint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ses_metrics.platform.config import ConfigError, check_config_data, check_config_text

PROPERTY = settings(derandomize=True, deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(valid_config())
def test_generated_valid_configurations_load(document):
    checked = check_config_text(yaml.safe_dump(document, sort_keys=False))
    assert checked.errors == []
    config = checked.config
    assert config is not None
    assert [cs.name for cs in config.configuration_sets] == [cs["name"] for cs in document["configuration_sets"]]
    assert sum(len(cs.destinations) for cs in config.configuration_sets) == sum(len(cs["destinations"]) for cs in document["configuration_sets"])
    # JSON is YAML: the same document as JSON loads to the same model
    assert check_config_text(json.dumps(document)).config == config


@pytest.fixture(scope="module")
def synthesized():
    """Three generated configurations synthesized with cdk-nag and lint (hardening_synth)."""
    from hardening_synth import synthesized

    return synthesized().generated


def test_generated_configurations_synthesize_clean_and_simulate(synthesized):
    from ses_metrics.simulator import Simulator

    assert len(synthesized) == 3
    for document, template in synthesized:
        simulator = Simulator(template)
        for configuration_set in document["configuration_sets"]:
            result = simulator.send_email(
                FromEmailAddress="news@example.com",
                Destination={"ToAddresses": ["bounce@simulator.amazonses.com"]},
                ConfigurationSetName=configuration_set["name"],
                Content={"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Html": {"Data": '<a href="https://example.com">x</a>'}}}},
            )
            assert [e.event.type.record for e in result.events] == ["Send", "Bounce"]
            for outcome in result.events:
                handled = [d.destination for d in outcome.deliveries] + [d.destination for d in (*outcome.filtered, *outcome.drops)]
                assert sorted(handled) == sorted(d["name"] for d in configuration_set["destinations"])
                # a generated configuration never builds a destination SES cannot publish to
                assert outcome.drops == (), outcome.drops
        simulator.flush()


def test_generated_templates_pass_cfn_lint(synthesized):
    document, template = synthesized[-1]  # the largest (cfn-lint takes a second per template)
    assert cfn_lint(template, regions=("us-east-1",)) == [], document


# -- invalid documents -----------------------------------------------------------------


def _error_text(document: dict) -> tuple[str, list[str]]:
    text = yaml.safe_dump(document, sort_keys=False)
    try:
        load_config_text(text)
    except ConfigError as error:
        return str(error), [p.location for p in error.problems]
    raise AssertionError(f"no ConfigError for\n{text}")


def load_config_text(text: str):
    checked = check_config_text(text)
    if checked.config is None:
        raise ConfigError(checked.errors, checked.source, checked.lines)
    return checked.config


@PROPERTY
@given(valid_config(), st.sampled_from(BREAKAGES))
def test_each_rule_broken_once_names_its_path(document, breakage):
    broken = copy.deepcopy(document)
    path = breakage.apply(broken)
    message, locations = _error_text(broken)
    assert path in locations, f"{breakage.rule}: {path} not in {locations}"
    mine = [line for line in message.splitlines() if path in line]
    assert any(breakage.match in line for line in mine), f"{breakage.rule}: {mine}"


# left out: rules whose breakage another one undoes (a duplicate renamed, a list grown past 10)
_COMBINABLE = [b for b in BREAKAGES if b.rule not in ("configuration set name length", "no event types", "more than 10 destinations", "duplicate destination name")]


@PROPERTY
@given(valid_config(), st.lists(st.sampled_from(_COMBINABLE), min_size=2, max_size=5, unique_by=lambda b: b.rule))
def test_several_rules_broken_at_once_are_all_reported(document, breakages):
    # at most one breakage per YAML path: two on the same value would overwrite each other
    seen, chosen = set(), []
    for breakage in breakages:
        trial = copy.deepcopy(document)
        path = breakage.apply(trial)
        if path not in seen:
            seen.add(path)
            chosen.append(breakage)
    broken = copy.deepcopy(document)
    paths = [b.apply(broken) for b in chosen]
    _, locations = _error_text(broken)
    for path in paths:
        assert path in locations, f"{path} not in {locations}"


_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@PROPERTY
@given(st.one_of(_JUNK, st.fixed_dictionaries({"configuration_sets": _JUNK}), st.fixed_dictionaries({"configuration_sets": st.lists(st.dictionaries(st.sampled_from(["name", "destinations", "monitoring", "tracking", "x"]), _JUNK), max_size=3)})))
def test_any_document_gives_problems_never_an_exception(document):
    checked = check_config_data(document)
    if checked.config is None:
        assert checked.errors, "rejected without a reason"
        assert all(p.message for p in checked.errors)


@settings(derandomize=True, deadline=None, max_examples=60)
@given(st.text(max_size=200))
def test_any_text_gives_problems_never_an_exception(text):
    checked = check_config_text(text)
    assert checked.config is not None or checked.errors
