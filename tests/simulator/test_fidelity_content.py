"""Fidelity: what SES reads in a message (virus scan, size, lines) and the errors it returns per
API (docs/fidelity.md)."""

import base64
import quopri

import boto3
import pytest
from botocore.exceptions import ClientError
from simkit import base, raw, simple

from ses_metrics.rules import EICAR_SIGNATURE
from ses_metrics.simulator import Simulator
from ses_metrics.simulator.capture import capture

OK = "success@simulator.amazonses.com"


def kinds(result):
    return [o.event.type.record for o in result.events]


def mime(encoding, payload):
    return (
        "From: news@example.com\nTo: success@simulator.amazonses.com\nSubject: s\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b"\n\n--b\nContent-Type: text/plain\n\nhello\n--b\n'
        f'Content-Type: text/plain\nContent-Disposition: attachment; filename="sample.txt"\nContent-Transfer-Encoding: {encoding}\n\n'
        f"{payload}\n--b--\n"
    )


def test_an_eicar_attachment_is_a_reject():
    """DG send-an-email-from-console.html, "Testing Reject events": save the EICAR string "as
    sample.txt, attach it to an email ... Amazon SES accepts the message, but then rejects it";
    a Reject event, reason "Bad content" (DG Reject object). SESv2 ``Simple.Attachments``."""
    sim = Simulator(base())
    attachment = {"FileName": "sample.txt", "RawContent": EICAR_SIGNATURE}
    result = sim.send_email(**simple(OK, Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "hi"}}, "Attachments": [attachment]}}))
    assert kinds(result) == ["Send", "Reject"]
    assert result.events[1].event.record["reject"] == {"reason": "Bad content"}


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable"])
def test_an_eicar_mime_part_is_a_reject_in_either_encoding(encoding):
    """DG send-an-email-from-console.html ("Every message that you send through Amazon SES is
    scanned for viruses"): an attachment of a raw message is scanned decoded, whether its
    Content-Transfer-Encoding is base64 or quoted-printable (RFC 2045)."""
    if encoding == "base64":
        payload = base64.b64encode(EICAR_SIGNATURE).decode()
    else:  # every byte as =XX, soft line breaks every 24 bytes (RFC 2045's 76-character lines)
        escaped = [f"={b:02X}" for b in EICAR_SIGNATURE]
        payload = "=\n".join("".join(escaped[i : i + 24]) for i in range(0, len(escaped), 24))
        assert quopri.decodestring(payload.encode()) == EICAR_SIGNATURE
    assert EICAR_SIGNATURE.decode() not in payload  # only the decoded part carries the signature
    result = Simulator(base()).send_email(**raw(mime(encoding, payload), ConfigurationSetName="marketing"))
    assert kinds(result) == ["Send", "Reject"]


def test_sesv2_messages_may_reach_40_mb():
    """DG quotas.html: "Using the SES v2 API or SMTP – Maximum message size (including
    attachments): 40 MB per message (after base64 encoding)"; 10 MB through v1. Over it, SESv2
    answers BadRequestException (the v2 model's code for v1's InvalidParameterValue) with v1's
    observed wording "Message length is more than N bytes long"."""
    sim = Simulator(base())
    twelve_mb = {"FileName": "big.bin", "RawContent": b"\0" * (12 * 1024 * 1024)}
    ok = sim.send_email(**simple(OK, Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}, "Attachments": [twelve_mb]}}))
    assert kinds(ok) == ["Send", "Delivery"]  # 16 MB after base64: under v2's 40 MB
    too_big = {"FileName": "big.bin", "RawContent": b"\0" * (31 * 1024 * 1024)}  # 41+ MB after base64
    with pytest.raises(ClientError, match=r"Message length is more than 41943040 bytes long") as raised:
        sim.send_email(**simple(OK, Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "x"}}, "Attachments": [too_big]}}))
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_sesv1_messages_stop_at_10_mb_with_v1_codes():
    """DG quotas.html: "Using the SES v1 API – ... 10 MB per message"; v1's error is
    InvalidParameterValue "Message length is more than 10485760 bytes long" (observed,
    aws/aws-sdk-go-v2#1774)."""
    big = mime("base64", "x" * (11 * 1024 * 1024))
    client = boto3.client("ses", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with capture(base()), pytest.raises(ClientError) as raised:
        client.send_raw_email(RawMessage={"Data": big.encode()}, ConfigurationSetName="marketing")
    assert raised.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert "Message length is more than 10485760 bytes long" in raised.value.response["Error"]["Message"]


def test_recipients_per_message_and_tag_errors_use_sesv2_codes():
    """DG quotas.html: "Maximum number of recipients per message: 50"; the v2 model declares
    BadRequestException ("The input you provided is invalid") and no InvalidParameterValue;
    the wording is v1's ("Recipient count exceeds 50.", "Invalid tag value <...>")."""
    sim = Simulator(base())
    with pytest.raises(ClientError, match=r"Recipient count exceeds 50\.") as many:
        sim.send_email(**simple([f"u{i}@example.org" for i in range(51)]))
    with pytest.raises(ClientError, match=r"Invalid tag value <spring sale>") as tag:
        sim.send_email(**simple(OK, tags={"campaign": "spring sale"}))
    assert many.value.response["Error"]["Code"] == tag.value.response["Error"]["Code"] == "BadRequestException"


def test_a_deleted_default_configuration_set_is_a_bad_request():
    """DG managing-configuration-sets-default (classic): if the identity's default configuration
    set was deleted, "your call to Amazon SES fails with a "bad request" error" (the message
    text is undocumented: assumed)."""
    template = base()
    template["Resources"]["Identity"] = {"Type": "AWS::SES::EmailIdentity", "Properties": {
        "EmailIdentity": "example.com", "ConfigurationSetAttributes": {"ConfigurationSetName": "deleted"}}}
    with pytest.raises(ClientError, match=r"default configuration set <deleted>") as raised:
        Simulator(template).send_email(**simple(OK, configuration_set=None))
    assert raised.value.response["Error"]["Code"] == "BadRequestException"


def test_long_raw_lines_are_accepted_with_a_note():
    """v2 model RawMessage: "The length of any single line of text in the message can't exceed
    1,000 characters" (RFC 5321); SES accepts such a message (observed: a MessageId, lines sent
    unfolded) and the receiving server may reject it: the simulator delivers it with a note."""
    message = "From: news@example.com\nTo: success@simulator.amazonses.com\nSubject: s\n\n" + "x" * 1200
    result = Simulator(base()).send_email(**raw(message, ConfigurationSetName="marketing"))
    assert kinds(result) == ["Send", "Delivery"]
    assert result.notes == ["1 line(s) of the raw message exceed 1000 characters (RFC 5321): SES accepts the message, but a receiving server may reject it"]


@pytest.mark.parametrize("where", ["Simple.Attachments", "raw MIME"])
def test_an_unsupported_attachment_type_is_refused(where):
    """DG mime-types.html, "Unsupported attachment types": "Amazon SES accepts all file
    attachment types except for attachments with the file extensions in the following list"
    (.exe among them); the error is undocumented: assumed MessageRejected, the v2 model's
    exception for "invalid content"."""
    sim = Simulator(base())
    if where == "raw MIME":
        request = raw(mime("base64", base64.b64encode(b"MZ").decode()).replace("sample.txt", "setup.EXE"), ConfigurationSetName="marketing")
    else:
        request = simple(OK, Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "hi"}},
                                                 "Attachments": [{"FileName": "setup.EXE", "RawContent": b"MZ"}]}})
    with pytest.raises(ClientError, match=r"Attachment 'setup.EXE': SES does not accept files with the extension .exe") as raised:
        sim.send_email(**request)
    assert raised.value.response["Error"]["Code"] == "MessageRejected"
    assert sim.send_email(**simple(OK, Content={"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "hi"}},
                                                           "Attachments": [{"FileName": "report.pdf", "RawContent": b"%PDF"}]}})).error is None
