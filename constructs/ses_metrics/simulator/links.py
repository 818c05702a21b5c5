"""The links of an HTML body as SES's click tracking sees them (DG faqs-metrics.html).

- Only ``http://`` and ``https://`` links in HTML are tracked (Click Q4).
- ``ses:no-track`` on the ``<a>`` turns tracking off for that link (Click Q2).
- A link that is not properly encoded (RFC 3986: a space or another character outside a URI,
  a ``%`` that starts no escape) "will still" be shown "but Amazon SES won't track click
  events for that link" (Click Q7).
- "The click tracking system can track a maximum of 250 links" (Click Q3); which links past
  the 250th are left untracked is undocumented: the simulator tracks the first 250.
- ``ses:tags="key:value;key2:value2;"``: tags of "0–9, A–Z (both uppercase and lowercase),
  hyphens (-), and underscores (_)" (Click Q5); a pair with other characters is not a tag
  (assumed: SES documents no error, so the pair is left out of ``linkTags``).
"""

from __future__ import annotations

import html.parser
from dataclasses import dataclass
from functools import lru_cache

from ses_metrics import rules


@dataclass(frozen=True)
class Link:
    """A link in the HTML body: its URL, its tags, and why it is not tracked ("" if it is)."""

    url: str
    tags: dict[str, list[str]]
    untracked: str = ""

    @property
    def tracked(self) -> bool:
        return not self.untracked


def parse_tags(value: str | None) -> dict[str, list[str]]:
    """``ses:tags`` pairs whose key and value are made of SES's tag characters."""
    tags: dict[str, list[str]] = {}
    for pair in (value or "").split(";"):
        name, sep, tag_value = pair.strip().partition(":")
        name, tag_value = name.strip(), tag_value.strip()
        if sep and rules.LINK_TAG_RE.fullmatch(name) and rules.LINK_TAG_RE.fullmatch(tag_value):
            tags.setdefault(name, []).append(tag_value)
    return tags


class _LinkParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[Link] = []
        self.tracked = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        values = dict(attrs)
        href = values.get("href")
        if not href or not href.lower().startswith(("http://", "https://")):
            return
        if rules.NO_TRACK_ATTRIBUTE in values:
            why = f"the link has {rules.NO_TRACK_ATTRIBUTE}"
        elif not rules.is_encoded_url(href):
            why = "the link is not properly encoded (RFC 3986), so SES does not track it"
        elif self.tracked >= rules.MAX_TRACKED_LINKS:
            why = f"SES tracks at most {rules.MAX_TRACKED_LINKS} links per message"
        else:
            why = ""
            self.tracked += 1
        self.links.append(Link(href, parse_tags(values.get(rules.LINK_TAGS_ATTRIBUTE)), why))


@lru_cache(maxsize=256)
def _links_cached(body: str) -> tuple[Link, ...]:
    parser = _LinkParser()
    parser.feed(body)
    return tuple(parser.links)


def links(body: str) -> list[Link]:
    """Every http(s) link of an HTML body, in order."""
    return list(_links_cached(body))
