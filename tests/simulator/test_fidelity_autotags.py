"""Fidelity: SES's auto-tags and the CloudWatch dimensions that name them (docs/fidelity.md)."""

import pytest
from simkit import base, cloudwatch, destination, simple

from ses_metrics.rules import AutoTag
from ses_metrics.simulator import Click, Delay, Engagement, Simulator

OK = "success@simulator.amazonses.com"
HTML = '<a href="https://shop.example.com/a">A</a>'


def routed(*dimension_names):
    """Every event of a message that produces Send, Delivery, Bounce, Complaint, Open, Click
    and DeliveryDelay, with a CloudWatch destination on these auto-tags (default "none")."""
    template = base()
    template["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(*((n, "messageTag", "none") for n in dimension_names)))
    sim = Simulator(template)
    to = [OK, "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"]
    return sim.send_email(**simple(to, html=HTML), engagement=Engagement(opens=[OK], clicks=[Click(OK)], delays=[Delay(OK)])).events


def dimensions(outcome):
    [delivery] = outcome.deliveries
    return delivery.dimensions


def test_outgoing_ip_dimension_is_the_delivery_records_ip():
    """DG event-publishing-add-event-destination-cloudwatch.html (an auto-tag as a message-tag
    dimension) and monitor-using-event-publishing.html ("ses:outgoing-ip – The IP address that
    SES used to send the email"): AWS's Delivery example carries it, its other examples do not,
    so a Delivery is counted under the IP and every other event under the default."""
    values = {o.event.type.record: dimensions(o)[AutoTag.OUTGOING_IP] for o in routed(AutoTag.OUTGOING_IP)}
    assert values["Delivery"] == "198.51.100.20"
    assert {v for k, v in values.items() if k != "Delivery"} == {"none"}


def test_tls_version_auto_tags():
    """DG monitor-using-event-publishing.html, table "SES Auto-Tags": ses:source-tls-version
    ("The TLS protocol version the caller used") and ses:outgoing-tls-version ("... that SES
    used to send the email"); real records (2026) carry TLSv1.3, the outgoing one on Delivery
    only."""
    outcomes = routed(AutoTag.SOURCE_TLS_VERSION, AutoTag.OUTGOING_TLS_VERSION)
    source = {dimensions(o)[AutoTag.SOURCE_TLS_VERSION] for o in outcomes}
    outgoing = {o.event.type.record: dimensions(o)[AutoTag.OUTGOING_TLS_VERSION] for o in outcomes}
    assert source == {"TLSv1.3"}
    assert outgoing.pop("Delivery") == "TLSv1.3" and set(outgoing.values()) == {"none"}


@pytest.mark.parametrize("tag", AutoTag.DOCUMENTED)
def test_every_auto_tag_dimension_takes_the_value_its_event_carries(tag):
    """DG event-publishing-add-event-destination-cloudwatch.html: the dimension's value is the
    message tag's, and "If the tag ... is not present for a given message, SES will use the
    default value": per event, the value in that event's own ``mail.tags``."""
    for outcome in routed(tag):
        carried = outcome.event.record["mail"]["tags"].get(tag)
        assert dimensions(outcome)[tag] == (carried[0] if carried else "none"), outcome.event.type.record
