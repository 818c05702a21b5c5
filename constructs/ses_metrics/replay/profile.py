"""Traffic profiles: what a replay sends, when, and what happens to each message.

    start: "2026-03-02T00:00:00Z"      # default 2026-01-01T00:00:00Z
    hours: 12                          # the span, default 24
    seed: 7                            # default 0; `--seed` overrides it
    defaults:                          # merged into every traffic entry
      sender: "Example News <news@example.com>"
      configuration_set: marketing
    reputation: {representative_volume: 10000, minimum_volume: 500}   # see reputation.py
    traffic:
      - name: spring                   # a label; default: the tag values
        tags: {campaign: spring-sale}  # EmailTags of every send
        sends_per_hour: 1000           # or a list: one number per hour from from_hour
        from_hour: 3                   # default 0 (the start)
        until_hour: 9                  # default: the end of the span (exclusive)
        outcomes: {bounce: 6%, complaint: 0.05%, delivery_delay: 1%}   # of recipients
        engagement: {open: 30%, click: 4%}                              # of delivered recipients

Every send is one ``SendEmail`` call with one recipient, so rates per send and per
recipient agree. Sends of an hour are spread evenly over it. Rates are percentages with
the ``%`` sign (``6%``, ``0.05%``): a bare number would leave 6 and 0.06 ambiguous.
Outcome draws and engagement are seeded (``seed``), so a profile replays identically.

Every problem is reported at once with its path (``traffic[1].outcomes.bounce``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from ses_metrics import rules
from ses_metrics.rules import Problem
from ses_metrics.rules.defaults import check_time
from ses_metrics.simulator.account import DEFAULT_MINIMUM_VOLUME, DEFAULT_REPRESENTATIVE_VOLUME
from ses_metrics.simulator.scenario import ScenarioError, read_document
from ses_metrics.simulator.sends import DEFAULT_START

MAX_HOURS = 24 * 366
# The most sends one profile may replay (ses-metrics' choice): about 40 minutes at the
# replay's ~45,000 sends per second (benchmarks/RESULTS.md). Split a larger replay.
MAX_SENDS = 100_000_000
DEFAULT_HOURS = 24
# SES does not say how large its representative volume is; these defaults are assumptions
# (docs/replay.md), and a profile may change them.
_PERCENT = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*%\s*")


class ProfileError(ScenarioError):
    """The profile file is unreadable or invalid (a usage error); ``problems`` lists each by path."""


def _percent(value: Any) -> float:
    """``"6%"`` -> ``0.06``."""
    match = _PERCENT.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"{value!r} is not a percentage: write it with the % sign, such as 6% or 0.05%")
    fraction = float(match.group(1)) / 100
    if fraction > 1:
        raise ValueError(f"{value!r} is more than 100%")
    return fraction


Percent = Annotated[float, BeforeValidator(_percent)]


def _volume(value: Any) -> int | list[int]:
    """A whole number of sends per hour >= 0, or a list of them (one per hour)."""

    def whole(item: Any) -> bool:
        return isinstance(item, int) and not isinstance(item, bool) and item >= 0

    if whole(value) or (isinstance(value, list) and value and all(whole(v) for v in value)):
        return value  # type: ignore[no-any-return]
    raise ValueError(f"{value!r} is not a whole number of sends per hour >= 0, nor a non-empty list of them (one per hour)")


Volume = Annotated[int | list[int], BeforeValidator(_volume)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Outcomes(_Strict):
    """What happens to recipients, as shares of them: ``bounce`` (a hard bounce),
    ``complaint`` (delivered, then a complaint), ``delivery_delay`` (a DeliveryDelay before
    the delivery; bounced recipients are never delayed). The rest is delivered. Each
    defaults to 0%."""

    bounce: Percent = 0.0
    complaint: Percent = 0.0
    delivery_delay: Percent = 0.0


class EngagementRates(_Strict):
    """What delivered recipients do, each drawn on its own: ``open`` and ``click`` (of the
    message's one tracked link). Default 0%."""

    open: Percent = 0.0
    click: Percent = 0.0


class Reputation(_Strict):
    """How the replay models SES's reputation rates (simulator/reputation.py): over the last
    ``representative_volume`` sends of each scope, published once the scope has sent
    ``minimum_volume``."""

    representative_volume: int = Field(DEFAULT_REPRESENTATIVE_VOLUME, ge=1, le=10_000_000)
    minimum_volume: int = Field(DEFAULT_MINIMUM_VOLUME, ge=1)


class Traffic(_Strict):
    name: str | None = None
    configuration_set: str | None = None
    tenant: str | None = Field(None, description="send through this SES tenant (TenantName)")
    sender: str = "news@example.com"
    tags: dict[str, str] = Field(default_factory=dict)
    sends_per_hour: Volume
    from_hour: int = Field(0, ge=0)
    until_hour: int | None = Field(None, ge=1)
    outcomes: Outcomes = Field(default_factory=Outcomes)
    engagement: EngagementRates = Field(default_factory=EngagementRates)


class _ProfileFile(_Strict):
    start: datetime = DEFAULT_START
    hours: int = Field(DEFAULT_HOURS, ge=1, le=MAX_HOURS)
    seed: int = 0
    defaults: dict[str, Any] = Field(default_factory=dict)
    reputation: Reputation = Field(default_factory=Reputation)
    traffic: list[Any] = Field(min_length=1)


@dataclass(frozen=True)
class Stream:
    """One traffic entry, checked and resolved: ``volume[h]`` sends in hour ``h`` of the span."""

    index: int
    name: str
    configuration_set: str | None
    sender: str
    tags: dict[str, str]
    volume: tuple[int, ...]
    outcomes: Outcomes
    engagement: EngagementRates
    tenant: str | None = None

    @property
    def total(self) -> int:
        return sum(self.volume)


@dataclass(frozen=True)
class Profile:
    start: datetime
    hours: int
    seed: int
    reputation: Reputation
    streams: tuple[Stream, ...]
    source: str = "<profile>"

    @property
    def total_sends(self) -> int:
        return sum(s.total for s in self.streams)

    @property
    def start_ms(self) -> int:
        return int(self.start.timestamp() * 1000)

    @property
    def end_ms(self) -> int:
        return self.start_ms + self.hours * 3_600_000


def load_profile(path: str | os.PathLike[str]) -> Profile:
    """A profile file (YAML or JSON); raises ``ProfileError`` listing every problem."""
    return parse_profile(read_document(path, ProfileError), str(path))


def parse_profile(data: Any, source: str = "<profile>") -> Profile:
    """A profile from an already-parsed document."""
    if not isinstance(data, dict):
        raise ProfileError(source, [Problem((), "a profile is a mapping with a traffic: list")])
    try:
        document = _ProfileFile.model_validate(data)
    except ValidationError as error:
        raise ProfileError(source, _problems(error)) from None
    problems: list[Problem] = []
    streams = []
    for index, raw in enumerate(document.traffic):
        if not isinstance(raw, dict):
            problems.append(Problem(("traffic", index), "a traffic entry is a mapping with at least sends_per_hour"))
            continue
        try:
            entry = Traffic.model_validate({**document.defaults, **raw})
        except ValidationError as error:
            problems += [p.under("traffic", index) for p in _problems(error)]
            continue
        found = _check(entry, document.hours)
        problems += [p.under("traffic", index) for p in found]
        if not found:
            streams.append(_stream(index, entry, document.hours))
    if not problems and not any(s.total for s in streams):
        problems.append(Problem(("traffic",), "the profile sends nothing: give at least one entry a sends_per_hour above 0"))
    if sum(s.total for s in streams) > MAX_SENDS:
        problems.append(Problem(("traffic",), f"the profile sends {sum(s.total for s in streams):,} messages, more than the "
                                              f"{MAX_SENDS:,} one replay takes: replay fewer hours or lower volumes"))
    problems += _check_span(document.start, document.hours)
    if document.reputation.minimum_volume > document.reputation.representative_volume:
        problems.append(
            Problem(("reputation", "minimum_volume"), "must not exceed representative_volume: the window never holds more sends than that")
        )
    if problems:
        raise ProfileError(source, problems)
    start = document.start.replace(tzinfo=UTC) if document.start.tzinfo is None else document.start.astimezone(UTC)
    return Profile(start, document.hours, document.seed, document.reputation, tuple(streams), source)


def _check_span(start: datetime, hours: int) -> list[Problem]:
    """The replay starts and ends inside the span ses-metrics simulates (rules.defaults)."""
    why = check_time(start, "start")
    if why is None:
        end = (start if start.tzinfo else start.replace(tzinfo=UTC)) + timedelta(hours=hours)
        if check_time(end - timedelta(microseconds=1)):  # the span ends at ``end``, exclusive
            why = check_time(end, f"the end of the {hours}-hour replay,")
    return [Problem(("start",), why)] if why else []


def _problems(error: ValidationError) -> list[Problem]:
    return [Problem(tuple(e["loc"]), e["msg"].removeprefix("Value error, ")) for e in error.errors(include_url=False)]


def _check(entry: Traffic, hours: int) -> list[Problem]:
    problems: list[Problem] = []
    if entry.configuration_set is not None:
        problems += rules.under(rules.check_configuration_set_name(entry.configuration_set), "configuration_set")
    if "@" not in parseaddr(entry.sender)[1]:
        problems.append(Problem(("sender",), f"{entry.sender!r} is not an email address such as news@example.com"))
    for name, value in entry.tags.items():
        problems += [Problem(("tags", name), p.message) for p in rules.check_message_tag(name, value)]
    if isinstance(entry.sends_per_hour, list):
        if entry.until_hour is not None:
            problems.append(Problem(("until_hour",), "give either a list of sends_per_hour (one per hour) or until_hour, not both"))
        elif entry.from_hour + len(entry.sends_per_hour) > hours:
            problems.append(
                Problem(("sends_per_hour",), f"{len(entry.sends_per_hour)} hours from hour {entry.from_hour} run past the {hours}-hour span")
            )
    else:
        until = hours if entry.until_hour is None else entry.until_hour
        if until > hours:
            problems.append(Problem(("until_hour",), f"hour {until} is past the end of the {hours}-hour span"))
        if entry.from_hour >= until:
            problems.append(Problem(("from_hour",), f"hour {entry.from_hour} is not before until_hour {until}"))
    if entry.outcomes.bounce + entry.outcomes.complaint > 1:
        problems.append(Problem(("outcomes",), "bounce and complaint together exceed 100% of recipients"))
    return problems


def _stream(index: int, entry: Traffic, hours: int) -> Stream:
    volume = [0] * hours
    if isinstance(entry.sends_per_hour, list):
        for offset, count in enumerate(entry.sends_per_hour):
            volume[entry.from_hour + offset] = count
    else:
        for hour in range(entry.from_hour, hours if entry.until_hour is None else entry.until_hour):
            volume[hour] = entry.sends_per_hour
    name = entry.name or ",".join(entry.tags.values()) or f"traffic[{index}]"
    return Stream(
        index, name, entry.configuration_set, entry.sender, dict(entry.tags), tuple(volume), entry.outcomes, entry.engagement, entry.tenant
    )
