"""Redshift columns, JSONPaths and DDL; the JSONPaths checked against AWS's documented records."""

import json

import pytest
from conftest import FIXTURES

from ses_metrics import redshift_columns as rc
from ses_metrics.rules import EventType

AWS_EXAMPLES = json.loads((FIXTURES / "aws_event_examples.json").read_text())["records"]


def test_default_columns_are_the_tutorials_plus_tags():
    columns = rc.columns_for()
    assert [c.name for c in columns] == ["message_id", "event_type", "sending_account_id", "timestamp", "destination", "configuration_set", "campaign"]
    assert rc.jsonpaths(columns)["jsonpaths"][5] == "$['mail']['tags']['ses:configuration-set'][0]"


@pytest.mark.parametrize("column", list(rc.CATALOG.values()), ids=lambda c: c.name)
def test_every_catalog_path_exists_in_awss_record_of_each_event_type_said_to_carry_it(column):
    for event in column.events:
        assert column.value(AWS_EXAMPLES[event.record]) is not None, f"{column.jsonpath} is absent from AWS's {event.record} example"


@pytest.mark.parametrize("column", list(rc.CATALOG.values()), ids=lambda c: c.name)
def test_no_catalog_path_exists_in_records_said_not_to_carry_it(column):
    for event in set(EventType) - column.events:
        assert column.value(AWS_EXAMPLES[event.record]) is None, f"{column.jsonpath} is in AWS's {event.record} example; add the type"


def test_every_value_of_the_examples_fits_its_type():
    for record in AWS_EXAMPLES.values():
        for column in rc.CATALOG.values():
            value = column.value(record)
            if value is None or column.type in ("bigint", "boolean"):
                continue
            text = value if isinstance(value, str) else json.dumps(value)
            limit = int(column.type[column.type.index("(") + 1 : -1])
            assert len(text.encode()) <= limit, (column.name, text)


def test_event_type_holds_every_value_ses_publishes():
    assert max(len(e.record) for e in EventType) <= 20


def test_tag_columns_for_custom_and_auto_tags():
    assert rc.tag_column("campaign").jsonpath == "$['mail']['tags']['campaign'][0]"
    assert rc.tag_column("ses:from-domain").name == "ses_from_domain"
    assert rc.check_columns(["message_id"], ["ses:from-domain"]) == []


def test_ddl():
    assert rc.ddl("ses_events", rc.columns_for(["message_id", "bounce_type"], [])) == (
        "CREATE TABLE IF NOT EXISTS ses_events (\n    message_id varchar(200) NOT NULL,\n    bounce_type varchar(20)\n);"
    )


@pytest.mark.parametrize(
    ("names", "tags", "expected"),
    [
        (["message_id", "bounce_kind"], [], ("columns[1]", "unknown column 'bounce_kind'")),
        (["message_id"], ["camp aign"], ("tags[0]", "Invalid tag name <camp aign>")),
        ([], [], ("columns", "a Redshift table needs at least one column")),
        (["message_id", "message_id"], [], ("columns", "columns message_id makes column 'message_id', which columns message_id already makes")),
        (["event_type"], ["event_type"], ("tags", "tag event_type makes column 'event_type'")),
    ],
)
def test_invalid_column_choices(names, tags, expected):
    location, message = expected
    assert any(p.location == location and message in p.message for p in rc.check_columns(names, tags))


def test_columns_no_received_event_carries_and_not_null_columns_some_lack():
    problems = rc.check_received(rc.columns_for(["message_id", "bounce_type"], []), [EventType.SEND, EventType.DELIVERY])
    assert [p.message for p in problems] == ["column bounce_type is carried only by Bounce events, which this stream never receives"]
    assert rc.check_received(rc.columns_for(["bounce_type"], []), [EventType.BOUNCE]) == []
