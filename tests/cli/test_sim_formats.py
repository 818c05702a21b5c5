"""`simulate --format table|json|ndjson` and `check --format`: the same events, three shapes."""

import json
import re

import pytest
from simkit import base, cloudwatch, destination, simple, with_firehose, with_sns

from ses_metrics.cli import build_parser, main
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.scenario import Scenario, ScenarioSend

SCENARIO = """
defaults: {FromEmailAddress: news@example.com, ConfigurationSetName: marketing}
sends:
  - name: spring
    Destination: {ToAddresses: [success@simulator.amazonses.com, bounce@simulator.amazonses.com]}
    EmailTags: [{Name: campaign, Value: spring}]
    Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}
  - name: autumn
    Destination: {ToAddresses: [success@simulator.amazonses.com]}
    Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}
  - name: bad
    Destination: {ToAddresses: [success@simulator.amazonses.com]}
    ConfigurationSetName: missing
    Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}
expect:
  - {send: spring, event: send, filtered_at: alerts, because: "not send"}
  - {send: spring, event: bounce, reaches: alerts}
"""


@pytest.fixture
def files(tmp_path):
    template = with_sns(with_firehose(base()))
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    template["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    (tmp_path / "t.json").write_text(json.dumps(template))
    (tmp_path / "s.yaml").write_text(SCENARIO)
    return str(tmp_path / "t.json"), str(tmp_path / "s.yaml")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_ndjson_is_the_json_documents_events_one_per_line_then_a_summary(capsys, files):
    code, out, _ = run(capsys, "simulate", files[0], "--scenario", files[1], "--format", "ndjson")
    lines = [json.loads(line) for line in out.splitlines()]
    document = json.loads(run(capsys, "simulate", files[0], "--scenario", files[1], "--format", "json")[1])
    assert code == 0
    events = [line for line in lines if "eventType" in line]
    # the same events; Firehose keys may be missing in ndjson (written when the buffer is)
    strip = lambda e: {**e, "deliveries": [{k: v for k, v in d.items() if k != "key"} for d in e["deliveries"]]}  # noqa: E731
    assert [strip(e) for e in events] == [strip(e) for e in document["events"]]
    assert [line["failedSend"]["error"]["code"] for line in lines if "failedSend" in line] == ["NotFoundException"]
    last = lines[-1]
    assert set(last) == {"summary", "warnings"}
    assert last["summary"]["sends"] == 3 and last["summary"]["failedSends"] == 1
    assert last["summary"]["events"] == document["summary"]["events"]
    assert last["summary"]["filtered"] == document["summary"]["filtered"]


def test_json_is_an_alias_of_format_json(capsys, files):
    assert run(capsys, "simulate", files[0], "--scenario", files[1], "--json")[1] == run(capsys, "simulate", files[0], "--scenario", files[1], "--format", "json")[1]


def test_every_destination_of_an_event_is_delivered_filtered_or_dropped_exactly_once(capsys, files):
    document = json.loads(run(capsys, "simulate", files[0], "--scenario", files[1], "--format", "json")[1])
    for event in document["events"]:
        names = [d["eventDestination"] for key in ("deliveries", "filtered", "drops") for d in event[key]]
        assert sorted(names) == ["alerts", "archive", "metrics", "off"]
        assert {f["filter"] for f in event["filtered"] if f["eventDestination"] == "off"} == {"disabled"}


def test_json_summary_counts_filtered_apart_from_drops(capsys, files):
    summary = json.loads(run(capsys, "simulate", files[0], "--scenario", files[1], "--format", "json")[1])["summary"]
    events = sum(summary["events"].values())
    assert summary["drops"] == {} and summary["dropReasons"] == []
    assert summary["filtered"]["marketing/off"] == events  # disabled: every event
    # alerts matches bounce and complaint only: the other events are filtered there
    assert summary["filtered"]["marketing/alerts"] == events - summary["events"]["Bounce"]


def test_limit_lists_the_rows_of_the_first_sends_only(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "simulate", files[0], "--scenario", files[1], "--limit", "1")
    assert code == 0
    assert "spring" in out and "autumn" not in out
    assert "the first 1 results" in out


def test_the_table_summary_counts_per_destination(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "simulate", files[0], "--scenario", files[1])
    rows = {tuple(cell.strip() for cell in line.strip("┃│ ").split("│")) for line in out.splitlines() if line.startswith("│")}
    # configuration set, destination, type, delivered, filtered, dropped; 5 events: Send, Bounce, Delivery of spring, Send, Delivery of autumn
    assert ("marketing", "off", "cloudwatch", "0", "5", "0") in rows
    assert ("marketing", "alerts", "sns", "1", "4", "0") in rows
    assert ("marketing", "metrics", "cloudwatch", "5", "0", "0") in rows


def test_the_scenario_is_named_with_the_same_option_in_check(capsys, files):
    new = run(capsys, "check", files[0], "--scenario", files[1], "--format", "json")
    old = run(capsys, "check", files[0], files[1], "--format", "json")
    assert new[0] == old[0] == 0
    assert json.loads(new[1])["summary"] == json.loads(old[1])["summary"] == {"passed": 2, "failed": 0, "error": 0}


def test_check_accepts_text_for_table_and_streams_ndjson(capsys, files):
    text = run(capsys, "check", files[0], "--scenario", files[1], "--format", "text")
    table = run(capsys, "check", files[0], "--scenario", files[1], "--format", "table")
    assert text == table and "2 expectation(s): 2 passed" in table[1]
    lines = [json.loads(line) for line in run(capsys, "check", files[0], "--scenario", files[1], "--format", "ndjson")[1].splitlines()]
    assert [line["status"] for line in lines[:-1]] == ["passed", "passed"]
    assert lines[0]["expectation"] == "the Send of send 'spring' is filtered at alerts because 'not send'"
    assert lines[-1]["summary"] == {"passed": 2, "failed": 0, "error": 0}


REQUIRED = {"simulate": ["--scenario", "s.yaml"], "replay": ["--profile", "p.yaml"]}


def test_the_unfollowed_records_warning_names_options_the_commands_have(example_template):
    streaming = Simulator(example_template, keep_events=False, keep_payloads=False)
    list(streaming.stream(Scenario([ScenarioSend(simple())])))
    [warning] = [w for w in streaming.warnings if "not followed" in w]
    named = re.findall(r"`(\w+) (--[\w-]+) (\w+)`", warning)
    assert [(command, option) for command, option, _ in named] == [("simulate", "--format"), ("simulate", "--out"), ("replay", "--out")]
    for command, option, value in named:
        args = build_parser().parse_args([command, "cdk.out", *REQUIRED[command], option, value.lower()])
        assert getattr(args, option.lstrip("-")) == value.lower()
