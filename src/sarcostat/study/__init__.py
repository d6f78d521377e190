"""study layer: an analysis plan run end to end, one registered step per report part.

``analyze(cohort_or_path, plan=None)`` returns a `StudyResult`;
``Plan`` / ``load_plan`` describe what is computed; the steps (Table 1,
Figure 1, ...) are `Step` objects found in
`sarcostat.study.steps`.
"""

from sarcostat.study.plan import Plan, load_plan  # noqa: F401


def __getattr__(name):
    # analyze/StudyResult pull in pandas; keep `import sarcostat.study.plan` light.
    if name == "analyze":
        from sarcostat.study.run import analyze

        return analyze
    if name == "StudyResult":
        from sarcostat.study.result import StudyResult

        return StudyResult
    if name == "DEFAULT_PLAN_TOML":
        from sarcostat.study.plan import DEFAULT_PLAN_TOML

        return DEFAULT_PLAN_TOML
    raise AttributeError(f"module 'sarcostat.study' has no attribute {name!r}")


__all__ = ["analyze", "Plan", "load_plan", "DEFAULT_PLAN_TOML", "StudyResult"]
