"""llmstat: offline analyzer for recorded LLM API traffic.

The public API is small and lazy so that ``llmstat --version`` stays quick::

    import llmstat
    for record in llmstat.records("dump.sse"):
        print(record.tokens.input)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Iterator

    from llmstat.record import Record

__all__ = ["__version__", "records", "records_from_bytes"]


def records(path: str, **options: Any) -> Iterator[Record]:
    """Yield the usage records of one input path (file, directory or ``-``).

    Raises :class:`llmstat.errors.LlmstatError` when the input cannot be read;
    odd but readable data becomes records with warnings instead.
    """
    from llmstat.pipeline import iter_records

    return iter_records(path, **options)


def records_from_bytes(data: bytes, source: str = "<bytes>", **options: Any) -> list[Record]:
    """The records of one recording held in memory (as read from a bucket, say)."""
    from llmstat.pipeline import records_from_data

    return records_from_data(data, source, **options)
