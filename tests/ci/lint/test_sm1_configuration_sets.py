"""SM1xx: what a configuration set publishes."""

from lintkit import REPUTATION, healthy, ids, only
from simkit import base, cloudwatch, destination

from ses_metrics import rules


def test_sm101_noncompliant_a_set_without_destinations():
    finding = only(base(**REPUTATION), "SM101")
    assert finding.message == "configuration set marketing has no event destinations: its bounces and complaints go nowhere"
    assert (finding.configuration_set, finding.stack, finding.logical_id) == ("marketing", "Stack", "Set")


def test_sm101_noncompliant_no_destination_that_can_receive_bounces():
    t = base(**REPUTATION)
    t["Resources"]["Sends"] = destination("sends", ["send", "complaint"], **cloudwatch(("campaign", "messageTag", "none")))
    assert only(t, "SM101").message == "no event destination of configuration set marketing that can receive events matches Bounce"


def test_sm101_noncompliant_the_only_feedback_destination_is_disabled():
    t = base(**REPUTATION)
    t["Resources"]["Off"] = destination("off", ["bounce", "complaint"], enabled=False, **cloudwatch(("campaign", "messageTag", "none")))
    assert sorted(ids(t)) == ["SM101", "SM201"]


def test_sm101_compliant_a_destination_receives_bounces_and_complaints():
    assert "SM101" not in ids(healthy())


def test_sm102_noncompliant_reputation_metrics_off():
    t = healthy()
    del t["Resources"]["Set"]["Properties"]["ReputationOptions"]
    finding = only(t, "SM102")
    assert finding.severity is rules.Severity.WARNING and "ReputationMetricsEnabled is off" in finding.message


def test_sm102_compliant_reputation_metrics_on():
    assert "SM102" not in ids(healthy(ReputationOptions={"ReputationMetricsEnabled": True}))
