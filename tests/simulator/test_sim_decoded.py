"""Records in the buffers of several streams are decoded once for the Redshift COPY and the
OpenSearch index (sinks/decoded.py), and what each sink does with a record is unchanged."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
from conftest import ROOT
from simkit import simple

from ses_metrics.simulator import Simulator, load_scenario
from ses_metrics.simulator.sinks import decoded
from ses_metrics.simulator.sinks.decoded import BufferDecoder
from ses_metrics.simulator.sinks.firehose import FirehoseSink
from ses_metrics.simulator.sinks.opensearch import MappingConflict, _document

RECORDS = [b'{"eventType":"Send","mail":{"tags":{"campaign":["c0"]}}}', b'{"eventType":"Delivery"}']
ARRIVAL = datetime(2026, 3, 1, tzinfo=UTC)


def copies(records: list[bytes]) -> list[bytes]:
    """Equal records that are other objects (as another destination's encoding would be)."""
    return [bytes(bytearray(raw)) for raw in records]


def test_a_reader_after_a_keeper_of_the_same_buffer_gets_the_keepers_values() -> None:
    decoder = BufferDecoder()
    kept = decoder.decode(RECORDS, keeps=True)
    read = decoder.decode(list(RECORDS), keeps=False)
    assert all(a is b for a, b in zip(kept, read, strict=True))


def test_a_keeper_after_a_reader_of_the_same_buffer_gets_the_readers_values() -> None:
    decoder = BufferDecoder()
    read = decoder.decode(RECORDS, keeps=False)
    kept = decoder.decode(list(RECORDS), keeps=True)
    assert all(a is b for a, b in zip(read, kept, strict=True))


def test_two_keepers_of_the_same_buffer_get_values_of_their_own() -> None:
    decoder = BufferDecoder()
    first = decoder.decode(RECORDS, keeps=True)
    second = decoder.decode(list(RECORDS), keeps=True)
    assert first == second
    assert not any(a is b for a, b in zip(first, second, strict=True))


def test_a_keeper_after_a_reader_that_reused_another_keepers_values_gets_values_of_its_own() -> None:
    decoder = BufferDecoder()
    first = decoder.decode(RECORDS, keeps=True)
    decoder.decode(RECORDS, keeps=False)
    third = decoder.decode(RECORDS, keeps=True)
    assert not any(a is b for a, b in zip(first, third, strict=True))


def test_the_records_a_buffer_shares_with_the_previous_one_reuse_its_values() -> None:
    decoder = BufferDecoder()
    first = decoder.decode(RECORDS, keeps=False)
    [value] = decoder.decode(RECORDS[1:], keeps=True)  # a stream that takes fewer event types
    assert value is first[1]


def test_equal_records_that_are_other_objects_are_decoded_again() -> None:
    decoder = BufferDecoder()
    first = decoder.decode(RECORDS, keeps=False)
    again = decoder.decode(copies(RECORDS), keeps=False)
    assert first == again
    assert first[0] is not again[0]


def test_a_buffer_over_the_shared_size_is_not_kept_for_the_next_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoded, "_SHARED_BYTES", len(RECORDS[0]))
    decoder = BufferDecoder()
    first = decoder.decode(RECORDS, keeps=False)
    assert decoder.decode(RECORDS, keeps=False)[0] is not first[0]


def test_a_record_that_is_not_json_decodes_to_the_error_it_raised() -> None:
    [value] = BufferDecoder().decode([b'{"eventType": "Send", '], keeps=False)
    assert isinstance(value, ValueError)
    with pytest.raises(MappingConflict, match="failed to parse: "):
        _document(value)


def test_redshift_reports_a_line_that_is_not_json_as_load_error_1216(example_template: dict) -> None:
    sim = Simulator(example_template)
    stream = next(s for s in sim.topology.streams.values() if s.kind == "redshift")
    good = orjson.dumps(sim.send_email(**simple()).events[0].event.record)
    sim.redshift.deliver(stream, "bucket", "staged", [b"{not json", good], None, ARRIVAL)
    [error] = sim.redshift.load_errors
    assert (error.line_number, error.err_code) == (1, 1216)
    assert error.err_reason.startswith("Invalid JSON object in input line: ")
    assert sim.redshift.loads[-1]["status"] == "failed"  # MAXERROR 0: the good line is not loaded either


def count_decodes(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The records ``sinks.decoded`` decodes from now on (without the test suite's verification)."""
    calls: list[bytes] = []
    monkeypatch.setenv(decoded.VERIFY_ENV, "0")
    monkeypatch.setattr(decoded, "decode", lambda raw: calls.append(raw) or orjson.loads(raw))
    return calls


def followed(template: dict, *, hand_over: bool = True) -> Simulator:
    """The example scenario run; ``hand_over``: Firehose hands the sinks each record's value."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(FirehoseSink, "hand_over_values", hand_over)
        sim = Simulator(template)
        sim.run(load_scenario(ROOT / "examples" / "scenario.yaml"))
    return sim


def test_the_example_apps_warehouse_and_search_records_are_not_decoded(example_template: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_decodes(monkeypatch)
    sim = followed(example_template)
    assert sum(sim.redshift.rows_loaded.values()) > sum(sim.opensearch.indexed.values()) > 0
    assert calls == []


def test_without_values_handed_over_each_record_is_decoded_once(example_template: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_decodes(monkeypatch)
    sim = followed(example_template, hand_over=False)
    loaded, indexed = sum(sim.redshift.rows_loaded.values()), sum(sim.opensearch.indexed.values())
    assert loaded > indexed > 0  # the search stream takes fewer event types than the warehouse
    assert len(calls) == len({id(raw) for raw in calls}) == loaded


def test_rows_and_documents_are_the_same_whether_values_are_handed_over_or_decoded(example_template: dict) -> None:
    handed, decoded_ = followed(example_template), followed(example_template, hand_over=False)
    [table] = handed.redshift.tables
    sql = f"SELECT * FROM {table} ORDER BY ALL"
    assert handed.redshift.query(sql) == decoded_.redshift.query(sql) != []
    [index] = handed.opensearch.indexes
    assert handed.opensearch.documents(index) == decoded_.opensearch.documents(index) != []
    assert handed.opensearch.mapping(index) == decoded_.opensearch.mapping(index)


KNOWN = [orjson.loads(raw) for raw in RECORDS]


def test_a_reader_gets_the_known_values_themselves() -> None:
    values = BufferDecoder(verify=False).decode([b"not read"] * 2, keeps=False, known=KNOWN)
    assert all(a is b for a, b in zip(values, KNOWN, strict=True))


def test_the_first_keeper_owns_the_known_values_and_a_second_gets_them_decoded() -> None:
    decoder = BufferDecoder(verify=False)
    first = decoder.decode(RECORDS, keeps=True, known=KNOWN)
    second = decoder.decode(RECORDS, keeps=True, known=KNOWN)
    assert all(a is b for a, b in zip(first, KNOWN, strict=True))
    assert second == KNOWN and not any(a is b for a, b in zip(second, KNOWN, strict=True))


def test_verification_refuses_a_known_value_that_is_not_its_records_json() -> None:
    known = [{"eventType": "Send", "mail": {"tags": {"campaign": ("c0",)}}}, KNOWN[1]]  # a tuple encodes as a list
    with pytest.raises(AssertionError, match="record 0 of a buffer is not the JSON of the value it was encoded from"):
        BufferDecoder(verify=True).decode(RECORDS, keeps=False, known=known)


def test_verification_is_on_when_the_environment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(decoded.VERIFY_ENV, "1")
    assert BufferDecoder().verify
    monkeypatch.setenv(decoded.VERIFY_ENV, "0")
    assert not BufferDecoder().verify


@pytest.mark.parametrize(("a", "b"), [
    ({"a": 1, "b": 2}, {"b": 2, "a": 1}),  # key order: the record's bytes differ
    ([1], [1.0]),
    ([1], (1,)),
    ({"a": True}, {"a": 1}),
    ({"a": None}, {}),
])
def test_same_json_tells_values_of_different_json_apart(a: object, b: object) -> None:
    assert not decoded.same_json(a, b)


def test_same_json_holds_for_a_record_and_its_decoded_bytes() -> None:
    assert all(decoded.same_json(orjson.loads(raw), value) for raw, value in zip(RECORDS, KNOWN, strict=True))
