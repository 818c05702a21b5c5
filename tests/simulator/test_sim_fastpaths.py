"""The simulator's shortcuts on its hot path change no result: memoized partition prefixes,
reused dimension values, cached tag checks."""

from __future__ import annotations

import gc
import tracemalloc
import weakref
from datetime import UTC, datetime, timedelta

import pytest
from simkit import base, cloudwatch, destination, raw, simple, with_firehose

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.codec import encode
from ses_metrics.simulator.scenario import Scenario, ScenarioError, ScenarioSend, parse_scenario
from ses_metrics.simulator.sends import SimulationOptions, iso_ms
from ses_metrics.simulator.sinks import firehose
from ses_metrics.simulator.sinks.opensearch import MappingConflict, _parse
from ses_metrics.simulator.topology import EmailTemplate

START = datetime(2026, 3, 1, 22, 30, tzinfo=UTC)
ALL_OBJECTS = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}


def partitioned(query: str, prefix: str) -> dict:
    extended = {
        "DynamicPartitioningConfiguration": {"Enabled": True},
        "ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "MetadataExtraction", "Parameters": [
            {"ParameterName": "MetadataExtractionQuery", "ParameterValue": query},
            {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
        ]}]},
    }
    return with_firehose(base(), prefix=prefix, extended=extended, compression="UNCOMPRESSED", stream_put_resource=ALL_OBJECTS)


BY_TYPE_AND_SET = partitioned(
    '{eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}',
    "ses/!{partitionKeyFromQuery:eventType}/!{partitionKeyFromQuery:configurationSet}/!{timestamp:yyyy/MM/dd/HH}/",
)


def send_across_hours(sim: Simulator) -> None:
    """Sends 20 minutes apart from 22:30 over midnight: Send, Delivery and Bounce events."""
    for i in range(9):
        to = "bounce@simulator.amazonses.com" if i % 3 == 0 else "success@simulator.amazonses.com"
        sim.send_email(**simple(to, tags={"campaign": f"c{i % 2}"}), at=START + timedelta(minutes=20 * i))
    sim.flush()


def test_partition_prefixes_memoized_per_type_set_and_hour_equal_those_evaluated_per_record(monkeypatch: pytest.MonkeyPatch) -> None:
    memoized = Simulator(BY_TYPE_AND_SET)
    monkeypatch.setattr(firehose, "_FIXED_PATHS", frozenset())  # every record runs the query and evaluates the prefix
    evaluated = Simulator(BY_TYPE_AND_SET)
    send_across_hours(memoized)
    send_across_hours(evaluated)
    assert memoized.firehose._partition_prefixes, "the memo was not used"
    assert not evaluated.firehose._partition_prefixes
    assert memoized.s3.items() == evaluated.s3.items()


def test_memoized_partition_prefixes_follow_the_event_type_and_the_hour() -> None:
    sim = Simulator(BY_TYPE_AND_SET)
    send_across_hours(sim)
    prefixes = {key.rsplit("/", 1)[0] for _, key, _ in sim.s3.items()}
    hours = ("2026/03/01/22", "2026/03/01/23", "2026/03/02/00", "2026/03/02/01")
    sends = {f"ses/{event_type}/marketing/{hour}" for event_type in ("Send", "Delivery") for hour in hours}
    bounces = {f"ses/Bounce/marketing/{hour}" for hour in hours[:3]}  # sends 0, 3 and 6 bounce: 22:30, 23:30, 00:30
    assert prefixes == sends | bounces


def test_a_query_reading_a_message_tag_is_evaluated_per_record() -> None:
    sim = Simulator(partitioned("{campaign:.mail.tags.campaign[0]}", "campaign=!{partitionKeyFromQuery:campaign}/"))
    send_across_hours(sim)
    assert not sim.firehose._partition_prefixes
    assert {key.split("/", 1)[0] for _, key, _ in sim.s3.items()} == {"campaign=c0", "campaign=c1"}


def test_dimension_values_follow_each_message_when_tags_alternate() -> None:
    template = base()
    template["Resources"]["Metrics"] = destination("metrics", ["send", "delivery"], CloudWatchDestination=cloudwatch(("campaign", "messageTag", "none"))["CloudWatchDestination"])
    sim = Simulator(template, keep_events=False)
    for campaign in ("c1", "c2", "c1", "c1", None):
        sim.process(ScenarioSend(simple(tags={"campaign": campaign} if campaign else None)))
    sums = {(metric, dims["campaign"]): sim.metrics.sum(metric, dims) for metric, dims in sim.metrics.metrics() if dims}
    assert sums == {("Delivery", "c1"): 3, ("Delivery", "c2"): 1, ("Delivery", "none"): 1, ("Send", "c1"): 3, ("Send", "c2"): 1, ("Send", "none"): 1}


def test_an_invalid_tag_is_refused_every_time_it_is_sent() -> None:
    sim = Simulator(base())
    for _ in range(2):
        with pytest.raises(Exception, match="BadRequestException"):
            sim.send_email(**simple(tags={"campaign": "spring sale"}))


def test_extra_auto_tags_cannot_replace_the_tags_ses_sets_itself() -> None:
    options = SimulationOptions(extra_auto_tags={"ses:configuration-set": "other", "ses:recipient-isp": "Gmail"})
    result = Simulator(base(), options=options).send_email(**simple())
    tags = result.events[0].event.record["mail"]["tags"]
    assert tags["ses:configuration-set"] == ["marketing"]
    assert tags["ses:recipient-isp"] == ["Gmail"]


def test_a_record_that_is_not_json_is_a_mapper_parsing_exception() -> None:
    with pytest.raises(MappingConflict, match="failed to parse: ") as raised:
        _parse(b'{"eventType": "Send", ')
    assert raised.value.type == "mapper_parsing_exception"


@pytest.mark.parametrize("moment", [
    datetime(1970, 1, 1, tzinfo=UTC), datetime(2024, 2, 29, 23, 59, 59, 999000, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2026, 12, 31, 12, 7, 5, 30000, tzinfo=UTC), datetime(2099, 6, 15, 0, 0, 59, 1000, tzinfo=UTC),
])
def test_timestamps_are_ses_format_to_the_millisecond(moment: datetime) -> None:
    assert iso_ms(int(moment.timestamp() * 1000)) == moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@pytest.mark.parametrize("enabled_before", [True, False])
def test_a_run_pauses_the_cyclic_garbage_collector_and_restores_it(enabled_before: bool) -> None:
    sim = Simulator(base())
    seen: list[bool] = []
    sim.observers.append(lambda event: seen.append(gc.isenabled()))
    (gc.enable if enabled_before else gc.disable)()
    try:
        sim.run(Scenario([ScenarioSend(simple()), ScenarioSend(simple())]))
        after = gc.isenabled()
    finally:
        gc.enable()
    assert seen == [False] * 4  # a Send and a Delivery per send
    assert after is enabled_before


def many_sends(count: int = 200) -> Scenario:
    return Scenario([ScenarioSend(simple()) for _ in range(count)])


def test_what_a_run_keeps_is_not_left_for_the_young_collections_to_rescan() -> None:
    result = Simulator(base()).run(many_sends())
    kept = {id(send) for send in result.sends}
    young = {id(o) for o in gc.get_objects(generation=0) + gc.get_objects(generation=1)}
    assert len(kept) == 200 and not kept & young


def test_a_run_leaves_objects_the_program_froze_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        Simulator(base()).run(many_sends(20))
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_cycles_a_run_leaves_are_still_collected() -> None:
    sim = Simulator(base())
    result = sim.run(many_sends(20))
    gone = weakref.ref(result.sends[0])
    sim.observers.append(lambda event, held=sim: None)  # a cycle through the simulator: only the collector frees it
    del sim, result
    gc.collect()
    assert gone() is None


def test_the_json_document_is_built_with_the_collector_paused_and_restored(monkeypatch: pytest.MonkeyPatch) -> None:
    from ses_metrics.simulator.outcomes import SendResult

    result = Simulator(base()).run(Scenario([ScenarioSend(simple())]))
    seen: list[bool] = []
    document = SendResult.to_json
    monkeypatch.setattr(SendResult, "to_json", lambda self: seen.append(gc.isenabled()) or document(self))
    assert gc.isenabled()
    assert result.to_json()["sends"] == [document(result.sends[0])]
    assert seen == [False] and gc.isenabled()


RAW = "From: news@example.com\nTo: success@simulator.amazonses.com\nSubject: Raw\nX-SES-CONFIGURATION-SET: marketing\n\nhello\n"


def repeated_requests() -> list[ScenarioSend]:
    """Requests sent again and again, among ones sent once: simple, templated, raw (str and bytes)."""
    template = {"Template": {"TemplateContent": {"Subject": "Hi {{name}}", "Text": "Hi {{name}}"}, "TemplateData": '{"name": "Ada"}'}}
    kinds = [
        simple(tags={"campaign": "c1"}),
        simple(["success@simulator.amazonses.com", "bounce@simulator.amazonses.com"], tags={"campaign": "c2"}),
        simple(Content=template),
        {"FromEmailAddress": "news@example.com", **raw(RAW)},
        {"FromEmailAddress": "news@example.com", "Content": {"Raw": {"Data": RAW.replace("\n", "\r\n").encode()}}},
    ]
    return [ScenarioSend(kinds[i % len(kinds)]) for i in range(20)] + [ScenarioSend(simple(tags={"campaign": f"once{i}"})) for i in range(3)]


def test_a_request_sent_again_gives_the_records_it_gives_when_built_each_time() -> None:
    prepared, built = Simulator(BY_TYPE_AND_SET), Simulator(BY_TYPE_AND_SET)
    built.messages._repeated.comparing = False
    first, second = prepared.run(Scenario(repeated_requests())), built.run(Scenario(repeated_requests()))
    assert prepared.messages._repeated._repeats >= 12, "the repeated requests were not reused"
    assert [e.event.record for e in first.events()] == [e.event.record for e in second.events()]
    assert len({e.event.message.message_id for e in first.events()}) == 23
    assert prepared.s3.items() == built.s3.items()


def test_sends_read_from_a_scenario_carry_their_encoding_and_give_the_records_sends_without_it_give() -> None:
    read = parse_scenario({"sends": [simple(tags={"campaign": campaign}) for campaign in ("a", "b", "a", "b")]})
    assert [send.encoded for send in read.sends] == [encode(send.request) for send in read.sends]
    plain = Scenario([ScenarioSend(send.request) for send in read.sends])
    assert [e.event.record for e in Simulator(base()).run(read).events()] == [e.event.record for e in Simulator(base()).run(plain).events()]


def test_sends_equal_as_json_are_read_as_one_send() -> None:
    spring, summer = simple(tags={"campaign": "spring"}), simple(tags={"campaign": "summer"})
    sends = parse_scenario({"sends": [spring, summer, simple(tags={"campaign": "spring"})]}).sends
    assert isinstance(sends, list)
    assert sends[0] is sends[2] and sends[0] is not sends[1]
    assert [send.request["EmailTags"][0]["Value"] for send in sends] == ["spring", "summer", "spring"]


def test_sends_equal_once_defaults_are_merged_are_read_as_one_send() -> None:
    request = simple(tags={"campaign": "spring"})
    sender = {"FromEmailAddress": request.pop("FromEmailAddress")}
    sends = parse_scenario({"defaults": sender, "sends": [request, dict(request)]}).sends
    assert isinstance(sends, list) and sends[0] is sends[1]
    assert sends[0].request["FromEmailAddress"] == sender["FromEmailAddress"]


def test_a_send_with_simulation_keys_is_read_as_its_own_beside_an_equal_request() -> None:
    request = simple(tags={"campaign": "spring"})
    sends = parse_scenario({"sends": [request, {**request, "name": "named", "opens": ["0"]}, dict(request)]}).sends
    assert isinstance(sends, list)
    assert [(send.name, list(send.engagement.opens)) for send in sends] == [(None, []), ("named", ["0"]), (None, [])]
    assert sends[1] is not sends[0] and sends[2] is sends[0]


def test_a_problem_of_a_repeated_send_is_reported_at_each_send() -> None:
    bad = simple(tags={"campaign": "spring"}) | {"FromEmailAddress": 5}
    with pytest.raises(ScenarioError) as raised:
        parse_scenario({"sends": [bad, simple(), dict(bad)]})
    assert sorted({problem.path[:2] for problem in raised.value.problems}) == [("sends", 0), ("sends", 2)]


def test_a_request_changed_between_sends_is_built_again() -> None:
    sim = Simulator(base())
    request = simple(tags={"campaign": "spring"})
    sim.process(ScenarioSend(request))
    request["EmailTags"][0]["Value"] = "summer"
    result = sim.process(ScenarioSend(request))
    assert sim.sends[-1] is result
    assert result.events[0].event.record["mail"]["tags"]["campaign"] == ["summer"]


def test_a_template_a_scenario_replaces_is_rendered_from_its_new_text() -> None:
    sim = Simulator(base())
    send = ScenarioSend(simple(Content={"Template": {"TemplateName": "welcome", "TemplateData": "{}"}}))
    subjects = []
    for subject in ("First", "Second"):
        scenario = Scenario([send], templates={"welcome": EmailTemplate("welcome", subject, None, "hello")})
        subjects.append(sim.run(scenario).sends[-1].events[0].event.record["mail"]["commonHeaders"]["subject"])
    assert subjects == ["First", "Second"]


def test_the_factory_stops_comparing_requests_that_never_repeat() -> None:
    sim = Simulator(base(), keep_events=False)
    for i in range(4097):
        sim.process(ScenarioSend(simple(tags={"campaign": f"c{i}"})))
    assert sim.messages._repeated.comparing is False
    assert sim.event_count == 2 * 4097


def test_a_record_kept_in_a_streams_buffer_holds_memory_of_its_own_size() -> None:
    sim = Simulator(BY_TYPE_AND_SET)  # keeps payloads: the archive's buffer holds every record
    tracemalloc.start()
    try:
        result = sim.send_email(**simple())
        snapshot = tracemalloc.take_snapshot()
        record = result.events[0].event.record_bytes
        allocated_at = tracemalloc.get_object_traceback(record)
    finally:
        tracemalloc.stop()
    assert record is not None and len(record) > 1000
    sizes = [trace.size for trace in snapshot.traces if trace.traceback == allocated_at]
    assert sizes and max(sizes) < 2 * len(record)  # orjson's own output keeps its write buffer: four times this record
