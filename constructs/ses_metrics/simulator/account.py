"""The SES account the simulated sends come from: what no template says.

A template declares configuration sets, identities and destinations, but not the account's
own settings: its suppression list and the reasons it records, whether the account is in
the sandbox, whether the simulator should insist on verified senders. ``AccountSettings``
holds them (``SimulationOptions.account``; a scenario's top-level ``account:`` key).
``ReputationSettings`` holds what SES does not publish about the account's reputation rates
(``SimulationOptions.reputation``; a scenario's or replay profile's ``reputation:``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ses_metrics import rules


@dataclass(frozen=True)
class AccountSettings:
    """What the simulated account is like. Defaults are SES's for a new account.

    ``suppressed_reasons``: the account-level suppression list's reasons (default BOUNCE and
    COMPLAINT, SES's default since November 2019; empty: the list is off unless a
    configuration set's ``SuppressionOptions`` turns it on). ``suppressed``: addresses on the
    list before the first send, with their reason; ``tenant_suppressed`` those on tenants'
    lists (``{tenant: {address: reason}}``). ``suppression_list=False``: nothing is
    ever recorded or checked (a replay, whose every send stands for a new recipient).
    ``verified_identities_only``: a send from an identity the templates do not verify is
    refused (None, the default: on when the templates declare any ``AWS::SES::EmailIdentity``).
    ``sandbox``: recipients must be verified identities too (or the mailbox simulator).
    """

    suppressed_reasons: tuple[str, ...] = rules.DEFAULT_SUPPRESSED_REASONS
    suppressed: Mapping[str, str] = field(default_factory=dict)
    suppression_list: bool = True
    verified_identities_only: bool | None = None
    sandbox: bool = False
    tenant_suppressed: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# SES publishes neither number (reputation.py); a replay profile's defaults
DEFAULT_REPRESENTATIVE_VOLUME = 10_000
DEFAULT_MINIMUM_VOLUME = 500


@dataclass(frozen=True)
class ReputationSettings:
    """How many recent sends the reputation rates are computed over, and how many a scope
    must have sent before a rate is published (both assumptions: SES publishes neither)."""

    representative_volume: int = DEFAULT_REPRESENTATIVE_VOLUME
    minimum_volume: int = DEFAULT_MINIMUM_VOLUME


# simulate and check: a scenario is a handful of sends, so a rate is published from the first
SCENARIO_REPUTATION = ReputationSettings(minimum_volume=1)
