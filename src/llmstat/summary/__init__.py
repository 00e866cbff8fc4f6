"""Summaries of records: totals, windows, groups, percentiles, filters. Computations, no screen."""
