"""Traffic profiles: the schema, its defaults, and one error per rule, named by path."""

from datetime import UTC, datetime

import pytest
from conftest import ROOT

from ses_metrics.replay import ProfileError, load_profile, parse_profile


def profile(**entry):
    return {"hours": 6, "traffic": [{"sends_per_hour": 10, **entry}]}


def test_a_constant_rate_covers_the_whole_span_by_default():
    [stream] = parse_profile(profile()).streams
    assert stream.volume == (10,) * 6 and stream.total == 60


def test_from_hour_and_until_hour_bound_the_rate():
    [stream] = parse_profile(profile(from_hour=2, until_hour=4)).streams
    assert stream.volume == (0, 0, 10, 10, 0, 0)


def test_a_list_gives_one_rate_per_hour_from_from_hour():
    [stream] = parse_profile(profile(sends_per_hour=[5, 7], from_hour=3)).streams
    assert stream.volume == (0, 0, 0, 5, 7, 0)


def test_defaults_are_merged_into_every_entry_and_entries_override_them():
    document = {"defaults": {"configuration_set": "marketing", "tags": {"campaign": "a"}},
                "traffic": [{"sends_per_hour": 1}, {"sends_per_hour": 1, "tags": {"campaign": "b"}}]}
    first, second = parse_profile(document).streams
    assert (first.configuration_set, first.tags, second.tags) == ("marketing", {"campaign": "a"}, {"campaign": "b"})


def test_percentages_become_fractions():
    [stream] = parse_profile(profile(outcomes={"bounce": "6%", "complaint": "0.05%"}, engagement={"open": "25 %"})).streams
    assert (stream.outcomes.bounce, stream.outcomes.complaint, stream.engagement.open) == (0.06, 0.0005, 0.25)


def test_defaults_of_the_file():
    parsed = parse_profile({"traffic": [{"sends_per_hour": 1}]})
    assert (parsed.start, parsed.hours, parsed.seed) == (datetime(2026, 1, 1, tzinfo=UTC), 24, 0)
    assert (parsed.reputation.representative_volume, parsed.reputation.minimum_volume) == (10_000, 500)


def test_a_name_defaults_to_the_tag_values():
    [stream] = parse_profile(profile(tags={"campaign": "spring"})).streams
    assert stream.name == "spring"


def test_the_example_profile_is_valid():
    parsed = load_profile(ROOT / "examples" / "replay" / "profile.yaml")
    assert parsed.total_sends > 10_000 and {s.configuration_set for s in parsed.streams} == {"marketing", "transactional"}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"hours": 6}, r"traffic: Field required"),
        ({"traffic": []}, r"traffic: List should have at least 1 item"),
        ({"hours": 0, "traffic": [{"sends_per_hour": 1}]}, r"hours: Input should be greater than or equal to 1"),
        (profile(outcomes={"bounce": 6}), r"traffic\[0\]\.outcomes\.bounce: 6 is not a percentage: write it with the % sign"),
        (profile(outcomes={"bounce": "120%"}), r"traffic\[0\]\.outcomes\.bounce: '120%' is more than 100%"),
        (profile(outcomes={"bounce": "60%", "complaint": "50%"}), r"traffic\[0\]\.outcomes: bounce and complaint together exceed 100%"),
        (profile(outcomes={"soft_bounce": "1%"}), r"traffic\[0\]\.outcomes\.soft_bounce: Extra inputs are not permitted"),
        (profile(sends_per_hour=-1), r"traffic\[0\]\.sends_per_hour: -1 is not a whole number of sends per hour >= 0"),
        (profile(from_hour=4, until_hour=4), r"traffic\[0\]\.from_hour: hour 4 is not before until_hour 4"),
        (profile(until_hour=7), r"traffic\[0\]\.until_hour: hour 7 is past the end of the 6-hour span"),
        (profile(sends_per_hour=[1, 1, 1], from_hour=4), r"traffic\[0\]\.sends_per_hour: 3 hours from hour 4 run past the 6-hour span"),
        (profile(sends_per_hour=[1], until_hour=2), r"traffic\[0\]\.until_hour: give either a list of sends_per_hour"),
        (profile(tags={"campaign": "spring sale"}), r"traffic\[0\]\.tags\.campaign: Invalid tag value <spring sale>"),
        (profile(configuration_set="market ing"), r"traffic\[0\]\.configuration_set: configuration set name 'market ing' contains ' '"),
        (profile(sender="nobody"), r"traffic\[0\]\.sender: 'nobody' is not an email address"),
        (profile(sends_per_hour=0), r"traffic: the profile sends nothing"),
        ({"reputation": {"representative_volume": 10, "minimum_volume": 20}, "traffic": [{"sends_per_hour": 1}]},
         r"reputation\.minimum_volume: must not exceed representative_volume"),
        ({"traffic": [3]}, r"traffic\[0\]: a traffic entry is a mapping"),
        ([], r"a profile is a mapping with a traffic: list"),
    ],
)
def test_invalid_profiles_name_the_path(document, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile(document)


def test_every_problem_is_reported_at_once():
    document = {"traffic": [{"sends_per_hour": 1, "outcomes": {"bounce": 6}}, {"sends_per_hour": 1, "sender": "x"}]}
    with pytest.raises(ProfileError) as raised:
        parse_profile(document)
    assert [p.location for p in raised.value.problems] == ["traffic[0].outcomes.bounce", "traffic[1].sender"]


def test_a_missing_file_is_a_profile_error(tmp_path):
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "missing.yaml")


def test_a_file_that_is_not_yaml_is_a_profile_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("traffic: [\n")
    with pytest.raises(ProfileError, match="not valid YAML"):
        load_profile(bad)


@pytest.mark.parametrize(
    ("start", "hours", "message"),
    [("1969-12-31T23:00:00Z", 1, r"start 1969-12-31T23:00:00\+00:00 is outside 1970-01-01T00:00:00Z \.\. 9998-12-31T23:59:59Z"),
     ("0001-01-01T00:00:00Z", 1, "start 0001-01-01"),
     ("9998-12-31T23:00:00Z", 2, r"the end of the 2-hour replay, 9999-01-01T01:00:00\+00:00 is outside")],
)
def test_a_replay_starts_and_ends_inside_the_span_ses_metrics_simulates(start, hours, message):
    with pytest.raises(ProfileError, match=message):
        parse_profile({**profile(), "start": start, "hours": hours})


def test_a_replay_may_start_at_1970_and_end_in_9998():
    assert parse_profile({**profile(), "start": "1970-01-01T00:00:00Z", "hours": 1}).start.year == 1970
    assert parse_profile({**profile(), "start": "9998-12-31T22:00:00Z", "hours": 2}).end_ms > 0


def test_a_profile_of_more_sends_than_one_replay_takes_is_refused():
    from ses_metrics.replay.profile import MAX_SENDS

    with pytest.raises(ProfileError, match=f"more than the {MAX_SENDS:,} one replay takes"):
        parse_profile({"hours": 24, "traffic": [{"sends_per_hour": MAX_SENDS // 24 + 1}]})
    assert parse_profile({"hours": 24, "traffic": [{"sends_per_hour": MAX_SENDS // 24}]}).total_sends <= MAX_SENDS
