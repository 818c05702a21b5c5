"""SES tenants (2025) in the simulator: which tenants the templates declare, what a send
through one (``TenantName``, or the ``X-SES-TENANT`` header of a raw message) may use, and
what SES publishes about it.

Documented (SESv2 model, DG "Tenants", DG "Using tenant-level suppression lists"): a send
through a tenant succeeds only when the identity, the configuration set (an omitted one
resolves to the identity's default) and the template it uses are all associated with the
tenant; SES adds the ``ses:tenant-name`` tag to bounce and complaint notifications.

Not documented, and assumed here: SES's error for a refused send, taken from a peer
emulator that probed SES (``AccessDeniedException`` "Tenant not associated with resources
[arn, ...]." listing every missing ARN; ``NotFoundException`` for an unknown tenant; see
``rules.tenants``); that a send through a tenant with no configuration set at all is refused
the same way; that records other than Bounce and Complaint do not carry the tag. Tenant-level
suppression lists are simulated in ``suppression.py``; reputation policies are read but not
simulated (no tenant is paused). SES publishes per-tenant CloudWatch metrics ("Sends",
"Bounces", "Complaints" by TenantId and TenantName, DG "Tenants") without documenting
their metric names, so the simulator publishes none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ses_metrics.rules import tenants as rules
from ses_metrics.simulator.errors import NotFoundException, SendError


class AccessDeniedException(SendError):
    """The send uses resources not associated with its tenant (not in SendEmail's modelled errors)."""

    code = rules.NOT_ASSOCIATED_CODE


@dataclass(frozen=True)
class Tenant:
    """An ``AWS::SES::Tenant``: its name and the ARNs of what it may use."""

    name: str
    resources: frozenset[str]
    reputation_policy: str | None = None
    suppression_scope: str | None = None  # SuppressionAttributes: ACCOUNT or TENANT (None: the account's list and reasons)
    suppressed_reasons: tuple[str, ...] = ()  # with a scope: what is checked and recorded (empty: nothing)
    unresolved: tuple[str, ...] = field(default=())  # associations the templates do not resolve

    def allows(self, arn: str) -> bool:
        return _normal(arn) in self.resources


def _normal(arn: str) -> str:
    """Identity ARNs compare without case (SES's identities do); the rest as written."""
    head, sep, tail = arn.partition(":identity/")
    return f"{head}{sep}{tail.lower()}" if sep else arn


def tenant_from(props: dict[str, Any]) -> Tenant | None:
    """The tenant of resolved ``AWS::SES::Tenant`` properties (``None`` without a name)."""
    name = props.get("TenantName")
    if not isinstance(name, str):
        return None
    arns = [a.get("ResourceArn") for a in props.get("ResourceAssociations") or [] if isinstance(a, dict)]
    policy = ((props.get("ReputationEntity") or {}).get("Policy") or {}).get("ReputationEntityPolicy")
    attributes = props.get("SuppressionAttributes") or {}
    scope = attributes.get("SuppressionScope")
    reasons = attributes.get("SuppressedReasons")
    return Tenant(
        name=name,
        resources=frozenset(_normal(a) for a in arns if isinstance(a, str)),
        reputation_policy=policy.rsplit("/", 1)[-1] if isinstance(policy, str) else None,
        suppression_scope=scope if isinstance(scope, str) else None,
        suppressed_reasons=tuple(r for r in reasons if isinstance(r, str)) if isinstance(reasons, list) else (),
        unresolved=tuple(str(a) for a in arns if not isinstance(a, str)),
    )


def requested_tenant(request: dict[str, Any], headers: Sequence[dict[str, str]]) -> str | None:
    """``TenantName``, else the raw message's ``X-SES-TENANT`` header."""
    name = request.get(rules.TENANT_PARAMETER)
    if name:
        return str(name)
    header = rules.TENANT_HEADER.lower()
    return next((h["value"].strip() for h in headers if h.get("name", "").lower() == header), None)


def check_send(
    tenants: dict[str, Tenant], name: str, *, account: str, identity_arn: str, configuration_set_arn: str | None, template_arn: str | None
) -> Tenant:
    """The tenant, when it may send with these resources; else the error SES returns."""
    tenant = tenants.get(name)
    if tenant is None:
        raise NotFoundException(rules.tenant_not_found_message(name, account))
    if configuration_set_arn is None:
        raise AccessDeniedException(
            f"Tenant {name} needs a configuration set associated with it: the send names none and its identity has no default set."
        )
    used = [arn for arn in (identity_arn, configuration_set_arn, template_arn) if arn is not None]
    missing = [arn for arn in used if not tenant.allows(arn)]
    if missing:
        raise AccessDeniedException(rules.not_associated_message(missing))
    return tenant


def tagged(mail: dict[str, Any], tenant: str) -> dict[str, Any]:
    """``mail`` of a Bounce or Complaint record of a send through ``tenant``: its tags plus
    ``ses:tenant-name`` (the other records are shared and left as they are)."""
    tagged_mail = mail.copy()
    tagged_mail["tags"] = {**mail["tags"], rules.TENANT_NAME_TAG: [tenant]}
    return tagged_mail
