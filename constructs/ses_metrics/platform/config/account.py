"""The account-level parts of ``ses-metrics.yaml``: dedicated IP pools, VDM, email identities
(with their default configuration set) and tenants."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ses_metrics.platform.config.fields import ConfigModel, DomainName, EmailAddress, PoolName, ResourceTags, TenantName
from ses_metrics.rules import tenants


class DedicatedIpPoolConfig(ConfigModel):
    """An ``AWS::SES::DedicatedIpPool``: STANDARD (you lease and warm the IPs) or MANAGED
    (SES leases and scales them). STANDARD may become MANAGED in place, not back."""

    name: PoolName
    scaling_mode: Literal["STANDARD", "MANAGED"] = "STANDARD"
    tags: ResourceTags = Field(default_factory=dict)


class VdmConfig(ConfigModel):
    """Virtual Deliverability Manager for one configuration set; each key left out keeps
    the account's setting."""

    engagement_metrics: bool | None = Field(default=None, description="engagement tracking in the VDM dashboard")
    optimized_shared_delivery: bool | None = Field(default=None, description="optimized delivery through shared IPs")


class AccountVdmConfig(ConfigModel):
    """``AWS::SES::VdmAttributes``: the account's VDM settings (one per account and Region)."""

    engagement_metrics: bool = Field(default=False, description="engagement tracking in the VDM dashboard")
    optimized_shared_delivery: bool = Field(default=False, description="optimized delivery through shared IPs")


class IdentityConfig(ConfigModel):
    """An ``AWS::SES::EmailIdentity``: a domain (Easy DKIM, 2048-bit keys, by default) or an
    address, and its default configuration set, used by every send from it that names no
    set, so that a send whose application forgets ``ConfigurationSetName`` is still tracked."""

    domain: DomainName | None = None
    email: EmailAddress | None = None
    configuration_set: str | None = Field(default=None, description="name of a set under configuration_sets: (its default set)")
    dkim_signing: bool = Field(default=True, description="sign with Easy DKIM (domains only); the CNAME records are stack outputs")

    @property
    def name(self) -> str:
        """The identity as SES names it: the domain or the address."""
        return str(self.domain if self.domain is not None else self.email)


class TenantSuppressionConfig(ConfigModel):
    """Which suppression list the tenant's sends use and what it records (both together)."""

    scope: Literal["account", "tenant"]
    reasons: list[Literal["bounce", "complaint"]] = Field(description="empty: check and record nothing", json_schema_extra={"uniqueItems": True})


class TenantConfig(ConfigModel):
    """An ``AWS::SES::Tenant`` and the configuration sets and identities associated with it:
    a send through the tenant (``TenantName``) may use only these."""

    name: TenantName
    configuration_sets: list[str] = Field(default_factory=list, description="names of sets under configuration_sets:")
    identities: list[str] = Field(default_factory=list, description="domains or addresses under identities:")
    reputation_policy: Literal[tenants.REPUTATION_POLICIES] = Field(  # type: ignore[valid-type]
        default=tenants.DEFAULT_REPUTATION_POLICY, description="none never pauses; standard pauses on high-severity findings; strict on any"
    )
    suppression: TenantSuppressionConfig | None = Field(default=None, description="default: the account's list")
    tags: ResourceTags = Field(default_factory=dict)
