"""The one usage parser: events or whole bodies of any dialect in, UsageStates out.

Streamed and non-streamed responses go through the same path: a non-streamed body is a
stream of one object. ``ResponseAssembler`` also cuts a dump holding several responses
appended one after another at the boundaries CONTRACT.md names.
"""

from __future__ import annotations

from typing import Any

import orjson

from llmstat.protocols.registry import FEEDERS, UNKNOWN, api_from_object, chunk_id_of
from llmstat.protocols.state import UsageState, error_message

_FEED_UNKNOWN = UNKNOWN.feeder


class ResponseAssembler:
    """Folds the events of one body into one UsageState per response.

    ``api_hint`` is the dialect the request path named, if any; without one, each response's
    first JSON object decides. With ``split`` false everything is one response (a HAR entry).
    """

    def __init__(self, api_hint: str | None = None, split: bool = True) -> None:
        self._hint = api_hint
        self._split = split
        self._done: list[UsageState] = []
        self._cur: UsageState | None = None

    def _state(self, obj: Any) -> UsageState:
        if self._cur is None:
            api = self._hint or api_from_object(obj) or UNKNOWN.name
            self._cur = UsageState(api=api)
        elif self._cur.api == UNKNOWN.name and self._cur.objects == 0 and obj is not None:
            self._cur.api = self._hint or api_from_object(obj) or UNKNOWN.name
        return self._cur

    @property
    def current(self) -> UsageState | None:
        """The response being assembled, or None between responses."""
        return self._cur

    def skip(self, n: int) -> None:
        """Count ``n`` more objects of the current response that are known to change nothing else.

        The fast path (``llmstat.protocols.fastpath``) calls this for the text deltas it does not parse.
        """
        if self._cur is None:
            raise ValueError("skip() outside a response")
        self._cur.objects += n

    def _finish(self) -> None:
        if self._cur is not None:
            self._done.append(self._cur)
            self._cur = None

    def feed_data(self, data: bytes, event: str = "message") -> None:
        """One SSE event's data (or one NDJSON line)."""
        stripped = data.strip()
        if stripped == b"[DONE]":
            if self._cur is None and self._done and self._done[-1].terminated:
                return  # a [DONE] after a terminal event belongs to that response
            st = self._state(None)
            st.terminated = True
            if self._split:
                self._finish()
            return
        try:
            obj = orjson.loads(stripped)
        except orjson.JSONDecodeError:
            if self._cur is None and self._done:
                self._done[-1].non_json += 1  # trailing junk after a finished response
                return
            st = self._state(None)
            st.non_json += 1
            return
        self.feed_object(obj, event)

    def feed_object(self, obj: Any, event: str = "message") -> None:
        if not isinstance(obj, dict):
            st = self._state(None)
            st.non_json += 1
            return
        chunk_id = chunk_id_of(obj)
        if self._split and self._cur is not None and self._cur.objects:
            if (
                isinstance(chunk_id, str)
                and self._cur.last_chunk_id is not None
                and chunk_id != self._cur.last_chunk_id
            ):
                self._finish()
        st = self._state(obj)
        if chunk_id is not None:
            st.last_chunk_id = chunk_id
        st.objects += 1
        terminal = FEEDERS.get(st.api, _FEED_UNKNOWN)(st, obj, event)
        if "error" in obj and st.error is None:
            st.error = error_message(obj)
        if terminal:
            st.terminated = True
            if self._split:
                self._finish()

    def close(self) -> list[UsageState]:
        self._finish()
        done, self._done = self._done, []
        return done
