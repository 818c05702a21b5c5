"""CloudWatch alarm evaluation: AWS's missing-data tables, statistics, operators, actions,
and what is reported as unsupported instead of guessed."""

import pytest

from ses_metrics.replay.alarms import (
    ALARM,
    INSUFFICIENT_DATA,
    OK,
    Aggregate,
    decide,
    evaluate,
    parse_alarm,
    period_statistic,
)
from ses_metrics.replay.metricmath import Unsupported
from ses_metrics.rules import MetricKey

RETAIN = "retain"
TOPIC = "arn:aws:sns:us-east-1:111122223333:ops"


def alarm(**props):
    base = {
        "AlarmName": "a",
        "MetricName": "Reputation.BounceRate",
        "Namespace": "AWS/SES",
        "Statistic": "Average",
        "Period": 300,
        "EvaluationPeriods": 3,
        "Threshold": 0.5,
        "ComparisonOperator": "GreaterThanThreshold",
        "AlarmActions": [TOPIC],
        "OKActions": [TOPIC],
    }
    return parse_alarm({**base, **props})


def window(text):
    """AWS's notation: 0 not breaching, X breaching, - missing (oldest first)."""
    return [{"0": 0.0, "X": 1.0, "-": None}[c] for c in text.split()]


# AlarmThatSendsEmail.md, "How alarm state is evaluated when data is missing": the first
# table is 3 of 3, the second 2 of 3; columns MISSING, IGNORE, BREACHING, NOT BREACHING.
TABLES = [
    (3, "0 - X - X", (OK, OK, OK, OK)),
    (3, "0 - - - -", (OK, OK, OK, OK)),
    (3, "- - - - -", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    (3, "0 X X - X", (ALARM, ALARM, ALARM, ALARM)),
    (3, "- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
    (3, "X - - - -", (ALARM, RETAIN, ALARM, OK)),
    (2, "0 - X - X", (ALARM, ALARM, ALARM, ALARM)),
    (2, "0 0 X 0 X", (ALARM, ALARM, ALARM, ALARM)),
    (2, "0 - X - -", (OK, OK, ALARM, OK)),
    (2, "- - - - 0", (OK, OK, ALARM, OK)),
    (2, "- - - - X", (INSUFFICIENT_DATA, RETAIN, ALARM, OK)),
]


@pytest.mark.parametrize(("datapoints_to_alarm", "points", "expected"), TABLES)
@pytest.mark.parametrize("column", range(4))
def test_missing_data_follows_the_user_guides_tables(datapoints_to_alarm, points, expected, column):
    treat = ("missing", "ignore", "breaching", "notBreaching")[column]
    definition = alarm(DatapointsToAlarm=datapoints_to_alarm, TreatMissingData=treat)
    for state in (OK, ALARM):  # "retain" must keep either
        new, _ = decide(definition, window(points), state)
        assert new == (state if expected[column] == RETAIN else expected[column])


def minutes(values):
    return {minute * 60: Aggregate(v, 1, v, v) for minute, v in enumerate(values)}


@pytest.mark.parametrize(
    ("statistic", "expected"),
    [("Average", {0: 2.0, 300: 6.0}), ("Sum", {0: 10.0, 300: 6.0}), ("SampleCount", {0: 5.0, 300: 1.0}),
     ("Minimum", {0: 0.0, 300: 6.0}), ("Maximum", {0: 4.0, 300: 6.0})],
)
def test_the_statistic_of_each_period(statistic, expected):
    assert period_statistic(minutes([0, 1, 2, 3, 4, 6]), statistic, 300) == expected


@pytest.mark.parametrize(
    ("operator", "value", "breaches"),
    [("GreaterThanThreshold", 0.5, False), ("GreaterThanOrEqualToThreshold", 0.5, True),
     ("LessThanThreshold", 0.4, True), ("LessThanOrEqualToThreshold", 0.6, False)],
)
def test_comparison_operators(operator, value, breaches):
    assert alarm(ComparisonOperator=operator).breaches(value) is breaches


class Source:
    def __init__(self, data):
        self.data = data

    def minutes(self, key):
        return self.data.get(key.metric_name)


KEY = MetricKey("AWS/SES", "Reputation.BounceRate")


def test_transitions_happen_at_the_end_of_the_period_that_decides():
    definition = alarm(EvaluationPeriods=1)
    source = Source({"Reputation.BounceRate": minutes([0.1] * 5 + [0.9] * 5 + [0.1] * 5)})
    result = evaluate(definition, source, 0, 900)
    assert [(t.at, t.old, t.new) for t in result.transitions] == [(300, INSUFFICIENT_DATA, OK), (600, OK, ALARM), (900, ALARM, OK)]
    assert result.transitions[1].actions == (TOPIC,)
    assert "1 of 1 datapoint(s) [0.9] > threshold 0.5" in result.transitions[1].reason


def test_m_of_n_needs_m_breaching_datapoints_among_the_last_n():
    # 0.9, 0.1, 0.9 with 2 of 3: at 300 one breaching datapoint decides nothing (missing data is
    # missing), at 600 a non-breaching one makes it OK, at 900 two of three breach.
    definition = alarm(EvaluationPeriods=3, DatapointsToAlarm=2)
    source = Source({"Reputation.BounceRate": minutes([0.9] * 5 + [0.1] * 5 + [0.9] * 5)})
    assert [(t.at, t.new) for t in evaluate(definition, source, 0, 900).transitions] == [(600, OK), (900, ALARM)]


def test_actions_are_not_run_when_disabled():
    definition = alarm(EvaluationPeriods=1, ActionsEnabled=False)
    result = evaluate(definition, Source({"Reputation.BounceRate": minutes([0.9] * 5)}), 0, 300)
    assert [(t.new, t.actions) for t in result.transitions] == [(ALARM, ())]


def test_a_metric_math_alarm_is_read_from_the_template():
    definition = parse_alarm(
        {
            "AlarmName": "rate",
            "EvaluationPeriods": 1,
            "Threshold": 0.025,
            "ComparisonOperator": "GreaterThanOrEqualToThreshold",
            "TreatMissingData": "notBreaching",
            "Metrics": [
                {"Id": "expr_1", "Expression": "IF(sends >= 100, FILL(bounces, 0) / sends, 0)", "Label": "Bounce rate", "ReturnData": True},
                {"Id": "bounces", "MetricStat": {"Metric": {"MetricName": "Bounce", "Namespace": "AWS/SES", "Dimensions": [{"Name": "campaign", "Value": "a"}]}, "Period": 3600, "Stat": "Sum"}, "ReturnData": False},
                {"Id": "sends", "MetricStat": {"Metric": {"MetricName": "Send", "Namespace": "AWS/SES", "Dimensions": [{"Name": "campaign", "Value": "a"}]}, "Period": 3600, "Stat": "Sum"}, "ReturnData": False},
            ],
        }
    )
    assert (definition.period, definition.returned, definition.label) == (3600, "expr_1", "Bounce rate")
    assert [q.key for q in definition.metrics] == [MetricKey("AWS/SES", "Bounce", (("campaign", "a"),)), MetricKey("AWS/SES", "Send", (("campaign", "a"),))]


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"ExtendedStatistic": "p99"}, "statistic 'p99' is not supported"),
        ({"Statistic": "p90"}, "statistic 'p90' is not supported"),
        ({"ComparisonOperator": "LessThanLowerOrGreaterThanUpperThreshold"}, "ComparisonOperator 'LessThanLowerOrGreaterThanUpperThreshold' is not supported"),
        ({"ThresholdMetricId": "ad1"}, "anomaly detection alarms"),
        ({"TreatMissingData": "sometimes"}, "TreatMissingData 'sometimes' is not one of"),
        ({"Period": 30}, "Period 30 s is not a whole number of minutes"),
        ({"DatapointsToAlarm": 4}, "DatapointsToAlarm 4 exceeds EvaluationPeriods 3"),
        ({"Threshold": "high"}, "Threshold 'high' is not a number"),
        ({"Metrics": [{"Id": "e", "Expression": "SUM(METRICS())"}]}, "function SUM is not supported"),
    ],
)
def test_unsupported_alarms_say_why(props, message):
    with pytest.raises(Unsupported, match=message):
        alarm(**props)


def test_a_metric_outside_the_replay_is_unsupported_when_evaluated():
    definition = alarm(Namespace="AWS/Lambda", MetricName="Errors")
    with pytest.raises(Unsupported, match="watches AWS/Lambda Errors, which the replay does not simulate"):
        evaluate(definition, Source({}), 0, 600)
