"""What happens to each recipient of a message SES accepted: delivered, delayed, bounced,
complained about, or suppressed, and when.

Decided, per recipient, in this order:

1. the suppression list in force (``suppression.py``): a listed address is not attempted
   (on the account's list a Permanent/OnAccountSuppressionList bounce, or a Complaint with
   that subtype; on a tenant's list a Permanent/OnTenantSuppressionList bounce);
2. the mailbox simulator (DG send-an-email-from-console.html): ``bounce@`` a
   Permanent/General bounce; ``complaint@`` a delivery, then a complaint (feedback type
   abuse); ``ooto@`` a delivery, then the auto-reply as a Transient/General bounce carrying
   only the address (as real records show, 2013 and 2026); ``suppressionlist@`` a
   Permanent/General bounce "As requested: user unknown (suppressed address: ...)" as real
   records show in 2026 (the DG still says it bounces "as if ... on the global suppression
   list", which records of 2018 showed as Permanent/Suppressed); ``success@`` delivered;
3. the scenario's ``bounces:`` and ``complaints:`` for real recipients;
4. anyone else is delivered.

Deadlines (DeliveryOptions.MaxDeliverySeconds of the set, else 50,400 s): a delay (``delays:``)
first publishes a DeliveryDelay; a delay that outlasts the deadline ends in a
Transient/General bounce at the deadline, "4.4.7 Message expired: unable to deliver in N
minutes", as real records show (never a late Delivery). A Transient/General bounce in
``bounces:`` is that: retries until the deadline. The other Transient subtypes are the
server's answer and bounce at once; a Permanent bounce comes at once, or when a delay
ends, never before a DeliveryDelay of the same recipient.

The DSN ``status`` and ``diagnosticCode`` per bounce subtype and per ``delayType`` are
undocumented beyond AWS's examples (5.1.1 "user unknown", 4.4.1 "Unable to connect"): the
others are the simulator's choice of RFC 3463 codes (``BOUNCE_DSN``, ``DELAY_DSN``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ses_metrics import rules
from ses_metrics.simulator.engagement import Bounce, Complaint, Delay, Engagement
from ses_metrics.simulator.sends import Message, address
from ses_metrics.simulator.suppression import SuppressionList, is_mailbox_simulator

SECOND, MINUTE = 1000, 60_000
BOUNCE_AFTER, DELIVERY_AFTER = 900, 1200  # ms after the attempt that succeeds or fails
AUTO_REPLY_AFTER, COMPLAINT_AFTER = 300, 5 * MINUTE  # ms after the delivery
FIRST_DELAY_REPORT = 10 * MINUTE  # when SES reports a delay, at the latest
MAILBOX_SIMULATOR_AGENT = "Amazon SES Mailbox Simulator"
FEEDBACK_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
SES_MTA = "dsn; a8-70.smtp-out.amazonses.com"
SUPPRESSING_MTA = "dns; amazonses.com"

# (status, diagnosticCode) of the delayedRecipients entry per delayType.
DELAY_DSN = {
    "TransientCommunicationFailure": ("4.4.1", "smtp; 421 4.4.1 Unable to connect to remote host"),  # AWS's example
    "InternalFailure": ("4.3.0", "Amazon SES encountered an internal failure"),
    "General": ("4.0.0", "smtp; 451 4.0.0 Temporary failure, please try again later"),
    "MailboxFull": ("4.2.2", "smtp; 452 4.2.2 Mailbox full"),
    "SpamDetected": ("4.7.1", "smtp; 421 4.7.1 Message temporarily deferred due to unsolicited mail"),
    "RecipientServerError": ("4.3.2", "smtp; 451 4.3.2 Temporary server error"),
    "IPFailure": ("4.7.0", "smtp; 421 4.7.0 IP address temporarily blocked or throttled"),
    "BYOIPHostNameLookupUnavailable": ("4.4.3", "Unable to look up the DNS hostname of the sending IP address"),
    "Undetermined": ("4.0.0", "Undetermined delay"),
    "SendingDeferral": ("4.0.0", "Amazon SES deferred the message"),
}
# (status, diagnosticCode, reportingMTA) per (bounceType, bounceSubType); None: the entry
# carries only emailAddress (as the auto-reply and Undetermined bounces do).
BOUNCE_DSN: dict[tuple[str, str], tuple[str, str, str] | None] = {
    ("Permanent", "General"): ("5.1.1", "smtp; 550 5.1.1 user unknown", SES_MTA),  # AWS's example
    ("Permanent", "NoEmail"): ("5.1.1", "smtp; 550 5.1.1 The email account that you tried to reach does not exist", SES_MTA),
    ("Permanent", "Suppressed"): (
        "5.1.1",
        "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address. "
        "For more information about how to remove an address from the suppression list, see the Amazon SES Developer Guide: "
        "http://docs.aws.amazon.com/ses/latest/DeveloperGuide/remove-from-suppressionlist.html",
        SUPPRESSING_MTA,
    ),
    ("Permanent", rules.ON_ACCOUNT_SUPPRESSION_LIST): ("5.1.1", rules.ACCOUNT_SUPPRESSION_DIAGNOSTIC, SUPPRESSING_MTA),
    # the DG documents the text; status and reportingMTA assumed as the account list's
    ("Permanent", rules.ON_TENANT_SUPPRESSION_LIST): ("5.1.1", rules.TENANT_SUPPRESSION_DIAGNOSTIC, SUPPRESSING_MTA),
    ("Transient", "MailboxFull"): ("5.2.2", "smtp; 552 5.2.2 Mailbox full", SES_MTA),
    ("Transient", "MessageTooLarge"): ("5.3.4", "smtp; 552 5.3.4 Message size exceeds fixed maximum message size", SES_MTA),
    ("Transient", "ContentRejected"): ("5.7.1", "smtp; 554 5.7.1 Message rejected because of its content", SES_MTA),
    ("Transient", "AttachmentRejected"): ("5.7.1", "smtp; 554 5.7.1 Message rejected because of an attachment", SES_MTA),
    ("Transient", "General"): None,
    ("Undetermined", "Undetermined"): None,
}


def expired(minutes: int, last: str) -> str:
    """The diagnosticCode of a message SES stopped retrying (real records, 2013-2026)."""
    return f"smtp; 550 4.4.7 Message expired: unable to deliver in {minutes} minutes.<{last.removeprefix('smtp; ')}>"


@lru_cache(maxsize=65536)
def mailbox_simulator(recipient: str) -> str | None:
    """The mailbox simulator scenario of an address (``bounce``, ``ooto``, ...), or None."""
    if not is_mailbox_simulator(recipient):
        return None
    local = address(recipient).rpartition("@")[0].lower().split("+", 1)[0]
    return local if local in ("success", "bounce", "ooto", "complaint", "suppressionlist") else "success"


@dataclass(slots=True, init=False)
class Plan:
    """What SES publishes about a message's recipients, before it becomes records."""

    delays: list[tuple[str, int, str, str, str]]  # recipient, ms, delayType, status, diagnostic
    delivered: list[tuple[str, int]]  # recipient, ms
    # (bounceType, subtype, ms, reportingMTA) -> bouncedRecipients entries
    bounces: dict[tuple[str, str, int, str | None], list[dict[str, Any]]]
    complaints: list[tuple[int, dict[str, Any]]]  # ms, the complaint object's fields
    recorded: list[tuple[str, str, int]]  # recipient, suppression reason, ms
    forgiven: list[str]  # recipients whose not-spam feedback lifts a COMPLAINT entry
    notes: list[str]

    def __init__(self, delivered: list[tuple[str, int]] | None = None) -> None:
        # Literals, not default factories: one plan per message sent (a third of the cost)
        self.delays, self.bounces, self.complaints, self.recorded, self.forgiven, self.notes = [], {}, [], [], [], []
        self.delivered = delivered if delivered is not None else []

    def bounce(self, recipient: str, kind: tuple[str, str], at: int, dsn: tuple[str, str, str] | None = None) -> None:
        dsn = dsn if dsn is not None else BOUNCE_DSN.get(kind)
        entry: dict[str, Any] = {"emailAddress": recipient}
        if dsn is not None:
            entry |= {"action": "failed", "status": dsn[0], "diagnosticCode": dsn[1]}
        self.bounces.setdefault((*kind, at, dsn[2] if dsn else None), []).append(entry)
        if kind[0] == rules.HARD_BOUNCE and kind[1] not in rules.SUPPRESSED_SUBTYPES:
            self.recorded.append((recipient, "BOUNCE", at))

    def complain(self, recipient: str, at: int, feedback_type: str | None, agent: str | None, subtype: str | None = None) -> None:
        detail: dict[str, Any] = {"complainedRecipients": [{"emailAddress": recipient}], "complaintSubType": subtype}
        if agent is not None:
            detail["userAgent"] = agent
        if feedback_type is not None:
            detail["complaintFeedbackType"] = feedback_type
        self.complaints.append((at, detail))
        if feedback_type == rules.NOT_SPAM:
            self.forgiven.append(recipient)
        elif subtype is None:
            self.recorded.append((recipient, "COMPLAINT", at))


def _by_recipient(items: Any) -> dict[str, Any] | None:
    return {address(i.recipient).lower(): i for i in items} if items else None


def plan(message: Message, engagement: Engagement, suppression: SuppressionList | None, max_delivery_seconds: int) -> Plan:
    """Every recipient's fate (see the module docstring)."""
    # Whether the message names delays, bounces or complaints: before the loop empties them
    asked = bool(engagement.delays or engagement.bounces or engagement.complaints)
    # Empty lists, or none in force, check no address (most sends of a long replay)
    listing = suppression if suppression is not None and (suppression.entries or suppression.tenant_entries) else None
    if not asked and listing is None:
        # Most sends of a long replay: every recipient is only delivered (none a mailbox
        # simulator address that bounces or complains), in a quarter of the loop's time
        at = message.ms + DELIVERY_AFTER
        plain = []
        for recipient in message.destination:
            if mailbox_simulator(recipient) not in _PLAIN:
                break
            plain.append((recipient, at))
        else:
            return Plan(plain)
    out = Plan()
    t0 = message.ms
    deadline = t0 + max_delivery_seconds * SECOND
    which, reasons = listing.policy(message.configuration_set, message.tenant) if listing is not None else (None, frozenset())
    delays: dict[str, Delay] | None = _by_recipient(engagement.delays) if asked else None
    bounces: dict[str, Bounce] | None = _by_recipient(engagement.bounces) if asked else None
    complaints: dict[str, Complaint] | None = _by_recipient(engagement.complaints) if asked else None
    for recipient in message.destination:
        if asked:
            bare = address(recipient).lower()
            delay = delays.pop(bare, None) if delays else None
            bounce = bounces.pop(bare, None) if bounces else None
            complaint = complaints.pop(bare, None) if complaints else None
        else:
            delay = bounce = complaint = None
        listed = listing.check(recipient, t0, reasons, which) if listing is not None and reasons else None
        if listed is not None:
            _suppressed(out, recipient, listed, t0, delay or bounce or complaint, which)
            continue
        simulated = mailbox_simulator(recipient)
        if simulated is not None and (bounce or complaint):
            out.notes.append(f"{'bounce' if bounce else 'complaint'} for {recipient} ignored: the mailbox simulator decides what its addresses do")
            bounce = complaint = None
        attempt = t0 if delay is None else _delayed(out, recipient, delay, t0, deadline, max_delivery_seconds)
        if attempt is None:
            continue
        if simulated in ("bounce", "suppressionlist"):
            dsn = None if simulated == "bounce" else ("5.1.1", f"smtp; 550 5.1.1 As requested: user unknown (suppressed address: {address(recipient)})", SES_MTA)
            out.bounce(recipient, ("Permanent", "General"), attempt + BOUNCE_AFTER, dsn)
        elif bounce is not None and not (bounce.bounce_type == "Transient" and bounce.subtype == "General"):
            out.bounce(recipient, (bounce.bounce_type, bounce.subtype), attempt + BOUNCE_AFTER)
        elif bounce is not None:  # Transient/General: retried until the deadline
            if delay is None:
                _expire(out, recipient, t0, deadline, max_delivery_seconds, "TransientCommunicationFailure")
            else:
                _expire(out, recipient, t0, deadline, max_delivery_seconds, None, DELAY_DSN[delay.delay_type][1])
        elif simulated in _PLAIN and complaint is None:
            out.delivered.append((recipient, attempt + DELIVERY_AFTER))  # most recipients: nothing follows
        else:
            _delivered(out, recipient, attempt + DELIVERY_AFTER, simulated, complaint)
    if asked:
        for what, left in (("delay", delays), ("bounce", bounces), ("complaint", complaints)):
            out.notes += [f"{what} for {r} ignored: not a recipient of this message" for r in left or ()]
    return out


_PLAIN = (None, "success")  # mailbox_simulator() of a recipient that is only delivered


def _suppressed(out: Plan, recipient: str, reason: str, t0: int, asked: Any, tenant: str | None = None) -> None:
    at = t0 + BOUNCE_AFTER
    if tenant is not None:  # the DG's one sign of a tenant's list, whatever the reason
        out.bounce(recipient, ("Permanent", rules.ON_TENANT_SUPPRESSION_LIST), at)
    elif reason == "BOUNCE":
        out.bounce(recipient, ("Permanent", rules.ON_ACCOUNT_SUPPRESSION_LIST), at)
    else:
        out.complain(recipient, at, None, None, rules.ON_ACCOUNT_SUPPRESSION_LIST)
    if asked is not None:
        whose = f"tenant {tenant}'s" if tenant is not None else "the account's"
        out.notes.append(f"what the scenario says {recipient} does is ignored: the address is on {whose} suppression list ({reason})")


def _delayed(out: Plan, recipient: str, delay: Delay, t0: int, deadline: int, max_seconds: int) -> int | None:
    """The time of the attempt that succeeds or fails for good after ``delay``; None when
    SES gave up first (the expiry bounce is planned)."""
    status, diagnostic = DELAY_DSN[delay.delay_type]
    report = t0 + min(delay.seconds * SECOND, FIRST_DELAY_REPORT, max_seconds * SECOND // 2)
    out.delays.append((recipient, report, delay.delay_type, status, diagnostic))
    attempt = t0 + delay.seconds * SECOND
    if attempt < deadline:
        return attempt
    _expire(out, recipient, t0, deadline, max_seconds, None, diagnostic)
    return None


def _expire(out: Plan, recipient: str, t0: int, deadline: int, max_seconds: int, delay_type: str | None, last: str | None = None) -> None:
    """SES stopped retrying at the deadline (after a DeliveryDelay of ``delay_type`` if given)."""
    if delay_type is not None:
        status, last = DELAY_DSN[delay_type]
        out.delays.append((recipient, t0 + min(FIRST_DELAY_REPORT, max_seconds * SECOND // 2), delay_type, status, last))
    diagnostic = expired(max_seconds // 60, last or DELAY_DSN["TransientCommunicationFailure"][1])
    out.bounce(recipient, ("Transient", "General"), deadline, ("4.4.7", diagnostic, SES_MTA))


def _delivered(out: Plan, recipient: str, at: int, simulated: str | None, complaint: Complaint | None) -> None:
    out.delivered.append((recipient, at))
    if simulated == "ooto":
        out.bounce(recipient, ("Transient", "General"), at + AUTO_REPLY_AFTER)
    elif simulated == "complaint":
        out.complain(recipient, at + COMPLAINT_AFTER, "abuse", MAILBOX_SIMULATOR_AGENT)
    elif complaint is not None:
        out.complain(recipient, at + COMPLAINT_AFTER, complaint.feedback_type, FEEDBACK_AGENT)
