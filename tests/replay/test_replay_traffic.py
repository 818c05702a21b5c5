"""From a profile to sends: the clock, the seeded outcome draws, the requests."""

from collections import Counter
from datetime import UTC, datetime

from ses_metrics.replay import parse_profile
from ses_metrics.replay.traffic import RECIPIENT, sends
from ses_metrics.simulator.sends import validate_request

START = datetime(2026, 3, 2, tzinfo=UTC)


def stream(**entry):
    return {"start": "2026-03-02T00:00:00Z", "hours": 2, "traffic": [{"sends_per_hour": 4, "configuration_set": "marketing", **entry}]}


def recipient(send):
    return send.request["Destination"]["ToAddresses"][0]


def fate(send):
    """What the send's engagement says its recipient does: bounce, complaint or delivered."""
    return "bounce" if send.engagement.bounces else "complaint" if send.engagement.complaints else "delivered"


def test_every_send_goes_to_a_real_recipient_not_the_mailbox_simulator():
    # mailbox simulator messages never count towards the reputation rates a replay is about
    profile = parse_profile(stream(outcomes={"bounce": "50%", "complaint": "50%"}))
    assert {recipient(s) for _, s in sends(profile)} == {RECIPIENT}
    assert not RECIPIENT.endswith("simulator.amazonses.com")


def test_sends_of_an_hour_are_spread_evenly_over_it():
    times = [send.at for _, send in sends(parse_profile(stream()))]
    assert [t.strftime("%H:%M:%S") for t in times] == ["00:07:30", "00:22:30", "00:37:30", "00:52:30", "01:07:30", "01:22:30", "01:37:30", "01:52:30"]


def test_entries_are_merged_in_time_order():
    document = stream()
    document["traffic"].append({"sends_per_hour": 1, "configuration_set": "transactional"})
    merged = list(sends(parse_profile(document)))
    assert [ms for ms, _ in merged] == sorted(ms for ms, _ in merged)
    assert Counter(s.request["ConfigurationSetName"] for _, s in merged) == {"marketing": 8, "transactional": 2}


def test_outcome_shares_follow_the_rates():
    profile = parse_profile(stream(sends_per_hour=20_000, outcomes={"bounce": "6%", "complaint": "1%"}))
    shares = Counter(fate(s) for _, s in sends(profile))
    assert abs(shares["bounce"] / 40_000 - 0.06) < 0.005
    assert abs(shares["complaint"] / 40_000 - 0.01) < 0.002
    assert shares["bounce"] + shares["complaint"] + shares["delivered"] == 40_000


def test_the_same_seed_gives_the_same_sends_and_another_seed_other_ones():
    profile = parse_profile(stream(sends_per_hour=500, outcomes={"bounce": "10%"}, engagement={"open": "30%"}))

    def draws(seed):
        return [(fate(s), tuple(s.engagement.opens)) for _, s in sends(profile, seed)]

    assert draws(1) == draws(1)
    assert draws(1) != draws(2)


def test_bounced_recipients_are_never_delayed_opened_or_clicked():
    profile = parse_profile(
        stream(sends_per_hour=2000, outcomes={"bounce": "50%", "delivery_delay": "100%"}, engagement={"open": "100%", "click": "100%"})
    )
    for _, send in sends(profile):
        engaged = bool(send.engagement.opens or send.engagement.clicks or send.engagement.delays)
        assert engaged is (fate(send) != "bounce")


def test_requests_are_valid_send_email_calls_with_the_tags():
    [(_, send)] = list(sends(parse_profile({"hours": 1, "traffic": [{"sends_per_hour": 1, "tags": {"campaign": "spring"}}]})))
    assert validate_request(send.request) == []
    assert send.request["EmailTags"] == [{"Name": "campaign", "Value": "spring"}]
    assert "href=" in send.request["Content"]["Simple"]["Body"]["Html"]["Data"]  # a link SES can track
