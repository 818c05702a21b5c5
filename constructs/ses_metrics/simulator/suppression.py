"""The account-level suppression list: which hard bounces and complaints suppress later sends.

What SES does (DG sending-email-suppression-list.html, sending-email-suppression-list-config-level.html):

- The account's list records an address whose message results in a hard bounce (reason
  BOUNCE) or a complaint (COMPLAINT), per the reasons the account has on (default both).
- A configuration set's ``SuppressionOptions`` overrides the account's reasons for the
  messages sent with it: absent, the account's apply; ``SuppressedReasons: []`` turns
  suppression off ("will not use any suppression settings at all"); a list applies only
  those reasons. "Configuration set-level suppression is not an actual suppression list":
  the entries are the account's. The simulator applies the reasons in force both when it
  checks an address and when it records one (AWS documents the check; the tenant page,
  "Don't check or record", the recording).
- A later send to an address listed for a reason in force is accepted (a Send event) and
  not delivered: a Bounce Permanent/OnAccountSuppressionList (reason BOUNCE), or a Complaint
  with ``complaintSubType`` OnAccountSuppressionList and no feedback type (COMPLAINT; the
  DG documents the subtype, a 2026 probe the missing feedback type). Neither counts toward
  the reputation rates.
- Mailbox simulator addresses never enter the list ("isn't placed on the Amazon SES
  suppression list", DG send-an-email-from-console.html).
- "not-spam" feedback removes an address's COMPLAINT entry.

Addresses are compared with their domain lower-cased and their local part as written (the
tenant-level page: addresses "are stored case-sensitively"; the account page says nothing).
An entry counts from the moment its bounce or complaint happened.
"""

from __future__ import annotations

from ses_metrics import rules
from ses_metrics.simulator.account import AccountSettings
from ses_metrics.simulator.sends import address
from ses_metrics.simulator.topology import ConfigurationSet

_NONE: frozenset[str] = frozenset()


def key(recipient: str) -> str:
    """How the list compares addresses: the domain lower-cased, the local part as written."""
    local, at, domain = address(recipient).rpartition("@")
    return f"{local}{at}{domain.lower()}"


def is_mailbox_simulator(recipient: str) -> bool:
    return address(recipient).rpartition("@")[2].lower() == rules.MAILBOX_SIMULATOR_DOMAIN


class SuppressionList:
    """The account's list: address -> (reason, since when in epoch milliseconds)."""

    def __init__(self, settings: AccountSettings):
        self.enabled = settings.suppression_list
        self.account_reasons = frozenset(settings.suppressed_reasons)
        self.entries: dict[str, tuple[str, int]] = {key(a): (reason, -1) for a, reason in settings.suppressed.items()}

    def reasons(self, configuration_set: ConfigurationSet | None) -> frozenset[str]:
        """The reasons in force for a message sent with this set (or none)."""
        if not self.enabled:
            return _NONE
        if configuration_set is not None and configuration_set.suppressed_reasons is not None:
            return frozenset(configuration_set.suppressed_reasons)
        return self.account_reasons

    def check(self, recipient: str, at: int, reasons: frozenset[str]) -> str | None:
        """The reason a send at ``at`` to ``recipient`` is suppressed, or None."""
        if not reasons or not self.entries:
            return None
        entry = self.entries.get(key(recipient))
        if entry is not None and entry[1] <= at and entry[0] in reasons:
            return entry[0]
        return None

    def record(self, recipient: str, reason: str, at: int, reasons: frozenset[str]) -> None:
        """A hard bounce (BOUNCE) or complaint (COMPLAINT) of ``recipient`` at ``at``."""
        if reason in reasons and not is_mailbox_simulator(recipient):
            self.entries[key(recipient)] = (reason, at)

    def forgive(self, recipient: str, reason: str) -> None:
        """Remove ``recipient``'s entry if it is for ``reason`` (not-spam feedback)."""
        entry = self.entries.get(key(recipient))
        if entry is not None and entry[0] == reason:
            del self.entries[key(recipient)]
