"""The SES event records a message produces, in the exact shape SES publishes them.

What happens to each recipient (the mailbox simulator, the scenario's ``bounces:`` and
``complaints:``, the suppression list, delays and MaxDeliverySeconds) is decided in
``recipients.py``; this module turns it into records. Bounced recipients of one message are
combined in one Bounce event per type, subtype and moment, as SES combines them.

Engagement (Open, Click), delays and unsubscribes happen only when the scenario says so,
and only as SES allows: opens and clicks for delivered recipients of HTML messages, clicks
on tracked links only (never ``ses:no-track``), a Subscription only for a send with
``ListManagementOptions``. A templated send whose data lacks a variable produces a
Rendering Failure and nothing else; content carrying the EICAR test signature a Send and a
Reject. What the scenario asked for that SES would not do becomes a note, never silence.

Time offsets after the send (fixed, so runs repeat): Send +0, Reject +0.3 s, Bounce +0.9 s,
Delivery +1.2 s (after a delay, +1.2 s after it ends), the mailbox simulator's auto-reply
+0.3 s after delivery, Open +2 min, Click +3 min, Complaint +5 min after delivery,
DeliveryDelay when the delay ends or +10 min (at most half the MaxDeliverySeconds),
Subscription +30 min after delivery.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import AutoTag, EventType
from ses_metrics.simulator import recipients, tenants
from ses_metrics.simulator.codec import encode
from ses_metrics.simulator.engagement import NO_ENGAGEMENT, Bounce, Click, Complaint, Delay, Engagement, Unsubscribe
from ses_metrics.simulator.sends import Ids, Message, SimulationOptions, address, iso_ms
from ses_metrics.simulator.suppression import SuppressionList

SIMULATOR_DOMAIN = rules.MAILBOX_SIMULATOR_DOMAIN
DELAY_TYPES = rules.DELAY_TYPES
REPORTING_MTA = "a8-70.smtp-out.amazonses.com"
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
READER_IP = "192.0.2.1"
SECOND, MINUTE = 1000, 60_000  # event times are integer milliseconds since the epoch
# The members every message's events use, as module constants: in Python 3.11 reading an
# Enum member from its class (``EventType.SEND``) costs as much as building a small dict
_SEND, _DELIVERY, _BOUNCE, _COMPLAINT = EventType.SEND, EventType.DELIVERY, EventType.BOUNCE, EventType.COMPLAINT
_DELIVERY_DELAY = EventType.DELIVERY_DELAY
__all__ = ["NO_ENGAGEMENT", "Bounce", "Click", "Complaint", "Delay", "Engagement", "Event", "EventFactory", "Unsubscribe"]


def _ms(event: Event) -> int:
    return event.ms


class Event:
    """One event record, the message it is about, and when SES publishes it (``ms``:
    integer milliseconds since the epoch, which every sink buckets by)."""

    __slots__ = ("link_tags", "message", "ms", "record", "record_bytes", "type")

    def __init__(self, type: EventType, ms: int, record: dict[str, Any], message: Message, link_tags: dict[str, list[str]] | None = None):
        self.type = type
        self.ms = ms
        self.record = record
        self.message = message
        self.link_tags = link_tags
        # ``encoded`` once it was read, else None: loops that read it for every event and
        # destination look here first (a property is a call, an attribute is not)
        self.record_bytes: bytes | None = None

    @property
    def at(self) -> datetime:
        return datetime.fromtimestamp(self.ms / 1000, UTC)

    def __repr__(self) -> str:
        return f"Event({self.type.record}, message_id={self.message.message_id!r}, at={iso_ms(self.ms)!r})"

    @property
    def encoded(self) -> bytes:
        """The record as SES publishes it to Firehose, SNS and EventBridge (encoded once)."""
        if self.record_bytes is None:
            self.record_bytes = encode(self.record)
        return self.record_bytes


class EventFactory:
    def __init__(self, options: SimulationOptions, ids: Ids, suppression: SuppressionList | None = None):
        self.options = options
        self.ids = ids
        self.suppression = suppression
        self.account = options.environment.account
        # shared by every Delivery record (records are read-only)
        self._outgoing = {AutoTag.OUTGOING_TLS_VERSION: [options.outgoing_tls_version], AutoTag.OUTGOING_IP: [options.outgoing_ip]}
        # A message's tags plus the outgoing auto-tags, per tags dict: messages sent again
        # share their tags (sends.stamp), so their Delivery records share these too
        self._with_outgoing: dict[int, tuple[dict[str, list[str]], dict[str, list[str]]]] = {}

    def mail(self, message: Message, *, full: bool = True, extra_tags: dict[str, list[str]] | None = None) -> dict[str, Any]:
        mail: dict[str, Any] = {
            "timestamp": message.timestamp,
            "source": message.source,
            "sourceArn": message.source_arn,
            "sendingAccountId": self.account,
            "messageId": message.message_id,
            "destination": message.destination,
            "headersTruncated": message.headers_truncated,
        }
        if full:
            mail["headers"] = message.headers
            mail["commonHeaders"] = message.common_headers
        mail["tags"] = {**message.tags, **extra_tags} if extra_tags else message.tags
        return mail

    def events(self, message: Message, engagement: Engagement = NO_ENGAGEMENT) -> tuple[list[Event], list[str]]:
        """Every event of ``message`` in time order, and notes on engagement SES would ignore."""
        notes: list[str] = []
        t0 = message.ms
        mail = self.mail(message)
        if message.rendering_error:
            record = {
                "eventType": EventType.RENDERING_FAILURE.record,
                "mail": self.mail(message, full=False),
                "failure": {"errorMessage": message.rendering_error, "templateName": message.template_name},
            }
            notes += self._ignored(engagement, "the template did not render, so nothing was sent")
            return [Event(EventType.RENDERING_FAILURE, t0 + 100, record, message)], notes
        events = [Event(_SEND, t0, {"eventType": "Send", "mail": mail, "send": {}}, message)]
        if message.virus:
            events.append(Event(EventType.REJECT, t0 + 300, {"eventType": "Reject", "mail": mail, "reject": {"reason": rules.REJECT_REASON}}, message))
            notes += self._ignored(engagement, "SES rejected the message (virus signature)")
            return events, notes

        configuration_set = message.configuration_set
        max_seconds = configuration_set.max_delivery_seconds if configuration_set is not None else rules.DEFAULT_MAX_DELIVERY_SECONDS
        plan = recipients.plan(message, engagement, self.suppression, max_seconds)
        notes += plan.notes
        for recipient, at, delay_type, status, diagnostic in plan.delays:
            record = self._delay(message, recipient, (delay_type, status, diagnostic), at, max_seconds)
            events.append(Event(_DELIVERY_DELAY, at, record, message))
        # DG: SES tags the bounce and complaint notifications of a tenant's sends with ses:tenant-name
        notified = tenants.tagged(mail, message.tenant) if message.tenant else mail
        for (bounce_type, subtype, at, mta), bounced in plan.bounces:
            events.append(Event(_BOUNCE, at, self._bounce(notified, (bounce_type, subtype), bounced, at, mta), message))
        if message.tags:
            delivery_mail = mail.copy()  # tags stay the last key, as in ``mail``
            delivery_mail["tags"] = self._delivery_tags(message.tags)
        else:
            delivery_mail = mail
        for recipient, at in plan.delivered:
            record = {
                "eventType": "Delivery",
                "mail": delivery_mail,
                "delivery": {
                    "timestamp": iso_ms(at),
                    "processingTimeMillis": at - t0,
                    "recipients": [recipient],
                    "smtpResponse": "250 2.6.0 Message received",
                    "reportingMTA": REPORTING_MTA,
                },
            }
            events.append(Event(_DELIVERY, at, record, message))
        for at, detail in plan.complaints:
            events.append(Event(_COMPLAINT, at, self._complaint(notified, detail, at), message))
        if self.suppression is not None and (plan.recorded or plan.forgiven):
            listing, reasons = self.suppression.policy(configuration_set, message.tenant)
            for recipient, reason, at in plan.recorded:
                self.suppression.record(recipient, reason, at, reasons, listing)
            for recipient in plan.forgiven:
                self.suppression.forgive(recipient, "COMPLAINT", listing)
        if engagement is not NO_ENGAGEMENT and not engagement.empty:
            delivered_at = {address(r).lower(): at for r, at in plan.delivered}
            events += self._engagement(message, mail, engagement, delivered_at, notes)
        if len(events) > 2:
            events.sort(key=_ms)
        return events, notes

    # -- records ---------------------------------------------------------------------

    def _delivery_tags(self, tags: dict[str, list[str]]) -> dict[str, list[str]]:
        """A Delivery record's tags: the message's, then the outgoing auto-tags. One dict per
        tags dict (by its id, which the entry keeps alive; records are read-only), bounded."""
        found = self._with_outgoing.get(id(tags))
        if found is None:
            if len(self._with_outgoing) >= 4096:
                self._with_outgoing.clear()
            found = self._with_outgoing[id(tags)] = (tags, {**tags, **self._outgoing})
        return found[1]

    def _bounce(self, mail: dict[str, Any], kind: tuple[str, str], bounced: list[dict[str, Any]], at: int, mta: str | None) -> dict[str, Any]:
        bounce: dict[str, Any] = {
            "bounceType": kind[0],
            "bounceSubType": kind[1],
            "bouncedRecipients": bounced,
            "timestamp": iso_ms(at),
            "feedbackId": self.ids.message_id(),
        }
        if mta is not None:
            bounce["reportingMTA"] = mta
        return {"eventType": "Bounce", "mail": mail, "bounce": bounce}

    def _complaint(self, mail: dict[str, Any], detail: dict[str, Any], at: int) -> dict[str, Any]:
        complaint = {"complainedRecipients": detail["complainedRecipients"], "timestamp": iso_ms(at), "feedbackId": self.ids.message_id()}
        # complaintSubType: "can either be null or OnAccountSuppressionList" (always present; null in real records)
        complaint["complaintSubType"] = detail["complaintSubType"]
        for key in ("userAgent", "complaintFeedbackType"):
            if key in detail:
                complaint[key] = detail[key]
        complaint["arrivalDate"] = iso_ms(at)
        return {"eventType": "Complaint", "mail": mail, "complaint": complaint}

    def _delay(self, message: Message, recipient: str, delay: tuple[str, str, str], at: int, max_seconds: int) -> dict[str, Any]:
        delay_type, status, diagnostic = delay
        return {
            "eventType": "DeliveryDelay",
            "mail": self.mail(message, full=False),
            "deliveryDelay": {
                "timestamp": iso_ms(at),
                "delayType": delay_type,
                "expirationTime": iso_ms(message.ms + max_seconds * SECOND),
                "delayedRecipients": [{"emailAddress": recipient, "status": status, "diagnosticCode": diagnostic}],
                # "The IP address of the Message Transfer Agent (MTA) that reported the delay" (DG);
                # AWS's example omits it
                "reportingMTA": self.options.outgoing_ip,
            },
        }

    def _engagement(self, message: Message, mail: dict[str, Any], engagement: Engagement, delivered_at: dict[str, int], notes: list[str]) -> list[Event]:
        events: list[Event] = []
        opens = list(delivered_at) if engagement.opens == "all" else [address(r).lower() for r in engagement.opens]
        for event_type in message.untracked:  # ConfigurationOverrides.Tracking DISABLED (tracking.py)
            asked = opens if event_type is EventType.OPEN else engagement.clicks
            if asked:
                notes.append(f"{event_type.cfn}s produce no event: the send turned {event_type.cfn} tracking off (ConfigurationOverrides)")
        if EventType.OPEN in message.untracked:
            opens = []
        for recipient in opens:
            if self._engaged(recipient, delivered_at, message, "open", notes):
                at = delivered_at[recipient] + 2 * MINUTE
                record = {"eventType": "Open", "mail": mail, "open": {"ipAddress": READER_IP, "timestamp": iso_ms(at), "userAgent": BROWSER}}
                events.append(Event(EventType.OPEN, at, record, message))
        links = message.links
        tracked = [link for link in links if link.tracked]
        clicks = [Click(r, i) for r in delivered_at for i in range(len(tracked))] if engagement.clicks == "all" else list(engagement.clicks)
        if EventType.CLICK in message.untracked:
            clicks = []
        for number, click in enumerate(clicks):
            recipient = address(click.recipient).lower()
            if not self._engaged(recipient, delivered_at, message, "click", notes):
                continue
            pool = tracked if engagement.clicks == "all" else links
            link = self._link(click, pool, notes)
            if link is None:
                continue
            if not link.tracked:
                notes.append(f"click by {click.recipient} on {link.url} produces no event: {link.untracked}")
                continue
            at = delivered_at[recipient] + 3 * MINUTE + 10 * SECOND * number
            detail: dict[str, Any] = {"ipAddress": READER_IP, "link": link.url}
            detail["linkTags"] = link.tags  # always present: {} without tags (as real records show)
            detail |= {"timestamp": iso_ms(at), "userAgent": BROWSER}
            events.append(Event(EventType.CLICK, at, {"eventType": "Click", "mail": mail, "click": detail}, message, link.tags))
        for unsubscribe in engagement.unsubscribes:
            recipient = address(unsubscribe.recipient).lower()
            if recipient not in delivered_at:
                notes.append(f"unsubscribe by {unsubscribe.recipient} ignored: not delivered")
                continue
            if not message.contact_list:
                notes.append(f"unsubscribe by {unsubscribe.recipient} ignored: the send has no ListManagementOptions")
                continue
            at = delivered_at[recipient] + 30 * MINUTE
            topics = [message.topic_name] if message.topic_name else []

            def preferences(status: str, everything: bool, topics: list[str] = topics) -> dict[str, Any]:
                return {"unsubscribeAll": everything, "topicSubscriptionStatus": [{"topicName": t, "subscriptionStatus": status} for t in topics]}

            record = {
                "eventType": "Subscription",
                "mail": mail,
                "subscription": {
                    "contactList": message.contact_list,
                    "timestamp": iso_ms(at),
                    "source": unsubscribe.source,
                    "newTopicPreferences": preferences("OptOut", unsubscribe.unsubscribe_all),
                    "oldTopicPreferences": preferences("OptIn", False),
                },
            }
            events.append(Event(EventType.SUBSCRIPTION, at, record, message))
        return events

    def _engaged(self, recipient: str, delivered_at: dict[str, int], message: Message, what: str, notes: list[str]) -> bool:
        if recipient not in delivered_at:
            notes.append(f"{what} by {recipient} ignored: the message was not delivered to that address")
            return False
        if message.html is None:
            notes.append(f"{what} by {recipient} ignored: SES tracks {what}s in HTML messages only")
            return False
        return True

    def _link(self, click: Click, links: list[Any], notes: list[str]) -> Any:
        if not links:
            notes.append(f"click by {click.recipient} ignored: the HTML has no trackable link")
            return None
        if click.link is None:
            return next((link for link in links if link.tracked), links[0])
        if isinstance(click.link, int):
            if 0 <= click.link < len(links):
                return links[click.link]
            notes.append(f"click by {click.recipient} ignored: the message has {len(links)} links, no link #{click.link}")
            return None
        found = next((link for link in links if link.url == click.link), None)
        if found is None:
            notes.append(f"click by {click.recipient} ignored: no link {click.link!r} in the HTML")
        return found

    @staticmethod
    def _ignored(engagement: Engagement, why: str) -> list[str]:
        asked = bool(engagement.opens or engagement.clicks or engagement.delays or engagement.unsubscribes)
        return [f"engagement ignored: {why}"] if asked else []
