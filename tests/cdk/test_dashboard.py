"""SendingDashboard: its widgets, read from the synthesized DashboardBody (one stack for
the module), and a pytest.raises per invalid input."""

import json

import pytest
from aws_cdk.assertions import Template
from conftest import marketing_set, new_stack

from ses_metrics import ReputationAlarms, SendingConfigurationSet, SendingDashboard, ValidationError

DASHBOARD = "AWS::CloudWatch::Dashboard"


def body_of(template, name):
    """The DashboardBody of dashboard ``name``, its Fn::Join joined (the Region as REGION)."""
    [resource] = template.find_resources(DASHBOARD, {"Properties": {"DashboardName": name}}).values()
    parts = resource["Properties"]["DashboardBody"]["Fn::Join"][1]
    return json.loads("".join(p if isinstance(p, str) else "REGION" for p in parts))


def widget(body, title):
    [found] = [w for w in body["widgets"] if w["properties"].get("title") == title]
    return found["properties"]


def expressions(properties):
    return [m[-1].get("expression") for m in properties["metrics"] if isinstance(m[-1], dict) and m[-1].get("visible", True)]


@pytest.fixture(scope="module")
def built():
    stack = new_stack("Email")
    marketing = marketing_set(stack, per_template=True)
    quiet = SendingConfigurationSet(stack, "Quiet", configuration_set_name="quiet", reputation_metrics=False)
    alarms = ReputationAlarms(stack, "Alarms", configuration_set=marketing, bounce_rate_percent=2)
    account = ReputationAlarms(stack, "AccountAlarms", topic=alarms.topic)
    SendingDashboard(stack, "MarketingDashboard", configuration_sets=[marketing], alarms=[alarms, account], dashboard_name="email-marketing")
    SendingDashboard(stack, "All", configuration_sets=[marketing, quiet], dashboard_name="email-all")
    template = Template.from_stack(stack)
    return template, body_of(template, "email-marketing"), body_of(template, "email-all")


def test_one_dashboard_per_construct_with_its_name(built):
    template, *_ = built
    template.resource_count_is(DASHBOARD, 2)
    template.has_resource_properties(DASHBOARD, {"DashboardName": "email-marketing"})


def test_dashboard_shows_the_last_seven_days(built):
    _, body, _ = built
    assert body["start"] == "-P7D"


def test_text_explains_aws_levels_and_the_alarm_thresholds(built):
    _, body, _ = built
    text = body["widgets"][0]["properties"]["markdown"]
    assert text.startswith("## SES configuration set marketing\n")
    assert "bounce rate of 5% or a complaint rate of 0.1% and may pause its sending at 10% / 0.5%" in text
    assert "Alarms at a bounce rate of 2% and a complaint rate of 0.05%." in text


def test_volumes_by_event_type_sum_a_search_over_every_dimension_value(built):
    _, body, _ = built
    volumes = widget(body, "marketing: events by type")
    assert expressions(volumes) == [
        "SUM(SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Send\"', 'Sum', 3600))",
        "SUM(SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Bounce\"', 'Sum', 3600))",
        "SUM(SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Complaint\"', 'Sum', 3600))",
        "SUM(SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Delivery\"', 'Sum', 3600))",
        "SUM(SEARCH('{AWS/SES,template,\"ses:configuration-set\"} MetricName=\"Open\" \"ses:configuration-set\"=\"marketing\"', 'Sum', 3600))",
    ]
    assert volumes["yAxis"]["left"] == {"label": "Count", "min": 0, "showUnits": False}


def test_rates_from_events_in_percent(built):
    _, body, _ = built
    rates = widget(body, "marketing: bounce and complaint rate from events")
    assert expressions(rates) == ["100 * bounce_rate", "100 * complaint_rate"]
    hidden = {m[-1]["id"]: m[-1]["expression"] for m in rates["metrics"] if m[-1].get("visible") is False and "id" in m[-1]}
    assert hidden["bounce_rate"] == "IF(sends >= 100, FILL(bounces, 0) / sends, 0)"


def test_reputation_of_set_and_account_against_alarm_review_and_pause_levels(built):
    _, body, _ = built
    reputation = widget(body, "marketing: Reputation.BounceRate")
    assert expressions(reputation) == ["100 * set", "100 * account"]
    assert ["AWS/SES", "Reputation.BounceRate", "ses:configuration-set", "marketing", {"id": "set", "visible": False, "period": 3600}] in reputation["metrics"]
    assert ["AWS/SES", "Reputation.BounceRate", {"id": "account", "visible": False, "period": 3600}] in reputation["metrics"]
    assert [(a["value"], a["label"]) for a in reputation["annotations"]["horizontal"]] == [
        (2, "alarm 2%"), (5, "AWS review 5%"), (10, "AWS may pause 10%"),
    ]
    complaint = widget(body, "marketing: Reputation.ComplaintRate")
    assert [a["value"] for a in complaint["annotations"]["horizontal"]] == [0.05, 0.1, 0.5]


def test_breakdowns_search_each_destination_so_new_values_appear(built):
    _, body, _ = built
    bounces = widget(body, "marketing: Bounce by campaign, ses:from-domain (metrics)")
    assert expressions(bounces) == ["SEARCH('{AWS/SES,campaign,\"ses:from-domain\"} MetricName=\"Bounce\"', 'Sum', 3600)"]
    sends = widget(body, "marketing: Send by template, ses:configuration-set (per-template)")
    assert expressions(sends) == [
        "SEARCH('{AWS/SES,template,\"ses:configuration-set\"} MetricName=\"Send\" \"ses:configuration-set\"=\"marketing\"', 'Sum', 3600)"
    ]


def test_alarm_states_of_the_set_and_the_account(built):
    _, body, _ = built
    statuses = [w["properties"] for w in body["widgets"] if w["type"] == "alarm"]
    assert [(s["title"], len(s["alarms"])) for s in statuses] == [("Alarms: marketing", 2), ("Alarms: account", 2)]


def test_a_combined_dashboard_stacks_the_sets(built):
    _, _, combined = built
    texts = [w["properties"]["markdown"].splitlines()[0] for w in combined["widgets"] if w["type"] == "text"]
    assert texts == ["## SES configuration set marketing", "## SES configuration set quiet"]
    assert "Alarms at" not in combined["widgets"][0]["properties"]["markdown"]


def test_a_set_without_reputation_metrics_or_cloudwatch_destination_shows_the_account(built):
    _, _, combined = built
    titles = [w["properties"].get("title") for w in combined["widgets"]]
    assert "quiet: events by type" not in titles
    assert expressions(widget(combined, "quiet: Reputation.BounceRate")) == ["100 * account"]
    assert [a["label"] for a in widget(combined, "quiet: Reputation.BounceRate")["annotations"]["horizontal"]] == ["AWS review 5%", "AWS may pause 10%"]


# --- invalid input ------------------------------------------------------------------


def test_rejects_a_dashboard_without_configuration_sets(stack):
    with pytest.raises(ValidationError, match=r"configuration_sets: a dashboard needs at least one configuration set"):
        SendingDashboard(stack, "Dashboard", configuration_sets=[])


def test_rejects_a_dashboard_name_cloudwatch_refuses(stack):
    cs = SendingConfigurationSet(stack, "Set")
    with pytest.raises(ValidationError, match=r"dashboard_name: dashboard name 'ses metrics' contains ' '"):
        SendingDashboard(stack, "Dashboard", configuration_sets=[cs], dashboard_name="ses metrics")
