"""Small CloudFormation templates for simulator tests, written the way CDK writes them."""

from __future__ import annotations

import copy
from typing import Any

ACCOUNT = "111122223333"
REGION = "us-east-1"
SET_ARN = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ses:", {"Ref": "AWS::Region"}, ":", {"Ref": "AWS::AccountId"}, ":configuration-set/", {"Ref": "Set"}]]}
TLS_DENY = {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": {"Ref": "Topic"}, "Condition": {"Bool": {"aws:SecureTransport": "false"}}}


def ses_conditions(set_arn: Any = SET_ARN) -> dict[str, Any]:
    return {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}, "aws:SourceArn": set_arn}}


def destination(name: str, events: list[str] | None = None, enabled: Any = True, **target: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"Name": name, "MatchingEventTypes": events or ["send", "reject", "bounce", "complaint", "delivery", "open", "click", "renderingFailure", "deliveryDelay", "subscription"]}
    if enabled is not None:
        spec["Enabled"] = enabled
    spec.update(target)
    return {"Type": "AWS::SES::ConfigurationSetEventDestination", "Properties": {"ConfigurationSetName": {"Ref": "Set"}, "EventDestination": spec}}


def cloudwatch(*dims: tuple[str, str, str]) -> dict[str, Any]:
    return {"CloudWatchDestination": {"DimensionConfigurations": [{"DimensionName": n, "DimensionValueSource": s, "DefaultDimensionValue": d} for n, s, d in dims]}}


def base(name: str = "marketing", **set_props: Any) -> dict[str, Any]:
    return {"Resources": {"Set": {"Type": "AWS::SES::ConfigurationSet", "Properties": {"Name": name, **set_props}}}}


def with_firehose(template: dict[str, Any], *, trust: dict[str, Any] | None = None, put: list[str] | None = None, prefix: str = "ses/",
                  compression: str = "GZIP", stream_put_resource: Any = None, extended: dict[str, Any] | None = None, events: list[str] | None = None) -> dict[str, Any]:
    """A Firehose destination, its SES role, the stream, its bucket and its role."""
    t = copy.deepcopy(template)
    r = t["Resources"]
    r["Bucket"] = {"Type": "AWS::S3::Bucket", "Properties": {"BucketEncryption": {"ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]}}}
    r["StreamRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": {"Statement": [{"Effect": "Allow", "Principal": {"Service": "firehose.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": {"Ref": "AWS::AccountId"}}}}]},
            "Policies": [{"PolicyName": "s3", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": stream_put_resource or {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, f"/{prefix}*"]]}}]}}],
        },
    }
    r["Stream"] = {
        "Type": "AWS::KinesisFirehose::DeliveryStream",
        "Properties": {
            "DeliveryStreamName": "archive",
            "DeliveryStreamType": "DirectPut",
            "ExtendedS3DestinationConfiguration": {
                "BucketARN": {"Fn::GetAtt": ["Bucket", "Arn"]},
                "RoleARN": {"Fn::GetAtt": ["StreamRole", "Arn"]},
                "Prefix": prefix,
                "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/",
                "CompressionFormat": compression,
                "BufferingHints": {"IntervalInSeconds": 300, "SizeInMBs": 5},
                **(extended or {}),
            },
        },
    }
    r["SesRole"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": trust or {"Statement": [{"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": ses_conditions()}]},
            "Policies": [{"PolicyName": "put", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": put or ["firehose:PutRecordBatch"], "Resource": {"Fn::GetAtt": ["Stream", "Arn"]}}]}}],
        },
    }
    r["ToFirehose"] = destination(
        "archive", events, KinesisFirehoseDestination={"DeliveryStreamARN": {"Fn::GetAtt": ["Stream", "Arn"]}, "IAMRoleARN": {"Fn::GetAtt": ["SesRole", "Arn"]}}
    )
    return t


def with_sns(template: dict[str, Any], *, policy: list[dict[str, Any]] | None = None, fifo: bool = False, key_policy: list[dict[str, Any]] | None = None,
             subscriptions: bool = True) -> dict[str, Any]:
    t = copy.deepcopy(template)
    r = t["Resources"]
    topic: dict[str, Any] = {"TopicName": "alerts.fifo" if fifo else "alerts"}
    if fifo:
        topic["FifoTopic"] = True
    if key_policy is not None:
        r["Key"] = {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {"Statement": key_policy}}}
        topic["KmsMasterKeyId"] = {"Fn::GetAtt": ["Key", "Arn"]}
    r["Topic"] = {"Type": "AWS::SNS::Topic", "Properties": topic}
    statements = policy if policy is not None else [
        TLS_DENY,
        {"Sid": "Ses", "Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": "sns:Publish", "Resource": {"Ref": "Topic"}, "Condition": ses_conditions()},
    ]
    if statements:
        r["TopicPolicy"] = {"Type": "AWS::SNS::TopicPolicy", "Properties": {"Topics": [{"Ref": "Topic"}], "PolicyDocument": {"Statement": statements}}}
    if subscriptions:
        r["Queue"] = {"Type": "AWS::SQS::Queue", "Properties": {}}
        r["Sub"] = {"Type": "AWS::SNS::Subscription", "Properties": {"TopicArn": {"Ref": "Topic"}, "Protocol": "sqs", "Endpoint": {"Fn::GetAtt": ["Queue", "Arn"]}}}
    r["ToSns"] = destination("alerts", ["bounce", "complaint"], SnsDestination={"TopicARN": {"Ref": "Topic"}})
    return t


def ses_key_statement() -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"Service": "ses.amazonaws.com"}, "Action": ["kms:GenerateDataKey*", "kms:Decrypt"], "Resource": "*", "Condition": ses_conditions()}


def simple(to: list[str] | str = "success@simulator.amazonses.com", *, html: str | None = None, text: str | None = "hello",
           tags: dict[str, str] | None = None, configuration_set: str | None = "marketing", **extra: Any) -> dict[str, Any]:
    """``send_email`` keyword arguments for a simple message."""
    body: dict[str, Any] = {}
    if html is not None:
        body["Html"] = {"Data": html}
    if text is not None:
        body["Text"] = {"Data": text}
    request: dict[str, Any] = {
        "FromEmailAddress": "news@example.com",
        "Destination": {"ToAddresses": [to] if isinstance(to, str) else to},
        "Content": {"Simple": {"Subject": {"Data": "Hello"}, "Body": body}},
    }
    if configuration_set:
        request["ConfigurationSetName"] = configuration_set
    if tags:
        request["EmailTags"] = [{"Name": k, "Value": v} for k, v in tags.items()]
    request.update(extra)
    return request


def raw(message: str, **extra: Any) -> dict[str, Any]:
    return {"Content": {"Raw": {"Data": message.replace("\n", "\r\n")}}, **extra}


def warehouse(template: dict[str, Any]) -> dict[str, Any]:
    """The Firehose-to-Redshift stream's resource in a template (the example app's warehouse)."""
    return next(r for r in template["Resources"].values() if r["Type"] == "AWS::KinesisFirehose::DeliveryStream" and "RedshiftDestinationConfiguration" in r["Properties"])


def with_narrow_campaign(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of the example app whose warehouse table's campaign column is VARCHAR(5) (its DDL drifted from the tags sent)."""
    changed = copy.deepcopy(template)
    metadata = warehouse(changed)["Metadata"]["ses-metrics"]
    metadata["ddl"] = metadata["ddl"].replace("campaign VARCHAR(256)", "campaign VARCHAR(5)")
    return changed
