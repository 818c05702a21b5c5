"""EventBridge event patterns over SES events."""

import pytest

from ses_metrics.simulator.eventpattern import matches

EVENT = {
    "source": "aws.ses",
    "detail-type": "Email Bounced",
    "detail": {"eventType": "Bounce", "mail": {"tags": {"campaign": ["spring"]}, "destination": ["a@x.com", "b@y.com"]}, "bounce": {"bounceType": "Permanent", "n": 3}},
}


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["aws.ses"]},
        {"detail-type": ["Email Delivered", "Email Bounced"]},
        {"detail": {"mail": {"tags": {"campaign": ["spring"]}}}},
        {"detail": {"mail": {"destination": [{"suffix": "@y.com"}]}}},
        {"detail": {"bounce": {"bounceType": [{"prefix": "Perm"}]}}},
        {"detail": {"bounce": {"bounceType": [{"equals-ignore-case": "permanent"}]}}},
        {"detail": {"bounce": {"bounceType": [{"anything-but": ["Transient"]}]}}},
        {"detail": {"bounce": {"bounceType": [{"anything-but": {"prefix": "Trans"}}]}}},
        {"detail": {"bounce": {"n": [{"numeric": [">", 2, "<=", 3]}]}}},
        {"detail": {"bounce": {"bounceSubType": [{"exists": False}]}}},
        {"detail": {"bounce": {"bounceType": [{"exists": True}]}}},
        {"detail-type": [{"wildcard": "Email *ed"}]},
        {"$or": [{"source": ["nope"]}, {"detail-type": ["Email Bounced"]}]},
    ],
)
def test_matching_patterns(pattern):
    assert matches(pattern, EVENT)


@pytest.mark.parametrize(
    "pattern",
    [
        {"source": ["aws.sns"]},
        {"detail": {"mail": {"tags": {"campaign": ["summer"]}}}},
        {"detail": {"bounce": {"bounceType": [{"anything-but": "Permanent"}]}}},
        {"detail": {"bounce": {"bounceSubType": ["General"]}}},
        {"detail": {"bounce": {"n": [{"numeric": [">", 3]}]}}},
        {"detail": {"bounce": {"bounceType": [{"exists": False}]}}},
        {"$or": [{"source": ["nope"]}, {"detail-type": ["Email Sent"]}]},
        {"source": "aws.ses"},
    ],
)
def test_non_matching_patterns(pattern):
    assert not matches(pattern, EVENT)
