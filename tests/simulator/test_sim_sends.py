"""Sends: validation, configuration set and tag resolution, SES's errors."""

import pytest
from botocore.exceptions import ClientError, ParamValidationError
from simkit import base, cloudwatch, destination, raw, simple

from ses_metrics.simulator import AccountSettings, SimulationOptions, Simulator

TEMPLATE = base()
TEMPLATE["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
TEMPLATE["Resources"]["Other"] = {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "other"}}
TEMPLATE["Resources"]["Paused"] = {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "paused", "SendingOptions": {"SendingEnabled": False}}}
TEMPLATE["Resources"]["Domain"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": "example.com", "ConfigurationSetAttributes": {"ConfigurationSetName": "other"}}}
TEMPLATE["Resources"]["Address"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {"EmailIdentity": "vip@example.com", "ConfigurationSetAttributes": {"ConfigurationSetName": "marketing"}}}
TEMPLATE["Resources"]["Welcome"] = {"Type": "AWS::SES::Template", "Properties": {"Template": {"TemplateName": "welcome", "SubjectPart": "Hi {{name}}", "HtmlPart": "<p>Hi {{name}} from {{team.name}}</p>", "TextPart": "Hi {{name}}"}}}


@pytest.fixture
def sim():
    return Simulator(TEMPLATE)


def set_of(result):
    return result.configuration_set


def test_request_is_validated_with_botocores_service_model(sim):
    with pytest.raises(ParamValidationError, match='Unknown parameter in input: "ConfigurationSet"'):
        sim.send_email(**simple(ConfigurationSet="x"))


def test_configuration_set_parameter_wins_over_header_and_identity_default(sim):
    message = "From: vip@example.com\nTo: a@x.test\nSubject: s\nX-SES-CONFIGURATION-SET: other\n\nbody"
    assert set_of(sim.send_email(**raw(message, ConfigurationSetName="marketing"))) == "marketing"


def test_header_configuration_set_wins_over_identity_default(sim):
    message = "From: vip@example.com\nTo: a@x.test\nSubject: s\nX-SES-CONFIGURATION-SET: other\n\nbody"
    assert set_of(sim.send_email(**raw(message))) == "other"


def test_address_identity_default_wins_over_domain_default(sim):
    assert set_of(sim.send_email(**simple(configuration_set=None, FromEmailAddress="vip@example.com"))) == "marketing"
    assert set_of(sim.send_email(**simple(configuration_set=None, FromEmailAddress="news@example.com"))) == "other"


def test_without_any_configuration_set_no_event_reaches_a_destination_and_tags_are_ignored():
    # a sender no identity of the templates covers (so no default set): verification off
    sim = Simulator(TEMPLATE, options=SimulationOptions(account=AccountSettings(verified_identities_only=False)))
    result = sim.send_email(**simple(configuration_set=None, FromEmailAddress="someone@elsewhere.test", tags={"campaign": "x"}))
    assert result.configuration_set is None
    assert all(not o.deliveries and not o.drops and o.filtered[0].reason.startswith("the send has no configuration set") for o in result.events)
    assert result.events[0].event.record["mail"]["tags"] == {}


def test_api_tags_win_over_header_tags_and_are_not_merged(sim):
    message = "From: news@example.com\nTo: a@x.test\nSubject: s\nX-SES-MESSAGE-TAGS: campaign=header, other=h\n\nbody"
    tags = sim.send_email(**raw(message, ConfigurationSetName="marketing", EmailTags=[{"Name": "campaign", "Value": "api"}])).events[0].event.record["mail"]["tags"]
    assert tags["campaign"] == ["api"]
    assert "other" not in tags


def test_header_tags_apply_without_api_tags(sim):
    message = "From: news@example.com\nTo: a@x.test\nSubject: s\nX-SES-MESSAGE-TAGS: campaign=header, team=ops\n\nbody"
    tags = sim.send_email(**raw(message, ConfigurationSetName="marketing")).events[0].event.record["mail"]["tags"]
    assert (tags["campaign"], tags["team"]) == (["header"], ["ops"])


def test_auto_tags_are_added(sim):
    tags = sim.send_email(**simple(tags={"campaign": "spring"})).events[0].event.record["mail"]["tags"]
    assert tags == {
        "ses:operation": ["SendEmail"],
        "ses:configuration-set": ["marketing"],
        "ses:source-ip": ["192.0.2.10"],
        "ses:from-domain": ["example.com"],
        "ses:caller-identity": ["ses-metrics-simulator"],
        "ses:source-tls-version": ["TLSv1.3"],
        "campaign": ["spring"],
    }


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"campaign": "spring sale"}, r"Invalid tag value <spring sale>: only alphanumeric ASCII characters, '_', and '-' are allowed\."),
        ({"camp aign": "x"}, r"Invalid tag name <camp aign>"),
        ({"ses:custom": "x"}, r"Invalid tag name <ses:custom>"),
    ],
)
def test_invalid_tags_fail_the_send_with_bad_request(sim, tags, message):
    with pytest.raises(ClientError, match=message) as raised:
        sim.send_email(**simple(tags=tags))
    assert raised.value.response["Error"]["Code"] == "BadRequestException"  # SESv2's code (v1: InvalidParameterValue)


def test_reserved_feedback_id_tags_are_allowed(sim):
    assert sim.send_email(**simple(tags={"ses:feedback-id-a": "x"})).message_id


def test_unknown_configuration_set_is_not_found(sim):
    with pytest.raises(ClientError, match=r"Configuration set <nope> does not exist\.") as raised:
        sim.send_email(**simple(configuration_set="nope"))
    assert raised.value.response["Error"]["Code"] == "NotFoundException"


def test_paused_configuration_set_refuses_sends(sim):
    with pytest.raises(ClientError) as raised:
        sim.send_email(**simple(configuration_set="paused"))
    assert raised.value.response["Error"]["Code"] == "SendingPausedException"


def test_a_failed_send_produces_no_events(sim):
    with pytest.raises(ClientError):
        sim.send_email(**simple(configuration_set="nope"))
    assert sim.event_count == 0 and sim.metrics.metrics() == []


def test_message_over_40_mb_is_rejected(sim):
    big = "From: news@example.com\nTo: a@x.test\nSubject: s\n\n" + "x" * (40 * 1024 * 1024)
    with pytest.raises(ClientError, match="Message length is more than 41943040 bytes") as raised:
        sim.send_email(**raw(big, ConfigurationSetName="marketing"))
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_headers_over_10_kb_are_truncated(sim):
    headers = "".join(f"X-Filler-{i}: {'v' * 200}\n" for i in range(60))
    mail = sim.send_email(**raw(f"From: news@example.com\nTo: a@x.test\n{headers}Subject: s\n\nbody", ConfigurationSetName="marketing")).events[0].event.record["mail"]
    assert mail["headersTruncated"] is True
    assert sum(len(h["name"]) + len(h["value"]) + 4 for h in mail["headers"]) <= 10240


def test_raw_message_headers_and_common_headers(sim):
    message = "From: Sender <news@example.com>\nTo: a@x.test, b@y.test\nCc: c@z.test\nSubject: =?UTF-8?B?SMOpbGxv?=\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n\nbody"
    mail = sim.send_email(**raw(message, ConfigurationSetName="marketing")).events[0].event.record["mail"]
    assert mail["destination"] == ["a@x.test", "b@y.test", "c@z.test"]
    assert mail["headers"][0] == {"name": "From", "value": "Sender <news@example.com>"}
    assert mail["commonHeaders"]["subject"] == "Héllo"
    assert mail["commonHeaders"]["to"] == ["a@x.test", "b@y.test"]
    assert mail["commonHeaders"]["date"] == "Thu, 1 Jan 2026 00:00:00 +0000"


def test_templated_send_renders_from_the_stack_template(sim):
    result = sim.send_email(**simple(Content={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "Ada", "team": {"name": "Ops"}}'}}))
    assert [o.event.type.record for o in result.events] == ["Send", "Delivery"]
    assert result.events[0].event.record["mail"]["commonHeaders"]["subject"] == "Hi Ada"


def test_template_data_missing_a_variable_is_a_rendering_failure_and_nothing_is_sent(sim):
    result = sim.send_email(**simple(Content={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "Ada"}'}}))
    [outcome] = result.events
    assert outcome.event.record["eventType"] == "Rendering Failure"
    assert outcome.event.record["failure"] == {"errorMessage": "Attribute 'team.name' is not present in the rendering data.", "templateName": "welcome"}


def test_unknown_template_is_not_found(sim):
    with pytest.raises(ClientError, match="Template missing does not exist"):
        sim.send_email(**simple(Content={"Template": {"TemplateName": "missing", "TemplateData": "{}"}}))


def test_eicar_content_is_sent_then_rejected(sim):
    eicar = r"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    result = sim.send_email(**simple(text=eicar))
    assert [(o.event.type.record, o.event.record.get("reject")) for o in result.events] == [("Send", None), ("Reject", {"reason": "Bad content"})]


def test_bulk_send_makes_one_message_per_entry_with_replacement_tags(sim):
    results = sim.send_bulk_email(
        FromEmailAddress="news@example.com",
        ConfigurationSetName="marketing",
        DefaultContent={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "x", "team": {"name": "y"}}'}},
        DefaultEmailTags=[{"Name": "campaign", "Value": "default"}],
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["success@simulator.amazonses.com"]}},
            {"Destination": {"ToAddresses": ["bounce@simulator.amazonses.com"]}, "ReplacementTags": [{"Name": "campaign", "Value": "vip"}]},
        ],
    )
    assert [r.events[0].event.record["mail"]["tags"]["campaign"] for r in results] == [["default"], ["vip"]]
    assert [r.events[0].event.record["mail"]["tags"]["ses:operation"] for r in results] == [["SendBulkEmail"], ["SendBulkEmail"]]
    assert len({r.message_id for r in results}) == 2


def test_same_seed_same_ids_and_times():
    first, second = Simulator(TEMPLATE), Simulator(TEMPLATE)
    assert first.send_email(**simple()).events[1].event.record == second.send_email(**simple()).events[1].event.record
