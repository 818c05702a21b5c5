"""Arguments of the constructs as ``rules`` judges them: aws-cdk-lib's own types
(``aws_ses.EmailSendingEvent``, ``aws_ses.CloudWatchDimension``) become ses-metrics' ones,
and a value of the wrong type becomes a ``Problem`` naming the argument, never an
``AttributeError`` later."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aws_cdk import aws_ses as ses

from ses_metrics import rules
from ses_metrics.cdk._tokens import known
from ses_metrics.cdk.dimensions import Dimension
from ses_metrics.rules import DimensionSource, EventType, Problem, show

EventsArg = str | Sequence[EventType | ses.EmailSendingEvent | str] | None
DimensionArg = Dimension | ses.CloudWatchDimension


def event_types(events: Any) -> tuple[tuple[EventType, ...], list[Problem]]:
    """``events``: ``None`` (all), ``"all"``, or a list of ``EventType``,
    ``aws_ses.EmailSendingEvent`` or event names; problems located under ``events``."""
    if isinstance(events, ses.EmailSendingEvent | EventType):
        return (), [Problem(("events",), f"events must be a list (or 'all'); got the single value {show(events)}: use [{show(events)}]")]
    if isinstance(events, Sequence) and not isinstance(events, str):
        events = [EventType[e.name] if isinstance(e, ses.EmailSendingEvent) else e for e in events]
    parsed, problems = rules.parse_event_types(rules.ALL_EVENTS if events is None else events)
    return parsed, rules.under(problems, "events")


def dimensions(values: Any) -> tuple[list[Dimension], list[Problem]]:
    """``dimensions``: a list of ``Dimension`` or ``aws_ses.CloudWatchDimension``;
    anything else is a problem at ``dimensions[i]``."""
    if isinstance(values, Dimension | ses.CloudWatchDimension | str) or not isinstance(values, Sequence):
        return [], [Problem(("dimensions",), f"dimensions must be a list of Dimension or aws_ses.CloudWatchDimension; got {show(values)}")]
    found: list[Dimension] = []
    problems: list[Problem] = []
    for index, value in enumerate(values):
        if isinstance(value, Dimension):
            found.append(value)
        elif isinstance(value, ses.CloudWatchDimension):
            found.append(Dimension(value.name, DimensionSource[value.source.name], value.default_value))
        else:
            problems.append(
                Problem(
                    ("dimensions", index),
                    f"{show(value)} is not a dimension: use Dimension.message_tag(name, default=...) (or email_header, "
                    "link_tag) or aws_ses.CloudWatchDimension(name=..., source=..., default_value=...)",
                )
            )
    return found, problems


def judged(dimension: Dimension) -> tuple[Any, DimensionSource, Any]:
    """A dimension as ``rules.check_dimensions`` takes it (tokens unresolved)."""
    return known(dimension.name), dimension.source, known(dimension.default)


def attribute(value: Any, name: str, argument: str, expected: str) -> list[Problem]:
    """A problem at ``argument`` when ``value`` lacks the attribute ``name``."""
    if getattr(value, name, None) is None:
        return [Problem((argument,), f"{argument} must be {expected}; got {show(value)}")]
    return []
