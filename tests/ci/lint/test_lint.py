"""ses-metrics lint: the engine (order of findings, notes on what is not checked) and the
command's output and exit codes. Each rule's own tests are in test_sm*.py."""

import json

import pytest
from lintkit import REPUTATION, healthy, ids
from simkit import base, cloudwatch, destination, with_firehose, with_sns

from ses_metrics.ci.lint import lint
from ses_metrics.cli import main


def test_a_healthy_template_has_no_findings():
    assert ids(healthy()) == []


def test_errors_come_first_then_rules_in_id_order():
    t = with_sns(healthy(), fifo=True)
    del t["Resources"]["Set"]["Properties"]["ReputationOptions"]
    t["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    assert ids(t) == ["SM207", "SM102", "SM201"]


# --- notes -----------------------------------------------------------------------------------


def test_what_the_templates_do_not_show_is_a_note_not_a_finding():
    external = "arn:aws:firehose:us-east-1:111122223333:deliverystream/elsewhere"
    t = with_firehose(healthy())
    t["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = external
    t["Resources"]["ToFirehose"]["Properties"]["EventDestination"]["KinesisFirehoseDestination"]["DeliveryStreamARN"] = external
    report = lint(t)
    assert [f.id for f in report.findings] == []
    assert f"marketing/archive: delivery stream {external} is not in the templates: records are not followed to their destination" in report.notes


# --- the command -----------------------------------------------------------------------------


@pytest.fixture
def broken(tmp_path):
    t = with_sns(healthy(), fifo=True)
    del t["Resources"]["Set"]["Properties"]["ReputationOptions"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(t))
    return path


def test_lint_command_lists_findings_with_fixes_and_exits_1_on_errors(capsys, broken):
    code = main(["lint", str(broken)])
    out = capsys.readouterr().out
    assert code == 1
    assert "error   SM207 fifo-topic  marketing/alerts (t/ToSns)" in out
    assert "fix: use a standard SNS topic: SES does not publish to FIFO topics" in out
    assert "warning SM102 reputation-metrics-off  marketing (t/Set)" in out
    assert "1 error(s), 1 warning(s)" in out


def test_lint_command_exits_0_with_warnings_only(capsys, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(base(**REPUTATION)))
    assert main(["lint", str(path)]) == 0
    assert "SM101" in capsys.readouterr().out


def test_lint_command_json(capsys, broken):
    assert main(["lint", str(broken), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["summary"] == {"configurationSets": 1, "eventDestinations": 2, "errors": 1, "warnings": 1}
    fifo = document["findings"][0]
    assert {k: fifo[k] for k in ("id", "rule", "severity", "configurationSet", "eventDestination", "stack", "logicalId", "template")} == {
        "id": "SM207", "rule": "fifo-topic", "severity": "error", "configurationSet": "marketing", "eventDestination": "alerts",
        "stack": "t", "logicalId": "ToSns", "template": str(broken),
    }


@pytest.mark.parametrize(("argv", "message"), [
    (["lint", "missing.json"], "missing.json: no such file or directory"),
    (["lint", "{template}", "--scenario", "missing.yaml"], "missing.yaml: 1 problem:\n  - file not found"),
])
def test_lint_usage_errors_exit_2_without_traceback(capsys, broken, argv, message):
    code = main([a.replace("{template}", str(broken)) for a in argv])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err
