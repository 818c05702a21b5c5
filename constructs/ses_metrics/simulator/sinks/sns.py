"""SNS topics receiving SES events: the messages, in SNS's delivery envelope.

With ``keep_messages=False`` (long replays) only the number of messages per topic is
kept (``published``); ``messages`` stays empty."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from ses_metrics.simulator.outcomes import Subscription
from ses_metrics.simulator.sends import Ids, iso_ms
from ses_metrics.simulator.topology import Topic


class TopicSink:
    def __init__(self, ids: Ids, *, keep_messages: bool = True):
        self.ids = ids
        self.keep_messages = keep_messages
        self.messages: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.published: Counter[str] = Counter()  # per topic ARN

    def publish(self, topic_arn: str, message: str, ms: int) -> dict[str, Any]:
        """The notification a subscriber (SQS, HTTPS, email-json) receives: the SES record
        is the ``Message`` string. SES publishes no subject."""
        envelope = {
            "Type": "Notification",
            "MessageId": self.ids.uuid(),
            "TopicArn": topic_arn,
            "Message": message,
            "Timestamp": iso_ms(ms),
            "SignatureVersion": "1",
            "Signature": "SIMULATED",
            "SigningCertURL": "https://sns.amazonaws.com/SimpleNotificationService-simulated.pem",
            "UnsubscribeURL": f"https://sns.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:simulated",
        }
        self.published[topic_arn] += 1
        if self.keep_messages:
            self.messages[topic_arn].append(envelope)
        return envelope


def receivers(topic: Topic | None) -> tuple[Subscription, ...]:
    """The subscriptions the template declares for a topic."""
    if topic is None:
        return ()
    return tuple(Subscription(s.protocol, s.endpoint) for s in topic.subscriptions)
