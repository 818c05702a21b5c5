"""Reading YAML and JSON documents within limits.

Every file ses-metrics reads as a document (configuration, scenario, profile, template,
cloud assembly manifest) goes through ``read_document`` or ``parse_document``. A file over
a limit is refused with a ``DocumentError`` naming the file and the limit, before it can
take minutes or gigabytes, and no input ends in a traceback or a crash:

- **size:** at most ``max_bytes`` (16 MiB), and at most ``max_yaml_bytes`` (1 MiB) when
  the text is YAML: PyYAML reads block YAML at well under 1 MB/s on a loaded 2-core machine
  (benchmarks/RESULTS.md) and its node tree takes ~60 times the text's size in memory;
  CloudFormation itself takes templates of at most 1 MB. Larger documents are JSON;
- **nesting:** at most ``max_depth`` (64) levels of mappings and lists, checked on the
  parser's events *before* the document is composed (libyaml composes recursively in C:
  100,000 nested brackets would overflow its stack);
- **aliases:** the nodes aliases add when expanded (``*a`` repeats the whole anchored node)
  at most ``max_alias_nodes`` (100,000), and no alias inside its own anchor. Composing
  shares aliased nodes, but every reader after it (the schema, the checks) walks them
  expanded: a 1 KB "billion laughs" would otherwise be 10^9 nodes;
- **numbers:** an integer of more than 4,300 digits (Python's own limit for converting
  text) is a ``DocumentError``, not a ``ValueError`` from deep inside the parser.

The text is JSON when it starts with ``{`` (after whitespace), else YAML (1.1, PyYAML's safe
schema; libyaml's parser when PyYAML was built with it, as the wheels are).
"""

from __future__ import annotations

import array
import itertools
import json
import os
import re
from dataclasses import dataclass
from typing import Any

import yaml

from ses_metrics.files.collector import collector_paused

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    """What a document may hold; see the module docstring for why each exists."""

    max_bytes: int = 16 * 1024 * 1024
    max_yaml_bytes: int = 1024 * 1024
    max_depth: int = 64
    max_alias_nodes: int = 100_000


LIMITS = Limits()


class DocumentError(ValueError):
    """A file that cannot be read as a document within the limits. ``reason`` says why
    (without the file name); ``kind`` is ``unreadable`` (missing, not UTF-8, an OS error),
    ``syntax`` (not valid YAML or JSON) or ``limit`` (over a limit); ``str()`` is
    ``<source>: <reason>``."""

    def __init__(self, source: str, reason: str, kind: str = "syntax"):
        self.source = source
        self.reason = reason
        self.kind = kind
        super().__init__(f"{source}: {reason}")


def read_text(path: str | os.PathLike[str], limits: Limits = LIMITS) -> str:
    """The file's text (UTF-8), refused over ``limits.max_bytes`` without reading it all."""
    source = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read(limits.max_bytes + 1)
    except FileNotFoundError:
        raise DocumentError(source, "file not found", "unreadable") from None
    except IsADirectoryError:
        raise DocumentError(source, "is a directory, not a file", "unreadable") from None
    except OSError as error:
        raise DocumentError(source, f"cannot read the file: {error.strerror or error}", "unreadable") from None
    if len(data) > limits.max_bytes:
        raise DocumentError(source, f"the file is larger than {_size(limits.max_bytes)}, the most ses-metrics reads as one document", "limit")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DocumentError(source, f"cannot read the file: not UTF-8 text ({error.reason} at byte {error.start})", "unreadable") from None


def read_document(path: str | os.PathLike[str], *, loader: type[yaml.SafeLoader] = SafeLoader, limits: Limits = LIMITS) -> Any:
    """The parsed document of a YAML or JSON file; raises ``DocumentError``."""
    return parse_document(read_text(path, limits), str(path), loader=loader, limits=limits)


def parse_document(text: str, source: str = "<document>", *, loader: type[yaml.SafeLoader] = SafeLoader, limits: Limits = LIMITS) -> Any:
    """The parsed document of YAML or JSON text; raises ``DocumentError``. Parsed with the
    cyclic collector paused (``files.collector``)."""
    with collector_paused():
        if text.lstrip().startswith("{"):
            return _parse_json(text, source, limits)
        node, constructor = compose_yaml(text, source, loader=loader, limits=limits)
        try:
            return construct_yaml(node, constructor, source)
        finally:
            constructor.dispose()


def compose_yaml(text: str, source: str = "<document>", *, loader: type[yaml.SafeLoader] = SafeLoader,
                 limits: Limits = LIMITS) -> tuple[yaml.Node | None, yaml.SafeLoader]:
    """The YAML node tree, within the limits, and the loader that composed it (to construct
    the data with ``construct_yaml``; the caller disposes of it). For readers that need the
    nodes themselves (their lines)."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_yaml_bytes:
        raise DocumentError(source, f"the YAML text is larger than {_size(limits.max_yaml_bytes)}; "
                                    f"write it as JSON (up to {_size(limits.max_bytes)}) or split it", "limit")
    _check_nesting(text, source, loader, limits)
    composer = loader(text)
    try:
        node = composer.get_single_node()
    except yaml.YAMLError as error:
        composer.dispose()
        raise DocumentError(source, f"not valid YAML{_where(error)}: {_problem(error)}") from None
    except RecursionError:  # PyYAML's pure-Python composer, when libyaml is missing
        composer.dispose()
        raise DocumentError(source, f"nested more than {limits.max_depth} levels deep", "limit") from None
    if node is not None and "*" in text:  # no alias without a '*'
        _check_expansion(node, source, limits)
    return node, composer


def construct_yaml(node: yaml.Node | None, constructor: yaml.SafeLoader, source: str = "<document>") -> Any:
    """The data of a node tree ``compose_yaml`` returned."""
    if node is None:
        return None
    try:
        return constructor.construct_document(node)
    except yaml.YAMLError as error:
        raise DocumentError(source, f"not valid YAML{_where(error)}: {_problem(error)}") from None
    except (ValueError, OverflowError, TypeError) as error:  # an integer of 4,300+ digits, a date out of range
        raise DocumentError(source, f"not valid YAML: {_value_problem(error)}") from None
    except RecursionError:
        raise DocumentError(source, "nested too deeply", "limit") from None


def _parse_json(text: str, source: str, limits: Limits) -> Any:
    # The nesting is counted first, so that its scan's copies are gone before the parse.
    too_deep = text.count("[") + text.count("{") > limits.max_depth and _json_depth(text) > limits.max_depth
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise DocumentError(source, f"not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}") from None
    except RecursionError:
        too_deep = True
    except ValueError as error:
        raise DocumentError(source, f"not valid JSON: {_value_problem(error)}") from None
    if too_deep:
        raise DocumentError(source, f"nested more than {limits.max_depth} levels deep", "limit")
    return data


_BRACKETS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")
_NOT_SYNTAX = bytes(b for b in range(256) if b not in b'[]{}"')
_STRING = re.compile(rb'"[^"]*"')


def _json_depth(text: str) -> int:
    """How deep valid JSON ``text`` nests: the most brackets open at once outside strings,
    counted by C loops (escapes dropped, everything but brackets and quotes dropped, then
    the strings); walking the parsed data in Python would take seconds at 16 MiB."""
    data = text.encode("utf-8", "surrogatepass")
    if b"\\" in data:  # most documents have no escape: two copies of a large document saved
        data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    # Adjacent quotes go first: an empty string, or two strings with nothing outside them in
    # between (merged). Most strings hold no bracket, so the regular expression, a third of
    # a large document's read without this, is left few matches (benchmarks/user_path.py).
    syntax = data.translate(None, _NOT_SYNTAX).replace(b'""', b"")
    brackets = _STRING.sub(b"", syntax).translate(_BRACKETS)
    return max(itertools.accumulate(array.array("b", brackets)), default=0)


def check_depth(data: Any, source: str = "<document>", limits: Limits = LIMITS) -> None:
    """Raises ``DocumentError`` when ``data`` (parsed, such as an item a streaming reader
    built) nests mappings and lists deeper than ``limits.max_depth``. Walked a level at a
    time: one loop step per value, no generator per container (a streamed scenario's sends
    are each checked)."""
    max_depth = limits.max_depth
    level = [data] if isinstance(data, _CONTAINERS) else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            raise DocumentError(source, f"nested more than {max_depth} levels deep", "limit")
        below = []
        for value in level:
            for child in value.values() if isinstance(value, dict) else value:
                if isinstance(child, _CONTAINERS):
                    below.append(child)
        level = below


_CONTAINERS = (dict, list)


def _check_nesting(text: str, source: str, loader: type[yaml.SafeLoader], limits: Limits) -> None:
    """Refuses text nested deeper than the limit from the parser's events alone (libyaml's
    parser keeps its own stack; only composing recurses)."""
    if text.count("[") + text.count("{") + text.count("\n") <= limits.max_depth:
        return  # too short to nest that deep: flow levels need a bracket, block levels a line
    depth = 0
    starts, ends = (yaml.SequenceStartEvent, yaml.MappingStartEvent), (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    parser = loader(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, starts):
                depth += 1
                if depth > limits.max_depth:
                    line = f" (line {event.start_mark.line + 1})" if event.start_mark else ""
                    raise DocumentError(source, f"nested more than {limits.max_depth} levels deep{line}", "limit")
            elif isinstance(event, ends):
                depth -= 1
    except yaml.YAMLError as error:
        raise DocumentError(source, f"not valid YAML{_where(error)}: {_problem(error)}") from None
    finally:
        parser.dispose()


def _check_expansion(root: yaml.Node, source: str, limits: Limits) -> None:
    """The node tree with every alias expanded stays within the depth and alias limits, and
    no alias sits inside its own anchor. Aliased nodes are shared, so each node's expanded
    size and depth are computed once (iteratively: alias chains may be long)."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    unique = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(c)] for c in children)
            depth[key] = 1 + max((depth[id(c)] for c in children), default=0) if children else 0
            if depth[key] > limits.max_depth:
                raise DocumentError(source, f"nested more than {limits.max_depth} levels deep once its aliases are expanded{_line(node)}", "limit")
            if size[key] - unique > limits.max_alias_nodes:
                raise DocumentError(source, f"its aliases expand to more than {limits.max_alias_nodes:,} additional nodes{_line(node)}", "limit")
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise DocumentError(source, f"an alias refers to the node that contains it (a recursive anchor){_line(node)}", "limit")
        unique += 1
        open_nodes.add(key)
        stack.append((node, True))
        # A child popped while it is still open was pushed by one of its own descendants.
        stack.extend((child, False) for child in children if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _line(node: yaml.Node) -> str:
    mark = getattr(node, "start_mark", None)
    return f" (line {mark.line + 1})" if mark is not None else ""


def _where(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    return f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""


def _problem(error: yaml.YAMLError) -> str:
    return str(getattr(error, "problem", None) or error).strip()


def _value_problem(error: Exception) -> str:
    text = str(error)
    if "integer string conversion" in text:
        return "an integer has more than 4,300 digits"
    return text


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n:,} bytes"

