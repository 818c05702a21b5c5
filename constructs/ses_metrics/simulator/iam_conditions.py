"""IAM condition evaluation: every operator of the IAM reference, in three-valued logic.

A condition is true, false or *unknown* (``None``): unknown when the simulator cannot
know the answer (an operator it does not know, a context key whose presence it cannot
know, a policy variable it cannot resolve, a value that is not of the operator's type).
Unknown never becomes true or false by default: the caller decides what it means for
the request (see ``iam.authorize``: an unknown Deny or Allow that could change the
decision makes the decision unknown).

Semantics ([OPS], [MULTI], [VARS] in ``ses_metrics.rules.iam``):

- keys and values of one operator: keys ANDed, values of a key ORed (for negated operators,
  NOR: none of the values matches); operators of a block ANDed;
- a key absent from the request: positive operators false, negated operators true,
  ``...IfExists`` true, ``Null`` true for "true"; ``ForAllValues`` true, ``ForAnyValue``
  false;
- a multivalued request key without a set qualifier matches nothing (a set qualifier is
  required [MULTI]); a set qualifier on a single value treats it as a one-element set;
- String: case-sensitive (``...IgnoreCase`` not), ``*``/``?`` wildcards in ``...Like``;
  Arn: each of the six ``:``-separated segments matched separately, wildcards never cross
  a ``:`` (the resource segment keeps its own colons); Numeric: integers and decimals;
  Date: ISO 8601 (W3C profile) or epoch seconds; Bool: ``true``/``false`` in any case;
  BinaryEquals: base-64 text compared byte for byte; IpAddress: CIDR, IPv4 or IPv6.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from ses_metrics.rules.iam import (
    CONDITION_OPERATORS,
    IF_EXISTS,
    LITERAL_VARIABLES,
    MULTIVALUED_KEYS,
    SET_QUALIFIERS,
    ConditionOperator,
)

Tri = bool | None  # True, False, or None: unknown


class Undecidable(Exception):
    """Raised inside a comparison when the simulator cannot decide it; carries why."""


@dataclass
class Context:
    """The request context: ``values`` by lower-case key (a str, or a list for multivalued
    keys). By default (``complete``) a key not in ``values`` is absent, as in a request
    whose whole context is given. Otherwise only keys in ``absent`` (exact, or prefixes
    ending in ``/`` or ``:``) are known to be absent, and ``known`` (same forms) lists keys
    whose every value is in ``values``; any other key is unknown."""

    values: dict[str, Any] = field(default_factory=dict)
    complete: bool = True
    absent: frozenset[str] = frozenset()
    known: frozenset[str] = frozenset()

    @classmethod
    def of(cls, values: Mapping[str, Any], **kwargs: Any) -> Context:
        return cls({k.lower(): v for k, v in values.items()}, **kwargs)

    def lookup(self, key: str) -> tuple[Tri, Any]:
        """(True, value) when present, (False, None) when absent, (None, None) when unknown."""
        lowered = key.lower()
        if lowered in self.values:
            return True, self.values[lowered]
        if self.complete or _listed(lowered, self.known) or _listed(lowered, self.absent):
            return False, None
        return None, None


def _listed(key: str, keys: frozenset[str]) -> bool:
    if key in keys:
        return True
    return any(k.endswith(("/", ":")) and key.startswith(k) for k in keys)


# -- policy variables ([VARS]) ------------------------------------------------------------

_VARIABLE = re.compile(r"\$\{([^}]*)\}")


def resolve_variables(value: str, context: Context) -> str | None:
    """``value`` with its ``${key}`` / ``${key, 'default'}`` variables replaced; ``${*}``,
    ``${?}``, ``${$}`` stand for the character itself (a literal, not a wildcard: the
    result marks them with NUL-prefixed escapes for the matcher). None when a variable's
    key is absent without a default or multivalued ([VARS]: such a value never matches).
    Raises Undecidable when the key's presence cannot be known."""
    if "${" not in value:
        return value
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        inner = match.group(1)
        if inner in LITERAL_VARIABLES:
            return "\0" + inner
        name, _, default = inner.partition(",")
        name, default = name.strip(), default.strip()
        present, found = context.lookup(name)
        if present is None:
            raise Undecidable(f"policy variable ${{{name}}} (the simulator does not know its value in this request)")
        if present and isinstance(found, str):
            return _escape(found)
        if present and isinstance(found, list | tuple) and name.lower() not in MULTIVALUED_KEYS and len(found) == 1:
            return _escape(str(found[0]))
        if default.startswith("'") and default.endswith("'") and len(default) >= 2:
            return _escape(default[1:-1])
        failed = True
        return ""

    resolved = _VARIABLE.sub(replace, value)
    return None if failed else resolved


def _escape(text: str) -> str:
    """A substituted value is literal text: its ``*`` and ``?`` are no wildcards."""
    return text.replace("*", "\0*").replace("?", "\0?")


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, case_sensitive: bool = True) -> re.Pattern[str]:
    """``*`` (any run of characters) and ``?`` (one character) as a regex; NUL-escaped
    characters (from variables) are literal."""
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\0" and i + 1 < len(pattern):
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.S if case_sensitive else re.S | re.I)


def _literal(pattern: str) -> str:
    return pattern.replace("\0", "")


# -- value comparisons per family -----------------------------------------------------------


def _string(op: ConditionOperator, expected: str, actual: str) -> bool:
    name = (op.positive or op.name).lower()
    if name == "stringlike":
        return glob_regex(expected).match(actual) is not None
    if name == "stringequalsignorecase":
        return _literal(expected).lower() == actual.lower()
    return _literal(expected) == actual


def _number(text: Any) -> Decimal:
    try:
        number = Decimal(str(text).strip())
    except InvalidOperation:
        raise Undecidable(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise Undecidable(f"{text!r} is not a number")
    return number


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "equals": lambda a, b: a == b,
    "lessthan": lambda a, b: a < b,
    "lessthanequals": lambda a, b: a <= b,
    "greaterthan": lambda a, b: a > b,
    "greaterthanequals": lambda a, b: a >= b,
}


def _relation(op: ConditionOperator) -> Callable[[Any, Any], bool]:
    name = (op.positive or op.name).lower()
    return _COMPARE[name.removeprefix(op.family.lower())]


def _numeric(op: ConditionOperator, expected: str, actual: Any) -> bool:
    return _relation(op)(_number(actual), _number(expected))


# W3C date-time profile of ISO 8601: YYYY, YYYY-MM, YYYY-MM-DD, then THH:MM[:SS[.s]]TZD.
_W3C = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?\Z")


def parse_date(text: Any) -> Decimal:
    """Seconds since the epoch of an IAM date value: epoch seconds (digits) or ISO 8601."""
    value = str(text).strip()
    if re.fullmatch(r"-?\d+", value) and len(value.lstrip("-")) != 4 or re.fullmatch(r"\d+\.\d+", value):
        return Decimal(value)
    match = _W3C.match(value)
    if match is None:
        raise Undecidable(f"{value!r} is not an ISO 8601 date or epoch time")
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    if hour is not None and zone is None:
        raise Undecidable(f"{value!r} has a time but no time zone")
    try:
        moment = datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0), int(second or 0), tzinfo=UTC)
    except ValueError:
        raise Undecidable(f"{value!r} is not a valid date") from None
    seconds = Decimal(int(moment.timestamp())) + (Decimal("0." + fraction) if fraction else 0)
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        seconds -= sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    return seconds


def _date(op: ConditionOperator, expected: str, actual: Any) -> bool:
    return _relation(op)(parse_date(actual), parse_date(expected))


def _boolean(op: ConditionOperator, expected: str, actual: Any) -> bool:
    wanted, got = _literal(expected).lower(), str(actual).lower()
    if wanted not in ("true", "false"):
        raise Undecidable(f"Bool value {expected!r} is neither true nor false")
    if got not in ("true", "false"):
        return False  # a request value that is not a boolean never equals one
    return wanted == got


def _binary(op: ConditionOperator, expected: str, actual: Any) -> bool:
    try:
        wanted = base64.b64decode(expected, validate=True)
        got = base64.b64decode(str(actual), validate=True)
    except (binascii.Error, ValueError):
        raise Undecidable(f"BinaryEquals value {expected!r} is not base-64") from None
    return wanted == got


def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise Undecidable(f"{text!r} is not an IP address or CIDR range") from None


def _ip(op: ConditionOperator, expected: str, actual: Any) -> bool:
    network = _network(expected)
    try:
        address = ipaddress.ip_address(str(actual).strip())
    except ValueError:
        return False  # the request value is no IP address: it is in no range
    return address.version == network.version and address in network


def split_arn(arn: str) -> list[str] | None:
    """The six segments of an ARN (the last keeps its colons), or None."""
    parts = arn.split(":", 5)
    return parts if len(parts) == 6 and parts[0] == "arn" else None


def arn_matches(pattern: str, arn: str) -> bool:
    """[OPS] ARN matching: segment by segment, wildcards never crossing a ``:`` between
    segments. A policy value that is not a six-segment ARN is undecidable (AWS documents no
    rule for it: ``arn:aws:ses:*`` does not match a longer ARN, and whether ArnNotLike of it
    does is not said); a request value that is no ARN matches no ARN."""
    wanted, got = split_arn(pattern), split_arn(arn)
    if wanted is None:
        raise Undecidable(f"ARN condition value {_literal(pattern)!r} is not an ARN of six segments")
    if got is None:
        return False
    return all(glob_regex(w).match(g) is not None for w, g in zip(wanted, got, strict=True))


def _arn(op: ConditionOperator, expected: str, actual: Any) -> bool:
    return arn_matches(expected, str(actual))


_FAMILIES: dict[str, Callable[[ConditionOperator, str, Any], bool]] = {
    "String": _string,
    "Numeric": _numeric,
    "Date": _date,
    "Bool": _boolean,
    "Binary": _binary,
    "IpAddress": _ip,
    "Arn": _arn,
}


# -- one operator, one key ------------------------------------------------------------------


@dataclass(frozen=True)
class ParsedOperator:
    """``ForAnyValue:StringLikeIfExists`` as its parts; ``base`` None when unknown."""

    text: str
    base: ConditionOperator | None
    qualifier: str | None
    if_exists: bool


@lru_cache(maxsize=1024)
def parse_operator(text: str) -> ParsedOperator:
    qualifier, _, name = text.rpartition(":")
    known_qualifier = next((q for q in SET_QUALIFIERS if q.lower() == qualifier.lower()), None)
    if qualifier and known_qualifier is None:
        return ParsedOperator(text, None, qualifier, False)
    if_exists = name.lower().endswith(IF_EXISTS.lower()) and name.lower() != "null"
    base = CONDITION_OPERATORS.get(name.lower()[: -len(IF_EXISTS)] if if_exists else name.lower())
    if base is not None and base.name == "Null" and if_exists:
        base = None  # [OPS]: Null takes no IfExists
    return ParsedOperator(text, base, known_qualifier, if_exists)


def _values(expected: Any) -> list[Any]:
    return list(expected) if isinstance(expected, list | tuple) else [expected]


def _policy_value(op: ConditionOperator, value: Any, context: Context) -> str | None:
    """A policy value as text, its variables resolved where the operator takes them."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        raise Undecidable(f"condition value {value!r} is not a string, number or boolean")
    if not op.variables:
        return text
    resolved = resolve_variables(text, context)
    if resolved is not None and not op.wildcards:
        # [VARS]: ${*} and ${?} are plain characters; only ...Like and Arn* take wildcards.
        return resolved.replace("\0", "")
    return resolved


def _one_value_matches(op: ConditionOperator, expected: list[Any], actual: Any, context: Context) -> Tri:
    """Whether ``actual`` matches any policy value under the positive form of ``op``
    (unknown when none matches and one of them could not be compared)."""
    compare = _FAMILIES[op.family]
    unknown = None
    for value in expected:
        try:
            text = _policy_value(op, value, context)
            if text is None:
                continue  # an unresolvable variable: this value matches nothing
            if compare(op, text, actual):
                return True
        except Undecidable as reason:
            unknown = unknown or reason
    if unknown is not None:
        raise unknown
    return False


def tri_all(results: list[Tri]) -> Tri:
    """Kleene AND: false if any is false, else unknown if any is unknown."""
    return False if False in results else None if None in results else True


def tri_any(results: list[Tri]) -> Tri:
    """Kleene OR: true if any is true, else unknown if any is unknown."""
    return True if True in results else None if None in results else False


def evaluate_condition(operator: str, key: str, expected: Any, context: Context) -> tuple[Tri, str]:
    """One operator on one key: (True/False/None, why it is unknown)."""
    parsed = parse_operator(operator)
    op = parsed.base
    if op is None:
        return None, f"unknown condition operator {operator}"
    present, actual = context.lookup(key)
    if present is None:
        return None, f"context key {key} (the simulator does not know whether this request carries it)"
    values = _values(expected)
    if op.name == "Null":
        wanted = [str(v).lower() for v in values]
        return ("true" if not present or actual in ([], "") else "false") in wanted, ""
    if not present:
        if parsed.qualifier == "ForAllValues":
            return True, ""
        if parsed.qualifier == "ForAnyValue":
            return False, ""
        return parsed.if_exists or op.negated, ""
    if parsed.qualifier is None and isinstance(actual, list | tuple):
        return False, ""  # [MULTI]: a multivalued key needs a set qualifier
    members = list(actual) if isinstance(actual, list | tuple) else [actual]
    results: list[Tri] = []
    why = ""
    for member in members:
        try:
            hit = _one_value_matches(op, values, member, context)
            results.append((not hit) if op.negated else hit)
        except Undecidable as reason:
            results.append(None)
            why = why or str(reason)
    # ForAnyValue, or a single value (one member): any
    result = tri_all(results) if parsed.qualifier == "ForAllValues" else tri_any(results)
    return result, (why if result is None else "")


def evaluate_block(condition: Any, context: Context) -> tuple[Tri, str]:
    """A statement's whole ``Condition`` block: every operator and key ANDed. False wins
    over unknown (one false condition decides the statement does not apply)."""
    if condition is None:
        return True, ""
    if not isinstance(condition, Mapping):
        return None, "Condition is not an object"
    unknown = ""
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping):
            return None, f"condition operator {operator} does not map keys to values"
        for key, expected in keys.items():
            result, why = evaluate_condition(str(operator), str(key), expected, context)
            if result is False:
                return False, ""
            if result is None and not unknown:
                unknown = f"{why} in {operator}"
    return (None, unknown) if unknown else (True, "")
