"""The summary as NDJSON lines and CSV rows (JSON is :meth:`Summary.as_dict` as is).

NDJSON: one object a line, tagged with ``"type"``, in the JSON object's order: each
``request`` (unless left out), ``totals``, each ``window``, each ``group``, each ``skipped``.

CSV: one row for the totals, then one per window, then one per group, flattened:
``row`` (``total``/``window``/``group``), ``start``/``end`` (windows), one column per
``--by`` key (groups), counts, token sums, the cache hit rate, cost and unpriced count, the
models seen (``;``-joined) and ``<metric>_p50/_p95/_p99``. With ``--breakdown`` each of those
rows is followed by one per model (``total-model``/``window-model``/``group-model``, the model
in the ``model`` column). Per-request rows are ``llmstat parse --format csv``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from llmstat.record import TOKEN_FIELDS, iso_utc
from llmstat.report.formats import render_csv
from llmstat.summary.builder import ModelStats, Stats, Summary

METRICS = ("ttft_ms", "prompt_tps", "output_tps", "duration_ms")
_STAT_COLUMNS = (
    "requests",
    "undated",
    "dated_by_body",
    "errors",
    *TOKEN_FIELDS,
    "cache_hit_rate",
    "cost_usd",
    "cost_recorded_usd",
    "cost_calculated_usd",
    "unpriced",
    "models",
    *(f"{m}_{p}" for m in METRICS for p in ("p50", "p95", "p99")),
)


def iter_summary_lines(summary: Summary, requests: bool = True) -> Iterator[dict[str, Any]]:
    data = summary.as_dict(requests)
    for r in data.get("requests", []):
        yield {"type": "request", **r}
    yield {"type": "totals", **data["totals"]}
    for w in data["windows"]:
        yield {"type": "window", **w}
    for g in data["groups"]:
        yield {"type": "group", **g}
    for s in data["skipped"]:
        yield {"type": "skipped", **s}
    if "active" in data:
        yield {"type": "active", **data["active"]}


def _stat_cells(s: Stats) -> dict[str, Any]:
    row: dict[str, Any] = {
        "requests": s.requests,
        "undated": s.undated,
        "dated_by_body": s.dated_by_body,
        "errors": s.errors,
        **s.tokens.as_dict(),
        "cache_hit_rate": s.cache_hit_rate,
        "cost_usd": s.cost_usd,
        "cost_recorded_usd": s.cost_recorded_usd,
        "cost_calculated_usd": s.cost_calculated_usd,
        "unpriced": s.unpriced,
        "models": "; ".join(s.models),
    }
    for metric in METRICS:
        for p, v in getattr(s, metric).as_dict().items():
            row[f"{metric}_{p}"] = v
    return row


def render_summary_csv(summary: Summary, by: tuple[str, ...]) -> str:
    model = () if "model" in by or summary.breakdown is None else ("model",)
    columns = ("row", "start", "end", *by, *model, *_STAT_COLUMNS)
    rows: list[dict[str, Any]] = []

    def add(kind: str, head: dict[str, Any], s: Stats, breakdown: tuple[ModelStats, ...] | None) -> None:
        rows.append({"row": kind, **head, **_stat_cells(s)})
        for m in breakdown or ():
            rows.append({"row": f"{kind}-model", **head, "model": m.model, **_stat_cells(m.stats)})

    add("total", {}, summary.totals, summary.breakdown)
    for w in summary.windows:
        add("window", {"start": iso_utc(w.start), "end": iso_utc(w.end)}, w.stats, w.breakdown)
    for g in summary.groups:
        add("group", dict(g.key), g.stats, g.breakdown)
    return render_csv(rows, columns)
