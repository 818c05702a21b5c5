"""What SES reads in a message before it sends it: viruses, its size, its lines.

- The virus scan covers the whole message, attachments included: the DG's own test is an
  EICAR file *attached* to an email (DG send-an-email-from-console.html). In raw MIME every
  part is read decoded (base64 and quoted-printable), in ``Simple`` and ``Template`` content
  the bodies and each ``Attachments[].RawContent``. A hit is a Send then a Reject.
- Size: at most 10 MB through the v1 API, 40 MB through v2 (DG quotas.html), "after base64
  encoding": a raw message's bytes; for ``Simple`` and ``Template`` content the simulator
  counts the subject, the bodies, the headers and each attachment base64-encoded in 76-
  character lines (how SES builds the MIME message is not documented). Over it,
  ``BadRequestException`` (v1: InvalidParameterValue) "Message length is more than N bytes
  long: 'M'.", the v1 wording AWS users report (the v2 wording is undocumented).
- Attachments whose file extension SES does not accept (DG mime-types.html, "Unsupported
  attachment types": .exe, .bat, .js, ...): SES documents the rule, not the error. The
  simulator refuses the send with ``MessageRejected`` (the v2 model's exception for "invalid
  content"); the message is the simulator's.
- Lines longer than 1,000 characters (RFC 5321): SES accepts the message; the send gets a
  note saying the receiving server may reject it.
"""

from __future__ import annotations

import email.message
from collections.abc import Iterable, Sequence
from typing import Any

from ses_metrics import rules
from ses_metrics.simulator import errors


def attachments(content: dict[str, Any]) -> Sequence[dict[str, Any]]:
    """``Simple.Attachments`` or ``Template.Attachments`` of SESv2 content."""
    part = content.get("Simple") or content.get("Template") or {}
    return part.get("Attachments") or ()


def _raw(attachment: dict[str, Any]) -> bytes:
    data = attachment.get("RawContent", b"")
    return data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)


def raw_has_virus(parsed: email.message.Message, raw: bytes) -> bool:
    """The EICAR signature anywhere in a raw MIME message, in any part decoded."""
    if rules.EICAR_SIGNATURE in raw:
        return True
    for part in parsed.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and rules.EICAR_SIGNATURE in payload:
            return True
    return False


def has_virus(bodies: Iterable[str | None], content: dict[str, Any]) -> bool:
    """The EICAR signature in the bodies or an attachment of Simple or Template content."""
    text = rules.EICAR_SIGNATURE.decode()
    if any(body is not None and text in body for body in bodies):
        return True
    return any(rules.EICAR_SIGNATURE in _raw(a) for a in attachments(content))


def check_attachments(file_names: Iterable[str | None]) -> None:
    """Raise ``MessageRejected`` for the first attachment SES does not accept."""
    for name in file_names:
        extension = rules.blocked_extension(name)
        if extension is not None:
            raise errors.MessageRejected(
                f"Attachment {name!r}: SES does not accept files with the extension .{extension} (unsupported attachment types)"
            )


def raw_file_names(parsed: email.message.Message) -> list[str | None]:
    """The file names of a raw message's parts (Content-Disposition's, else Content-Type's name)."""
    return [part.get_filename() for part in parsed.walk() if not part.is_multipart()]


def file_names(content: dict[str, Any]) -> list[str | None]:
    """The file names of Simple or Template content's attachments."""
    return [a.get("FileName") for a in attachments(content)]


def _base64_size(n: int) -> int:
    """Bytes of ``n`` bytes base64-encoded in 76-character lines with CRLF."""
    encoded = (n + 2) // 3 * 4
    return encoded + (encoded + 75) // 76 * 2


def check_size(size: int, v1: bool) -> None:
    """Raise what SES returns for a message over the API's limit."""
    limit = rules.max_message_bytes(v1)
    if size > limit:
        raise errors.BadRequestException(f"Message length is more than {limit} bytes long: '{size}'.")


def simple_size(subject: str, bodies: Iterable[str | None], headers: Iterable[dict[str, str]], content: dict[str, Any]) -> int:
    """The size of the MIME message SES builds from Simple or Template content (an estimate:
    bodies as UTF-8, attachments base64-encoded)."""
    size = len(subject.encode()) + sum(len(h["name"]) + len(h["value"].encode()) + 4 for h in headers)
    size += sum(len(body.encode()) for body in bodies if body is not None)
    return size + sum(_base64_size(len(_raw(a))) for a in attachments(content))


def long_lines(raw: bytes) -> int:
    """How many lines of a raw message exceed 1,000 characters with their CRLF."""
    return sum(1 for line in raw.split(b"\n") if len(line.rstrip(b"\r")) + 2 > rules.MAX_LINE_LENGTH)


def long_line_note(request: dict[str, Any]) -> str | None:
    """A note for a raw message with lines over 1,000 characters, or None."""
    raw = ((request.get("Content") or {}).get("Raw") or {}).get("Data")
    if raw is None:
        return None
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else bytes(raw)
    found = long_lines(data)
    if not found:
        return None
    return (f"{found} line(s) of the raw message exceed {rules.MAX_LINE_LENGTH} characters (RFC 5321): SES accepts the "
            f"message, but a receiving server may reject it")
