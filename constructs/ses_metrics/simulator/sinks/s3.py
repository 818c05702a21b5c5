"""An in-memory S3: the objects Firehose streams write.

Objects written by a Firehose stream keep their records uncompressed until someone reads
the object's bytes (``get``, ``items``, ``--out``); then they are compressed once, as the
stream's configuration says. Reading records (``records``) needs no compression at all.
Routing thus never pays for GZIP, and what a reader sees is what Firehose would write.

With ``keep_bodies=False`` (long replays) the store counts objects and their
uncompressed bytes per bucket and keeps nothing else: memory does not grow with the
data written, and ``keys``/``items`` stay empty.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any


class LazyObject:
    """An object body produced on first read: ``records``, each newline-terminated, then
    compressed by ``compress``. Until its content is read the object holds only the records
    (the events' own bytes, shared): no copy of them."""

    __slots__ = ("_body", "_compress", "_content", "_records", "size")

    def __init__(self, records: list[bytes], compress: Callable[[bytes], bytes]):
        self._records: list[bytes] | None = records
        self._compress = compress
        self._content: bytes | None = None
        self._body: bytes | None = None
        self.size = sum(map(len, records)) + len(records)  # the content's length

    @property
    def content(self) -> bytes:
        if self._content is None:
            assert self._records is not None
            self._content = b"\n".join(self._records) + b"\n"
            self._records = None
        return self._content

    @property
    def body(self) -> bytes:
        if self._body is None:
            self._body = self._compress(self.content)
        return self._body


class ObjectStore:
    def __init__(self, *, keep_bodies: bool = True) -> None:
        self.keep_bodies = keep_bodies
        self._objects: dict[str, dict[str, bytes | LazyObject]] = defaultdict(dict)
        self.objects_written: Counter[str] = Counter()  # per bucket
        self.bytes_written: Counter[str] = Counter()  # per bucket, uncompressed

    def put(self, bucket: str, key: str, body: bytes | LazyObject | None, *, size: int | None = None) -> None:
        """Store an object (``body`` may be None when bodies are not kept; ``size`` is
        then its uncompressed length)."""
        self.objects_written[bucket] += 1
        if size is None:
            size = body.size if isinstance(body, LazyObject) else len(body or b"")
        self.bytes_written[bucket] += size
        if self.keep_bodies and body is not None:
            self._objects[bucket][key] = body

    def get(self, bucket: str, key: str) -> bytes:
        body = self._objects[bucket][key]
        return body.body if isinstance(body, LazyObject) else body

    def buckets(self) -> list[str]:
        return sorted(b for b, objects in self._objects.items() if objects)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        return sorted(k for k in self._objects.get(bucket, {}) if k.startswith(prefix))

    def count(self) -> int:
        """Objects written (kept or only counted)."""
        return sum(self.objects_written.values())

    def items(self) -> list[tuple[str, str, bytes]]:
        return [(b, k, self.get(b, k)) for b in sorted(self._objects) for k in sorted(self._objects[b])]

    def content(self, bucket: str, key: str) -> bytes:
        """An object's content, decompressed."""
        body = self._objects[bucket][key]
        return body.content if isinstance(body, LazyObject) else decompress(key, body)

    def records(self, bucket: str, key: str) -> list[dict[str, Any]]:
        """The newline-terminated JSON records of an object, decompressed."""
        return [json.loads(line) for line in self.content(bucket, key).splitlines() if line.strip()]


def decompress(key: str, body: bytes) -> bytes:
    """An object's content, undoing Firehose's compression (judged by the key's extension)."""
    if key.endswith(".gz"):
        return gzip.decompress(body)
    if key.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return body
