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
    from collections.abc import Callable, Iterator

    from llmstat.errors import LlmstatError
    from llmstat.record import Record

__all__ = ["__version__", "records", "records_from_bytes"]


def records(
    path: str, on_error: Callable[[LlmstatError], None] | None = None, **options: Any
) -> Iterator[Record]:
    """Yield the usage records of one input path (file, directory or ``-``).

    An input that cannot be read (:class:`llmstat.errors.LlmstatError`, saying which file
    and what is wrong) never stops the others: it is handed to ``on_error`` when given, else
    raised once every other input of the path has been read (several at once as
    :class:`llmstat.errors.InputErrors`, whose ``errors`` lists them). Files met while
    walking a directory that are no recording are skipped; odd but readable data becomes
    records with warnings.
    """
    from llmstat.sources.pipeline import iter_records

    return iter_records(path, on_error, **options)


def records_from_bytes(data: bytes, source: str = "<bytes>", **options: Any) -> list[Record]:
    """The records of one recording held in memory (as read from a bucket, say)."""
    from llmstat.sources.pipeline import records_from_data

    return records_from_data(data, source, **options)
