"""A fast path for the JQ queries Firehose dynamic partitioning mostly uses.

Metadata-extraction queries are usually one object of plain paths, as ses-metrics writes
them::

    {eventType:.eventType,configurationSet:.mail.tags["ses:configuration-set"][0]}

Running such a query through the ``jq`` package serialises the whole record to JSON and
parses it again in jq, per record: about 90 microseconds, more than everything else the
simulator does with an event. ``compile_paths`` recognises that form (keys: identifiers
or quoted strings; values: ``.name``, ``."name"``, ``["name"]`` and ``[index]`` steps)
and evaluates it on the Python record directly. Anything it does not recognise returns
None at compile time, and any record it cannot answer exactly as jq would (a step into a
value of the wrong type, a leaf that is not a string or null) raises ``Fallback`` at run
time: the caller then runs the real jq, so results and error messages stay jq's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

Step = str | int
Query = Callable[[dict[str, Any]], dict[str, Any]]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ident>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<string>"(?:[^"\\]|\\.)*")
      | (?P<int>[0-9]+)
      | (?P<punct>[{}:,.\[\]])
    )""",
    re.VERBOSE,
)


class Fallback(Exception):
    """This record needs the real jq (the fast path would not answer exactly as jq does)."""


def _tokens(query: str) -> list[tuple[str, str]] | None:
    out: list[tuple[str, str]] = []
    position = 0
    text = query.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            return None
        kind = match.lastgroup
        assert kind is not None
        out.append((kind, match.group(kind)))
        position = match.end()
    return out


def _string(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def parse(query: str) -> list[tuple[str, tuple[Step, ...]]] | None:
    """``[(key, path), ...]`` for ``{key: .path, ...}``, or None for any other query."""
    tokens = _tokens(query)
    if not tokens or tokens[0] != ("punct", "{") or tokens[-1] != ("punct", "}"):
        return None
    fields: list[tuple[str, tuple[Step, ...]]] = []
    i = 1
    end = len(tokens) - 1
    while i < end:
        kind, value = tokens[i]
        key = value if kind == "ident" else _string(value) if kind == "string" else None
        if key is None or i + 2 > end or tokens[i + 1] != ("punct", ":") or tokens[i + 2] != ("punct", "."):
            return None
        i += 2  # at the path's leading "."
        steps: list[Step] = []
        while i < end and tokens[i] not in (("punct", ","),):
            kind, value = tokens[i]
            if (kind, value) == ("punct", "."):
                nxt = tokens[i + 1] if i + 1 < end else None
                if nxt is not None and nxt[0] == "ident":
                    steps.append(nxt[1])
                    i += 2
                elif nxt is not None and nxt[0] == "string" and _string(nxt[1]) is not None:
                    steps.append(_string(nxt[1]))  # type: ignore[arg-type]
                    i += 2
                elif not steps and (nxt is None or nxt in (("punct", ","), ("punct", "["))):
                    i += 1  # the identity "." (alone, or before a bracket)
                else:
                    return None
            elif (kind, value) == ("punct", "["):
                if i + 2 >= end + 1 or tokens[i + 2] != ("punct", "]"):
                    return None
                inner_kind, inner = tokens[i + 1]
                if inner_kind == "int":
                    steps.append(int(inner))
                elif inner_kind == "string" and _string(inner) is not None:
                    steps.append(_string(inner))  # type: ignore[arg-type]
                else:
                    return None
                i += 3
            else:
                return None
        if any(k == key for k, _ in fields):
            return None  # a repeated key: leave jq's semantics to jq
        fields.append((key, tuple(steps)))
        if i < end:
            i += 1  # the ","
            if i == end:
                return None  # a trailing comma is a jq syntax error
    return fields or None


def compile_paths(query: str) -> Query | None:
    """A function computing ``query``'s single result on a record, or None when the query
    is not a plain object of paths (use jq). The function raises ``Fallback`` for a record
    it cannot answer exactly as jq would."""
    fields = parse(query)
    if fields is None:
        return None

    def run(record: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, steps in fields:
            value: Any = record
            for step in steps:
                if value is None:
                    break  # jq: null.a and null[0] are null
                if step.__class__ is str:
                    if value.__class__ is not dict:
                        raise Fallback
                    value = value.get(step)
                else:
                    if value.__class__ is not list:
                        raise Fallback
                    value = value[step] if step < len(value) else None  # type: ignore[operator,index]
            if value is not None and value.__class__ is not str:
                raise Fallback  # numbers, booleans and containers: jq's own rendering
            out[key] = value
        return out

    return run
