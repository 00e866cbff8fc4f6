"""API dialects: each module turns a response's JSON objects into a UsageState.

Each dialect module declares a ``Dialect`` (``protocols.dialect``): its names, request paths,
shape tests, feeder, provider, response boundary and fast-path spec. ``protocols.registry``
lists them in DIALECTS; path and shape detection, ``--api``, pricing and the fast path read it.
"""

from __future__ import annotations

from llmstat.protocols.dialect import Dialect, Feeder
from llmstat.protocols.registry import (
    API_NAMES,
    DIALECTS,
    FEEDERS,
    UNKNOWN,
    api_from_object,
    api_from_path,
)
from llmstat.protocols.state import UsageState

__all__ = [
    "API_NAMES",
    "DIALECTS",
    "FEEDERS",
    "UNKNOWN",
    "Dialect",
    "Feeder",
    "UsageState",
    "api_from_object",
    "api_from_path",
]
