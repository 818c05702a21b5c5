"""Fidelity: the account-level suppression list, real recipients' bounces and complaints, and
the mailbox simulator's addresses (docs/fidelity.md)."""

from datetime import UTC, datetime

import pytest
from simkit import base, simple

from ses_metrics.simulator import (
    AccountSettings,
    Bounce,
    Complaint,
    Engagement,
    ScenarioError,
    SimulationOptions,
    Simulator,
    parse_scenario,
)

ADA = "ada@example.org"
T = datetime(2026, 1, 1, tzinfo=UTC)


def at(minute):
    return T.replace(minute=minute)


def send(sim, minute, to=ADA, **engagement):
    result = sim.send_email(**simple(to), engagement=Engagement(**engagement) if engagement else None, at=at(minute))
    return [(o.event.type.record, o.event.record) for o in result.events]


def kinds(records):
    return [kind for kind, _ in records]


def simulator(reasons=None, **set_props):
    account = AccountSettings() if reasons is None else AccountSettings(suppressed_reasons=tuple(reasons))
    return Simulator(base(**set_props), options=SimulationOptions(account=account))


def test_a_hard_bounce_suppresses_later_sends():
    """DG sending-email-suppression-list.html: accounts created after November 25, 2019 use the
    list "for both bounces and complaints"; a later send is accepted ("SES accepts the message,
    but doesn't send it"), a Send event (DG monitor-using-event-publishing.html, Send: "SES will
    still count it as a send, but delivery is suppressed") and a Bounce
    Permanent/OnAccountSuppressionList (DG bounce types table)."""
    sim = simulator()
    assert kinds(send(sim, 0, bounces=[Bounce(ADA)])) == ["Send", "Bounce"]
    later = send(sim, 1)
    assert kinds(later) == ["Send", "Bounce"]
    bounce = later[1][1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"], bounce["reportingMTA"]) == ("Permanent", "OnAccountSuppressionList", "dns; amazonses.com")
    assert bounce["bouncedRecipients"][0]["diagnosticCode"].startswith("Amazon SES did not send the message to this address because it is on the suppression list for your account.")


def test_a_complaint_suppresses_later_sends_with_a_complaint_subtype():
    """DG event-publishing-retrieving-sns-contents.html, complaint object: complaintSubType "can
    either be null or OnAccountSuppressionList ... Amazon SES accepted the message, but didn't
    attempt to send it"; a 2026 probe (floci) shows no feedback type on it."""
    sim = simulator()
    assert kinds(send(sim, 0, complaints=[Complaint(ADA)])) == ["Send", "Delivery", "Complaint"]
    later = send(sim, 10)
    assert kinds(later) == ["Send", "Complaint"]
    complaint = later[1][1]["complaint"]
    assert complaint["complaintSubType"] == "OnAccountSuppressionList" and "complaintFeedbackType" not in complaint


def test_an_entry_counts_from_its_bounce_on():
    """DG sending-email-suppression-list.html: an address is added when a message "results in"
    a hard bounce, so a send before that bounce is attempted (assumed: from the bounce's time)."""
    sim = simulator()
    send(sim, 5, bounces=[Bounce(ADA)])
    assert kinds(send(sim, 2)) == ["Send", "Delivery"]  # sent earlier in time than the bounce


def test_the_account_reasons_decide_what_the_list_records():
    """v2 model PutAccountSuppressionAttributes / SuppressionListReason: BOUNCE records hard
    bounces, COMPLAINT complaints; a scenario's ``account.suppressed_reasons`` sets them."""
    sim = simulator(["COMPLAINT"])
    send(sim, 0, bounces=[Bounce(ADA)])
    assert kinds(send(sim, 1)) == ["Send", "Delivery"]
    send(sim, 2, complaints=[Complaint(ADA)])
    assert kinds(send(sim, 10)) == ["Send", "Complaint"]


def test_soft_bounces_never_suppress():
    """v2 model SuppressionListReason BOUNCE: "results in a hard bounce"; DG
    reputationdashboardmessages: soft bounces are not hard bounces."""
    sim = simulator()
    send(sim, 0, bounces=[Bounce(ADA, "Transient", "MailboxFull")])
    assert kinds(send(sim, 1)) == ["Send", "Delivery"]


def test_a_configuration_set_override_replaces_the_account_reasons():
    """DG sending-email-suppression-list-config-level.html: "Override account level settings"
    without reasons uses "no suppression settings at all"; with reasons, "only ... the
    suppression conditions you enabled for it". CloudFormation ``SuppressionOptions:
    {SuppressedReasons: []}`` is the first (aws-cdk's disableSuppressionList renders it)."""
    off = simulator(SuppressionOptions={"SuppressedReasons": []})
    send(off, 0, bounces=[Bounce(ADA)])
    assert kinds(send(off, 1)) == ["Send", "Delivery"]
    complaints_only = simulator(SuppressionOptions={"SuppressedReasons": ["COMPLAINT"]})
    complaints_only.send_email(**simple(ADA, configuration_set=None), engagement=Engagement(bounces=[Bounce(ADA)]), at=at(0))
    assert kinds(send(complaints_only, 1)) == ["Send", "Delivery"]  # listed for BOUNCE, which this set does not apply


def test_mailbox_simulator_addresses_never_enter_the_list():
    """DG send-an-email-from-console.html, bounce@: "The mailbox simulator email address isn't
    placed on the Amazon SES suppression list, which would normally happen when a hard bounce
    occurs"."""
    sim = simulator()
    for minute in (0, 1):
        bounce = send(sim, minute, "bounce@simulator.amazonses.com")[1][1]["bounce"]
        assert bounce["bounceSubType"] == "General"
    assert sim.suppression.entries == {}


def test_addresses_already_on_the_list():
    """DG sending-email-suppression-list.html: entries stay until removed; a scenario's
    ``account.suppressed`` lists them before the first send."""
    document = {
        "account": {"suppressed": {ADA: "BOUNCE"}},
        "sends": [{"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing", "Destination": {"ToAddresses": [ADA]},
                   "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}],
    }
    result = Simulator(base()).run(parse_scenario(document))
    bounce = result.sends[0].events[1].event.record["bounce"]
    assert bounce["bounceSubType"] == "OnAccountSuppressionList"


def test_scenario_bounce_keys_are_checked():
    """DG event-publishing-retrieving-sns-contents.html, "Bounce types": the subtypes of each
    bounceType; OnAccountSuppressionList is SES's own (an address on the list)."""
    def scenario(bounce):
        return {"sends": [{"FromEmailAddress": "a@example.com", "Destination": {"ToAddresses": [ADA]},
                           "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}}}, "bounces": [bounce]}]}

    with pytest.raises(ScenarioError, match=r"bounce subtype 'MailboxFull' is not one of General, NoEmail, Suppressed for a Permanent bounce"):
        parse_scenario(scenario({"recipient": ADA, "subtype": "MailboxFull"}))
    for own in ("OnAccountSuppressionList", "OnTenantSuppressionList"):  # the latter: DG sending-email-suppression-list-tenant-level
        with pytest.raises(ScenarioError, match=r"list the address under account.suppressed or account.tenant_suppressed"):
            parse_scenario(scenario({"recipient": ADA, "subtype": own}))
    parsed = parse_scenario(scenario({"recipient": ADA, "type": "Transient", "subtype": "MailboxFull"}))
    assert parsed.sends[0].engagement.bounces == [Bounce(ADA, "Transient", "MailboxFull")]


def test_ooto_is_a_delivery_then_a_transient_bounce():
    """DG send-an-email-from-console.html, ooto@: the provider "delivers it to the recipient's
    inbox" and "sends an automatic response"; real records (2013, 2026) publish it as a
    Bounce Transient/General whose recipient entry holds only the address."""
    records = send(simulator(), 0, "ooto@simulator.amazonses.com")
    assert kinds(records) == ["Send", "Delivery", "Bounce"]
    bounce = records[2][1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"], bounce["bouncedRecipients"]) == ("Transient", "General", [{"emailAddress": "ooto@simulator.amazonses.com"}])


def test_suppressionlist_address_bounces_as_real_records_show():
    """DG send-an-email-from-console.html says suppressionlist@ bounces "as if the recipient's
    address is on the global suppression list"; real records of 2026 show Permanent/General
    "As requested: user unknown (suppressed address: ...)", which the simulator follows
    (assumed: the DG text is older than the records)."""
    bounce = send(simulator(), 0, "suppressionlist@simulator.amazonses.com")[1][1]["bounce"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "General")
    assert bounce["bouncedRecipients"][0]["diagnosticCode"] == "smtp; 550 5.1.1 As requested: user unknown (suppressed address: suppressionlist@simulator.amazonses.com)"


def test_complaint_subtype_is_always_present():
    """DG event-publishing-retrieving-sns-contents.html, complaint object: complaintSubType
    "can either be null or OnAccountSuppressionList"; real records carry it as null."""
    records = send(simulator(), 0, "complaint@simulator.amazonses.com")
    assert records[2][1]["complaint"]["complaintSubType"] is None


def test_not_spam_feedback_lifts_a_complaint_entry():
    """DG sending-email-suppression-list-tenant-level.html: not-spam feedback removes an
    address's COMPLAINT entry (documented for tenants; assumed for the account's list)."""
    sim = simulator()
    send(sim, 0, complaints=[Complaint(ADA)])  # the complaint arrives five minutes later
    send(sim, 1, complaints=[Complaint(ADA, "not-spam")])  # sent before it: delivered, then a not-spam report
    assert kinds(send(sim, 10)) == ["Send", "Delivery"]


def test_one_message_bounces_one_recipient_and_draws_a_complaint_from_another():
    """DG sending-email-suppression-list.html: each recipient's hard bounce or complaint is
    recorded (both recipients of one message are listed afterwards)."""
    sim = simulator()
    first = sim.send_email(**simple([ADA, "bea@example.org"]), engagement=Engagement(bounces=[Bounce(ADA)], complaints=[Complaint("bea@example.org")]), at=at(0))
    assert [o.event.type.record for o in first.events] == ["Send", "Bounce", "Delivery", "Complaint"]
    later = sim.send_email(**simple([ADA, "bea@example.org"]), at=at(10))
    assert [o.event.type.record for o in later.events] == ["Send", "Bounce", "Complaint"]
