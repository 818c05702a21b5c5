"""Shared test helpers. CDK's built-in CloudFormation validation is off in unit tests
(2.7 s per synth); cfn-lint runs on the platform template in its own test."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# boto3 calls in tests never look for credentials on an instance metadata endpoint
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
# Every event record the simulator hands Redshift and OpenSearch as a value, instead of its
# bytes decoded, is checked against those bytes (ses_metrics/simulator/sinks/decoded.py)
os.environ.setdefault("SES_METRICS_VERIFY_RECORDS", "1")

import aws_cdk as cdk
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLE_CONFIG = ROOT / "ses-metrics.yaml"


def new_stack(stack_id: str = "Test") -> cdk.Stack:
    """A stack in a fresh app with built-in validation off."""
    return cdk.Stack(cdk.App(builtin_cloud_formation_validation=False), stack_id)


def cfn_lint(template: dict, regions: tuple[str, ...] = ("us-east-1", "eu-west-1")) -> list[str]:
    """cfn-lint's findings on ``template``, one line each (``[]``: clean)."""
    from cfnlint.api import lint

    return [f"{m.rule.id} {m.path_string}: {m.message}" for m in lint(json.dumps(template), regions=list(regions))]


@pytest.fixture
def stack() -> cdk.Stack:
    return new_stack()


def marketing_set(stack: cdk.Stack, *, per_template: bool = False, **options: object):
    """The configuration set "marketing" with the CloudWatch destination "metrics"
    (campaign, ses:from-domain; send, delivery, bounce, complaint) and, with
    ``per_template``, "per-template" (template, ses:configuration-set; send, open)."""
    from ses_metrics import AutoTag, Dimension, SendingConfigurationSet

    cs = SendingConfigurationSet(stack, "Marketing", configuration_set_name="marketing", **options)
    cs.add_cloudwatch_destination(
        "metrics",
        dimensions=[Dimension.message_tag("campaign", default="none"), Dimension.message_tag(AutoTag.FROM_DOMAIN, default="none")],
        events=["send", "delivery", "bounce", "complaint"],
    )
    if per_template:
        cs.add_cloudwatch_destination(
            "per-template",
            dimensions=[Dimension.message_tag("template", default="none"), Dimension.message_tag(AutoTag.CONFIGURATION_SET, default="none")],
            events=["send", "open"],
        )
    return cs


@pytest.fixture(scope="session")
def alarmed_template() -> dict:
    """A synthesized template: the marketing set (reputation metrics on) with ReputationAlarms
    (set-level and per-campaign alarms for campaigns spring and autumn from example.com) and
    account-level ReputationAlarms."""
    from aws_cdk.assertions import Template

    from ses_metrics import ReputationAlarms

    stack = new_stack()
    cs = marketing_set(stack, reputation_metrics=True)
    campaigns = [{"campaign": c, "ses:from-domain": "example.com"} for c in ("spring", "autumn")]
    ReputationAlarms(stack, "Alarms", configuration_set=cs, dimension_alarms=campaigns)
    ReputationAlarms(stack, "Account")
    return Template.from_stack(stack).to_json()


@pytest.fixture(scope="session")
def example_cdk_out(tmp_path_factory) -> Path:
    """The example platform app synthesized once per session into a cdk.out directory, as
    `cdk synth` writes it (ses-metrics lint inside; CDK validation and cdk-nag off: cdk-nag
    has its own test in test_platform_app.py). Tests read it and never write into it."""
    from ses_metrics.platform.app import build_app

    outdir = tmp_path_factory.mktemp("example") / "cdk.out"
    build_app(cdk.App(builtin_cloud_formation_validation=False, outdir=str(outdir)), config_path=str(EXAMPLE_CONFIG), nag=False).synth()
    return outdir


@pytest.fixture(scope="session")
def example_template(example_cdk_out) -> dict:
    """The template ``cdk synth`` writes for stack SesMetrics of the example app (read from
    the session's one synthesis)."""
    return json.loads((example_cdk_out / "SesMetrics.template.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_result(example_template):
    """``examples/scenario.yaml`` simulated once per session over the example template
    (a ``SimulationResult``; its ``simulator`` holds every sink). Tests only read it."""
    from ses_metrics.simulator import Simulator, load_scenario

    return Simulator(example_template).run(load_scenario(ROOT / "examples" / "scenario.yaml"))
