"""`ses-metrics simulate`: table, --json in DESIGN.md's shape, --out, exit codes."""

import gzip
import json
import re

import pytest
from conftest import ROOT
from simkit import base, cloudwatch, destination, with_firehose, with_sns

from ses_metrics.cli import main

SCENARIO = """
defaults: {FromEmailAddress: news@example.com, ConfigurationSetName: marketing}
sends:
  - name: spring
    Destination: {ToAddresses: [success@simulator.amazonses.com, bounce@simulator.amazonses.com]}
    EmailTags: [{Name: campaign, Value: spring}]
    Content: {Simple: {Subject: {Data: Hi}, Body: {Html: {Data: "<a href='https://x.test'>x</a>"}}}}
    opens: all
  - name: bad
    Destination: {ToAddresses: [success@simulator.amazonses.com]}
    ConfigurationSetName: missing
    Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}
"""


@pytest.fixture
def files(tmp_path):
    template = with_sns(with_firehose(base()))
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    (tmp_path / "t.json").write_text(json.dumps(template))
    (tmp_path / "s.yaml").write_text(SCENARIO)
    return tmp_path / "t.json", tmp_path / "s.yaml"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_output_has_designs_shape(capsys, files):
    code, out, _ = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]), "--json")
    document = json.loads(out)
    assert code == 0
    assert set(document) == {"sends", "events", "summary", "redshift", "opensearch", "warnings"}
    ok, bad = document["sends"]
    assert ok["configurationSet"] == "marketing" and ok["error"] is None and ok["messageId"].startswith("010001")
    assert bad == {"messageId": None, "configurationSet": "missing", "error": {"code": "NotFoundException", "message": "Configuration set <missing> does not exist."}, "name": "bad"}
    event = document["events"][0]
    assert {"eventType", "messageId", "configurationSet", "record", "deliveries", "drops"} <= set(event)
    metrics = next(d for d in event["deliveries"] if d["eventDestination"] == "metrics")
    assert (metrics["type"], metrics["dimensions"]) == ("cloudwatch", {"campaign": "spring"})
    assert document["summary"]["events"] == {"Send": 1, "Bounce": 1, "Delivery": 1, "Open": 1}
    assert document["summary"]["failedSends"] == 1


def test_same_inputs_give_byte_identical_json(capsys, files):
    first = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]), "--json")[1]
    second = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]), "--json")[1]
    assert first == second


def test_the_default_table_is_a_summary_without_event_rows(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]))
    assert code == 0
    assert "failed sends: NotFoundException 1" in out
    assert "2 send(s) (1 failed), 4 event(s)" in out
    assert "✓ CloudWatch" not in out  # no per-event rows without -v or --limit


def test_verbose_table_lists_every_event_and_filtered_destination(capsys, files, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    code, out, _ = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]), "-v")
    assert code == 0
    assert "✓ CloudWatch Bounce {campaign=spring}" in out
    assert "send failed: NotFoundException: Configuration set <missing> does not exist." in out
    assert "– filtered: the event destination matches bounce, complaint, not send" in out


def test_out_writes_every_sink(capsys, files, tmp_path):
    out_dir = tmp_path / "out"
    code, _, _ = run(capsys, "simulate", str(files[0]), "--scenario", str(files[1]), "--out", str(out_dir))
    assert code == 0
    datapoints = [json.loads(line) for line in (out_dir / "cloudwatch" / "datapoints.jsonl").read_text().splitlines()]
    assert {d["MetricName"] for d in datapoints} == {"Send", "Bounce", "Delivery", "Open"}
    [obj] = list((out_dir / "s3").rglob("*.gz"))
    assert [json.loads(line)["eventType"] for line in gzip.decompress(obj.read_bytes()).splitlines()] == ["Send", "Bounce", "Delivery", "Open"]
    assert [json.loads(line)["Type"] for line in (out_dir / "sns" / "alerts.jsonl").read_text().splitlines()] == ["Notification"]
    assert json.loads((out_dir / "simulation.json").read_text())["summary"]["s3Objects"] == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--scenario", "missing.yaml"], "missing.yaml: 1 problem:\n  - file not found"),
        (["--scenario", "{scenario}", "--start", "yesterday"], "--start 'yesterday' is not an ISO 8601 time"),
        (["--scenario", "{scenario}", "--start", "1969-12-31T23:59:59Z"], "--start '1969-12-31T23:59:59Z': 1969-12-31T23:59:59+00:00 is outside"),
        (["--scenario", "{scenario}", "--start", "9999-06-01T00:00:00Z"], "9999-06-01T00:00:00+00:00 is outside 1970-01-01T00:00:00Z .. 9998-12-31T23:59:59Z"),
    ],
)
def test_usage_errors_exit_2_without_traceback(capsys, files, argv, message):
    argv = [a.replace("{scenario}", str(files[1])) for a in argv]
    code, out, err = run(capsys, "simulate", str(files[0]), *argv)
    assert code == 2
    assert message in err and "Traceback" not in err


def test_invalid_scenario_lists_every_problem_by_path(capsys, files, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("sends:\n  - {FromEmailAddress: a@b.c, Destination: {ToAddresses: x}, Content: {Simple: {}}, opened: all}\n  - 3\n")
    code, _, err = run(capsys, "simulate", str(files[0]), "--scenario", str(bad))
    assert code == 2
    assert "sends[0]: Invalid type for parameter Destination.ToAddresses" in err
    assert "sends[0]: Missing required parameter in Content.Simple" in err
    assert "sends[0].opened: Extra inputs are not permitted (simulation keys: name, at, opens, clicks, delays, unsubscribes" in err
    assert "sends[1]: Input should be a valid dictionary" in err or "sends[1]: a send is a mapping" in err


def test_missing_template_is_a_usage_error(capsys, files, tmp_path):
    code, _, err = run(capsys, "simulate", str(tmp_path / "nothing"), "--scenario", str(files[1]))
    assert code == 2 and "no such file or directory" in err


def test_bundled_example_scenario_is_valid():
    from ses_metrics.simulator import load_scenario

    assert len(load_scenario(ROOT / "examples" / "scenario.yaml").sends) == 5


def test_out_writes_redshift_tables_load_errors_and_opensearch_indexes(capsys, tmp_path, example_template):
    template = tmp_path / "example.template.json"
    template.write_text(json.dumps(example_template))
    out = tmp_path / "sim"
    code, text, _ = run(capsys, "simulate", str(template), "--scenario", str(ROOT / "examples" / "scenario.yaml"), "--out", str(out))
    assert code == 0
    header, *rows = (out / "redshift" / "ses.csv").read_text().splitlines()
    assert header.endswith(",bounce_type,bounce_sub_type,campaign") and rows
    assert (out / "redshift" / "stl_load_errors.csv").read_text().startswith("table,filename,line_number,colname,type,raw_line,raw_field_value,err_code,err_reason")
    hits = [json.loads(line) for line in (out / "opensearch" / "ses-events-2026-01-01.ndjson").read_text().splitlines()]
    assert hits and set(hits[0]) == {"_index", "_id", "_source"}
    flat = " ".join(text.split())
    assert re.search(rf"Redshift rows loaded\W+ses\W+{len(rows)}\b", flat), flat
    assert re.search(rf"OpenSearch documents\W+ses-events-2026-01-01\W+{len(hits)}\b", flat), flat
