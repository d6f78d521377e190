"""study layer: an analysis plan run end to end (Tables 1-3, Figures 1-2).

``analyze(cohort_or_path, plan=None)`` returns a :class:`StudyResult`;
``Plan`` / ``load_plan`` describe what is computed.
"""

from sarcostat.study.plan import DEFAULT_PLAN_TOML, Plan, load_plan  # noqa: F401


def __getattr__(name):
    # analyze/StudyResult pull in pandas; keep `import sarcostat.study.plan` light.
    if name == "analyze":
        from sarcostat.study.run import analyze

        return analyze
    if name == "StudyResult":
        from sarcostat.study.result import StudyResult

        return StudyResult
    raise AttributeError(f"module 'sarcostat.study' has no attribute {name!r}")


__all__ = ["analyze", "Plan", "load_plan", "DEFAULT_PLAN_TOML", "StudyResult"]
