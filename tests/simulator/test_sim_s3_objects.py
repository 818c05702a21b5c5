"""Objects Firehose writes: produced from their records on first read."""

from __future__ import annotations

import gzip

from ses_metrics.simulator.sinks.s3 import LazyObject, ObjectStore


def test_an_object_s_content_is_its_records_each_newline_terminated():
    assert LazyObject([b'{"a":1}', b'{"b":2}'], gzip.compress).content == b'{"a":1}\n{"b":2}\n'


def test_an_object_s_size_is_its_content_s_length():
    assert LazyObject([b"x", b"yz"], gzip.compress).size == 5  # "x\nyz\n"


def test_an_object_is_compressed_once_however_often_it_is_read():
    calls = []

    def compress(content: bytes) -> bytes:
        calls.append(content)
        return gzip.compress(content)

    written = LazyObject([b"x"], compress)
    assert gzip.decompress(written.body) == gzip.decompress(written.body) == b"x\n"
    assert calls == [b"x\n"]


def test_the_store_counts_an_object_s_uncompressed_bytes():
    store = ObjectStore()
    store.put("bucket", "key.gz", LazyObject([b"x", b"yz"], gzip.compress))
    assert store.bytes_written == {"bucket": 5}
    assert store.content("bucket", "key.gz") == b"x\nyz\n"
