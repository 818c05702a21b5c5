"""How OpenSearch maps a document into an index: against the index's explicit mapping (an
index template's), then dynamically for fields it does not list, as OpenSearch does.

- Explicit mapping (``compile_mapping``): the ``mappings`` of a composable index template
  (``properties``, ``type``, ``enabled: false``, ``dynamic_templates`` with ``path_match``).
  A value must fit its field's type: ``keyword`` and ``text`` take any value but an object
  (a ``keyword`` at most 32,766 UTF-8 bytes: Lucene's longest term); ``date`` a string in
  ``strict_date_optional_time`` or epoch milliseconds; ``long``/``integer``/``double``/...
  a number or a numeric string (coerced); ``boolean`` true, false, "true", "false" or "";
  ``ip`` an IPv4 or IPv6 address; an object field an object (a disabled one is not
  looked into). Types not listed here take any value, unchecked, with a warning.
- Dynamic mapping, for fields the mapping does not list: a field's type is fixed by the
  first document that has it (string -> ``text``, or ``date`` when it parses as
  ``strict_date_optional_time``; integer -> ``long``; other number -> ``float``; boolean
  -> ``boolean``; object -> ``object``; an array takes its first non-null element's type),
  unless a dynamic template's ``path_match`` names the field (its type, e.g. every tag key
  under ``mail.tags`` a ``keyword``). Numbers into ``text`` and numeric strings into numbers
  are coerced, as OpenSearch does.
- A document that does not fit is rejected whole, ``mapper_parsing_exception`` (a concrete
  value where an object is mapped, an object where a value is mapped, a value the type does
  not take) or ``illegal_argument_exception`` (an immense keyword; more than 1,000 mapped
  fields, ``index.mapping.total_fields.limit``), and adds nothing to the mapping.

Sources: OpenSearch documentation "Index templates", "Dynamic templates", "Keyword field
type", "Date field type", "Mappings and field types" (docs.opensearch.org).
"""

from __future__ import annotations

import ipaddress
import json
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

FIELDS_LIMIT = 1000
MAX_TERM_BYTES = 32766  # Lucene's longest indexed term, in UTF-8 bytes
_SHORT = MAX_TERM_BYTES // 4  # characters: a string this short is at most MAX_TERM_BYTES in UTF-8
# strict_date_optional_time, the first of OpenSearch's dynamic date formats (SES's timestamps).
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T\d{2}(?::\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?")
_is_date = _DATE.fullmatch
# SES's own timestamp form (2026-03-02T10:00:00.000Z), one of _DATE's: checked first, about twice as fast
_is_ses_time = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z").fullmatch
_NUMERIC = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*")
_NUMBERS = frozenset({"long", "integer", "short", "byte", "double", "float", "half_float", "scaled_float", "unsigned_long"})
_STRINGS = frozenset({"keyword", "text", "constant_keyword", "wildcard", "match_only_text"})
KNOWN_TYPES = _NUMBERS | _STRINGS | {"date", "boolean", "ip", "object"}


class MappingConflict(Exception):
    """A document OpenSearch rejects: ``type`` (``mapper_parsing_exception``, ...), reason and HTTP status."""

    def __init__(self, type_: str, reason: str, status: int = 400):
        super().__init__(reason)
        self.type, self.reason, self.status = type_, reason, status


@dataclass(eq=False)
class ObjectMapping:
    """An object field of an explicit mapping: its children (a leaf type or an object),
    whether it is looked into (``enabled``), and the type a dynamic template gives every
    key under it (``mail.tags.*`` -> ``keyword``), if one does."""

    path: str
    children: dict[str, str | ObjectMapping] = field(default_factory=dict)
    enabled: bool = True
    template: str | None = None
    paths: dict[str, str] = field(default_factory=dict)  # key -> dotted path, a cache
    keyword_keys: frozenset[str] | None = None  # when every child is a keyword and no template adds any: their keys
    keyword_template: bool = False  # no children, and a template maps every key as a keyword (mail.tags)


@dataclass
class CompiledMapping:
    """An index template's mapping, ready to check documents against: the root object,
    every field it lists (path -> type, objects included) and its dynamic templates
    (``path_match`` pattern, type), in order."""

    root: ObjectMapping
    fields: dict[str, str]
    templates: list[tuple[str, str]]
    unknown_types: list[str] = field(default_factory=list)


def compile_mapping(mappings: dict[str, Any]) -> CompiledMapping:
    """The explicit mapping of an index template's ``template.mappings``."""
    templates: list[tuple[str, str]] = []
    for entry in mappings.get("dynamic_templates") or []:
        for spec in (entry or {}).values() if isinstance(entry, dict) else ():
            pattern, kind = spec.get("path_match"), (spec.get("mapping") or {}).get("type")
            if isinstance(pattern, str) and isinstance(kind, str):
                templates.append((pattern, kind))
    fields: dict[str, str] = {}
    unknown: list[str] = []

    def build(path: str, spec: dict[str, Any]) -> ObjectMapping:
        node = ObjectMapping(path, enabled=spec.get("enabled", True) is not False)
        node.template = next((kind for pattern, kind in templates if pattern == f"{path}.*"), None) if path else None
        for key, child in (spec.get("properties") or {}).items():
            child_path = f"{path}.{key}" if path else key
            kind = child.get("type", "object") if isinstance(child, dict) else "object"
            if kind in ("object", "nested") or "properties" in child:
                fields[child_path] = "object"
                node.children[key] = build(child_path, child)
            else:
                fields[child_path] = kind
                node.children[key] = kind
                if kind not in KNOWN_TYPES:
                    unknown.append(f"{child_path} ({kind})")
        if node.enabled and node.template is None and node.children and all(kind == "keyword" for kind in node.children.values()):
            node.keyword_keys = frozenset(node.children)
        node.keyword_template = node.enabled and node.template == "keyword" and not node.children
        return node

    return CompiledMapping(build("", mappings), fields, templates, unknown)


def value_type(value: Any) -> str | None:
    """The type OpenSearch's dynamic mapping gives a value (None: null, nothing mapped)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "date" if _DATE.fullmatch(value) else "text"
    if isinstance(value, dict):
        return "object"
    return None


def fits(mapped: str, value: Any) -> bool:
    """Whether a concrete value fits a mapped field type (OpenSearch coerces numbers and numeric strings)."""
    if mapped in _STRINGS:
        return not isinstance(value, dict)
    if mapped in _NUMBERS:
        return (isinstance(value, int | float) and not isinstance(value, bool)) or (isinstance(value, str) and bool(_NUMERIC.fullmatch(value)))
    if mapped == "boolean":
        return isinstance(value, bool) or value in ("true", "false", "")
    if mapped == "date":
        return (isinstance(value, int) and not isinstance(value, bool)) or (isinstance(value, str) and bool(_DATE.fullmatch(value)))
    if mapped == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return False
        return isinstance(value, str)
    return not isinstance(value, dict) if mapped != "object" else isinstance(value, dict)


def _preview(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _object_expected(path: str) -> MappingConflict:
    return MappingConflict(
        "mapper_parsing_exception",
        f"object mapping for [{path}] tried to parse field [{path.rsplit('.', 1)[-1]}] as object, but found a concrete value",
    )


def _unparseable(path: str, mapped: str, value: Any, document_id: str) -> MappingConflict:
    return MappingConflict(
        "mapper_parsing_exception",
        f"failed to parse field [{path}] of type [{mapped}] in document with id '{document_id}'. Preview of field's value: '{_preview(value)[:100]}'",
    )


def _immense(path: str, value: str) -> MappingConflict:
    size = len(value.encode())
    return MappingConflict(
        "illegal_argument_exception",
        f'Document contains at least one immense term in field="{path}" (whose UTF8 encoding is longer than the max length '
        f"{MAX_TERM_BYTES}), all of which were skipped. Please correct the analyzer to not produce such terms. The prefix of "
        f"the first immense term is: '{value[:30]}...', original message: bytes can be at most {MAX_TERM_BYTES} in length; got {size}",
    )


def map_document(document: dict[str, Any], mapping: dict[str, str], document_id: str,
                 explicit: CompiledMapping | None = None, accepted: AcceptedObjects | None = None) -> dict[str, str]:
    """The fields ``document`` adds to ``mapping`` (field path -> type: the index's fields,
    the explicit ones included); ``MappingConflict`` if OpenSearch would reject it.
    ``mapping`` itself is not changed.

    ``accepted``: the index's lists of objects and keyword-mapped objects in documents it
    accepted (by default none), not walked again; this document's are added to it when it
    is accepted."""
    walk = _Walk(mapping, document_id, explicit.templates if explicit is not None else [], accepted)
    if explicit is not None:
        walk.mapped_object(explicit.root, document)
    else:
        for key, item in document.items():
            walk.dynamic(key, item)
    if len(mapping) + len(walk.added) > FIELDS_LIMIT:
        raise MappingConflict("illegal_argument_exception", f"Limit of total fields [{FIELDS_LIMIT}] has been exceeded")
    if accepted is not None and walk.walked:
        accepted.add(walk.walked)
    return walk.added


class AcceptedObjects:
    """Lists of objects (``mail.headers``) and objects a dynamic template maps as keywords
    (``mail.tags``) in documents an index accepted, per explicit mapping node they were
    walked against. One walked again against its node finds nothing: the fields it maps
    were added to the index's mapping when its document was accepted, and a field's type
    never changes. The event records Firehose hands over share one headers list among every
    message of the same content, and one tags object among every message sent again (its
    Delivery records another), so each is walked once. They are kept (no other object takes
    their id meanwhile), and never changed: the simulator's records are read-only. Bounded.
    Other shared objects are walked each time: remembering them costs what it saves."""

    __slots__ = ("known",)

    LIMIT = 1024

    def __init__(self) -> None:
        self.known: dict[tuple[int, int], Any] = {}

    def add(self, walked: list[tuple[tuple[int, int], Any]]) -> None:
        if len(self.known) + len(walked) > self.LIMIT:
            self.known.clear()
        self.known.update(walked)


def _path(node: ObjectMapping, key: str) -> str:
    """``node.path`` + ``key``, remembered per node (tag keys repeat on every document; bounded)."""
    path = node.paths.get(key)
    if path is None:
        if len(node.paths) >= 4096:
            node.paths.clear()
        path = node.paths[key] = f"{node.path}.{key}" if node.path else key
    return path


class _Walk:
    """One document against an index's mapping: what it adds (``added``), or the conflict."""

    __slots__ = ("accepted", "added", "document_id", "mapping", "templates", "walked")

    def __init__(self, mapping: dict[str, str], document_id: str, templates: list[tuple[str, str]], accepted: AcceptedObjects | None = None):
        self.mapping, self.document_id, self.templates = mapping, document_id, templates
        self.added: dict[str, str] = {}
        self.accepted = accepted.known if accepted is not None else None
        self.walked: list[tuple[tuple[int, int], Any]] = []  # lists and keyword objects walked here, for ``accepted``

    def leaf(self, path: str, mapped: str, value: Any) -> None:
        if value.__class__ is str and mapped == "keyword":
            if len(value) > _SHORT and len(value.encode()) > MAX_TERM_BYTES:
                raise _immense(path, value)
        elif isinstance(value, dict) or not fits(mapped, value):
            raise _unparseable(path, mapped, value, self.document_id)

    def dynamic(self, path: str, value: Any) -> None:
        """A field the explicit mapping does not list, as OpenSearch's dynamic mapping takes it."""
        if value.__class__ is list:
            for item in value:
                self.dynamic(path, item)
            return
        if value is None:
            return
        mapped = self.mapping.get(path) or self.added.get(path)
        if mapped == "text" and value.__class__ is str:
            return  # most dynamically mapped fields of an event record: nothing to check
        if mapped is None:
            mapped = next((kind for pattern, kind in self.templates if fnmatchcase(path, pattern)), None) or value_type(value)
            if mapped is None:
                return
            if mapped != "object" and isinstance(value, dict):
                raise _unparseable(path, mapped, value, self.document_id)
            self.added[path] = mapped
        elif mapped == "object" and not isinstance(value, dict):
            raise _object_expected(path)
        elif mapped != "object":
            self.leaf(path, mapped, value)
        if isinstance(value, dict):
            parent = path + "."
            for key, item in value.items():
                self.dynamic(parent + key, item)

    def unlisted(self, node: ObjectMapping, key: str, item: Any) -> str | None:
        """The type of a key the explicit mapping does not list: its dynamic template's
        (added to the mapping when new), or None when it was mapped dynamically here."""
        path = _path(node, key)
        if node.template is None:
            self.dynamic(path, item)
            return None
        spec = self.mapping.get(path) or self.added.get(path)
        if spec is None:
            if item is None or item == []:
                return None  # OpenSearch maps no field for a null or an empty array
            spec = self.added[path] = node.template
        return spec

    def one_value(self, node: ObjectMapping, key: str, spec: str | ObjectMapping, value: Any) -> None:
        if isinstance(spec, str):
            self.leaf(_path(node, key), spec, value)
        elif value.__class__ is not dict:
            raise _object_expected(spec.path)
        elif spec.enabled:
            self.mapped_object(spec, value)

    def keyword_map(self, node: ObjectMapping, value: dict[str, Any]) -> None:
        """An object whose every key a dynamic template maps as a keyword (``mail.tags``): a key
        the index knows as a keyword, or new, whose value is a short string or an array of
        them, is judged here; any other key as ``mapped_object`` judges it."""
        paths, mapping, added = node.paths, self.mapping, self.added
        for key, item in value.items():
            if item is None:
                continue  # OpenSearch maps no field for a null, nor checks it
            path = paths.get(key) or _path(node, key)
            if (mapping.get(path) or added.get(path) or self.unlisted(node, key, item)) == "keyword":
                if item.__class__ is list:
                    for one in item:
                        if one.__class__ is not str or len(one) > _SHORT:
                            break
                    else:
                        continue
                elif item.__class__ is str and len(item) <= _SHORT:
                    continue
            self.mapped_object(node, {key: item})

    def mapped_object(self, node: ObjectMapping, value: dict[str, Any]) -> None:
        """Each key of an object the explicit mapping lists as ``node``. The values an event
        record holds (a short string in a keyword field, a timestamp in a date field, a
        number, a boolean) are judged here as ``leaf`` would judge them; anything else
        goes to ``one_value``, the reference for every case."""
        children, template, paths = node.children, node.template, node.paths
        for key, item in value.items():
            spec = children.get(key)
            if spec is None:
                if template is None or item is None:
                    spec = self.unlisted(node, key, item)
                else:  # a tag key: known to the index, or mapped by the template now
                    path = paths.get(key) or _path(node, key)
                    spec = self.mapping.get(path) or self.added.get(path) or self.unlisted(node, key, item)
                if spec is None:
                    continue
            kind = item.__class__
            if kind is str:  # most values of an event record: a short string in a keyword field
                if spec == "keyword":
                    if len(item) <= _SHORT:
                        continue
                elif spec == "date" and (_is_ses_time(item) or _is_date(item)):
                    continue
            elif kind is list:
                accepted = self.accepted
                if accepted is not None and spec.__class__ is ObjectMapping:
                    known = (id(item), id(spec))
                    if accepted.get(known) is item:
                        continue
                    self.walked.append((known, item))
                for one in item:
                    if one.__class__ is str:
                        if spec == "keyword" and len(one) <= _SHORT:
                            continue
                    elif one.__class__ is dict and spec.__class__ is ObjectMapping:
                        keywords = spec.keyword_keys
                        if keywords is not None:  # e.g. mail.headers: every value a short string of a listed key
                            for k, v in one.items():
                                if v.__class__ is not str or len(v) > _SHORT or k not in keywords:
                                    self.mapped_object(spec, one)
                                    break
                        elif spec.enabled:
                            self.mapped_object(spec, one)
                        continue
                    elif one is None:
                        continue
                    self.one_value(node, key, spec, one)
                continue
            elif kind is dict:
                if spec.__class__ is ObjectMapping:
                    if spec.keyword_template:
                        if self.accepted is not None:
                            known = (id(item), id(spec))
                            if self.accepted.get(known) is item:
                                continue
                            self.walked.append((known, item))
                        self.keyword_map(spec, item)
                    elif spec.enabled:
                        self.mapped_object(spec, item)
                    continue
            elif kind is bool:  # bool before int: True is an int, not a number to OpenSearch
                if spec == "boolean":
                    continue
            elif kind is int or kind is float:
                if spec in _NUMBERS or (kind is int and spec == "date"):  # epoch milliseconds
                    continue
            elif item is None:
                continue
            self.one_value(node, key, spec, item)
