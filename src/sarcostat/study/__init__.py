"""study layer: an analysis plan run end to end, one registered step per report part.

``analyze(cohort_or_path, plan=None)`` returns a `StudyResult`;
``Plan`` / ``load_plan`` describe what is computed; the steps (Table 1,
Figure 1, ...) are `Step` objects found in
`sarcostat.study.steps`.

The names are imported from their modules on first use (see
`sarcostat._lazy`): analyze/StudyResult pull in pandas, while
``sarcostat.study.plan`` stays light; and this package imports none of its
modules itself, so first imports from several threads at once cannot meet in
an import cycle.
"""

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (see sarcostat._lazy)

if TYPE_CHECKING:
    from sarcostat.study.plan import DEFAULT_PLAN_TOML, Plan, load_plan
    from sarcostat.study.result import StudyResult
    from sarcostat.study.run import analyze
else:
    from sarcostat._lazy import lazy_package as _lazy_package

    __getattr__, __dir__ = _lazy_package(
        __name__,
        {
            "plan": ["DEFAULT_PLAN_TOML", "Plan", "load_plan"],
            "result": ["StudyResult"],
            "run": ["analyze"],
        },
    )

__all__ = ["analyze", "Plan", "load_plan", "DEFAULT_PLAN_TOML", "StudyResult"]
