"""``llmstat captures`` (being built: see the captures issue)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Decode and list llama-swap captures.", no_args_is_help=True)
