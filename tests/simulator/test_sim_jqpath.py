"""The fast path for Firehose metadata-extraction queries answers exactly as jq does, or
defers to jq."""

from __future__ import annotations

import jq
import pytest

from ses_metrics.simulator.sends import Ids
from ses_metrics.simulator.sinks.firehose import FirehoseSink
from ses_metrics.simulator.sinks.jqpath import Fallback, compile_paths, parse
from ses_metrics.simulator.sinks.s3 import ObjectStore
from ses_metrics.simulator.topology import S3Target

EXAMPLE = '{eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}'
QUERIES = [
    EXAMPLE,
    "{eventType: .eventType}",
    '{ "event type" : .eventType , cs : .mail.tags."ses:configuration-set"[0] }',
    "{first: .mail.destination[0], second: .mail.destination[1], third: .mail.destination[5]}",
    '{x: .["eventType"], y: .mail["source"]}',
    "{deep: .mail.missing.deeper[0].again}",
]
RECORDS = [
    {"eventType": "Send", "mail": {"source": "a@example.com", "destination": ["x@example.com"], "tags": {"ses:configuration-set": ["marketing"]}}},
    {"eventType": "Bounce", "mail": {"tags": {}}},
    {"eventType": 5, "mail": {"tags": {"ses:configuration-set": [7]}}},
    {"eventType": "Send", "mail": "not an object"},
    {"eventType": "Send", "mail": {"tags": {"ses:configuration-set": "a string"}, "destination": [None, {"a": 1}]}},
    {"eventType": None, "mail": {"missing": {"deeper": [{"again": "found"}]}, "tags": {"ses:configuration-set": []}}},
    {"eventType": ["list"], "mail": {"source": True, "tags": None}},
]


def jq_result(query: str, record: dict) -> tuple[str, object]:
    try:
        return "ok", jq.compile(query).input_value(record).first()
    except ValueError as error:
        return "error", str(error)


@pytest.mark.parametrize("query", QUERIES)
def test_the_fast_path_agrees_with_jq_or_defers(query: str) -> None:
    fast = compile_paths(query)
    assert fast is not None, f"{query} should take the fast path"
    answered = 0
    for record in RECORDS:
        try:
            result = fast(record)
        except Fallback:
            continue
        answered += 1
        assert ("ok", result) == jq_result(query, record), (query, record)
        assert all(v is None or isinstance(v, str) for v in result.values())
    assert answered >= 2, "the fast path should answer the ordinary records"


@pytest.mark.parametrize(
    "query",
    ["{eventType}", ".eventType", "{a: .a | tostring}", "{a: .a, a: .b}", "{a: .a,}", "{a: .a[-1]}", "{a: .a[]}", "{(.k): .v}", "{a: .a.[0]}", ""],
)
def test_other_queries_are_left_to_jq(query: str) -> None:
    assert parse(query) is None


def test_the_sink_gives_the_same_keys_and_errors_with_and_without_the_fast_path() -> None:
    target = S3Target(bucket_arn="arn:aws:s3:::b", prefix="p/!{partitionKeyFromQuery:eventType}/", dynamic_partitioning=True, metadata_queries={"query": EXAMPLE})
    fast, slow = FirehoseSink(ObjectStore(), Ids(0)), FirehoseSink(ObjectStore(), Ids(0))
    slow._fast_queries[EXAMPLE] = None  # jq only
    for record in RECORDS:
        assert fast._partition_keys(target, record) == slow._partition_keys(target, record), record
