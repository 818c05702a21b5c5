"""ses-metrics.yaml: one refusal (or warning) per rule of the account-level keys, the
configuration-set options and existing sets, each named by its YAML path."""

import textwrap

import pytest

from ses_metrics.platform.config import check_config_text

SETS = """
configuration_sets:
  - name: marketing
  - name: bulk
    stack: Bulk
  - name: legacy
    existing: true
"""


def _problems(extra: str, sets: str = SETS) -> dict[str, list[str]]:
    checked = check_config_text(textwrap.dedent(sets) + textwrap.dedent(extra))
    found: dict[str, list[str]] = {"error": [], "warning": []}
    for p in checked.problems:
        found["error" if p.is_error else "warning"].append(f"{p.location}: {p.message}")
    return found


def _one(found: list[str], pattern: str) -> None:
    import re

    assert [f for f in found if re.search(pattern, f)], found


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ("dedicated_ip_pools: [{name: Marketing}]", r"dedicated_ip_pools\[0\]\.name: dedicated IP pool name 'Marketing' contains 'M'"),
        ("dedicated_ip_pools: [{name: a}, {name: a}]", r"dedicated_ip_pools\[1\]\.name: dedicated IP pool name 'a' is already used"),
        ("dedicated_ip_pools: [{name: a, scaling_mode: AUTO}]", r"dedicated_ip_pools\[0\]\.scaling_mode: .*STANDARD"),
        ("identities: [{domain: example.com, email: a@example.com}]", r"identities\[0\]: give exactly one of domain"),
        ("identities: [{}]", r"identities\[0\]: give exactly one of domain"),
        ("identities: [{domain: not a domain}]", r"identities\[0\]\.domain: 'not a domain' is not a domain name"),
        ("identities: [{email: nobody}]", r"identities\[0\]\.email: 'nobody' is not an email address"),
        ("identities: [{domain: example.com, configuration_set: nope}]", r"identities\[0\]\.configuration_set: 'nope' is not declared under configuration_sets"),
        ("identities: [{domain: example.com}, {domain: example.com}]", r"identities\[1\]\.domain: identity 'example.com' is already declared"),
        ("tenants: [{name: 'a b'}]", r"tenants\[0\]\.name: tenant name 'a b' contains ' '"),
        ("tenants: [{name: a}, {name: a}]", r"tenants\[1\]\.name: tenant name 'a' is already used"),
        ("tenants: [{name: a, configuration_sets: [nope]}]", r"tenants\[0\]\.configuration_sets\[0\]: 'nope' is not declared"),
        ("tenants: [{name: a, identities: [nope.com]}]", r"tenants\[0\]\.identities\[0\]: 'nope.com' is not declared under identities"),
        ("tenants: [{name: a, configuration_sets: [marketing, marketing]}]", r"tenants\[0\]\.configuration_sets\[1\]: 'marketing' is listed twice"),
        ("tenants: [{name: a, configuration_sets: [marketing, bulk]}]", r"tenants\[0\]: a tenant's configuration sets and identities must be in one stack"),
        ("tenants: [{name: a, reputation_policy: lax}]", r"tenants\[0\]\.reputation_policy: .*'none', 'standard' or 'strict'"),
        ("tenants: [{name: a, suppression: {scope: tenant}}]", r"tenants\[0\]\.suppression\.reasons: required key 'reasons' is missing"),
        ("vdm: {engagement_metrics: yes please}", r"vdm\.engagement_metrics: "),
    ],
)
def test_account_level_error(extra, pattern):
    _one(_problems(extra)["error"], pattern)


@pytest.mark.parametrize(
    ("set_keys", "pattern"),
    [
        ("existing: true\n    tls_policy: REQUIRE", r"configuration_sets\[0\]\.tls_policy: configuration set 'x' exists already"),
        ("existing: true\n    tags: {a: b}", r"configuration_sets\[0\]\.tags: .*exists already"),
        ("dedicated_ip_pool: Pool", r"configuration_sets\[0\]\.dedicated_ip_pool: dedicated IP pool name 'Pool' contains 'P'"),
        ("archive_arn: arn:aws:s3:::b", r"configuration_sets\[0\]\.archive_arn: 'arn:aws:s3:::b' is not the ARN of a Mail Manager archive"),
        ("tags: {'aws:x': y}", r"configuration_sets\[0\]\.tags: .*begins with 'aws:'"),
        ("suppression: everything", r"configuration_sets\[0\]\.suppression: "),
        ("suppression_validation: low", r"configuration_sets\[0\]\.suppression_validation: "),
        ("vdm: {engagement: true}", r"configuration_sets\[0\]\.vdm\.engagement: unknown key"),
        (
            "existing: true\n    monitoring: {alarms: {enabled: true}, notification: {email: ops@example.com}}",
            r"configuration_sets\[0\]\.reputation_metrics: the existing set is not said to publish reputation metrics",
        ),
    ],
)
def test_configuration_set_option_error(set_keys, pattern):
    sets = f"configuration_sets:\n  - name: x\n    {set_keys}\n"
    _one(_problems("", sets)["error"], pattern)


def test_existing_set_that_publishes_reputation_metrics_may_have_alarms():
    sets = "configuration_sets:\n  - name: x\n    existing: true\n    reputation_metrics: true\n    monitoring: {notification: {email: ops@example.com}}\n"
    assert _problems("", sets)["error"] == []


@pytest.mark.parametrize(
    ("extra", "pattern"),
    [
        ("", r"configuration_sets\[0\]\.dedicated_ip_pool: dedicated IP pool 'elsewhere' is not declared under dedicated_ip_pools:, so it must exist already"),
        ("tenants: [{name: a, configuration_sets: [marketing]}]", r"tenants\[0\]: SES lets a tenant send only once it has at least one configuration set and one verified identity"),
        (
            "identities: [{domain: example.com, configuration_set: legacy}]\ntenants: [{name: a, configuration_sets: [marketing], identities: [example.com]}]",
            r"tenants\[0\]\.configuration_sets: identity 'example.com' has the default configuration set 'legacy', which is not associated",
        ),
    ],
)
def test_warning(extra, pattern):
    sets = "configuration_sets:\n  - name: marketing\n    dedicated_ip_pool: elsewhere\n  - name: legacy\n    existing: true\n"
    found = _problems(extra, sets)
    assert found["error"] == []
    _one(found["warning"], pattern)
