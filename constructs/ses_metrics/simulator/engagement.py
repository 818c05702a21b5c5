"""What a send's recipients do, as a scenario says it (its lower-case keys): open, click,
have their delivery delayed, unsubscribe, bounce, complain.

Plain values; ``recipients.py`` decides what SES makes of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

DEFAULT_DELAY_TYPE = "TransientCommunicationFailure"  # the delayType of AWS's DeliveryDelay example
DEFAULT_DELAY_SECONDS = 600  # how long a delayed delivery waits when the scenario does not say


@dataclass(frozen=True)
class Click:
    recipient: str
    link: str | int | None = None  # a URL, an index among the message's links, or the first tracked one


@dataclass(frozen=True)
class Delay:
    """The recipient's server answers temporarily for ``seconds`` before it accepts (or SES
    gives up at the configuration set's MaxDeliverySeconds)."""

    recipient: str
    delay_type: str = DEFAULT_DELAY_TYPE
    seconds: int = DEFAULT_DELAY_SECONDS


@dataclass(frozen=True)
class Unsubscribe:
    recipient: str
    unsubscribe_all: bool = True
    source: str = "UnsubscribeHeader"


@dataclass(frozen=True)
class Bounce:
    """A real recipient (not the mailbox simulator) whose server bounces the message."""

    recipient: str
    bounce_type: str = "Permanent"
    subtype: str = "General"


@dataclass(frozen=True)
class Complaint:
    """A real recipient who reports the delivered message (a feedback report)."""

    recipient: str
    feedback_type: str = "abuse"


@dataclass(frozen=True)
class Engagement:
    """What recipients do: from the scenario's lower-case keys."""

    opens: Sequence[str] | Literal["all"] = ()
    clicks: Sequence[Click] | Literal["all"] = ()
    delays: Sequence[Delay] = ()
    unsubscribes: Sequence[Unsubscribe] = ()
    bounces: Sequence[Bounce] = ()
    complaints: Sequence[Complaint] = ()

    @property
    def empty(self) -> bool:
        return not (self.opens or self.clicks or self.delays or self.unsubscribes or self.bounces or self.complaints)


NO_ENGAGEMENT = Engagement()
