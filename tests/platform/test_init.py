"""``ses-metrics init``: what it writes, what it refuses. The end-to-end proof (a wheel in
a fresh virtual environment, cdk synth and the project's own tests) is test_init_e2e.py."""

import json

import pytest
from conftest import ROOT

from ses_metrics import __version__
from ses_metrics.cli import main
from ses_metrics.platform.config import check_config
from ses_metrics.platform.init import CDK_CLI_VERSION, InitError, scaffold

FILES = {
    ".github/workflows/ses-metrics.yml", ".gitignore", "README.md", "app.py", "cdk.json", "package.json", "pytest.ini",
    "requirements-dev.txt", "requirements.txt", "ses-metrics.schema.json", "ses-metrics.yaml",
    "tests/scenarios/smoke.yaml", "tests/test_platform.py",
}  # fmt: skip


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    directory = tmp_path_factory.mktemp("init") / "mail-platform"
    scaffold(directory)
    return directory


def test_writes_the_project_files(project):
    assert {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()} == FILES


def test_requirements_pin_this_version(project):
    assert f"ses-metrics=={__version__}" in (project / "requirements.txt").read_text().splitlines()


def test_package_json_pins_the_cdk_cli_this_repository_tests_with(project):
    pinned = json.loads((project / "package.json").read_text())["devDependencies"]["aws-cdk"]
    repository = json.loads((ROOT / "package.json").read_text())["devDependencies"]["aws-cdk"]
    assert pinned == CDK_CLI_VERSION == repository


def test_cdk_json_runs_the_app_on_the_starter_config(project):
    cdk = json.loads((project / "cdk.json").read_text())
    assert (cdk["app"], cdk["context"]["config"], cdk["context"]["cli-telemetry"], cdk["notices"]) == ("python3 app.py", "ses-metrics.yaml", False, False)


def test_starter_config_is_valid_with_a_set_a_cloudwatch_destination_and_an_archive(project):
    checked = check_config(project / "ses-metrics.yaml")
    assert checked.problems == []
    (cs,) = checked.config.configuration_sets
    assert [d.kind.config for d in cs.destinations] == ["cloudwatch", "firehose"]
    assert checked.config.streams[0].archive.prefix == "ses/"


def test_schema_is_the_loaders(project):
    from ses_metrics.platform.config import json_schema

    assert json.loads((project / "ses-metrics.schema.json").read_text()) == json_schema()


def test_readme_gives_the_two_commands(project):
    readme = (project / "README.md").read_text()
    assert "npx cdk synth" in readme and "\npytest" in readme


def test_refuses_a_directory_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(InitError, match=r"is not empty: .*pass --force"):
        scaffold(tmp_path)


def test_force_writes_into_it_and_keeps_other_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    scaffold(tmp_path, force=True)
    assert (tmp_path / "notes.txt").read_text() == "mine" and (tmp_path / "app.py").exists()


def test_refuses_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(InitError, match=r"is not a directory"):
        scaffold(tmp_path / "f")


def test_command_exit_codes(tmp_path, capsys):
    assert main(["init", str(tmp_path / "new")]) == 0
    assert "npx cdk synth" in capsys.readouterr().out
    assert main(["init", str(tmp_path / "new")]) == 2
    assert "--force" in capsys.readouterr().err
    assert main(["init", "--force", str(tmp_path / "new")]) == 0
