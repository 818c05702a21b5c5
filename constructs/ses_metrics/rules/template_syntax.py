"""CloudFormation template syntax: the shape of a resource entry and of the template's
sections, the arguments of each intrinsic function, and the JSON type of the properties
the simulator reads (CloudFormation User Guide, "Template anatomy" and "Intrinsic function
reference").

The property types are CloudFormation's resource schemas' (the registry schemas cfn-lint
ships; ``tests/rules/test_cloudformation_rules.py`` compares every entry with them). A
value of the wrong type (``EventDestination: "x"``, ``Topics: {a: 1}``) is a template
CloudFormation refuses at deploy ("Properties validation failed"); the simulator refuses
it too rather than guess. Scalars are not judged finer than "a scalar": CloudFormation
converts numbers and booleans given for strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

OBJECT, ARRAY, SCALAR, OBJECT_OR_STRING = "object", "array", "scalar", "object or JSON string"

# Resource type -> property path -> kind. ``[]`` stands for each item of an array.
PROPERTY_KINDS: Final[Mapping[str, Mapping[str, str]]] = {
    "AWS::SES::ConfigurationSet": {
        "Name": SCALAR,
        "SendingOptions": OBJECT,
        "ReputationOptions": OBJECT,
        "TrackingOptions": OBJECT,
        "DeliveryOptions": OBJECT,
    },
    "AWS::SES::ConfigurationSetEventDestination": {
        "ConfigurationSetName": SCALAR,
        "EventDestination": OBJECT,
        "EventDestination.Name": SCALAR,
        "EventDestination.Enabled": SCALAR,
        "EventDestination.MatchingEventTypes": ARRAY,
        "EventDestination.MatchingEventTypes[]": SCALAR,
        "EventDestination.CloudWatchDestination": OBJECT,
        "EventDestination.CloudWatchDestination.DimensionConfigurations": ARRAY,
        "EventDestination.CloudWatchDestination.DimensionConfigurations[]": OBJECT,
        "EventDestination.KinesisFirehoseDestination": OBJECT,
        "EventDestination.SnsDestination": OBJECT,
        "EventDestination.EventBridgeDestination": OBJECT,
    },
    "AWS::SES::EmailIdentity": {"EmailIdentity": SCALAR, "ConfigurationSetAttributes": OBJECT},
    "AWS::SES::Template": {"Template": OBJECT},
    "AWS::KinesisFirehose::DeliveryStream": {
        "DeliveryStreamName": SCALAR,
        "ExtendedS3DestinationConfiguration": OBJECT,
        "ExtendedS3DestinationConfiguration.BufferingHints": OBJECT,
        "ExtendedS3DestinationConfiguration.DynamicPartitioningConfiguration": OBJECT,
        "ExtendedS3DestinationConfiguration.ProcessingConfiguration": OBJECT,
        "ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors": ARRAY,
        "ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[]": OBJECT,
        "ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[].Parameters": ARRAY,
        "ExtendedS3DestinationConfiguration.ProcessingConfiguration.Processors[].Parameters[]": OBJECT,
        "ExtendedS3DestinationConfiguration.Prefix": SCALAR,
        "ExtendedS3DestinationConfiguration.ErrorOutputPrefix": SCALAR,
        "S3DestinationConfiguration": OBJECT,
        "S3DestinationConfiguration.BufferingHints": OBJECT,
        "RedshiftDestinationConfiguration": OBJECT,
        "RedshiftDestinationConfiguration.S3Configuration": OBJECT,
        "RedshiftDestinationConfiguration.CopyCommand": OBJECT,
        "AmazonopensearchserviceDestinationConfiguration": OBJECT,
        "AmazonopensearchserviceDestinationConfiguration.S3Configuration": OBJECT,
        "AmazonopensearchserviceDestinationConfiguration.IndexName": SCALAR,
        "ElasticsearchDestinationConfiguration": OBJECT,
        "ElasticsearchDestinationConfiguration.S3Configuration": OBJECT,
        "HttpEndpointDestinationConfiguration": OBJECT,
        "SplunkDestinationConfiguration": OBJECT,
    },
    "AWS::IAM::Role": {
        "RoleName": SCALAR,
        "AssumeRolePolicyDocument": OBJECT_OR_STRING,
        "Policies": ARRAY,
        "Policies[]": OBJECT,
        "Policies[].PolicyDocument": OBJECT_OR_STRING,
        "ManagedPolicyArns": ARRAY,
    },
    "AWS::IAM::Policy": {"PolicyDocument": OBJECT_OR_STRING, "Roles": ARRAY},
    "AWS::IAM::ManagedPolicy": {"PolicyDocument": OBJECT_OR_STRING, "Roles": ARRAY},
    "AWS::IAM::RolePolicy": {"PolicyDocument": OBJECT_OR_STRING, "RoleName": SCALAR},
    "AWS::S3::Bucket": {
        "BucketName": SCALAR,
        "BucketEncryption": OBJECT,
        "BucketEncryption.ServerSideEncryptionConfiguration": ARRAY,
        "BucketEncryption.ServerSideEncryptionConfiguration[]": OBJECT,
        "BucketEncryption.ServerSideEncryptionConfiguration[].ServerSideEncryptionByDefault": OBJECT,
    },
    "AWS::S3::BucketPolicy": {"Bucket": SCALAR, "PolicyDocument": OBJECT_OR_STRING},
    "AWS::SNS::Topic": {"TopicName": SCALAR, "KmsMasterKeyId": SCALAR, "Subscription": ARRAY, "Subscription[]": OBJECT},
    "AWS::SNS::TopicPolicy": {"PolicyDocument": OBJECT_OR_STRING, "Topics": ARRAY, "Topics[]": SCALAR},
    "AWS::SNS::Subscription": {"TopicArn": SCALAR, "Protocol": SCALAR, "Endpoint": SCALAR},
    "AWS::SQS::Queue": {"QueueName": SCALAR},
    "AWS::KMS::Key": {"KeyPolicy": OBJECT_OR_STRING},
    "AWS::Events::Rule": {"Name": SCALAR, "EventBusName": SCALAR, "EventPattern": OBJECT_OR_STRING, "State": SCALAR,
                          "Targets": ARRAY, "Targets[]": OBJECT},
    "AWS::CloudWatch::Alarm": {"AlarmName": SCALAR, "Dimensions": ARRAY, "Dimensions[]": OBJECT, "Metrics": ARRAY, "Metrics[]": OBJECT},
}

# Intrinsic function -> (the shape of its argument, as CloudFormation's template reference
# gives it). ``check_intrinsic`` checks the outer shape; the values inside may themselves
# be intrinsics.
INTRINSIC_ARGUMENTS: Final[Mapping[str, str]] = {
    "Ref": "a logical ID or parameter name",
    "Condition": "a condition name",
    "Fn::GetAtt": "[logicalName, attributeName] or 'logicalName.attributeName'",
    "Fn::Join": "[delimiter, [values]]",
    "Fn::Sub": "a string, or [string, {variable: value}]",
    "Fn::Select": "[index, [values]]",
    "Fn::Split": "[delimiter, string]",
    "Fn::If": "[conditionName, valueIfTrue, valueIfFalse]",
    "Fn::FindInMap": "[mapName, topLevelKey, secondLevelKey] (and {DefaultValue: ...} with the language extensions)",
    "Fn::ImportValue": "an export name",
    "Fn::Base64": "a string",
    "Fn::Equals": "[value1, value2]",
    "Fn::And": "[condition, condition, ...] (2 to 10)",
    "Fn::Or": "[condition, condition, ...] (2 to 10)",
    "Fn::Not": "[condition]",
    "Fn::GetAZs": "a region (or '')",
    "Fn::ToJsonString": "a mapping or a list",
    "Fn::Length": "a list",
    "Fn::Cidr": "[ipBlock, count, cidrBits]",
}


def _is_intrinsic(value: Any) -> bool:
    return isinstance(value, dict) and len(value) == 1 and (next(iter(value)) == "Ref" or str(next(iter(value))).startswith("Fn::"))


def check_intrinsic(name: str, argument: Any) -> str | None:
    """Why ``{name: argument}`` is not an intrinsic CloudFormation accepts, or ``None``. An
    argument that is itself an intrinsic is accepted where CloudFormation accepts one."""
    ok = _ARGUMENT_CHECKS.get(name)
    if ok is None or ok(argument):
        return None
    return f"{name} takes {INTRINSIC_ARGUMENTS[name]}; got {_show(argument)}"


def _pair(first: Callable[[Any], bool], second: Callable[[Any], bool]) -> Callable[[Any], bool]:
    return lambda a: isinstance(a, list) and len(a) == 2 and first(a[0]) and second(a[1])


def _text(a: Any) -> bool:
    return isinstance(a, str)


def _text_or_intrinsic(a: Any) -> bool:
    return isinstance(a, str) or _is_intrinsic(a)


def _list_or_intrinsic(a: Any) -> bool:
    return isinstance(a, list) or _is_intrinsic(a)


def _anything(a: Any) -> bool:
    return True


def _sub(a: Any) -> bool:
    return isinstance(a, str) or (isinstance(a, list) and len(a) == 2 and isinstance(a[0], str) and isinstance(a[1], dict))


def _find_in_map(a: Any) -> bool:
    if not isinstance(a, list) or len(a) not in (3, 4):
        return False
    return all(isinstance(k, str | int) or _is_intrinsic(k) for k in a[:3]) and (len(a) == 3 or isinstance(a[3], dict))


def _conditions(a: Any) -> bool:
    return isinstance(a, list) and 2 <= len(a) <= 10


_ARGUMENT_CHECKS: Final[Mapping[str, Callable[[Any], bool]]] = {
    "Ref": _text,
    "Condition": _text,
    "Fn::GetAtt": lambda a: (isinstance(a, str) and "." in a) or _pair(_text, _text_or_intrinsic)(a),
    "Fn::Join": _pair(_text, _list_or_intrinsic),
    "Fn::Sub": _sub,
    "Fn::Select": _pair(lambda i: isinstance(i, int | str) or _is_intrinsic(i), _list_or_intrinsic),
    "Fn::Split": _pair(_text, _text_or_intrinsic),
    "Fn::If": lambda a: isinstance(a, list) and len(a) == 3 and isinstance(a[0], str),
    "Fn::FindInMap": _find_in_map,
    "Fn::ImportValue": _text_or_intrinsic,
    "Fn::Base64": _text_or_intrinsic,
    "Fn::Equals": lambda a: isinstance(a, list) and len(a) == 2,
    "Fn::And": _conditions,
    "Fn::Or": _conditions,
    "Fn::Not": lambda a: isinstance(a, list) and len(a) == 1,
    "Fn::GetAZs": _text_or_intrinsic,
    "Fn::ToJsonString": lambda a: isinstance(a, dict | list),
    "Fn::Length": _list_or_intrinsic,
    "Fn::Cidr": lambda a: isinstance(a, list) and len(a) == 3,
}


def check_resource_entry(logical_id: Any, resource: Any) -> str | None:
    """Why a ``Resources`` entry is not one CloudFormation accepts, or ``None``: a mapping
    with a string ``Type``, and when present a mapping ``Properties`` and a string
    ``Condition``."""
    if not isinstance(resource, dict):
        return f"a resource is a mapping with a Type; got {_show(resource)}"
    if not isinstance(resource.get("Type"), str):
        return f"every resource needs a Type (a string); got {_show(resource.get('Type'))}"
    if "Properties" in resource and not isinstance(resource["Properties"], dict | type(None)):
        return f"Properties must be a mapping; got {_show(resource['Properties'])}"
    if "Condition" in resource and not isinstance(resource["Condition"], str):
        return f"Condition must be a condition name; got {_show(resource['Condition'])}"
    return None


def check_property_kinds(resource_type: str, properties: Any,
                         is_unknown: Callable[[Any], bool] = lambda v: False) -> Iterator[tuple[str, str, bool]]:
    """``(property path, why, refused)`` for each property of ``properties`` (resolved) whose
    JSON type is not the one CloudFormation's schema gives it (``PROPERTY_KINDS``; refused
    true), or that ``is_unknown`` says could not be resolved where a mapping or a list is
    needed to read what is inside (refused false: not CloudFormation's refusal, the
    reader's). An unknown scalar is not reported: readers take it as unknown."""
    for path, kind in (PROPERTY_KINDS.get(resource_type) or {}).items():
        for where, value in _at(properties, path.replace("[]", ".[]").split("."), ""):
            if value is None or _matches(value, kind):
                continue
            if is_unknown(value):
                if kind != SCALAR:
                    yield where, f"could not be resolved ({value}), and its content is needed", False
                continue
            yield where, f"must be {'an' if kind[0] in 'aeiou' else 'a'} {kind} (CloudFormation's schema of {resource_type}); got {_show(value)}", True


def _at(value: Any, parts: list[str], where: str) -> Iterator[tuple[str, Any]]:
    if not parts:
        yield where, value
        return
    head, rest = parts[0], parts[1:]
    if head == "[]":
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield from _at(item, rest, f"{where}[{index}]")
    elif isinstance(value, dict) and head in value:
        yield from _at(value[head], rest, f"{where}.{head}" if where else head)


def _matches(value: Any, kind: str) -> bool:
    if kind == OBJECT:
        return isinstance(value, dict)
    if kind == ARRAY:
        return isinstance(value, list)
    if kind == OBJECT_OR_STRING:
        return isinstance(value, dict | str)
    return isinstance(value, str | int | float | bool)


def _show(value: Any) -> str:
    kind = {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number", float: "a number"}.get(type(value))
    text = repr(value)
    return f"{kind or type(value).__name__} {text if len(text) <= 60 else text[:57] + '...'}"


SECTIONS: Final = ("Parameters", "Mappings", "Conditions", "Resources", "Outputs")
CONDITION_FUNCTIONS: Final = ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition")


def check_sections(template: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """``(where, why)`` for each top-level section, parameter, output or condition that is not
    a shape CloudFormation accepts ("Template format error")."""
    for section in SECTIONS:
        value = template.get(section)
        if value is not None and not isinstance(value, dict):
            yield section, f"must be a mapping; got {_show(value)}"
    for section in ("Parameters", "Outputs"):
        entries = template.get(section)
        for name, entry in (entries.items() if isinstance(entries, dict) else ()):
            if not isinstance(entry, dict):
                yield f"{section}.{name}", f"must be a mapping; got {_show(entry)}"
    conditions = template.get("Conditions")
    for name, definition in (conditions.items() if isinstance(conditions, dict) else ()):
        if not (isinstance(definition, dict) and len(definition) == 1 and next(iter(definition)) in CONDITION_FUNCTIONS):
            yield f"Conditions.{name}", f"a condition is one of {', '.join(CONDITION_FUNCTIONS)}; got {_show(definition)}"
