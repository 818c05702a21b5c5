"""Sinks written into moto through boto3, read back with ordinary boto3 calls."""

import gzip
import json
import logging

import boto3
import pytest
from moto import mock_aws
from simkit import base, destination, simple, with_firehose, with_sns

from ses_metrics.simulator import Simulator
from ses_metrics.simulator.moto_sinks import MotoSinks


def template():
    t = with_sns(with_firehose(base()))
    t["Resources"]["Queue2"] = {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "bus-events"}}
    t["Resources"]["ToBus"] = destination("bus", ["bounce"], EventBridgeDestination={"EventBusArn": "arn:aws:events:us-east-1:111122223333:event-bus/default"})
    t["Resources"]["Rule"] = {"Type": "AWS::Events::Rule", "Properties": {"Name": "bounces", "EventPattern": {"source": ["aws.ses"], "detail-type": ["Email Bounced"]},
                                                                          "Targets": [{"Id": "q", "Arn": {"Fn::GetAtt": ["Queue2", "Arn"]}}]}}
    return t


@pytest.fixture
def synced():
    with mock_aws():
        sim = Simulator(template())
        sim.send_email(**simple(["success@simulator.amazonses.com", "bounce@simulator.amazonses.com"]))
        sinks = MotoSinks(sim)
        counts = sinks.sync()
        yield sim, sinks, counts


def test_firehose_objects_are_in_moto_s3(synced):
    sim, _, counts = synced
    s3 = boto3.client("s3", region_name="us-east-1")
    [bucket] = sim.s3.buckets()
    [obj] = s3.list_objects_v2(Bucket=bucket)["Contents"]
    body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    assert [json.loads(line)["eventType"] for line in gzip.decompress(body).splitlines()] == ["Send", "Bounce", "Delivery"]
    assert counts["s3Objects"] == 1


def test_sns_notifications_reach_the_templates_sqs_subscription(synced):
    sim, sinks, _ = synced
    sqs = boto3.client("sqs", region_name="us-east-1")
    [queue] = [q for q in sim.topology.queues.values() if q.name != "bus-events"]
    [message] = sqs.receive_message(QueueUrl=sinks.queue_url(queue.arn), MaxNumberOfMessages=10)["Messages"]
    notification = json.loads(message["Body"])
    assert notification["Type"] == "Notification"
    assert json.loads(notification["Message"])["eventType"] == "Bounce"


def test_eventbridge_events_reach_the_rules_sqs_target(synced):
    _, sinks, counts = synced
    sqs = boto3.client("sqs", region_name="us-east-1")
    [message] = sqs.receive_message(QueueUrl=sinks.queue_url("bus-events"), MaxNumberOfMessages=10)["Messages"]
    event = json.loads(message["Body"])
    assert (event["source"], event["detail-type"], event["detail"]["eventType"]) == ("aws.ses", "Email Bounced", "Bounce")
    assert counts["eventBridgeEvents"] == 1


def test_sync_writes_only_what_is_new(synced):
    sim, sinks, _ = synced
    assert sinks.sync() == {"s3Objects": 0, "snsMessages": 0, "eventBridgeEvents": 0}
    sim.send_email(**simple("bounce@simulator.amazonses.com"))
    assert sinks.sync() == {"s3Objects": 1, "snsMessages": 1, "eventBridgeEvents": 1}


def test_cli_backend_moto_writes_into_a_moto_server(tmp_path, capsys):
    from moto.server import ThreadedMotoServer

    from ses_metrics.cli import main

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        url = f"http://{host}:{port}"
        (tmp_path / "t.json").write_text(json.dumps(template()))
        (tmp_path / "s.yaml").write_text("sends:\n  - {FromEmailAddress: news@example.com, ConfigurationSetName: marketing, Destination: {ToAddresses: [bounce@simulator.amazonses.com]}, Content: {Simple: {Subject: {Data: x}, Body: {Text: {Data: x}}}}}\n")
        code = main(["simulate", str(tmp_path / "t.json"), "--scenario", str(tmp_path / "s.yaml"), "--backend", "moto", "--moto-endpoint", url, "--json"])
        assert code == 0
        sqs = boto3.client("sqs", region_name="us-east-1", endpoint_url=url, aws_access_key_id="testing", aws_secret_access_key="testing")
        queue = sqs.get_queue_url(QueueName="bus-events")["QueueUrl"]
        assert len(sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]) == 1
        assert "moto: wrote 1 S3 object(s), 1 SNS message(s), 1 EventBridge event(s)" in capsys.readouterr().err
    finally:
        server.stop()


def test_cli_backend_moto_needs_an_endpoint(tmp_path, capsys):
    from ses_metrics.cli import main

    (tmp_path / "t.json").write_text(json.dumps(base()))
    (tmp_path / "s.yaml").write_text("sends: []\n")
    assert main(["simulate", str(tmp_path / "t.json"), "--scenario", str(tmp_path / "s.yaml"), "--backend", "moto"]) == 2
    assert "--backend moto needs --moto-endpoint" in capsys.readouterr().err
