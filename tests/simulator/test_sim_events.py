"""Event records: AWS's exact shape for all ten types, mailbox simulator outcomes, engagement."""

import json

import pytest
from conftest import FIXTURES
from simkit import base, cloudwatch, destination, simple

from ses_metrics.simulator import Click, Delay, Engagement, Simulator, Unsubscribe

AWS_EXAMPLES = json.loads((FIXTURES / "aws_event_examples.json").read_text())["records"]
TEMPLATE = base()
TEMPLATE["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
HTML = '<p>Hi</p><a href="https://shop.example.com/a" ses:tags="cta:hero;slot:top">A</a> <a href="https://example.com/stop" ses:no-track>stop</a> <a href="https://shop.example.com/b">B</a>'
OK = "success@simulator.amazonses.com"


def shape(value):
    """The structure of a record: keys recursively, with list items merged."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in ("tags", "linkTags")}
    if isinstance(value, list):
        merged = {}
        for item in value:
            item_shape = shape(item)
            if isinstance(item_shape, dict):
                merged.update(item_shape)
            else:
                return "list"
        return [merged] if merged else "list"
    return type(value).__name__ if not isinstance(value, int | float) or isinstance(value, bool) else "number"


@pytest.fixture(scope="module")
def records():
    """One simulated record of every event type."""
    sim = Simulator(TEMPLATE)
    out = {}

    def keep(result):
        for outcome in result.events:
            out.setdefault(outcome.event.record["eventType"], outcome.event.record)

    keep(sim.send_email(**simple([OK, "bounce@simulator.amazonses.com", "complaint@simulator.amazonses.com"], html=HTML),
                        engagement=Engagement(opens=[OK], clicks=[Click(OK)], delays=[Delay(OK)])))
    keep(sim.send_email(**simple(OK, html=HTML, ListManagementOptions={"ContactListName": "news", "TopicName": "weekly"}), engagement=Engagement(unsubscribes=[Unsubscribe(OK)])))
    keep(sim.send_email(**simple(Content={"Template": {"TemplateContent": {"Subject": "{{x}}", "Text": "{{x}}"}, "TemplateData": "{}"}})))
    keep(sim.send_email(**simple(text=r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")))
    return out


@pytest.mark.parametrize("event_type", list(AWS_EXAMPLES))
def test_record_has_the_shape_of_awss_documented_example(records, event_type):
    ours, theirs = shape(records[event_type]), shape(AWS_EXAMPLES[event_type])
    if event_type in ("Open", "Click"):
        # The mail object schema documents sourceArn on every event; AWS's 2017 Open and
        # Click examples predate it and omit it. Everything else matches exactly.
        assert ours["mail"].pop("sourceArn") == "str"
    # Documented fields AWS's examples leave out: complaintSubType ("can either be null or
    # OnAccountSuppressionList", null in real records) and deliveryDelay.reportingMTA
    # (DG DeliveryDelay object: "The IP address of the Message Transfer Agent").
    documented_extra = {"Complaint": ("complaint", "complaintSubType", "NoneType"), "DeliveryDelay": ("deliveryDelay", "reportingMTA", "str")}
    if event_type in documented_extra:
        detail, key, kind = documented_extra[event_type]
        assert ours[detail].pop(key) == kind
    assert ours == theirs


def test_tags_are_lists_of_string_values_by_name(records):
    for record in records.values():
        tags = record["mail"]["tags"]
        assert tags["ses:configuration-set"] == ["marketing"]
        assert all(isinstance(v, list) and all(isinstance(x, str) for x in v) for v in tags.values())


def test_every_event_type_is_produced(records):
    assert sorted(records) == sorted(AWS_EXAMPLES)


def events_of(result):
    return [o.event.record["eventType"] for o in result.events]


@pytest.fixture
def sim():
    return Simulator(TEMPLATE)


@pytest.mark.parametrize(
    ("recipient", "expected"),
    [
        ("success@simulator.amazonses.com", ["Send", "Delivery"]),
        ("success+newsletter@simulator.amazonses.com", ["Send", "Delivery"]),
        ("bounce@simulator.amazonses.com", ["Send", "Bounce"]),
        ("ooto@simulator.amazonses.com", ["Send", "Delivery", "Bounce"]),  # the auto-reply, Transient/General
        ("complaint@simulator.amazonses.com", ["Send", "Delivery", "Complaint"]),
        ("suppressionlist@simulator.amazonses.com", ["Send", "Bounce"]),
        ("someone@example.org", ["Send", "Delivery"]),
    ],
)
def test_mailbox_simulator_outcomes(sim, recipient, expected):
    assert events_of(sim.send_email(**simple(recipient))) == expected


def test_bounce_subtypes(sim):
    general = sim.send_email(**simple("bounce@simulator.amazonses.com")).events[1].event.record["bounce"]
    suppressed = sim.send_email(**simple("suppressionlist@simulator.amazonses.com")).events[1].event.record["bounce"]
    assert (general["bounceType"], general["bounceSubType"]) == ("Permanent", "General")
    assert (suppressed["bounceType"], suppressed["bounceSubType"]) == ("Permanent", "General")  # as real records show in 2026
    assert suppressed["bouncedRecipients"][0]["diagnosticCode"].endswith("(suppressed address: suppressionlist@simulator.amazonses.com)")


def test_bounced_recipients_of_one_message_are_combined(sim):
    result = sim.send_email(**simple(["bounce@simulator.amazonses.com", "bounce+2@simulator.amazonses.com", OK]))
    bounces = [o.event.record for o in result.events if o.event.record["eventType"] == "Bounce"]
    assert len(bounces) == 1
    assert [r["emailAddress"] for r in bounces[0]["bounce"]["bouncedRecipients"]] == ["bounce@simulator.amazonses.com", "bounce+2@simulator.amazonses.com"]


def test_delivery_carries_the_outgoing_ip_auto_tag_and_send_does_not(sim):
    send, delivery = (o.event.record for o in sim.send_email(**simple()).events)
    assert "ses:outgoing-ip" not in send["mail"]["tags"]
    assert delivery["mail"]["tags"]["ses:outgoing-ip"] == ["198.51.100.20"]


def test_deliveries_of_requests_sent_again_carry_their_own_message_tags(sim):
    campaigns = ["a", "b", "a", "b", "a"]  # each request sent again, its messages' tags shared
    deliveries = [sim.send_email(**simple(tags={"campaign": c})).events[1].event.record for c in campaigns]
    assert [d["mail"]["tags"]["campaign"] for d in deliveries] == [[c] for c in campaigns]
    assert all(d["mail"]["tags"]["ses:outgoing-ip"] == ["198.51.100.20"] for d in deliveries)


def test_opens_and_clicks_only_for_html(sim):
    result = sim.send_email(**simple(text="plain"), engagement=Engagement(opens="all", clicks="all"))
    assert events_of(result) == ["Send", "Delivery"]
    assert result.notes == [f"open by {OK} ignored: SES tracks opens in HTML messages only"]


def test_clicks_carry_link_and_link_tags_and_no_track_links_are_never_tracked(sim):
    result = sim.send_email(**simple(html=HTML), engagement=Engagement(clicks="all"))
    clicks = [o.event.record["click"] for o in result.events if o.event.record["eventType"] == "Click"]
    assert [(c["link"], c.get("linkTags")) for c in clicks] == [
        ("https://shop.example.com/a", {"cta": ["hero"], "slot": ["top"]}),
        ("https://shop.example.com/b", {}),  # linkTags always present
    ]


def test_a_click_on_a_no_track_link_is_a_note_not_an_event(sim):
    result = sim.send_email(**simple(html=HTML), engagement=Engagement(clicks=[Click(OK, "https://example.com/stop")]))
    assert "Click" not in events_of(result)
    assert result.notes == [f"click by {OK} on https://example.com/stop produces no event: the link has ses:no-track"]


def test_bounced_recipients_do_not_open(sim):
    result = sim.send_email(**simple("bounce@simulator.amazonses.com", html=HTML), engagement=Engagement(opens=["bounce@simulator.amazonses.com"]))
    assert "Open" not in events_of(result)
    assert result.notes == ["open by bounce@simulator.amazonses.com ignored: the message was not delivered to that address"]


def test_delivery_delay_then_delivery(sim):
    result = sim.send_email(**simple(), engagement=Engagement(delays=[Delay(OK, "MailboxFull")]))
    assert events_of(result) == ["Send", "DeliveryDelay", "Delivery"]
    assert result.events[1].event.record["deliveryDelay"]["delayType"] == "MailboxFull"


def test_unsubscribe_needs_list_management(sim):
    result = sim.send_email(**simple(), engagement=Engagement(unsubscribes=[Unsubscribe(OK)]))
    assert "Subscription" not in events_of(result)
    assert result.notes == [f"unsubscribe by {OK} ignored: the send has no ListManagementOptions"]


def test_events_are_in_time_order_and_timestamps_follow_ses_format(sim):
    result = sim.send_email(**simple("complaint@simulator.amazonses.com", html=HTML), engagement=Engagement(opens="all", clicks="all"))
    moments = [o.event.at for o in result.events]
    assert moments == sorted(moments)
    assert result.events[1].event.record["delivery"]["timestamp"] == "2026-01-01T00:00:01.200Z"
