"""The account-level resources of a platform configuration: dedicated IP pools, VDM,
email identities (with their default configuration set and the DKIM records as stack
outputs) and tenants with their resource associations."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import aws_cdk as cdk
from aws_cdk import aws_ses as ses

from constructs import Construct
from ses_metrics.cdk.configuration_set import SendingConfigurationSet
from ses_metrics.platform.config import IdentityConfig, PlatformConfig, TenantConfig
from ses_metrics.rules import identities as identity_rules

StackOf = Callable[[str | None], cdk.Stack]


def dedicated_ip_pools(scope: Construct, config: PlatformConfig) -> dict[str, ses.DedicatedIpPool]:
    """One ``AWS::SES::DedicatedIpPool`` per ``dedicated_ip_pools:`` entry, under ``DedicatedIpPools/<name>``."""
    if not config.dedicated_ip_pools:
        return {}
    pools_scope = Construct(scope, "DedicatedIpPools")
    pools = {}
    for pool in config.dedicated_ip_pools:
        created = ses.DedicatedIpPool(pools_scope, pool.name, dedicated_ip_pool_name=pool.name, scaling_mode=ses.ScalingMode[pool.scaling_mode])
        for key, value in pool.tags.items():
            cdk.Tags.of(created).add(key, value)
        pools[pool.name] = created
    return pools


def vdm_attributes(scope: Construct, config: PlatformConfig) -> ses.VdmAttributes | None:
    """The account's ``AWS::SES::VdmAttributes`` (top-level ``vdm:``), written as given."""
    if config.vdm is None:
        return None
    return ses.VdmAttributes(
        scope, "VdmAttributes", engagement_metrics=config.vdm.engagement_metrics, optimized_shared_delivery=config.vdm.optimized_shared_delivery
    )


def email_identities(
    config: PlatformConfig, stack_of: StackOf, sets: Mapping[str, SendingConfigurationSet]
) -> dict[str, ses.EmailIdentity]:
    """One ``AWS::SES::EmailIdentity`` per ``identities:`` entry, in the stack of its default
    set (``Identities/<name>``): domains with Easy DKIM (2048-bit) unless ``dkim_signing:
    false``, and each DKIM CNAME record as a stack output."""
    created = {}
    for identity in config.identities:
        stack = stack_of(config.stack_of_identity(identity))
        scope = stack.node.try_find_child("Identities") or Construct(stack, "Identities")
        created[identity.name] = _identity(scope, identity, sets)
    return created


def _identity(scope: Construct, identity: IdentityConfig, sets: Mapping[str, SendingConfigurationSet]) -> ses.EmailIdentity:
    default = sets[identity.configuration_set] if identity.configuration_set is not None else None
    if identity.domain is None:
        return ses.EmailIdentity(scope, identity.name, identity=ses.Identity.email(identity.name), configuration_set=default)
    created = ses.EmailIdentity(
        scope,
        identity.name,
        identity=ses.Identity.domain(identity.domain),
        configuration_set=default,
        dkim_signing=identity.dkim_signing,
        dkim_identity=ses.DkimIdentity.easy_dkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT) if identity.dkim_signing else None,
    )
    if identity.dkim_signing:
        for index, record in enumerate(created.dkim_records, start=1):
            cdk.CfnOutput(
                created,
                f"DkimRecord{index}",
                description=f"Easy DKIM CNAME record {index} of {identity_rules.EASY_DKIM_RECORDS} for {identity.domain}: name CNAME value",
                value=cdk.Fn.join(" ", [record.name, "CNAME", record.value]),
            )
    return created


def tenants(
    config: PlatformConfig,
    stack_of: StackOf,
    sets: Mapping[str, SendingConfigurationSet],
    identities: Mapping[str, ses.EmailIdentity],
) -> dict[str, ses.CfnTenant]:
    """One ``AWS::SES::Tenant`` per ``tenants:`` entry, in the stack of its resources
    (``Tenants/<name>``), associated with its sets and identities by ARN."""
    created = {}
    for tenant in config.tenants:
        stack = stack_of(config.stack_of_tenant(tenant))
        scope = stack.node.try_find_child("Tenants") or Construct(stack, "Tenants")
        created[tenant.name] = _tenant(scope, stack, tenant, sets, identities)
    return created


def _tenant(
    scope: Construct,
    stack: cdk.Stack,
    tenant: TenantConfig,
    sets: Mapping[str, SendingConfigurationSet],
    identities: Mapping[str, ses.EmailIdentity],
) -> ses.CfnTenant:
    arns = [sets[name].arn_for(scope) for name in tenant.configuration_sets]
    arns += [identities[name].email_identity_arn for name in tenant.identities]
    policy = stack.format_arn(service="ses", account="aws", resource="reputation-policy", resource_name=tenant.reputation_policy)
    suppression = None
    if tenant.suppression is not None:
        suppression = ses.CfnTenant.TenantSuppressionAttributesProperty(
            suppression_scope=tenant.suppression.scope.upper(), suppressed_reasons=[r.upper() for r in tenant.suppression.reasons]
        )
    return ses.CfnTenant(
        scope,
        tenant.name,
        tenant_name=tenant.name,
        resource_associations=[ses.CfnTenant.ResourceAssociationProperty(resource_arn=arn) for arn in arns],
        reputation_entity=ses.CfnTenant.ReputationEntityProperty(
            policy=ses.CfnTenant.ReputationPolicyProperty(reputation_entity_policy=policy)
        ),
        suppression_attributes=suppression,
        tags=[cdk.CfnTag(key=k, value=v) for k, v in tenant.tags.items()] or None,
    )
