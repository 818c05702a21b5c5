"""Event destination building blocks that need no CDK: CloudWatch dimensions.

``Dimension`` is plain data so the config loader, the constructs and tests share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ses_metrics.rules import DimensionSource


@dataclass(frozen=True)
class Dimension:
    """A CloudWatch dimension of an SES CloudWatch event destination.

    SES takes the value from the message tag, email header or link tag called ``name``,
    and publishes ``default`` when the message carries none. ``name`` may be an SES
    auto-tag such as ``AutoTag.FROM_DOMAIN`` (``ses:from-domain``).
    """

    name: str
    source: DimensionSource
    default: str

    @classmethod
    def message_tag(cls, name: str, *, default: str) -> Dimension:
        """Value of the message tag ``name`` (``EmailTags`` or ``X-SES-MESSAGE-TAGS``)."""
        return cls(name, DimensionSource.MESSAGE_TAG, default)

    @classmethod
    def email_header(cls, name: str, *, default: str) -> Dimension:
        """Value of the email header ``name``; SES refuses some headers (``rules``)."""
        return cls(name, DimensionSource.EMAIL_HEADER, default)

    @classmethod
    def link_tag(cls, name: str, *, default: str) -> Dimension:
        """Value of the link tag ``name`` (``ses:tags``); only Click events carry one."""
        return cls(name, DimensionSource.LINK_TAG, default)
