"""Templates CloudFormation would refuse are refused with where and why (a TemplateError,
exit 2 at the command line), never a traceback: malformed intrinsics, circular references,
circular conditions, resources and properties of the wrong shape; and reference chains
longer than the resolver follows."""

from __future__ import annotations

import pytest

from ses_metrics.simulator import TemplateError
from ses_metrics.simulator.template import MAX_REFERENCE_CHAIN, REFUSED, load_stacks
from ses_metrics.simulator.topology import build_topology


def set_named(name, **extra):
    return {"Resources": {"Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": name}}}, **extra}


def refused(template, match):
    with pytest.raises(TemplateError, match=match) as raised:
        build_topology(template)
    return str(raised.value)


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ({"Fn::Join": ["-"]}, r"Fn::Join takes \[delimiter, \[values\]\]; got a list \['-'\]"),
        ({"Fn::Select": 5}, r"Fn::Select takes \[index, \[values\]\]; got a number 5"),
        ({"Fn::Sub": {"a": 1}}, r"Fn::Sub takes a string, or \[string, \{variable: value\}\]; got a mapping"),
        ({"Fn::If": ["C"]}, r"Fn::If takes \[conditionName, valueIfTrue, valueIfFalse\]"),
        ({"Fn::FindInMap": ["M"]}, r"Fn::FindInMap takes \[mapName, topLevelKey, secondLevelKey\]"),
        ({"Ref": ["Set"]}, r"Ref takes a logical ID or parameter name; got a list"),
        ({"Fn::GetAtt": 5}, r"Fn::GetAtt takes \[logicalName, attributeName\]"),
        ({"Fn::Split": ["", "a,b"]}, r"Fn::Split needs a delimiter that is not empty"),
        ({"Fn::Join": ["", [{"Ref": {"a": 1}}]]}, r"Ref takes a logical ID"),
    ],
)
def test_a_malformed_intrinsic_is_refused_naming_the_property(value, why):
    message = refused(set_named(value), why)
    assert message.startswith(f"{REFUSED}: Stack/Set.Properties.Name")


def test_the_path_reaches_into_nested_values():
    template = set_named("s")
    template["Resources"]["Set"]["Properties"]["Tags"] = [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": {"Fn::Join": "x"}}]
    refused(template, r"Stack/Set\.Properties\.Tags\[1\]\.Value: Fn::Join takes")


def test_resources_that_name_each_other_are_a_circular_dependency():
    template = {"Resources": {
        "Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Ref": "Other"}}},
        "Other": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Ref": "Set"}}},
    }}
    refused(template, r"circular dependency between resources: (Set -> Other -> Set|Other -> Set -> Other)")


def test_a_getatt_and_a_sub_that_loop_are_a_circular_dependency():
    template = {"Resources": {
        "Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Fn::GetAtt": ["Topic", "TopicName"]}}},
        "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Fn::Sub": "${Set}-topic"}}},
    }}
    refused(template, "circular dependency between resources")


def test_an_export_that_imports_itself_is_refused():
    template = set_named({"Fn::ImportValue": "loop"}, Outputs={"Loop": {"Value": {"Fn::ImportValue": "loop"}, "Export": {"Name": "loop"}}})
    refused(template, r"Stack/Outputs\.Loop\.Value: Fn::ImportValue imports its own export: 'loop' -> 'loop'")


def test_conditions_that_refer_to_each_other_are_refused():
    template = set_named("s", Conditions={"A": {"Fn::Not": [{"Condition": "B"}]}, "B": {"Fn::Not": [{"Condition": "A"}]}})
    template["Resources"]["Set"]["Condition"] = "A"
    refused(template, r"Stack/Conditions\.[AB]: circular condition: (A -> B -> A|B -> A -> B)")


def test_a_condition_that_is_not_a_condition_function_is_refused():
    refused(set_named("s", Conditions={"C": [1, 2]}), r"Stack/Conditions\.C: a condition is one of Fn::Equals")


def test_a_chain_of_references_longer_than_the_resolver_follows_is_refused_not_a_recursion_error():
    count = MAX_REFERENCE_CHAIN + 5
    resources = {f"S{i}": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Ref": f"S{i + 1}"} if i < count else "end"}}
                 for i in range(count + 1)}
    refused({"Resources": resources}, f"the simulator cannot resolve this template: .*references chained more than {MAX_REFERENCE_CHAIN} deep")


def test_a_chain_within_the_limit_resolves():
    resources = {f"S{i}": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Ref": f"S{i + 1}"} if i < 10 else "end"}}
                 for i in range(11)}
    assert set(build_topology({"Resources": resources}).configuration_sets) == {"end"}


@pytest.mark.parametrize(
    ("resources", "why"),
    [
        ({"Set": "AWS::SES::ConfigurationSet"}, r"Resources\.Set: a resource is a mapping with a Type; got a string"),
        ({"Set": {"Properties": {}}}, r"Resources\.Set: every resource needs a Type"),
        ({"Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": [1]}}, r"Resources\.Set: Properties must be a mapping"),
        ({"Set": {"Type": "AWS::SES::ConfigurationSet", "Condition": ["C"]}}, r"Resources\.Set: Condition must be a condition name"),
    ],
)
def test_a_resource_entry_of_the_wrong_shape_is_refused_when_loaded(resources, why):
    with pytest.raises(TemplateError, match=f"{REFUSED}: Stack/{why}"):
        load_stacks({"Resources": resources})


def test_a_section_of_the_wrong_shape_is_refused():
    with pytest.raises(TemplateError, match=r"Stack/Parameters: must be a mapping; got a list"):
        load_stacks({"Parameters": [1], "Resources": {}})


@pytest.mark.parametrize(
    ("resource", "why"),
    [
        ({"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {"ConfigurationSetName": "s", "EventDestination": "x"}},
         r"Dest\.Properties\.EventDestination: must be an object \(CloudFormation's schema of AWS::SES::ConfigurationSetEventDestination\); got a string"),
        ({"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": {"a": 1}, "PolicyDocument": {}}},
         r"Dest\.Properties\.Topics: must be an array"),
        ({"Type": "AWS::Events::Rule", "Properties": {"EventPattern": "{not json"}}, r"Dest\.Properties\.EventPattern: not JSON"),
        ({"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"source": "aws.ses"}}},
         r"Dest\.Properties\.EventPattern: source: a pattern's values are lists"),
        ({"Type": "AWS::Events::Rule", "Properties": {"EventPattern": {"$or": 5}}}, r"Dest\.Properties\.EventPattern: \$or must be a list of patterns"),
    ],
)
def test_a_property_of_the_wrong_json_type_is_refused(resource, why):
    template = set_named("s")
    template["Resources"]["Dest"] = resource
    refused(template, f"{REFUSED}: Stack/{why}")


def test_an_unresolved_scalar_is_not_judged_by_its_type():
    template = set_named({"Fn::Cidr": ["10.0.0.0/16", 1, 8]})
    assert "Fn::Cidr is not supported by the simulator" in " ".join(build_topology(template).warnings)


def test_an_unresolved_mapping_the_simulator_must_read_is_refused_as_unresolvable():
    template = set_named("s")
    template["Resources"]["Dest"] = {"Type": "AWS::SES::ConfigurationSetEventDestination",
                                     "Properties": {"ConfigurationSetName": "s", "EventDestination": {"Fn::Cidr": ["10.0.0.0/16", 1, 8]}}}
    refused(template, r"^the simulator cannot resolve this template: Stack/Dest\.Properties\.EventDestination: could not be resolved")


def test_a_manifest_naming_a_template_outside_the_assembly_is_refused(tmp_path):
    (tmp_path / "manifest.json").write_text('{"artifacts": {"A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../t.json"}}}}')
    with pytest.raises(TemplateError, match="is not a file inside the cloud assembly"):
        load_stacks(tmp_path)
