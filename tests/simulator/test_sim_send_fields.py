"""Addresses and custom headers SES refuses (rules.headers): a CR or LF never reaches a
message's headers or a dimension value; the send fails with BadRequestException."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from simkit import base, cloudwatch, destination, simple

from ses_metrics import rules
from ses_metrics.simulator import Simulator

TEMPLATE = base()
TEMPLATE["Resources"]["Metrics"] = destination("metrics", None, **cloudwatch(("campaign", "emailHeader", "none")))


def with_header(name, value):
    request = simple()
    request["Content"]["Simple"]["Headers"] = [{"Name": name, "Value": value}]
    return request


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (with_header("campaign", "spring\r\nBcc: victim@example.com"), r"Value of header campaign is not 1-995 printable ASCII characters"),
        (with_header("campaign\r\nBcc", "x"), r"Header name 'campaign\\r\\nBcc' is not 1-126 printable ASCII characters other than ':'"),
        (with_header("X:Y", "x"), r"Header name 'X:Y' is not 1-126"),
        (with_header("campaign", "x" * 996), r"Value of header campaign is not 1-995"),
        (simple("a@example.com\r\nBcc: victim@example.com"), r"Local address contains control or whitespace"),
        (simple(FromEmailAddress="news@example.com\nX-Injected: 1"), r"Domain contains control or whitespace"),
        (simple(ReplyToAddresses=["re\tply@example.com"]), r"Local address contains control or whitespace"),
    ],
    ids=["value CRLF", "name CRLF", "name colon", "value too long", "recipient CRLF", "from LF", "reply-to tab"],
)
def test_a_control_character_or_a_header_outside_the_model_fails_the_send(request_, message):
    with pytest.raises(ClientError, match=message) as raised:
        Simulator(TEMPLATE).send_email(**request_)
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_a_header_within_the_model_reaches_the_dimension():
    result = Simulator(TEMPLATE).send_email(**with_header("campaign", "spring"))
    [delivery] = [d for o in result.events if o.event.type.record == "Send" for d in o.deliveries]
    assert delivery.dimensions == {"campaign": "spring"}


def test_the_header_patterns_are_botocores():
    import botocore.session

    shapes = botocore.session.get_session().get_service_model("sesv2").shape_for
    name, value = shapes("MessageHeaderName"), shapes("MessageHeaderValue")
    assert name.metadata["pattern"] == "^" + rules.HEADER_NAME_RE.pattern.removesuffix("{1,126}") + "+$"
    assert (name.metadata["min"], name.metadata["max"]) == (1, 126)
    assert value.metadata["pattern"] == rules.HEADER_VALUE_RE.pattern.removesuffix("{1,995}") + "*"
    assert (value.metadata["min"], value.metadata["max"]) == (1, 995)


@pytest.mark.parametrize("address", ["news@example.com", '"News, Team" <news@example.com>', "Ünïcode <news@example.com>"])
def test_addresses_without_control_characters_pass(address):
    assert rules.check_address(address) is None


def test_a_scenario_starts_and_sends_inside_the_span_ses_metrics_simulates():
    from ses_metrics.simulator import ScenarioError, parse_scenario

    with pytest.raises(ScenarioError) as raised:
        parse_scenario({"start": "0001-01-01T00:00:00Z", "sends": [simple()]})
    assert [(p.location, p.message.split(" is ")[0]) for p in raised.value.problems] == [("start", "start 0001-01-01T00:00:00+00:00")]
    with pytest.raises(ScenarioError) as raised:
        parse_scenario({"sends": [simple(), {**simple(), "at": "9999-12-31T23:59:59Z"}]})
    assert [(p.location, p.message.split(" is ")[0]) for p in raised.value.problems] == [("sends[1].at", "at 9999-12-31T23:59:59+00:00")]
    assert parse_scenario({"start": "1970-01-01T00:00:00Z", "sends": [simple()]}).start.year == 1970
