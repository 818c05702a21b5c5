"""CloudFormation allows 500 resources per stack: a configuration that would exceed it in
any stack fails when it is loaded (the sets and destinations alone, counted from the file,
as ``validate`` does) or at synth (every resource counted), with each stack's count and the
fix (``stack:``), not at deploy time; the same sets spread over group stacks synthesize."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
import yaml

from ses_metrics.platform.app import build_app
from ses_metrics.platform.config import ConfigError, PlatformConfig
from ses_metrics.platform.config.resources import resource_limit_problems
from ses_metrics.platform.stack import MAX_RESOURCES

SETS = 167  # 3 resources each: 501


def many_sets(count: int, groups: dict[int, str] | None = None) -> dict:
    """``count`` configuration sets, each with a CloudWatch and an EventBridge destination
    (3 resources per set, no shared resources); ``groups`` gives set i a ``stack:``."""
    dims = [{"name": "campaign", "source": "message_tag", "default": "none"}]
    groups = groups or {}
    return {
        "stack_name": "Big",
        "configuration_sets": [
            {
                "name": f"set-{i:03d}",
                **({"stack": groups[i]} if i in groups else {}),
                "destinations": [
                    {"name": f"set-{i:03d}-metrics", "events": ["send", "delivery"], "cloudwatch": {"dimensions": dims}},
                    {"name": f"set-{i:03d}-bus", "events": ["bounce"], "eventbridge": {}},
                ],
            }
            for i in range(count)
        ],
    }


def build(tmp_path_factory, document: dict) -> cdk.App:
    """The app for ``document``: CDK validation, cdk-nag and lint off."""
    path = tmp_path_factory.mktemp("limits") / "big.yaml"
    path.write_text(yaml.safe_dump(document))
    return build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(path), nag=False, lint=False)


@pytest.fixture(scope="module")
def too_big(tmp_path_factory) -> ConfigError:
    """The error for 167 sets (501 resources) in the main stack."""
    with pytest.raises(ConfigError) as raised:
        build(tmp_path_factory, many_sets(SETS))
    return raised.value


@pytest.fixture(scope="module")
def spread(tmp_path_factory) -> cdk.cx_api.CloudAssembly:
    """The same 167 sets: 67 in the main stack, 50 each in groups a and b."""
    groups = {i: "a" if i < 117 else "b" for i in range(67, SETS)}
    return build(tmp_path_factory, many_sets(SETS, groups)).synth()


def test_a_stack_over_500_resources_fails_with_the_count(too_big):
    assert MAX_RESOURCES == 500
    [problem] = too_big.problems
    assert problem.path == ("configuration_sets",)
    assert "stack Big would have at least 501 CloudFormation resources" in problem.message
    assert "limit of 500 per stack" in problem.message
    assert "167 configuration sets: 501 resources for the sets and their event destinations alone" in problem.message
    assert "resources per stack at least: Big 501" in problem.message


def test_synth_counts_every_resource_of_each_stack_against_the_limit():
    config = PlatformConfig.model_validate(many_sets(SETS))  # valid in itself; only the count is over
    [problem] = resource_limit_problems(config, {None: 540}, stack_names={None: "Big"})
    assert "stack Big would have 540 CloudFormation resources, over CloudFormation's limit of 500 per stack" in problem.message
    assert "167 configuration sets: 501 resources for the sets and their event destinations, 39 for streams, topics and monitoring" in problem.message
    assert problem.message.endswith(", or turn monitoring off for some sets")
    assert resource_limit_problems(config, {None: 500}) == []


def test_the_error_names_the_stack_key_as_the_fix(too_big):
    assert "Give some configuration sets a `stack:` (configuration_sets[i].stack: NAME" in str(too_big)
    assert "in their own stack Big-NAME" in str(too_big)


def test_the_same_sets_spread_with_stack_keys_synthesize_every_stack_under_500(spread):
    counts = {s.stack_name: len(s.template["Resources"]) for s in spread.stacks}
    assert counts == {"Big": 201, "Big-a": 150, "Big-b": 150}


def test_a_group_stack_over_500_resources_fails_naming_it_and_every_stack(tmp_path_factory):
    with pytest.raises(ConfigError, match=r"stack Big-a would have at least 501 CloudFormation resources, .*resources per stack at least: Big 0, Big-a 501\)") as raised:
        build(tmp_path_factory, many_sets(SETS, dict.fromkeys(range(SETS), "a")))
    assert "Give some of the sets with `stack: a` (configuration_sets[i].stack) another stack name" in str(raised.value)
