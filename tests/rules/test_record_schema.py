"""The SES record described once: AWS's documented records fit it, and each store's
types are rendered from it."""

import json

import pytest
from conftest import FIXTURES

from ses_metrics.rules import EventType, record_schema
from ses_metrics.rules.record_schema import RECORD, Array, MapOf, Scalar, Struct

AWS_EXAMPLES = json.loads((FIXTURES / "aws_event_examples.json").read_text())["records"]


def _fits(value, type_, path, problems):
    if isinstance(type_, Struct):
        if not isinstance(value, dict):
            problems.append(f"{path}: {value!r} is not an object")
            return
        for key, item in value.items():
            found = type_.field(key)
            if found is None:
                problems.append(f"{path}/{key}: not in the schema")
            else:
                _fits(item, found.type, f"{path}/{key}", problems)
    elif isinstance(type_, MapOf):
        if not isinstance(value, dict):
            problems.append(f"{path}: not an object")
            return
        for key, item in value.items():
            _fits(item, type_.value, f"{path}/{key}", problems)
    elif isinstance(type_, Array):
        if not isinstance(value, list):
            problems.append(f"{path}: not a list")
            return
        for item in value:
            _fits(item, type_.item, f"{path}[]", problems)
    else:
        expected = {"string": str, "timestamp": str, "boolean": bool, "bigint": int, "json": object}[type_.kind]
        if not isinstance(value, expected):
            problems.append(f"{path}: {value!r} is not {type_.kind}")


@pytest.mark.parametrize("name", sorted(AWS_EXAMPLES))
def test_every_key_of_aws_documented_records_is_described(name):
    problems = []
    _fits(AWS_EXAMPLES[name], RECORD, "", problems)
    assert problems == []


def test_each_detail_object_is_carried_by_its_event_type_only():
    assert record_schema.resolve_path(("bounce", "bounceType")).events == {EventType.BOUNCE}
    assert record_schema.resolve_path(("mail", "commonHeaders", "subject")).events == record_schema.WITH_HEADERS


def test_an_unknown_path_is_refused_by_name():
    with pytest.raises(KeyError, match="no 'bounceKind'"):
        record_schema.resolve_path(("bounce", "bounceKind"))


def test_glue_columns_are_lowercase_and_tags_are_a_map():
    columns = {name: type_ for name, type_, _ in record_schema.glue_columns()}
    assert list(columns)[:2] == ["eventtype", "mail"]
    assert "tags:map<string,array<string>>" in columns["mail"]
    assert "linktags:map<string,array<string>>" in columns["click"]


def test_hive_reserved_words_are_back_quoted_inside_structs():
    columns = {name: type_ for name, type_, _ in record_schema.glue_columns()}
    assert columns["bounce"].startswith("struct<bouncetype:string,bouncesubtype:string,bouncedrecipients:array<struct<")
    assert "`timestamp`:string" in columns["bounce"]
    assert "commonheaders:struct<`from`:array<string>,`to`:array<string>" in columns["mail"]


def test_duckdb_columns_keep_the_exact_camel_case_keys():
    columns = record_schema.duckdb_columns()
    assert columns["eventType"] == "VARCHAR"
    assert '"bouncedRecipients" STRUCT("emailAddress" VARCHAR' in columns["bounce"]
    assert '"tags" MAP(VARCHAR, VARCHAR[])' in columns["mail"]


def test_opensearch_mapping_types_timestamps_as_dates_and_every_tag_key_as_a_keyword():
    mapping = record_schema.opensearch_mapping()
    mail = mapping["properties"]["mail"]["properties"]
    assert mail["timestamp"] == {"type": "date"}
    assert mail["tags"] == {"type": "object", "dynamic": True}
    assert mapping["properties"]["delivery"]["properties"]["processingTimeMillis"] == {"type": "long"}
    templates = {name: spec for entry in mapping["dynamic_templates"] for name, spec in entry.items()}
    assert {spec["path_match"]: spec["mapping"] for spec in templates.values()} == {
        "mail.tags.*": {"type": "keyword"}, "click.linkTags.*": {"type": "keyword"}}


def test_the_opensearch_index_template_covers_the_index_and_its_rotated_names():
    body = record_schema.opensearch_index_template("ses-events")
    assert body["index_patterns"] == ["ses-events", "ses-events-*"]
    assert body["template"]["mappings"] == record_schema.opensearch_mapping()
    assert record_schema.opensearch_index_template_name("ses-events") == "ses-metrics-ses-events"


def test_redshift_types_come_from_the_record_description():
    from ses_metrics.rules.redshift_columns import CATALOGUE

    assert CATALOGUE["message_id"].type == "VARCHAR(200)"
    assert CATALOGUE["bounced_recipients"].type == record_schema.LONG_TEXT  # an array loads as JSON text
    assert CATALOGUE["delivery_processing_time_millis"].type == "BIGINT"
    assert CATALOGUE["bounce_type"].events == {EventType.BOUNCE}
    assert isinstance(record_schema.resolve_path(("eventType",)).type, Scalar)
