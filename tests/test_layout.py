"""The source layout must not shadow the libraries aws-cdk-lib imports."""

import subprocess
import sys

from conftest import ROOT


def test_constructs_is_a_source_root_not_a_package():
    # A constructs/__init__.py would shadow the `constructs` library: "No module named 'constructs._jsii'".
    assert not (ROOT / "constructs" / "__init__.py").exists()


def test_no_module_shadows_aws_cdk_or_cdk_nag():
    shadowing = [p for name in ("aws_cdk", "cdk_nag", "constructs") for p in (ROOT / "constructs").glob(f"**/{name}*")]
    assert shadowing == []


def test_the_package_the_cli_the_simulator_lint_the_pytest_plugin_and_the_replay_do_not_import_aws_cdk():
    # The pytest plugin loads in every pytest session of an environment that installs ses-metrics.
    replay = ", ".join(f"ses_metrics.replay.{m.stem}" for m in (ROOT / "constructs" / "ses_metrics" / "replay").glob("[a-z]*.py"))
    code = (
        "import sys, ses_metrics, ses_metrics.rules, ses_metrics.platform.config, ses_metrics.cli, ses_metrics.simulator, "
        "ses_metrics.simulator.report, ses_metrics.ci.expectations, ses_metrics.ci.lint, ses_metrics.ci.junit, ses_metrics.ci.pytest_plugin, "
        f"ses_metrics.replay, {replay}; print('aws_cdk' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
