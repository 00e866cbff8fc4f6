"""``llmstat summarize`` (being built: see the summarize issue)."""

from __future__ import annotations

from llmstat.commands.common import InputsArg


def summarize(inputs: InputsArg) -> None:
    """Totals, usage windows and groups over many recordings."""
    raise NotImplementedError
