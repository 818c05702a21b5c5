"""The explicit-mapping walk's shortcuts (a timestamp in a date field, a number in a numeric
field, a boolean, an object whose every child is a keyword) change no verdict: each document
is mapped twice, by ``map_document`` and by a plain walk that sends every value through
``one_value`` (the reference for every case), and both must add the same fields or raise the
same error."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ses_metrics.rules import record_schema
from ses_metrics.simulator.sinks import opensearch_mapping
from ses_metrics.simulator.sinks.opensearch_mapping import (
    FIELDS_LIMIT,
    AcceptedObjects,
    MappingConflict,
    ObjectMapping,
    compile_mapping,
    map_document,
)


class PlainWalk(opensearch_mapping._Walk):
    """The walk without shortcuts: every listed key's value, or each element of an array,
    through ``one_value``; a key the mapping does not list through ``unlisted``."""

    def mapped_object(self, node: ObjectMapping, value: dict[str, Any]) -> None:
        for key, item in value.items():
            spec = node.children.get(key)
            if spec is None:
                spec = self.unlisted(node, key, item)
                if spec is None:
                    continue
            for one in item if item.__class__ is list else [item]:
                if one is None:
                    continue
                if one.__class__ is dict and isinstance(spec, ObjectMapping):
                    if spec.enabled:
                        self.mapped_object(spec, one)
                else:
                    self.one_value(node, key, spec, one)


def verdict(document: dict, mapping: dict[str, str], explicit, *, plain: bool = False) -> tuple[str, Any]:
    """What ``map_document`` makes of a document: the fields it adds, or the conflict (type,
    reason, status); with ``plain``, through the walk without shortcuts."""
    with pytest.MonkeyPatch.context() as patched:
        if plain:
            patched.setattr(opensearch_mapping, "_Walk", PlainWalk)
        try:
            return "added", map_document(document, mapping, "doc-1", explicit)
        except MappingConflict as conflict:
            return type(conflict).__name__, (conflict.type, conflict.reason, conflict.status)


def both(document: dict, mapping: dict[str, str], explicit) -> tuple[tuple, tuple]:
    """The verdict of ``map_document`` and of the plain walk on the same input."""
    return verdict(copy.deepcopy(document), dict(mapping), explicit), verdict(copy.deepcopy(document), dict(mapping), explicit, plain=True)


def in_sequence(documents: list[dict], explicit) -> set[str]:
    """Documents one after the other into one index, each adding to the mapping what it maps
    dynamically, by both walks (each with its own mapping); the verdicts must agree. Returns
    the outcomes seen."""
    fast_mapping, plain_mapping = dict(explicit.fields), dict(explicit.fields)
    outcomes = set()
    for document in documents:
        fast = verdict(document, fast_mapping, explicit)
        assert fast == verdict(document, plain_mapping, explicit, plain=True), document
        assert fast_mapping == plain_mapping
        outcomes.add(fast[0])
        if fast[0] == "added":
            fast_mapping.update(fast[1])
            plain_mapping.update(fast[1])
    return outcomes


MAPPING = {
    "dynamic_templates": [{"labels": {"path_match": "labels.*", "mapping": {"type": "keyword"}}},
                          {"counts": {"path_match": "counts.*", "mapping": {"type": "long"}}}],
    "properties": {
        "at": {"type": "date"},
        "n": {"type": "long"},
        "ratio": {"type": "double"},
        "flag": {"type": "boolean"},
        "word": {"type": "keyword"},
        "prose": {"type": "text"},
        "address": {"type": "ip"},
        "headers": {"properties": {"name": {"type": "keyword"}, "value": {"type": "keyword"}}},
        "mixed": {"properties": {"name": {"type": "keyword"}, "at": {"type": "date"}}},
        "hidden": {"type": "object", "enabled": False},
        "labels": {"type": "object"},
        "counts": {"type": "object"},
    },
}
EXPLICIT = compile_mapping(MAPPING)
SES = compile_mapping(record_schema.opensearch_mapping())
IMMENSE = "a" * (opensearch_mapping.MAX_TERM_BYTES + 1)


def test_the_all_keyword_object_shortcut_is_only_taken_where_it_applies():
    assert EXPLICIT.root.children["headers"].keyword_keys == frozenset({"name", "value"})
    assert EXPLICIT.root.children["mixed"].keyword_keys is None  # a date among its children
    assert EXPLICIT.root.children["labels"].keyword_keys is None  # no children: the template maps its keys
    assert EXPLICIT.root.children["labels"].keyword_template and SES.root.children["mail"].children["tags"].keyword_template
    assert not EXPLICIT.root.children["counts"].keyword_template  # its template maps a long


@pytest.mark.parametrize("document", [
    {"at": "2026-03-02T10:00:00.000Z"},  # SES's form
    {"at": "2026-03-02"}, {"at": "2026-03-02T10"}, {"at": "2026-03-02T10:00:00,5+01:00"},
    {"at": "2026-03-02T10:00:00.000"}, {"at": "2026-03-02T10:00:00.0000Z"},
    {"at": "２０２６-03-02T10:00:00.000Z"},  # fullwidth digits: \\d takes them, [0-9] does not
    {"at": "2026-03-02T10:00:00 000Z"}, {"at": "2026-03-02 10:00:00.000Z"}, {"at": "2026-03-02T10:00:00.000z"}, {"at": "2026-03-02T10:00:00.00AZ"},
    {"at": "2026-3-2"}, {"at": "Spring sale"}, {"at": ""}, {"at": " 2026-03-02"}, {"at": "2026-03-02T10:00:00.000Z "},
    {"at": 1772445600000}, {"at": 1.5}, {"at": True}, {"at": ["2026-03-02", "soon"]}, {"at": {"t": 1}},
])
def test_dates(document):
    fast, plain = both(document, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("field", ["n", "ratio"])
@pytest.mark.parametrize("value", [1, -7, 1.5, 1e300, True, False, "12", " 3.5e2 ", "1,5", "twelve", "", None, [], [1, "x"], {"a": 1}])
def test_numbers_and_numeric_strings(field, value):
    fast, plain = both({field: value}, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("value", [True, False, "true", "false", "", "yes", 0, 1, 1.0, None, [True, "no"], {"b": True}])
def test_booleans(value):
    fast, plain = both({"flag": value}, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("document", [
    {"word": "x", "prose": "y", "address": "192.0.2.1"}, {"address": "::1"}, {"address": "not an address"}, {"address": 3},
    {"word": 3}, {"word": True}, {"word": {"inner": "x"}}, {"prose": {"inner": "x"}}, {"word": IMMENSE}, {"word": [IMMENSE]},
    {"word": "é" * (opensearch_mapping.MAX_TERM_BYTES // 2)},  # short in characters, immense in UTF-8 bytes
    {"prose": IMMENSE}, {"word": [["nested"]]},
])
def test_concrete_values(document):
    fast, plain = both(document, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("headers", [
    [{"name": "From", "value": "a@example.com"}, {"name": "To", "value": "b@example.com"}],
    [{"name": "From", "value": "a"}, {"name": "X", "other": 1}],  # an unlisted key: mapped dynamically
    [{"name": "From", "extra": "a string too"}],
    [{"name": "From", "value": 5}], [{"name": "From", "value": None}], [{"name": "From", "value": ["a", "b"]}],
    [{"name": "From", "value": {"deep": 1}}], [{"name": "From", "value": IMMENSE}], [{"name": "From", "value": [IMMENSE]}],
    [{}, None, []], [{"name": "x"}, "a concrete value"], ["a concrete value", {"name": IMMENSE}],
    {"name": "an object, not an array"}, "a concrete value", [], None,
])
def test_arrays_of_objects_whose_every_child_is_a_keyword(headers):
    fast, plain = both({"headers": headers}, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("document", [
    {"mixed": {"name": "a", "at": "2026-03-02T10:00:00.000Z"}}, {"mixed": [{"at": "later"}]}, {"mixed": "flat"},
    {"hidden": {"anything": {"at": 1}}}, {"hidden": "a concrete value"}, {"hidden": [{"a": 1}, 2]},
    {"labels": {"team": ["a", "b"], "owner": "c", "gone": None, "none": []}}, {"labels": {"team": {"a": 1}}},
    {"labels": {"team": IMMENSE}}, {"labels": {"team": 3}}, {"labels": "flat"},
    {"counts": {"opens": 3, "clicks": "4"}}, {"counts": {"opens": "many"}},
    {"unlisted": {"a": 1, "b": "2026-03-02", "c": "text", "d": [1.5], "e": True, "f": None, "g": []}},
    {"n": None, "word": None, "headers": None, "labels": None}, {"n": [], "word": [], "headers": [], "labels": []},
])
def test_objects_templates_nulls_and_empty_arrays(document):
    fast, plain = both(document, EXPLICIT.fields, EXPLICIT)
    assert fast == plain


@pytest.mark.parametrize("labels", [
    {"a": None, "b": [], "c": [None], "d": ["x", None], "e": [1], "f": ["x", IMMENSE], "g": "x", "h": 5, "i": {"x": 1}},
    {"j": [["x"]], "k": [{"x": 1}], "l": True, "m": "é" * (opensearch_mapping.MAX_TERM_BYTES // 2)},
    {"team": ["x"], "owner": "y"}, {"team": ["5"], "owner": 5}, {"team": None, "owner": []},
])
@pytest.mark.parametrize("known", [{}, {"labels.team": "keyword"}, {"labels.team": "long", "labels.owner": "date"}])
def test_keys_a_keyword_template_maps(labels, known):
    fast, plain = both({"labels": labels}, {**EXPLICIT.fields, **known}, EXPLICIT)
    assert fast == plain


def test_the_total_fields_limit():
    near = {**EXPLICIT.fields, **{f"filler{i}": "long" for i in range(FIELDS_LIMIT - len(EXPLICIT.fields) - 1)}}
    for document in ({"labels": {"one": "a"}}, {"labels": {"one": "a", "two": "b"}}, {"new": 1, "headers": [{"name": "a"}]}):
        fast, plain = both(document, near, EXPLICIT)
        assert fast == plain
    assert both({"labels": {"one": "a", "two": "b"}}, near, EXPLICIT)[0][0] == "MappingConflict"


LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**15, 10**15), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["2026-03-02T10:00:00.000Z", "2026-03-02", "12", "true", "", "192.0.2.1", "Spring sale", IMMENSE]),
    st.text(max_size=8),
)
KEYS = st.sampled_from(["at", "n", "ratio", "flag", "word", "prose", "address", "headers", "mixed", "hidden", "labels",
                        "counts", "name", "value", "timestamp", "mail", "tags", "campaign", "new"])
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=4), max_leaves=12)


@settings(derandomize=True, deadline=None, max_examples=300)
@given(st.lists(st.dictionaries(KEYS, VALUES, max_size=6), min_size=1, max_size=4))
def test_any_documents_in_sequence_against_an_explicit_mapping(documents):
    in_sequence(documents, EXPLICIT)
    in_sequence(documents, SES)


def test_ses_event_records_in_sequence(example_result):
    """The example scenario's documents against the SES record's mapping, then some with a
    value swapped for one its field does not take."""
    documents = example_result.simulator.opensearch.documents("ses-events")
    changed = []
    for document in documents[:10]:
        for key, value in (("timestamp", "yesterday"), ("headersTruncated", "no"), ("headers", ["From: a"]),
                           ("commonHeaders", "flat"), ("tags", {"campaign": [{"a": 1}]})):
            copied = copy.deepcopy(document)
            copied["mail"][key] = value
            changed.append(copied)
    assert in_sequence([*documents, *changed], SES) == {"added", "MappingConflict"}


def remembering(documents: list[dict], explicit) -> list[tuple[str, Any]]:
    """The verdicts of documents in sequence into one index whose accepted lists are remembered."""
    mapping, accepted, verdicts = dict(explicit.fields), AcceptedObjects(), []
    for document in documents:
        try:
            added = map_document(document, mapping, "doc-1", explicit, accepted)
        except MappingConflict as conflict:
            verdicts.append(("MappingConflict", (conflict.type, conflict.reason, conflict.status)))
        else:
            mapping.update(added)
            verdicts.append(("added", added))
    return verdicts


def forgetting(documents: list[dict], explicit) -> list[tuple[str, Any]]:
    """The same, every list walked each time (``map_document`` without ``accepted``)."""
    mapping, verdicts = dict(explicit.fields), []
    for document in documents:
        found = verdict(document, mapping, explicit)
        if found[0] == "added":
            mapping.update(found[1])
        verdicts.append(found)
    return verdicts


SHARED_KEYS = st.sampled_from(["headers", "mixed", "hidden", "labels", "new"])


@settings(derandomize=True, deadline=None, max_examples=150)  # each against two mappings
@given(st.lists(st.one_of(st.lists(VALUES, max_size=3), st.dictionaries(KEYS, VALUES, max_size=4)), min_size=1, max_size=3),
       st.lists(st.tuples(st.dictionaries(KEYS, VALUES, max_size=4), SHARED_KEYS, st.integers(0, 2)), min_size=1, max_size=6))
def test_documents_sharing_lists_and_objects_get_the_verdicts_they_get_when_each_is_walked(pool, shaped):
    documents = [{**document, key: pool[choice % len(pool)]} for document, key, choice in shaped]  # the very objects, shared
    for explicit in (EXPLICIT, SES):
        assert remembering(documents, explicit) == forgetting(documents, explicit)


def test_a_list_in_an_accepted_document_is_not_walked_again():
    headers = [{"name": "From", "value": "a@example.com"}]
    accepted = AcceptedObjects()
    map_document({"headers": headers}, dict(EXPLICIT.fields), "doc-1", EXPLICIT, accepted)
    headers.append({"name": "From", "value": {"deep": 1}})  # a record changed after it was indexed: the contract says never
    assert map_document({"headers": headers}, dict(EXPLICIT.fields), "doc-2", EXPLICIT, accepted) == {}
    with pytest.raises(MappingConflict, match=r"failed to parse field \[headers.value\]"):
        map_document({"headers": headers}, dict(EXPLICIT.fields), "doc-2", EXPLICIT)


def test_tags_of_an_accepted_document_are_not_walked_again():
    labels = {"team": "a"}
    accepted = AcceptedObjects()
    map_document({"labels": labels}, dict(EXPLICIT.fields), "doc-1", EXPLICIT, accepted)
    labels["team"] = {"deep": 1}  # a record changed after it was indexed: the contract says never
    assert map_document({"labels": labels}, dict(EXPLICIT.fields), "doc-2", EXPLICIT, accepted) == {}
    with pytest.raises(MappingConflict, match=r"labels.team"):
        map_document({"labels": labels}, dict(EXPLICIT.fields), "doc-2", EXPLICIT)


def test_tags_of_a_rejected_document_are_walked_again_and_map_their_keys_then():
    labels = {"team": "a"}
    accepted, mapping = AcceptedObjects(), dict(EXPLICIT.fields)
    with pytest.raises(MappingConflict, match=r"failed to parse field \[n\]"):
        map_document({"labels": labels, "n": "many"}, mapping, "doc-1", EXPLICIT, accepted)
    assert map_document({"labels": labels}, mapping, "doc-2", EXPLICIT, accepted) == {"labels.team": "keyword"}


def test_a_list_in_a_rejected_document_is_walked_again_and_maps_its_fields_then():
    headers = [{"name": "From", "other": 1}]  # "other" is mapped dynamically, as a long
    accepted, mapping = AcceptedObjects(), dict(EXPLICIT.fields)
    with pytest.raises(MappingConflict, match=r"failed to parse field \[n\]"):
        map_document({"headers": headers, "n": "many"}, mapping, "doc-1", EXPLICIT, accepted)
    assert map_document({"headers": headers}, mapping, "doc-2", EXPLICIT, accepted) == {"headers.other": "long"}

