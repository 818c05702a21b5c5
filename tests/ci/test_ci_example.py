"""This repository's own CI for the example app: the commands of examples/github-workflow.yml
(`ses-metrics lint` and `ses-metrics check` on the bundled scenarios) run against the example
app synthesized once, and a pull request that drops a dimension fails them."""

import re
import shlex
import xml.etree.ElementTree as ET

import aws_cdk as cdk
import pytest
import yaml
from conftest import EXAMPLE_CONFIG, ROOT

from ses_metrics.cli import main
from ses_metrics.platform.app import build_app

WORKFLOW = ROOT / "examples" / "github-workflow.yml"


def synth(outdir, config=EXAMPLE_CONFIG):
    """The platform app as `cdk synth` builds it (ses-metrics lint inside; cdk-nag has its own test)."""
    build_app(cdk.App(builtin_cloud_formation_validation=False, outdir=str(outdir)), config_path=str(config), nag=False).synth()
    return outdir


@pytest.fixture(scope="module")
def cdk_out(example_cdk_out):
    return example_cdk_out  # synthesized once per session (conftest.py), as synth() does


def workflow_commands():
    """The `ses-metrics ...` commands the workflow runs, as argument lists."""
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["ses-metrics"]["steps"]
    return [shlex.split(step["run"])[1:] for step in steps if step.get("run", "").startswith("ses-metrics ")]


def run(argv, cdk_out, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # the workflow runs from the repository root
    return main([str(cdk_out) if a == "cdk.out" else str(tmp_path / a) if a.startswith("reports/") else a for a in argv])


def test_the_workflow_synthesizes_then_lints_and_checks_with_a_junit_report():
    steps = yaml.safe_load(WORKFLOW.read_text())["jobs"]["ses-metrics"]["steps"]
    runs = [step.get("run", "") for step in steps]
    assert "npx cdk synth --quiet" in runs
    assert [argv[0] for argv in workflow_commands()] == ["lint", "check"]
    assert any(step.get("uses", "").startswith("mikepenz/action-junit-report") for step in steps)


def test_ses_metrics_lint_finds_nothing_in_the_example_app(cdk_out, tmp_path, monkeypatch, capsys):
    [lint] = [argv for argv in workflow_commands() if argv[0] == "lint"]
    assert run(lint, cdk_out, tmp_path, monkeypatch) == 0
    assert "2 configuration set(s), 10 event destination(s): 0 error(s), 0 warning(s)" in capsys.readouterr().out


def test_every_expectation_of_the_bundled_scenarios_holds(cdk_out, tmp_path, monkeypatch, capsys):
    [check] = [argv for argv in workflow_commands() if argv[0] == "check"]
    assert sorted(a for a in check if a.startswith("examples/")) == sorted(f"examples/{p.name}" for p in (ROOT / "examples").glob("*.yaml"))
    code = run(check, cdk_out, tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert code == 0, out
    root = ET.parse(tmp_path / "reports" / "ses-metrics.xml").getroot()
    assert (root.get("failures"), root.get("errors")) == ("0", "0") and int(root.get("tests")) >= 15


def test_a_pull_request_that_renames_a_dimensions_tag_fails_check(tmp_path, monkeypatch, capsys):
    config = tmp_path / "ses-metrics.yaml"
    config.write_text(re.sub(r"\bcampaign\b(?=[,:}])", "campaign_id", EXAMPLE_CONFIG.read_text()))
    assert "{name: campaign_id, source: message_tag" in config.read_text()
    code = run(["check", "cdk.out", "examples/scenario.yaml"], synth(tmp_path / "cdk.out", config), tmp_path, monkeypatch)
    out = capsys.readouterr().out
    assert code == 1
    assert "the Bounce of send 'spring-campaign' reached marketing-metrics, but without a dimension campaign" in out
    assert "no CloudWatch destination publishes exactly the dimensions campaign, ses:from-domain" in out
