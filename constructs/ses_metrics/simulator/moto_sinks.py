"""The simulator's sinks written into moto through boto3, so tests read them the way they
would read a real account:

    with mock_aws():
        sim = Simulator("cdk.out")
        sim.send_email(...)
        MotoSinks(sim).sync()
        boto3.client("s3").list_objects_v2(Bucket=...)          # the objects Firehose wrote
        boto3.client("sqs").receive_message(QueueUrl=...)        # SNS notifications, EventBridge events

``sync`` writes what the simulation produced since the last sync: S3 objects into their
buckets; SNS messages published to their topics, which moto delivers to the template's SQS
subscriptions (in SNS's envelope, or raw with ``RawMessageDelivery``); EventBridge events put
on the default bus, where moto matches the template's rules and delivers to their SQS targets.
Subscriptions and targets of other kinds are listed in ``skipped``. Resources are created in
moto by name, so moto's own account and region apply.

CloudWatch metrics stay in the simulator's store (``Simulator.metrics``), the source of truth:
moto's ``get_metric_statistics`` matches a subset of dimensions and ``get_metric_data``
depends on dimension order, so a metric asserted through moto can pass when SES would never
publish it.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

from ses_metrics.rules import FIFO_TOPIC_SUFFIX
from ses_metrics.simulator.engine import Simulator


class MotoSinks:
    """Writes a simulator's sinks into moto (in process under ``mock_aws``, or a moto server
    at ``endpoint_url``)."""

    def __init__(self, simulator: Simulator, *, endpoint_url: str | None = None, region: str | None = None):
        import boto3

        self.simulator = simulator
        self.region = region or simulator.topology.environment.region
        options: dict[str, Any] = {"region_name": self.region}
        if endpoint_url:
            options |= {"endpoint_url": endpoint_url, "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        self.s3 = boto3.client("s3", **options)
        self.sqs = boto3.client("sqs", **options)
        self.sns = boto3.client("sns", **options)
        self.events = boto3.client("events", **options)
        self.skipped: list[str] = []
        self._done: dict[str, int] = {}
        self._topics: dict[str, str] = {}
        self._queues: dict[str, str] = {}
        self._rules_created = False
        self._buckets: set[str] = set()
        self._objects: set[tuple[str, str]] = set()

    def sync(self) -> dict[str, int]:
        """Write everything new since the last sync; returns how much of each kind."""
        self.simulator.flush()
        written = {"s3Objects": self._sync_s3(), "snsMessages": self._sync_sns(), "eventBridgeEvents": self._sync_eventbridge()}
        return written

    def queue_url(self, name_or_arn: str) -> str:
        """The moto URL of a template queue (by name or template ARN)."""
        return self._queue(name_or_arn.rsplit(":", 1)[-1])

    # -- S3 --------------------------------------------------------------------------

    def _sync_s3(self) -> int:
        count = 0
        for bucket, key, body in self.simulator.s3.items():
            if (bucket, key) in self._objects:
                continue
            if bucket not in self._buckets:
                options = {} if self.region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": self.region}}
                with contextlib.suppress(self.s3.exceptions.BucketAlreadyOwnedByYou):
                    self.s3.create_bucket(Bucket=bucket, **options)
                self._buckets.add(bucket)
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)
            self._objects.add((bucket, key))
            count += 1
        return count

    # -- SNS -> SQS ------------------------------------------------------------------

    def _queue(self, name: str) -> str:
        if name not in self._queues:
            attributes = {"FifoQueue": "true"} if name.endswith(FIFO_TOPIC_SUFFIX) else {}  # SQS FIFO queues take the same suffix
            self._queues[name] = self.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return self._queues[name]

    def _queue_arn(self, name: str) -> str:
        url = self._queue(name)
        arn: str = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        return arn

    def _topic(self, arn: str) -> str:
        if arn not in self._topics:
            moto_arn = self.sns.create_topic(Name=arn.rsplit(":", 1)[-1])["TopicArn"]
            topic = self.simulator.topology.topics.get(arn)
            for subscription in topic.subscriptions if topic else []:
                if subscription.protocol != "sqs" or subscription.endpoint not in self.simulator.topology.queues:
                    self.skipped.append(f"SNS subscription {subscription.protocol}:{subscription.endpoint} of {arn}: only template SQS queues are written to moto")
                    continue
                queue = self.simulator.topology.queues[subscription.endpoint]
                attributes = {"RawMessageDelivery": "true"} if subscription.raw_message_delivery else {}
                self.sns.subscribe(TopicArn=moto_arn, Protocol="sqs", Endpoint=self._queue_arn(queue.name), Attributes=attributes)
            self._topics[arn] = moto_arn
        return self._topics[arn]

    def _sync_sns(self) -> int:
        count = 0
        for arn, messages in self.simulator.sns.messages.items():
            start = self._done.get(f"sns:{arn}", 0)
            for envelope in messages[start:]:
                self.sns.publish(TopicArn=self._topic(arn), Message=envelope["Message"])
                count += 1
            self._done[f"sns:{arn}"] = len(messages)
        return count

    # -- EventBridge -> SQS ----------------------------------------------------------

    def _create_rules(self) -> None:
        for rule in self.simulator.topology.rules:
            if rule.bus != "default" or rule.pattern is None:
                continue
            self.events.put_rule(Name=rule.name, EventPattern=json.dumps(rule.pattern), State="ENABLED" if rule.enabled else "DISABLED")
            targets = []
            for target in rule.targets:
                queue = self.simulator.topology.queues.get(target["arn"])
                if queue is None:
                    self.skipped.append(f"EventBridge target {target['arn']} of rule {rule.name}: only template SQS queues are written to moto")
                    continue
                targets.append({"Id": target["id"], "Arn": self._queue_arn(queue.name)})
            if targets:
                self.events.put_targets(Rule=rule.name, Targets=targets)
        self._rules_created = True

    def _sync_eventbridge(self) -> int:
        if not self._rules_created:
            self._create_rules()
        events = self.simulator.eventbridge.events.get("default", [])
        start = self._done.get("eventbridge", 0)
        pending = events[start:]
        for offset in range(0, len(pending), 10):  # PutEvents takes at most 10 entries
            self.events.put_events(
                Entries=[
                    {"Source": e["source"], "DetailType": e["detail-type"], "Detail": json.dumps(e["detail"]), "Resources": e["resources"], "Time": e["time"]}
                    for e in pending[offset : offset + 10]
                ]
            )
        self._done["eventbridge"] = len(events)
        return len(pending)
