"""An in-memory S3: the objects Firehose streams write."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections import defaultdict
from typing import Any


class ObjectStore:
    def __init__(self) -> None:
        self._objects: dict[str, dict[str, bytes]] = defaultdict(dict)

    def put(self, bucket: str, key: str, body: bytes) -> None:
        self._objects[bucket][key] = body

    def get(self, bucket: str, key: str) -> bytes:
        return self._objects[bucket][key]

    def buckets(self) -> list[str]:
        return sorted(b for b, objects in self._objects.items() if objects)

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        return sorted(k for k in self._objects.get(bucket, {}) if k.startswith(prefix))

    def items(self) -> list[tuple[str, str, bytes]]:
        return [(b, k, v) for b in sorted(self._objects) for k, v in sorted(self._objects[b].items())]

    def records(self, bucket: str, key: str) -> list[dict[str, Any]]:
        """The newline-terminated JSON records of an object, decompressed."""
        return [json.loads(line) for line in decompress(key, self.get(bucket, key)).splitlines() if line.strip()]


def decompress(key: str, body: bytes) -> bytes:
    """An object's content, undoing Firehose's compression (judged by the key's extension)."""
    if key.endswith(".gz"):
        return gzip.decompress(body)
    if key.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(archive.read(name) for name in archive.namelist())
    return body
