"""report layer: HTML, DOCX, CSV/JSON and figures of a study, and the
`StudyReport` that ``sarcostat.analyze`` returns.

Rendering pulls in pandas/matplotlib/jinja2, so the names are imported from
their module on first use (see `sarcostat._lazy`)."""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.report.study_report import StudyReport, analyze, as_report
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    __getattr__, __dir__ = _lazy_package(
        __name__, {"study_report": ["StudyReport", "analyze", "as_report"]}
    )

__all__ = ["StudyReport", "analyze", "as_report"]
