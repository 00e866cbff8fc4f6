"""Peeked: the head put back in front of the rest, whatever the file's size did meanwhile."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from llmstat.sources.peeked import HEAD, Peeked


class CountingReader(io.BufferedReader):
    """A file that counts the bytes handed out, to show which were read twice."""

    def __init__(self, raw: io.RawIOBase) -> None:
        super().__init__(raw)
        self.handed = 0

    def read(self, n: int | None = -1) -> bytes:
        out = super().read(n)
        self.handed += len(out)
        return out


def _open(path: Path) -> CountingReader:
    return CountingReader(io.FileIO(path, "rb"))


@pytest.mark.parametrize("size", [0, 1, 5000, HEAD - 1, HEAD, HEAD + 1, 3 * HEAD + 7])
def test_every_byte_once_in_order(tmp_path: Path, size: int) -> None:
    data = bytes(range(256)) * (size // 256 + 1)
    path = tmp_path / "f"
    path.write_bytes(data[:size])
    with _open(path) as fh:
        p = Peeked(fh, size)
        assert p.head == data[: min(size, HEAD)]
        assert b"".join(p.chunks()) == data[:size]
        if size < HEAD:
            # a file the head holds whole is not read a second time to hand it on
            assert fh.handed == size


def test_a_file_that_grew_after_its_size_was_taken(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"data: {}\n\n" * 10)
    with _open(path) as fh:
        p = Peeked(fh, 30)  # the size stat() gave before the writer appended the rest
        assert b"".join(p.chunks()) == b"data: {}\n\n" * 10


def test_a_file_appended_to_after_the_head_was_read(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"a" * 100)
    with _open(path) as fh:
        p = Peeked(fh, 100)
        with open(path, "ab") as w:
            w.write(b"b" * 50)
        assert b"".join(p.chunks()) == b"a" * 100 + b"b" * 50


@pytest.mark.parametrize("size", [0, 1, 5000, HEAD - 1, HEAD, 3 * HEAD + 7, (2 << 20) + 3])
def test_bytes_held_whole_read_back_as_they_are(size: int) -> None:
    from llmstat.errors import SizeLimitExceeded
    from llmstat.framing.encoding import read_capped

    data = bytes(range(256)) * (size // 256 + 1)
    data = data[:size]
    p = Peeked.of_bytes(data, "f")
    assert p.head == data[:HEAD] and p.path == "f"
    assert p.whole == (size < HEAD)
    assert b"".join(Peeked.of_bytes(data).chunks()) == data
    assert read_capped(Peeked.of_bytes(data), size) == data
    if 0 < size < HEAD:
        assert read_capped(Peeked.of_bytes(data), size) is data  # handed on, not copied
    if size:
        with pytest.raises(SizeLimitExceeded):
            read_capped(Peeked.of_bytes(data), size - 1)
    # read_all: the same bytes and the same cap; bytes held whole come back as they are
    assert Peeked.of_bytes(data).read_all(size) == data
    if 0 < size < HEAD:
        assert Peeked.of_bytes(data).read_all(size) is data
    if size:
        with pytest.raises(SizeLimitExceeded):
            Peeked.of_bytes(data).read_all(size - 1)
    p = Peeked.of_bytes(data)
    assert p.read_all(size) == data and p.read_all(size) == b""  # read once


def test_a_small_file_that_grew_past_the_head_after_its_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """stat() said it was small; by the time it is read it holds more than the head: it is
    read as a stream, whole."""
    import os

    from llmstat.sources import pipeline

    path = tmp_path / "dump.sse"
    body = b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"m","choices":[]}\n\n'
    usage = b'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"m","choices":[],'
    usage += b'"usage":{"prompt_tokens":7,"completion_tokens":3}}\n\ndata: [DONE]\n\n'
    path.write_bytes(body * (2 * HEAD // len(body)) + usage)
    assert pipeline._small_file(str(path), 100) is None
    real_stat = os.stat
    # the size stat() gave before the writer went on: 100 bytes
    monkeypatch.setattr(
        os, "stat", lambda p, *a, **k: os.stat_result((*real_stat(p)[:6], 100, *real_stat(p)[7:]))
    )
    grown = pipeline.read_input(str(path))
    monkeypatch.setattr(os, "stat", real_stat)
    assert grown.error is None
    assert grown.records == pipeline.read_input(str(path)).records
    assert grown.records[0].tokens.input == 7


def test_a_small_file_read_in_short_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file system that hands a file over a few bytes at a time loses none of them."""
    import os

    from llmstat.sources import pipeline

    path = tmp_path / "f"
    path.write_bytes(bytes(range(256)) * 40)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 1000)))
    assert pipeline._small_file(str(path), 10240) == bytes(range(256)) * 40
