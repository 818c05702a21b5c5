"""ses_metrics.rules.firehose: Firehose's prefix grammar, dynamic partitioning, buffering, retry,
OpenSearch index and Redshift rules, as pure functions (one test per rule)."""

import pytest

from ses_metrics.rules import UNRESOLVED, firehose


def messages(problems):
    return [f"{p.location}: {p.message}" for p in problems]


# --- prefix grammar -----------------------------------------------------------------


def test_parses_timestamp_and_firehose_expressions():
    expressions, problems = firehose.parse_prefix("ses/!{timestamp:yyyy/MM/dd}/!{firehose:random-string}/")
    assert problems == []
    assert [(e.namespace, e.value) for e in expressions] == [("timestamp", "yyyy/MM/dd"), ("firehose", "random-string")]


def test_quoted_literals_in_timestamp_patterns_are_allowed():
    assert firehose.parse_prefix("!{timestamp:'year='yyyy'/month='MM}/")[1] == []


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("ses/!{timestamp:yyyy", "is not a complete !{namespace:value} expression"),
        ("ses/!{time:yyyy}/", "unknown namespace 'time'"),
        ("ses/!{firehose:uuid}/", "the firehose namespace takes random-string, error-output-type"),
        ("ses/!{timestamp:}/", "needs a Java DateTimeFormatter pattern"),
        ("ses/!{timestamp:year=yyyy}/", "'r' is not DateTimeFormatter pattern letters"),
        ("ses/!{timestamp:'yyyy}/", "unbalanced single quote"),
        ("ses/!{partitionKeyFromQuery:a b}/", "a partition key id is 1-64 characters"),
    ],
)
def test_rejects_malformed_expressions(prefix, expected):
    _, problems = firehose.parse_prefix(prefix)
    assert any(expected in p.message for p in problems), messages(problems)


def test_error_output_type_only_in_the_error_prefix():
    problems = firehose.check_prefixes("ses/!{firehose:error-output-type}/", "errors/!{firehose:error-output-type}/")
    assert messages(problems) == ["prefix: !{firehose:error-output-type} may only appear in the error output prefix"]


def test_error_prefix_with_expressions_needs_error_output_type():
    problems = firehose.check_prefixes("ses/", "errors/!{timestamp:yyyy}/")
    assert messages(problems) == [
        "error_output_prefix: an error output prefix with expressions must contain !{firehose:error-output-type}"
    ]


def test_error_prefix_required_when_the_prefix_has_expressions():
    problems = firehose.check_prefixes("ses/!{timestamp:yyyy}/", None)
    assert messages(problems) == ["error_output_prefix: required when the prefix contains expressions (Firehose rejects an empty one)"]


def test_prefix_length_is_limited():
    assert "at most 1024" in messages(firehose.check_prefixes("x" * 1025, "e/"))[0]


def test_redshift_staging_prefix_takes_no_expressions_and_no_error_prefix():
    problems = firehose.check_prefixes("s/!{timestamp:yyyy}/", "e/", destination="redshift")
    assert [p.location for p in problems] == ["prefix", "error_output_prefix"]


def test_unresolved_prefixes_are_not_judged():
    assert firehose.check_prefixes(UNRESOLVED, UNRESOLVED, partition_keys=["eventType"]) == []


# --- dynamic partitioning -----------------------------------------------------------


def test_partitioned_prefix_and_query_use_the_same_keys():
    prefix = firehose.partitioned_prefix("ses/", ["event_type", "configuration_set"])
    assert prefix.startswith("ses/eventType=!{partitionKeyFromQuery:eventType}/configurationSet=!{partitionKeyFromQuery:configurationSet}/")
    assert firehose.check_prefixes(prefix, "errors/", partition_keys=["eventType", "configurationSet"]) == []
    assert firehose.metadata_extraction_query(["event_type", "configuration_set"]) == (
        '{eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}'
    )


def test_partition_key_expressions_need_dynamic_partitioning():
    problems = firehose.check_prefixes("ses/!{partitionKeyFromQuery:eventType}/", "e/")
    assert messages(problems) == ["prefix: partitionKeyFromQuery expressions need dynamic partitioning (partition_by)"]


def test_every_partition_key_must_be_used_and_every_used_key_defined():
    problems = firehose.check_prefixes("ses/!{partitionKeyFromQuery:campaign}/", "e/", partition_keys=["eventType"])
    assert [p.message[:50] for p in problems] == [
        "!{partitionKeyFromQuery:campaign} names a key the ",
        "dynamic partitioning extracts 'eventType' but the ",
    ]


def test_dynamic_partitioning_needs_an_error_prefix():
    problems = firehose.check_prefixes("ses/!{partitionKeyFromQuery:eventType}/", "", partition_keys=["eventType"])
    assert "error_output_prefix: required" in messages(problems)[0]


def test_error_prefix_cannot_use_partition_keys():
    problems = firehose.check_prefixes(
        "s/!{partitionKeyFromQuery:eventType}/", "e/!{partitionKeyFromQuery:eventType}/!{firehose:error-output-type}/", partition_keys=["eventType"]
    )
    assert messages(problems) == ["error_output_prefix: the error output prefix cannot use partitionKeyFromQuery: failed records may have no key"]


def test_lambda_partition_keys_are_refused():
    problems = firehose.check_prefixes("s/!{partitionKeyFromLambda:k}/", "e/")
    assert "partitionKeyFromLambda needs a Lambda processor" in messages(problems)[0]


def test_partition_by_takes_known_keys_once():
    assert messages(firehose.check_partition_by(["event_type", "campaign", "event_type"])) == [
        "[1]: unknown partition key 'campaign'; use event_type, configuration_set",
        "[2]: partition key 'event_type' is listed twice",
    ]


# --- buffering and retries ----------------------------------------------------------


def test_buffering_limits_per_destination():
    assert firehose.check_buffering(900, 128) == []
    assert messages(firehose.check_buffering(901, 129)) == [
        "buffering_interval: 901 s is out of range; Firehose allows 0-900 seconds",
        "buffering_size: 129 MiB is out of range; Firehose allows 1-128 MiB",
    ]
    assert "1-100 MiB" in messages(firehose.check_buffering(300, 101, firehose.OPENSEARCH_BUFFERING))[0]


def test_dynamic_partitioning_needs_64_mib_and_no_zero_buffering():
    assert messages(firehose.check_buffering(0, 5, dynamic_partitioning=True)) == [
        "buffering_interval: 0 s is out of range; Firehose allows 60-900 seconds with dynamic partitioning",
        "buffering_size: 5 MiB is out of range; Firehose allows 64-128 MiB with dynamic partitioning",
    ]


@pytest.mark.parametrize("value", [-1, 7201, "300"])
def test_retry_duration_range(value):
    assert "Firehose allows 0-7200 seconds" in firehose.check_retry_seconds(value)[0].message


# --- OpenSearch ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SES-events", "has upper-case letters"),
        ("ses events", "contains ' '"),
        ("ses/events", "contains '/'"),
        ("_ses", "cannot start with -, _ or +"),
        ("x" * 81, "at most 80"),
        ("..", "is reserved"),
    ],
)
def test_index_name_rules(name, expected):
    assert any(expected in p.message for p in firehose.check_index_name(name)), messages(firehose.check_index_name(name))


def test_accepts_a_plain_index_name():
    assert firehose.check_index_name("ses-events_2") == []


def test_index_rotation_values():
    assert firehose.check_index_rotation("OneWeek") == []
    assert firehose.check_index_rotation("Daily")[0].message == (
        "unknown index rotation 'Daily'; use one of NoRotation, OneHour, OneDay, OneWeek, OneMonth"
    )


# --- Redshift -----------------------------------------------------------------------


def test_jdbc_urls_of_clusters_and_serverless_workgroups():
    assert firehose.check_jdbc_url("jdbc:redshift://c.abc123.eu-west-1.redshift.amazonaws.com:5439/dev") == []
    assert firehose.check_jdbc_url("jdbc:redshift://wg.111122223333.eu-west-1.redshift-serverless.amazonaws.com:5439/dev") == []
    assert "is not of the form" in firehose.check_jdbc_url("postgres://localhost/dev")[0].message


def test_a_secret_is_required_and_must_be_a_secret_arn():
    assert "plaintext passwords are not accepted" in firehose.check_secret_arn(None)[0].message
    assert "is not a Secrets Manager secret ARN" in firehose.check_secret_arn("hunter2")[0].message


def test_table_names():
    assert firehose.check_table_name("analytics.ses_events") == []
    assert "must be [schema.]name" in firehose.check_table_name("SES Events")[0].message


# --- buckets ------------------------------------------------------------------------


def test_lifecycle_rules():
    assert firehose.check_lifecycle(30, "STANDARD_IA", 365) == []
    assert [p.location for p in firehose.check_lifecycle(10, "STANDARD_IA", 5)] == ["transition_after", "expire_after"]
    assert "unknown storage class" in firehose.check_lifecycle(None, "COLD", None)[0].message
