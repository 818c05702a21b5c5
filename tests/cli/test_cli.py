"""The ses-metrics command: exit codes 0 ok, 1 problems, 2 usage; never a traceback."""

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import EXAMPLE_CONFIG, FIXTURES, ROOT

from ses_metrics.cli import main

INVALID = """\
configuration_sets:
  - name: marketing
    destinations:
      - name: metrics
        cloudwatch:
          dimensions:
            - {name: campaign, source: message_tag, default: ops@example.com}
      - name: metrics
        eventbridge: {event_bus: orders}
"""


@pytest.fixture
def invalid(tmp_path):
    path = tmp_path / "invalid.yaml"
    path.write_text(INVALID)
    return path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_ok(capsys):
    code, out, _ = run(capsys, "validate", str(EXAMPLE_CONFIG))
    assert code == 0
    assert "2 configuration set(s), 10 event destination(s), 3 stream(s), 1 topic(s)" in out


def test_validate_lists_every_problem_by_path_and_exits_1(capsys, invalid):
    code, out, _ = run(capsys, "validate", str(invalid))
    assert code == 1
    assert "configuration_sets[0].destinations[0].cloudwatch.dimensions[0].default (line 7)" in out
    assert "configuration_sets[0].destinations[1].name (line 8)" in out
    assert "configuration_sets[0].destinations[1].eventbridge.event_bus (line 9)" in out
    assert "3 errors" in out


def test_validate_json(capsys, invalid):
    code, out, _ = run(capsys, "validate", "--json", str(invalid))
    result = json.loads(out)
    assert code == 1
    assert result["valid"] is False
    assert [(p["path"], p["line"]) for p in result["problems"]] == [
        ("configuration_sets[0].destinations[0].cloudwatch.dimensions[0].default", 7),
        ("configuration_sets[0].destinations[1].name", 8),
        ("configuration_sets[0].destinations[1].eventbridge.event_bus", 9),
    ]


def test_validate_missing_file_is_a_problem_not_a_traceback(capsys, tmp_path):
    code, out, err = run(capsys, "validate", str(tmp_path / "missing.yaml"))
    assert code == 1
    assert "file not found" in out
    assert "Traceback" not in out + err


def test_schema_prints_the_json_schema(capsys):
    code, out, _ = run(capsys, "schema")
    assert code == 0
    assert json.loads(out)["properties"]["configuration_sets"]["minItems"] == 1


def test_schema_writes_a_file(capsys, tmp_path):
    target = tmp_path / "schema.json"
    code, _, _ = run(capsys, "schema", "-o", str(target))
    assert code == 0
    assert json.loads(target.read_text())["title"] == "PlatformConfig"


def test_explain_prints_sets_destinations_events_and_dimensions(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one line per cell, whatever the terminal
    code, out, _ = run(capsys, "explain", str(EXAMPLE_CONFIG))
    assert code == 0
    for expected in ("marketing-metrics", "campaign ← message_tag (none)", "SNS deliverability-alerts", "EventBridge default bus"):
        assert expected in out


def test_explain_shows_each_sets_monitoring_and_the_account_alarms(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run(capsys, "explain", str(EXAMPLE_CONFIG))
    assert code == 0
    for expected in (
        "alarms: bounce ≥ 2.5%, complaint ≥ 0.05% → ops@example.com",
        "alarms: bounce ≥ 2.5%, complaint ≥ 0.05% → SNS deliverability-alerts",
        "per campaign=spring-sale, ses:from-domain=example.com",
        "dashboard SesMetrics-marketing",
        "account alarms: bounce ≥ 2.5%, complaint ≥ 0.05% → ops@example.com",
    ):
        assert expected in out


def test_explain_shows_each_stream_kind_and_target(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run(capsys, "explain", str(EXAMPLE_CONFIG))
    assert code == 0
    assert "Firehose events-archive → S3 ses/ (GZIP, partitioned by event_type, configuration_set)" in out
    assert "Firehose events-warehouse → Redshift table ses (9 columns) at jdbc:redshift://analytics." in out
    assert "Firehose events-search → OpenSearch index ses-events (OneDay) on arn:aws:es:eu-west-1:111122223333:domain/ses-events" in out


def test_explain_shows_the_stack_of_each_set_when_there_are_several(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run(capsys, "explain", str(FIXTURES / "split.yaml"))
    assert code == 0
    assert "ses-metrics: stacks SesMetricsSplit, SesMetricsSplit-bulk" in out
    assert re.search(r"transactional .*\n.*stack SesMetricsSplit ", out)
    assert re.search(r"bulk .*\n.*stack SesMetricsSplit-bulk ", out)


def test_explain_names_no_stack_per_set_when_there_is_one(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    code, out, _ = run(capsys, "explain", str(EXAMPLE_CONFIG))
    assert code == 0
    assert "ses-metrics: stack SesMetrics" in out
    assert "stack SesMetrics " not in out.split("\n", 2)[2]


def test_explain_of_an_invalid_file_lists_problems(capsys, invalid):
    code, out, _ = run(capsys, "explain", str(invalid))
    assert code == 1
    assert "event destination name 'metrics' is already used" in out


def test_explain_summarizes_a_cdk_out_directory(capsys, tmp_path):
    (tmp_path / "S.template.json").write_text(json.dumps({"Resources": {"A": {"Type": "AWS::SES::ConfigurationSet"}}}))
    code, out, _ = run(capsys, "explain", str(EXAMPLE_CONFIG), "--cdk-out", str(tmp_path))
    assert code == 0
    assert "1 resources (1 SES::ConfigurationSet)" in out


def test_explain_with_an_empty_cdk_out_is_a_usage_error(capsys, tmp_path):
    code, out, err = run(capsys, "explain", str(EXAMPLE_CONFIG), "--cdk-out", str(tmp_path))
    assert (code, out) == (2, "")
    assert "run `make synth` first" in err


@pytest.mark.parametrize("argv", [[], ["frobnicate"], ["validate"], ["explain", "a", "b"]])
def test_usage_errors_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    assert "usage: ses-metrics" in capsys.readouterr().err


@pytest.mark.cli
def test_console_script_is_installed_and_runs():
    script = shutil.which("ses-metrics", path=str(ROOT / ".venv" / "bin")) or shutil.which("ses-metrics")
    assert script is not None
    result = subprocess.run([script, "validate", str(EXAMPLE_CONFIG)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.cli
def test_module_entry_point_never_prints_a_traceback_for_user_mistakes(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe not utf-8")
    for argv in (["validate", str(bad)], ["explain", str(bad)], ["validate", str(tmp_path)], ["schema", "-o", str(tmp_path / "no" / "x.json")]):
        result = subprocess.run([sys.executable, "-m", "ses_metrics.cli", *argv], capture_output=True, text=True)
        assert result.returncode in (1, 2), argv
        assert "Traceback" not in result.stdout + result.stderr, argv
