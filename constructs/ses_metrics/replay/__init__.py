"""Replays of traffic profiles through the simulator, with the template's alarms evaluated
(no ``aws_cdk`` import; see engine.py). ``ses-metrics replay`` is the command."""

from __future__ import annotations

from ses_metrics.replay.engine import ReplayResult, replay
from ses_metrics.replay.profile import Profile, ProfileError, load_profile, parse_profile

__all__ = ["Profile", "ProfileError", "ReplayResult", "load_profile", "parse_profile", "replay"]
