"""What SES does with a message's content: its size per API, its line length, the virus scan,
click tracking, and the sender and sandbox checks.

Sources: DG quotas.html (sizes), the v1 and v2 models (``RawMessage``: lines), DG
send-an-email-from-console.html ("Testing Reject events": the EICAR file), DG faqs-metrics.html
(click tracking), DG troubleshoot-error-messages.html and request-production-access.html
(verification and the sandbox).
"""

from __future__ import annotations

import re
from typing import Final

from ses_metrics.rules.ses import MAX_MESSAGE_BYTES

# "Using the SES v1 API – Maximum message size (including attachments): 10 MB per message
# (after base64 encoding)"; "Using the SES v2 API or SMTP – ... 40 MB" (DG quotas.html).
MAX_MESSAGE_BYTES_V1: Final = MAX_MESSAGE_BYTES
MAX_MESSAGE_BYTES_V2: Final = 40 * 1024 * 1024
# "The length of any single line of text in the message can't exceed 1,000 characters. This
# restriction is defined in RFC 5321" (v2 model RawMessage); v1: "including the <CRLF>".
# SES accepts a longer line (a MessageId comes back, and real reports show it is sent
# unfolded): the receiving server may then reject it.
MAX_LINE_LENGTH: Final = 1000

# The EICAR anti-virus test file (DG send-an-email-from-console.html): SES "accepts the
# message, but then rejects it as it would if it contained an actual virus" (a Reject,
# reason "Bad content").
EICAR_SIGNATURE: Final = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
REJECT_REASON: Final = "Bad content"

# DG mime-types.html, "Unsupported attachment types": "Amazon SES accepts all file attachment
# types except for attachments with the file extensions in the following list". The error a
# send carrying one gets is undocumented.
BLOCKED_ATTACHMENT_EXTENSIONS: Final = frozenset({
    "ade", "adp", "app", "asp", "bas", "bat", "cer", "chm", "cmd", "com", "cpl", "crt", "csh", "der", "exe", "fxp", "gadget",
    "hlp", "hta", "inf", "ins", "isp", "its", "js", "jse", "ksh", "lib", "lnk", "mad", "maf", "mag", "mam", "maq", "mar",
    "mas", "mat", "mau", "mav", "maw", "mda", "mdb", "mde", "mdt", "mdw", "mdz", "msc", "msh", "msh1", "msh2", "mshxml",
    "msh1xml", "msh2xml", "msi", "msp", "mst", "ops", "pcd", "pif", "plg", "prf", "prg", "reg", "scf", "scr", "sct", "shb",
    "shs", "sys", "ps1", "ps1xml", "ps2", "ps2xml", "psc1", "psc2", "tmp", "url", "vb", "vbe", "vbs", "vps", "vsmacros",
    "vss", "vst", "vsw", "vxd", "ws", "wsc", "wsf", "wsh", "xnk",
})

# DG faqs-metrics.html: "The click tracking system can track a maximum of 250 links"; a link
# that is not properly encoded (RFC 3986) is shown but not tracked; link tags are key:value
# pairs of "0–9, A–Z (both uppercase and lowercase), hyphens (-), and underscores (_)".
MAX_TRACKED_LINKS: Final = 250
LINK_TAG_RE: Final = re.compile(r"[A-Za-z0-9_-]+")
# What RFC 3986 allows in a URI, unreserved, reserved and '%' of a percent-encoding.
URI_CHARACTERS_RE: Final = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")
PERCENT_ENCODING_RE: Final = re.compile(r"%(?![0-9A-Fa-f]{2})")

# DG troubleshoot-error-messages.html: the MessageRejected text for an unverified sender or,
# in the sandbox, recipient (the Region upper-case in observed messages).
NOT_VERIFIED: Final = "Email address is not verified. The following identities failed the check in region {region}: {identities}"


def max_message_bytes(v1: bool) -> int:
    """The largest message (after base64 encoding) the API accepts."""
    return MAX_MESSAGE_BYTES_V1 if v1 else MAX_MESSAGE_BYTES_V2


def is_encoded_url(url: str) -> bool:
    """Whether a link is properly encoded (RFC 3986): only URI characters, every '%' an escape."""
    return bool(URI_CHARACTERS_RE.fullmatch(url)) and not PERCENT_ENCODING_RE.search(url)


def blocked_extension(file_name: str | None) -> str | None:
    """The extension of an attachment's file name SES does not accept, or None."""
    if not file_name or "." not in file_name:
        return None
    extension = file_name.rsplit(".", 1)[1].strip().lower()
    return extension if extension in BLOCKED_ATTACHMENT_EXTENSIONS else None
