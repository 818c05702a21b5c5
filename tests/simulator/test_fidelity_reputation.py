"""Fidelity: the reputation rates in simulate and check (docs/fidelity.md)."""

import pytest
from simkit import base, simple

from ses_metrics.ci.expectations import Status, check
from ses_metrics.ci.pytest_plugin import assert_reputation
from ses_metrics.ci.scenarios import parse_checked_scenario
from ses_metrics.replay import parse_profile, replay
from ses_metrics.simulator import Bounce, Complaint, Engagement, Simulator

ADA, BEA = "ada@example.org", "bea@example.org"
SENDER = {"FromEmailAddress": "news@example.com", "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}


def template(reputation_metrics=True):
    return base(ReputationOptions={"ReputationMetricsEnabled": reputation_metrics})


def rates(sim, scope=None):
    sim.flush()
    return {m.metric_name: v for s, m, v, _ in sim.reputation.summary() if s == scope}


def test_rates_for_the_account_and_a_set_with_reputation_metrics_on():
    """DG configuration-sets-export-metrics: SES "automatically exports ... the overall bounce
    and complaint rates for your entire account", and per configuration set when reputation
    metrics are enabled (dimension ses:configuration-set, DG
    monitoring-sender-reputation-pausing-configuration-set); fractions (DG
    reputationdashboard-cloudwatch-alarm: "decimal numbers between 0 and 1")."""
    sim = Simulator(template())
    sim.send_email(**simple([ADA]), engagement=Engagement(bounces=[Bounce(ADA)]))
    sim.send_email(**simple([BEA]))
    assert rates(sim) == rates(sim, "marketing") == {"Reputation.BounceRate": 0.5, "Reputation.ComplaintRate": 0.0}
    off = Simulator(template(reputation_metrics=False))
    off.send_email(**simple([ADA]), engagement=Engagement(bounces=[Bounce(ADA)]))
    assert rates(off, "marketing") == {} and rates(off)["Reputation.BounceRate"] == 1.0


def test_mailbox_simulator_traffic_never_counts():
    """DG send-an-email-from-console: "Emails that you send to the mailbox simulator don't
    impact your email deliverability or reputation metrics"."""
    sim = Simulator(template())
    sim.send_email(**simple(["bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"]))
    assert rates(sim) == {}
    sim.send_email(**simple([ADA]))
    assert rates(sim)["Reputation.BounceRate"] == 0.0  # the simulator's bounce never entered the rate


def test_suppressed_sends_and_soft_bounces_do_not_count():
    """DG bounce types table: OnAccountSuppressionList "does not count toward your bounce rate
    metric"; DG reputationdashboardmessages: "Amazon SES doesn't consider soft bounces"."""
    sim = Simulator(template())
    sim.send_email(**simple([ADA]), engagement=Engagement(bounces=[Bounce(ADA)]))
    for _ in range(3):
        sim.send_email(**simple([ADA]))  # suppressed: a Bounce OnAccountSuppressionList each
    sim.send_email(**simple([BEA]), engagement=Engagement(bounces=[Bounce(BEA, "Transient", "MailboxFull")]))
    assert rates(sim)["Reputation.BounceRate"] == 1 / 5  # one hard bounce over five sends


def test_verified_recipients_do_not_count():
    """DG reputationdashboardmessages: "Bounced emails that you send to verified addresses and
    domains ... aren't considered" (the templates' AWS::SES::EmailIdentity)."""
    t = template()
    t["Resources"]["Identity"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": "example.org"}}
    t["Resources"]["Sender"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": "example.com"}}
    sim = Simulator(t)
    sim.send_email(**simple([ADA]), engagement=Engagement(bounces=[Bounce(ADA)], complaints=[Complaint(ADA)]))
    assert rates(sim) == {}


def test_expect_ends_at_and_assert_reputation_check_a_rate():
    """The rates of DG configuration-sets-export-metrics, asserted with ``expect: metric ...
    ends_at`` and ``assert_reputation`` (a fraction, as SES publishes them)."""
    sends = [{**SENDER, "ConfigurationSetName": "marketing", "Destination": {"ToAddresses": [r]}, **extra}
             for r, extra in ((ADA, {"complaints": [ADA]}), (BEA, {}), ("cy@example.org", {}), ("di@example.org", {}))]
    checked = parse_checked_scenario({"sends": sends, "expect": [
        {"metric": "Reputation.ComplaintRate", "ends_at": 0.25},
        {"metric": "Reputation.ComplaintRate", "dimensions": {"ses:configuration-set": "marketing"}, "ends_at": 0.5},
        {"metric": "Reputation.BounceRate", "dimensions": {"ses:configuration-set": "marketing"}, "ends_at": 0},
    ]})
    result = Simulator(template()).run(checked.scenario)
    outcomes = check(result, checked.expect)
    assert [o.status for o in outcomes] == [Status.PASSED, Status.FAILED, Status.PASSED]
    assert outcomes[1].message == "Reputation.ComplaintRate of configuration set marketing ends at 0.25, not 0.5 (highest 0.25)"
    assert_reputation(result, "Reputation.ComplaintRate", 0.25, configuration_set="marketing")
    with pytest.raises(AssertionError, match="ends at 0, not 0.1"):
        assert_reputation(result, "Reputation.BounceRate", 0.1)


def test_replay_rates_come_from_real_recipients_not_the_mailbox_simulator():
    """DG send-an-email-from-console: mailbox simulator messages do not affect the reputation
    metrics, so a replay sends to real recipients (suppression off: each send stands for a new
    person) and its 10% bounce profile moves the bounce rate."""
    profile = parse_profile({"hours": 1, "seed": 1, "reputation": {"representative_volume": 1000, "minimum_volume": 10},
                             "traffic": [{"configuration_set": "marketing", "sends_per_hour": 600, "outcomes": {"bounce": "10%"}}]})
    result = replay(template(), profile)
    [(_, _, last, _)] = [row for row in result.reputation.summary() if row[0] is None and row[1].metric_name == "Reputation.BounceRate"]
    assert 0.05 < last < 0.15


def test_rates_count_recipients():
    """DG quotas.html: "Quotas are based on the number of recipients, rather than on the number
    of messages"; the rates are assumed to count recipients the same way (AWS documents no denominator):
    one hard bounce among a message's four recipients is 25%."""
    sim = Simulator(template())
    sim.send_email(**simple([ADA, BEA, "cy@example.org", "di@example.org"]), engagement=Engagement(bounces=[Bounce(ADA)]))
    assert rates(sim)["Reputation.BounceRate"] == 0.25
