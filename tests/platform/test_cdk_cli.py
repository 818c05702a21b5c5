"""The pinned CDK CLI synthesizes the app with `-c config=...` (cdk.json context)."""

import json
import os
import subprocess

import pytest
from conftest import FIXTURES, ROOT

CDK = ROOT / "node_modules" / ".bin" / "cdk"


def cdk_synth(config, outdir, *flags: str) -> subprocess.CompletedProcess:
    """``cdk synth --quiet -c config=CONFIG -o OUTDIR`` with the pinned CLI and the venv first on PATH."""
    assert CDK.exists(), "node_modules is missing: run `make test`, which runs npm ci"
    env = dict(os.environ, PATH=f"{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}", CDK_DISABLE_CLI_TELEMETRY="true")
    return subprocess.run(
        [str(CDK), "synth", "--quiet", "--no-notices", *flags, "-c", f"config={config}", "-o", str(outdir)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.cli
def test_cdk_synth_with_the_config_named_in_context(tmp_path):
    result = cdk_synth(FIXTURES / "minimal.yaml", tmp_path, "--no-validation")
    assert result.returncode == 0, result.stderr
    template = json.loads((tmp_path / "SesMetricsMinimal.template.json").read_text())
    names = [r["Properties"]["Name"] for r in template["Resources"].values() if r["Type"] == "AWS::SES::ConfigurationSet"]
    assert names == ["minimal"]


@pytest.mark.cli
def test_cdk_synth_reports_config_errors_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("configuration_sets:\n  - name: bad name\n")
    result = cdk_synth(bad, tmp_path / "out")
    assert result.returncode != 0
    assert "configuration_sets[0].name (line 2): configuration set name 'bad name' contains ' '" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.cli
def test_cdk_synth_writes_every_stack_of_a_split_config(tmp_path):
    result = cdk_synth(FIXTURES / "split.yaml", tmp_path, "--no-validation")
    assert result.returncode == 0, result.stderr
    stacks = {p.name for p in tmp_path.glob("*.template.json")}
    assert stacks == {"SesMetricsSplit.template.json", "SesMetricsSplit-bulk.template.json"}
