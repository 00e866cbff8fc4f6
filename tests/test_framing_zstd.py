"""Bounded zstd: the one-shot ``unzstd`` of whole bytes says what the stream reader says."""

from __future__ import annotations

import io
import struct

import pytest
import zstandard

from llmstat.errors import LlmstatError
from llmstat.framing.encoding import _whole_frames, read_capped, unzstd, zstd_reader
from tests.hostile import zstd_rle_bomb

TEXT = b"".join(b'data: {"n":%d}\n\n' % (i * i) for i in range(300))
FRAME = zstandard.ZstdCompressor(write_content_size=False, write_checksum=True).compress(TEXT)
SIZED = zstandard.ZstdCompressor().compress(b"second frame")
SKIPPABLE = b"\x50\x2a\x4d\x18" + struct.pack("<I", 5) + b"12345"

CASES = {
    "empty": b"",
    "one frame": FRAME,
    "two frames": FRAME + SIZED,
    "skippable frame between": FRAME + SKIPPABLE + SIZED,
    "skippable frame alone": SKIPPABLE,
    "cut in the frame header": FRAME[:5],
    "cut in a block": FRAME[: len(FRAME) // 2],
    "cut before the checksum": FRAME[:-2],
    "cut in the second frame": FRAME + SIZED[:-3],
    "garbage after a frame": FRAME + b"\xde\xad\xbe\xef",
    "garbage after the magic": b"\x28\xb5\x2f\xfd" + b"\xde\xad\xbe\xef" * 64,
    "reserved block type": b"\x28\xb5\x2f\xfd\x00\x38" + b"\x07\x00\x00",
    # the frame's headers whole, a byte of its one block's content flipped
    "damaged block content": FRAME[:100] + bytes([FRAME[100] ^ 0x5A]) + FRAME[101:],
    "bomb past the cap": zstd_rle_bomb(3 << 20),
    "bomb cut short": zstd_rle_bomb(3 << 20)[:-1],
    # single frames, with and without their size in the header, below and past every cap
    "one frame with its size": SIZED,
    "one frame, empty": zstandard.ZstdCompressor(write_content_size=False).compress(b""),
    "one frame of 2 MiB, no size": zstandard.ZstdCompressor(write_content_size=False).compress(TEXT * 500),
    "one frame of 2 MiB, sized": zstandard.ZstdCompressor().compress(TEXT * 500),
    "skippable frame, then one": SKIPPABLE + FRAME,
    "one frame, then a skippable frame": FRAME + SKIPPABLE,
    "one frame, then a skippable frame cut short": FRAME + SKIPPABLE[:-1],
    "one frame of a small size": zstandard.ZstdCompressor().compress(b"x" * 300),
    # the header claims a size its content does not have (its field patched)
    "one frame, its size a lie": SIZED[:5] + bytes([SIZED[5] + 1]) + SIZED[6:],
}


def _outcome(read: object) -> object:
    try:
        return read()  # type: ignore[operator]
    except LlmstatError as e:
        return type(e).__name__, e.message


@pytest.mark.parametrize("cap", [1000, 1 << 20, 8 << 20])
@pytest.mark.parametrize("name", list(CASES))
def test_unzstd_says_what_the_stream_reader_says(name: str, cap: int) -> None:
    data = CASES[name]
    streamed = _outcome(lambda: read_capped(zstd_reader(io.BytesIO(data)), cap))
    assert _outcome(lambda: unzstd(data, cap)) == streamed
    # and again, on the decompression context the first call left behind
    assert _outcome(lambda: unzstd(data, cap)) == streamed


def test_unzstd_of_whole_frames_is_their_text() -> None:
    assert unzstd(FRAME + SKIPPABLE + SIZED) == TEXT + b"second frame"


@pytest.mark.parametrize("size", [0, 12, 255, 256, 300, 65791, 65792, 70000])
def test_the_frame_walk_reads_the_content_size_each_header_width_declares(size: int) -> None:
    # 1, 2 and 4 byte size fields (the 2-byte one counts from 256): a size misread would send
    # every capture blob the slow way, with the same output
    data = bytes(range(256)) * (size // 256 + 1)
    frame = zstandard.ZstdCompressor().compress(data[:size])
    assert _whole_frames(frame) == (1, size)
    assert _whole_frames(FRAME) == (1, -1)
    assert _whole_frames(SKIPPABLE + frame + SKIPPABLE + FRAME) == (2, -1)
    assert _whole_frames(frame[:-1]) is None
