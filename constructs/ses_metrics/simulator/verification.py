"""Verified identities and the sandbox: who may send, and to whom.

What SES does (DG verify-addresses-and-domains.html, creating-identities.html,
request-production-access.html, troubleshoot-error-messages.html):

- Every "From", "Source", "Sender" or "Return-Path" address must be a verified identity: the
  address itself, or its domain, or a parent domain (verifying example.com lets you send
  from a.example.com and any address there). A ``+label`` on a verified address needs no
  verification of its own.
- In the sandbox, recipients must be verified too (or the mailbox simulator).
- Otherwise SES answers ``MessageRejected``: "Email address is not verified. The following
  identities failed the check in region US-EAST-1: <identities>", every failing identity
  in one message, as given in the request.

The simulator knows the identities the templates declare (``AWS::SES::EmailIdentity``):
it checks senders when ``AccountSettings.verified_identities_only`` is on, by default
whenever the templates declare an identity (without any, it cannot tell a verified sender
from another, and says nothing). Identities are compared case-insensitively (AWS says
domains are, and addresses are not; the simulator does not refuse on case alone).
"""

from __future__ import annotations

from collections.abc import Iterable

from ses_metrics import rules
from ses_metrics.simulator import errors
from ses_metrics.simulator.account import AccountSettings
from ses_metrics.simulator.sends import address
from ses_metrics.simulator.suppression import is_mailbox_simulator


def is_verified(identities: Iterable[str] | frozenset[str], value: str) -> bool:
    """Whether ``value`` (an address, possibly ``Name <a@b>``) is covered by a verified
    identity: itself (without a +label), its domain or a parent domain."""
    known = identities if isinstance(identities, frozenset) else frozenset(identities)
    local, _, domain = address(value).lower().rpartition("@")
    if f"{local.split('+', 1)[0]}@{domain}" in known or f"{local}@{domain}" in known:
        return True
    labels = domain.split(".")
    return any(".".join(labels[i:]) in known for i in range(len(labels) - 1))


class Verification:
    """The sender and sandbox checks of one account over one topology's identities."""

    def __init__(self, identities: Iterable[str], settings: AccountSettings, region: str):
        self.identities = frozenset(i.lower() for i in identities)
        wanted = settings.verified_identities_only
        self.senders = bool(self.identities) if wanted is None else wanted
        self.sandbox = settings.sandbox
        self.region = region.upper()
        self._verified: dict[str, bool] = {}  # by address as given: senders repeat

    def verified(self, value: str) -> bool:
        found = self._verified.get(value)
        if found is None:
            if len(self._verified) >= 65536:
                self._verified.clear()
            found = self._verified[value] = is_verified(self.identities, value)
        return found

    def check(self, sender: str, recipients: Iterable[str]) -> None:
        """Raise ``MessageRejected`` naming every identity that fails."""
        unverified = self.senders and not (self._verified.get(sender) or self.verified(sender))
        if not unverified and not self.sandbox:
            return  # most sends: no list made
        failed = [sender] if unverified else []
        if self.sandbox:
            failed += [r for r in recipients if not is_mailbox_simulator(r) and not self.verified(r)]
        if failed:
            raise errors.MessageRejected(rules.NOT_VERIFIED.format(region=self.region, identities=", ".join(failed)))
