"""Firehose rules (ses_metrics.firehose): prefixes, buffering, partitioning, OpenSearch, Redshift."""

import pytest

from ses_metrics import firehose


def messages(problems):
    return [(p.location, p.message) for p in problems]


@pytest.mark.parametrize(
    ("prefix", "error_prefix"),
    [
        ("ses/", ""),
        ("ses/!{timestamp:yyyy/MM/dd}/", "errors/!{firehose:error-output-type}/"),
        ("ses/!{firehose:random-string}/", "errors/!{firehose:error-output-type}/!{timestamp:yyyy}/"),
        ("ses/", "errors/"),
    ],
)
def test_valid_prefixes(prefix, error_prefix):
    assert firehose.check_prefixes(prefix, error_prefix) == []


@pytest.mark.parametrize(
    ("prefix", "error_prefix", "expected"),
    [
        ("ses/!{timestamp:yyyy}/", "", ("error_output_prefix", "a prefix with !{...} expressions needs an error output prefix")),
        ("ses/", "errors/!{timestamp:yyyy}/", ("error_output_prefix", "an error output prefix with expressions must include !{firehose:error-output-type}")),
        ("ses/!{firehose:error-output-type}/", "e/", ("prefix", "!{firehose:error-output-type} is allowed only in the error output prefix")),
        ("ses/!{timestamp:yyyy-QQ}/", "e/!{firehose:error-output-type}", ("prefix", "!{timestamp:yyyy-QQ} uses pattern letters 'Q' that are not date or time fields")),
        ("ses/!{region:x}/", "e/!{firehose:error-output-type}", ("prefix", "unknown expression namespace 'region'; use timestamp, firehose or partitionKeyFromQuery")),
        ("ses/!{timestamp:yyyy", "", ("prefix", "prefix 'ses/!{timestamp:yyyy' has an unterminated or malformed !{...} expression")),
        ("ses/!{partitionKeyFromQuery:eventType}/", "e/!{firehose:error-output-type}", ("prefix", "!{partitionKeyFromQuery:eventType} needs dynamic partitioning enabled")),
        ("x" * 1025, "", ("prefix", "prefix is 1025 characters long; Firehose allows at most 1024")),
    ],
)
def test_invalid_prefixes(prefix, error_prefix, expected):
    assert expected in messages(firehose.check_prefixes(prefix, error_prefix))


def test_dynamic_partitioning_needs_a_partition_key_in_the_prefix():
    assert messages(firehose.check_prefixes("ses/", "e/", dynamic_partitioning=True)) == [
        ("prefix", "dynamic partitioning needs at least one !{partitionKeyFromQuery:<key>} in the prefix")
    ]


def test_partition_keys_are_not_allowed_in_the_error_prefix():
    problems = firehose.check_prefixes("p/!{partitionKeyFromQuery:k}/", "e/!{partitionKeyFromQuery:k}/!{firehose:error-output-type}", dynamic_partitioning=True)
    assert ("error_output_prefix", "!{partitionKeyFromQuery:...} is not allowed in the error output prefix") in messages(problems)


def test_partitioned_prefix_and_its_query():
    prefix = firehose.partitioned_prefix("ses/", ["event_type", "configuration_set"])
    assert prefix == "ses/eventType=!{partitionKeyFromQuery:eventType}/configurationSet=!{partitionKeyFromQuery:configurationSet}/"
    assert firehose.partition_keys(prefix) == ["eventType", "configurationSet"]
    assert firehose.metadata_query(["event_type", "configuration_set"]) == '{eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}'


def test_partition_fields():
    assert firehose.check_partitioning(["event_type"]) == []
    assert messages(firehose.check_partitioning(["event_type", "campaign"])) == [("partition_by[1]", "unknown partition field 'campaign'; use event_type, configuration_set")]


@pytest.mark.parametrize(
    ("seconds", "mib", "kwargs", "expected"),
    [
        (901, 5, {}, ("buffering_seconds", "buffering interval (seconds) 901 is out of range; Firehose allows 0-900")),
        (60, 129, {}, ("buffering_mib", "buffer size (MiB) 129 is out of range; Firehose allows 1-128")),
        (60, 101, {"destination": "opensearch"}, ("buffering_mib", "buffer size (MiB) 101 is out of range; Firehose allows 1-100")),
        (60, 5, {"dynamic_partitioning": True}, ("buffering_mib", "dynamic partitioning needs a buffer of at least 64 MiB; got 5")),
    ],
)
def test_buffering(seconds, mib, kwargs, expected):
    assert messages(firehose.check_buffering(seconds, mib, **kwargs)) == [expected]


def test_compression_for_redshift_staging():
    assert firehose.check_compression("ZIP") == []
    assert messages(firehose.check_compression("ZIP", destination="redshift")) == [
        ("compression", "compression 'ZIP' is not allowed (COPY reads only GZIP or uncompressed objects); use one of GZIP, UNCOMPRESSED")
    ]


def test_retry_duration():
    assert firehose.check_retry_seconds(7200) == []
    assert messages(firehose.check_retry_seconds(7201)) == [("retry_seconds", "retry duration (seconds) 7201 is out of range; Firehose allows 0-7200")]


@pytest.mark.parametrize(
    ("index", "expected"),
    [
        ("SES-events", "index name 'SES-events' has upper-case letters; OpenSearch index names are lowercase"),
        ("ses events", "index name 'ses events' contains ' '; OpenSearch refuses"),
        ("_ses", "index name '_ses' starts with '_'"),
        ("x" * 81, "index name is 81 characters long; Firehose allows at most 80"),
        ("..", "index name cannot be '.' or '..'"),
    ],
)
def test_invalid_index_names(index, expected):
    assert any(expected in m for _, m in messages(firehose.check_index_name(index)))


def test_valid_index_name_rotation_and_backup_mode():
    assert firehose.check_index_name("ses-events") == []
    assert firehose.check_rotation("OneDay") == []
    assert messages(firehose.check_rotation("Daily")) == [("rotation", "unknown index rotation 'Daily'; use one of NoRotation, OneHour, OneDay, OneWeek, OneMonth")]
    assert messages(firehose.check_opensearch_backup_mode("Some")) == [("backup", "unknown S3 backup mode 'Some'; use one of FailedDocumentsOnly, AllDocuments")]


@pytest.mark.parametrize(
    ("rotation", "expected"),
    [("NoRotation", "myindex"), ("OneHour", "myindex-2016-02-25-13"), ("OneDay", "myindex-2016-02-25"), ("OneWeek", "myindex-2016-w08"), ("OneMonth", "myindex-2016-02")],
)
def test_rotated_index_names_follow_firehoses_documented_examples(rotation, expected):
    assert firehose.rotated_index("myindex", rotation, 2016, 2, 25, 13, 8) == expected


def test_redshift_identifiers_jdbc_urls_and_secret_arns():
    assert firehose.check_redshift_identifier("ses_events", "table", "table") == []
    assert messages(firehose.check_redshift_identifier("ses-events", "table", "table"))[0][0] == "table"
    assert firehose.check_jdbc_url("jdbc:redshift://c.abc.us-east-1.redshift.amazonaws.com:5439/dev") == []
    assert messages(firehose.check_jdbc_url("postgres://x"))[0][0] == "jdbc_url"
    assert firehose.check_secret_arn("arn:aws:secretsmanager:us-east-1:111122223333:secret:redshift/firehose-AbCdEf") == []
    assert "is not a Secrets Manager secret ARN" in messages(firehose.check_secret_arn("s3cr3t"))[0][1]
