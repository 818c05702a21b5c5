"""Fidelity: tenant-level suppression lists (docs/fidelity.md). Source, unless a test says
otherwise: DG sending-email-suppression-list-tenant-level.html ("Using tenant-level
suppression lists in Amazon SES"); the v2 model's ``TenantSuppressionAttributes``."""

from datetime import UTC, datetime

from simkit import base, simple

from ses_metrics.simulator import (
    AccountSettings,
    Bounce,
    Complaint,
    Engagement,
    SimulationOptions,
    Simulator,
    parse_scenario,
)

ADA = "ada@example.org"
T = datetime(2026, 1, 1, tzinfo=UTC)
ARN = "arn:aws:ses:us-east-1:111122223333"
ASSOCIATED = [f"{ARN}:configuration-set/marketing", f"{ARN}:identity/news@example.com"]


def template(scope=None, reasons=None, name="acme", **set_props):
    """The set marketing and tenant ``name`` associated with it and news@example.com (no identity is declared: the address is the identity), with
    ``SuppressionAttributes`` when ``scope`` is given (CFN requires both keys together)."""
    t = base(**set_props)
    props = {"TenantName": name, "ResourceAssociations": [{"ResourceArn": arn} for arn in ASSOCIATED]}
    if scope is not None:
        props["SuppressionAttributes"] = {"SuppressionScope": scope, "SuppressedReasons": list(reasons or [])}
    t["Resources"]["Tenant"] = {"Type": "AWS::SES::Tenant", "Properties": props}
    return t


def simulator(scope="TENANT", reasons=("BOUNCE", "COMPLAINT"), account=None, **set_props):
    options = SimulationOptions(account=account) if account is not None else None
    return Simulator(template(scope, reasons, **set_props), options=options)


def send(sim, minute, tenant="acme", to=ADA, **engagement):
    request = simple(to) | ({"TenantName": tenant} if tenant else {})
    result = sim.send_email(**request, engagement=Engagement(**engagement) if engagement else None, at=T.replace(minute=minute))
    assert result.error is None, result.error
    return [(o.event.type.record, o.event.record) for o in result.events]


def kinds(records):
    return [kind for kind, _ in records]


def test_a_hard_bounce_through_a_tenant_suppresses_its_later_sends_with_on_tenant_suppression_list():
    """DG tenant-level page, "Identifying tenant suppression bounces": "The bounce type is Permanent with a subtype of
    OnTenantSuppressionList"; the diagnostic code "Amazon SES did not send the message to this
    address because it is on the suppression list for your tenant."; "SES adds a
    ses:tenant-name tag to bounce and complaint notifications". Status 5.1.1 and reportingMTA
    are assumed as the account list's (observed there)."""
    sim = simulator()
    assert kinds(send(sim, 0, bounces=[Bounce(ADA)])) == ["Send", "Bounce"]
    later = send(sim, 1)
    assert kinds(later) == ["Send", "Bounce"]
    bounce, mail = later[1][1]["bounce"], later[1][1]["mail"]
    assert (bounce["bounceType"], bounce["bounceSubType"]) == ("Permanent", "OnTenantSuppressionList")
    assert bounce["bouncedRecipients"][0]["diagnosticCode"] == (
        "Amazon SES did not send the message to this address because it is on the suppression list for your tenant.")
    assert mail["tags"]["ses:tenant-name"] == ["acme"]


def test_under_tenant_scope_the_entry_goes_to_the_tenant_s_list_only():
    """DG tenant-level page, "Automatic suppression recording": with scope TENANT hard bounces go to "the tenant's
    suppression list and the global suppression list ... not ... the account-level
    suppression list"; complaints "to the tenant's suppression list only". A send without the
    tenant checks the account's list, so it is delivered."""
    sim = simulator()
    send(sim, 0, bounces=[Bounce(ADA)])
    send(sim, 1, to="bea@example.org", complaints=[Complaint("bea@example.org")])
    assert sim.suppression.entries == {}
    assert {a: reason for a, (reason, _) in sim.suppression.tenant_entries["acme"].items()} == {ADA: "BOUNCE", "bea@example.org": "COMPLAINT"}
    assert kinds(send(sim, 30, tenant=None)) == ["Send", "Delivery"]
    assert kinds(send(sim, 30, tenant=None, to="bea@example.org")) == ["Send", "Delivery"]


def test_a_complaint_entry_of_the_tenant_s_list_is_also_an_on_tenant_suppression_list_bounce():
    """The DG tenant-level page names the Permanent/OnTenantSuppressionList bounce as how a tenant
    suppression shows, whatever the reason; a complaint variant (as the account list's
    complaintSubType) is not documented for tenants: assumed the bounce."""
    sim = simulator()
    send(sim, 0, complaints=[Complaint(ADA)])
    later = send(sim, 10)
    assert kinds(later) == ["Send", "Bounce"] and later[1][1]["bounce"]["bounceSubType"] == "OnTenantSuppressionList"


def test_under_tenant_scope_the_account_s_list_is_not_checked():
    """DG tenant-level page: "When the scope is TENANT, SES checks only the tenant's suppression list and skips the
    account-level suppression list. An address that is on the account-level suppression list
    but not on the tenant's suppression list is not suppressed.\""""
    sim = simulator(account=AccountSettings(suppressed={ADA: "BOUNCE"}))
    assert kinds(send(sim, 0)) == ["Send", "Delivery"]
    assert send(sim, 1, tenant=None)[1][1]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_another_tenant_s_entries_do_not_apply():
    """DG tenant-level page: "Tenant-level suppression isolates bounces and complaints so that they affect only the
    tenant that sent the email"; "one list per tenant"."""
    t = template("TENANT", ["BOUNCE"])
    t["Resources"]["Other"] = {"Type": "AWS::SES::Tenant", "Properties": {
        "TenantName": "globex", "ResourceAssociations": [{"ResourceArn": arn} for arn in ASSOCIATED],
        "SuppressionAttributes": {"SuppressionScope": "TENANT", "SuppressedReasons": ["BOUNCE"]}}}
    sim = Simulator(t)
    send(sim, 0, bounces=[Bounce(ADA)])
    assert kinds(send(sim, 1, tenant="globex")) == ["Send", "Delivery"]
    assert kinds(send(sim, 2)) == ["Send", "Bounce"]


def test_account_scope_uses_the_account_s_list_with_the_tenant_s_reasons():
    """The DG tenant-level page's table: "ACCOUNT | BOUNCE | Checks account list for bounces only | Records
    bounces to account list only"."""
    sim = simulator("ACCOUNT", ["BOUNCE"])
    send(sim, 0, bounces=[Bounce(ADA)])
    send(sim, 1, to="bea@example.org", complaints=[Complaint("bea@example.org")])
    assert set(sim.suppression.entries) == {ADA} and not any(sim.suppression.tenant_entries.values())
    assert send(sim, 20, tenant=None)[1][1]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"
    assert kinds(send(sim, 21, to="bea@example.org")) == ["Send", "Delivery"]


def test_empty_reasons_check_and_record_nothing():
    """The DG tenant-level page: "Empty – Don't check or record to any suppression list"."""
    sim = simulator("TENANT", [], account=AccountSettings(suppressed={ADA: "BOUNCE"}))
    send(sim, 0, to="bea@example.org", bounces=[Bounce("bea@example.org")])
    assert kinds(send(sim, 1, to="bea@example.org")) == ["Send", "Delivery"]
    assert kinds(send(sim, 2)) == ["Send", "Delivery"]
    assert not any(sim.suppression.tenant_entries.values()) and set(sim.suppression.entries) == {ADA}


def test_a_tenant_without_suppression_attributes_uses_the_account_s_list():
    """The v2 model (TenantSuppressionAttributes): "If you don't specify a suppression scope,
    the tenant defaults to ACCOUNT scope and uses the account-level suppression list"."""
    sim = simulator(scope=None)
    send(sim, 0, bounces=[Bounce(ADA)])
    assert set(sim.suppression.entries) == {ADA}
    assert send(sim, 1)[1][1]["bounce"]["bounceSubType"] == "OnAccountSuppressionList"


def test_the_configuration_set_s_reasons_take_precedence_over_the_tenant_s():
    """DG tenant-level page, "Suppression precedence": "Configuration set – If the configuration set specifies
    suppression settings, SES uses those settings", and a set may "override ... the reasons
    only": the tenant's scope stays."""
    off = simulator(SuppressionOptions={"SuppressedReasons": []})
    send(off, 0, bounces=[Bounce(ADA)])
    assert kinds(send(off, 1)) == ["Send", "Delivery"] and not any(off.suppression.tenant_entries.values())
    complaints_only = simulator(SuppressionOptions={"SuppressedReasons": ["COMPLAINT"]})
    send(complaints_only, 0, bounces=[Bounce(ADA)])
    send(complaints_only, 1, to="bea@example.org", complaints=[Complaint("bea@example.org")])
    assert set(complaints_only.suppression.tenant_entries["acme"]) == {"bea@example.org"}
    assert complaints_only.suppression.entries == {}


def test_not_spam_feedback_lifts_the_tenant_s_complaint_entry():
    """DG tenant-level page: "Not-spam feedback – ... SES automatically removes COMPLAINT-reason entries from the
    tenant's suppression list"; feedback on a message sent without the tenant lifts nothing
    there."""
    sim = simulator()
    send(sim, 0, complaints=[Complaint(ADA)])  # the complaint arrives five minutes later
    send(sim, 1, complaints=[Complaint(ADA, "not-spam")])  # sent before it: delivered, then a not-spam report
    assert kinds(send(sim, 10)) == ["Send", "Delivery"]
    elsewhere = simulator()
    send(elsewhere, 0, complaints=[Complaint(ADA)])
    send(elsewhere, 1, tenant=None, complaints=[Complaint(ADA, "not-spam")])
    assert kinds(send(elsewhere, 10)) == ["Send", "Bounce"]


def test_suppressed_tenant_sends_do_not_count_in_the_reputation_rates():
    """Assumed, as the account list's ("does not count toward your bounce rate metric"): the
    message is not sent. Three later sends to the suppressed address give the tenant's bounce
    rate of three later sends delivered elsewhere, not three more hard bounces."""
    def tenant_bounce_rate(later_to):
        sim = simulator()
        send(sim, 0, bounces=[Bounce(ADA)])
        for minute in range(1, 4):
            send(sim, minute, to=later_to)
        sim.reputation.finish()
        [(_, _, last, highest)] = [row for row in sim.reputation.tenant_summary() if row[1].metric_name == "Reputation.BounceRate"]
        return last, highest

    assert tenant_bounce_rate(ADA) == tenant_bounce_rate("bea@example.org") == (0.25, 1.0)


def test_a_scenario_lists_tenant_entries_before_the_first_send():
    """DG tenant-level page: ``account.tenant_suppressed`` is what PutSuppressedDestination with TenantName adds
    ("To target a tenant's suppression list, include the TenantName parameter")."""
    document = {
        "account": {"tenant_suppressed": {"acme": {ADA: "BOUNCE"}}},
        "sends": [{"FromEmailAddress": "news@example.com", "ConfigurationSetName": "marketing", "TenantName": "acme",
                   "Destination": {"ToAddresses": [ADA]}, "Content": {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "x"}}}}}],
    }
    result = Simulator(template("TENANT", ["BOUNCE"])).run(parse_scenario(document))
    assert result.sends[0].events[1].event.record["bounce"]["bounceSubType"] == "OnTenantSuppressionList"
