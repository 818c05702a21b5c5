"""Bounces, complaints, delays and the suppression list: SES's vocabularies and defaults.

Sources: DG event-publishing-retrieving-sns-contents.html (bounce types and subtypes,
complaint feedback types, delay types), DG sending-email-suppression-list.html (the
account-level list), DG sending-email-suppression-list-tenant-level.html (tenants' lists), DG send-an-email-from-console.html (the mailbox simulator), the v2
model (``SuppressionListReason``, ``DeliveryOptions.MaxDeliverySeconds``).
"""

from __future__ import annotations

from typing import Final

from ses_metrics.rules.ses import MAX_MAX_DELIVERY_SECONDS, SUPPRESSION_REASONS

# The mailbox simulator's domain; +label is allowed (DG send-an-email-from-console.html).
MAILBOX_SIMULATOR_DOMAIN: Final = "simulator.amazonses.com"

# bounceType -> its bounceSubTypes (DG "Bounce types" table).
BOUNCE_SUBTYPES: Final = {
    "Undetermined": ("Undetermined",),
    "Permanent": ("General", "NoEmail", "Suppressed", "OnAccountSuppressionList", "OnTenantSuppressionList"),
    "Transient": ("General", "MailboxFull", "MessageTooLarge", "ContentRejected", "AttachmentRejected"),
}
# A hard bounce: what the BOUNCE suppression reason records (v2 model SuppressionListReason:
# "a message sent to that address results in a hard bounce").
HARD_BOUNCE: Final = "Permanent"
# SES's own subtype for a send it suppressed: "does not count toward your bounce rate metric".
ON_ACCOUNT_SUPPRESSION_LIST: Final = "OnAccountSuppressionList"
# ... and for one a tenant's list suppressed (DG sending-email-suppression-list-tenant-level.html)
ON_TENANT_SUPPRESSION_LIST: Final = "OnTenantSuppressionList"
# The subtypes of sends SES suppressed itself: never recorded again, not in the reputation rates.
SUPPRESSED_SUBTYPES: Final = frozenset({ON_ACCOUNT_SUPPRESSION_LIST, ON_TENANT_SUPPRESSION_LIST})

# complaintFeedbackType values (DG "Complaint object", from the IANA feedback types).
COMPLAINT_FEEDBACK_TYPES: Final = ("abuse", "auth-failure", "fraud", "not-spam", "other", "virus")
# "not-spam" feedback removes an address's COMPLAINT entry (DG sending-email-suppression-list-tenant-level).
NOT_SPAM: Final = "not-spam"

# deliveryDelay.delayType values (DG "DeliveryDelay object").
DELAY_TYPES: Final = (
    "InternalFailure", "General", "MailboxFull", "SpamDetected", "RecipientServerError", "IPFailure",
    "TransientCommunicationFailure", "BYOIPHostNameLookupUnavailable", "Undetermined", "SendingDeferral",
)

# "If you started using Amazon SES after November 25, 2019, your account uses the
# account-level suppression list by default for both bounces and complaints" (DG
# sending-email-suppression-list.html, Considerations).
DEFAULT_SUPPRESSED_REASONS: Final = SUPPRESSION_REASONS
SUPPRESSION_REASON_OF_EVENT: Final = {"Bounce": "BOUNCE", "Complaint": "COMPLAINT"}

# The diagnosticCode of a send SES suppressed (every capture 2020-2025; the DG documents
# the subtype, not the text).
ACCOUNT_SUPPRESSION_DIAGNOSTIC: Final = (
    "Amazon SES did not send the message to this address because it is on the suppression list for your account. "
    "For more information about removing addresses from the suppression list, see the Amazon SES Developer Guide at "
    "https://docs.aws.amazon.com/ses/latest/DeveloperGuide/sending-email-suppression-list.html"
)

# The diagnosticCode of a send a tenant's list suppressed, as the DG documents it (the
# tenant-level page, "Identifying tenant suppression bounces").
TENANT_SUPPRESSION_DIAGNOSTIC: Final = "Amazon SES did not send the message to this address because it is on the suppression list for your tenant."

# How long SES tries to deliver without DeliveryOptions.MaxDeliverySeconds: 840 minutes,
# the maximum the v2 model allows (real expiry bounces say "unable to deliver in 840 minutes").
DEFAULT_MAX_DELIVERY_SECONDS: Final = MAX_MAX_DELIVERY_SECONDS
