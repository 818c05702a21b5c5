"""Fidelity: the CloudWatch metrics SES publishes for the whole account (docs/fidelity.md).

Each test names the behaviour and cites where AWS documents it."""

import pytest
from simkit import base, cloudwatch, destination, simple

from ses_metrics.ci.expectations import Status, check
from ses_metrics.ci.pytest_plugin import assert_metric
from ses_metrics.ci.scenarios import parse_checked_scenario
from ses_metrics.simulator import Click, Delay, Engagement, Simulator

OK = "success@simulator.amazonses.com"
BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"
HTML = '<a href="https://shop.example.com/a">A</a>'


def template(events=None):
    t = base()
    t["Resources"]["Metrics"] = destination("metrics", events, **cloudwatch(("campaign", "messageTag", "none")))
    return t


def test_account_metrics_count_every_send_with_or_without_a_configuration_set():
    """DG event-publishing-retrieving-cloudwatch.html ("Across your AWS account ... Amazon SES
    publishes these metrics to CloudWatch automatically") and the AWS blog "Introducing
    Sending Metrics" ("What if I don't specify a configuration set? You can still get the
    usual metrics ... at the account level"): no dimensions, every send."""
    sim = Simulator(template())
    sim.send_email(**simple([OK, BOUNCE]))
    sim.send_email(**simple(COMPLAINT, configuration_set=None))
    assert sim.metrics.sum("Send", {}) == 2
    assert sim.metrics.sum("Delivery", {}) == 2
    assert sim.metrics.sum("Bounce", {}) == 1
    assert sim.metrics.sum("Complaint", {}) == 1  # a send without a configuration set counts too


def test_account_metrics_include_mailbox_simulator_traffic():
    """DG monitor-sending-activity.html: bounce metrics appear "until at least one email that
    you send bounces, or until you generate a simulated bounce event by using the mailbox
    simulator"."""
    sim = Simulator(base())
    sim.send_email(**simple(BOUNCE))
    assert sim.metrics.sum("Bounce", {}) == 1


def test_account_metrics_reject_and_rendering_failure():
    """CloudWatch User Guide ses-metricscollected (Reject, Rendering Failure) and aws-cdk-lib's
    canned SES metrics (account-level ``RenderingFailure``, no space)."""
    sim = Simulator(base())
    sim.send_email(**simple(text=r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"))
    sim.send_email(**simple(Content={"Template": {"TemplateContent": {"Subject": "{{x}}", "Text": "{{x}}"}, "TemplateData": "{}"}}))
    assert (sim.metrics.sum("Reject", {}), sim.metrics.sum("RenderingFailure", {})) == (1, 1)


def test_account_open_and_click_only_for_sets_that_publish_them():
    """CloudWatch User Guide ses-metricscollected, Open/Click: "Amazon SES only tracks this
    metric when you use a configuration set that publishes Open [Click] events"."""
    engagement = Engagement(opens=[OK], clicks=[Click(OK)])
    tracked = Simulator(template(["send", "open", "click"]))
    tracked.send_email(**simple(OK, html=HTML), engagement=engagement)
    untracked = Simulator(template(["send", "delivery"]))
    untracked.send_email(**simple(OK, html=HTML), engagement=engagement)
    assert (tracked.metrics.sum("Open", {}), tracked.metrics.sum("Click", {})) == (1, 1)
    assert (untracked.metrics.sum("Open", {}), untracked.metrics.sum("Click", {})) == (0, 0)


def test_no_account_metric_for_delivery_delay_or_subscription():
    """aws-cdk-lib's canned SES metrics (generated from CloudWatch's metric catalog) define no
    DeliveryDelay or Subscription metric; re:Post ses-monitor-delivery-delays: "Amazon
    CloudWatch don't support DeliveryDelay events"."""
    sim = Simulator(template())
    sim.send_email(**simple(OK, html=HTML, ListManagementOptions={"ContactListName": "news"}),
                   engagement=Engagement(delays=[Delay(OK)]))
    names = {name for name, dims in sim.metrics.metrics() if not dims}
    assert "DeliveryDelay" not in names and "Subscription" not in names
    assert sim.metrics.sum("DeliveryDelay", {"campaign": "none"}) == 1  # the destination's metric still exists


def test_expect_metric_without_dimensions_checks_the_account_metric():
    """The account-level metrics of DG event-publishing-retrieving-cloudwatch.html, asserted
    with ``expect: metric`` (no dimensions) and ``assert_metric``."""
    checked = parse_checked_scenario({
        "sends": [{"FromEmailAddress": "news@example.com", "Destination": {"ToAddresses": [OK, BOUNCE]},
                   "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}],
        "expect": [{"metric": "Bounce", "sums_to": 1}, {"metric": "Send", "dimensions": {}, "sums_to": 2},
                   {"metric": "DeliveryDelay", "sums_to": 1}],
    })
    result = Simulator(template()).run(checked.scenario)
    outcomes = check(result, checked.expect)
    assert [o.status for o in outcomes] == [Status.PASSED, Status.FAILED, Status.FAILED]
    assert "Send metrics seen: {} (account-level) = 1" in outcomes[1].message
    assert "SES publishes no account-level DeliveryDelay metric" in outcomes[2].message
    assert_metric(result, "Bounce", {}, 1)
    with pytest.raises(AssertionError, match="sums to 1, not 3"):
        assert_metric(result, "Delivery", {}, 3)
