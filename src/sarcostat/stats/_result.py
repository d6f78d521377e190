"""Deprecated location of `sarcostat.stats.result.StatResult` (kept for imports)."""

from sarcostat.stats.result import StatResult

__all__ = ["StatResult"]
