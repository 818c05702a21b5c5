"""Synthesized CloudFormation templates: loading them and resolving their intrinsics.

``load_stacks`` reads a ``cdk.out`` directory (every stack of the cloud assembly, nested
stages included), a template file (JSON or YAML, short-form tags accepted) or a template
dict. ``Resolver`` turns intrinsic functions into the values CloudFormation would give them
in a fixed account and region, with deterministic physical names and ARNs per resource
type (``Ref`` on an ``AWS::SES::ConfigurationSet`` is its ``Name``, ``Fn::GetAtt X.Arn`` on
a delivery stream is ``arn:aws:firehose:<region>:<account>:deliverystream/<name>``, ...).

cloud-radar 0.17 was evaluated first: it resolves intrinsics and conditions, but ``Ref`` on
a resource yields its logical ID and ``Fn::GetAtt`` a ``Logical.Attr`` placeholder, so an
``aws:SourceArn`` of ``configuration-set/marketing`` would never match; it has no per-type
physical names or ARN formats. What this module cannot resolve becomes an ``Unresolved``
value and a warning naming the resource; it never raises for a template it can parse.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ses_metrics.files import documents
from ses_metrics.rules import CONFIGURATION_SET_ARN_RESOURCE, FIFO_TOPIC_SUFFIX, template_syntax
from ses_metrics.rules.firehose import DELIVERY_STREAM_ARN_RESOURCE

NO_VALUE = object()  # AWS::NoValue: the property disappears


class TemplateError(Exception):
    """The input is not a readable template or cloud assembly (a user mistake)."""


REFUSED = "this template is not something CloudFormation would accept"
# How many references (Ref, Fn::GetAtt, Fn::ImportValue to a resource's name, a condition
# to another) the resolver follows in a chain; a longer chain is refused, never a crash.
MAX_REFERENCE_CHAIN = 50


class _Refusal(Exception):
    """Found deep inside the resolver: a template CloudFormation refuses (``refused``) or one
    the resolver will not follow. The innermost place that knows which resource and
    property it is in ``locate``s it; the outermost public call raises ``error()``."""

    def __init__(self, why: str, refused: bool = True):
        super().__init__(why)
        self.why = why
        self.refused = refused
        self.path = ""
        self.where: str | None = None

    def locate(self, where: str) -> None:
        if self.where is None:
            self.where = where + self.path

    def error(self) -> TemplateError:
        prefix = REFUSED if self.refused else "the simulator cannot resolve this template"
        return TemplateError(f"{prefix}: {self.where}: {self.why}")


def _guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """A public ``Resolver`` method: counts the reference chain, and turns a ``_Refusal`` (or
    Python's own recursion limit) into a ``TemplateError`` at the outermost call."""

    @functools.wraps(method)
    def call(self: Resolver, *args: Any, **kwargs: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_REFERENCE_CHAIN:
                raise _Refusal(f"references chained more than {MAX_REFERENCE_CHAIN} deep (Ref, Fn::GetAtt, Fn::ImportValue, "
                               "conditions); the simulator follows no longer chains", refused=False)
            return method(self, *args, **kwargs)
        except _Refusal as refusal:
            if self._depth > 1:
                raise
            stack = next((a for a in args if isinstance(a, StackTemplate)), None)
            refusal.locate(stack.name if stack else "template")
            raise refusal.error() from None
        except RecursionError:
            if self._depth > 1:
                raise
            raise TemplateError("the simulator cannot resolve this template: its values and references are nested too deeply") from None
        finally:
            self._depth -= 1

    return call


@dataclass(frozen=True)
class Environment:
    """The account and region the simulated stacks are deployed in."""

    account: str = "111122223333"
    region: str = "us-east-1"
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"


@dataclass(frozen=True)
class StackTemplate:
    """One stack's template, as found in a cloud assembly or a file."""

    name: str
    template: dict[str, Any]
    source: str = ""

    @property
    def resources(self) -> dict[str, dict[str, Any]]:
        return self.template.get("Resources") or {}


@dataclass(frozen=True)
class Unresolved:
    """A value this resolver cannot know (an unsupported intrinsic, a missing resource)."""

    what: str

    def __str__(self) -> str:
        return f"<unresolved {self.what}>"


# --- loading -------------------------------------------------------------------------


class _CfnLoader(documents.SafeLoader):  # type: ignore[valid-type,misc]  # the C loader when PyYAML has it
    """YAML with CloudFormation's short-form tags (``!Ref``, ``!GetAtt``, ``!Sub`` ...)."""


def _short_form(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "Condition":
        return {"Condition": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


_CfnLoader.add_multi_constructor("!", _short_form)


def load_stacks(source: str | Path | Mapping[str, Any]) -> list[StackTemplate]:
    """The stacks of a ``cdk.out`` directory, a template file or a template dict."""
    if isinstance(source, Mapping):
        stacks = [StackTemplate("Stack", dict(source), "<dict>")]
    else:
        path = Path(source)
        if path.is_dir():
            stacks = _load_assembly(path)
            if not stacks:
                raise TemplateError(f"{path}: no CloudFormation templates found (is it a cdk.out directory? run `cdk synth`)")
        elif not path.exists():
            raise TemplateError(f"{path}: no such file or directory")
        else:
            stacks = [StackTemplate(_stack_name(path), _read_template(path), str(path))]
    for stack in stacks:
        check_structure(stack)
    return stacks


def _stack_name(path: Path) -> str:
    return path.name.removesuffix(".json").removesuffix(".yaml").removesuffix(".yml").removesuffix(".template")


def _read_document(path: Path) -> Any:
    """A template or manifest, within ``ses_metrics.files.documents``' limits."""
    try:
        return documents.read_document(path, loader=_CfnLoader)
    except documents.DocumentError as error:
        if error.kind == "unreadable":
            raise TemplateError(f"{path}: cannot read: {error.reason}") from None
        if error.kind == "limit":
            raise TemplateError(f"{path}: not a template ses-metrics reads: {error.reason}") from None
        raise TemplateError(f"{path}: not a JSON or YAML template: {error.reason}") from None


def _read_template(path: Path) -> dict[str, Any]:
    data = _read_document(path)
    if not isinstance(data, dict) or not isinstance(data.get("Resources"), dict):
        raise TemplateError(f"{path}: not a CloudFormation template (no Resources section)")
    return data


def _load_assembly(directory: Path, seen: frozenset[Path] = frozenset()) -> list[StackTemplate]:
    manifest_path = directory / "manifest.json"
    seen = seen or frozenset({directory.resolve()})
    if not manifest_path.exists():
        return [StackTemplate(_stack_name(p), _read_template(p), str(p)) for p in sorted(directory.glob("*.template.json"))]
    manifest = _read_document(manifest_path)
    artifacts = manifest.get("artifacts") if isinstance(manifest, dict) else None
    if not isinstance(artifacts, dict):
        raise TemplateError(f"{manifest_path}: not a cloud assembly manifest (no artifacts mapping)")
    stacks = []
    for artifact_id, artifact in artifacts.items():
        props = artifact.get("properties") if isinstance(artifact, dict) else None
        if not isinstance(props, dict):
            continue
        kind = artifact.get("type")
        if kind == "aws:cloudformation:stack" and isinstance(props.get("templateFile"), str):
            path = directory / props["templateFile"]
            if Path(props["templateFile"]).is_absolute() or ".." in Path(props["templateFile"]).parts:
                raise TemplateError(f"{manifest_path}: templateFile {props['templateFile']!r} is not a file inside the cloud assembly")
            name = props.get("stackName") or artifact.get("displayName") or artifact_id
            stacks.append(StackTemplate(str(name), _read_template(path), str(path)))
        elif kind == "cdk:cloud-assembly" and isinstance(props.get("directoryName"), str):
            nested = (directory / props["directoryName"]).resolve()
            if nested in seen:
                raise TemplateError(f"{manifest_path}: nested cloud assembly {props['directoryName']!r} includes itself")
            stacks += _load_assembly(nested, seen | {nested})
    return stacks


def check_structure(stack: StackTemplate) -> None:
    """Raises ``TemplateError`` for a template whose sections, resources, parameters, outputs
    or conditions are not shapes CloudFormation accepts (``rules.template_syntax``)."""
    found = list(template_syntax.check_sections(stack.template))
    for logical_id, resource in stack.resources.items():
        why = template_syntax.check_resource_entry(logical_id, resource)
        if why:
            found.append((f"Resources.{logical_id}", why))
    if found:
        where, why = found[0]
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        raise TemplateError(f"{REFUSED}: {stack.name}/{where}: {why}{more}")


# --- physical names and ARNs ---------------------------------------------------------


@dataclass(frozen=True)
class _Kind:
    """How CloudFormation names a resource type and what ``Ref``/``GetAtt`` return."""

    name_property: str | tuple[str, ...] | None
    ref: str  # "name", "arn" or "id"
    arn: Callable[[Environment, str, dict[str, Any]], str] | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)  # attribute -> "name" | "arn" | "ref" | template
    lowercase: bool = False
    max_length: int = 64


def _arn(service: str, resource: str, regional: bool = True) -> Callable[[Environment, str, dict[str, Any]], str]:
    def build(env: Environment, name: str, props: dict[str, Any]) -> str:
        region = env.region if regional else ""
        account = env.account if service not in ("s3",) else ""
        return f"arn:{env.partition}:{service}:{region}:{account}:{resource.format(name=name, path=props.get('Path') or '/')}"

    return build


_KINDS: dict[str, _Kind] = {
    "AWS::SES::ConfigurationSet": _Kind("Name", "name", _arn("ses", CONFIGURATION_SET_ARN_RESOURCE + "/{name}")),
    "AWS::SES::EmailIdentity": _Kind("EmailIdentity", "name", _arn("ses", "identity/{name}")),
    "AWS::SES::Template": _Kind(("Template", "TemplateName"), "name", _arn("ses", "template/{name}")),
    "AWS::SES::ContactList": _Kind("ContactListName", "name", _arn("ses", "contact-list/{name}")),
    "AWS::KinesisFirehose::DeliveryStream": _Kind("DeliveryStreamName", "name", _arn("firehose", DELIVERY_STREAM_ARN_RESOURCE + "/{name}")),
    "AWS::IAM::Role": _Kind("RoleName", "name", _arn("iam", "role{path}{name}", regional=False), {"RoleId": "AROA{hash}"}),
    "AWS::IAM::ManagedPolicy": _Kind("ManagedPolicyName", "arn", _arn("iam", "policy{path}{name}", regional=False)),
    "AWS::IAM::Policy": _Kind("PolicyName", "id"),
    "AWS::S3::Bucket": _Kind(
        "BucketName",
        "name",
        _arn("s3", "{name}", regional=False),
        {"DomainName": "{name}.s3.amazonaws.com", "RegionalDomainName": "{name}.s3.{region}.amazonaws.com"},
        lowercase=True,
    ),
    "AWS::SNS::Topic": _Kind("TopicName", "arn", _arn("sns", "{name}"), {"TopicName": "name", "TopicArn": "arn"}, max_length=256),
    "AWS::SQS::Queue": _Kind(
        "QueueName", "url", _arn("sqs", "{name}"), {"QueueName": "name", "QueueUrl": "url"}, max_length=80
    ),
    "AWS::Events::Rule": _Kind("Name", "name", _arn("events", "rule/{name}")),
    "AWS::Events::EventBus": _Kind("Name", "name", _arn("events", "event-bus/{name}"), {"Name": "name"}),
    "AWS::Lambda::Function": _Kind("FunctionName", "name", _arn("lambda", "function:{name}")),
    "AWS::Logs::LogGroup": _Kind("LogGroupName", "name", _arn("logs", "log-group:{name}:*"), max_length=512),
    "AWS::Logs::LogStream": _Kind("LogStreamName", "name"),
    "AWS::KMS::Key": _Kind(None, "id", _arn("kms", "key/{name}"), {"KeyId": "name"}),
    "AWS::KMS::Alias": _Kind("AliasName", "name"),
    "AWS::SecretsManager::Secret": _Kind("Name", "arn", _arn("secretsmanager", "secret:{name}-AbCdEf")),
    "AWS::OpenSearchService::Domain": _Kind(
        "DomainName",
        "name",
        _arn("es", "domain/{name}"),
        {"DomainArn": "arn", "DomainEndpoint": "search-{name}-{hash}.{region}.es.amazonaws.com"},
        lowercase=True,
        max_length=28,
    ),
    "AWS::CloudWatch::Alarm": _Kind("AlarmName", "name", _arn("cloudwatch", "alarm:{name}"), max_length=255),
    "AWS::CloudWatch::Dashboard": _Kind("DashboardName", "name"),
    # Glue folds database and table names to lowercase.
    "AWS::Glue::Database": _Kind(("DatabaseInput", "Name"), "name", lowercase=True, max_length=255),
    "AWS::Glue::Table": _Kind(("TableInput", "Name"), "name", lowercase=True, max_length=255),
    "AWS::Athena::WorkGroup": _Kind("Name", "name", _arn("athena", "workgroup/{name}"), max_length=128),
}


def _digest(*parts: str, length: int = 12) -> str:
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:length].upper()


# --- resolving -----------------------------------------------------------------------

_SUB_VARIABLE = re.compile(r"\$\{(!?)([^}]*)\}")


class Resolver:
    """Resolves the intrinsics of a set of stacks deployed in one ``Environment``.

    Every resource gets a deterministic physical name: its name property when the template
    gives one, else ``<stack>-<logicalId>-<hash>`` the way CloudFormation generates names.
    ``warnings`` collects what could not be resolved, naming the stack and resource.
    """

    def __init__(self, stacks: Iterable[StackTemplate], environment: Environment | None = None, parameters: Mapping[str, str] | None = None):
        self.stacks = list(stacks)
        self.env = environment or Environment()
        self.parameters = dict(parameters or {})
        self.warnings: list[str] = []
        self._names: dict[tuple[str, str], str] = {}
        self._exports: dict[str, tuple[StackTemplate, str, Any]] = {}
        self._conditions: dict[tuple[str, str], bool] = {}
        self._depth = 0
        self._naming: list[tuple[str, str]] = []  # resources whose names are being resolved
        self._evaluating: list[tuple[str, str]] = []  # conditions being evaluated
        self._importing: list[str] = []  # exports being imported
        for stack in self.stacks:
            check_structure(stack)
            for output_name, output in (stack.template.get("Outputs") or {}).items():
                export = output.get("Export")
                export_name = export.get("Name") if isinstance(export, dict) else None
                if isinstance(export_name, str):
                    self._exports[export_name] = (stack, f"Outputs.{output_name}.Value", output.get("Value"))

    # -- public ----------------------------------------------------------------------

    @_guarded
    def resolve(self, value: Any, stack: StackTemplate, where: str = "", at: str = "") -> Any:
        """``value`` with every intrinsic replaced; ``Unresolved`` where unknown. ``where`` is
        the logical ID (or what the value is) and ``at`` its path there (``Properties``), for
        messages. Raises ``TemplateError`` for what CloudFormation refuses: a malformed
        intrinsic, a circular reference, a circular condition."""
        try:
            return self._resolve(value, stack, where)
        except _Refusal as refusal:
            refusal.locate(f"{stack.name}/{where}" + (f".{at}" if at else ""))
            raise

    @_guarded
    def is_deployed(self, stack: StackTemplate, logical_id: str) -> bool:
        """False when the resource's ``Condition`` evaluates to false."""
        condition = stack.resources.get(logical_id, {}).get("Condition")
        return condition is None or self.condition(condition, stack)

    @_guarded
    def condition(self, name: str, stack: StackTemplate) -> bool:
        key = (stack.name, name)
        if key not in self._conditions:
            if key in self._evaluating:
                chain = [n for _, n in self._evaluating[self._evaluating.index(key):]] + [name]
                raise _Refusal(f"circular condition: {' -> '.join(chain)}")
            definition = (stack.template.get("Conditions") or {}).get(name)
            if definition is None:
                self._warn(stack, name, f"condition {name!r} is not defined; treated as false")
            self._evaluating.append(key)
            try:
                self._conditions[key] = bool(self._truth(definition, stack, f"condition {name}"))
            except _Refusal as refusal:
                refusal.locate(f"{stack.name}/Conditions.{name}")
                raise
            finally:
                self._evaluating.pop()
        return self._conditions[key]

    @_guarded
    def physical_name(self, stack: StackTemplate, logical_id: str) -> str:
        key = (stack.name, logical_id)
        if key not in self._names:
            if key in self._naming:
                chain = [n for _, n in self._naming[self._naming.index(key):]] + [logical_id]
                raise _Refusal(f"circular dependency between resources: {' -> '.join(chain)}")
            resource = stack.resources.get(logical_id, {})
            kind = _KINDS.get(resource.get("Type", ""))
            props = resource.get("Properties") or {}
            self._naming.append(key)
            try:
                given = self._named(kind, props, stack, logical_id) if kind else None
            finally:
                self._naming.pop()
            self._names[key] = given if isinstance(given, str) else self._generated_name(stack, logical_id, kind, props)
        return self._names[key]

    @_guarded
    def arn(self, stack: StackTemplate, logical_id: str) -> str | Unresolved:
        resource = stack.resources.get(logical_id, {})
        kind = _KINDS.get(resource.get("Type", ""))
        if kind is None or kind.arn is None:
            return Unresolved(f"{logical_id}.Arn")
        return kind.arn(self.env, self.physical_name(stack, logical_id), resource.get("Properties") or {})

    # -- internals -------------------------------------------------------------------

    def _resolve(self, value: Any, stack: StackTemplate, where: str) -> Any:
        if isinstance(value, dict) and len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref" or str(key).startswith("Fn::"):
                why = template_syntax.check_intrinsic(key, arg)
                if why:
                    raise _Refusal(why)
                return self._ref(arg, stack, where) if key == "Ref" else self._function(key, arg, stack, where)
        if isinstance(value, dict | list):
            mapping = isinstance(value, dict)
            pairs = []
            for key, item in value.items() if isinstance(value, dict) else enumerate(value):
                try:
                    resolved = self._resolve(item, stack, where)
                except _Refusal as refusal:
                    refusal.path = (f".{key}" if mapping else f"[{key}]") + refusal.path
                    raise
                if resolved is not NO_VALUE:
                    pairs.append((key, resolved))
            return dict(pairs) if mapping else [item for _, item in pairs]
        return value

    def _named(self, kind: _Kind, props: dict[str, Any], stack: StackTemplate, logical_id: str) -> Any:
        keys = kind.name_property if isinstance(kind.name_property, tuple) else (kind.name_property,)
        value: Any = props
        for key in keys:
            if key is None or not isinstance(value, dict):
                return None
            value = value.get(key)
        if value is None:
            return None
        try:
            return self._resolve(value, stack, logical_id)
        except _Refusal as refusal:
            refusal.locate(f"{stack.name}/{logical_id}.Properties.{'.'.join(str(k) for k in keys)}")
            raise

    def _generated_name(self, stack: StackTemplate, logical_id: str, kind: _Kind | None, props: dict[str, Any]) -> str:
        if kind is not None and kind.ref == "id" and kind.name_property is None:  # KMS keys: a key ID
            h = hashlib.sha256(f"{stack.name}/{logical_id}".encode()).hexdigest()
            return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
        # CloudFormation's own form: <stack>-<logicalId>-<random>, cut to the type's limit.
        suffix = _digest(stack.name, logical_id)
        max_length = kind.max_length if kind else 64
        name = f"{stack.name}-{logical_id}"[: max_length - len(suffix) - 1] + f"-{suffix}"
        if kind and kind.lowercase:
            name = name.lower()
        if props.get("FifoTopic") is True or props.get("FifoQueue") is True:
            name += FIFO_TOPIC_SUFFIX  # SQS FIFO queues take the same suffix
        return name

    def _warn(self, stack: StackTemplate, where: str, message: str) -> None:
        text = f"{stack.name}/{where}: {message}" if where else f"{stack.name}: {message}"
        if text not in self.warnings:
            self.warnings.append(text)

    def _ref(self, name: Any, stack: StackTemplate, where: str) -> Any:
        pseudo = {
            "AWS::AccountId": self.env.account,
            "AWS::Region": self.env.region,
            "AWS::Partition": self.env.partition,
            "AWS::URLSuffix": self.env.url_suffix,
            "AWS::StackName": stack.name,
            "AWS::StackId": f"arn:{self.env.partition}:cloudformation:{self.env.region}:{self.env.account}:stack/{stack.name}/{_digest(stack.name, length=8).lower()}",
            "AWS::NotificationARNs": [],
        }
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in pseudo:
            return pseudo[name]
        parameters = stack.template.get("Parameters") or {}
        if name in parameters:
            if name in self.parameters:
                return self.parameters[name]
            definition = parameters[name] or {}
            if "Default" in definition and not str(definition.get("Type", "")).startswith("AWS::SSM::Parameter::Value"):
                return definition["Default"]
            self._warn(stack, where, f"parameter {name!r} has no value (pass it with --parameter {name}=VALUE)")
            return Unresolved(f"parameter {name}")
        resource = stack.resources.get(name)
        if resource is None:
            self._warn(stack, where, f"Ref to {name!r}, which is not in the template")
            return Unresolved(f"Ref {name}")
        kind = _KINDS.get(resource.get("Type", ""))
        return self._value(stack, name, kind.ref if kind else "name")

    def _get_att(self, arg: Any, stack: StackTemplate, where: str) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not (isinstance(arg, list) and len(arg) == 2):
            self._warn(stack, where, f"malformed Fn::GetAtt {arg!r}")
            return Unresolved(f"GetAtt {arg!r}")
        logical_id, attribute = arg[0], self._resolve(arg[1], stack, where)
        if not isinstance(attribute, str):
            return Unresolved(f"{logical_id}.{attribute}")
        resource = stack.resources.get(logical_id)
        if resource is None:
            self._warn(stack, where, f"Fn::GetAtt on {logical_id!r}, which is not in the template")
            return Unresolved(f"{logical_id}.{attribute}")
        kind = _KINDS.get(resource.get("Type", ""))
        if attribute == "Arn" and kind is not None and kind.arn is not None:
            return self.arn(stack, logical_id)
        spec = kind.attributes.get(attribute) if kind else None
        return self._value(stack, logical_id, spec) if spec else Unresolved(f"{logical_id}.{attribute}")

    def _value(self, stack: StackTemplate, logical_id: str, spec: str) -> Any:
        """What ``Ref``/``GetAtt`` return: ``name``/``id``, ``arn``, ``url`` or a format string."""
        physical = self.physical_name(stack, logical_id)
        if spec in ("name", "id"):
            return physical
        if spec == "arn":
            return self.arn(stack, logical_id)
        if spec == "url":
            return f"https://sqs.{self.env.region}.{self.env.url_suffix}/{self.env.account}/{physical}"
        return spec.format(name=physical, region=self.env.region, hash=_digest(stack.name, logical_id, length=16))

    def _function(self, key: str, arg: Any, stack: StackTemplate, where: str) -> Any:
        if key == "Fn::GetAtt":
            return self._get_att(arg, stack, where)
        if key == "Fn::Join":
            delimiter, items = arg
            parts = self._resolve(items, stack, where)
            if not isinstance(parts, list):
                return Unresolved("Fn::Join")
            unknown = [p for p in parts if isinstance(p, Unresolved)]
            if unknown:
                return unknown[0]
            return str(delimiter).join(str(p) for p in parts)
        if key == "Fn::Sub":
            return self._sub(arg, stack, where)
        if key == "Fn::Select":
            index, items = self._resolve(arg[0], stack, where), self._resolve(arg[1], stack, where)
            if isinstance(items, list) and isinstance(index, int | str) and str(index).isdigit() and int(index) < len(items):
                return items[int(index)]
            return Unresolved("Fn::Select")
        if key == "Fn::Split":
            delimiter, text = arg[0], self._resolve(arg[1], stack, where)
            if not delimiter:
                raise _Refusal("Fn::Split needs a delimiter that is not empty")
            return text.split(delimiter) if isinstance(text, str) else Unresolved("Fn::Split")
        if key == "Fn::If":
            name, when_true, when_false = arg
            return self._resolve(when_true if self.condition(name, stack) else when_false, stack, where)
        if key in ("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not"):
            return self._truth({key: arg}, stack, where)
        if key == "Fn::FindInMap":
            name, top, second = (self._resolve(a, stack, where) for a in arg[:3])
            try:
                return stack.template["Mappings"][name][top][second]
            except (KeyError, TypeError):
                if len(arg) > 3 and isinstance(arg[3], dict) and "DefaultValue" in arg[3]:
                    return self._resolve(arg[3]["DefaultValue"], stack, where)
                self._warn(stack, where, f"Fn::FindInMap {name}/{top}/{second} has no value")
                return Unresolved("Fn::FindInMap")
        if key == "Fn::ImportValue":
            return self._import(self._resolve(arg, stack, where), stack, where)
        if key == "Fn::Base64":
            text = self._resolve(arg, stack, where)
            return base64.b64encode(text.encode()).decode() if isinstance(text, str) else Unresolved("Fn::Base64")
        if key == "Fn::GetAZs":
            return [f"{self.env.region}{zone}" for zone in "abc"]
        if key == "Fn::ToJsonString":
            try:
                return json.dumps(self._resolve(arg, stack, where), separators=(",", ":"))
            except TypeError:  # an Unresolved inside
                return Unresolved("Fn::ToJsonString")
        if key == "Fn::Length":
            items = self._resolve(arg, stack, where)
            return len(items) if isinstance(items, list) else Unresolved("Fn::Length")
        self._warn(stack, where, f"{key} is not supported by the simulator")
        return Unresolved(key)

    def _import(self, name: Any, stack: StackTemplate, where: str) -> Any:
        exported = self._exports.get(name) if isinstance(name, str) else None
        if exported is None:
            self._warn(stack, where, f"Fn::ImportValue {name!r}: no stack here exports it")
            return Unresolved(f"ImportValue {name}")
        if name in self._importing:
            chain = self._importing[self._importing.index(name):] + [name]
            raise _Refusal(f"Fn::ImportValue imports its own export: {' -> '.join(repr(n) for n in chain)}")
        exporter, output, value = exported
        self._importing.append(name)
        try:
            return self._resolve(value, exporter, where)
        except _Refusal as refusal:
            refusal.locate(f"{exporter.name}/{output}")
            raise
        finally:
            self._importing.pop()

    def _sub(self, arg: Any, stack: StackTemplate, where: str) -> Any:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1] if len(arg) > 1 else {})
        unknown: list[Unresolved] = []

        def replace(match: re.Match[str]) -> str:
            if match.group(1) == "!":
                return "${" + match.group(2) + "}"
            name = match.group(2)
            if name in variables:
                value = self._resolve(variables[name], stack, where)
            elif "." in name and not name.startswith("AWS::"):
                value = self._get_att(name.split(".", 1), stack, where)
            else:
                value = self._ref(name, stack, where)
            if isinstance(value, Unresolved):
                unknown.append(value)
                return ""
            return str(value)

        result = _SUB_VARIABLE.sub(replace, text)
        return unknown[0] if unknown else result

    def _truth(self, definition: Any, stack: StackTemplate, where: str) -> bool:
        if isinstance(definition, dict) and len(definition) == 1:
            (key, arg), = definition.items()
            why = template_syntax.check_intrinsic(key, arg) if key in template_syntax.CONDITION_FUNCTIONS else None
            if why:
                raise _Refusal(why)
            if key == "Condition":
                return bool(self.condition(arg, stack))
            if key == "Fn::Equals":
                left, right = (self._resolve(a, stack, where) for a in arg)
                return bool(left == right)
            if key == "Fn::And":
                return all(self._truth(a, stack, where) for a in arg)
            if key == "Fn::Or":
                return any(self._truth(a, stack, where) for a in arg)
            if key == "Fn::Not":
                return not self._truth(arg[0], stack, where)
        value = self._resolve(definition, stack, where)
        return value is True or value == "true"
