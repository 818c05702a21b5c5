"""EventBridge event patterns, evaluated against an event (a dict).

Written by hand (no maintained Python implementation exists outside moto, which is not a
runtime dependency here). Supports what rules on SES events use: nested fields, value
lists, ``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``, ``anything-but`` (values,
``prefix``, ``suffix``), ``numeric``, ``exists``, ``cidr`` and ``$or``. An event array field
matches when any element does, as in EventBridge.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Mapping
from typing import Any

_MISSING = object()


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    """Whether ``event`` matches ``pattern``."""
    if not isinstance(event, Mapping):
        return False
    for key, expected in pattern.items():
        if key == "$or":
            if not any(matches(alternative, event) for alternative in expected):
                return False
            continue
        value = event.get(key, _MISSING)
        if isinstance(expected, Mapping):
            if value is _MISSING or not matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not _field_matches(expected, value):
                return False
        else:
            return False  # EventBridge rejects scalar leaves; such a rule never matches
    return True


def _field_matches(matchers: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(_one(m, v) for m in matchers for v in values) or any(
        isinstance(m, Mapping) and "exists" in m and (m["exists"] is False) == (value is _MISSING) for m in matchers
    )


def _one(matcher: Any, value: Any) -> bool:
    if not isinstance(matcher, Mapping):
        return value is not _MISSING and matcher == value
    if value is _MISSING:
        return False
    if "exists" in matcher:
        return matcher["exists"] is True
    if "prefix" in matcher:
        return _text_op(matcher["prefix"], value, str.startswith)
    if "suffix" in matcher:
        return _text_op(matcher["suffix"], value, str.endswith)
    if "equals-ignore-case" in matcher:
        return isinstance(value, str) and value.lower() == str(matcher["equals-ignore-case"]).lower()
    if "wildcard" in matcher:
        return isinstance(value, str) and fnmatch.fnmatchcase(value, str(matcher["wildcard"]))
    if "anything-but" in matcher:
        excluded = matcher["anything-but"]
        if isinstance(excluded, Mapping):
            return not _one(excluded, value)
        return value not in (excluded if isinstance(excluded, list) else [excluded])
    if "numeric" in matcher:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        conditions = matcher["numeric"]
        checks = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, "=": lambda a, b: a == b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b}
        return all(checks[conditions[i]](value, conditions[i + 1]) for i in range(0, len(conditions), 2) if conditions[i] in checks)
    if "cidr" in matcher:
        try:
            return ipaddress.ip_address(str(value)) in ipaddress.ip_network(str(matcher["cidr"]), strict=False)
        except ValueError:
            return False
    return False


def _text_op(expected: Any, value: Any, op: Any) -> bool:
    if not isinstance(value, str):
        return False
    if isinstance(expected, Mapping) and "equals-ignore-case" in expected:
        return bool(op(value.lower(), str(expected["equals-ignore-case"]).lower()))
    return bool(op(value, str(expected)))
