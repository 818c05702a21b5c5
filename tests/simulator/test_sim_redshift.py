"""Firehose to Redshift: the example app's warehouse stream, COPY into DuckDB, load errors."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime

import pytest
from simkit import simple, warehouse, with_narrow_campaign

from ses_metrics.simulator import Scenario, Simulator
from ses_metrics.simulator.scenario import ScenarioSend
from ses_metrics.simulator.sinks.redshift_copy import BadValue, CopyCommand, column_spec, load_value, parse_ddl

WAREHOUSE_COLUMNS = ["message_id", "event_type", "sending_account_id", "timestamp", "destination", "configuration_set", "bounce_type", "bounce_sub_type", "campaign"]


@pytest.fixture(scope="module")
def sim(example_result):
    return example_result.simulator


@pytest.fixture(scope="module")
def narrow(example_template):
    """The example app, but its table's campaign column is VARCHAR(5): the DDL drifted from the tags sent."""
    simulator = Simulator(with_narrow_campaign(example_template))
    short = simulator.send_email(**simple(tags={"campaign": "sale"}))
    simulator.flush()
    long = simulator.send_email(**simple(tags={"campaign": "spring"}), at=datetime(2026, 1, 1, 1, tzinfo=UTC))  # 6 bytes: too long
    simulator.flush()
    return simulator, short, long


def test_the_example_table_has_the_ddl_columns_including_the_campaign_tag(sim):
    assert sim.redshift.tables == ["ses"]
    assert [c.name for c in sim.redshift.columns("ses")] == WAREHOUSE_COLUMNS


def test_every_event_routed_to_the_warehouse_becomes_a_row(sim):
    routed = sum(1 for send in sim.sends for o in send.events for d in o.deliveries if getattr(d, "delivery_stream", None) == "events-warehouse")
    assert sim.redshift.query("SELECT count(*) FROM ses") == [(routed,)]
    assert sim.redshift.load_errors == []


def test_a_bounce_row_carries_its_columns_and_campaign(sim):
    [row] = [r for r in sim.redshift.rows("ses") if r["event_type"] == "Bounce" and r["campaign"] == "spring"]
    assert (row["configuration_set"], row["bounce_type"], row["bounce_sub_type"], row["sending_account_id"]) == ("marketing", "Permanent", "General", "111122223333")
    assert json.loads(row["destination"])[0] == "success@simulator.amazonses.com"  # an array loads as its JSON text


def test_sql_queries_run_over_the_loaded_table(sim):
    counts = dict(sim.redshift.query("SELECT configuration_set, count(*) FROM ses GROUP BY 1"))
    assert set(counts) == {"marketing", "transactional"}


def test_the_delivery_names_the_row_it_became(sim):
    bounce = next(o for o in sim.sends[0].events if o.event.type.record == "Bounce")
    [delivery] = [d for d in bounce.deliveries if d.destination == "marketing-warehouse"]
    assert delivery.landing.redshift["table"] == "ses" and delivery.landing.redshift["row"]["bounce_type"] == "Permanent"


def test_a_value_within_its_varchar_loads(narrow):
    simulator, _, _ = narrow
    assert [r["campaign"] for r in simulator.redshift.rows("ses")] == ["sale", "sale"]


def test_a_value_longer_than_its_varchar_is_load_error_1204_never_truncated(narrow):
    simulator, _, _ = narrow
    error = simulator.redshift.load_errors[0]
    assert (error.colname, error.type, error.raw_field_value, error.err_code, error.err_reason) == ("campaign", "VARCHAR(5)", "spring", 1204, "String length exceeds DDL length")
    # raw_line is the record as staged, cut at STL_LOAD_ERRORS' 1,024 characters
    assert error.filename.startswith("s3://") and error.line_number == 1 and error.raw_line.startswith('{"eventType":"Send","mail":{')
    assert "sprin" not in [r["campaign"] for r in simulator.redshift.rows("ses")]


@pytest.mark.parametrize(("value", "loads"), [("éé", True), ("ééé", False)])  # 4 and 6 bytes in UTF-8
def test_varchar_lengths_count_utf8_bytes_not_characters(value, loads):
    spec, command = column_spec("c", "VARCHAR(5)"), CopyCommand.parse({"DataTableName": "t", "CopyOptions": "json 'auto'"})
    if loads:
        assert load_value(spec, value, command) == value
    else:
        with pytest.raises(BadValue, match="String length exceeds DDL length"):
            load_value(spec, value, command)


def test_a_failed_copy_loads_nothing_from_its_object_and_writes_a_manifest_of_it(narrow):
    simulator, _, long = narrow
    [failed] = [load for load in simulator.redshift.loads if load["status"] == "failed"]
    bucket, _, key = failed["manifest"].removeprefix("s3://").partition("/")
    assert key.startswith("ses-redshift-staging/errors/manifests/2026/01/01/01/")
    assert json.loads(simulator.s3.content(bucket, key)) == {"entries": [{"url": failed["file"], "mandatory": True}]}


def test_events_in_equal_rows_loaded_plus_records_in_failed_objects(narrow):
    simulator, short, long = narrow
    routed = sum(1 for send in (short, long) for o in send.events for d in o.deliveries if getattr(d, "delivery_stream", None) == "events-warehouse")
    loaded = simulator.redshift.rows_loaded["ses"]
    not_loaded = simulator.redshift.records_failed["ses"]
    assert (loaded, not_loaded) == (2, 2)  # Send + Delivery of each send; MAXERROR 0 fails the whole second object
    assert routed == loaded + not_loaded
    assert len(simulator.redshift.load_errors) == 2  # both records of the failed object are reported


def test_maxerror_lets_the_good_records_of_an_object_load(example_template):
    template = copy.deepcopy(example_template)
    stream = warehouse(template)
    stream["Metadata"]["ses-metrics"]["ddl"] = stream["Metadata"]["ses-metrics"]["ddl"].replace("event_type VARCHAR(32)", "event_type VARCHAR(4)")
    copy_command = stream["Properties"]["RedshiftDestinationConfiguration"]["CopyCommand"]
    copy_command["CopyOptions"] = {"Fn::Join": ["", [copy_command["CopyOptions"], " maxerror 5"]]}
    simulator = Simulator(template)
    simulator.send_email(**simple())
    simulator.flush()
    assert [r["event_type"] for r in simulator.redshift.rows("ses")] == ["Send"]  # "Delivery" is 8 bytes
    assert [e.raw_field_value for e in simulator.redshift.load_errors] == ["Delivery"]


def test_without_metadata_the_table_has_the_copy_columns_as_varchar_65535(example_template):
    template = copy.deepcopy(example_template)
    del warehouse(template)["Metadata"]
    simulator = Simulator(template)
    simulator.send_email(**simple())
    simulator.flush()
    assert {c.type for c in simulator.redshift.columns("ses")} == {"VARCHAR(65535)"}
    assert [c.name for c in simulator.redshift.columns("ses")] == WAREHOUSE_COLUMNS
    # ... and the COPY names a JSONPaths file that is nowhere: every COPY fails, saying so
    assert simulator.redshift.loads[0]["status"] == "failed" and "JSONPaths file s3://" in simulator.redshift.loads[0]["error"]


def test_copy_options_are_parsed():
    command = CopyCommand.parse({"DataTableName": "t", "DataTableColumns": "a,b", "CopyOptions": "format as json 'auto ignorecase' gzip MAXERROR AS 3 region 'eu-west-1' truncatecolumns"})
    assert (command.columns, command.auto, command.ignorecase, command.gzip, command.max_error, command.truncate, command.problems) == (["a", "b"], True, True, True, 3, True, [])


def test_copy_options_without_json_fail_every_copy():
    assert "do not load JSON" in CopyCommand.parse({"DataTableName": "t", "CopyOptions": "csv"}).problems[0]


def test_ddl_lengths_and_not_null_are_read():
    table, columns = parse_ddl("CREATE TABLE ses (\n  message_id VARCHAR(200) NOT NULL,\n  n DECIMAL(10,2),\n  t TEXT,\n  c CHAR\n);")
    assert table == "ses"
    assert [(c.name, c.duck_type, c.max_bytes, c.not_null) for c in columns] == [
        ("message_id", "VARCHAR", 200, True), ("n", "DECIMAL(10,2)", None, False), ("t", "VARCHAR", 256, False), ("c", "VARCHAR", 1, False)
    ]
    assert column_spec("x", "varchar(max)").max_bytes == 65535


def test_json_auto_into_a_schema_qualified_table(example_template):
    template = copy.deepcopy(example_template)
    stream = warehouse(template)
    del stream["Metadata"]
    stream["Properties"]["RedshiftDestinationConfiguration"]["CopyCommand"] = {"DataTableName": "public.ses", "DataTableColumns": "eventtype", "CopyOptions": "json 'auto ignorecase'"}
    simulator = Simulator(template)
    simulator.send_email(**simple())
    simulator.flush()
    assert simulator.redshift.query("SELECT eventtype FROM public.ses ORDER BY 1") == [("Delivery",), ("Send",)]


def test_streaming_says_redshift_and_opensearch_loads_are_unknown(example_template):
    streaming = Simulator(example_template, keep_events=False, keep_payloads=False)
    list(streaming.stream(Scenario([ScenarioSend(simple())])))
    unfollowed = [w for w in streaming.warnings if "not followed" in w]
    assert len(unfollowed) == 1 and "events-warehouse" in unfollowed[0] and "events-search" in unfollowed[0]
    assert "unknown" in unfollowed[0]


def test_a_run_that_keeps_records_follows_them_and_does_not_warn(example_template):
    kept = Simulator(example_template)
    kept.run(Scenario([ScenarioSend(simple())]))
    assert not [w for w in kept.warnings if "not followed" in w]
