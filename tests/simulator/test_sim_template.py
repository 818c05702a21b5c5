"""Template loading and intrinsic resolution: deterministic names and ARNs per type."""

import json

import pytest

from ses_metrics.simulator.template import Environment, Resolver, StackTemplate, TemplateError, Unresolved, load_stacks

ENV = Environment(account="123456789012", region="eu-west-1")


def resolver(resources, **template):
    stack = StackTemplate("App", {"Resources": resources, **template})
    return Resolver([stack], ENV), stack


def test_ref_of_a_configuration_set_is_its_name_and_its_arn_is_sess():
    r, stack = resolver({"Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "marketing"}}})
    assert r.resolve({"Ref": "Set"}, stack) == "marketing"
    assert r.arn(stack, "Set") == "arn:aws:ses:eu-west-1:123456789012:configuration-set/marketing"


@pytest.mark.parametrize(
    ("kind", "props", "ref", "arn"),
    [
        ("AWS::KinesisFirehose::DeliveryStream", {"DeliveryStreamName": "s"}, "s", "arn:aws:firehose:eu-west-1:123456789012:deliverystream/s"),
        ("AWS::IAM::Role", {"RoleName": "r", "Path": "/service/"}, "r", "arn:aws:iam::123456789012:role/service/r"),
        ("AWS::S3::Bucket", {"BucketName": "b"}, "b", "arn:aws:s3:::b"),
        ("AWS::SNS::Topic", {"TopicName": "t"}, "arn:aws:sns:eu-west-1:123456789012:t", "arn:aws:sns:eu-west-1:123456789012:t"),
        ("AWS::Events::Rule", {"Name": "rule"}, "rule", "arn:aws:events:eu-west-1:123456789012:rule/rule"),
    ],
)
def test_ref_and_arn_per_resource_type(kind, props, ref, arn):
    r, stack = resolver({"X": {"Type": kind, "Properties": props}})
    assert r.resolve({"Ref": "X"}, stack) == ref
    assert r.resolve({"Fn::GetAtt": ["X", "Arn"]}, stack) == arn


def test_unnamed_resources_get_cloudformation_style_deterministic_names():
    r, stack = resolver({"ArchiveBucket": {"Type": "AWS::S3::Bucket"}, "Topic": {"Type": "AWS::SNS::Topic", "Properties": {"FifoTopic": True}}})
    bucket = r.resolve({"Ref": "ArchiveBucket"}, stack)
    assert bucket.startswith("app-archivebucket-") and bucket == bucket.lower()
    assert r.resolve({"Ref": "ArchiveBucket"}, stack) == Resolver([stack], ENV).resolve({"Ref": "ArchiveBucket"}, stack)
    assert r.resolve({"Fn::GetAtt": ["Topic", "TopicName"]}, stack).endswith(".fifo")


def test_pseudo_parameters_join_sub_select_split():
    r, stack = resolver({"Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "m"}}})
    assert r.resolve({"Fn::Join": [":", [{"Ref": "AWS::Partition"}, {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}]]}, stack) == "aws:eu-west-1:123456789012"
    assert r.resolve({"Fn::Sub": "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${Set}"}, stack).endswith(":configuration-set/m")
    assert r.resolve({"Fn::Sub": ["${x}-${!Literal}", {"x": {"Ref": "Set"}}]}, stack) == "m-${Literal}"
    assert r.resolve({"Fn::Select": [1, {"Fn::Split": ["/", "a/b/c"]}]}, stack) == "b"


def test_conditions_and_fn_if_and_no_value():
    r, stack = resolver(
        {
            "Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": {"Fn::If": ["IsProd", "prod", "dev"]}}},
            "Extra": {"Type": "AWS::SES::ConfigurationSet", "Condition": "IsProd", "Properties": {"Name": "x"}},
        },
        Parameters={"Env": {"Type": "String", "Default": "dev"}},
        Conditions={"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    )
    assert r.resolve({"Ref": "Set"}, stack) == "dev"
    assert r.is_deployed(stack, "Extra") is False
    assert r.resolve({"A": {"Fn::If": ["IsProd", 1, {"Ref": "AWS::NoValue"}]}}, stack) == {}


def test_parameters_can_be_given():
    stack = StackTemplate("App", {"Resources": {}, "Parameters": {"Name": {"Type": "String"}}})
    assert Resolver([stack], ENV, {"Name": "given"}).resolve({"Ref": "Name"}, stack) == "given"


def test_find_in_map_and_import_value_across_stacks():
    producer = StackTemplate("Producer", {"Resources": {"T": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "t"}}}, "Outputs": {"O": {"Value": {"Ref": "T"}, "Export": {"Name": "TopicArn"}}}})
    consumer = StackTemplate("Consumer", {"Resources": {}, "Mappings": {"M": {"eu-west-1": {"v": "x"}}}})
    r = Resolver([producer, consumer], ENV)
    assert r.resolve({"Fn::ImportValue": "TopicArn"}, consumer) == "arn:aws:sns:eu-west-1:123456789012:t"
    assert r.resolve({"Fn::FindInMap": ["M", {"Ref": "AWS::Region"}, "v"]}, consumer) == "x"


def test_what_cannot_be_resolved_is_a_warning_naming_the_resource_not_a_crash():
    r, stack = resolver({"Fn": {"Type": "AWS::Lambda::Function"}})
    value = r.resolve({"Fn::Cidr": ["10.0.0.0/16", 2, 8]}, stack, "Dest")
    assert isinstance(value, Unresolved)
    assert r.resolve({"Ref": "Missing"}, stack, "Dest") == Unresolved("Ref Missing")
    assert r.warnings == ["App/Dest: Fn::Cidr is not supported by the simulator", "App/Dest: Ref to 'Missing', which is not in the template"]


def test_loads_a_cloud_assembly_with_nested_stage(tmp_path):
    stage = tmp_path / "assembly-Prod"
    stage.mkdir()
    (stage / "Prod-App.template.json").write_text(json.dumps({"Resources": {"S": {"Type": "AWS::SES::ConfigurationSet"}}}))
    (stage / "manifest.json").write_text(json.dumps({"artifacts": {"ProdApp": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Prod-App.template.json", "stackName": "Prod-App"}}}}))
    (tmp_path / "Top.template.json").write_text(json.dumps({"Resources": {}}))
    (tmp_path / "manifest.json").write_text(json.dumps({"artifacts": {
        "Top": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Top.template.json"}},
        "assembly-Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}},
    }}))
    assert [s.name for s in load_stacks(tmp_path)] == ["Top", "Prod-App"]


def test_loads_yaml_with_short_form_tags(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("Resources:\n  Set:\n    Type: AWS::SES::ConfigurationSet\n    Properties:\n      Name: !Sub '${AWS::Region}-m'\n  D:\n    Type: X\n    Properties: {A: !GetAtt Set.Arn, B: !Ref Set}\n")
    [stack] = load_stacks(path)
    assert stack.resources["D"]["Properties"] == {"A": {"Fn::GetAtt": ["Set", "Arn"]}, "B": {"Ref": "Set"}}
    assert Resolver([stack], ENV).resolve({"Ref": "Set"}, stack) == "eu-west-1-m"


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("{not json", "not a JSON or YAML template"), ("a: [1", "not a JSON or YAML template"), ('{"a": 1}', "no Resources section")],
)
def test_bad_inputs_are_template_errors(tmp_path, content, message):
    path = tmp_path / "t.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(TemplateError, match=message):
        load_stacks(path)


def test_a_directory_without_templates_is_a_template_error(tmp_path):
    with pytest.raises(TemplateError, match="no CloudFormation templates found"):
        load_stacks(tmp_path)
