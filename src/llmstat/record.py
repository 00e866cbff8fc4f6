"""The normalized usage record of ../shared/CONTRACT.md, the same for every provider."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TOKEN_FIELDS = ("input", "output", "cache_read", "cache_write", "reasoning")


@dataclass(slots=True)
class Tokens:
    """null (None) means "not reported"; 0 means "reported as zero"."""

    input: int | None = None
    output: int | None = None
    cache_read: int | None = None
    cache_write: int | None = None
    reasoning: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {
            "input": self.input,
            "output": self.output,
            "cache_read": self.cache_read,
            "cache_write": self.cache_write,
            "reasoning": self.reasoning,
        }

    def any_reported(self) -> bool:
        return any(v is not None for v in self.as_dict().values())


@dataclass(slots=True)
class Record:
    """One recorded exchange (one response), normalized."""

    source: str
    entry: int
    api: str = "unknown"
    stream: bool = False
    id: str | None = None
    capture_id: int | None = None
    started: str | None = None
    method: str | None = None
    host: str | None = None
    path: str | None = None
    status: int | None = None
    model: str | None = None
    tokens: Tokens = field(default_factory=Tokens)
    duration_ms: float | None = None
    ttft_ms: float | None = None
    prompt_tps: float | None = None
    output_tps: float | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    # Provider details beyond the five token fields (Anthropic's 5m/1h cache-write split, ...).
    extras: dict[str, Any] = field(default_factory=dict)
    # USD at the prices of the request's date (llmstat.pricing.pricer); null when not priced
    cost_usd: float | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "entry": self.entry,
            "id": self.id,
            "capture_id": self.capture_id,
            "started": self.started,
            "method": self.method,
            "host": self.host,
            "path": self.path,
            "status": self.status,
            "api": self.api,
            "stream": self.stream,
            "model": self.model,
            "tokens": self.tokens.as_dict(),
            "cost_usd": self.cost_usd,
            "duration_ms": self.duration_ms,
            "ttft_ms": self.ttft_ms,
            "prompt_tps": self.prompt_tps,
            "output_tps": self.output_tps,
            "error": self.error,
            "warnings": list(self.warnings),
        }
        # always present, so NDJSON readers (DuckDB, Spark) see one fixed set of keys
        out["extras"] = dict(self.extras)
        return out


@dataclass(slots=True, frozen=True)
class Skipped:
    """A HAR entry (or similar) that is not an LLM call or could not be used."""

    source: str
    entry: int
    reason: str
    warn: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "entry": self.entry, "reason": self.reason}
