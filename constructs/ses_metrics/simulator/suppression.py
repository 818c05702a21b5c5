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

Tenant-level lists (DG sending-email-suppression-list-tenant-level.html), for a send through
a tenant (``TenantName`` or ``X-SES-TENANT``):

- A tenant's ``SuppressionAttributes`` (``AWS::SES::Tenant``) give its scope and reasons
  together: ``TENANT`` checks and records the tenant's own list only ("skips the
  account-level suppression list": an address on the account's list is sent to),
  ``ACCOUNT`` the account's list, each for the tenant's reasons (the page's table: "ACCOUNT |
  BOUNCE | Checks account list for bounces only"); empty reasons check and record nothing. A
  tenant without them uses the account's list and reasons ("the default").
- Precedence "configuration set, tenant, account": a set's ``SuppressedReasons`` replace the
  tenant's reasons ("override the scope only, the reasons only, or both independently"). A
  set's ``SuppressionScope`` exists in the SESv2 API but not in CloudFormation's
  ``AWS::SES::ConfigurationSet`` (cfn-lint 1.58, aws-cdk-lib 2.275), so no template sets it.
- A listed address is not attempted: a Bounce Permanent/OnTenantSuppressionList with the
  documented diagnostic ("... on the suppression list for your tenant."), for either reason
  (the page names this bounce as how to identify a tenant suppression; a complaint variant
  like the account's is not documented), not counted in the reputation rates (assumed, as
  the account's list: the message is not sent).
- Recording under TENANT: hard bounces and complaints go to the tenant's list only (the
  page adds the global list for hard bounces, which the simulator does not keep); not-spam
  feedback removes the tenant's COMPLAINT entry.
- Entries of another tenant's list, or of the account's list, do not apply; a scenario's
  ``account.tenant_suppressed`` (``{tenant: {address: reason}}``) lists entries before the
  first send, as ``PutSuppressedDestination`` with ``TenantName`` would.

Addresses are compared with their domain lower-cased and their local part as written (the
tenant-level page: addresses "are stored case-sensitively"; the account page says nothing).
An entry counts from the moment its bounce or complaint happened.
"""

from __future__ import annotations

from collections.abc import Mapping

from ses_metrics import rules
from ses_metrics.simulator.account import AccountSettings
from ses_metrics.simulator.sends import address
from ses_metrics.simulator.tenants import Tenant
from ses_metrics.simulator.topology import ConfigurationSet

_NONE: frozenset[str] = frozenset()


def key(recipient: str) -> str:
    """How the list compares addresses: the domain lower-cased, the local part as written."""
    local, at, domain = address(recipient).rpartition("@")
    return f"{local}{at}{domain.lower()}"


def is_mailbox_simulator(recipient: str) -> bool:
    return address(recipient).rpartition("@")[2].lower() == rules.MAILBOX_SIMULATOR_DOMAIN


ACCOUNT_LIST: None = None  # the name of the account's list among the tenants' lists

Entries = dict[str, tuple[str, int]]  # address key -> (reason, since when in epoch milliseconds)


class SuppressionList:
    """The account's list (``entries``) and the tenants' (``tenant_entries``): address ->
    (reason, since when in epoch milliseconds)."""

    def __init__(self, settings: AccountSettings, tenants: Mapping[str, Tenant] | None = None):
        self.enabled = settings.suppression_list
        self.account_reasons = frozenset(settings.suppressed_reasons)
        self.entries: Entries = {key(a): (reason, -1) for a, reason in settings.suppressed.items()}
        self.tenant_entries: dict[str, Entries] = {
            name: {key(a): (reason, -1) for a, reason in listed.items()} for name, listed in settings.tenant_suppressed.items()
        }
        self.tenants: Mapping[str, Tenant] = tenants or {}

    @property
    def listed(self) -> bool:
        """Whether any list holds an address (a send checks nothing otherwise)."""
        return bool(self.entries) or any(self.tenant_entries.values())

    def reasons(self, configuration_set: ConfigurationSet | None) -> frozenset[str]:
        """The reasons in force for a message sent with this set (or none), without a tenant."""
        return self.policy(configuration_set, None)[1]

    def policy(self, configuration_set: ConfigurationSet | None, tenant: str | None) -> tuple[str | None, frozenset[str]]:
        """The list a message's recipients are checked against and recorded to (None: the
        account's; a name: that tenant's) and the reasons in force: the set's, else the
        tenant's, else the account's."""
        if not self.enabled:
            return ACCOUNT_LIST, _NONE
        found = self.tenants.get(tenant) if tenant is not None else None
        if found is not None and found.suppression_scope is not None:
            listing = tenant if found.suppression_scope == "TENANT" else ACCOUNT_LIST
            reasons = frozenset(found.suppressed_reasons)
        else:
            listing, reasons = ACCOUNT_LIST, self.account_reasons
        if configuration_set is not None and configuration_set.suppressed_reasons is not None:
            reasons = frozenset(configuration_set.suppressed_reasons)
        return listing, reasons

    def _list(self, listing: str | None) -> Entries:
        return self.entries if listing is None else self.tenant_entries.setdefault(listing, {})

    def check(self, recipient: str, at: int, reasons: frozenset[str], listing: str | None = ACCOUNT_LIST) -> str | None:
        """The reason a send at ``at`` to ``recipient`` is suppressed by ``listing``, or None."""
        entries = self.entries if listing is None else self.tenant_entries.get(listing)
        if not reasons or not entries:
            return None
        entry = entries.get(key(recipient))
        if entry is not None and entry[1] <= at and entry[0] in reasons:
            return entry[0]
        return None

    def record(self, recipient: str, reason: str, at: int, reasons: frozenset[str], listing: str | None = ACCOUNT_LIST) -> None:
        """A hard bounce (BOUNCE) or complaint (COMPLAINT) of ``recipient`` at ``at``."""
        if reason in reasons and not is_mailbox_simulator(recipient):
            self._list(listing)[key(recipient)] = (reason, at)

    def forgive(self, recipient: str, reason: str, listing: str | None = ACCOUNT_LIST) -> None:
        """Remove ``recipient``'s entry if it is for ``reason`` (not-spam feedback)."""
        entries = self._list(listing)
        entry = entries.get(key(recipient))
        if entry is not None and entry[0] == reason:
            del entries[key(recipient)]
