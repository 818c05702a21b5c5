"""From a ``sesv2.send_email`` request to the message SES would publish events about.

The request is validated against botocore's own SESv2 service model, so a scenario is
always a real API call. Then, as SES does:

- configuration set: the ``ConfigurationSetName`` parameter, else the raw message's
  ``X-SES-CONFIGURATION-SET`` header, else the sending identity's default (address-level
  over domain-level, from ``AWS::SES::EmailIdentity`` resources);
- tags: ``EmailTags``, else the ``X-SES-MESSAGE-TAGS`` header (never merged), each checked
  with ``rules.check_message_tag``; then SES's auto-tags. Without a configuration set SES
  ignores tags and publishes no events;
- errors SES returns (unknown configuration set, sending paused, invalid tag, unknown
  template, message over 10 MB, more than 50 recipients) fail the send before any event.

Simulated values of the auto-tags are in ``SimulationOptions`` (README: "Simulator").
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import html.parser
import json
import random
import re
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from email.header import decode_header, make_header
from email.utils import getaddresses, parseaddr
from functools import lru_cache
from operator import attrgetter
from typing import Any

from ses_metrics import rules
from ses_metrics.rules import AutoTag, EventType
from ses_metrics.simulator import content as content_scan
from ses_metrics.simulator import errors, tenants, tracking
from ses_metrics.simulator._fastpath import RepeatedRequests
from ses_metrics.simulator.account import SCENARIO_REPUTATION, AccountSettings, ReputationSettings
from ses_metrics.simulator.links import Link, links
from ses_metrics.simulator.template import Environment
from ses_metrics.simulator.topology import ConfigurationSet, EmailTemplate, Topology

MAX_HEADER_BYTES = rules.MAX_PUBLISHED_HEADER_BYTES
MAX_RECIPIENTS = rules.MAX_RECIPIENTS
DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class SimulationOptions:
    """What the simulator assumes about the world outside the templates.

    Auto-tag values default to documentation addresses (RFC 5737), a caller named after
    the simulator and TLSv1.3; ``extra_auto_tags`` adds observed ones such as
    ``ses:recipient-isp`` (names of the documented ones SES sets itself, such as
    ``ses:configuration-set``, are ignored). Time starts at ``start`` and IDs come from
    ``seed``: two runs with the same options produce byte-identical results.
    """

    environment: Environment = field(default_factory=Environment)
    caller_identity: str = "ses-metrics-simulator"
    source_ip: str = "192.0.2.10"
    outgoing_ip: str = "198.51.100.20"
    # The TLS versions of the caller's and SES's connections (real records: TLSv1.3)
    source_tls_version: str = "TLSv1.3"
    outgoing_tls_version: str = "TLSv1.3"
    extra_auto_tags: dict[str, str] = field(default_factory=dict)
    start: datetime = DEFAULT_START
    seed: int = 0
    # The account's suppression list, sandbox and verification (account.py)
    account: AccountSettings = field(default_factory=AccountSettings)
    # How the reputation rates are computed (reputation.py)
    reputation: ReputationSettings = SCENARIO_REPUTATION


@dataclass(slots=True)
class Message:
    """One message SES accepted."""

    message_id: str
    operation: str
    source: str
    source_arn: str
    destination: list[str]
    headers: list[dict[str, str]]
    headers_truncated: bool
    common_headers: dict[str, Any]
    tags: dict[str, list[str]]
    configuration_set: ConfigurationSet | None
    ms: int  # when it was sent, in epoch milliseconds
    timestamp: str
    html: str | None
    text: str | None
    template_name: str | None = None
    rendering_error: str | None = None
    contact_list: str | None = None
    topic_name: str | None = None
    virus: bool = False
    tenant: str | None = None  # TenantName (tenants.py)
    untracked: frozenset[EventType] = tracking.NONE  # opens/clicks turned off by ConfigurationOverrides (tracking.py)

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(self.ms / 1000, UTC)

    @property
    def links(self) -> list[Link]:
        return links(self.html) if self.html else []


# --- request validation --------------------------------------------------------------


@lru_cache(maxsize=4)
def _input_shape(operation: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model("sesv2").operation_model(operation).input_shape


def validate_request(params: dict[str, Any], operation: str = "SendEmail") -> list[str]:
    """What boto3 would refuse before calling SES, in botocore's own words."""
    from botocore.validate import ParamValidator

    report = ParamValidator().validate(params, _input_shape(operation))
    if not report.has_errors():
        return []
    return [line.strip() for line in report.generate_report().splitlines() if line.strip()]


# --- ids and time --------------------------------------------------------------------


class Ids:
    """Deterministic SES-looking identifiers from a seed."""

    def __init__(self, seed: int):
        self._random = random.Random(seed)

    def hex(self, n: int) -> str:
        return f"{self._random.getrandbits(4 * n):0{n}x}"

    def uuid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{h[16:20]}-{h[20:]}"

    def message_id(self) -> str:
        h = self._random.getrandbits(168).to_bytes(21).hex()  # one draw, 42 hex digits: this runs for every message
        return f"010001{h[:10]}-{h[10:18]}-{h[18:22]}-4{h[23:26]}-{h[26:30]}-{h[30:]}-000000"


def iso(moment: datetime) -> str:
    """SES's timestamp format (UTC): ``2016-10-19T23:21:04.133Z``."""
    return iso_ms(to_ms(moment))


def iso_ms(ms: int) -> str:
    """SES's timestamp format for integer milliseconds since the epoch."""
    minute, rest = divmod(ms, 60_000)
    return _iso_minute(minute) + _SECONDS[rest // 1000] + _MILLIS[rest % 1000]


_MILLIS = tuple(f"{n:03d}Z" for n in range(1000))
_SECONDS = tuple(f"{n:02d}." for n in range(60))


@lru_cache(maxsize=4096)
def _iso_minute(minute: int) -> str:
    """``YYYY-MM-DDTHH:MM:`` of a minute since the epoch (a replay's records share a few)."""
    return datetime.fromtimestamp(minute * 60, UTC).strftime("%Y-%m-%dT%H:%M:")


def to_ms(moment: datetime) -> int:
    """Integer milliseconds since the epoch (whole seconds exact, fraction truncated)."""
    return int(moment.timestamp()) * 1000 + moment.microsecond // 1000


# --- parsing -------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def address(value: str) -> str:
    """The bare address of ``Name <a@b>``."""
    if "<" not in value and '"' not in value and "(" not in value:
        return value.strip()  # already bare: parseaddr is the simulator's costliest call otherwise
    return parseaddr(value)[1] or value


def parse_tag_header(value: str) -> list[tuple[str, str]]:
    """``X-SES-MESSAGE-TAGS: k1=v1, k2=v2``."""
    pairs = []
    for part in value.split(","):
        name, sep, tag_value = part.strip().partition("=")
        if sep:
            pairs.append((name.strip(), tag_value.strip()))
    return pairs


# --- templates -----------------------------------------------------------------------

_MUSTACHE = re.compile(r"\{\{\{?\s*([^{}]*?)\s*\}?\}\}")


def render(text: str | None, data: dict[str, Any], *, escape: bool) -> tuple[str | None, str | None]:
    """Substitute ``{{name}}`` / ``{{a.b}}`` / ``{{{raw}}}`` from ``data`` (the part of
    Handlebars SES templates mostly use). Returns ``(rendered, error)``; a variable the
    data lacks is SES's rendering failure. Block helpers (``{{#if}}``, ``{{#each}}``) and
    the names inside them are left unchecked."""
    if text is None:
        return None, None
    depth = 0
    error = None

    def replace(match: re.Match[str]) -> str:
        nonlocal depth, error
        expression = match.group(1)
        if expression.startswith("#"):
            depth += 1
            return ""
        if expression.startswith("/"):
            depth = max(0, depth - 1)
            return ""
        if expression.startswith(("!", "else", "^", ">")) or depth:
            return ""
        value: Any = data
        for part in expression.split("."):
            if isinstance(value, dict) and part in value:
                value = value[part]
            else:
                error = error or f"Attribute '{expression}' is not present in the rendering data."
                return ""
        rendered = "" if value is None else str(value)
        triple = match.group(0).startswith("{{{")
        return html.escape(rendered) if escape and not triple else rendered

    return _MUSTACHE.sub(replace, text), error


# --- building a message --------------------------------------------------------------


class MessageFactory:
    """Turns validated requests into ``Message``s against one topology."""

    def __init__(self, topology: Topology, options: SimulationOptions, ids: Ids, templates: dict[str, EmailTemplate] | None = None):
        self.topology = topology
        self.options = options
        self.ids = ids
        self.templates = {**topology.templates, **(templates or {})}
        self._identities: dict[str, tuple[str, str | None, str]] = {}
        self._auto_tags: dict[tuple[str, str, str], dict[str, list[str]]] = {}
        self._headers: dict[tuple[Any, ...], tuple[list[dict[str, str]], bool]] = {}
        # A repeated request is only stamped (simulator/_fastpath.py).
        self._repeated: RepeatedRequests[Message, Prepared] = RepeatedRequests(
            lambda request, operation, sent_at: self._build(request, operation=operation, sent_at=sent_at), prepare, stamp, self.ids.message_id)
        # Configuration sets that accept sends.
        self._sending = {name: cs for name, cs in topology.configuration_sets.items() if cs.sending_enabled}

    def _identity(self, source: str) -> tuple[str, str | None, str]:
        """``identity`` plus the identity's ARN, cached per sender."""
        found = self._identities.get(source)
        if found is None:
            identity, default = self.identity(source)
            env = self.options.environment
            found = self._identities[source] = (identity, default, f"arn:{env.partition}:ses:{env.region}:{env.account}:identity/{identity}")
        return found

    def identity(self, from_address: str) -> tuple[str, str | None]:
        """The verified identity SES would use for this sender, and its default set."""
        bare = address(from_address).lower()
        domain = bare.rpartition("@")[2]
        for identity in (bare, domain):
            if identity in self.topology.identities:
                return identity, self.topology.identities[identity]
        return bare, None

    def configuration_set(self, requested: str | None) -> ConfigurationSet | None:
        if requested is None:
            return None
        found = self.topology.configuration_sets.get(requested)
        if found is None:
            raise errors.NotFoundException(f"Configuration set <{requested}> does not exist.")
        if not found.sending_enabled:
            raise errors.SendingPausedException(f"Sending is paused for configuration set <{requested}>.")
        return found

    def add_templates(self, templates: dict[str, EmailTemplate]) -> None:
        """Templates a scenario defines (by name; they replace the templates' own)."""
        if templates:
            self.templates.update(templates)
            self._repeated.clear()  # messages prepared from the old templates

    def build(self, request: dict[str, Any], *, operation: str, sent_at: int, recipients: dict[str, list[str]] | None = None,
              tags: list[dict[str, str]] | None = None, template_data: str | None = None, v1: bool = False,
              encoded: bytes | None = None) -> Message:
        """A message from a ``send_email`` request (or one entry of ``send_bulk_email``),
        sent at ``sent_at`` epoch milliseconds.

        A request sent again (same content, compared as JSON) reuses what the first send
        derived from it (recipients, headers, tags, configuration set): only the message ID
        and the time are new. Requests JSON cannot hold (raw bytes) are built each time, and
        when fewer than one request in three repeats the factory stops comparing them.
        ``encoded``: the request as compact JSON when the caller has it (by default encoded here)."""
        if v1:  # SES v1's limits (capture.py): built apart from the v2 requests
            return self._build(request, operation=operation, sent_at=sent_at, recipients=recipients, tags=tags, template_data=template_data, v1=True)
        if recipients is None and tags is None and template_data is None:
            return self._repeated.message(request, operation, sent_at, encoded)
        return self._build(request, operation=operation, sent_at=sent_at, recipients=recipients, tags=tags, template_data=template_data)

    def _build(self, request: dict[str, Any], *, operation: str, sent_at: int, recipients: dict[str, list[str]] | None = None,
               tags: list[dict[str, str]] | None = None, template_data: str | None = None, v1: bool = False) -> Message:
        """A message read from the request as SES reads it: the content (raw MIME, simple or
        a template), then the sender, the recipients, the configuration set and the tags."""
        destination = recipients if recipients is not None else request.get("Destination") or {}
        to = list(destination.get("ToAddresses") or [])
        cc = list(destination.get("CcAddresses") or [])
        bcc = list(destination.get("BccAddresses") or [])
        message_id = self.ids.message_id()
        content = request.get("Content") or {}
        if "Raw" in content:
            body = self._raw_content(content["Raw"], request.get("FromEmailAddress"), to, cc, bcc, message_id, v1)
        else:
            body = self._formatted_content(content, request, to, cc, message_id, template_data)
            content_scan.check_size(content_scan.simple_size(body.common.get("subject", ""), (body.html, body.text), body.headers, content), v1)
            content_scan.check_attachments(content_scan.file_names(content))
        source = body.source
        if not source:
            raise errors.BadRequestException("Missing required header 'From'.")
        refused = rules.check_send_fields([source, *body.to, *body.cc, *bcc, *(request.get("ReplyToAddresses") or [])], body.extra)
        if refused:
            raise errors.BadRequestException(refused)
        if len(body.to) + len(body.cc) + len(bcc) > MAX_RECIPIENTS:
            raise errors.BadRequestException(f"Recipient count exceeds {MAX_RECIPIENTS}.")
        identity, default_set, source_arn = self._identity(source)
        requested = request.get("ConfigurationSetName") or body.header_set or default_set
        configuration_set = self._sending.get(requested) if requested is not None else None
        if configuration_set is None and requested is not None:
            if requested is default_set and not request.get("ConfigurationSetName") and not body.header_set:
                # DG managing-configuration-sets-default: a deleted default set fails the call "with a bad request error"
                raise errors.BadRequestException(f"The default configuration set <{requested}> of identity {identity} does not exist.")
            self.configuration_set(requested)  # raises the error SES returns
        tenant = tenants.requested_tenant(request, body.every_header)
        if tenant is not None:
            self._check_tenant(tenant, request.get("FromEmailAddressIdentityArn") or source_arn, configuration_set, content)
        api_tags = tags if tags is not None else request.get("EmailTags")
        # API tags as given (a missing name or value is checked below, as SES checks it)
        pairs: list[tuple[str, str]] = [(t["Name"], t["Value"]) for t in api_tags] if api_tags else body.header_tags
        for name, value in pairs:
            problem = _tag_problem(name, value)
            if problem:
                raise errors.BadRequestException(problem)
        list_options = request.get("ListManagementOptions") or {}
        return Message(
            message_id=message_id,
            operation=operation,
            source=source,
            source_arn=request.get("FromEmailAddressIdentityArn") or source_arn,
            destination=body.to + body.cc + bcc if body.cc or bcc else body.to,
            headers=body.headers,
            headers_truncated=body.truncated,
            common_headers=body.common,
            tags=self._tags(configuration_set, source, pairs, operation) if configuration_set else {},
            configuration_set=configuration_set,
            ms=sent_at,
            timestamp=iso_ms(sent_at),
            html=body.html,
            text=body.text,
            template_name=body.template_name,
            rendering_error=body.rendering_error,
            contact_list=list_options.get("ContactListName"),
            topic_name=list_options.get("TopicName"),
            virus=body.virus,
            tenant=tenant,
            untracked=tracking.untracked(request),
        )

    def _check_tenant(self, tenant: str, identity_arn: str, configuration_set: ConfigurationSet | None, content: dict[str, Any]) -> None:
        """Raise what SES returns when the tenant may not use these resources (tenants.py)."""
        env = self.options.environment
        stored = (content.get("Template") or {}).get("TemplateName")
        template_arn = f"arn:{env.partition}:ses:{env.region}:{env.account}:template/{stored}" if stored else None
        tenants.check_send(
            self.topology.tenants,
            tenant,
            account=env.account,
            identity_arn=identity_arn,
            configuration_set_arn=configuration_set.arn if configuration_set is not None else None,
            template_arn=template_arn,
        )

    def _raw_content(self, raw_content: dict[str, Any], source: str | None, to: list[str], cc: list[str], bcc: list[str],
                     message_id: str, v1: bool = False) -> _Content:
        """A raw MIME message: its headers as sent (the recipients from To and Cc when the
        request names none), bodies, configuration-set and tag headers."""
        raw = raw_content.get("Data", b"")
        raw_bytes = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
        content_scan.check_size(len(raw_bytes), v1)
        parsed = email.message_from_bytes(raw_bytes, policy=email.policy.compat32)
        content_scan.check_attachments(content_scan.raw_file_names(parsed))
        # raw_items: values as sent (8-bit bytes kept), not compat32's Header objects
        headers = [{"name": k, "value": _unfold(v)} for k, v in parsed.raw_items()]
        if not to and not cc and not bcc:
            to = [a for _, a in getaddresses(_all(headers, "To")) if a]
            cc = [a for _, a in getaddresses(_all(headers, "Cc")) if a]
        html_body, text_body = _bodies(parsed)
        published, truncated = _truncate(headers)
        return _Content(
            source=source or _first(headers, "From") or "", to=to, cc=cc, headers=published, truncated=truncated,
            common=_common_headers(headers, message_id), html=html_body, text=text_body, virus=content_scan.raw_has_virus(parsed, raw_bytes),
            header_set=_first(headers, "X-SES-CONFIGURATION-SET"),
            header_tags=[pair for value in _all(headers, "X-SES-MESSAGE-TAGS") for pair in parse_tag_header(value)], all_headers=headers,
        )

    def _formatted_content(self, content: dict[str, Any], request: dict[str, Any], to: list[str], cc: list[str], message_id: str,
                           template_data: str | None) -> _Content:
        """Simple or templated content: the headers SES writes for it, the rendered bodies,
        configuration-set and tag headers among the extra headers."""
        template_name = rendering_error = None
        if "Template" in content:
            html_body, text_body, subject, template_name, rendering_error, extra = self._template(content["Template"], template_data)
        else:
            simple = content.get("Simple") or {}
            subject = (simple.get("Subject") or {}).get("Data", "")
            body = simple.get("Body") or {}
            html_body = (body.get("Html") or {}).get("Data")
            text_body = (body.get("Text") or {}).get("Data")
            extra = simple.get("Headers") or []
        source = request.get("FromEmailAddress") or ""
        reply_to = request.get("ReplyToAddresses")
        headers, truncated = self._simple_headers(source, to, cc, reply_to or [], subject, html_body, text_body, extra)
        common: dict[str, Any] = {"from": [source], "to": to, "messageId": message_id, "subject": subject}
        if cc:
            common["cc"] = cc
        if reply_to:
            common["replyTo"] = list(reply_to)
        header_tags: list[tuple[str, str]] = []
        header_set = None
        if extra:
            header_tags = [pair for h in extra if str(h.get("Name", "")).lower() == "x-ses-message-tags" for pair in parse_tag_header(str(h.get("Value", "")))]
            header_set = next((str(h["Value"]).strip() for h in extra if str(h.get("Name", "")).lower() == "x-ses-configuration-set"), None)
        virus = content_scan.has_virus((html_body, text_body), content)
        return _Content(source=source, to=to, cc=cc, headers=headers, truncated=truncated, common=common, html=html_body, text=text_body,
                        virus=virus, header_set=header_set, header_tags=header_tags, template_name=template_name, rendering_error=rendering_error,
                        extra=extra)

    def _tags(self, configuration_set: ConfigurationSet, source: str, pairs: list[tuple[str, str]], operation: str) -> dict[str, list[str]]:
        key = (configuration_set.name, source, operation)
        auto = self._auto_tags.get(key)
        if auto is None:
            auto = self._auto_tags[key] = {
                AutoTag.OPERATION: [operation],
                AutoTag.CONFIGURATION_SET: [configuration_set.name],
                AutoTag.SOURCE_IP: [self.options.source_ip],
                AutoTag.FROM_DOMAIN: [address(source).rpartition("@")[2]],
                AutoTag.CALLER_IDENTITY: [self.options.caller_identity],
                AutoTag.SOURCE_TLS_VERSION: [self.options.source_tls_version],
                # SES's own auto-tags cannot be overridden (routing relies on ses:configuration-set)
                **{name: [value] for name, value in self.options.extra_auto_tags.items() if name not in _SES_AUTO_TAGS},
            }
        tags = dict(auto)  # the auto-tag value lists are shared and never mutated
        for name, value in pairs:
            if name in tags and name not in auto:
                tags[name].append(value)  # a custom tag given twice
            else:
                tags[name] = [value]
        return tags

    def _template(self, spec: dict[str, Any], data_override: str | None) -> tuple[str | None, str | None, str, str | None, str | None, list[Any]]:
        if "TemplateContent" in spec:
            inline = spec["TemplateContent"]
            template = EmailTemplate("inline", inline.get("Subject", ""), inline.get("Html"), inline.get("Text"))
            name = None
        else:
            name = spec.get("TemplateName") or str(spec.get("TemplateArn", "")).rsplit("/", 1)[-1]
            found = self.templates.get(name)
            if found is None:
                raise errors.NotFoundException(f"Template {name} does not exist.")
            template = found
        raw_data = data_override if data_override is not None else spec.get("TemplateData", "{}")
        try:
            data = json.loads(raw_data or "{}")
        except json.JSONDecodeError as error:
            raise errors.BadRequestException(f"TemplateData is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise errors.BadRequestException("TemplateData must be a JSON object.")
        subject, e1 = render(template.subject, data, escape=False)
        html_body, e2 = render(template.html, data, escape=True)
        text_body, e3 = render(template.text, data, escape=False)
        return html_body, text_body, subject or "", name or "inline", e1 or e2 or e3, list(spec.get("Headers") or [])

    def _simple_headers(self, source: str, to: list[str], cc: list[str], reply_to: list[str], subject: str,
                        html_body: str | None, text_body: str | None, extra: list[dict[str, str]]) -> tuple[list[dict[str, str]], bool]:
        """The headers SES writes for Simple and Template content, truncated to 10 KB.

        Messages of the same shape share one (read-only) list: only ``messageId`` differs
        between them, and it lives in ``commonHeaders``."""
        key = (source, tuple(to), tuple(cc), tuple(reply_to), subject, html_body is None, text_body is None,
               tuple((str(h.get("Name")), str(h.get("Value"))) for h in extra) if extra else ())
        found = self._headers.get(key)
        if found is None:
            if len(self._headers) >= 4096:
                self._headers.clear()
            found = self._headers[key] = _truncate(self._build_headers(source, to, cc, reply_to, subject, html_body, text_body, extra))
        return found

    def _build_headers(self, source: str, to: list[str], cc: list[str], reply_to: list[str], subject: str,
                       html_body: str | None, text_body: str | None, extra: list[dict[str, str]]) -> list[dict[str, str]]:
        headers = [{"name": "From", "value": source}]
        if to:
            headers.append({"name": "To", "value": ", ".join(to)})
        if cc:
            headers.append({"name": "Cc", "value": ", ".join(cc)})
        if reply_to:
            headers.append({"name": "Reply-To", "value": ", ".join(reply_to)})
        headers += [{"name": "Subject", "value": subject}, {"name": "MIME-Version", "value": "1.0"}]
        if html_body is not None and text_body is not None:
            boundary = hashlib.sha1(f"{subject}|{html_body}|{text_body}".encode()).hexdigest()[:16]
            content_type = f'multipart/alternative; boundary="----=_Part_{boundary}"'
        elif html_body is not None:
            content_type = "text/html; charset=UTF-8"
        else:
            content_type = "text/plain; charset=UTF-8"
        headers.append({"name": "Content-Type", "value": content_type})
        headers += [{"name": str(h.get("Name")), "value": str(h.get("Value"))} for h in extra]
        return headers


# A message sent again shares every field but its ID, common headers (which hold the ID) and
# time. ``prepare`` reads the shared ones once, in the dataclass's own order, as the runs
# between the per-send ones; ``stamp`` puts them back around the new values: no hand-written
# argument order to get wrong, and a third of the cost of reading 17 fields per send.
_MESSAGE_FIELDS = [f.name for f in fields(Message)]
_message_fields = attrgetter(*_MESSAGE_FIELDS)
_ID, _COMMON, _MS, _TIMESTAMP = (_MESSAGE_FIELDS.index(name) for name in ("message_id", "common_headers", "ms", "timestamp"))
if not _ID == 0 < _COMMON < _MS == _TIMESTAMP - 1:
    raise AssertionError("stamp() expects message_id first, then common_headers, then ms and timestamp side by side")
Prepared = tuple[tuple[Any, ...], dict[str, Any], tuple[Any, ...], tuple[Any, ...]]


def prepare(message: Message) -> Prepared:
    """What every later send of ``message`` shares: the fields before its common headers,
    the common headers, the fields between them and the time, and the fields after it."""
    values = _message_fields(message)
    return values[_ID + 1:_COMMON], message.common_headers, values[_COMMON + 1:_MS], values[_TIMESTAMP + 1:]


def stamp(prepared: Prepared, message_id: str, sent_at: int) -> Message:
    """A ``prepare``-d message sent again: a new message ID and time, everything else shared (read-only)."""
    before, common_headers, between, after = prepared
    common = common_headers.copy()
    common["messageId"] = message_id  # keeps its place among the common headers
    values = (message_id, *before, common, *between, sent_at, iso_ms(sent_at), *after)
    return Message(*values)


@dataclass(slots=True)
class _Content:
    """What a request's content says, read once: the sender (the raw From when the request
    names none), recipients, the headers SES publishes (at most 10 KB), the common headers,
    bodies, and the configuration set and tags given as headers."""

    source: str
    to: list[str]
    cc: list[str]
    headers: list[dict[str, str]]
    truncated: bool
    common: dict[str, Any]
    html: str | None
    text: str | None
    virus: bool
    header_set: str | None = None
    header_tags: list[tuple[str, str]] = field(default_factory=list)
    template_name: str | None = None
    rendering_error: str | None = None
    extra: list[dict[str, Any]] = field(default_factory=list)  # Simple and Template content's Headers (checked as fields)
    all_headers: list[dict[str, str]] | None = None  # raw content: every header, before the 10 KB cut (None: ``headers``)

    @property
    def every_header(self) -> list[dict[str, str]]:
        return self.all_headers if self.all_headers is not None else self.headers




_SES_AUTO_TAGS = frozenset({AutoTag.OPERATION, *AutoTag.DOCUMENTED})


@lru_cache(maxsize=4096)
def _tag_problem(name: Any, value: Any) -> str | None:
    """SES's message for an invalid tag, or None (tags repeat: cached)."""
    problems = rules.check_message_tag(name, value)
    return problems[0].message if problems else None


def _unfold(value: str) -> str:
    text = str(value)
    if any("\udc80" <= c <= "\udcff" for c in text):  # raw 8-bit header bytes: read them as UTF-8
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return re.sub(r"\r?\n[ \t]+", " ", text).strip()


def _decoded(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except (ValueError, LookupError):
        return value


def _all(headers: list[dict[str, str]], name: str) -> list[str]:
    lowered = name.lower()
    return [h["value"] for h in headers if h["name"].lower() == lowered]


def _first(headers: list[dict[str, str]], name: str) -> str | None:
    values = _all(headers, name)
    return values[0] if values else None


def _common_headers(headers: list[dict[str, str]], message_id: str) -> dict[str, Any]:
    common: dict[str, Any] = {}
    for key, header in (("returnPath", "Return-Path"), ("from", "From"), ("date", "Date"), ("to", "To"), ("cc", "Cc"), ("bcc", "Bcc")):
        values = _all(headers, header)
        if values:
            if key in ("returnPath", "date"):
                common[key] = _decoded(values[0])
            else:
                common[key] = [_decoded(v).strip() for value in values for v in value.split(",") if v.strip()]
    common["messageId"] = message_id
    subject = _first(headers, "Subject")
    if subject is not None:
        common["subject"] = _decoded(subject)
    return common


def _bodies(parsed: email.message.Message) -> tuple[str | None, str | None]:
    html_body = text_body = None
    for part in parsed.walk():
        if part.is_multipart() or part.get_content_disposition() == "attachment":
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        text = payload.decode(part.get_content_charset() or "utf-8", "replace")
        if part.get_content_type() == "text/html" and html_body is None:
            html_body = text
        elif part.get_content_type() == "text/plain" and text_body is None:
            text_body = text
    return html_body, text_body


def _truncate(headers: list[dict[str, str]]) -> tuple[list[dict[str, str]], bool]:
    """SES publishes at most 10 KB of headers and sets ``headersTruncated`` beyond."""
    size = 0
    for header in headers:
        size += len(header["name"]) + len(header["value"]) + 4
    if size * 4 <= MAX_HEADER_BYTES:
        return headers, False  # fits even if every character took 4 bytes in UTF-8
    total = 0
    for index, header in enumerate(headers):
        total += len(header["name"].encode()) + len(header["value"].encode()) + 4
        if total > MAX_HEADER_BYTES:
            return headers[:index], True
    return headers, False
