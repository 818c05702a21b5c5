"""From a profile to simulated sends, one at a time, in time order.

Each traffic entry sends ``volume[h]`` messages in hour ``h``, evenly spaced (the k-th of
n at ``(k + 1/2) / n`` of the hour); the entries are merged by time. Every send goes to
one real recipient, ``RECIPIENT``, standing for a different person each time: not the SES
mailbox simulator, whose messages never count towards the reputation rates (DG
send-an-email-from-console.html), which a replay is about. One seeded draw decides the
recipient's outcome, said with the scenario keys a real recipient takes:

    bounce         -> bounces: [recipient]      (Permanent/General bounce)
    complaint      -> complaints: [recipient]   (Delivery, then Complaint, feedback type abuse)
    otherwise      -> Delivery

then further draws decide a DeliveryDelay before delivery, an open and a click (delivered
recipients only). Messages are HTML with one tracked link, so SES would track both. The
replay runs with the suppression list off (``AccountSettings(suppression_list=False)``):
since each send stands for a new recipient, none would be on it. Nothing is held per send:
requests and engagements are built once per entry and shared.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from datetime import UTC, datetime

from ses_metrics.replay.profile import Profile, Stream
from ses_metrics.simulator.engagement import Bounce, Click, Complaint, Delay, Engagement
from ses_metrics.simulator.scenario import ScenarioSend

RECIPIENT = "recipient@example.net"  # a real address (RFC 2606), a new person each send
DELIVERED, BOUNCED, COMPLAINED = "delivered", "bounce", "complaint"
HOUR_MS = 3_600_000


def request(stream: Stream, recipient: str) -> dict[str, object]:
    """The ``send_email`` keyword arguments of one send of ``stream`` to ``recipient``."""
    slug = "".join(c if c.isalnum() else "-" for c in stream.name.lower())
    html = f'<p>{stream.name}</p><a href="https://www.example.com/{slug}">Read more</a>'
    out: dict[str, object] = {
        "FromEmailAddress": stream.sender,
        "Destination": {"ToAddresses": [recipient]},
        "Content": {"Simple": {"Subject": {"Data": stream.name}, "Body": {"Html": {"Data": html}, "Text": {"Data": stream.name}}}},
    }
    if stream.configuration_set is not None:
        out["ConfigurationSetName"] = stream.configuration_set
    if stream.tenant is not None:
        out["TenantName"] = stream.tenant
    if stream.tags:
        out["EmailTags"] = [{"Name": k, "Value": v} for k, v in stream.tags.items()]
    return out


class _Sender:
    """The shared requests and engagements of one stream, and its outcome draw."""

    def __init__(self, stream: Stream, rng: random.Random):
        self.stream = stream
        self.random = rng.random
        self.bounce = stream.outcomes.bounce
        self.complaint = stream.outcomes.bounce + stream.outcomes.complaint
        self.delay = stream.outcomes.delivery_delay
        self.open = stream.engagement.open
        self.click = stream.engagement.click
        self.request = request(stream, RECIPIENT)
        self.engagements: dict[tuple[str, bool, bool, bool], Engagement] = {}

    def send(self, ms: int) -> ScenarioSend:
        draw = self.random
        u = draw()
        fate = BOUNCED if u < self.bounce else COMPLAINED if u < self.complaint else DELIVERED
        delayed = opened = clicked = False
        if fate is not BOUNCED:
            delayed = self.delay > 0 and draw() < self.delay
            opened = self.open > 0 and draw() < self.open
            clicked = self.click > 0 and draw() < self.click
        key = (fate, delayed, opened, clicked)
        engagement = self.engagements.get(key)
        if engagement is None:
            engagement = self.engagements[key] = Engagement(
                opens=[RECIPIENT] if opened else (),
                clicks=[Click(RECIPIENT)] if clicked else (),
                delays=[Delay(RECIPIENT)] if delayed else (),
                bounces=[Bounce(RECIPIENT)] if fate is BOUNCED else (),
                complaints=[Complaint(RECIPIENT)] if fate is COMPLAINED else (),
            )
        return ScenarioSend(self.request, "SendEmail", engagement, datetime.fromtimestamp(ms / 1000, UTC), self.stream.name)


def _times(stream: Stream, start_ms: int) -> Iterator[tuple[int, int]]:
    for hour, count in enumerate(stream.volume):
        base = start_ms + hour * HOUR_MS
        for k in range(count):
            yield base + (2 * k + 1) * HOUR_MS // (2 * count), stream.index


def sends(profile: Profile, seed: int | None = None) -> Iterator[tuple[int, ScenarioSend]]:
    """Every send of the profile in time order, with its time in epoch milliseconds.
    ``seed`` (default: the profile's) seeds the outcome draws."""
    rng = random.Random(profile.seed if seed is None else seed)
    senders = {s.index: _Sender(s, rng) for s in profile.streams}
    start = profile.start_ms
    for ms, index in heapq.merge(*(_times(s, start) for s in profile.streams)):
        yield ms, senders[index].send(ms)
