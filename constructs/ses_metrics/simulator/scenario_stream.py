"""Large JSON scenarios read send by send, so memory does not grow with the file.

``open_scenario(path)`` is ``load_scenario(path)`` for a file within the document limits
(``ses_metrics.files.documents``: 16 MiB, YAML 1 MiB). A JSON file over them is read with
``ijson`` (the yajl C parser), three times, never whole:

1. the top level but ``sends`` (``start``, ``defaults``, ``templates``, ``expect``), checked
   as ``load_scenario`` checks it;
2. every send, checked (botocore's model, simulation keys) and counted; every problem is
   reported at once, as for a small file;
3. each time the scenario's ``sends`` are iterated (``Simulator.run``/``stream``), one
   send at a time.

YAML is not streamed: PyYAML's C parser composes a whole document, and its pure-Python
composer, which can stop at each send, reads about 1 MB/s; a YAML scenario over 1 MiB is
refused with a ``ScenarioError`` that says to write it as JSON.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from ses_metrics.files import documents
from ses_metrics.rules import Problem
from ses_metrics.simulator.scenario import (
    Scenario,
    ScenarioError,
    ScenarioSend,
    SendReader,
    _utc,
    load_scenario,
    parse_header,
)

SENDS = "sends.item"


def open_scenario(path: str | os.PathLike[str]) -> Scenario:
    """A scenario file; sends read lazily from a JSON file over the document size limit.
    Raises ``ScenarioError`` listing every problem."""
    source = str(path)
    if not is_large(path):
        return load_scenario(path)
    with open(path, "rb") as file:
        start = file.read(4096).lstrip()
    if not start.startswith(b"{"):
        raise ScenarioError(source, [Problem((), f"the file is larger than {documents.LIMITS.max_bytes // (1024 * 1024)} MiB: "
                                                 "a scenario that large is read send by send only as JSON; write it as JSON")])
    header = parse_header(_top_level(path, source), source)
    reader = SendReader(header.defaults)
    problems: list[Problem] = []
    names: list[str | None] = []
    for index, raw in enumerate(_items(path, source)):
        send = reader.read(raw, index, problems)
        names.append(send.name if send is not None else None)
        if len(problems) >= 100:
            problems.append(Problem(("sends",), "more problems not listed: fix these first"))
            break
    if problems:
        raise ScenarioError(source, problems)
    sends = LazySends(source, header.defaults, names)
    return Scenario(sends, header.template_map(), _utc(header.start), list(header.expect), source, header.account_settings(),
                    header.reputation_settings())


def is_large(path: str | os.PathLike[str]) -> bool:
    """Whether ``open_scenario`` reads the file send by send (over the document size limit)."""
    try:
        return os.path.getsize(path) > documents.LIMITS.max_bytes
    except OSError:
        return False  # reported as load_scenario reports it


class LazySends:
    """The sends of a JSON scenario file, read from the file each time they are iterated
    (they were checked when the scenario was opened); ``names``: each send's ``name``."""

    def __init__(self, path: str, defaults: dict[str, Any], names: list[str | None]):
        self.path = path
        self.defaults = defaults
        self.names = names

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[ScenarioSend]:
        reader = SendReader(self.defaults, validate=False)
        problems: list[Problem] = []
        for index, raw in enumerate(_items(self.path, self.path)):
            send = reader.read(raw, index, problems)
            if send is None:  # the file changed since it was checked
                raise ScenarioError(self.path, problems)
            yield send


def _items(path: str | os.PathLike[str], source: str) -> Iterator[Any]:
    import ijson

    with open(path, "rb") as file:
        try:
            for item in ijson.items(file, SENDS, use_float=True):
                documents.check_depth(item, source)  # what the document reader checks, per send
                yield item
        except ijson.JSONError as error:
            raise ScenarioError(source, [Problem((), f"not valid JSON: {error}")]) from None
        except documents.DocumentError as error:
            raise ScenarioError(source, [Problem(("sends",), error.reason)]) from None


def _top_level(path: str | os.PathLike[str], source: str) -> dict[str, Any]:
    """Every top-level key built, but ``sends``: an empty list when it is a list (its items
    are read later), else what it is (for the header's check to refuse)."""
    import ijson

    found: dict[str, Any] = {}
    builder: Any = None
    key = None
    with open(path, "rb") as file:
        try:
            for prefix, event, value in ijson.parse(file, use_float=True):
                if prefix.startswith("sends."):
                    continue  # most events: the sends' contents, read later
                if prefix == "":
                    if event == "map_key":
                        key, builder = value, None
                    continue
                if key == "sends":
                    if event == "start_array":
                        found["sends"] = []
                    elif event not in ("end_array", "map_key", "end_map"):
                        found["sends"] = value  # not a list: the header's check refuses it
                    continue
                if builder is None:
                    builder = ijson.ObjectBuilder()
                builder.event(event, value)
                if prefix == key and event not in ("start_map", "start_array", "map_key"):
                    found[key] = builder.value
        except ijson.JSONError as error:
            raise ScenarioError(source, [Problem((), f"not valid JSON: {error}")]) from None
    try:
        documents.check_depth(found, source)
    except documents.DocumentError as error:
        raise ScenarioError(source, [Problem((), error.reason)]) from None
    return found
