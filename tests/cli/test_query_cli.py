"""ses-metrics query: Athena SQL and the template's named queries over a simulate --out directory."""

import csv
import io
import json

import pytest

from ses_metrics.cli import main

NAMED = "bounce-complaint-rate-by-configuration-set-and-day"


@pytest.fixture(scope="module")
def out(example_cdk_out, tmp_path_factory):
    directory = tmp_path_factory.mktemp("query") / "sim"
    assert main(["simulate", str(example_cdk_out), "--scenario", "examples/scenario.yaml", "--out", str(directory), "--json"]) == 0
    return directory


def _run(capsys, *argv):
    code = main(["query", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_named_query_as_json_counts_the_scenarios_recipients(out, example_cdk_out, example_result, capsys):
    code, stdout, _ = _run(capsys, str(out), "--named", NAMED, "--template", str(example_cdk_out), "--format", "json")
    assert code == 0
    rows = {r["configuration_set"]: r for r in json.loads(stdout)["rows"]}
    sends = [o for s in example_result.sends for o in s.events if o.event.type.record == "Send" and o.deliveries]
    for name, row in rows.items():
        expected = sum(len(o.event.record["mail"]["destination"]) for o in sends
                       if o.event.record["mail"]["tags"]["ses:configuration-set"] == [name]
                       and any(getattr(d, "delivery_stream", None) == "events-archive" for d in o.deliveries))
        assert row["sent"] == expected
    assert rows["marketing"]["day"] == "2026-01-01"


def test_ad_hoc_sql_as_csv(out, example_cdk_out, capsys):
    code, stdout, _ = _run(capsys, str(out), "SELECT count(*) AS events FROM events WHERE event_type = 'Bounce'",
                           "--template", str(example_cdk_out), "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0] == ["events"] and int(rows[1][0]) > 0


def test_without_sql_the_named_queries_are_listed(out, example_cdk_out, capsys):
    code, stdout, _ = _run(capsys, str(out), "--template", str(example_cdk_out))
    assert code == 0
    assert "latest-status-per-message" in stdout and "events_archive.events" in stdout


def test_a_failing_query_is_a_usage_error_without_traceback(out, example_cdk_out, capsys):
    code, _, stderr = _run(capsys, str(out), "SELECT nope FROM events", "--template", str(example_cdk_out))
    assert code == 2
    assert "nope" in stderr and "Traceback" not in stderr


def test_an_unknown_named_query_lists_the_known_ones(out, example_cdk_out, capsys):
    code, _, stderr = _run(capsys, str(out), "--named", "bounces", "--template", str(example_cdk_out))
    assert code == 2
    assert NAMED in stderr


def test_a_directory_without_objects_is_a_usage_error(tmp_path, example_cdk_out, capsys):
    code, _, stderr = _run(capsys, str(tmp_path), "--named", NAMED, "--template", str(example_cdk_out))
    assert code == 2
    assert "simulate --out" in stderr


def test_ndjson_is_one_object_per_row_then_the_summary(out, example_cdk_out, capsys):
    _, document, _ = _run(capsys, str(out), "--named", NAMED, "--template", str(example_cdk_out), "--format", "json")
    code, lines, _ = _run(capsys, str(out), "--named", NAMED, "--template", str(example_cdk_out), "--format", "ndjson")
    *rows, last = [json.loads(line) for line in lines.splitlines()]
    expected = json.loads(document)
    assert code == 0
    assert rows == expected["rows"]
    assert last == {"summary": {"columns": expected["columns"], "rows": len(rows)}}
