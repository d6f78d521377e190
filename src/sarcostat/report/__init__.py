"""report layer: HTML, DOCX, CSV/JSON and figures of a study, and the
`StudyReport` that ``sarcostat.analyze`` returns."""


def __getattr__(name):
    # Rendering pulls in pandas/matplotlib/jinja2 on first use only.
    if name in ("StudyReport", "as_report", "analyze"):
        from sarcostat.report import study_report

        return getattr(study_report, name)
    raise AttributeError(f"module 'sarcostat.report' has no attribute {name!r}")


__all__ = ["StudyReport", "analyze", "as_report"]
