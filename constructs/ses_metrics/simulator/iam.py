"""An IAM policy evaluator for the questions event publishing asks.

Written by hand: no maintained, permissively licensed offline evaluator exists
(principalmapper is AGPL and broken on Python 3.10+; parliament lints but does not
evaluate; moto checks actions against ``*`` only). It covers what SES, SNS, KMS and
Firehose policies use:

- ``Effect`` Allow/Deny, an explicit Deny winning over any Allow;
- ``Action``/``NotAction`` with ``*`` and ``?`` wildcards, case-insensitive;
- ``Resource``/``NotResource`` with wildcards, case-sensitive;
- ``Principal``/``NotPrincipal`` (``*``, ``AWS`` account or ARN, ``Service``) for resource
  policies (trust policies, topic, key and bucket policies);
- condition operators ``String*``, ``Arn*``, ``Bool``, ``Null``, ``Numeric*``, each with the
  ``IfExists`` suffix and the ``ForAnyValue:``/``ForAllValues:`` set prefixes; condition keys
  are case-insensitive, values of one key are ORed, keys and operators ANDed. A negated
  operator matches when its key is absent, as in IAM.

Not covered (an unknown operator never allows): permission boundaries, SCPs, session
policies, ``Date*`` and ``IpAddress`` operators, policy variables.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Request:
    """An API call to judge: who (for resource policies), what, on which resource, in which context."""

    action: str
    resource: str
    principal_service: str | None = None
    principal_arn: str | None = None
    principal_account: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


@lru_cache(maxsize=4096)
def _pattern(glob: str, case_sensitive: bool) -> re.Pattern[str]:
    regex = fnmatch.translate(glob.replace("[", "[[]"))
    return re.compile(regex, 0 if case_sensitive else re.IGNORECASE)


def _matches(glob: str, value: str, *, case_sensitive: bool = True) -> bool:
    if glob == "*":
        return True
    return bool(_pattern(glob, case_sensitive).match(value))


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _principal_matches(principal: Any, request: Request) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, Mapping):
        return False
    for kind, values in principal.items():
        for value in _listify(values):
            if not isinstance(value, str):
                continue
            if kind == "Service" and request.principal_service and value.lower() == request.principal_service.lower():
                return True
            if kind == "AWS":
                if value == "*":
                    return True
                if request.principal_arn and _matches(value, request.principal_arn):
                    return True
                account = value.split(":")[4] if value.startswith("arn:") and value.endswith(":root") else value
                if request.principal_account and account == request.principal_account:
                    return True
    return False


def _compare(operator: str, expected: Any, actual: Any) -> bool:
    text = str(actual)
    if operator in ("StringEquals", "ArnEquals"):
        return text == str(expected)
    if operator == "StringEqualsIgnoreCase":
        return text.lower() == str(expected).lower()
    if operator in ("StringLike", "ArnLike"):
        return _matches(str(expected), text)
    if operator == "Bool":
        return text.lower() == str(expected).lower()
    if operator.startswith("Numeric"):
        try:
            a, b = float(actual), float(expected)
        except (TypeError, ValueError):
            return False
        return {
            "NumericEquals": a == b,
            "NumericLessThan": a < b,
            "NumericLessThanEquals": a <= b,
            "NumericGreaterThan": a > b,
            "NumericGreaterThanEquals": a >= b,
        }.get(operator, False)
    raise KeyError(operator)


_NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "NumericNotEquals": "NumericEquals",
}
_KNOWN = {
    "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "Bool", "Null",
    "NumericEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
} | set(_NEGATED)


def _condition_holds(operator_name: str, key: str, expected: Any, context: Mapping[str, Any]) -> bool:
    qualifier, _, operator = operator_name.rpartition(":")
    if_exists = operator.endswith("IfExists")
    operator = operator.removesuffix("IfExists")
    if operator not in _KNOWN:
        return False
    lowered = {k.lower(): v for k, v in context.items()}
    present = key.lower() in lowered
    if operator == "Null":
        return (not present) == (str(_listify(expected)[0]).lower() == "true")
    if not present:
        return if_exists or operator in _NEGATED
    actual_values = _listify(lowered[key.lower()])
    expected_values = _listify(expected)
    positive = _NEGATED.get(operator, operator)

    def one(actual: Any) -> bool:
        hit = any(_compare(positive, e, actual) for e in expected_values)
        return not hit if operator in _NEGATED else hit

    if qualifier == "ForAllValues":
        return all(one(a) for a in actual_values)
    return any(one(a) for a in actual_values)


def _statement_applies(statement: Mapping[str, Any], request: Request, resource_policy: bool) -> bool:
    if resource_policy:
        if "Principal" in statement and not _principal_matches(statement["Principal"], request):
            return False
        if "NotPrincipal" in statement and _principal_matches(statement["NotPrincipal"], request):
            return False
    if "Action" in statement:
        if not any(_matches(a, request.action, case_sensitive=False) for a in _listify(statement["Action"]) if isinstance(a, str)):
            return False
    elif "NotAction" in statement:
        if any(_matches(a, request.action, case_sensitive=False) for a in _listify(statement["NotAction"]) if isinstance(a, str)):
            return False
    else:
        return False
    if "Resource" in statement:
        if not any(_matches(r, request.resource) for r in _listify(statement["Resource"]) if isinstance(r, str)):
            return False
    elif "NotResource" in statement:
        if any(_matches(r, request.resource) for r in _listify(statement["NotResource"]) if isinstance(r, str)):
            return False
    elif not resource_policy:
        return False
    for operator, keys in (statement.get("Condition") or {}).items():
        if not isinstance(keys, Mapping):
            return False
        for key, expected in keys.items():
            if not _condition_holds(operator, key, expected, request.context):
                return False
    return True


def statements(documents: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The statements of policy documents (a document's ``Statement`` may be one dict)."""
    out: list[Mapping[str, Any]] = []
    for document in documents:
        if isinstance(document, Mapping):
            out += [s for s in _listify(document.get("Statement")) if isinstance(s, Mapping)]
    return out


def unsupported_operators(documents: Sequence[Mapping[str, Any]]) -> set[str]:
    """Condition operators the evaluator does not know (they never allow)."""
    found = set()
    for statement in statements(documents):
        for operator in statement.get("Condition") or {}:
            base = operator.rpartition(":")[2].removesuffix("IfExists")
            if base not in _KNOWN:
                found.add(operator)
    return found


def evaluate(documents: Iterable[Mapping[str, Any]], request: Request, *, resource_policy: bool = False) -> Decision:
    """Whether these policies allow the request: an explicit Deny wins, else any Allow."""
    allowed_by = None
    for index, statement in enumerate(statements(documents)):
        if not _statement_applies(statement, request, resource_policy):
            continue
        label = statement.get("Sid") or f"statement {index + 1}"
        if statement.get("Effect") == "Deny":
            return Decision(False, f"explicitly denied by {label}")
        if statement.get("Effect") == "Allow" and allowed_by is None:
            allowed_by = label
    if allowed_by is not None:
        return Decision(True, f"allowed by {allowed_by}")
    return Decision(False, f"no statement allows {request.action} on {request.resource}")
