"""`ses-metrics replay`: tables, --json, --report, --seed, exit codes."""

import json

import pytest
import yaml
from replaykit import PROFILE

from ses_metrics.cli import main

SHORT = {**PROFILE, "hours": 5}


@pytest.fixture(scope="module")
def files(alarmed_template, tmp_path_factory):
    directory = tmp_path_factory.mktemp("replay")
    (directory / "t.json").write_text(json.dumps(alarmed_template))
    (directory / "p.yaml").write_text(yaml.safe_dump(SHORT))
    return directory / "t.json", directory / "p.yaml"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_table_lists_alarm_transitions_and_metric_totals(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "replay", files[0], "--profile", files[1])
    assert code == 0
    assert "replayed 10,000 sends (0 failed)" in out
    assert "Test-marketing-bounce-rate-spring-example.com" in out and "OK → ALARM" in out
    assert "campaign=spring, ses:from-domain=example.com" in out


def test_json_for_machines(capsys, files):
    code, out, _ = run(capsys, "replay", files[0], "--profile", files[1], "--json")
    document = json.loads(out)
    assert code == 0
    assert {"profile", "seed", "start", "end", "sends", "events", "metrics", "reputation", "alarms", "routes", "sinks", "warnings"} <= set(document)
    spring = next(a for a in document["alarms"] if a["name"] == "Test-marketing-bounce-rate-spring-example.com")
    assert [(t["at"], t["to"]) for t in spring["transitions"]] == [("2026-03-02T01:00:00Z", "OK"), ("2026-03-02T04:00:00Z", "ALARM")]


def test_seed_overrides_the_profiles(capsys, files):
    first = json.loads(run(capsys, "replay", files[0], "--profile", files[1], "--json", "--seed", "1")[1])
    second = json.loads(run(capsys, "replay", files[0], "--profile", files[1], "--json", "--seed", "2")[1])
    assert (first["seed"], second["seed"]) == (1, 2) and first["metrics"] != second["metrics"]


def test_fail_on_alarm_exits_1_when_an_alarm_reaches_alarm(capsys, files):
    assert run(capsys, "replay", files[0], "--profile", files[1], "--fail-on-alarm")[0] == 1


def test_fail_on_alarm_exits_0_when_none_does(capsys, files, tmp_path):
    calm = tmp_path / "calm.yaml"
    calm.write_text(yaml.safe_dump({**SHORT, "traffic": [PROFILE["traffic"][2]]}))
    assert run(capsys, "replay", files[0], "--profile", calm, "--fail-on-alarm")[0] == 0


def test_report_writes_a_self_contained_html_file(capsys, files, tmp_path):
    report = tmp_path / "r.html"
    code, out, _ = run(capsys, "replay", files[0], "--profile", files[1], "--report", report)
    page = report.read_text()
    assert code == 0 and f"report written to {report}" in out
    assert page.startswith("<!doctype html>") and "<svg" in page
    for reference in ("<script", "src=", "<link", "@import", "url(", "http://", "https://"):
        assert reference not in page, reference


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--profile", "missing.yaml"], "missing.yaml: 1 problem:\n  - file not found"),
        (["--profile", "{bad}"], "traffic[0].outcomes.bounce: 6 is not a percentage"),
        (["--profile", "{unknown_set}"], "traffic[0].configuration_set: configuration set 'nope' is not in the template"),
    ],
)
def test_usage_errors_exit_2_without_traceback(capsys, files, tmp_path, argv, message):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({"traffic": [{"sends_per_hour": 1, "outcomes": {"bounce": 6}}]}))
    (tmp_path / "unknown.yaml").write_text(yaml.safe_dump({"traffic": [{"sends_per_hour": 1, "configuration_set": "nope"}]}))
    argv = [a.replace("{bad}", str(tmp_path / "bad.yaml")).replace("{unknown_set}", str(tmp_path / "unknown.yaml")) for a in argv]
    code, _, err = run(capsys, "replay", files[0], *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_a_missing_template_is_a_usage_error(capsys, files, tmp_path):
    code, _, err = run(capsys, "replay", tmp_path / "nothing", "--profile", files[1])
    assert code == 2 and "no such file or directory" in err
