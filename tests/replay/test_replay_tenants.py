"""Tenant-level reputation in the replay: each tenant keeps its own window of sends (SES
judges a tenant's reputation policy on the tenant's own sends, DG "Tenants"), apart from
its configuration set's and the account's; a traffic entry's ``tenant`` sends through it."""

from datetime import UTC, datetime

from simkit import base, cloudwatch, destination, simple

from ses_metrics.replay.profile import parse_profile
from ses_metrics.replay.traffic import request
from ses_metrics.rules import ReputationMetric
from ses_metrics.simulator import AccountSettings, Bounce, Engagement, SimulationOptions, Simulator
from ses_metrics.simulator.reputation import ReputationModel

BOUNCE_RATE = ReputationMetric.BOUNCE_RATE
ADA = "ada@example.org"  # a real recipient: mailbox simulator messages never count towards a rate
BOUNCE, OK = Engagement(bounces=[Bounce(ADA)]), None
ARN = "arn:aws:ses:us-east-1:111122223333"


def template():
    t = base(ReputationOptions={"ReputationMetricsEnabled": True})
    t["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
    for name in ("acme", "globex"):
        associations = [{"ResourceArn": f"{ARN}:configuration-set/marketing"}, {"ResourceArn": f"{ARN}:identity/news@example.com"}]
        t["Resources"][name] = {"Type": "AWS::SES::Tenant", "Properties": {"TenantName": name, "ResourceAssociations": associations}}
    return t


def test_each_tenant_has_its_own_rate_beside_the_sets_and_the_accounts():
    sim = Simulator(template(), keep_events=False, options=SimulationOptions(account=AccountSettings(suppression_list=False)))
    reputation = ReputationModel(sim.topology, representative_volume=10, minimum_volume=1)
    sim.observers.append(reputation.observe)
    plan = [("acme", BOUNCE), ("acme", OK), ("globex", OK), ("globex", OK)]
    for second, (tenant, to) in enumerate(plan):
        sim.send_email(**simple(ADA), TenantName=tenant, engagement=to, at=datetime(2026, 1, 1, 0, 0, second, tzinfo=UTC))
    reputation.finish()
    last = {tenant: rate for tenant, metric, rate, _ in reputation.tenant_summary() if metric is BOUNCE_RATE}
    assert last == {"acme": 0.5, "globex": 0.0}
    assert list(reputation.series("marketing", BOUNCE_RATE).values())[-1] == 0.25
    assert list(reputation.series(None, BOUNCE_RATE).values())[-1] == 0.25


def test_tenant_rates_are_not_published_as_metrics():
    sim = Simulator(template(), keep_events=False, options=SimulationOptions(account=AccountSettings(suppression_list=False)))
    reputation = ReputationModel(sim.topology, representative_volume=10, minimum_volume=1)
    sim.observers.append(reputation.observe)
    sim.send_email(**simple(ADA), TenantName="acme", engagement=BOUNCE)
    reputation.finish()
    assert {scope for _, scope, _ in reputation.published_metrics()} == {None, "marketing"}


def test_a_traffic_entry_sends_through_its_tenant():
    profile = parse_profile({"traffic": [{"configuration_set": "marketing", "tenant": "acme", "sends_per_hour": 10}]})
    assert request(profile.streams[0], ADA)["TenantName"] == "acme"
