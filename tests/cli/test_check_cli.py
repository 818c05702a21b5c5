"""`ses-metrics check`: every scenario's expectations, what happened instead, JUnit XML,
JSON, and exit codes (0 all hold, 1 any fails, 2 unreadable input)."""

import json
import xml.etree.ElementTree as ET

import pytest
from simkit import base, cloudwatch, destination, with_firehose

from ses_metrics.cli import main

SENDS = """
defaults: {FromEmailAddress: news@example.com, ConfigurationSetName: marketing, Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}}
sends:
  - name: spring
    Destination: {ToAddresses: [bounce@simulator.amazonses.com]}
    EmailTags: [{Name: campaign, Value: spring}]
"""
PASSING = SENDS + """
expect:
  - {send: spring, event: bounce, reaches: metrics, with_dimensions: {campaign: spring}}
  - {metric: Bounce, dimensions: {campaign: spring}, sums_to: 1}
"""
FAILING = SENDS + """
expect:
  - {send: spring, event: bounce, reaches: metrics, with_dimensions: {campaign: summer}}
  - {send: spring, event: bounce, never_reaches: archive}
  - {send: spring, event: bounce, reaches: external, becomes: {redshift_row: {campaign: spring}}}
  - {send: spring, event: send, reaches: metrics}
"""


@pytest.fixture
def files(tmp_path):
    template = with_firehose(base())
    template["Resources"]["Metrics"] = destination("metrics", ["send", "bounce"], **cloudwatch(("campaign", "messageTag", "none")))
    # A stream outside the templates: what reaches it cannot be followed further (could not be checked).
    # SES's role is in the templates (a role outside them would be undecidable: never delivered).
    external = "arn:aws:firehose:us-east-1:111122223333:deliverystream/elsewhere"
    template["Resources"]["SesRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"] = [{"Fn::GetAtt": ["Stream", "Arn"]}, external]
    template["Resources"]["External"] = destination("external", ["bounce"], KinesisFirehoseDestination={
        "DeliveryStreamARN": external, "IAMRoleARN": {"Fn::GetAtt": ["SesRole", "Arn"]}})
    (tmp_path / "t.json").write_text(json.dumps(template))
    for name, text in {"passing.yaml": PASSING, "failing.yaml": FAILING, "none.yaml": SENDS}.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_all_expectations_hold_exit_0(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "check", str(files / "t.json"), str(files / "passing.yaml"))
    assert code == 0
    assert "✓ expect[0] the Bounce of send 'spring' reaches metrics with dimensions campaign=spring" in out
    assert "1 scenario(s), 2 expectation(s): 2 passed, 0 failed, 0 could not be checked" in out


def test_a_failed_expectation_prints_what_happened_and_exits_1(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "check", str(files / "t.json"), str(files / "passing.yaml"), str(files / "failing.yaml"))
    assert code == 1
    assert "✗ expect[0] the Bounce of send 'spring' reaches metrics with dimensions campaign=summer" in out
    assert "actual: the Bounce of send 'spring' reached metrics, but campaign='spring', not 'summer': CloudWatch Bounce {campaign=spring}" in out
    assert "! expect[2]" in out and "error: the Bounce of send 'spring' reached external, but becomes.redshift_row cannot be checked: delivery stream elsewhere is not in the templates" in out
    assert "2 scenario(s), 6 expectation(s): 3 passed, 2 failed, 1 could not be checked" in out


def test_junit_report_has_a_testcase_per_expectation(capsys, files):
    report = files / "reports" / "ses-metrics.xml"
    code, _, _ = run(capsys, "check", str(files / "t.json"), str(files / "passing.yaml"), str(files / "failing.yaml"), "--junit", str(report))
    assert code == 1
    root = ET.parse(report).getroot()
    assert (root.tag, root.get("tests"), root.get("failures"), root.get("errors")) == ("testsuites", "6", "2", "1")
    passing, failing = root.findall("testsuite")
    assert (passing.get("name"), passing.get("tests"), passing.get("failures")) == (str(files / "passing.yaml"), "2", "0")
    cases = failing.findall("testcase")
    assert [c.get("name") for c in cases][:2] == [
        "expect[0]: the Bounce of send 'spring' reaches metrics with dimensions campaign=summer",
        "expect[1]: no Bounce of send 'spring' reaches archive",
    ]
    assert cases[0].get("classname") == str(files / "failing.yaml")
    assert cases[0].find("failure").get("message").startswith("the Bounce of send 'spring' reached metrics, but campaign='spring'")
    assert cases[2].find("error").get("type") == "NotSimulated"
    assert cases[3].find("failure") is None and cases[3].find("error") is None


def test_json_output(capsys, files):
    code, out, _ = run(capsys, "check", str(files / "t.json"), str(files / "failing.yaml"), "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"] == {"passed": 1, "failed": 2, "error": 1}
    first = document["scenarios"][0]["expectations"][0]
    assert (first["index"], first["status"], first["expectation"]) == (0, "failed", "the Bounce of send 'spring' reaches metrics with dimensions campaign=summer")


def test_a_scenario_without_expectations_says_so(capsys, files):
    code, out, _ = run(capsys, "check", str(files / "t.json"), str(files / "none.yaml"))
    assert code == 0 and "no expectations: add an expect: list" in out


def test_invalid_expectations_of_every_file_are_usage_errors(capsys, files):
    (files / "bad.yaml").write_text(SENDS + "expect:\n  - {send: autumn, reaches: metrics}\n")
    (files / "worse.yaml").write_text(SENDS + "expect:\n  - {send: spring, reaches: metrics, sums_to: 1}\n")
    code, out, err = run(capsys, "check", str(files / "t.json"), str(files / "bad.yaml"), str(files / "worse.yaml"))
    assert code == 2 and out == ""
    assert "expect[0].send: no send 'autumn'" in err and "expect[0]: an expectation says one thing" in err and "Traceback" not in err


def test_missing_template_is_a_usage_error(capsys, files):
    code, _, err = run(capsys, "check", str(files / "nothing"), str(files / "passing.yaml"))
    assert code == 2 and "no such file or directory" in err
