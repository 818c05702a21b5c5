"""CloudFormation allows 500 resources per stack: a configuration that would exceed it
fails at synth (construction) with the count and the fix, not at deploy time."""

from __future__ import annotations

import aws_cdk as cdk
import pytest
import yaml

from ses_metrics.config import ConfigError
from stacks.app_builder import build_app
from stacks.platform_stack import MAX_RESOURCES


def many_sets(count: int) -> dict:
    """``count`` configuration sets, each with a CloudWatch and an EventBridge destination
    (3 resources per set, no shared resources)."""
    dims = [{"name": "campaign", "source": "message_tag", "default": "none"}]
    return {
        "stack_name": "Big",
        "configuration_sets": [
            {
                "name": f"set-{i:03d}",
                "destinations": [
                    {"name": f"set-{i:03d}-metrics", "events": ["send", "delivery"], "cloudwatch": {"dimensions": dims}},
                    {"name": f"set-{i:03d}-bus", "events": ["bounce"], "eventbridge": {}},
                ],
            }
            for i in range(count)
        ],
    }


@pytest.fixture(scope="module")
def too_big(tmp_path_factory) -> ConfigError:
    """The error for 167 sets (501 resources): built once, CDK validation, cdk-nag and lint off."""
    path = tmp_path_factory.mktemp("limits") / "big.yaml"
    path.write_text(yaml.safe_dump(many_sets(167)))
    with pytest.raises(ConfigError) as raised:
        build_app(cdk.App(builtin_cloud_formation_validation=False), config_path=str(path), nag=False, lint=False)
    return raised.value


def test_a_stack_over_500_resources_fails_with_the_count_and_the_fix(too_big):
    assert MAX_RESOURCES == 500
    [problem] = too_big.problems
    assert problem.path == ("configuration_sets",)
    assert "stack Big would have 501 CloudFormation resources" in problem.message
    assert "limit of 500 per stack" in problem.message
    assert "167 configuration sets: 501 resources for the sets and their event destinations" in problem.message
    assert "Split the configuration sets across several configuration files, each with its own stack_name" in problem.message
    assert "cdk synth -c config=FILE" in str(too_big)

