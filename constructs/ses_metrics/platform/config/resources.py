"""CloudFormation's 500 resources per stack, checked on a configuration: exactly at synth
(``PlatformStack`` counts the resources it built) and from the file alone by ``validate``
(``least_resources``: the resources each stack certainly gets), with one message and fix
(``resource_limit_problems``) for both. No CDK import.
"""

from __future__ import annotations

from collections.abc import Mapping

from ses_metrics.platform.config.models import PlatformConfig
from ses_metrics.rules import MAX_RESOURCES_PER_STACK, Problem


def least_resources(config: PlatformConfig) -> dict[str | None, int]:
    """Per ``stack:`` group (``None``: the main stack), the resources it certainly gets: each
    configuration set it creates (not one with ``existing: true``) and each event destination.
    Streams, topics, alarms and dashboards come on top; synth counts them all."""
    counts: dict[str | None, int] = {None: 0, **dict.fromkeys(config.stack_groups, 0)}
    for cs in config.configuration_sets:
        counts[cs.stack] += (0 if cs.existing else 1) + len(cs.destinations)
    return counts


def resource_limit_problems(config: PlatformConfig, counts: Mapping[str | None, int], *, exact: bool = True,
                            stack_names: Mapping[str | None, str] | None = None) -> list[Problem]:
    """A problem for each stack over CloudFormation's limit, naming every stack's count and the
    fix (``stack:``). ``counts`` by group; ``exact`` false when they are ``least_resources``;
    ``stack_names`` by group (default: the configuration's)."""
    names = stack_names or {None: config.stack_name, **{group: f"{config.stack_name}-{group}" for group in config.stack_groups}}
    each = ", ".join(f"{names[group]} {n}" for group, n in counts.items())
    problems = []
    for group, count in counts.items():
        if count <= MAX_RESOURCES_PER_STACK:
            continue
        members = [cs for cs in config.configuration_sets if cs.stack == group]
        per_set = sum(1 + len(cs.destinations) for cs in members)
        if group is None:
            fix = (
                "Give some configuration sets a `stack:` (configuration_sets[i].stack: NAME puts set i, its event "
                f"destinations, alarms and dashboard in their own stack {names[None]}-NAME)"
            )
        else:
            fix = f"Give some of the sets with `stack: {group}` (configuration_sets[i].stack) another stack name"
        if exact:
            shared = "streams, topics and monitoring" if group is None else "monitoring"
            detail = (f"{len(members)} configuration sets: {per_set} resources for the sets and their event destinations, "
                      f"{count - per_set} for {shared}; resources per stack: {each}")
            counted = f"would have {count} CloudFormation resources"
            fix += ", or turn monitoring off for some sets"
        else:
            detail = (f"{len(members)} configuration sets: {count} resources for the sets and their event destinations alone, "
                      f"before streams, topics and monitoring; resources per stack at least: {each}")
            counted = f"would have at least {count} CloudFormation resources"
        problems.append(
            Problem(
                ("configuration_sets",),
                f"stack {names[group]} {counted}, over CloudFormation's limit of {MAX_RESOURCES_PER_STACK} per stack "
                f"({detail}). {fix}",
            )
        )
    return problems
