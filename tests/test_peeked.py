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
