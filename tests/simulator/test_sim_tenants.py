"""Tenants in the simulator, through the platform YAML (tests/fixtures/adoption.yaml:
tenant acme with sets marketing and legacy (existing) and identities example.com and
sender@example.org): the association gate with SES's error codes and wording, the
ses:tenant-name tag on bounce and complaint records, identity defaults, existing sets."""

import textwrap

import aws_cdk as cdk
import pytest
from conftest import FIXTURES

from ses_metrics.ci.expectations import check
from ses_metrics.ci.scenarios import load_checked_scenario
from ses_metrics.platform.app import build_app
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.errors import SendError

ACCOUNT = "111122223333"
ARN = f"arn:aws:ses:us-east-1:{ACCOUNT}"
CONTENT = {"Simple": {"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hello"}}}}


@pytest.fixture(scope="module")
def cdk_out(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("tenants") / "cdk.out"
    app = cdk.App(builtin_cloud_formation_validation=False, outdir=str(outdir))
    build_app(app, config_path=str(FIXTURES / "adoption.yaml"), nag=False).synth()
    return outdir


@pytest.fixture
def sim(cdk_out):
    return Simulator(cdk_out)


class Refused:
    """A send SES refused: its error, no events."""

    def __init__(self, error: SendError):
        self.error, self.events = error, []


def outcome(call, **request):
    try:
        return call(**request)
    except SendError as error:
        return Refused(error)


def send(sim, sender="news@example.com", to="bounce@simulator.amazonses.com", **request):
    return outcome(sim.send_email, FromEmailAddress=sender, Destination={"ToAddresses": [to]}, Content=CONTENT, **request)


def test_tenants_and_their_associations_are_read_from_the_template(sim):
    acme = sim.topology.tenants["acme"]
    assert acme.resources == {
        f"{ARN}:configuration-set/marketing", f"{ARN}:configuration-set/legacy", f"{ARN}:identity/example.com", f"{ARN}:identity/sender@example.org",
    }  # fmt: skip
    assert (acme.reputation_policy, acme.suppression_scope) == ("strict", "TENANT")


def test_a_send_through_its_tenant_with_associated_resources_is_accepted(sim):
    result = send(sim, ConfigurationSetName="marketing", TenantName="acme")
    assert result.error is None and [o.event.type.record for o in result.events] == ["Send", "Bounce"]


def test_bounce_and_complaint_records_carry_the_tenant_name_tag(sim):
    bounce = send(sim, ConfigurationSetName="marketing", TenantName="acme")
    complaint = send(sim, to="complaint@simulator.amazonses.com", ConfigurationSetName="marketing", TenantName="acme")
    tags = {o.event.type.record: o.event.record["mail"]["tags"] for r in (bounce, complaint) for o in r.events}
    assert tags["Bounce"]["ses:tenant-name"] == ["acme"] and tags["Complaint"]["ses:tenant-name"] == ["acme"]
    assert "ses:tenant-name" not in tags["Send"] and "ses:tenant-name" not in tags["Delivery"]


def test_a_send_without_a_tenant_carries_no_tenant_tag(sim):
    result = send(sim, ConfigurationSetName="marketing")
    assert all("ses:tenant-name" not in o.event.record["mail"]["tags"] for o in result.events)


def test_a_set_not_associated_is_refused_with_ses_error_and_wording(sim):
    result = send(sim, ConfigurationSetName="quiet", TenantName="acme")
    assert result.error.code == "AccessDeniedException"
    assert result.error.message == f"Tenant not associated with resources [{ARN}:configuration-set/quiet]."
    assert result.events == []


def test_every_missing_resource_is_listed_identity_first(sim):
    result = send(sim, sender="x@other.example", ConfigurationSetName="quiet", TenantName="acme")
    assert result.error.message == f"Tenant not associated with resources [{ARN}:identity/x@other.example, {ARN}:configuration-set/quiet]."


def test_an_unknown_tenant_is_not_found(sim):
    result = send(sim, ConfigurationSetName="marketing", TenantName="globex")
    assert (result.error.code, result.error.message) == ("NotFoundException", f"Tenant globex for AwsAccountId {ACCOUNT} not found.")


def test_the_identitys_default_set_is_what_the_tenant_must_have(sim):
    accepted = send(sim, TenantName="acme")  # example.com defaults to marketing, associated
    refused = send(sim, sender="news@bulk.example.com", TenantName="acme")  # bulk.example.com defaults to bulk
    assert accepted.error is None and accepted.configuration_set == "marketing"
    assert refused.error.message == f"Tenant not associated with resources [{ARN}:identity/bulk.example.com, {ARN}:configuration-set/bulk]."


def test_a_send_with_no_configuration_set_at_all_is_refused(sim):
    result = send(sim, sender="news@nodkim.example.com", TenantName="acme")
    assert result.error.code == "AccessDeniedException" and "needs a configuration set" in result.error.message


def test_the_raw_messages_x_ses_tenant_header_names_the_tenant(sim):
    raw = b"From: news@example.com\r\nTo: bounce@simulator.amazonses.com\r\nX-SES-TENANT: bulky\r\nSubject: Hi\r\n\r\nHello\r\n"
    result = outcome(sim.send_email, FromEmailAddress="news@example.com", Content={"Raw": {"Data": raw}}, ConfigurationSetName="marketing")
    assert result.error.code == "AccessDeniedException" and f"{ARN}:configuration-set/marketing" in result.error.message


def test_an_existing_sets_destinations_are_simulated(sim):
    result = send(sim, sender="sender@example.org", TenantName="acme")  # defaults to legacy, created elsewhere
    bounce = next(o for o in result.events if o.event.type.record == "Bounce")
    assert result.configuration_set == "legacy" and [d.destination for d in bounce.deliveries] == ["legacy-bus"]
    assert any("'legacy' is not in the templates (created elsewhere)" in w for w in sim.warnings)


def test_a_scenario_expects_the_refusal(cdk_out, tmp_path):
    scenario = tmp_path / "tenants.yaml"
    scenario.write_text(textwrap.dedent("""
        defaults: {FromEmailAddress: news@example.com, Content: {Simple: {Subject: {Data: Hi}, Body: {Text: {Data: x}}}}}
        sends:
          - {name: ok, TenantName: acme, ConfigurationSetName: marketing, Destination: {ToAddresses: [bounce@simulator.amazonses.com]}}
          - {name: stray, TenantName: acme, ConfigurationSetName: quiet, Destination: {ToAddresses: [success@simulator.amazonses.com]}}
        expect:
          - {send: ok, event: bounce, reaches: marketing-metrics, with_dimensions: {campaign: none}}
          - {send: stray, fails_with: AccessDeniedException}
    """))
    checked = load_checked_scenario(scenario)
    results = check(Simulator(cdk_out).run(checked.scenario), checked.expect)
    assert [(r.passed, r.message) for r in results] == [(True, ""), (True, "")]


def test_explain_of_the_cdk_out_shows_tenants_and_identity_defaults(cdk_out, capsys):
    from ses_metrics.cli import main

    assert main(["explain", str(cdk_out)]) == 0
    out = capsys.readouterr().out
    assert "tenant acme" in out and "tenant bulky" in out and "default set of example.com" in out


def test_an_unknown_suppression_scope_is_simulated_as_account_with_a_warning():
    from simkit import base

    template = base()
    template["Resources"]["Tenant"] = {"Type": "AWS::SES::Tenant", "Properties": {
        "TenantName": "odd", "SuppressionAttributes": {"SuppressionScope": "Tenant", "SuppressedReasons": ["BOUNCE", "HARD"]}}}
    sim = Simulator(template)
    assert any("SuppressionScope 'Tenant' is not ACCOUNT or TENANT; simulated as ACCOUNT" in w for w in sim.warnings)
    assert any("SuppressedReasons ['HARD'] are not BOUNCE or COMPLAINT" in w for w in sim.warnings)
    assert sim.suppression.policy(None, "odd") == (None, frozenset({"BOUNCE", "HARD"}))
