"""What SES accepts in a send's addresses and custom headers (SendEmail, SendBulkEmail).

- Custom headers (``Content.Simple.Headers``, ``Content.Template.Headers``): botocore's
  sesv2 model (``MessageHeaderName``: ``^[!-9;-@A-~]+$``, 1-126 characters, "any printable
  ASCII character (33 - 126) except for colon"; ``MessageHeaderValue``: ``[ -~]*``, 1-995
  characters, "any printable ASCII character"; name and value together at most 996).
  botocore's client checks neither pattern nor maximum; SES does (BadRequestException).
- Addresses (``FromEmailAddress``, the ``Destination`` lists, ``ReplyToAddresses``): the
  model gives no pattern; RFC 5322 allows no control character in an address, and SES
  answers one in the local part with "Local address contains control or whitespace" and in
  the domain with "Domain contains control or whitespace" (observed replies: openstax/
  accounts#253, rdunlop/unicycling-registration#749 with a CR LF in a display name,
  boto/boto3#4587). A CR or LF accepted here would let a value add headers to the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

HEADER_NAME_RE: Final = re.compile(r"[!-9;-@A-~]{1,126}")
HEADER_VALUE_RE: Final = re.compile(r"[ -~]{1,995}")
MAX_HEADER_LENGTH: Final = 996  # name and value together
_CONTROL: Final = re.compile(r"[\x00-\x1f\x7f]")


def check_address(value: Any) -> str | None:
    """Why SES refuses ``value`` as an address (a control character, CR and LF included), or ``None``."""
    if not isinstance(value, str) or not _CONTROL.search(value):
        return None
    local, at, _ = value.rpartition("@")
    where = "Domain" if at and not _CONTROL.search(local) else "Local address"
    return f"{where} contains control or whitespace"


def check_header(name: Any, value: Any) -> str | None:
    """Why SES refuses a custom header, or ``None``."""
    if not isinstance(name, str) or not HEADER_NAME_RE.fullmatch(name):
        return (f"Header name {name!r} is not 1-126 printable ASCII characters other than ':' "
                f"(MessageHeaderName: {HEADER_NAME_RE.pattern})")
    if not isinstance(value, str) or not HEADER_VALUE_RE.fullmatch(value):
        return f"Value of header {name} is not 1-995 printable ASCII characters (MessageHeaderValue: {HEADER_VALUE_RE.pattern})"
    if len(name) + len(value) > MAX_HEADER_LENGTH:
        return f"Header {name} is longer than {MAX_HEADER_LENGTH} characters, name and value together"
    return None


def check_send_fields(addresses: Iterable[Any], headers: Iterable[Mapping[str, Any]] = ()) -> str | None:
    """The first reason SES refuses a send's addresses or custom headers, or ``None``."""
    for address in addresses:
        why = check_address(address)
        if why:
            return why
    for header in headers:
        why = check_header(header.get("Name") if isinstance(header, Mapping) else None, header.get("Value") if isinstance(header, Mapping) else None)
        if why:
            return why
    return None
