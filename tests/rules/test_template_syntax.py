"""rules.template_syntax: intrinsic arguments, resource entries, sections and property JSON
types, each compared with CloudFormation's own resource schemas (the registry schemas
cfn-lint ships), an implementation nobody here wrote."""

from __future__ import annotations

import pytest
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

from ses_metrics.rules import template_syntax as ts

_JSON_TYPES = {ts.OBJECT: {"object"}, ts.ARRAY: {"array"}, ts.OBJECT_OR_STRING: {"object", "string"}}
# The registry schema of AWS::IAM::ManagedPolicy types PolicyDocument as a string; CloudFormation
# takes an object there too (as for every other policy document, and CDK writes one).
_WIDER_THAN_THE_SCHEMA = {("AWS::IAM::ManagedPolicy", "PolicyDocument"): {"string"}}


def _schema_types(resource_type: str, path: str) -> set[str]:
    """The JSON types CloudFormation's schema gives ``path`` (``a.b[].c``) of ``resource_type``."""
    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema("us-east-1", resource_type).schema
    node = {"properties": schema["properties"]}
    for part in path.replace("[]", ".[]").split("."):
        node = node["items"] if part == "[]" else node["properties"][part]
        while "$ref" in node:
            node = schema["definitions"][node["$ref"].rsplit("/", 1)[-1]]
    kinds = node.get("type", "object" if "properties" in node else "string")
    return set(kinds) if isinstance(kinds, list) else {kinds}


@pytest.mark.parametrize(("resource_type", "path"), [(t, p) for t, paths in ts.PROPERTY_KINDS.items() for p in paths])
def test_every_property_kind_is_cloudformations_schema_type(resource_type, path):
    kind = ts.PROPERTY_KINDS[resource_type][path]
    types = _schema_types(resource_type, path)
    if kind == ts.SCALAR:
        assert types <= {"string", "integer", "number", "boolean"}, types
    else:
        assert types == _WIDER_THAN_THE_SCHEMA.get((resource_type, path), _JSON_TYPES[kind])


@pytest.mark.parametrize(
    ("name", "argument"),
    [("Ref", "Set"), ("Fn::GetAtt", ["Set", "Arn"]), ("Fn::GetAtt", "Set.Arn"), ("Fn::GetAtt", ["Set", {"Ref": "Attr"}]),
     ("Fn::Join", ["-", ["a", "b"]]), ("Fn::Join", ["", {"Fn::GetAZs": ""}]), ("Fn::Sub", "x-${AWS::Region}"), ("Fn::Sub", ["${a}", {"a": 1}]),
     ("Fn::Select", [0, ["a"]]), ("Fn::Select", ["1", {"Fn::Split": [",", "a,b"]}]), ("Fn::Split", [",", "a,b"]), ("Fn::If", ["C", 1, 2]),
     ("Fn::FindInMap", ["M", "a", "b"]), ("Fn::FindInMap", ["M", {"Ref": "AWS::Region"}, "b", {"DefaultValue": "x"}]),
     ("Fn::ImportValue", "name"), ("Fn::ImportValue", {"Fn::Sub": "${AWS::StackName}-x"}), ("Fn::Base64", "x"),
     ("Fn::Equals", ["a", "b"]), ("Fn::And", [{"Condition": "A"}, {"Condition": "B"}]), ("Fn::Not", [{"Condition": "A"}]),
     ("Fn::Length", [1, 2]), ("Fn::ToJsonString", {"a": 1}), ("Fn::Transform", "anything: not judged")],
)
def test_intrinsics_in_the_forms_the_template_reference_gives_are_accepted(name, argument):
    assert ts.check_intrinsic(name, argument) is None


@pytest.mark.parametrize(
    ("name", "argument"),
    [("Ref", ["Set"]), ("Fn::GetAtt", "NoDot"), ("Fn::GetAtt", [1, "Arn"]), ("Fn::Join", ["-"]), ("Fn::Join", [1, ["a"]]),
     ("Fn::Sub", {"a": 1}), ("Fn::Sub", ["${a}", ["a"]]), ("Fn::Select", 5), ("Fn::Select", [[0], ["a"]]), ("Fn::Split", "a"),
     ("Fn::If", ["C", 1]), ("Fn::If", [["C"], 1, 2]), ("Fn::FindInMap", ["M"]), ("Fn::FindInMap", ["M", "a", "b", "c"]),
     ("Fn::ImportValue", ["a"]), ("Fn::Base64", 5), ("Fn::Equals", ["a"]), ("Fn::And", [{"Condition": "A"}]),
     ("Fn::Or", [{}] * 11), ("Fn::Not", []), ("Fn::Length", "abc"), ("Fn::ToJsonString", "x"), ("Condition", {"a": 1})],
)
def test_intrinsics_of_another_shape_are_refused_saying_what_they_take(name, argument):
    why = ts.check_intrinsic(name, argument)
    assert why is not None and why.startswith(f"{name} takes {ts.INTRINSIC_ARGUMENTS[name]}; got ")


def test_property_kinds_name_the_path_and_skip_unknown_scalars():
    found = list(ts.check_property_kinds("AWS::SES::ConfigurationSetEventDestination", {
        "ConfigurationSetName": {"a": 1},
        "EventDestination": {"Name": "d", "MatchingEventTypes": ["send", ["bounce"]],
                             "CloudWatchDestination": {"DimensionConfigurations": ["x", {"DimensionName": "c"}]}},
    }))
    assert [(where, refused) for where, _, refused in found] == [
        ("ConfigurationSetName", True), ("EventDestination.MatchingEventTypes[1]", True),
        ("EventDestination.CloudWatchDestination.DimensionConfigurations[0]", True),
    ]


def test_sections_parameters_outputs_and_conditions_of_the_wrong_shape_are_named():
    template = {"Mappings": [1], "Parameters": {"P": "String"}, "Outputs": {"O": 5}, "Conditions": {"C": {"Fn::If": ["a", 1, 2]}}}
    assert [where for where, _ in ts.check_sections(template)] == ["Mappings", "Parameters.P", "Outputs.O", "Conditions.C"]
