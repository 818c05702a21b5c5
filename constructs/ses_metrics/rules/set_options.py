"""Configuration-set options beyond event destinations: dedicated IP pools, suppression and
its validation options, VDM, the Mail Manager archive, resource tags.

Sources: CFN is cfn-lint 1.58's bundled resource schemas (``AWS::SES::ConfigurationSet``,
``AWS::SES::DedicatedIpPool``, ``AWS::SES::VdmAttributes``); v2 is botocore's SESv2 model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from ses_metrics.rules.problems import UNRESOLVED, Problem, check_pattern, one_of, show

# CFN AWS::SES::DedicatedIpPool PoolName is ^[a-z0-9_-]{0,64}$: lower case only (unlike
# configuration set names). The schema admits the empty string; SES needs a name.
POOL_NAME_RE: Final = re.compile(r"[a-z0-9_-]{1,64}")
POOL_NAME_FORM: Final = "1-64 characters of a-z, 0-9, '_' and '-' (lower case only)"
# CFN ScalingMode ^(STANDARD|MANAGED)$. STANDARD -> MANAGED updates in place; MANAGED ->
# STANDARD is not supported (aws-cdk-lib's ScalingMode documentation).
SCALING_MODES: Final = ("STANDARD", "MANAGED")
# v2 ArchiveArn: a Mail Manager archive.
ARCHIVE_ARN_RE: Final = re.compile(r"arn:(aws|aws-[a-z-]+):ses:[a-z]{2,4}-[a-z-]+-[0-9]:[0-9]{1,20}:mailmanager-archive/a-[a-z0-9]{24,62}")
# CFN SuppressionOptions.ValidationOptions.ConditionThreshold: ConfidenceVerdictThreshold.
VALIDATION_THRESHOLDS: Final = ("MEDIUM", "HIGH", "MANAGED")
# CFN Tags of every SES resource: at most 50, Key 1-128 characters, Value 0-256; keys
# beginning with "aws:" are reserved for AWS (AWS tagging guide).
MAX_RESOURCE_TAGS: Final = 50
MAX_TAG_KEY_LENGTH: Final = 128
MAX_TAG_VALUE_LENGTH: Final = 256


def check_pool_name(value: Any) -> list[Problem]:
    """A dedicated IP pool name: 1-64 of ``[a-z0-9_-]`` (CFN; lower case only)."""
    return check_pattern(value, POOL_NAME_RE, "dedicated IP pool name", POOL_NAME_FORM, 64)


def check_scaling_mode(value: Any) -> list[Problem]:
    if value is UNRESOLVED or value in SCALING_MODES:
        return []
    return [Problem((), f"unknown scaling mode {show(value)}; use one of {one_of(SCALING_MODES)}")]


def check_archive_arn(value: Any) -> list[Problem]:
    """The ARN of a Mail Manager archive (v2 ``ArchiveArn``)."""
    if value is UNRESOLVED or value is None:
        return []
    if isinstance(value, str) and ARCHIVE_ARN_RE.fullmatch(value):
        return []
    return [
        Problem(
            (),
            f"{show(value)} is not the ARN of a Mail Manager archive "
            "(arn:aws:ses:<region>:<account>:mailmanager-archive/a-<24 to 62 of a-z and 0-9>)",
        )
    ]


def check_resource_tags(tags: Any) -> list[Problem]:
    """Resource tags (a mapping): at most 50; keys 1-128 characters, not ``aws:...``;
    values at most 256 characters. Problems are located at the key."""
    if tags is UNRESOLVED or tags is None:
        return []
    if not isinstance(tags, Mapping):
        return [Problem((), f"tags must be a mapping of key to value; got {show(tags)}")]
    problems = []
    if len(tags) > MAX_RESOURCE_TAGS:
        problems.append(Problem((), f"{len(tags)} tags; a resource takes at most {MAX_RESOURCE_TAGS}"))
    for key, value in tags.items():
        if key is UNRESOLVED:
            continue
        if not isinstance(key, str) or not 1 <= len(key) <= MAX_TAG_KEY_LENGTH:
            problems.append(Problem((str(key),), f"tag key {show(key)} must be a string of 1-{MAX_TAG_KEY_LENGTH} characters"))
        elif key.lower().startswith("aws:"):
            problems.append(Problem((key,), f"tag key {key!r} begins with 'aws:', which is reserved for AWS"))
        if value is not UNRESOLVED and (not isinstance(value, str) or len(value) > MAX_TAG_VALUE_LENGTH):
            problems.append(Problem((str(key),), f"tag value {show(value)} must be a string of at most {MAX_TAG_VALUE_LENGTH} characters"))
    return problems


def check_suppression_options(reasons_given: bool, disable_list: bool) -> list[Problem]:
    """A set either overrides the account's suppression reasons or turns the list off."""
    if reasons_given and disable_list:
        return [
            Problem(
                ("disable_suppression_list",),
                "disable_suppression_list turns the suppression list off for this set: suppression_reasons cannot be given too",
            )
        ]
    return []


def check_validation_options(threshold: Any, disabled: bool) -> list[Problem]:
    """Auto-validation: a confidence threshold, or turned off, not both."""
    problems = []
    if threshold not in (None, UNRESOLVED) and threshold not in VALIDATION_THRESHOLDS:
        problems.append(
            Problem(("auto_validation_threshold",), f"unknown threshold {show(threshold)}; use one of {one_of(VALIDATION_THRESHOLDS)}")
        )
    if threshold is not None and disabled:
        problems.append(
            Problem(("disable_auto_validation",), "disable_auto_validation turns validation off: auto_validation_threshold cannot be given too")
        )
    return problems
