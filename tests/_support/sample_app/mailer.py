"""Sends the shop's email. Clients are created at import, as applications usually do."""

import boto3

_sesv2 = boto3.client("sesv2", region_name="us-east-1")
_ses = boto3.client("ses", region_name="us-east-1")


def send_welcome(address: str) -> str:
    response = _sesv2.send_email(
        FromEmailAddress="hello@example.com",
        Destination={"ToAddresses": [address]},
        ConfigurationSetName="transactional",
        EmailTags=[{"Name": "template", "Value": "welcome"}],
        Content={"Simple": {"Subject": {"Data": "Welcome"}, "Body": {"Text": {"Data": "Welcome aboard."}}}},
    )
    return response["MessageId"]


def send_newsletter(addresses: list[str], campaign: str) -> str:
    response = _ses.send_email(
        Source="news@example.com",
        Destination={"ToAddresses": addresses},
        Message={"Subject": {"Data": "News"}, "Body": {"Html": {"Data": '<a href="https://shop.example.com">Shop</a>'}}},
        Tags=[{"Name": "campaign", "Value": campaign}],
        ConfigurationSetName="marketing",
    )
    return response["MessageId"]


def send_receipt(address: str) -> str:
    raw = f"From: shop@example.com\r\nTo: {address}\r\nSubject: Receipt\r\nX-SES-CONFIGURATION-SET: transactional\r\nX-SES-MESSAGE-TAGS: template=receipt\r\n\r\nThanks."
    return _ses.send_raw_email(RawMessage={"Data": raw.encode()})["MessageId"]
