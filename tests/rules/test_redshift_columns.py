"""ses_metrics.rules.redshift_columns: the column catalogue against AWS's documented SES records,
the JSONPaths document and the DDL."""

import json

import pytest
from conftest import FIXTURES

from ses_metrics.rules import MAX_NAME_LENGTH, EventType
from ses_metrics.rules import redshift_columns as rc

RECORDS = json.loads((FIXTURES / "aws_event_examples.json").read_text())["records"]


def record(event: EventType) -> dict:
    return RECORDS[event.record]


@pytest.mark.parametrize("column", list(rc.CATALOGUE.values()), ids=list(rc.CATALOGUE))
def test_each_column_is_in_the_documented_record_of_exactly_its_event_types(column):
    carried = {e for e in EventType if rc.resolve(record(e), column.path)[0]}
    assert carried == set(column.events), column.name


def test_not_null_columns_are_carried_by_every_event():
    assert {c.name for c in rc.CATALOGUE.values() if c.not_null} == {"message_id", "event_type"}
    assert all(c.events == rc.ALL for c in rc.CATALOGUE.values() if c.not_null)


def test_tutorial_contract():
    contract = rc.table_contract("ses", message_tags=["campaign"])
    assert contract.column_list == "message_id,event_type,sending_account_id,timestamp,destination,configuration_set,campaign"
    assert contract.jsonpaths == {
        "jsonpaths": [
            "$['mail']['messageId']",
            "$['eventType']",
            "$['mail']['sendingAccountId']",
            "$['mail']['timestamp']",
            "$['mail']['destination']",
            "$['mail']['tags']['ses:configuration-set'][0]",
            "$['mail']['tags']['campaign'][0]",
        ]
    }
    assert contract.ddl.startswith("CREATE TABLE ses (\n  message_id VARCHAR(200) NOT NULL,\n  event_type VARCHAR(32) NOT NULL,")


def test_jsonpaths_use_bracket_notation_only():
    # Redshift: "You cannot mix bracket notation and dot notation in the jsonpaths array".
    for column in rc.CATALOGUE.values():
        assert "." not in column.jsonpath.split("[")[0] and column.jsonpath.startswith("$[")
        assert rc.parse_jsonpath(column.jsonpath) == column.path


def test_parse_jsonpath_rejects_dot_notation():
    with pytest.raises(ValueError, match="not in bracket notation"):
        rc.parse_jsonpath("$.mail.messageId")


def test_column_types_hold_every_value_ses_publishes():
    contract = rc.table_contract("ses", list(rc.CATALOGUE))
    widths = {c.name: int(c.type.split("(")[1].rstrip(")")) for c in contract.columns if c.type.startswith(("VARCHAR", "CHAR"))}
    assert widths["event_type"] >= max(len(e.record) for e in EventType)  # "Rendering Failure", "DeliveryDelay"
    assert widths["configuration_set"] >= MAX_NAME_LENGTH
    assert widths["sending_account_id"] == 12
    assert rc.tag_column("campaign").type == "VARCHAR(256)"  # message tag values are at most 256 characters
    for name, value in ((n, rc.resolve(r, rc.CATALOGUE[n].path)) for r in RECORDS.values() for n in rc.CATALOGUE):
        found, data = value
        if found and name in widths:
            text = data if isinstance(data, str) else json.dumps(data)
            assert len(text.encode()) <= widths[name], (name, text)


def test_check_columns_rejects_unknown_repeated_and_never_carried_columns():
    problems = rc.check_columns(["message_id", "bounce_typ", "message_id", "click_link"], ["campaign", "bad tag"], {EventType.BOUNCE})
    assert [(p.location, p.message[:30]) for p in problems] == [
        ("columns[1]", "unknown column 'bounce_typ'; c"),
        ("columns[2]", "column 'message_id' is listed "),
        ("columns[3]", "column 'click_link' ($['click'"),
        ("message_tags[1]", "message tag name 'bad tag' is "),
    ]


def test_tag_columns_must_not_collide_with_catalogue_columns():
    problems = rc.check_columns(["source"], ["Source"])
    assert problems[0].message == "message tag 'Source' makes column 'source', which is already a column"


def test_metadata_for_the_simulator():
    metadata = rc.table_contract("ses", ["message_id"], ["campaign-id"]).metadata()
    assert metadata["columns"] == [
        {"name": "message_id", "type": "VARCHAR(200)", "jsonpath": "$['mail']['messageId']"},
        {"name": "campaign_id", "type": "VARCHAR(256)", "jsonpath": "$['mail']['tags']['campaign-id'][0]"},
    ]
    assert metadata["jsonpaths"]["jsonpaths"] == [c["jsonpath"] for c in metadata["columns"]]
    assert metadata["ddl"] == "CREATE TABLE ses (\n  message_id VARCHAR(200) NOT NULL,\n  campaign_id VARCHAR(256)\n);"
