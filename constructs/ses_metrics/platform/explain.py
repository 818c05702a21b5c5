"""What a ses-metrics.yaml declares, as a table or as JSON: configuration sets,
destinations, event types, dimensions, monitoring; and a summary of the templates
synthesized from it.

Every name in the table comes from the file: it is shown with its control characters
escaped and its square brackets kept (``rules.printable``, rich's markup escaped)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ses_metrics.files import documents
from ses_metrics.rules import EventType, printable
from ses_metrics.rules import identities as identity_rules

if TYPE_CHECKING:
    from rich.table import Table

    from ses_metrics.platform.config import (
        ConfigurationSetConfig,
        DestinationConfig,
        NotificationConfig,
        PlatformConfig,
        ResolvedMonitoring,
        StreamConfig,
    )
    from ses_metrics.simulator.topology import EventDestination, Topology


def _t(value: object) -> str:
    from rich.markup import escape

    return escape(printable(str(value)))


def _events(events: Sequence[EventType]) -> list[str]:
    return ["all"] if set(events) == set(EventType) else [e.cfn for e in events]


def _notified(notification: NotificationConfig | None) -> str | None:
    if notification is None:
        return None
    return f"SNS {notification.topic}" if notification.topic is not None else str(notification.email)


def _alarms_text(monitoring: ResolvedMonitoring) -> str:
    who = _notified(monitoring.notification)
    return (
        f"alarms: bounce ≥ {monitoring.bounce_rate_percent:g}%, complaint ≥ {monitoring.complaint_rate_percent:g}% → "
        + (_t(who) if who else "[yellow]no one[/yellow]")
    )


def _monitoring_lines(config: PlatformConfig, cs: ConfigurationSetConfig) -> list[str]:
    monitoring = config.monitoring_for(cs)
    if monitoring is None:
        return []
    lines = [_alarms_text(monitoring) if monitoring.alarms else "alarms off"]
    if monitoring.alarms and monitoring.dimension_alarms:
        lines += [f"  per {_t(', '.join(f'{k}={v}' for k, v in d.items()))}" for d in monitoring.dimension_alarms]
    lines.append(f"dashboard {_t(config.dashboard_name(cs))}" if monitoring.dashboard else "no dashboard")
    return lines


def stream_target(stream: StreamConfig) -> str:
    """Where a stream delivers, in one line: its kind and target."""
    if stream.redshift is not None:
        r = stream.redshift
        where = r.jdbc_url or f"{r.endpoint}:{r.port}/{r.database}"
        return f"Redshift table {r.table} ({len(r.columns) + len(r.message_tags)} columns) at {where}"
    if stream.opensearch is not None:
        o = stream.opensearch
        domain = o.domain_arn or f"a new domain{f' {o.new_domain.name}' if o.new_domain and o.new_domain.name else ''}"
        return f"OpenSearch index {o.index} ({o.index_rotation}) on {domain}"
    a = stream.archive
    partitions = f", partitioned by {', '.join(a.partition_by)}" if a.partition_by else ""
    return f"S3 {a.prefix} ({a.compression}{partitions})"


def destination_target(config: PlatformConfig, d: DestinationConfig) -> tuple[str, str]:
    """The kind of a destination (``cloudwatch``, ``firehose``, ``sns``, ``eventbridge``) and
    where its events go, in one line."""
    if d.cloudwatch is not None:
        return "cloudwatch", "CloudWatch metrics"
    if d.firehose is not None:
        if d.firehose.stream is not None:
            return "firehose", f"Firehose {d.firehose.stream} → {stream_target(config.stream(d.firehose.stream))}"
        return "firehose", f"Firehose {d.firehose.stream_arn}"
    if d.sns is not None:
        return "sns", f"SNS {d.sns.topic or d.sns.topic_arn}"
    return "eventbridge", "EventBridge default bus"


def explain_table(config: PlatformConfig) -> Table:
    """A rich table: each configuration set, its destinations, event types, dimensions
    and monitoring (alarm thresholds and who is notified, dashboard), account alarms below;
    with ``stack:`` groups, the stack each set is in."""
    from rich.table import Table

    split = bool(config.stack_groups)
    stacks = dict.fromkeys([config.stack_name, *(config.stack_of(cs) for cs in config.configuration_sets)])
    title = f"ses-metrics: stacks {', '.join(stacks)}" if split else f"ses-metrics: stack {config.stack_name}"
    account = config.account_alarms()
    caption = f"account {_alarms_text(account)}" if account is not None else None
    table = Table(title=_t(title), caption=caption, show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    for cs in config.configuration_sets:
        flags = [
            *([f"stack {_t(config.stack_of(cs))}"] if split else []),
            *(["[cyan]existing set: only its destinations are managed here[/cyan]"] if cs.existing else []),
            *([] if cs.existing else ["sending on" if cs.sending_enabled else "[red]sending paused[/red]"]),
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
            *([f"dedicated IP pool {_t(cs.dedicated_ip_pool)}"] if cs.dedicated_ip_pool else []),
            *_monitoring_lines(config, cs),
        ]
        set_cell = f"[bold]{_t(cs.name)}[/bold]\n" + "\n".join(flags)
        if not cs.destinations:
            table.add_row(set_cell, "[yellow](none)[/yellow]", "events go nowhere", "", "")
        for index, d in enumerate(cs.destinations):
            name = _t(d.name) if d.enabled else f"{_t(d.name)} [red](disabled)[/red]"
            dims = [f"{_t(x.name)} ← {x.source.config} ({_t(x.default)})" for x in d.cloudwatch.dimensions] if d.cloudwatch else []
            table.add_row(set_cell if index == 0 else "", name, _t(destination_target(config, d)[1]), _t(", ".join(_events(d.events))), "\n".join(dims))
    return table


def explain_destinations(config: PlatformConfig) -> list[dict[str, Any]]:
    """Every event destination with its configuration set, as ``--format json|ndjson`` print them."""
    rows = []
    for cs in config.configuration_sets:
        for d in cs.destinations:
            kind, target = destination_target(config, d)
            dimensions = [{"name": x.name, "source": x.source.config, "default": x.default} for x in d.cloudwatch.dimensions] if d.cloudwatch else []
            rows.append({
                "configurationSet": cs.name, "stack": config.stack_of(cs), "eventDestination": d.name, "enabled": d.enabled,
                "type": kind, "target": target, "events": [e.cfn for e in d.events], "dimensions": dimensions,
            })
    return rows


def _monitoring_json(monitoring: ResolvedMonitoring | None, dashboard: str | None) -> dict[str, Any] | None:
    if monitoring is None:
        return None
    return {
        "alarms": monitoring.alarms,
        "bounceRatePercent": monitoring.bounce_rate_percent,
        "complaintRatePercent": monitoring.complaint_rate_percent,
        "minimumSends": monitoring.minimum_sends,
        "dimensionAlarms": list(monitoring.dimension_alarms),
        "notify": _notified(monitoring.notification),
        "dashboard": dashboard if monitoring.dashboard else None,
    }


def explain_document(config: PlatformConfig) -> dict[str, Any]:
    """What ``explain --format json`` prints: the stacks, and each configuration set with its
    options, monitoring and event destinations; the account alarms."""
    destinations = explain_destinations(config)
    return {
        "stacks": list(dict.fromkeys([config.stack_name, *(config.stack_of(cs) for cs in config.configuration_sets)])),
        "configurationSets": [
            {
                "name": cs.name,
                "stack": config.stack_of(cs),
                "sendingEnabled": cs.sending_enabled,
                "reputationMetrics": cs.reputation_metrics,
                "monitoring": _monitoring_json(config.monitoring_for(cs), config.dashboard_name(cs)),
                "eventDestinations": [d for d in destinations if d["configurationSet"] == cs.name],
            }
            for cs in config.configuration_sets
        ],
        "accountAlarms": _monitoring_json(config.account_alarms(), None),
    }


def cdk_out_summary(directory: Path) -> list[str]:
    lines = []
    for template in sorted(directory.glob("*.template.json")):
        try:
            document = documents.read_document(template)
        except documents.DocumentError as error:
            lines.append(f"{template}: {error.reason}")
            continue
        resources = document.get("Resources") if isinstance(document, dict) else None
        if not isinstance(resources, dict):
            lines.append(f"{template}: not a CloudFormation template (no Resources section)")
            continue
        kinds = Counter(str(r.get("Type", "?")) if isinstance(r, dict) else "?" for r in resources.values())
        detail = ", ".join(f"{n} {t.removeprefix('AWS::')}" for t, n in sorted(kinds.items()))
        lines.append(f"{template}: {len(resources)} resources ({detail})")
    return lines


def account_table(config: PlatformConfig) -> Table | None:
    """A rich table of the account-level resources (dedicated IP pools, VDM, identities with
    their default set and the DNS records Easy DKIM needs, tenants), or ``None``."""
    from rich.table import Table

    if not (config.dedicated_ip_pools or config.vdm or config.identities or config.tenants):
        return None
    table = Table(title="Account: pools, VDM, identities, tenants", show_lines=True)
    for column in ("Resource", "Name", "Settings"):
        table.add_column(column, overflow="fold")
    for pool in config.dedicated_ip_pools:
        table.add_row("dedicated IP pool", _t(pool.name), f"scaling {_t(pool.scaling_mode)}")
    if config.vdm is not None:
        vdm = config.vdm
        table.add_row("VDM (account)", "", f"engagement metrics {_on(vdm.engagement_metrics)}, optimized shared delivery {_on(vdm.optimized_shared_delivery)}")
    for identity in config.identities:
        default = identity.configuration_set
        lines = [f"default configuration set {_t(default)}" if default else "[yellow]no default configuration set[/yellow]"]
        if identity.domain is not None and identity.dkim_signing:
            lines.append("Easy DKIM: add these DNS records (tokens: stack outputs DkimRecord1-3 after deploy)")
            lines += [f"  {_t(name)} {kind} {_t(value)}" for name, kind, value in identity_rules.easy_dkim_records(identity.domain)]
        table.add_row("identity", _t(identity.name), "\n".join(lines))
    for tenant in config.tenants:
        lines = [
            f"configuration sets: {_t(', '.join(tenant.configuration_sets) or '(none)')}",
            f"identities: {_t(', '.join(tenant.identities) or '(none)')}",
            f"reputation policy {_t(tenant.reputation_policy)}",
        ]
        if tenant.suppression is not None:
            reasons = ", ".join(tenant.suppression.reasons) or "nothing"
            lines.append(f"suppression list: {_t(tenant.suppression.scope)}'s, records {_t(reasons)}")
        table.add_row("tenant", _t(tenant.name), "\n".join(lines))
    return table


def _template_target(d: EventDestination) -> tuple[str | None, str]:
    kind = d.kind.config if d.kind is not None else None
    targets = {"cloudwatch": "CloudWatch metrics", "firehose": f"Firehose {d.stream_arn}", "sns": f"SNS {d.topic_arn}"}
    return kind, targets.get(kind or "", f"EventBridge {d.bus_arn}" if kind == "eventbridge" else "no target")


def _on(value: bool) -> str:
    return "on" if value else "off"


def _identity_defaults(topology: Topology) -> dict[str | None, list[str]]:
    defaults: dict[str | None, list[str]] = {}
    for identity, default in sorted(topology.identities.items()):
        defaults.setdefault(default, []).append(identity)
    return defaults


def template_table(topology: Topology) -> Table:
    """A rich table of what synthesized templates declare (as the simulator reads them):
    configuration sets, destinations, event types, dimensions, and the identities whose
    default set each is."""
    from rich.table import Table

    table = Table(title=_t(f"ses-metrics: templates of {', '.join(topology.stacks)}"), show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    defaults = _identity_defaults(topology)
    for cs in topology.configuration_sets.values():
        flags = [
            "sending on" if cs.sending_enabled else "[red]sending paused[/red]",
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
            *[f"default set of {_t(identity)}" for identity in defaults.get(cs.name, [])],
            *[f"tenant {_t(t.name)}" for t in topology.tenants.values() if t.allows(cs.arn)],
        ]
        set_cell = f"[bold]{_t(cs.name)}[/bold]\n" + "\n".join(flags)
        if not cs.destinations:
            table.add_row(set_cell, "[yellow](none)[/yellow]", "events go nowhere", "", "")
        for index, d in enumerate(cs.destinations):
            name = _t(d.name) if d.enabled else f"{_t(d.name)} [red](disabled)[/red]"
            dims = "\n".join(f"{_t(x.name)} ← {x.source.config} ({_t(x.default)})" for x in d.dimensions)
            events = ", ".join(_events(sorted(d.event_types, key=list(EventType).index)))
            kind, target = _template_target(d)
            table.add_row(set_cell if index == 0 else "", name, _t(target) if kind else "[red]no target[/red]", _t(events), dims)
    return table


def template_destinations(topology: Topology) -> list[dict[str, Any]]:
    """Every event destination of synthesized templates with its configuration set, as
    ``explain --format json|ndjson`` print them."""
    defaults = _identity_defaults(topology)
    rows = []
    for cs in topology.configuration_sets.values():
        for d in cs.destinations:
            kind, target = _template_target(d)
            rows.append({
                "configurationSet": cs.name, "defaultSetOf": defaults.get(cs.name, []), "eventDestination": d.name,
                "enabled": d.enabled, "type": kind, "target": target,
                "events": [e.cfn for e in sorted(d.event_types, key=list(EventType).index)],
                "dimensions": [{"name": x.name, "source": x.source.config, "default": x.default} for x in d.dimensions],
            })
    return rows
