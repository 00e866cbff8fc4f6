"""Rendering: tables (rich), JSON / NDJSON / CSV, and the summary computations behind them."""
