"""Replays end to end: a profile through a template synthesized from the constructs, the
template's own alarms evaluated."""

import copy

import pytest
from replaykit import HOUR, PROFILE, START
from simkit import cloudwatch, destination

from ses_metrics.replay import ProfileError, parse_profile, replay
from ses_metrics.replay.alarms import ALARM, OK
from ses_metrics.rules import ReputationMetric


@pytest.fixture(scope="module")
def result(alarmed_template):
    return replay(alarmed_template, parse_profile(PROFILE))


def alarm(result, name):
    return next(a for a in result.alarms if a.definition.name == name)


def changes(alarm_result):
    return [((t.at - START) // HOUR, t.new) for t in alarm_result.transitions]


def test_a_campaign_bouncing_6_percent_alarms_at_the_end_of_its_first_bad_hour(result):
    # clean for hours 0-2, 6% from 03:00: the hourly datapoint of 03:00-04:00 breaches 2.5%,
    # evaluated when that period ends
    spring = alarm(result, "Test-marketing-bounce-rate-spring-example.com")
    assert changes(spring) == [(1, OK), (4, ALARM)]
    assert spring.datapoints[START + 3 * HOUR] == pytest.approx(0.06, abs=0.015)
    assert spring.transitions[1].actions == tuple(spring.definition.actions[ALARM]) != ()


def test_a_campaign_bouncing_1_percent_never_alarms(result):
    autumn = alarm(result, "Test-marketing-bounce-rate-autumn-example.com")
    assert changes(autumn) == [(1, OK)]
    assert max(autumn.datapoints.values()) < 0.025


def test_the_sets_reputation_alarm_lags_the_campaign_alarm(result):
    # SES's rate covers a representative volume (here 5,000 sends, 2.5 hours of this set's
    # traffic), so the mix of 6% and 1% takes hours to cross 2.5%
    reputation = changes(alarm(result, "Test-marketing-bounce-rate"))
    first_alarm = next(hour for hour, state in reputation if state == ALARM)
    assert reputation[0] == (1, OK) and 4 < first_alarm <= 8


def test_the_same_seed_replays_identically_and_another_seed_differently(alarmed_template, result):
    again = replay(alarmed_template, parse_profile(PROFILE))
    assert again.to_json() == result.to_json()
    other = replay(alarmed_template, parse_profile(PROFILE), seed=4)
    assert other.to_json()["metrics"] != result.to_json()["metrics"]


def test_nothing_is_kept_per_send(result):
    sim = result.simulator
    assert sim.sends == [] and sim.sns.messages == {} and sim.eventbridge.events == {} and sim.s3.items() == []
    assert all(len(window.slot_of) <= 5000 for window in [result.reputation.account, *result.reputation.sets.values()])


def test_metric_totals_and_routes_agree_with_the_events(result):
    totals = {(k.metric_name, k.dimensions_map.get("campaign")): v for k, v in result.metric_totals()}
    assert totals[("Send", "spring")] == totals[("Send", "autumn")] == 8000
    [metrics] = [r for r in result.routes() if r.destination == "metrics"]
    published = sum(n for (cs, kind), n in result.events.items() if kind in ("send", "delivery", "bounce", "complaint"))
    assert metrics.delivered == published == sum(v for (_, campaign), v in totals.items() if campaign is not None)
    # and the account-level metrics (no dimensions) count every send, whatever its set
    assert totals[("Send", None)] == result.sends


def test_a_configuration_set_missing_from_the_template_is_a_profile_error(alarmed_template):
    document = copy.deepcopy(PROFILE)
    document["traffic"][2]["configuration_set"] = "transactional"
    with pytest.raises(ProfileError, match=r"traffic\[2\]\.configuration_set: configuration set 'transactional' is not in the template \(sets: marketing\)"):
        replay(alarmed_template, parse_profile(document))


def test_an_alarm_the_replay_cannot_evaluate_is_a_warning_and_the_others_still_run(alarmed_template):
    odd = copy.deepcopy(alarmed_template)
    odd["Resources"]["P99"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": "latency-p99", "MetricName": "Duration", "Namespace": "AWS/Lambda", "ExtendedStatistic": "p99",
        "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}}
    odd["Resources"]["Lambda"] = {"Type": "AWS::CloudWatch::Alarm", "Properties": {
        "AlarmName": "errors", "MetricName": "Errors", "Namespace": "AWS/Lambda", "Statistic": "Sum",
        "Period": 60, "EvaluationPeriods": 1, "Threshold": 1, "ComparisonOperator": "GreaterThanThreshold"}}
    document = {**PROFILE, "hours": 1, "traffic": [PROFILE["traffic"][2]]}
    replayed = replay(odd, parse_profile(document))
    assert {(u.name, u.reason) for u in replayed.unevaluated} == {
        ("latency-p99", "statistic 'p99' is not supported (supported: SampleCount, Average, Sum, Minimum, Maximum; percentiles need every sample)"),
        ("errors", "it watches AWS/Lambda Errors, which the replay does not simulate"),
    }
    assert "alarm errors (Stack/Lambda) is not evaluated: it watches AWS/Lambda Errors, which the replay does not simulate" in replayed.warnings
    assert len(replayed.alarms) == 8


def test_sends_without_a_configuration_set_count_only_for_the_account(alarmed_template):
    document = {"hours": 1, "reputation": {"minimum_volume": 1}, "traffic": [{"sends_per_hour": 100, "outcomes": {"bounce": "100%"}}]}
    replayed = replay(alarmed_template, parse_profile(document))
    assert replayed.unrouted() == {"Send": 100, "Bounce": 100}
    assert replayed.reputation.series("marketing", ReputationMetric.BOUNCE_RATE) == {}
    assert set(replayed.reputation.series(None, ReputationMetric.BOUNCE_RATE).values()) == {1.0}


def test_a_disabled_destination_and_unmatched_types_are_filtered_not_dropped(alarmed_template):
    template = copy.deepcopy(alarmed_template)
    template["Resources"]["Off"] = destination("off", None, enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    template["Resources"]["OnlyOpens"] = destination("only-opens", ["open"], **cloudwatch(("campaign", "messageTag", "none")))
    for resource in ("Off", "OnlyOpens"):
        template["Resources"][resource]["Properties"]["ConfigurationSetName"] = "marketing"
    replayed = replay(template, parse_profile(PROFILE))
    events = sum(n for (cs, _), n in replayed.events.items() if cs == "marketing")
    routes = {r.destination: r for r in replayed.routes()}
    assert sum(routes["off"].filtered.values()) == sum(routes["only-opens"].filtered.values()) == events > 0
    assert routes["off"].drops == routes["only-opens"].drops == {} and routes["off"].delivered == 0
    document = {r["eventDestination"]: r for r in replayed.to_json()["routes"]}
    assert document["off"]["drops"] == [] and document["off"]["filtered"] == [{"reason": "the event destination is disabled (Enabled: false)", "events": events}]
