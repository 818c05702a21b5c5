"""Capturing an application's own boto3 sends."""

import boto3
import pytest
from botocore.exceptions import ClientError, ParamValidationError
from sample_app import mailer
from simkit import base, cloudwatch, destination

from ses_metrics.simulator.capture import capture

TEMPLATE = base("marketing")
TEMPLATE["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "messageTag", "none")))
TEMPLATE["Resources"]["Transactional"] = {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": "transactional"}}
TEMPLATE["Resources"]["TxMetrics"] = {
    "Type": "AWS::SES::ConfigurationSetEventDestination",
    "Properties": {"ConfigurationSetName": {"Ref": "Transactional"}, "EventDestination": {"Name": "tx-metrics", "Enabled": True, "MatchingEventTypes": ["send", "delivery", "bounce"],
                                                                                          **cloudwatch(("template", "messageTag", "none"))}},
}


def test_the_applications_v1_and_v2_sends_are_routed():
    with capture(TEMPLATE) as sim:
        welcome = mailer.send_welcome("success@simulator.amazonses.com")
        newsletter = mailer.send_newsletter(["bounce@simulator.amazonses.com"], "spring")
        receipt = mailer.send_receipt("success@simulator.amazonses.com")
    assert [s.message_id for s in sim.sends] == [welcome, newsletter, receipt]
    assert sim.metrics.sum("Send", {"template": "welcome"}) == 1
    assert sim.metrics.sum("Bounce", {"campaign": "spring"}) == 1
    assert sim.metrics.sum("Delivery", {"template": "receipt"}) == 1  # raw message: configuration set and tags from headers


def test_v1_sends_carry_their_own_operation_auto_tag():
    with capture(TEMPLATE) as sim:
        mailer.send_newsletter(["success@simulator.amazonses.com"], "spring")
        mailer.send_receipt("success@simulator.amazonses.com")
    assert [s.events[0].event.record["mail"]["tags"]["ses:operation"] for s in sim.sends] == [["SendEmail"], ["SendRawEmail"]]


def test_ses_errors_reach_the_application_with_v1_codes():
    with capture(TEMPLATE), pytest.raises(ClientError) as raised:
        mailer.send_newsletter(["a@example.com"], "spring sale")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    with capture(base("other")), pytest.raises(ClientError) as missing:
        mailer.send_newsletter(["a@example.com"], "spring")
    assert missing.value.response["Error"]["Code"] == "ConfigurationSetDoesNotExist"


def test_invalid_parameters_fail_as_boto3_would():
    client = boto3.client("sesv2", region_name="us-east-1")
    with capture(TEMPLATE), pytest.raises(ParamValidationError, match="FromEmailAddress"):
        client.send_email(FromEmailAddress=42, Destination={}, Content={"Simple": {"Subject": {"Data": "x"}, "Body": {}}})


def test_bulk_sends_answer_per_entry():
    client = boto3.client("sesv2", region_name="us-east-1")
    template = {**TEMPLATE, "Resources": {**TEMPLATE["Resources"], "T": {"Type": "AWS::SES::Template", "Properties": {"Template": {"TemplateName": "t", "SubjectPart": "Hi", "TextPart": "Hi {{name}}"}}}}}
    with capture(template) as sim:
        response = client.send_bulk_email(
            FromEmailAddress="news@example.com", ConfigurationSetName="marketing",
            DefaultContent={"Template": {"TemplateName": "t", "TemplateData": '{"name": "x"}'}},
            BulkEmailEntries=[{"Destination": {"ToAddresses": ["success@simulator.amazonses.com"]}}, {"Destination": {"ToAddresses": ["bounce@simulator.amazonses.com"]}}],
        )
    assert [e["Status"] for e in response["BulkEmailEntryResults"]] == ["SUCCESS", "SUCCESS"]
    assert [e["MessageId"] for e in response["BulkEmailEntryResults"]] == [s.message_id for s in sim.sends]


def test_other_calls_and_calls_after_the_block_are_untouched():
    from botocore.client import BaseClient
    from botocore.exceptions import EndpointConnectionError

    original = BaseClient._make_api_call
    client = boto3.client("sesv2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y", endpoint_url="http://127.0.0.1:9")
    with capture(TEMPLATE), pytest.raises(EndpointConnectionError):
        client.list_configuration_sets()  # not a send: goes to the (unreachable) endpoint
    assert BaseClient._make_api_call is original
