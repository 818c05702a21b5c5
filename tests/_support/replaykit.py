"""A traffic profile for replay tests, written for the ``alarmed_template`` fixture."""

from __future__ import annotations

from datetime import UTC, datetime

HOUR = 3600
START = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp())
# 1,000 sends per hour each: campaign spring is clean for three hours, then bounces 6%;
# campaign autumn bounces 1% throughout.
PROFILE = {
    "start": "2026-03-02T00:00:00Z",
    "hours": 8,
    "seed": 3,
    "defaults": {"configuration_set": "marketing", "sender": "news@example.com", "sends_per_hour": 1000},
    "reputation": {"representative_volume": 5000, "minimum_volume": 500},
    "traffic": [
        {"name": "spring (clean list)", "tags": {"campaign": "spring"}, "until_hour": 3},
        {"name": "spring (bad list)", "tags": {"campaign": "spring"}, "from_hour": 3, "outcomes": {"bounce": "6%"}},
        {"name": "autumn", "tags": {"campaign": "autumn"}, "outcomes": {"bounce": "1%"}},
    ],
}
