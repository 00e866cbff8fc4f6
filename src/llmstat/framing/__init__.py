"""Stream framings: how one response body is cut into events (SSE, NDJSON, JSON arrays)."""
