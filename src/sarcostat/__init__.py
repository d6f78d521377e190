"""sarcostat: sarcopenia and biomarker statistics that match SPSS and R.

The package is layered so that data flows one way::

    io (read, map, validate) -> assess / assay -> stats -> study -> report

Heavy libraries are imported lazily so that ``sarcostat --help`` starts fast;
the public entry points below are resolved on first use. This ``__init__``
imports none of sarcostat's modules (not even ``_version``): every module
imports its package first, so one imported from here would make an import
cycle, which two threads importing sarcostat for the first time at once can
fail in (tests/test_import_cycles.py).
"""

from __future__ import annotations

# As typing.TYPE_CHECKING (type checkers take it as true), without importing
# typing: `import sarcostat` imports nothing.
TYPE_CHECKING = False

if TYPE_CHECKING:
    from sarcostat._version import __version__
    from sarcostat.io import read_cohort
    from sarcostat.report.study_report import analyze

__all__ = ["__version__", "read_cohort", "analyze"]

if not TYPE_CHECKING:

    def __getattr__(name: str):
        # Lazy re-exports: importing pandas/statsmodels at package import would
        # cost about a second on every CLI start.
        if name == "__version__":
            from sarcostat._version import __version__

            return __version__
        if name == "read_cohort":
            from sarcostat.io import read_cohort

            return read_cohort
        if name == "analyze":
            # The study layer runs the plan; the report layer adds to_html() & co.
            from sarcostat.report.study_report import analyze

            return analyze
        raise AttributeError(f"module 'sarcostat' has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
