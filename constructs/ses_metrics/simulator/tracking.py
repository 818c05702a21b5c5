"""Per-message open and click tracking: ``ConfigurationOverrides.Tracking`` of
``SendEmail`` / ``SendBulkEmail`` (SESv2 model; DG "Configuration overrides").

``DISABLED`` means SES adds no tracking image (no Open events) or rewrites no links (no
Click events) for that message; the other event types are unaffected. ``ENABLED`` cannot
add events for a configuration set with no destination matching them ("has no effect"), so
it changes nothing here: opens and clicks reach the destinations that match them, as
without an override. Applying an override also needs the IAM permission
``ses:ApplyTrackingConfigurationOverrides``, which the simulator does not evaluate.
"""

from __future__ import annotations

from typing import Any

from ses_metrics.rules import EventType

DISABLED = "DISABLED"
_KEYS = {"OpenTrackingEnabled": EventType.OPEN, "ClickTrackingEnabled": EventType.CLICK}
NONE: frozenset[EventType] = frozenset()


def untracked(request: dict[str, Any]) -> frozenset[EventType]:
    """The engagement event types the request turns off for its messages."""
    tracking = (request.get("ConfigurationOverrides") or {}).get("Tracking") or {}
    if not tracking:
        return NONE
    return frozenset(event for key, event in _KEYS.items() if tracking.get(key) == DISABLED)
