"""Fidelity: verified identities and the sandbox (docs/fidelity.md)."""

import pytest
from botocore.exceptions import ClientError
from simkit import base, simple

from ses_metrics.ci.expectations import Status, check
from ses_metrics.ci.scenarios import parse_checked_scenario
from ses_metrics.simulator import AccountSettings, SimulationOptions, Simulator

NOT_VERIFIED = "Email address is not verified. The following identities failed the check in region US-EAST-1: "


def template(*identities):
    t = base()
    for i, identity in enumerate(identities):
        t["Resources"][f"Identity{i}"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": identity}}
    return t


def simulator(*identities, **account):
    return Simulator(template(*identities), options=SimulationOptions(account=AccountSettings(**account)))


def test_a_sender_the_templates_do_not_verify_is_rejected():
    """DG verify-addresses-and-domains: "you must create and verify each identity that you're
    going to use as a "From" ... address"; DG troubleshoot-error-messages: MessageRejected
    "Email address is not verified. The following identities failed the check in region ..."."""
    with pytest.raises(ClientError) as raised:
        simulator("example.org").send_email(**simple(FromEmailAddress="news@example.com"))
    assert raised.value.response["Error"]["Code"] == "MessageRejected"
    assert raised.value.response["Error"]["Message"] == NOT_VERIFIED + "news@example.com"


def test_a_verified_domain_covers_its_addresses_subdomains_and_labels():
    """DG creating-identities: verifying a domain lets you send "from any subdomain or email
    address of the verified domain"; "you don't need to verify" an address with a +label."""
    sim = simulator("example.com", "ops@example.net")
    for sender in ("news@example.com", "a@mail.example.com", "ops+alerts@example.net", '"Ops" <ops@example.net>'):
        assert sim.send_email(**simple(FromEmailAddress=sender)).error is None
    with pytest.raises(ClientError, match="other@example.net"):
        sim.send_email(**simple(FromEmailAddress="other@example.net"))


def test_without_declared_identities_senders_are_not_checked():
    """Assumed: without any AWS::SES::EmailIdentity the templates say nothing about what the
    account verified, so the simulator does not refuse a sender (``account.verified_identities_only``
    turns the check on)."""
    assert Simulator(base()).send_email(**simple(FromEmailAddress="anyone@example.org")).error is None
    with pytest.raises(ClientError, match=NOT_VERIFIED):
        simulator(verified_identities_only=True).send_email(**simple(FromEmailAddress="anyone@example.org"))


def test_the_sandbox_restricts_recipients():
    """DG request-production-access: in the sandbox "You can only send mail to verified email
    addresses and domains, or to the Amazon SES mailbox simulator"; one message lists every
    failing identity (observed)."""
    sim = simulator("example.com", "example.org", sandbox=True)
    assert sim.send_email(**simple(["ada@example.org", "bounce@simulator.amazonses.com"])).error is None
    with pytest.raises(ClientError) as raised:
        sim.send_email(**simple(["ada@example.org", "bob@elsewhere.test", "cy@other.test"]))
    assert raised.value.response["Error"]["Message"] == NOT_VERIFIED + "bob@elsewhere.test, cy@other.test"


def test_scenario_account_settings_reach_the_checks():
    """The scenario's ``account:`` key (DG request-production-access: the sandbox)."""
    sends = [{"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing", "Destination": {"ToAddresses": ["x@example.org"]},
              "Content": {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}}}}]
    checked = parse_checked_scenario({"account": {"sandbox": True, "verified_identities_only": False}, "sends": sends,
                                      "expect": [{"send": 0, "fails_with": "MessageRejected"}]})
    [outcome] = check(Simulator(base()).run(checked.scenario), checked.expect)
    assert outcome.status is Status.PASSED
