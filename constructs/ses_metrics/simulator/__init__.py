"""The local SES event-publishing simulator (no ``aws_cdk`` import; see engine.py).

It reads synthesized templates, never ses-metrics.yaml: what it checks is what would be
deployed. Pipeline: template -> topology -> send -> message -> events -> router -> sinks.
"""

from __future__ import annotations

from ses_metrics.simulator import errors
from ses_metrics.simulator.account import AccountSettings
from ses_metrics.simulator.engagement import Bounce, Click, Complaint, Delay, Engagement, Unsubscribe
from ses_metrics.simulator.engine import SimulationResult, Simulator
from ses_metrics.simulator.errors import SendError
from ses_metrics.simulator.faults import Faults
from ses_metrics.simulator.outcomes import (
    CloudWatchDelivery,
    Delivery,
    Drop,
    EventBridgeDelivery,
    EventOutcome,
    Filtered,
    FilterReason,
    FirehoseDelivery,
    SendResult,
    SnsDelivery,
)
from ses_metrics.simulator.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from ses_metrics.simulator.sends import SimulationOptions
from ses_metrics.simulator.template import Environment, TemplateError

__all__ = [
    "AccountSettings", "Bounce", "Click", "CloudWatchDelivery", "Complaint", "Delay", "Delivery", "Drop", "Engagement", "Environment",
    "EventBridgeDelivery", "EventOutcome", "Faults", "FilterReason", "Filtered", "FirehoseDelivery", "Scenario", "ScenarioError", "SendError",
    "SendResult", "SimulationOptions", "SimulationResult", "Simulator", "SnsDelivery", "TemplateError", "Unsubscribe", "errors", "load_scenario",
    "parse_scenario",
]
