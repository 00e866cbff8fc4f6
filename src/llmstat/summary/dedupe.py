"""Duplicates: the same response recorded twice (a HAR and the SSE dump of the same call, two
exports of one session) counts once. Records with the same ``(api, id)`` are one response; the
first in input order wins and the later copies are skipped with the reason. ``capture_id`` is
no key by itself (llama-swap's ids restart with the process): a llama-swap activity entry is
one request by its instance, id and timestamp together (pages fetched while requests arrived
repeat entries)."""

from __future__ import annotations

from collections.abc import Iterable

from llmstat.record import Record, Skipped


def duplicate_reason(first: Record) -> str:
    return f"duplicate: {first.api} {first.id} already counted from {first.source} entry {first.entry}"


class Deduper:
    """Remembers the first record of each ``(api, id)`` across every input it is shown."""

    def __init__(self) -> None:
        self._first: dict[tuple[str, str], Record] = {}
        self._entries: dict[tuple[str | None, int, str | None], Record] = {}

    def keep(self, records: Iterable[Record], skipped: list[Skipped]) -> list[Record]:
        """The records that are no copy of one seen before; each copy goes to ``skipped``."""
        kept = []
        for r in records:
            if r.id is not None:
                first = self._first.setdefault((r.api, r.id), r)
                if first is not r:
                    skipped.append(Skipped(r.source, r.entry, duplicate_reason(first)))
                    continue
            repeated = self._repeated_entry(r)
            if repeated is not None:
                skipped.append(Skipped(r.source, r.entry, repeated))
                continue
            kept.append(r)
        return kept

    def _repeated_entry(self, r: Record) -> str | None:
        origin = r.origin
        if origin is None or origin.kind != "activity" or r.capture_id is None:
            return None
        first = self._entries.setdefault((origin.instance, r.capture_id, origin.ended), r)
        if first is r:
            return None
        where = f"{first.source} entry {first.entry}"
        return f"duplicate: llama-swap entry {r.capture_id} already counted from {where}"
