"""The default EventBridge bus receiving SES events, and the rules that match them.

``put_count`` (per bus) and ``rule_matches`` (per rule name) count what arrives; with
``keep_events=False`` (long replays) nothing else is kept and ``events`` stays empty."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from ses_metrics.rules import EventType
from ses_metrics.simulator.eventpattern import matches
from ses_metrics.simulator.sends import Ids
from ses_metrics.simulator.topology import EventRule


class EventBusSink:
    def __init__(self, rules: list[EventRule], ids: Ids, account: str, region: str, *, keep_events: bool = True):
        self.rules = rules
        self.keep_events = keep_events
        self.put_count: Counter[str] = Counter()
        self.rule_matches: Counter[str] = Counter()
        self.ids = ids
        self.account = account
        self.region = region
        self.events: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def put(self, bus: str, event_type: EventType, record: dict[str, Any], ms: int, configuration_set_arn: str) -> tuple[dict[str, Any], list[EventRule]]:
        """SES's EventBridge envelope (``source`` ``aws.ses``, AWS's past-tense detail-types,
        the record as ``detail``) and the enabled rules on that bus whose pattern matches."""
        envelope = {
            "version": "0",
            "id": self.ids.uuid(),
            "detail-type": event_type.detail_type,
            "source": "aws.ses",
            "account": self.account,
            "time": datetime.fromtimestamp(ms // 1000, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": self.region,
            "resources": [configuration_set_arn],
            "detail": record,
        }
        self.put_count[bus] += 1
        if self.keep_events:
            self.events[bus].append(envelope)
        matched = [r for r in self.rules if r.bus == bus and r.enabled and r.pattern is not None and matches(r.pattern, envelope)]
        for rule in matched:
            self.rule_matches[rule.name] += 1
        return envelope, matched
