"""Fidelity: delivery deadlines, delays and the order of a recipient's events (docs/fidelity.md)."""

from datetime import UTC, datetime

import pytest
from simkit import base, simple

from ses_metrics.rules import DELAY_TYPES
from ses_metrics.simulator import Bounce, Delay, Engagement, Simulator
from ses_metrics.simulator.recipients import DELAY_DSN

ADA = "ada@example.org"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def events(engagement, to=ADA, **set_props):
    sim = Simulator(base(**set_props))
    result = sim.send_email(**simple(to), engagement=engagement, at=T0)
    return [(o.event.type.record, o.event.record) for o in result.events]


def kinds(records):
    return [kind for kind, _ in records]


def test_a_delay_past_max_delivery_seconds_ends_in_a_transient_bounce():
    """v2 model DeliveryOptions.MaxDeliverySeconds: "The maximum amount of time ... that Amazon
    SES API v2 will attempt delivery"; DG send-email-concepts-process: "If Amazon SES cannot
    deliver the email in that time period, it sends you a bounce notification". Real expiry
    bounces (2013-2026) are Transient/General, status 4.4.7, "Message expired: unable to
    deliver in N minutes.<last error>", and there is no Delivery after them."""
    records = events(Engagement(delays=[Delay(ADA, seconds=3600)]), DeliveryOptions={"MaxDeliverySeconds": 1800})
    assert kinds(records) == ["Send", "DeliveryDelay", "Bounce"]
    bounce = records[2][1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"], bounce["timestamp"]) == ("Transient", "General", "2026-01-01T00:30:00.000Z")
    assert bounce["bouncedRecipients"][0]["status"] == "4.4.7"
    assert bounce["bouncedRecipients"][0]["diagnosticCode"] == "smtp; 550 4.4.7 Message expired: unable to deliver in 30 minutes.<421 4.4.1 Unable to connect to remote host>"


def test_a_delay_within_the_deadline_ends_in_a_delivery():
    """DG event-publishing-retrieving-sns-contents.html, DeliveryDelay: "The email couldn't be
    delivered to the recipient's mail server because a temporary issue occurred"; delivered
    once the issue ends (the delay's length is the scenario's ``seconds``, assumed)."""
    records = events(Engagement(delays=[Delay(ADA, seconds=1200)]))
    assert kinds(records) == ["Send", "DeliveryDelay", "Delivery"]
    assert records[2][1]["delivery"]["timestamp"] == "2026-01-01T00:20:01.200Z"


def test_expiration_time_is_the_sets_deadline():
    """DG DeliveryDelay object: expirationTime, "The date and time when Amazon SES will stop
    trying to deliver the message"; 840 minutes without DeliveryOptions (the v2 model's maximum,
    and what real expiry bounces say)."""
    short = events(Engagement(delays=[Delay(ADA)]), DeliveryOptions={"MaxDeliverySeconds": 900})
    default = events(Engagement(delays=[Delay(ADA)]))
    assert short[1][1]["deliveryDelay"]["expirationTime"] == "2026-01-01T00:15:00.000Z"
    assert default[1][1]["deliveryDelay"]["expirationTime"] == "2026-01-01T14:00:00.000Z"


def test_no_delivery_delay_after_a_permanent_bounce():
    """DG send-email-concepts-process: a hard bounce ends delivery attempts; a recipient delayed
    first and then rejected gets the DeliveryDelay before the Bounce, never after it."""
    records = events(Engagement(delays=[Delay(ADA)], bounces=[Bounce(ADA)]))
    assert kinds(records) == ["Send", "DeliveryDelay", "Bounce"]
    assert records[1][1]["deliveryDelay"]["timestamp"] < records[2][1]["bounce"]["timestamp"]
    bounced = events(Engagement(delays=[Delay("bounce@simulator.amazonses.com")]), to="bounce@simulator.amazonses.com")
    assert kinds(bounced) == ["Send", "DeliveryDelay", "Bounce"]


def test_transient_bounces_come_after_retries():
    """DG notification-contents: "Amazon SES provides notifications for hard bounces, and for
    soft bounces that it stopped trying to deliver": a Transient/General bounce comes when the
    retries end (the deadline), after a DeliveryDelay."""
    records = events(Engagement(bounces=[Bounce(ADA, "Transient", "General")]), DeliveryOptions={"MaxDeliverySeconds": 600})
    assert kinds(records) == ["Send", "DeliveryDelay", "Bounce"]
    assert records[2][1]["bounce"]["timestamp"] == "2026-01-01T00:10:00.000Z"


@pytest.mark.parametrize("delay_type", DELAY_TYPES)
def test_delay_status_follows_the_delay_type(delay_type):
    """DG DeliveryDelay object: the ten delayType values; AWS's example gives 4.4.1 "Unable to
    connect to remote host" for TransientCommunicationFailure, the other status and
    diagnosticCode values are assumed (RFC 3463 codes for the documented meaning)."""
    records = events(Engagement(delays=[Delay(ADA, delay_type)]))
    delay = records[1][1]["deliveryDelay"]
    recipient = delay["delayedRecipients"][0]
    assert delay["delayType"] == delay_type
    assert (recipient["status"], recipient["diagnosticCode"]) == DELAY_DSN[delay_type]
    assert recipient["status"].startswith("4.")  # a temporary failure, as a delay is


def test_delivery_delay_carries_the_reporting_mta():
    """DG DeliveryDelay object: reportingMTA, "The IP address of the Message Transfer Agent
    (MTA) that reported the delay" (AWS's example leaves it out; the simulator follows the
    schema)."""
    records = events(Engagement(delays=[Delay(ADA)]))
    assert records[1][1]["deliveryDelay"]["reportingMTA"] == "198.51.100.20"
