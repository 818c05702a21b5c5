"""Shared test helpers. CDK's built-in CloudFormation validation is off in unit tests
(2.7 s per synth); cfn-lint runs on the platform template in its own test."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

import aws_cdk as cdk  # noqa: E402
import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE_CONFIG = ROOT / "ses-metrics.yaml"


def new_stack(stack_id: str = "Test") -> cdk.Stack:
    """A stack in a fresh app with built-in validation off."""
    return cdk.Stack(cdk.App(builtin_cloud_formation_validation=False), stack_id)


@pytest.fixture
def stack() -> cdk.Stack:
    return new_stack()
