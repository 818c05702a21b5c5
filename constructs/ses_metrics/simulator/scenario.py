"""Scenario files: the sends to simulate, as YAML or JSON.

    start: "2026-01-01T09:00:00Z"        # optional: the clock for the first send
    defaults:                            # optional: merged into every send
      FromEmailAddress: news@example.com
      ConfigurationSetName: marketing
    templates:                           # optional: templates not in the stack
      welcome: {Subject: "Hi {{name}}", Html: "<p>Hi {{name}}</p>", Text: "Hi {{name}}"}
    sends:
      - Destination: {ToAddresses: [success@simulator.amazonses.com]}
        EmailTags: [{Name: campaign, Value: spring}]
        Content: {Simple: {Subject: {Data: Hi}, Body: {Html: {Data: "<a href='https://x.test'>x</a>"}}}}
        opens: all                       # simulation keys are lower case (not sent to SES)
        clicks: [{recipient: success@simulator.amazonses.com, link: "https://x.test"}]

Each send's upper-case keys are the exact keyword arguments of boto3's
``sesv2.send_email`` (or ``send_bulk_email`` when ``BulkEmailEntries`` is present), checked
against botocore's service model. Lower-case keys are simulation keys:

- ``name``: a label shown in reports;
- ``at``: when the send happens (ISO 8601); default: one second after the previous send;
- ``opens``: ``all`` or a list of recipients who open the message;
- ``clicks``: ``all`` (every delivered recipient clicks every tracked link) or a list of
  recipients or ``{recipient, link}`` (``link``: a URL in the HTML or its index; default the
  first tracked link);
- ``delays``: recipients (or ``{recipient, type, seconds}``) whose delivery is delayed first
  (``type`` is a DeliveryDelay ``delayType``, default ``TransientCommunicationFailure``;
  ``seconds`` how long, default 600: past the set's MaxDeliverySeconds it ends in a bounce);
- ``unsubscribes``: recipients (or ``{recipient, unsubscribe_all, source}``) who unsubscribe
  through SES list management (the send needs ``ListManagementOptions``);
- ``bounces``: real recipients (or ``{recipient, type, subtype}``, default Permanent/General)
  whose server bounces the message;
- ``complaints``: real recipients (or ``{recipient, feedback_type}``, default abuse) who
  report the delivered message.

An optional top-level ``account:`` describes the sending account (``AccountSettings``):
``suppressed_reasons`` (default ``[BOUNCE, COMPLAINT]``), ``suppressed`` (``{address:
reason}`` already on the suppression list), ``tenant_suppressed`` (``{tenant: {address:
reason}}`` already on tenants' lists), ``verified_identities_only`` and ``sandbox``.

An optional top-level ``reputation:`` (``representative_volume``, default 10,000;
``minimum_volume``, default 1) sets how the reputation rates are computed (reputation.py).

An optional top-level ``expect:`` list says what the sends must lead to. The simulator keeps
it as written (``Scenario.expect``); ``ses_metrics.ci.scenarios`` parses it for ``ses-metrics
check`` and the pytest plugin.

Every problem is reported at once with its path (``sends[2].Destination.ToAddresses``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ses_metrics import rules
from ses_metrics.files import documents
from ses_metrics.files.collector import collector_paused
from ses_metrics.rules import Problem
from ses_metrics.rules.defaults import check_time
from ses_metrics.simulator.account import SCENARIO_REPUTATION, AccountSettings, ReputationSettings
from ses_metrics.simulator.codec import encode_key
from ses_metrics.simulator.engagement import NO_ENGAGEMENT, Bounce, Click, Complaint, Delay, Engagement, Unsubscribe
from ses_metrics.simulator.sends import validate_request
from ses_metrics.simulator.topology import EmailTemplate


class ScenarioError(Exception):
    """The scenario file is unreadable or not a valid list of sends (a usage error)."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem{'s' if len(problems) != 1 else ''}:\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Click(_Strict):
    recipient: str
    link: str | int | None = None


class _Delay(_Strict):
    recipient: str
    type: Literal[rules.DELAY_TYPES] = Delay.delay_type  # type: ignore[valid-type]
    seconds: int = Field(Delay.seconds, ge=1)


class _Bounce(_Strict):
    recipient: str
    type: Literal[tuple(rules.BOUNCE_SUBTYPES)] = Bounce.bounce_type  # type: ignore[valid-type]
    subtype: str = Bounce.subtype

    @model_validator(mode="after")
    def _known_subtype(self) -> _Bounce:
        allowed = [s for s in rules.BOUNCE_SUBTYPES[self.type] if s not in rules.SUPPRESSED_SUBTYPES]
        if self.subtype not in allowed:
            hint = " (SES sets it itself for an address on the suppression list: list the address under account.suppressed" \
                   " or account.tenant_suppressed)" if self.subtype in rules.SUPPRESSED_SUBTYPES else ""
            raise ValueError(f"bounce subtype {self.subtype!r} is not one of {', '.join(allowed)} for a {self.type} bounce{hint}")
        return self


class _Complaint(_Strict):
    recipient: str
    feedback_type: Literal[rules.COMPLAINT_FEEDBACK_TYPES] = Complaint.feedback_type  # type: ignore[valid-type]


class _Unsubscribe(_Strict):
    recipient: str
    unsubscribe_all: bool = True
    source: Literal["UnsubscribeHeader", "UnsubscribeLink", "ListManagement"] = "UnsubscribeHeader"


class SimulationKeys(_Strict):
    """The lower-case keys of a send."""

    name: str | None = None
    at: datetime | None = None
    opens: Literal["all"] | list[str] = Field(default_factory=list)
    clicks: Literal["all"] | list[str | _Click] = Field(default_factory=list)
    delays: list[str | _Delay] = Field(default_factory=list)
    unsubscribes: list[str | _Unsubscribe] = Field(default_factory=list)
    bounces: list[str | _Bounce] = Field(default_factory=list)
    complaints: list[str | _Complaint] = Field(default_factory=list)

    def engagement(self) -> Engagement:
        clicks: Any = "all" if self.clicks == "all" else [Click(c) if isinstance(c, str) else Click(c.recipient, c.link) for c in self.clicks]
        return Engagement(
            opens=self.opens,
            clicks=clicks,
            delays=[Delay(d) if isinstance(d, str) else Delay(d.recipient, d.type, d.seconds) for d in self.delays],
            unsubscribes=[Unsubscribe(u) if isinstance(u, str) else Unsubscribe(u.recipient, u.unsubscribe_all, u.source) for u in self.unsubscribes],
            bounces=[Bounce(b) if isinstance(b, str) else Bounce(b.recipient, b.type, b.subtype) for b in self.bounces],
            complaints=[Complaint(c) if isinstance(c, str) else Complaint(c.recipient, c.feedback_type) for c in self.complaints],
        )


class _Reputation(_Strict):
    """The scenario's ``reputation:`` (``ReputationSettings``; default a window of 10,000
    sends, published from the first)."""

    representative_volume: int = Field(SCENARIO_REPUTATION.representative_volume, ge=1, le=10_000_000)
    minimum_volume: int = Field(SCENARIO_REPUTATION.minimum_volume, ge=1)

    def settings(self) -> ReputationSettings:
        return ReputationSettings(self.representative_volume, self.minimum_volume)


class _Account(_Strict):
    """The scenario's ``account:`` (``AccountSettings``)."""

    suppressed_reasons: list[Literal[rules.SUPPRESSION_REASONS]] = list(rules.DEFAULT_SUPPRESSED_REASONS)  # type: ignore[valid-type]
    suppressed: dict[str, Literal[rules.SUPPRESSION_REASONS]] = Field(default_factory=dict)  # type: ignore[valid-type]
    tenant_suppressed: dict[str, dict[str, Literal[rules.SUPPRESSION_REASONS]]] = Field(default_factory=dict)  # type: ignore[valid-type]
    verified_identities_only: bool | None = None
    sandbox: bool = False

    def settings(self) -> AccountSettings:
        return AccountSettings(tuple(self.suppressed_reasons), dict(self.suppressed), True, self.verified_identities_only, self.sandbox,
                               {tenant: dict(listed) for tenant, listed in self.tenant_suppressed.items()})


class _Template(_Strict):
    Subject: str = ""
    Html: str | None = None
    Text: str | None = None


class _ScenarioFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: datetime | None = None
    defaults: dict[str, Any] = Field(default_factory=dict)
    templates: dict[str, _Template] = Field(default_factory=dict)
    sends: list[Any]
    expect: list[Any] = Field(default_factory=list)
    account: _Account | None = None
    reputation: _Reputation | None = None

    def template_map(self) -> dict[str, EmailTemplate]:
        return {name: EmailTemplate(name, t.Subject, t.Html, t.Text) for name, t in self.templates.items()}

    def account_settings(self) -> AccountSettings | None:
        return self.account.settings() if self.account is not None else None

    def reputation_settings(self) -> ReputationSettings | None:
        return self.reputation.settings() if self.reputation is not None else None


@dataclass(frozen=True)
class ScenarioSend:
    """One send of a scenario: the boto3 request and what the recipients do."""

    request: dict[str, Any]
    operation: Literal["SendEmail", "SendBulkEmail"] = "SendEmail"
    engagement: Engagement = NO_ENGAGEMENT
    at: datetime | None = None
    name: str | None = None
    api: int = 2  # 1: an SES v1 call (capture.py): v1's limits
    # ``request`` as compact JSON when the scenario reader encoded it to check it (the engine's
    # key for a request sent again: not encoded twice); None: the engine encodes it
    encoded: bytes | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Scenario:
    """The sends to simulate (a list, or for a file read lazily an iterable that reads them
    again each time it is iterated, with a length), and what the scenario file says besides."""

    sends: Sequence[ScenarioSend] | Iterable[ScenarioSend]
    templates: dict[str, EmailTemplate] = field(default_factory=dict)
    start: datetime | None = None
    expect: list[Any] = field(default_factory=list)  # the file's expect: list, unparsed
    source: str = "<scenario>"
    account: AccountSettings | None = None  # the file's account: (None: the simulator's own)
    reputation: ReputationSettings | None = None  # the file's reputation: (None: the simulator's own)


def read_document(path: str | os.PathLike[str], error: type[ScenarioError] = ScenarioError) -> Any:
    """A YAML or JSON file, parsed within ``ses_metrics.files.documents``' limits; raises
    ``error`` (a ``ScenarioError``) when it cannot be read."""
    try:
        return documents.read_document(path)
    except documents.DocumentError as problem:
        raise error(str(path), [Problem((), problem.reason)]) from None


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """A scenario file (YAML or JSON); raises ``ScenarioError`` listing every problem."""
    return parse_scenario(read_document(path), str(path))


def parse_scenario(data: Any, source: str = "<scenario>") -> Scenario:
    """A scenario from an already-parsed document (its sends read with the cyclic collector
    paused: ``files.collector``). Sends equal as JSON, with no simulation keys, are one
    ``ScenarioSend`` (``SendReader``): change a send's request and every equal send has it."""
    document = parse_header(data, source)
    reader = SendReader(document.defaults)
    problems: list[Problem] = []
    sends = []
    with collector_paused():
        for index, raw in enumerate(document.sends):
            send = reader.read(raw, index, problems)
            if send is not None:
                sends.append(send)
    if problems:
        raise ScenarioError(source, problems)
    return Scenario(sends, document.template_map(), _utc(document.start), list(document.expect), source, document.account_settings(),
                    document.reputation_settings())


def parse_header(data: Any, source: str) -> _ScenarioFile:
    """The scenario's top level (``sends`` as given), or a ``ScenarioError``."""
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem((), "a scenario is a mapping with a sends: list")])
    try:
        header = _ScenarioFile.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, [Problem(tuple(e["loc"]), e["msg"]) for e in error.errors(include_url=False)]) from None
    if header.start is not None and (why := check_time(header.start, "start")):
        raise ScenarioError(source, [Problem(("start",), why)])
    return header


class SendReader:
    """Turns a scenario's raw sends into ``ScenarioSend``s, with ``defaults`` merged.

    ``validate``: check each request against botocore's model (a request seen before, equal
    as JSON, is not checked again: scenarios repeat them). Problems are appended, located
    at ``sends[i]``. Sends equal as JSON with no simulation keys are read as one
    ``ScenarioSend`` (frozen): the engine then meets one request, not a copy per send."""

    def __init__(self, defaults: dict[str, Any], *, validate: bool = True):
        self.defaults = defaults
        self.validate = validate
        # Per request as JSON: its problems, and the send it was read as (None: it has
        # simulation keys, a send of its own each time)
        self._checked: dict[bytes, tuple[list[str], ScenarioSend | None]] = {}

    def read(self, raw: Any, index: int, problems: list[Problem]) -> ScenarioSend | None:
        """The send ``raw`` (``sends[index]``) is, or None; its problems appended."""
        raw_encoded = encode_key(raw) if self.validate and not self.defaults and raw.__class__ is dict else None
        if raw_encoded is not None and (send := self._read_before(raw_encoded, index, problems)) is not None:
            return send
        if not isinstance(raw, dict) or not all(isinstance(k, str) for k in raw):
            problems.append(Problem(("sends", index), "a send is a mapping of send_email parameters (names, not numbers)"))
            return None
        merged = {**self.defaults, **raw} if self.defaults else raw
        lower = [k for k in merged if not k[:1].isupper()]
        request = {k: v for k, v in merged.items() if k[:1].isupper()} if lower else merged
        operation: Literal["SendEmail", "SendBulkEmail"] = "SendBulkEmail" if "BulkEmailEntries" in request else "SendEmail"
        encoded = None
        if self.validate:
            encoded = raw_encoded if request is raw and raw_encoded is not None else encode_key(request)
            found, send = self._problems(request, operation, encoded, shared=not lower)
            problems += _at(index, found)
            if not lower and send is not None:
                return send
        if not lower:
            return ScenarioSend(request, operation, encoded=encoded)
        simulation = {k: merged[k] for k in lower}
        try:
            keys = SimulationKeys.model_validate(simulation)
        except ValidationError as error:
            allowed = ", ".join(SimulationKeys.model_fields)
            for e in error.errors(include_url=False):
                hint = f" (simulation keys: {allowed}; send_email parameters start with an upper-case letter)" if e["type"] == "extra_forbidden" else ""
                problems.append(Problem(("sends", index, *e["loc"]), e["msg"] + hint))
            return None
        if keys.at is not None and (why := check_time(keys.at, "at")):
            problems.append(Problem(("sends", index, "at"), why))
            return None
        return ScenarioSend(request, operation, keys.engagement(), _utc(keys.at), keys.name, encoded=encoded)

    def _read_before(self, raw_encoded: bytes, index: int, problems: list[Problem]) -> ScenarioSend | None:
        """With no defaults, a send equal as JSON to one read before is that send (JSON holds
        only string keys): its keys and values need no second look. Its problems, if any,
        are appended again, at ``sends[index]``."""
        seen = self._checked.get(raw_encoded)
        if seen is None or seen[1] is None:
            return None
        problems += _at(index, seen[0])
        return seen[1]

    def _problems(self, request: dict[str, Any], operation: Literal["SendEmail", "SendBulkEmail"], encoded: bytes | None, *,
                  shared: bool) -> tuple[list[str], ScenarioSend | None]:
        """The request's problems, and (``shared``: it has no simulation keys) the send it
        is read as, remembered by its JSON (the operation follows from the request)."""
        if encoded is None:  # not remembered
            return validate_request(request, operation), None
        found = self._checked.get(encoded)
        if found is None:
            if len(self._checked) >= 4096:
                self._checked.clear()
            found = self._checked[encoded] = (validate_request(request, operation), None)
        if shared and found[1] is None:
            found = self._checked[encoded] = (found[0], ScenarioSend(request, operation, encoded=encoded))
        return found


def _at(index: int, messages: list[str]) -> list[Problem]:
    """Botocore's messages on a request, located at ``sends[index]``."""
    return [Problem(("sends", index), message) for message in messages]


def send_names(data: Any) -> list[str | None]:
    """The ``name`` of each send of a scenario document (``defaults`` included), ``None`` where
    a send has none: expectations refer to sends by these names."""
    if not isinstance(data, dict) or not isinstance(data.get("sends"), list):
        return []
    defaults: dict[str, Any] = data["defaults"] if isinstance(data.get("defaults"), dict) else {}
    return [{**defaults, **raw}.get("name") if isinstance(raw, dict) else None for raw in data["sends"]]


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

