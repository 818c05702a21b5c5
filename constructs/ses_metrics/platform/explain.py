"""What a ses-metrics.yaml declares, as a table: configuration sets, destinations, event types,
dimensions, monitoring; and a summary of the templates synthesized from it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ses_metrics.files import documents
from ses_metrics.rules import EventType
from ses_metrics.rules import identities as identity_rules

if TYPE_CHECKING:
    from ses_metrics.platform.config import ConfigurationSetConfig, NotificationConfig, PlatformConfig, StreamConfig
    from ses_metrics.simulator.topology import Topology


def _events_text(events: Sequence[EventType]) -> str:
    return "all" if set(events) == set(EventType) else ", ".join(e.cfn for e in events)


def _notified(notification: NotificationConfig | None) -> str:
    if notification is None:
        return "[yellow]no one[/yellow]"
    return f"SNS {notification.topic}" if notification.topic is not None else str(notification.email)


def _alarms_text(bounce: float, complaint: float, notification: NotificationConfig | None) -> str:
    return f"alarms: bounce ≥ {bounce:g}%, complaint ≥ {complaint:g}% → {_notified(notification)}"


def _monitoring_lines(config: PlatformConfig, cs: ConfigurationSetConfig) -> list[str]:
    monitoring = config.monitoring_for(cs)
    if monitoring is None:
        return []
    lines = [
        _alarms_text(monitoring.bounce_rate_percent, monitoring.complaint_rate_percent, monitoring.notification)
        if monitoring.alarms
        else "alarms off"
    ]
    if monitoring.alarms and monitoring.dimension_alarms:
        lines += [f"  per {', '.join(f'{k}={v}' for k, v in d.items())}" for d in monitoring.dimension_alarms]
    lines.append(f"dashboard {config.dashboard_name(cs)}" if monitoring.dashboard else "no dashboard")
    return lines


def _account_caption(config: PlatformConfig) -> str | None:
    account = config.account_alarms()
    if account is None:
        return None
    return "account " + _alarms_text(account.bounce_rate_percent, account.complaint_rate_percent, account.notification)


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


def explain_table(config: PlatformConfig):
    """A rich table: each configuration set, its destinations, event types, dimensions
    and monitoring (alarm thresholds and who is notified, dashboard), account alarms below;
    with ``stack:`` groups, the stack each set is in."""
    from rich.table import Table

    split = bool(config.stack_groups)
    stacks = dict.fromkeys([config.stack_name, *(config.stack_of(cs) for cs in config.configuration_sets)])
    title = f"ses-metrics: stacks {', '.join(stacks)}" if split else f"ses-metrics: stack {config.stack_name}"
    table = Table(title=title, caption=_account_caption(config), show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    for cs in config.configuration_sets:
        flags = [
            *([f"stack {config.stack_of(cs)}"] if split else []),
            *(["[cyan]existing set: only its destinations are managed here[/cyan]"] if cs.existing else []),
            *([] if cs.existing else ["sending on" if cs.sending_enabled else "[red]sending paused[/red]"]),
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
            *([f"dedicated IP pool {cs.dedicated_ip_pool}"] if cs.dedicated_ip_pool else []),
            *_monitoring_lines(config, cs),
        ]
        set_cell = f"[bold]{cs.name}[/bold]\n" + "\n".join(flags)
        if not cs.destinations:
            table.add_row(set_cell, "[yellow](none)[/yellow]", "events go nowhere", "", "")
        for index, d in enumerate(cs.destinations):
            name = d.name if d.enabled else f"{d.name} [red](disabled)[/red]"
            if d.cloudwatch is not None:
                target = "CloudWatch metrics"
                dims = "\n".join(f"{x.name} ← {x.source.config} ({x.default})" for x in d.cloudwatch.dimensions)
            elif d.firehose is not None:
                dims = ""
                if d.firehose.stream is not None:
                    target = f"Firehose {d.firehose.stream} → {stream_target(config.stream(d.firehose.stream))}"
                else:
                    target = f"Firehose {d.firehose.stream_arn}"
            elif d.sns is not None:
                dims = ""
                target = f"SNS {d.sns.topic or d.sns.topic_arn}"
            else:
                dims = ""
                target = "EventBridge default bus"
            table.add_row(set_cell if index == 0 else "", name, target, _events_text(d.events), dims)
    return table


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


def account_table(config: PlatformConfig):
    """A rich table of the account-level resources (dedicated IP pools, VDM, identities with
    their default set and the DNS records Easy DKIM needs, tenants), or ``None``."""
    from rich.table import Table

    if not (config.dedicated_ip_pools or config.vdm or config.identities or config.tenants):
        return None
    table = Table(title="Account: pools, VDM, identities, tenants", show_lines=True)
    for column in ("Resource", "Name", "Settings"):
        table.add_column(column, overflow="fold")
    for pool in config.dedicated_ip_pools:
        table.add_row("dedicated IP pool", pool.name, f"scaling {pool.scaling_mode}")
    if config.vdm is not None:
        vdm = config.vdm
        table.add_row("VDM (account)", "", f"engagement metrics {_on(vdm.engagement_metrics)}, optimized shared delivery {_on(vdm.optimized_shared_delivery)}")
    for identity in config.identities:
        lines = [f"default configuration set {identity.configuration_set}" if identity.configuration_set else "[yellow]no default configuration set[/yellow]"]
        if identity.domain is not None and identity.dkim_signing:
            lines.append("Easy DKIM: add these DNS records (tokens: stack outputs DkimRecord1-3 after deploy)")
            lines += [f"  {name} {kind} {value}" for name, kind, value in identity_rules.easy_dkim_records(identity.domain)]
        table.add_row("identity", identity.name, "\n".join(lines))
    for tenant in config.tenants:
        lines = [
            f"configuration sets: {', '.join(tenant.configuration_sets) or '(none)'}",
            f"identities: {', '.join(tenant.identities) or '(none)'}",
            f"reputation policy {tenant.reputation_policy}",
        ]
        if tenant.suppression is not None:
            reasons = ", ".join(tenant.suppression.reasons) or "nothing"
            lines.append(f"suppression list: {tenant.suppression.scope}'s, records {reasons}")
        table.add_row("tenant", tenant.name, "\n".join(lines))
    return table


def _template_target(d: Any) -> str:
    kind = d.kind.config if d.kind is not None else None
    targets = {"cloudwatch": "CloudWatch metrics", "firehose": f"Firehose {d.stream_arn}", "sns": f"SNS {d.topic_arn}"}
    return targets.get(kind, f"EventBridge {d.bus_arn}" if kind == "eventbridge" else "[red]no target[/red]")


def _on(value: bool) -> str:
    return "on" if value else "off"


def template_table(topology: Topology):
    """A rich table of what synthesized templates declare (as the simulator reads them):
    configuration sets, destinations, event types, dimensions, and the identities whose
    default set each is."""
    from rich.table import Table

    table = Table(title=f"ses-metrics: templates of {', '.join(topology.stacks)}", show_lines=True)
    for column in ("Configuration set", "Event destination", "Target", "Event types", "Dimensions (default)"):
        table.add_column(column, overflow="fold")
    defaults: dict[str | None, list[str]] = {}
    for identity, default in sorted(topology.identities.items()):
        defaults.setdefault(default, []).append(identity)
    for cs in topology.configuration_sets.values():
        flags = [
            "sending on" if cs.sending_enabled else "[red]sending paused[/red]",
            "reputation metrics on" if cs.reputation_metrics else "[yellow]reputation metrics off[/yellow]",
            *[f"default set of {identity}" for identity in defaults.get(cs.name, [])],
        ]
        set_cell = f"[bold]{cs.name}[/bold]\n" + "\n".join(flags)
        if not cs.destinations:
            table.add_row(set_cell, "[yellow](none)[/yellow]", "events go nowhere", "", "")
        for index, d in enumerate(cs.destinations):
            name = d.name if d.enabled else f"{d.name} [red](disabled)[/red]"
            dims = "\n".join(f"{x.name} ← {x.source.config} ({x.default})" for x in d.dimensions)
            events = _events_text(sorted(d.event_types, key=list(EventType).index))
            table.add_row(set_cell if index == 0 else "", name, _template_target(d), events, dims)
    return table
