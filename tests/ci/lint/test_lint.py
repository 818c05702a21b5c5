"""ses-metrics lint: one test per rule (its finding, and no finding when the template is
right), the notes on what is not checked, and the command's output and exit codes."""

import json

import pytest
from simkit import base, cloudwatch, destination, simple, with_firehose, with_sns

from ses_metrics import rules
from ses_metrics.ci.lint import RULES, lint
from ses_metrics.cli import main
from ses_metrics.simulator import parse_scenario

REPUTATION = {"ReputationOptions": {"ReputationMetricsEnabled": True}}
FEEDBACK = destination("feedback", ["bounce", "complaint"], **cloudwatch(("campaign", "messageTag", "none")))


def healthy(**set_props):
    """A set with reputation metrics and a destination for bounces and complaints."""
    t = base(**{**REPUTATION, **set_props})
    t["Resources"]["Feedback"] = FEEDBACK
    return t


def ids(template, **kwargs):
    return [f.id for f in lint(template, **kwargs).findings]


def only(template, rule_id, **kwargs):
    """The one finding of ``template``, which must be of ``rule_id``."""
    [finding] = lint(template, **kwargs).findings
    assert finding.id == rule_id
    return finding


def test_a_healthy_template_has_no_findings():
    assert ids(healthy()) == []


def test_every_rule_has_an_id_a_name_a_severity_and_a_fix():
    assert all(r.id.startswith("SM") and r.name and r.fix for r in RULES.values())
    assert len({r.name for r in RULES.values()}) == len(RULES)


# --- configuration sets ----------------------------------------------------------------------


def test_sm101_a_set_without_destinations():
    finding = only(base(**REPUTATION), "SM101")
    assert finding.message == "configuration set marketing has no event destinations: its bounces and complaints go nowhere"
    assert (finding.configuration_set, finding.stack, finding.logical_id) == ("marketing", "Stack", "Set")


def test_sm101_no_destination_that_can_receive_bounces_and_complaints():
    t = base(**REPUTATION)
    t["Resources"]["Sends"] = destination("sends", ["send", "complaint"], **cloudwatch(("campaign", "messageTag", "none")))
    assert only(t, "SM101").message == "no event destination of configuration set marketing that can receive events matches Bounce"


def test_sm102_reputation_metrics_off():
    t = healthy()
    del t["Resources"]["Set"]["Properties"]["ReputationOptions"]
    finding = only(t, "SM102")
    assert finding.severity is rules.Severity.WARNING and "ReputationMetricsEnabled is off" in finding.message


# --- event destinations: the router's verdicts -----------------------------------------------


def test_sm201_disabled_destination():
    t = healthy()
    t["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    finding = only(t, "SM201")
    assert (finding.destination, finding.logical_id) == ("off", "Off")
    assert finding.message == "event destination off never receives an event: the event destination is disabled (Enabled: false)"


def test_sm202_a_destination_ses_would_refuse():
    t = healthy()
    t["Resources"]["Bad"] = destination("bad name", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert "SES would refuse this event destination: event destination name 'bad name' contains ' '" in only(t, "SM202").message


def test_sm203_a_target_that_does_not_resolve():
    t = with_sns(healthy())
    t["Parameters"] = {"TopicArn": {"Type": "String"}}
    t["Resources"]["ToSns"]["Properties"]["EventDestination"]["SnsDestination"]["TopicARN"] = {"Ref": "TopicArn"}
    assert only(t, "SM203").message == "event destination alerts never receives an event: the SNS destination's topic ARN does not resolve"
    assert ids(t, parameters={"TopicArn": "arn:aws:sns:us-east-1:111122223333:alerts"}) == []


def test_sm204_a_role_ses_cannot_assume():
    t = with_firehose(healthy(), trust={"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole",
                                                       "Condition": {"StringEquals": {"aws:SourceAccount": "444455556666"}}}]})
    assert "SES cannot assume role" in only(t, "SM204").message


def test_sm205_an_action_the_role_may_not_take():
    finding = only(with_firehose(healthy(), put=["firehose:PutRecord"]), "SM205")
    assert "may not firehose:PutRecordBatch" in finding.message and finding.is_error


def test_sm206_a_topic_without_a_topic_policy():
    assert "has no topic policy" in only(with_sns(healthy(), policy=[]), "SM206").message


def test_sm207_a_fifo_topic():
    assert "is a FIFO topic" in only(with_sns(healthy(), fifo=True), "SM207").message


def test_sm208_a_bus_other_than_the_default():
    t = healthy()
    t["Resources"]["ToBus"] = destination("bus", None, EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/orders"})
    assert "SES publishes only to the default bus" in only(t, "SM208").message


# --- dimensions ------------------------------------------------------------------------------


def scenario(campaign):
    return parse_scenario({"sends": [simple(tags={"campaign": campaign})]})


def test_sm301_a_default_a_real_send_uses_as_tag_value():
    finding = only(healthy(), "SM301", scenarios=[scenario("none")])
    assert finding.message.startswith("feedback: dimension 'campaign' defaults to 'none', a value real messages use")


def test_sm301_no_finding_when_sends_use_other_values():
    assert ids(healthy(), scenarios=[scenario("spring")]) == []


def test_sm301_is_not_checked_without_scenarios_and_the_report_says_so():
    assert any(note.startswith("SM301 (a dimension default equal to a tag value real sends use) is not checked") for note in lint(healthy()).notes)
    assert not any(note.startswith("SM301") for note in lint(healthy(), scenarios=[scenario("spring")]).notes)


def test_sm302_link_tag_dimension_on_a_destination_without_click():
    t = healthy()
    t["Resources"]["Links"] = destination("links", ["open"], **cloudwatch(("cta", "linkTag", "none")))
    assert "link-tag dimension 'cta' on a destination that does not match click events" in only(t, "SM302").message


# --- delivery --------------------------------------------------------------------------------


def test_sm401_a_stream_whose_bucket_declares_no_encryption():
    t = with_firehose(healthy())
    del t["Resources"]["Bucket"]["Properties"]["BucketEncryption"]
    finding = only(t, "SM401")
    assert finding.logical_id == "Bucket" and "declares no default encryption" in finding.message
    assert "since January 2023" in finding.rule.fix


# --- quotas ----------------------------------------------------------------------------------


def test_sm501_more_destinations_than_the_quota():
    t = healthy()
    for index in range(rules.MAX_EVENT_DESTINATIONS):
        t["Resources"][f"D{index}"] = destination(f"d{index}", None, **cloudwatch(("campaign", "messageTag", "none")))
    assert only(t, "SM501").message == "configuration set marketing has 11 event destinations; SES allows at most 10"


def test_sm502_two_destinations_with_one_name():
    t = healthy()
    t["Resources"]["Again"] = destination("feedback", None, **cloudwatch(("campaign", "messageTag", "none")))
    finding = only(t, "SM502")
    assert (finding.logical_id, finding.message) == ("Again", "configuration set marketing: event destination name 'feedback' is already used at [0]; names must be unique")


def test_sm503_more_configuration_sets_than_the_quota(monkeypatch):
    monkeypatch.setattr(rules, "MAX_CONFIGURATION_SETS", 1)
    t = healthy()
    t["Resources"]["Other"] = {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "other", **REPUTATION}}
    assert "2 configuration sets; SES allows at most 1 per Region" in lint(t).findings[0].message


# --- notes -----------------------------------------------------------------------------------


def test_what_the_templates_do_not_show_is_a_note_not_a_finding():
    t = healthy()
    t["Resources"]["ToSns"] = destination("alerts", ["bounce"], SnsDestination={"TopicARN": "arn:aws:sns:us-east-1:111122223333:elsewhere"})
    report = lint(t)
    assert report.findings == []
    assert "marketing/alerts: topic arn:aws:sns:us-east-1:111122223333:elsewhere is not in the templates: its policy is not checked" in report.notes


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
