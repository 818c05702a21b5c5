"""End to end, as a platform team adopts ses-metrics: build the wheel, install it (not
editable) into a fresh virtual environment, ``ses-metrics init``, ``cdk synth`` with the
pinned CDK CLI, then the scaffold's own tests, nothing edited in between.

Offline but for PyPI: the wheel is built here, its dependencies come from pip's cache or
PyPI. The heavy part, a virtual environment with the wheel's dependencies (about 90 s and
600 MB), is kept in ``.cache/e2e-venv`` and reused while the wheel's requirements and the
Python version are the same; the wheel itself is built and reinstalled on every run. The
CDK CLI is the repository's ``node_modules`` (``npm ci``), checked to be the version the
scaffold's ``package.json`` pins, linked into the project: npm is not asked for it again.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.e2e

CACHE = ROOT / ".cache" / "e2e-venv"


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, argv))} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


def _requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(metadata).decode().splitlines()
    return sorted(line for line in lines if line.startswith("Requires-Dist:") and "extra ==" not in line)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)], ROOT)
    (built,) = dist.glob("ses_metrics-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel) -> Path:
    """A virtual environment with the wheel installed: its dependencies reused from the
    last run when unchanged, the wheel itself always reinstalled."""
    key = hashlib.sha256(json.dumps([sys.version, _requirements(wheel), "pytest>=8.4,<10"]).encode()).hexdigest()
    python = CACHE / "bin" / "python"
    fresh = not python.exists() or not (CACHE / "key").exists() or (CACHE / "key").read_text() != key
    if fresh:
        shutil.rmtree(CACHE, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(CACHE)], ROOT)
        _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel), "pytest>=8.4,<10"], ROOT, timeout=900)
        (CACHE / "key").write_text(key)
    else:
        _run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps", "--force-reinstall", str(wheel)], ROOT)
    return CACHE


@pytest.fixture(scope="module")
def project(venv, tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("adopter") / "mail-platform"
    _run([str(venv / "bin" / "ses-metrics"), "init", str(directory)], directory.parent, env=_env(venv))
    return directory


def _env(venv: Path) -> dict[str, str]:
    """The adopter's shell: the new environment first on PATH, nothing of this repository's."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS")}
    env.update(
        PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        VIRTUAL_ENV=str(venv),
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION="20",
        CDK_DISABLE_CLI_TELEMETRY="true",
    )
    return env


def test_the_package_is_installed_from_the_wheel_not_this_checkout(venv, project):
    probe = "import ses_metrics, pathlib; print(pathlib.Path(ses_metrics.__file__).resolve())"
    location = _run([str(venv / "bin" / "python"), "-c", probe], project, env=_env(venv)).stdout.strip()
    assert str(venv) in location and str(ROOT / "constructs") not in location


def test_cdk_synth_with_the_pinned_cli_passes(venv, project):
    pinned = json.loads((project / "package.json").read_text())["devDependencies"]["aws-cdk"]
    installed = json.loads((ROOT / "node_modules" / "aws-cdk" / "package.json").read_text())["version"]
    assert installed == pinned
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    _run(["npx", "--no-install", "cdk", "synth", "--quiet"], project, env=_env(venv))
    template = json.loads((project / "cdk.out" / "SesPlatform.template.json").read_text())
    kinds = {r["Type"] for r in template["Resources"].values()}
    assert {"AWS::SES::ConfigurationSet", "AWS::SES::ConfigurationSetEventDestination", "AWS::KinesisFirehose::DeliveryStream"} <= kinds


def test_the_scaffolds_tests_pass(venv, project):
    result = _run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], project, env=_env(venv))
    assert "5 passed" in result.stdout
