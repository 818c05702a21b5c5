"""Firehose to OpenSearch: rotated indexes, document IDs, the index template the stream
publishes, dynamic mapping, failed-document backups."""

from __future__ import annotations

import base64
import copy
import json
from datetime import UTC, datetime

import pytest
from simkit import simple

from ses_metrics.rules import record_schema
from ses_metrics.rules.firehose import index_rotation_suffix
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.sinks.opensearch import MappingConflict, map_document
from ses_metrics.simulator.sinks.opensearch_mapping import compile_mapping


def search_stream(template: dict) -> dict:
    return next(r for r in template["Resources"].values() if "AmazonopensearchserviceDestinationConfiguration" in r.get("Properties", {}))


def subject(text: str) -> dict:
    request = simple()
    request["Content"]["Simple"]["Subject"]["Data"] = text
    return request


@pytest.fixture(scope="module")
def sim(example_result):
    return example_result.simulator


def with_template(template: dict, change) -> dict:
    """The template with the search stream's published index template changed by ``change``
    (``None`` removes it: the stream of a template that publishes none)."""
    template = copy.deepcopy(template)
    resource = search_stream(template)
    if change is None:
        del resource["Metadata"]["ses-metrics"]
    else:
        change(resource["Metadata"]["ses-metrics"]["indexTemplate"])
    return template


def two_subjects(template: dict):
    simulator = Simulator(template)
    sends = [simulator.send_email(**subject("2026-03-02")), simulator.send_email(**subject("Spring sale"))]
    simulator.flush()
    return simulator, sends


@pytest.fixture(scope="module")
def dynamic(example_template):
    """Without an index template, a subject that looks like a date makes subject a date
    field (OpenSearch's date detection); the next subject cannot be parsed as one."""
    return two_subjects(with_template(example_template, None))


@pytest.fixture(scope="module")
def conflict(example_template):
    """An index template mapping the subject as a date: "Spring sale" does not fit it."""
    def subject_as_date(body):
        body["template"]["mappings"]["properties"]["mail"]["properties"]["commonHeaders"]["properties"]["subject"] = {"type": "date"}

    return two_subjects(with_template(example_template, subject_as_date))


def routed_to_search(sends) -> int:
    return sum(1 for send in sends for o in send.events for d in o.deliveries if getattr(d, "delivery_stream", None) == "events-search")


def test_documents_are_indexed_under_the_index_name_and_the_daily_suffix(sim):
    assert sim.opensearch.indexes == ["ses-events-2026-01-01"]
    assert len(sim.opensearch.documents("ses-events")) == routed_to_search(sim.sends)


def test_documents_are_the_records_with_firehose_style_unique_ids(sim):
    hits = sim.opensearch.hits("ses-events-2026-01-01")
    assert len({hit["_id"] for hit in hits}) == len(hits)
    assert all(hit["_id"].split(".")[0].isdigit() for hit in hits)
    assert hits[0]["_source"]["mail"]["messageId"] == sim.sends[0].message_id


def test_term_search_and_count_by_field(sim):
    assert {d["eventType"] for d in sim.opensearch.search("ses-events", term={"mail.tags.campaign": "spring"})} >= {"Bounce", "Send"}
    assert sim.opensearch.count_by("ses-events", "eventType")["Bounce"] == 2


def test_failed_documents_only_backs_up_nothing_when_every_document_is_indexed(sim):
    assert not [bucket for bucket in sim.s3.buckets() if "eventssearch" in bucket]


def test_the_stream_s_index_template_maps_the_index_so_a_date_like_subject_stays_a_keyword(example_template):
    simulator, sends = two_subjects(example_template)
    mapping = simulator.opensearch.mapping("ses-events")
    assert (mapping["mail.commonHeaders.subject"], mapping["mail.timestamp"], mapping["delivery.processingTimeMillis"]) == ("keyword", "date", "long")
    assert not simulator.opensearch.failed and len(simulator.opensearch.documents("ses-events")) == routed_to_search(sends)


def test_tag_keys_are_mapped_as_keywords_when_a_document_first_has_them(sim):
    mapping = sim.opensearch.mapping("ses-events")
    assert mapping["mail.tags.campaign"] == mapping["mail.tags.ses:configuration-set"] == "keyword"
    assert "mail.tags.not-a-tag-anyone-sent" not in mapping


def test_without_an_index_template_the_mapping_is_dynamic_and_a_date_like_subject_makes_a_date_field(dynamic):
    simulator, sends = dynamic
    assert simulator.opensearch.mapping("ses-events")["mail.commonHeaders.subject"] == "date"
    failed = simulator.opensearch.failed
    assert failed and "failed to parse field [mail.commonHeaders.subject] of type [date]" in json.loads(failed[0]["errorMessage"])["reason"]


def test_an_index_template_whose_patterns_do_not_match_the_index_is_not_applied(example_template):
    simulator, _ = two_subjects(with_template(example_template, lambda body: body.update(index_patterns=["other-*"])))
    assert simulator.opensearch.mapping("ses-events")["mail.commonHeaders.subject"] == "date"


def test_a_document_that_does_not_fit_the_index_template_is_rejected_with_mapper_parsing_exception(conflict):
    simulator, sends = conflict
    assert simulator.opensearch.mapping("ses-events")["mail.commonHeaders.subject"] == "date"
    failed = simulator.opensearch.failed
    assert failed and all(json.loads(f["errorMessage"])["type"] == "mapper_parsing_exception" for f in failed)
    assert "failed to parse field [mail.commonHeaders.subject] of type [date]" in json.loads(failed[0]["errorMessage"])["reason"]


def test_types_the_simulator_does_not_model_are_accepted_with_a_warning(example_template):
    def geo(body):
        body["template"]["mappings"]["properties"]["mail"]["properties"]["source"] = {"type": "geo_point"}

    simulator, sends = two_subjects(with_template(example_template, geo))
    assert not simulator.opensearch.failed
    assert any("mail.source (geo_point)" in w and "accepts unchecked" in w for w in simulator.warnings)


def test_failed_documents_are_backed_up_in_firehose_shape_under_the_failed_prefix(conflict):
    simulator, sends = conflict
    record = json.loads(base64.b64decode(simulator.opensearch.failed[0]["rawData"]))
    assert record["mail"]["messageId"] == sends[1].message_id
    backup = simulator.opensearch.failed[0]
    assert backup["key"].startswith("ses-opensearch-backup/AmazonOpenSearchService-failed/2026/01/01/00/events-search-1-") and backup["key"].endswith(".gz")
    written = [json.loads(line) for line in simulator.s3.content(backup["bucket"], backup["key"]).splitlines()]
    assert set(written[0]) == {"attemptsMade", "arrivalTimestamp", "errorCode", "errorMessage", "attemptEndingTimestamp", "esDocumentId", "esIndexName", "esTypeName", "rawData"}
    assert written[0]["esIndexName"] == "ses-events-2026-01-01"
    assert simulator.s3.keys(backup["bucket"]) == sorted({f["key"] for f in simulator.opensearch.failed})  # only failures


def test_events_in_equal_documents_indexed_plus_documents_backed_up(conflict):
    simulator, sends = conflict
    indexed = len(simulator.opensearch.documents("ses-events"))
    backed_up = sum(len(simulator.s3.records(b, k)) for b in simulator.s3.buckets() for k in simulator.s3.keys(b, "ses-opensearch-backup/"))
    assert indexed and backed_up
    assert routed_to_search(sends) == indexed + backed_up == indexed + sum(simulator.opensearch.failed_count.values())


def test_all_documents_backs_up_every_record_too(example_template):
    template = copy.deepcopy(example_template)
    search_stream(template)["Properties"]["AmazonopensearchserviceDestinationConfiguration"]["S3BackupMode"] = "AllDocuments"
    simulator = Simulator(template)
    sent = simulator.send_email(**simple())
    simulator.flush()
    [(bucket, key, _)] = [item for item in simulator.s3.items() if "eventssearch" in item[0]]
    assert key.startswith("ses-opensearch-backup/2026/01/01/00/events-search-1-")
    assert len(simulator.s3.records(bucket, key)) == routed_to_search([sent]) == len(simulator.opensearch.documents("ses-events"))


def test_hourly_rotation_names_the_index_by_the_arrival_hour(example_template):
    template = copy.deepcopy(example_template)
    search_stream(template)["Properties"]["AmazonopensearchserviceDestinationConfiguration"]["IndexRotationPeriod"] = "OneHour"
    simulator = Simulator(template)
    simulator.send_email(**simple(), at=datetime(2026, 5, 4, 13, 30, tzinfo=UTC))
    simulator.flush()
    assert simulator.opensearch.indexes == ["ses-events-2026-05-04-13"]


@pytest.mark.parametrize(("rotation", "suffix"), [
    ("NoRotation", ""), ("OneHour", "-2016-02-25-13"), ("OneDay", "-2016-02-25"), ("OneMonth", "-2016-02"),
    ("OneWeek", "-2016-w09"),  # the guide's note (weeks from Sunday, week 1 holds January 1); its table says w08 (ISO)
])
def test_rotation_suffixes_follow_the_firehose_guide(rotation, suffix):
    assert index_rotation_suffix(rotation, datetime(2016, 2, 25, 13, tzinfo=UTC)) == suffix


def test_the_last_days_of_december_belong_to_week_one_of_the_next_year():
    assert index_rotation_suffix("OneWeek", datetime(2015, 12, 28, tzinfo=UTC)) == "-2016-w01"


def test_a_string_field_then_an_object_is_a_mapping_conflict():
    mapping = map_document({"detail": "text"}, {}, "1")
    with pytest.raises(MappingConflict, match=r"failed to parse field \[detail\] of type \[text\]"):
        map_document({"detail": {"a": 1}}, mapping, "2")


def test_an_object_field_then_a_value_is_a_mapping_conflict():
    mapping = map_document({"detail": {"a": 1}}, {}, "1")
    with pytest.raises(MappingConflict, match=r"object mapping for \[detail\] tried to parse field \[detail\] as object, but found a concrete value"):
        map_document({"detail": "text"}, mapping, "2")


def test_a_number_then_a_non_numeric_string_is_a_mapping_conflict_but_numeric_strings_coerce():
    mapping = map_document({"n": 1}, {}, "1")
    assert map_document({"n": "2"}, mapping, "2") == {}
    with pytest.raises(MappingConflict, match=r"of type \[long\]"):
        map_document({"n": "two"}, mapping, "3")


EXPLICIT = compile_mapping(record_schema.opensearch_mapping())


def test_an_object_where_the_template_maps_a_keyword_is_a_mapping_conflict():
    with pytest.raises(MappingConflict, match=r"failed to parse field \[mail.source\] of type \[keyword\]"):
        map_document({"mail": {"source": {"name": "x"}}}, dict(EXPLICIT.fields), "1", EXPLICIT)


def test_a_value_where_the_template_maps_an_object_is_a_mapping_conflict():
    with pytest.raises(MappingConflict, match=r"object mapping for \[mail.commonHeaders\] tried to parse field \[commonHeaders\] as object"):
        map_document({"mail": {"commonHeaders": "From: a"}}, dict(EXPLICIT.fields), "1", EXPLICIT)


def test_a_keyword_longer_than_lucene_s_longest_term_is_an_illegal_argument():
    with pytest.raises(MappingConflict, match=r"immense term in field=\"click.link\"") as raised:
        map_document({"click": {"link": "https://example.com/" + "a" * 32_760}}, dict(EXPLICIT.fields), "1", EXPLICIT)
    assert raised.value.type == "illegal_argument_exception"


def test_the_send_object_is_not_looked_into_and_unknown_fields_are_mapped_dynamically():
    added = map_document({"send": {"anything": {"at": 1}}, "mail": {"newField": 3}}, dict(EXPLICIT.fields), "1", EXPLICIT)
    assert added == {"mail.newField": "long"}


def test_a_tag_value_that_is_an_object_does_not_fit_the_keyword_template():
    with pytest.raises(MappingConflict, match=r"failed to parse field \[mail.tags.campaign\] of type \[keyword\]"):
        map_document({"mail": {"tags": {"campaign": [{"a": 1}]}}}, dict(EXPLICIT.fields), "1", EXPLICIT)
