"""SES tenants (2025): names, reputation policies, suppression scopes, and what SES answers
to a send through a tenant.

Sources: v2 is botocore's SESv2 model (1.44.x: ``TenantName`` on ``SendEmail``, the tenant
operations); CFN ``AWS::SES::Tenant`` (cfn-lint 1.58); DG "Tenants" and "Using tenant-level
suppression lists". SES's wording for a refused tenant send is not documented: it is the
one a peer emulator probed against SES (floci ``SesTenantService``, "probe-confirmed against
real AWS us-east-1") and a user quoted (PostHog PR 75863).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, check_pattern, one_of, show

# v2 TenantName: "up to 64 alphanumeric characters, including letters, numbers, hyphens (-)
# and underscores (_) only" (CFN's ^[\w\-_]+$ is looser).
TENANT_NAME_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
TENANT_NAME_FORM: Final = "1-64 characters of A-Z, a-z, 0-9, '_' and '-'"
# DG: SES assigns the standard policy to a new tenant. The policy is an AWS-owned ARN
# (account field "aws"; CFN pattern ^arn:[a-z0-9-]+:ses:[a-z0-9-]+:aws:reputation-policy/(none|standard|strict)$).
REPUTATION_POLICIES: Final = ("none", "standard", "strict")
DEFAULT_REPUTATION_POLICY: Final = "standard"
SUPPRESSION_SCOPES: Final = ("ACCOUNT", "TENANT")
SUPPRESSED_REASONS: Final = ("BOUNCE", "COMPLAINT")
MAX_TENANTS: Final = 10_000  # per Region (DG quotas)
# SendEmail / SendBulkEmail member and the SMTP header naming the tenant.
TENANT_PARAMETER: Final = "TenantName"
TENANT_HEADER: Final = "X-SES-TENANT"
# DG tenant-level suppression: "SES adds a ses:tenant-name tag to bounce and complaint notifications".
TENANT_NAME_TAG: Final = "ses:tenant-name"

# Refused sends (peer-probed; see the module docstring).
NOT_ASSOCIATED_CODE: Final = "AccessDeniedException"
NOT_FOUND_CODE: Final = "NotFoundException"


def check_tenant_name(value: Any) -> list[Problem]:
    return check_pattern(value, TENANT_NAME_RE, "tenant name", TENANT_NAME_FORM, 64)


def check_reputation_policy(value: Any) -> list[Problem]:
    if value is UNRESOLVED or value in REPUTATION_POLICIES:
        return []
    return [Problem((), f"unknown reputation policy {show(value)}; use one of {one_of(REPUTATION_POLICIES)}")]


def reputation_policy_arn(policy: str, *, region: str, partition: str = "aws") -> str:
    """``arn:aws:ses:<region>:aws:reputation-policy/<policy>``: owned by AWS, not the account."""
    return f"arn:{partition}:ses:{region}:aws:reputation-policy/{policy}"


def not_associated_message(resource_arns: Sequence[str]) -> str:
    """What SES answers (403 ``AccessDeniedException``) when a tenant send references
    resources not associated with the tenant: every missing ARN, plural even for one."""
    return f"Tenant not associated with resources [{', '.join(resource_arns)}]."


def tenant_not_found_message(tenant: str, account: str) -> str:
    """What SES answers (404 ``NotFoundException``) for a send through an unknown tenant."""
    return f"Tenant {tenant} for AwsAccountId {account} not found."
