"""``ConfigurationOverrides.Tracking`` per message: DISABLED opens or clicks produce no
Open or Click event (nothing else changes); ENABLED adds nothing a destination does not
match. Over the example app (marketing-metrics matches open and click)."""

import pytest

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.engagement import Engagement

HTML = '<p>Sale: <a href="https://example.com/sale">shop</a></p>'


@pytest.fixture
def sim(example_template):
    return Simulator(example_template)


def send(sim, tracking=None, set_name="marketing"):
    request = {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": ["success@simulator.amazonses.com"]},
        "ConfigurationSetName": set_name,
        "Content": {"Simple": {"Subject": {"Data": "Sale"}, "Body": {"Html": {"Data": HTML}}}},
    }
    if tracking is not None:
        request["ConfigurationOverrides"] = {"Tracking": tracking}
    return sim.send_email(engagement=Engagement(opens="all", clicks="all"), **request)


def kinds(result):
    return [o.event.type.record for o in result.events]


def test_without_override_opens_and_clicks_are_published(sim):
    assert kinds(send(sim)) == ["Send", "Delivery", "Open", "Click"]


def test_open_tracking_disabled_publishes_no_open(sim):
    result = send(sim, {"OpenTrackingEnabled": "DISABLED"})
    assert kinds(result) == ["Send", "Delivery", "Click"]
    assert any("open tracking off (ConfigurationOverrides)" in note for note in result.notes)


def test_click_tracking_disabled_publishes_no_click(sim):
    assert kinds(send(sim, {"ClickTrackingEnabled": "DISABLED"})) == ["Send", "Delivery", "Open"]


def test_both_disabled_leave_the_other_events_alone(sim):
    result = send(sim, {"OpenTrackingEnabled": "DISABLED", "ClickTrackingEnabled": "DISABLED"})
    assert kinds(result) == ["Send", "Delivery"]
    assert [d.destination for d in result.events[1].deliveries] == [d.destination for d in send(sim).events[1].deliveries]


def test_enabled_adds_nothing_a_destination_does_not_match(sim):
    enabled = send(sim, {"OpenTrackingEnabled": "ENABLED", "ClickTrackingEnabled": "ENABLED"}, set_name="transactional")
    plain = send(sim, set_name="transactional")
    assert kinds(enabled) == kinds(plain)
    reached = [[d.destination for d in o.deliveries] for o in enabled.events]
    assert reached == [[d.destination for d in o.deliveries] for o in plain.events]
    assert "transactional-metrics" not in reached[kinds(enabled).index("Open")]  # it does not match open, override or not


def test_a_scenario_carries_the_override(example_template, tmp_path):
    from ses_metrics.simulator import load_scenario

    path = tmp_path / "s.yaml"
    path.write_text(
        "sends:\n  - FromEmailAddress: news@example.com\n    Destination: {ToAddresses: [success@simulator.amazonses.com]}\n"
        "    ConfigurationSetName: marketing\n    ConfigurationOverrides: {Tracking: {OpenTrackingEnabled: DISABLED}}\n"
        f"    Content: {{Simple: {{Subject: {{Data: s}}, Body: {{Html: {{Data: '{HTML}'}}}}}}}}\n    opens: all\n"
    )
    result = Simulator(example_template).run(load_scenario(path))
    assert "Open" not in kinds(result.sends[0])
