"""llmstat: offline analyzer for recorded LLM API traffic.

The public API is small and lazy so that ``llmstat --version`` stays quick::

    import llmstat
    for record in llmstat.records("dump.sse"):
        print(record.tokens.input, record.cost_usd)

It gives the numbers the CLI gives: ``records()`` is ``llmstat parse`` (priced, every copy of a
response kept unless ``dedupe=True``: ``parse --dedupe``), and ``summarize()`` is
``llmstat summarize`` (priced and deduplicated).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from llmstat.errors import LlmstatError
    from llmstat.pricing.pricer import Pricer
    from llmstat.record import Record
    from llmstat.summary.builder import Summary
    from llmstat.summary.options import SummaryOptions

__all__ = ["__version__", "records", "records_from_bytes", "summarize"]


def records(
    path: str,
    on_error: Callable[[LlmstatError], None] | None = None,
    *,
    cost: bool = True,
    dedupe: bool = False,
    prices: str | None = None,
    **options: Any,
) -> Iterator[Record]:
    """Yield the usage records of one input path (file, directory or ``-``), as ``llmstat parse``.

    ``cost``: each record's ``cost_usd`` as the CLI prices it (``prices``: a ``--prices`` file
    of your own, read first); a model with no price gives a ``UserWarning`` once. ``dedupe``:
    later copies of a response (same ``(api, id)``) are left out, as ``summarize`` counts them.

    An input that cannot be read (:class:`llmstat.errors.LlmstatError`, saying which file
    and what is wrong) never stops the others: it is handed to ``on_error`` when given, else
    raised once every other input of the path has been read (several at once as
    :class:`llmstat.errors.InputErrors`, whose ``errors`` lists them). Files met while
    walking a directory that are no recording are skipped; odd but readable data becomes
    records with warnings.
    """
    from llmstat.sources.llamaswap_join import join_results
    from llmstat.sources.pipeline import iter_records

    found: Iterable[Record] = iter_records(path, on_error, join_results, **options)
    if dedupe:
        found = _deduped(found)
    return _priced(found, prices) if cost else iter(found)


def records_from_bytes(
    data: bytes, source: str = "<bytes>", *, cost: bool = True, prices: str | None = None, **options: Any
) -> list[Record]:
    """The records of one recording held in memory (as read from a bucket, say), priced as
    ``records()`` prices them."""
    from llmstat.sources.pipeline import records_from_data

    found = records_from_data(data, source, **options)
    return list(_priced(found, prices)) if cost else found


def summarize(
    paths: Iterable[str],
    options: SummaryOptions | None = None,
    *,
    cost: bool = True,
    prices: str | None = None,
) -> Summary:
    """What ``llmstat summarize`` computes over these paths (``Summary.as_dict()`` is its JSON):
    deduplicated and priced; unreadable inputs are skipped, as the CLI reports and skips them."""
    from dataclasses import replace

    from llmstat.sources.llamaswap_join import join_results
    from llmstat.sources.pipeline import iter_results
    from llmstat.summary.builder import SummaryBuilder
    from llmstat.summary.options import SummaryOptions

    opts = replace(options or SummaryOptions(), cost=cost)
    pricer = _pricer(prices) if cost else None
    builder = SummaryBuilder(opts, None if pricer is None else pricer.apply)
    for res in join_results(iter_results(list(paths))):
        builder.add(res.records, res.skipped)
    _warn(pricer)
    return builder.build()


def _deduped(found: Iterable[Record]) -> Iterator[Record]:
    from llmstat.summary.dedupe import Deduper

    seen = Deduper()
    for r in found:
        yield from seen.keep([r], [])


def _priced(found: Iterable[Record], prices: str | None) -> Iterator[Record]:
    pricer = _pricer(prices)
    for r in found:
        pricer.apply([r])
        _warn(pricer)
        yield r
    pricer.save()


_PRICERS: dict[str | None, Pricer] = {}


def _pricer(prices: str | None) -> Pricer:
    """One pricer per price file for the process: records_from_bytes is called per blob."""
    if prices not in _PRICERS:
        from llmstat.pricing.cache import default_cache
        from llmstat.pricing.pricer import Pricer, load_price_table

        _PRICERS[prices] = Pricer(None if prices is None else load_price_table(prices), cache=default_cache())
    return _PRICERS[prices]


def _warn(pricer: Pricer | None) -> None:
    for message in pricer.take_warnings() if pricer is not None else ():
        warnings.warn(message, UserWarning, stacklevel=3)
