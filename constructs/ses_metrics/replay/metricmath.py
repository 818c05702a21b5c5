"""CloudWatch metric math over time series, for the expressions alarms use.

A time series maps a period's start (epoch seconds) to a value; a period without a
datapoint is simply absent. Semantics, from the CloudWatch User Guide "Using metric
math" (using-metric-math.md):

- arithmetic ``+ - * / ^`` between two series covers the timestamps of either, a missing
  value counting as 0; with a number, the series' own timestamps; a division by zero
  drops the datapoint;
- comparisons ``== != < <= > >=`` and ``AND``/``&&``, ``OR``/``||`` give 1 or 0, with the
  same alignment (a missing value is 0);
- ``IF(condition, a[, b])``: where the condition is true, ``a`` (a series' missing value is
  0); where false, ``b`` (a series' missing value, or no ``b``, drops the datapoint); where
  the condition has no datapoint, nothing; a number as condition picks ``a`` or ``b`` whole;
- ``FILL(series, number | series | REPEAT | LINEAR)`` gives a value at every period of
  the evaluated range (REPEAT and LINEAR leave the ends they cannot fill empty);
- ``ABS``, ``CEIL``, ``FLOOR`` apply to each datapoint.

Anything else (``METRICS()``, ``SEARCH``, arrays, the functions that reduce a series to a
number, which AWS advises against in alarms) raises ``Unsupported`` naming it.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

Series = dict[int, float]
Value = float | Series


class Unsupported(Exception):
    """An expression the replay cannot evaluate (the message says what)."""


_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<string>\"[^\"]*\"|'[^']*')"
    r"|(?P<op>==|!=|<=|>=|&&|\|\||[-+*/^<>(),\[\]{}]))"
)


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise Unsupported(f"cannot read {text[position:].strip()!r} in {text!r}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


# -- syntax tree -----------------------------------------------------------------------


@dataclass(frozen=True)
class Number:
    value: float


@dataclass(frozen=True)
class Ref:
    id: str


@dataclass(frozen=True)
class Keyword:
    name: str  # REPEAT, LINEAR


@dataclass(frozen=True)
class Unary:
    operand: object


@dataclass(frozen=True)
class Binary:
    op: str
    left: object
    right: object


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[object, ...]


_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
FUNCTIONS = ("IF", "FILL", "ABS", "CEIL", "FLOOR")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.position = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            found = "the end" if token is None else repr(token[1])
            raise Unsupported(f"expected {value or 'more'} but found {found} in {self.text!r}")
        self.position += 1
        return token

    def accept(self, *values: str) -> str | None:
        token = self.peek()
        if token is not None and token[1] in values:
            self.position += 1
            return token[1]
        return None

    def parse(self) -> object:
        node = self.logical_or()
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek()[1]!r} in {self.text!r}")  # type: ignore[index]
        return node

    def logical_or(self) -> object:
        node = self.logical_and()
        while self.accept("OR", "||"):
            node = Binary("OR", node, self.logical_and())
        return node

    def logical_and(self) -> object:
        node = self.comparison()
        while self.accept("AND", "&&"):
            node = Binary("AND", node, self.comparison())
        return node

    def comparison(self) -> object:
        node = self.additive()
        op = self.accept(*_COMPARISONS)
        if op is not None:
            node = Binary(op, node, self.additive())
        return node

    def additive(self) -> object:
        node = self.multiplicative()
        while (op := self.accept("+", "-")) is not None:
            node = Binary(op, node, self.multiplicative())
        return node

    def multiplicative(self) -> object:
        node = self.unary()
        while (op := self.accept("*", "/")) is not None:
            node = Binary(op, node, self.unary())
        return node

    def unary(self) -> object:
        if self.accept("-"):
            return Unary(self.unary())
        if self.accept("+"):
            return self.unary()
        return self.power()

    def power(self) -> object:
        node = self.primary()
        if self.accept("^"):
            node = Binary("^", node, self.unary())
        return node

    def primary(self) -> object:
        kind, value = self.take()
        if kind == "number":
            return Number(float(value))
        if kind == "string" or value in ("[", "{"):
            raise Unsupported(f"arrays and strings (as in METRICS(\"...\")) are not supported: {self.text!r}")
        if value == "(":
            node = self.logical_or()
            self.take(")")
            return node
        if kind == "name":
            if self.accept("("):
                if value not in FUNCTIONS:
                    raise Unsupported(f"function {value} is not supported (supported: {', '.join(FUNCTIONS)})")
                args: list[object] = []
                if not self.accept(")"):
                    args.append(self.logical_or())
                    while self.accept(","):
                        args.append(self.logical_or())
                    self.take(")")
                return Call(value, tuple(args))
            if value in ("REPEAT", "LINEAR"):
                return Keyword(value)
            if value[0].isupper():
                raise Unsupported(f"{value} is not supported")
            return Ref(value)
        raise Unsupported(f"unexpected {value!r} in {self.text!r}")


def parse(text: str) -> object:
    """The syntax tree of a metric math expression; raises ``Unsupported``."""
    return _Parser(text).parse()


def references(node: object) -> set[str]:
    """The metric and expression ids an expression reads."""
    if isinstance(node, Ref):
        return {node.id}
    if isinstance(node, Unary):
        return references(node.operand)
    if isinstance(node, Binary):
        return references(node.left) | references(node.right)
    if isinstance(node, Call):
        return set().union(*(references(a) for a in node.args)) if node.args else set()
    return set()


# -- evaluation ------------------------------------------------------------------------

_ARITHMETIC: dict[str, Callable[[float, float], float]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "^": operator.pow,
}
_LOGIC: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "AND": lambda a, b: bool(a) and bool(b),
    "OR": lambda a, b: bool(a) or bool(b),
}


def _apply(op: str, a: float, b: float) -> float | None:
    if op in _LOGIC:
        return 1.0 if _LOGIC[op](a, b) else 0.0
    try:
        result = _ARITHMETIC[op](a, b)
    except (ZeroDivisionError, OverflowError, ValueError):
        return None  # the datapoint is dropped
    if isinstance(result, complex) or math.isnan(result) or math.isinf(result):
        return None
    return float(result)


def _binary(op: str, left: Value, right: Value) -> Value:
    if isinstance(left, dict) and isinstance(right, dict):
        out = {}
        for t in sorted(left.keys() | right.keys()):
            value = _apply(op, left.get(t, 0.0), right.get(t, 0.0))
            if value is not None:
                out[t] = value
        return out
    if isinstance(left, dict):
        return {t: v for t, a in left.items() if (v := _apply(op, a, right)) is not None}  # type: ignore[arg-type]
    if isinstance(right, dict):
        return {t: v for t, b in right.items() if (v := _apply(op, left, b)) is not None}
    value = _apply(op, left, right)
    if value is None:
        raise Unsupported(f"{left:g} {op} {right:g} has no value")
    return value


class Evaluator:
    """Evaluates expressions over ``grid`` (the period starts of the evaluated range), with
    ``inputs`` the series of each metric id and ``expressions`` the other ids' texts."""

    def __init__(self, grid: Sequence[int], inputs: Mapping[str, Series], expressions: Mapping[str, str]):
        self.grid = list(grid)
        self.inputs = inputs
        self.expressions = expressions
        self._done: dict[str, Value] = {}
        self._busy: set[str] = set()

    def series(self, expression_id: str) -> Series:
        """The time series an expression id returns."""
        value = self.value(expression_id)
        if not isinstance(value, dict):
            raise Unsupported(f"expression {expression_id} returns the number {value:g}, not a time series")
        return value

    def value(self, ref: str) -> Value:
        if ref in self.inputs:
            return self.inputs[ref]
        if ref in self._done:
            return self._done[ref]
        if ref not in self.expressions:
            raise Unsupported(f"id {ref!r} names no metric or expression of the alarm")
        if ref in self._busy:
            raise Unsupported(f"expression {ref} refers to itself")
        self._busy.add(ref)
        try:
            result = self.evaluate(parse(self.expressions[ref]))
        finally:
            self._busy.discard(ref)
        self._done[ref] = result
        return result

    def evaluate(self, node: object) -> Value:
        if isinstance(node, Number):
            return node.value
        if isinstance(node, Ref):
            return self.value(node.id)
        if isinstance(node, Unary):
            operand = self.evaluate(node.operand)
            return {t: -v for t, v in operand.items()} if isinstance(operand, dict) else -operand
        if isinstance(node, Binary):
            return _binary(node.op, self.evaluate(node.left), self.evaluate(node.right))
        if isinstance(node, Call):
            return getattr(self, f"_{node.function.lower()}")(node.args)
        raise Unsupported(f"{node} cannot stand on its own")

    def _pointwise(self, args: tuple[object, ...], function: Callable[[float], float], name: str) -> Value:
        if len(args) != 1:
            raise Unsupported(f"{name} takes one argument")
        value = self.evaluate(args[0])
        return {t: float(function(v)) for t, v in value.items()} if isinstance(value, dict) else float(function(value))

    def _abs(self, args: tuple[object, ...]) -> Value:
        return self._pointwise(args, abs, "ABS")

    def _ceil(self, args: tuple[object, ...]) -> Value:
        return self._pointwise(args, math.ceil, "CEIL")

    def _floor(self, args: tuple[object, ...]) -> Value:
        return self._pointwise(args, math.floor, "FLOOR")

    def _if(self, args: tuple[object, ...]) -> Value:
        if len(args) not in (2, 3):
            raise Unsupported("IF takes a condition, a value if true and optionally a value if false")
        condition = self.evaluate(args[0])
        when_true = self.evaluate(args[1])
        when_false = self.evaluate(args[2]) if len(args) == 3 else None
        if not isinstance(condition, dict):
            chosen = when_true if condition else when_false
            if chosen is None:
                return {}
            return chosen if isinstance(chosen, dict) else dict.fromkeys(self.grid, chosen)
        out: Series = {}
        for t, c in condition.items():
            if c:
                out[t] = when_true.get(t, 0.0) if isinstance(when_true, dict) else when_true
            elif isinstance(when_false, dict):
                if t in when_false:
                    out[t] = when_false[t]
            elif when_false is not None:
                out[t] = when_false
        return out

    def _fill(self, args: tuple[object, ...]) -> Value:
        if len(args) != 2:
            raise Unsupported("FILL takes a time series and a filler")
        series = self.evaluate(args[0])
        if not isinstance(series, dict):
            raise Unsupported("FILL needs a time series")
        filler = args[1]
        out: Series = {}
        if isinstance(filler, Keyword):
            known = [(t, series[t]) for t in self.grid if t in series]
            if filler.name == "REPEAT":
                last = None
                for t in self.grid:
                    last = series.get(t, last)
                    if last is not None:
                        out[t] = last
                return out
            for t in self.grid:  # LINEAR
                if t in series:
                    out[t] = series[t]
                    continue
                before = [(u, v) for u, v in known if u < t]
                after = [(u, v) for u, v in known if u > t]
                if before and after:
                    (t0, v0), (t1, v1) = before[-1], after[0]
                    out[t] = v0 + (v1 - v0) * (t - t0) / (t1 - t0)
            return out
        value = self.evaluate(filler)
        for t in self.grid:
            if t in series:
                out[t] = series[t]
            elif isinstance(value, dict):
                if t in value:
                    out[t] = value[t]
            else:
                out[t] = value
        return out
