"""Hypothesis strategies for ``ses-metrics.yaml`` documents: valid ones, and the rules a
document can break, each with the YAML path its error must name.

A valid document has 1-3 configuration sets of 1-5 destinations (CloudWatch with 1-3
dimensions from every source, Firehose to an S3 stream, SNS to a topic, EventBridge),
0-2 S3 streams (SSE-S3 or KMS buckets, optional dynamic partitioning) and the topics its
destinations use. Every stream and topic is used by some destination.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from ses_metrics.rules import FORBIDDEN_HEADER_DIMENSIONS

EVENTS = ["send", "reject", "bounce", "complaint", "delivery", "open", "click", "renderingFailure", "deliveryDelay", "subscription"]
_FORBIDDEN = {h.lower() for h in FORBIDDEN_HEADER_DIMENSIONS}

names = st.from_regex(r"\A[a-z][a-z0-9-]{0,14}\Z")
defaults = st.from_regex(r"\A[A-Za-z0-9_-]{1,20}\Z")
tag_names = st.from_regex(r"\A[a-z][a-z0-9_-]{0,11}\Z")


@st.composite
def dimensions(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 3))
    dims_names = draw(st.lists(tag_names.filter(lambda n: n not in _FORBIDDEN), min_size=count, max_size=count, unique=True))
    sources = st.sampled_from(["message_tag", "email_header", "link_tag"])
    return [{"name": n, "source": draw(sources), "default": draw(defaults)} for n in dims_names]


@st.composite
def valid_config(draw: st.DrawFn) -> dict[str, Any]:
    """A document ``check_config`` accepts (warnings allowed)."""
    stream_names = draw(st.lists(names, max_size=2, unique=True))
    topic_names = draw(st.lists(names, max_size=1, unique=True))
    set_names = draw(st.lists(names, min_size=1, max_size=3, unique=True))
    streams = []
    for name in stream_names:
        s3: dict[str, Any] = {"prefix": draw(st.sampled_from(["ses/", "events/!{timestamp:yyyy/MM/dd}/"])), "compression": draw(st.sampled_from(["GZIP", "UNCOMPRESSED"]))}
        if draw(st.booleans()):
            s3.update(prefix="ses/", partition_by=["event_type", "configuration_set"], buffering_mib=64, buffering_seconds=60)
        s3["bucket"] = {"encryption": draw(st.sampled_from(["SSE_S3", "KMS"]))}
        streams.append({"name": name, "s3": s3})
    unused_streams, unused_topics = list(stream_names), list(topic_names)
    sets = []
    for set_name in set_names:
        kinds = draw(st.lists(st.sampled_from(["cloudwatch", "firehose", "sns", "eventbridge"]), min_size=1, max_size=5))
        if set_name == set_names[-1]:  # every stream and topic gets a publisher
            kinds += ["firehose"] * len(unused_streams) + ["sns"] * len(unused_topics)
        destinations = []
        for index, kind in enumerate(kinds):
            destination: dict[str, Any] = {"name": f"{set_name}-{index}"}
            if draw(st.booleans()):
                destination["events"] = draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=4, unique=True))
            if kind == "cloudwatch":
                destination["cloudwatch"] = {"dimensions": draw(dimensions())}
            elif kind == "firehose" and stream_names:
                stream = unused_streams.pop() if unused_streams else draw(st.sampled_from(stream_names))
                destination["firehose"] = {"stream": stream}
            elif kind == "sns" and topic_names:
                topic = unused_topics.pop() if unused_topics else topic_names[0]
                destination["sns"] = {"topic": topic}
            else:
                destination["eventbridge"] = {}
            destinations.append(destination)
        configuration_set: dict[str, Any] = {"name": set_name, "destinations": destinations[:10]}
        if draw(st.booleans()):
            configuration_set["reputation_metrics"] = draw(st.booleans())
        if draw(st.booleans()):
            configuration_set["tls_policy"] = draw(st.sampled_from(["REQUIRE", "OPTIONAL"]))
        sets.append(configuration_set)
    document: dict[str, Any] = {"stack_name": "Gen" + draw(st.from_regex(r"\A[A-Za-z0-9]{1,8}\Z")), "configuration_sets": sets}
    if streams:
        document["streams"] = streams
    if topic_names:
        document["topics"] = [{"name": n} for n in topic_names]
    return document


@dataclass(frozen=True)
class Breakage:
    """One rule broken: how to break it in a valid document, and the path its error names."""

    rule: str
    apply: Callable[[dict[str, Any]], str]  # mutates the document, returns the YAML path
    match: str  # a fragment of the error message at that path


def _first_set(doc: dict[str, Any]) -> dict[str, Any]:
    return doc["configuration_sets"][0]


def _set_value(key: str, value: Any, match: str, rule: str) -> Breakage:
    def apply(doc: dict[str, Any]) -> str:
        _first_set(doc)[key] = value
        return f"configuration_sets[0].{key}"

    return Breakage(rule, apply, match)


def _destination(doc: dict[str, Any]) -> dict[str, Any]:
    return _first_set(doc)["destinations"][0]


def _dest_value(key: str, value: Any, match: str, rule: str, suffix: str = "") -> Breakage:
    def apply(doc: dict[str, Any]) -> str:
        _destination(doc)[key] = value
        return f"configuration_sets[0].destinations[0].{key}{suffix}"

    return Breakage(rule, apply, match)


def _cloudwatch_dimension(key: str, value: Any, match: str, rule: str) -> Breakage:
    def apply(doc: dict[str, Any]) -> str:
        d = _first_set(doc)["destinations"]
        d.append({"name": "zz-broken-metrics", "cloudwatch": {"dimensions": [{"name": "campaign", "source": "message_tag", "default": "none", key: value}]}})
        return f"configuration_sets[0].destinations[{len(d) - 1}].cloudwatch.dimensions[0].{key}"

    return Breakage(rule, apply, match)


def _duplicate_destination(doc: dict[str, Any]) -> str:
    d = _first_set(doc)["destinations"]
    d.append(copy.deepcopy(d[0]))
    return f"configuration_sets[0].destinations[{len(d) - 1}].name"


def _too_many_destinations(doc: dict[str, Any]) -> str:
    d = _first_set(doc)["destinations"]
    d += [{"name": f"extra-{i}", "eventbridge": {}} for i in range(11 - len(d))]
    return "configuration_sets[0].destinations"


def _two_targets(doc: dict[str, Any]) -> str:
    d = _first_set(doc)["destinations"]
    d.append({"name": "zz-two-targets", "eventbridge": {}, "cloudwatch": {"dimensions": [{"name": "a", "source": "message_tag", "default": "x"}]}})
    return f"configuration_sets[0].destinations[{len(d) - 1}]"


def _unknown_stream(doc: dict[str, Any]) -> str:
    d = _first_set(doc)["destinations"]
    d.append({"name": "zz-nowhere", "firehose": {"stream": "no-such-stream"}})
    return f"configuration_sets[0].destinations[{len(d) - 1}].firehose.stream"


def _unknown_key(doc: dict[str, Any]) -> str:
    _first_set(doc)["colour"] = "blue"
    return "configuration_sets[0].colour"


def _bad_stack_name(doc: dict[str, Any]) -> str:
    doc["stack_name"] = "1 bad name"
    return "stack_name"


def _too_many_dimensions(doc: dict[str, Any]) -> str:
    d = _first_set(doc)["destinations"]
    d.append({"name": "zz-wide", "cloudwatch": {"dimensions": [{"name": f"d{i}", "source": "message_tag", "default": "x"} for i in range(11)]}})
    return f"configuration_sets[0].destinations[{len(d) - 1}].cloudwatch.dimensions"


BREAKAGES = [
    Breakage("stack name pattern", _bad_stack_name, "should match pattern"),
    _set_value("name", "has spaces", "SES allows 1-64 characters", "configuration set name"),
    _set_value("name", "x" * 65, "65 characters long", "configuration set name length"),
    _set_value("max_delivery_seconds", 10, "300-50400", "maximum delivery duration"),
    _set_value("tls_policy", "MAYBE", "'REQUIRE' or 'OPTIONAL'", "TLS policy"),
    _set_value("sending_enabled", "yes", "valid boolean", "strict boolean"),
    _dest_value("events", ["send", "sent"], "unknown event type 'sent'", "event type", suffix="[1]"),
    _dest_value("events", [], "list at least one", "no event types"),
    _dest_value("name", "a/b", "contains '/'", "destination name"),
    _cloudwatch_dimension("default", "ops@example.com", "DefaultDimensionValue", "dimension default"),
    _cloudwatch_dimension("source", "body", "use one of message_tag, email_header, link_tag", "dimension source"),
    _cloudwatch_dimension("name", "bad name!", "contains ' !'", "dimension name"),
    Breakage("duplicate destination name", _duplicate_destination, "already used"),
    Breakage("more than 10 destinations", _too_many_destinations, "at most 10 per configuration set"),
    Breakage("two targets", _two_targets, "exactly one target"),
    Breakage("undeclared stream", _unknown_stream, "'no-such-stream' is not declared"),
    Breakage("unknown key", _unknown_key, "unknown key 'colour'; allowed keys here"),
    Breakage("more than 10 dimensions", _too_many_dimensions, "at most 10 per CloudWatch destination"),
]
