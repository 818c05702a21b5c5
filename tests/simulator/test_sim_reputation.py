"""SES's reputation rates as the simulator models them: a window of recent sends per scope."""

from datetime import UTC, datetime

from simkit import base, cloudwatch, destination, simple

from ses_metrics.rules import ReputationMetric
from ses_metrics.simulator import AccountSettings, Bounce, Complaint, Engagement, SimulationOptions, Simulator
from ses_metrics.simulator.account import ReputationSettings
from ses_metrics.simulator.reputation import Window

BOUNCE_RATE, COMPLAINT_RATE = ReputationMetric.BOUNCE_RATE, ReputationMetric.COMPLAINT_RATE
ADA = "ada@example.org"  # a real recipient, a new person each send (the list is off, as in a replay)
BOUNCE, OK, COMPLAINT = (Engagement(bounces=[Bounce(ADA)]), None, Engagement(complaints=[Complaint(ADA)]))


def simulator(reputation_metrics=True, volume=10, minimum=1):
    template = base(ReputationOptions={"ReputationMetricsEnabled": reputation_metrics})
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    options = SimulationOptions(account=AccountSettings(suppression_list=False), reputation=ReputationSettings(volume, minimum))
    return Simulator(template, keep_events=False, options=options)


def model(sim):
    return sim.reputation


T0 = 1767225600  # 2026-01-01T00:00:00Z, the simulator's default start


def published(reputation, scope, metric):
    """Datapoints by seconds since T0."""
    return {t - T0: v for t, v in reputation.series(scope, metric).items()}


def send(sim, outcome, minute, second=0):
    sim.send_email(**simple(ADA), engagement=outcome, at=datetime(2026, 1, 1, 0, minute, second, tzinfo=UTC))


def test_the_window_keeps_only_the_last_sends():
    window = Window(3)
    for message in "abcd":
        window.send(message)
    window.mark("a", 1)  # left the window: not counted
    window.mark("d", 1)
    window.mark("d", 1)  # counted once
    assert (window.size, window.bounces) == (3, 1)


def test_the_bounce_rate_is_the_share_of_hard_bounces_in_the_window():
    sim = simulator(volume=4)
    reputation = model(sim)
    for minute, to in enumerate([BOUNCE, OK, OK, OK, OK, OK]):
        send(sim, to, minute)
    reputation.finish()
    rates = published(reputation, "marketing", BOUNCE_RATE)
    assert rates[0] == 1.0 and rates[60] == 0.5 and rates[180] == 0.25
    assert rates[240] == 0.0  # the bounced send left the window of 4


def test_a_complaint_counts_when_it_arrives_five_minutes_after_its_send():
    sim = simulator()
    reputation = model(sim)
    send(sim, COMPLAINT, 0)
    for minute in range(1, 8):
        send(sim, OK, minute)
    reputation.finish()
    rates = published(reputation, None, COMPLAINT_RATE)
    assert rates[4 * 60] == 0.0 and rates[5 * 60] == 1 / 6


def test_nothing_is_published_below_the_minimum_volume():
    sim = simulator(volume=10, minimum=3)
    reputation = model(sim)
    for minute in range(4):
        send(sim, BOUNCE, minute)
    reputation.finish()
    assert sorted(published(reputation, None, BOUNCE_RATE)) == [120, 180]


def test_minutes_without_sends_publish_nothing():
    sim = simulator()
    reputation = model(sim)
    send(sim, OK, 0)
    send(sim, OK, 10)
    reputation.finish()
    assert sorted(published(reputation, None, BOUNCE_RATE)) == [0, 600]


def test_a_set_without_reputation_metrics_publishes_nothing_but_counts_for_the_account():
    sim = simulator(reputation_metrics=False)
    reputation = model(sim)
    send(sim, BOUNCE, 0)
    reputation.finish()
    assert reputation.series("marketing", BOUNCE_RATE) == {}
    assert published(reputation, None, BOUNCE_RATE) == {0: 1.0}


def test_soft_outcomes_do_not_count():
    sim = simulator()
    reputation = model(sim)
    send(sim, Engagement(bounces=[Bounce(ADA, "Transient", "MailboxFull")]), 0)
    reputation.finish()
    assert set(reputation.series(None, BOUNCE_RATE).values()) == {0.0}
