"""Partition projection derived from a Firehose prefix, and the names Athena accepts."""

from datetime import UTC, datetime

import pytest

from ses_metrics.rules import athena
from ses_metrics.rules.firehose import partitioned_prefix


def test_a_prefix_without_expressions_projects_firehoses_hour_path_as_in_awss_example():
    projection, problems = athena.partition_projection("ses/")
    assert problems == []
    assert projection.location == "ses/"
    assert projection.template == "ses/${datehour}/"
    assert projection.parameters("b") == {
        "projection.enabled": "true",
        "projection.datehour.type": "date",
        "projection.datehour.format": "yyyy/MM/dd/HH",
        "projection.datehour.range": "NOW-5YEARS,NOW",
        "projection.datehour.interval": "1",
        "projection.datehour.interval.unit": "HOURS",
        "storage.location.template": "s3://b/ses/${datehour}/",
    }


def test_dynamic_partitions_become_enum_columns_named_apart_from_data_columns():
    prefix = partitioned_prefix("ses/", ["event_type", "configuration_set"])
    projection, problems = athena.partition_projection(prefix, dynamic_partitioning=True, key_values={"configurationSet": ["a", "b"]})
    assert problems == []
    assert [c.name for c in projection.columns] == ["event_type", "configuration_set", "datehour"]
    settings = {c.name: c.settings for c in projection.columns}
    assert "Rendering Failure" in settings["event_type"]["values"].split(",")
    assert settings["configuration_set"] == {"type": "enum", "values": "a,b"}
    assert settings["datehour"]["format"] == "yyyy'/month='MM'/day='dd'/hour='HH"
    assert projection.template == "ses/eventType=${event_type}/configurationSet=${configuration_set}/year=${datehour}/"
    assert projection.location == "ses/"


def test_timestamp_expressions_keep_their_pattern_and_unit():
    projection, problems = athena.partition_projection("logs/!{timestamp:yyyy-MM-dd}/")
    assert problems == []
    assert projection.columns[0].settings["format"] == "yyyy-MM-dd"
    assert projection.columns[0].settings["interval.unit"] == "DAYS"


def test_a_random_string_cannot_be_projected():
    projection, problems = athena.partition_projection("x/!{firehose:random-string}/!{timestamp:yyyy}/")
    assert projection is None
    assert "cannot project" in problems[0].message


def test_a_key_without_values_is_a_problem():
    _, problems = athena.partition_projection("x/c=!{partitionKeyFromQuery:configurationSet}/", dynamic_partitioning=True)
    assert any("needs its values" in p.message for p in problems)


def test_template_regex_reads_back_the_partition_values():
    prefix = partitioned_prefix("ses/", ["event_type"])
    projection, _ = athena.partition_projection(prefix, dynamic_partitioning=True)
    regex = athena.template_regex(projection.template, {c.name: c.settings for c in projection.columns})
    match = regex.fullmatch("ses/eventType=Rendering Failure/year=2026/month=03/day=02/hour=09/")
    assert match.group("event_type") == "Rendering Failure"
    assert match.group("datehour") == "2026/month=03/day=02/hour=09"
    assert regex.fullmatch("ses/eventType=Unknown/year=2026/month=03/day=02/hour=09/") is None


def test_projected_dates_and_relative_ranges():
    assert athena.parse_projected_date("2026/month=03/day=02/hour=09", "yyyy'/month='MM'/day='dd'/hour='HH") == datetime(2026, 3, 2, 9, tzinfo=UTC)
    now = datetime(2026, 6, 15, tzinfo=UTC)
    assert athena.range_bound("NOW-5YEARS", "yyyy", now) == datetime(2021, 6, 15, tzinfo=UTC)
    assert athena.range_bound("NOW", "yyyy", now) == now
    assert athena.range_bound("2024/01/01/00", "yyyy/MM/dd/HH", now) == datetime(2024, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Events", "ses-events", "", "a" * 256])
def test_glue_names_are_lowercase_letters_digits_and_underscores(name):
    assert athena.check_glue_name(name, "table name")


def test_bytes_scanned_cutoff_has_athenas_minimum():
    assert athena.check_bytes_scanned_cutoff(9_999_999)
    assert athena.check_bytes_scanned_cutoff(10_000_000) == []
