"""Cross checks of the account-level parts of ``ses-metrics.yaml`` (dedicated IP pools,
identities, tenants) and of what an ``existing: true`` set may say, over the raw document."""

from __future__ import annotations

from typing import Any

from ses_metrics import rules
from ses_metrics.platform.config.raw import items, strings
from ses_metrics.rules import PathSegment, Problem, Severity

# What a set created elsewhere cannot be given: ses-metrics does not change it.
SET_OPTIONS = (
    "sending_enabled", "tls_policy", "suppression", "suppression_validation", "max_delivery_seconds", "tracking",
    "dedicated_ip_pool", "vdm", "archive_arn", "tags",
)  # fmt: skip


def account_checks(data: dict[str, Any]) -> list[Problem]:
    """Unique names, references between sets, pools, identities and tenants, and one stack
    per tenant."""
    sets = items(data.get("configuration_sets"))
    pools = items(data.get("dedicated_ip_pools"))
    identities = items(data.get("identities"))
    tenants = items(data.get("tenants"))
    problems = rules.under(rules.check_unique([p.get("name") for _, p in pools], "dedicated IP pool name"), "dedicated_ip_pools")
    problems += rules.under(rules.check_unique([t.get("name") for _, t in tenants], "tenant name"), "tenants")
    problems += _check_sets(sets, {_text(p.get("name")) for _, p in pools})
    set_stacks = {_text(cs.get("name")): _text(cs.get("stack")) for _, cs in sets}
    identity_stacks = {}
    seen: dict[str, int] = {}
    for i, identity in identities:
        here: tuple[PathSegment, ...] = ("identities", i)
        given = [k for k in ("domain", "email") if identity.get(k) is not None]
        if len(given) != 1:
            problems.append(Problem(here, "give exactly one of domain (a domain identity) or email (an address identity)"))
            continue
        name = _text(identity[given[0]])
        if name is None:
            continue
        if name in seen:
            problems.append(Problem((*here, given[0]), f"identity {name!r} is already declared at identities[{seen[name]}]"))
        seen.setdefault(name, i)
        default = _text(identity.get("configuration_set"))
        if default is not None and default not in set_stacks:
            problems.append(Problem((*here, "configuration_set"), _undeclared(default, set_stacks, "configuration_sets")))
        identity_stacks[name] = set_stacks.get(default)
    for i, tenant in tenants:
        problems += _check_tenant(tenant, ("tenants", i), set_stacks, identity_stacks, data.get("identities"))
    return problems


def _check_sets(sets: list[tuple[int, dict[str, Any]]], pool_names: set[Any]) -> list[Problem]:
    problems = []
    for i, cs in sets:
        here: tuple[PathSegment, ...] = ("configuration_sets", i)
        if cs.get("existing") is True:
            problems += [
                Problem((*here, key), f"configuration set {cs.get('name')!r} exists already (existing: true): ses-metrics "
                        f"does not change it, so {key} cannot be given here; remove {key}, or remove existing: true to create the set")
                for key in SET_OPTIONS if key in cs
            ]  # fmt: skip
        pool = cs.get("dedicated_ip_pool")
        if isinstance(pool, str) and pool not in pool_names:
            problems.append(
                Problem(
                    (*here, "dedicated_ip_pool"),
                    f"dedicated IP pool {pool!r} is not declared under dedicated_ip_pools:, so it must exist already "
                    "(a typo fails the deploy)",
                    Severity.WARNING,
                )
            )
    return problems


def _check_tenant(
    tenant: dict[str, Any],
    here: tuple[PathSegment, ...],
    set_stacks: dict[Any, Any],
    identity_stacks: dict[Any, Any],
    raw_identities: Any,
) -> list[Problem]:
    """References, the one stack a tenant's resources must share, and what SES needs before
    a tenant can send."""
    problems = []
    stacks: dict[Any, str] = {}
    for key, known in (("configuration_sets", set_stacks), ("identities", identity_stacks)):
        listed: set[str] = set()
        for j, name in strings(tenant.get(key)):
            if name in listed:
                problems.append(Problem((*here, key, j), f"{name!r} is listed twice"))
            listed.add(name)
            if name not in known:
                problems.append(Problem((*here, key, j), _undeclared(name, known, key)))
            else:
                stacks.setdefault(known[name], f"{key}[{j}] {name!r}")
    if len(stacks) > 1:
        where = ", ".join(f"{what} in stack {stack or '(main)'}" for stack, what in stacks.items())
        problems.append(
            Problem(
                here,
                f"a tenant's configuration sets and identities must be in one stack (it is created after them): {where}; "
                "give the sets the same stack:",
            )
        )
    associated = {n for _, n in strings(tenant.get("configuration_sets"))}
    for _, identity in items(raw_identities):
        name = _text(identity.get("domain") or identity.get("email"))
        default = _text(identity.get("configuration_set"))
        if name in {n for _, n in strings(tenant.get("identities"))} and default is not None and default not in associated:
            problems.append(
                Problem(
                    (*here, "configuration_sets"),
                    f"identity {name!r} has the default configuration set {default!r}, which is not associated with "
                    f"tenant {tenant.get('name')!r}: SES refuses a send through the tenant from {name} that names no "
                    "configuration set",
                    Severity.WARNING,
                )
            )
    if not strings(tenant.get("configuration_sets")) or not strings(tenant.get("identities")):
        problems.append(
            Problem(here, "SES lets a tenant send only once it has at least one configuration set and one verified identity", Severity.WARNING)
        )
    return problems


def _text(value: Any) -> str | None:
    """A name from the raw document: a string, else ``None`` (the schema reports it)."""
    return value if isinstance(value, str) else None


def _undeclared(name: Any, known: dict[Any, Any], section: str) -> str:
    listed = ", ".join(sorted(str(k) for k in known if k is not None)) or f"none: {section}: is empty"
    return f"{name!r} is not declared under {section}: (declared: {listed})"
