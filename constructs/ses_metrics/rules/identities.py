"""Email identities: domain and address syntax, and the DNS records Easy DKIM needs.

Sources: CFN ``AWS::SES::EmailIdentity`` (cfn-lint 1.58's schema: ``DkimDNSTokenName1-3`` and
``DkimDNSTokenValue1-3`` are read-only attributes); DG "Easy DKIM in Amazon SES": three
CNAME records, ``<token>._domainkey.<domain>`` -> ``<token>.dkim.amazonses.com``.
"""

from __future__ import annotations

import re
from typing import Any, Final

from ses_metrics.rules.cloudwatch import EMAIL_RE
from ses_metrics.rules.problems import UNRESOLVED, Problem, show

# RFC 1035 host names as SES verifies them: labels of 1-63 letters, digits and hyphens,
# neither starting nor ending with a hyphen, at least two labels, at most 253 characters.
DOMAIN_RE: Final = re.compile(r"(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}")
EASY_DKIM_RECORDS: Final = 3
EASY_DKIM_TARGET: Final = "dkim.amazonses.com"


def check_domain(value: Any) -> list[Problem]:
    """A domain identity: a host name such as ``mail.example.com``."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and DOMAIN_RE.fullmatch(value):
        return []
    return [Problem((), f"{show(value)} is not a domain name such as example.com")]


def check_email_identity(value: Any) -> list[Problem]:
    """An email address identity: ``name@domain.tld``."""
    if value is UNRESOLVED:
        return []
    if isinstance(value, str) and EMAIL_RE.fullmatch(value):
        return []
    return [Problem((), f"{show(value)} is not an email address such as sender@example.com")]


def easy_dkim_records(domain: str, tokens: tuple[str, ...] | None = None) -> list[tuple[str, str, str]]:
    """The three CNAME records (name, type, value) Easy DKIM needs for ``domain``; without
    ``tokens`` (known only after deploy) they read ``<token1>`` etc."""
    names = tokens or tuple(f"<token{i}>" for i in range(1, EASY_DKIM_RECORDS + 1))
    return [(f"{t}._domainkey.{domain}", "CNAME", f"{t}.{EASY_DKIM_TARGET}") for t in names]
