"""Metric math as the CloudWatch User Guide defines it (its own examples as test data)."""

import re

import pytest

from ses_metrics.replay.metricmath import Evaluator, Unsupported, parse

GRID = [0, 60, 120, 180, 240]


def series(*values):
    """``series(1, None, 0)``: a datapoint per grid slot, None for none."""
    return {t: float(v) for t, v in zip(GRID, values, strict=False) if v is not None}


def evaluate(expression, **inputs):
    return Evaluator(GRID, inputs, {"e": expression}).series("e")


def as_list(result):
    return [result.get(t) for t in GRID]


# using-metric-math.md, "Using IF expressions": metric1 [1, 1, 0, 0, -], metric2 [30, -, 0, 0, 30], metric3 [0, 0, 20, -, 20]
M1, M2, M3 = series(1, 1, 0, 0, None), series(30, None, 0, 0, 30), series(0, 0, 20, None, 20)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("IF(m1, m2, m3)", [30, 0, 20, None, None]),
        ("IF(m1, 5, m3)", [5, 5, 20, None, None]),
        ("IF(m1, m2, 5)", [30, 0, 5, 5, None]),
        ("IF(m1, m2)", [30, 0, None, None, None]),
    ],
)
def test_if_follows_the_user_guides_tables(expression, expected):
    assert as_list(evaluate(expression, m1=M1, m2=M2, m3=M3)) == expected


def test_if_with_a_number_as_condition_picks_a_whole_series():
    assert evaluate("IF(0, m2, m3)", m2=M2, m3=M3) == M3


# "Comparison and logical operators": metric1 [30, 20, 0, 0], metric2 [20, -, 20, -]
@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("metric1 < metric2", [0, 0, 1, 0]),
        ("metric1 >= 30", [1, 0, 0, 0]),
        ("metric1 > 15 AND metric2 > 15", [1, 0, 0, 0]),
    ],
)
def test_comparisons_follow_the_user_guides_table(expression, expected):
    result = evaluate(expression, metric1=series(30, 20, 0, 0), metric2=series(20, None, 20, None))
    assert as_list(result)[:4] == expected


def test_arithmetic_between_series_counts_a_missing_value_as_zero():
    assert as_list(evaluate("a + b", a=series(1, None, 3), b=series(10, 20))) == [11, 20, 3, None, None]


def test_a_division_by_zero_drops_the_datapoint():
    assert as_list(evaluate("a / b", a=series(1, 2, 3), b=series(2, 0))) == [0.5, None, None, None, None]


def test_precedence_and_unary_minus():
    assert as_list(evaluate("-a + 2 * a ^ 2", a=series(3))) == [15, None, None, None, None]


@pytest.mark.parametrize(
    ("filler", "expected"),
    [("0", [0, 5, 0, 7, 0]), ("REPEAT", [None, 5, 5, 7, 7]), ("LINEAR", [None, 5, 6, 7, None]), ("b", [1, 5, None, 7, None])],
)
def test_fill_gives_every_period_a_value(filler, expected):
    assert as_list(evaluate(f"FILL(a, {filler})", a=series(None, 5, None, 7), b=series(1))) == expected


def test_the_per_dimension_rate_of_the_constructs():
    # IF(sends >= 100, FILL(bounces, 0) / sends, 0): 0 below 100 sends, no datapoint without sends
    sends, bounces = series(50, 200, None, 400), series(5, 10, None, None)
    result = evaluate("IF(sends >= 100, FILL(bounces, 0) / sends, 0)", sends=sends, bounces=bounces)
    assert as_list(result) == [0, 0.05, None, 0, None]


def test_expressions_may_use_other_expressions():
    evaluator = Evaluator(GRID, {"m": series(2)}, {"e1": "m * 10", "e2": "e1 + 1"})
    assert evaluator.series("e2") == {0: 21.0}


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("SUM(METRICS())", "function SUM is not supported"),
        ('SEARCH(\'{AWS/SES} Bounce\', "Sum", 3600)', "function SEARCH is not supported"),
        ("AVG(m)", "function AVG is not supported"),
        ("[m, m]", "arrays and strings"),
        ("m +", "expected more but found the end"),
        ("m $ 2", "cannot read"),
    ],
)
def test_what_is_not_supported_is_named(expression, message):
    with pytest.raises(Unsupported, match=re.escape(message)):
        parse(expression)


def test_an_expression_returning_a_number_is_not_a_time_series():
    with pytest.raises(Unsupported, match="returns the number 3, not a time series"):
        Evaluator(GRID, {}, {"e": "1 + 2"}).series("e")


def test_an_unknown_id_is_named():
    with pytest.raises(Unsupported, match="id 'nope' names no metric or expression"):
        Evaluator(GRID, {}, {"e": "nope * 2"}).series("e")


def test_a_cycle_is_reported():
    with pytest.raises(Unsupported, match="refers to itself"):
        Evaluator(GRID, {}, {"e1": "e2 + 1", "e2": "e1 + 1"}).series("e1")
