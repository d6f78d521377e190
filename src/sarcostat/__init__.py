"""sarcostat: sarcopenia and biomarker statistics that match SPSS and R.

The package is layered so that data flows one way::

    io (read, map, validate) -> assess / assay -> stats -> study -> report

Heavy libraries are imported lazily so that ``sarcostat --help`` starts fast;
the public entry points below are resolved on first use.
"""

from __future__ import annotations

from sarcostat._version import __version__

__all__ = ["__version__", "read_cohort", "analyze"]


def __getattr__(name: str):
    # Lazy re-exports: importing pandas/statsmodels at package import would
    # cost about a second on every CLI start.
    if name == "read_cohort":
        from sarcostat.io import read_cohort

        return read_cohort
    if name == "analyze":
        # The study layer runs the plan; the report layer adds to_html() & co.
        from sarcostat.report.study_report import analyze

        return analyze
    raise AttributeError(f"module 'sarcostat' has no attribute {name!r}")
