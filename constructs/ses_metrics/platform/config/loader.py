"""Reading ``ses-metrics.yaml``: ``load_config`` returns a validated :class:`PlatformConfig`
or raises :class:`ConfigError` listing every problem at once, each named by its YAML path
and line (``configuration_sets[0].destinations[2].cloudwatch.dimensions[1].default (line 14)``).

Validation runs in two passes over the same document so that no error hides another:
pydantic checks shapes, types, unknown keys and each single value (through the ``rules``
functions); then the cross-item rules (``checks``) run over the raw document.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, get_args

import yaml
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from ses_metrics import rules
from ses_metrics.files import documents
from ses_metrics.platform.config.checks import cross_checks
from ses_metrics.platform.config.models import PlatformConfig
from ses_metrics.platform.config.resources import least_resources, resource_limit_problems
from ses_metrics.rules import PathSegment, Problem


class ConfigError(rules.ValidationError):
    """The configuration file is unreadable or breaks rules; ``problems`` lists every error."""

    def __init__(self, problems: Sequence[Problem], source: str, lines: dict[tuple[PathSegment, ...], int] | None = None):
        self.source = source
        self.lines = lines or {}
        super().__init__(problems, source)

    def __str__(self) -> str:
        count = len(self.problems)
        body = "\n".join(f"  - {describe(p, self.lines)}" for p in self.problems)
        return f"{self.source}: {count} problem{'s' if count != 1 else ''}:\n{body}"


@dataclass(frozen=True)
class CheckedConfig:
    """The result of checking a configuration: the model (when valid) and every problem."""

    config: PlatformConfig | None
    problems: list[Problem]
    source: str
    lines: dict[tuple[PathSegment, ...], int]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_config(path: str | os.PathLike[str]) -> CheckedConfig:
    """Read and check a configuration file; never raises for a bad file."""
    source = str(path)
    try:
        text = documents.read_text(path)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    return check_config_text(text, source)


def check_config_text(text: str, source: str = "<config>") -> CheckedConfig:
    """Parse YAML (or JSON) text, within ``ses_metrics.files.documents``' limits, and check it."""
    try:
        # One parse: the node tree gives each path's line, then the data is built from it.
        node, loader = documents.compose_yaml(text, source)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    try:
        data = documents.construct_yaml(node, loader, source)
    except documents.DocumentError as error:
        return CheckedConfig(None, [Problem((), error.reason)], source, {})
    finally:
        loader.dispose()
    lines: dict[tuple[PathSegment, ...], int] = {}
    problems = list(_walk_nodes(node, (), lines)) if node is not None else []
    if data is None:
        data = {}
    return _check_data(data, source, lines, problems)


def check_config_data(data: Any, source: str = "<config>") -> CheckedConfig:
    """Check an already-parsed document (a dict)."""
    return _check_data(data, source, {}, [])


def _check_data(data: Any, source: str, lines: dict[tuple[PathSegment, ...], int], problems: list[Problem]) -> CheckedConfig:
    if not isinstance(data, dict):
        problems.append(Problem((), f"the file must hold a mapping with configuration_sets:, not {type(data).__name__}"))
        return CheckedConfig(None, problems, source, lines)
    config = None
    try:
        config = PlatformConfig.model_validate(data)
    except PydanticValidationError as error:
        problems += [_from_pydantic(e) for e in error.errors(include_url=False)]
    located = {p.path for p in problems if p.is_error}
    # A cross-item problem at a refused value, or at the mapping holding one, would only
    # restate the schema's error ("give exactly one of topic or topic_arn" for a bad topic).
    restated = located | {path[:-1] for path in located if path}
    problems += [p for p in cross_checks(_without(data, located)) if p.path not in restated]
    if config is not None:  # what synth counts exactly, counted from the file: at least this many
        problems += resource_limit_problems(config, least_resources(config), exact=False)
    if any(p.is_error for p in problems):
        config = None
    order = _document_order(lines)
    problems.sort(key=lambda p: (order.get(_nearest(p.path, lines), len(order)), p.is_error is False))
    return CheckedConfig(config, problems, source, lines)


def _without(data: Any, paths: set[tuple[PathSegment, ...]]) -> Any:
    """``data`` without the values the schema refused (at each path, or the deepest part of
    it the document has): the cross-item checks then see only values of the right type, so
    a name that is a mapping (``topics: [{name: {a: 1}}]``) is reported once, by the schema."""
    if not paths:
        return data
    pruned = copy.deepcopy(data)
    for path in paths:
        parent, key = None, None
        value = pruned
        for segment in path:
            if isinstance(value, dict) and segment in value or isinstance(value, list) and isinstance(segment, int) and 0 <= segment < len(value):
                parent, key, value = value, segment, value[segment]
            else:
                break
        if isinstance(parent, dict):
            parent.pop(key, None)
        elif isinstance(parent, list):
            parent[key] = None
    return pruned


def load_config(path: str | os.PathLike[str]) -> PlatformConfig:
    """The validated configuration; raises :class:`ConfigError` listing every problem."""
    checked = check_config(path)
    if checked.config is None:
        raise ConfigError(checked.errors, checked.source, checked.lines)
    return checked.config


def describe(problem: Problem, lines: dict[tuple[PathSegment, ...], int]) -> str:
    """``path (line N): message``, the line of the path or of its nearest parent."""
    line = lines.get(_nearest(problem.path, lines))
    where = problem.location or "(top level)"
    if line is not None:
        where += f" (line {line})"
    return f"{where}: {problem.message}"


def _nearest(path: tuple[PathSegment, ...], lines: dict[tuple[PathSegment, ...], int]) -> tuple[PathSegment, ...]:
    while path and path not in lines:
        path = path[:-1]
    return path


def _document_order(lines: dict[tuple[PathSegment, ...], int]) -> dict[tuple[PathSegment, ...], int]:
    return {path: index for index, path in enumerate(sorted(lines, key=lambda p: lines[p]))}


def _walk_nodes(node: yaml.Node, path: tuple[PathSegment, ...], lines: dict[tuple[PathSegment, ...], int]) -> Iterator[Problem]:
    """Record each path's line and report keys given twice (PyYAML keeps the last silently)."""
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                yield Problem(
                    (*path, key),
                    f"key {key!r} is given twice (lines {seen[key]} and {key_node.start_mark.line + 1}); "
                    f"only the last would count",
                )
            seen[key] = key_node.start_mark.line + 1
            yield from _walk_nodes(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk_nodes(item, (*path, index), lines)


def _from_pydantic(error: Any) -> Problem:
    path = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = _allowed_keys(path[:-1])
        hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
        return Problem(path, f"unknown key {path[-1]!r}{hint}")
    if kind == "missing":
        return Problem(path, f"required key {path[-1]!r} is missing")
    value = error.get("input")
    got = f"; got {value!r}" if isinstance(value, str | int | float | bool) else ""
    return Problem(path, f"{error['msg']}{got}" if kind != "ses_rule" else error["msg"])


def _allowed_keys(path: tuple[PathSegment, ...]) -> list[str]:
    """The keys the schema allows at ``path`` (for 'unknown key' messages)."""
    model: Any = PlatformConfig
    for segment in path:
        if isinstance(segment, int):
            continue
        field = model.model_fields.get(segment) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return []
        model = _model_in(field.annotation)
    return list(model.model_fields) if isinstance(model, type) and issubclass(model, BaseModel) else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model inside ``X | None`` or ``list[X]``, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def json_schema() -> dict[str, Any]:
    """The JSON Schema of ``ses-metrics.yaml``, for editors and other tools."""
    return PlatformConfig.model_json_schema()

