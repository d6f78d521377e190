"""Run a whole study: read -> validate -> assess -> every analysis.

`analyze` is the engine behind ``sarcostat analyze`` and the Python
API ``sarcostat.analyze``. It calls the io, assess and stats layers only;
it formats nothing (that is `sarcostat.report`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sarcostat import _fork
from sarcostat._version import __version__
from sarcostat.exceptions import DataError, ModelError, ParameterError, PlanError
from sarcostat.study.censor import substitute_censored
from sarcostat.study.labels import in_text
from sarcostat.study.plan import DERIVED_COLUMNS, DERIVED_FROM, STATUS_COLUMNS, Plan, load_plan
from sarcostat.study.registry import StepContext, StepLog
from sarcostat.study.result import StudyResult
from sarcostat.study.steps import get as get_step

# The log of warnings lives with the step machinery; the old name stays for callers.
_Log = StepLog


def _as_plan(plan, encoding: str | None = None) -> Plan:
    if plan is None:
        return Plan()
    if isinstance(plan, Plan):
        return plan
    if isinstance(plan, (str, Path)):
        return load_plan(plan, encoding=encoding)
    if isinstance(plan, Mapping):
        return Plan.from_dict(plan, source="plan (dict)")
    raise PlanError(f"plan must be None, a Plan, a path or a dict; got {type(plan).__name__}.")


def _load(cohort_or_path, mapping, plan: Plan, sheet=None, read_options=None):
    """(data, units, biomarkers, source, cohort) from a path, Cohort or DataFrame."""
    read_options = {k: v for k, v in (read_options or {}).items() if v is not None}
    if isinstance(cohort_or_path, (str, Path, pd.DataFrame)):
        from sarcostat.io import VARIABLES, cohort_from_frame, read_cohort

        if isinstance(cohort_or_path, pd.DataFrame):

            def read(**kw):
                return cohort_from_frame(cohort_or_path, mapping, **kw)

            source = None
        else:

            def read(**kw):
                return read_cohort(cohort_or_path, mapping, sheet=sheet, **read_options, **kw)

            source = str(cohort_or_path)
        cohort = read()
        col = plan.biomarker.column
        if col not in cohort.data.columns and cohort.mapping.get(col):
            col = cohort.mapping[col]  # the user's own header for the biomarker
        if (
            col != "auto"
            and col not in cohort.biomarkers
            and col in cohort.data.columns
            and col not in {v.name for v in VARIABLES}
        ):
            # A column without a unit in its header is not recognized as a
            # biomarker; naming it in the plan / --biomarker declares it, so
            # '<LOD' values are parsed as censored.
            unit = "" if plan.biomarker.unit == "auto" else plan.biomarker.unit
            cohort = read(biomarkers={col: {"unit": unit, "column": col}})
        cohort.raise_for_errors()
        return cohort.data, dict(cohort.units), list(cohort.biomarkers), source, cohort
    if hasattr(cohort_or_path, "data") and hasattr(cohort_or_path, "raise_for_errors"):
        cohort = cohort_or_path
        cohort.raise_for_errors()
        src = getattr(cohort, "source", None)
        return (
            cohort.data,
            dict(cohort.units),
            list(cohort.biomarkers),
            None if src is None else str(src),
            cohort,
        )
    raise PlanError(
        f"analyze: expected a file path, a Cohort or a pandas DataFrame; "
        f"got {type(cohort_or_path).__name__}."
    )


def _plan_in_canonical_names(plan: Plan, source_names: dict, columns: set) -> Plan:
    """The plan with the user's own headers (``'HGS'``) replaced by their canonical
    columns (``grip_kg``), so a plan or ``--biomarker`` may name either."""
    if not source_names:
        return plan

    def canon(v):
        if isinstance(v, str) and v not in columns and v in source_names:
            return source_names[v]
        return v

    changes = {}
    for name, sec in plan._sections():
        keys = {}
        for f in dataclasses.fields(sec):
            value = getattr(sec, f.name)
            options = f.metadata.get("options")
            if options and not callable(options) and f.metadata.get("kind") != "list":
                continue  # an option value, not a column
            new = tuple(canon(v) for v in value) if isinstance(value, tuple) else canon(value)
            if new != value:
                keys[f.name] = list(new) if isinstance(new, tuple) else new
        if keys:
            changes[name] = keys
    return dataclasses.replace(plan.replace(**changes), source=plan.source) if changes else plan


def _resolve_biomarker(plan: Plan, data: pd.DataFrame, biomarkers: list[str]) -> str:
    col = plan.biomarker.column
    if col != "auto":
        if col not in data.columns:
            listed = ", ".join(biomarkers) or "none detected"
            raise PlanError(
                f"{plan.where}: biomarker.column names {col!r}, which the cohort does not have; "
                f"biomarker columns of the cohort: {listed}."
            )
        _check_numeric_biomarker(plan, data, col)
        return col
    if len(biomarkers) == 1:
        return biomarkers[0]
    if not biomarkers:
        raise PlanError(
            "No biomarker column: the cohort has none that sarcostat recognizes as a biomarker. "
            "Name it with --biomarker COL or [biomarker] column in the plan."
        )
    raise PlanError(
        f"The cohort has several biomarker columns ({', '.join(biomarkers)}); choose one with "
        f"--biomarker COL or [biomarker] column in the plan."
    )


def _check_numeric_biomarker(plan: Plan, data: pd.DataFrame, col: str) -> None:
    """The biomarker is analysed as a number: a text, category, yes/no or date
    column named as the biomarker is a mistake in the plan or --biomarker."""
    s = data[col]
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return
    kind = (
        "yes/no values"
        if pd.api.types.is_bool_dtype(s)
        else "dates"
        if pd.api.types.is_datetime64_any_dtype(s)
        else "text or categories"
    )
    raise PlanError(
        f"{plan.where}: biomarker.column names {col!r}, which holds {kind}, not the "
        f"measured values of a biomarker; name a numeric column."
    )


def _model_covariates(plan: Plan) -> list[str]:
    # Models need numbers: sex enters as 0/1 male, like SPSS with a dummy.
    return ["sex_male" if c == "sex" else c for c in plan.model.covariates]


def _assess(
    data: pd.DataFrame, plan: Plan, log: _Log
) -> tuple[pd.DataFrame, dict, tuple[str, ...]]:
    """Add statuses, SPPB, SPS, sex_male, BMI and SMI where derivable.

    Returns the assessed frame, the count of indeterminate participants per
    status, and the alternative tests the plan's definition left out because
    the cohort never measured them (`sarcostat.assess.classification.unmeasured_tests`).

    ``data`` is not copied: the new columns are added to a new frame that
    shares the cohort's columns (pandas copies on write), so a cohort of a
    million rows is held once."""
    from sarcostat.assess import classify
    from sarcostat.assess.classification import prepare, unmeasured_note, unmeasured_tests

    new: dict[str, Any] = {}
    if "sex" in data.columns:
        sex = data["sex"].astype("string").str.lower()
        new["sex_male"] = np.where(sex.isna(), np.nan, (sex == "male").astype(float))
    # BMI, SMI and ASM where absent: the one derivation (io.derive), with its height rule.
    from sarcostat.io.derive import body_measures

    def col(name):
        return data[name].astype(float).to_numpy() if name in data.columns else None

    derived = body_measures(
        height_cm=col("height_cm"), weight_kg=col("weight_kg"), asm_kg=col("asm_kg"), smi=col("smi")
    )
    new.update((name, values) for name, values in derived.items() if name not in data.columns)
    out = data.assign(**new)
    sppb_cols = {"side_by_side_s", "semi_tandem_s", "tandem_s"}
    if sppb_cols & set(out.columns):
        from sarcostat.assess.sppb import score_sppb

        scored = log.run("SPPB", score_sppb, out)
        sppb = pd.to_numeric(scored["sppb_total"], errors="coerce").astype(float)
        out = out.assign(sppb_total=sppb.to_numpy())
        del scored
    definition = plan.assessment.definition
    prep = prepare(out, "analyze")
    cls = log.run("Classification", classify, out, definition, reasons=False, prepared=prep)
    not_measured = unmeasured_tests(out, definition, prepared=prep)
    if not_measured:
        log.add(f"Classification: {unmeasured_note(definition, not_measured)}")
    del prep
    statuses = {c: cls[c].astype("boolean") for c in STATUS_COLUMNS if c in cls.columns}
    if definition == "awgs2019":
        # The SPS counts three flags of the AWGS 2019 classification just made.
        from sarcostat.assess.sps import sps_from_flags

        sps = log.run("SPS", sps_from_flags, cls)
    else:
        from sarcostat.assess.sps import sarcopenia_phenotype_score

        sps = log.run("SPS", sarcopenia_phenotype_score, out.assign(**statuses))
    del cls
    out = out.assign(
        **statuses,
        sps=pd.to_numeric(pd.Series(sps, index=out.index), errors="coerce").astype(float),
    )
    counts = {c: int(out[c].isna().sum()) for c in STATUS_COLUMNS if c in out.columns}
    return out, counts, not_measured


def _known_columns() -> list[str]:
    """Column names valid in a plan even when a cohort lacks them: the
    canonical variables and what the assessment derives."""
    from sarcostat.io import VARIABLES
    from sarcostat.study.frailty import FRAILTY_COLUMNS

    return (
        [v.name for v in VARIABLES]
        + list(DERIVED_COLUMNS)
        + list(STATUS_COLUMNS)
        + list(FRAILTY_COLUMNS)
    )


def _check_statuses(plan: Plan, data: pd.DataFrame, bm: str) -> None:
    """A status the plan's steps use that the chosen definition does not define."""
    keys = ("figure1.statuses", "outcomes.binary", "table1.group")
    for _, need in plan.needs(bm):
        if need.key in keys and need.column not in data.columns:
            raise PlanError(
                f"{plan.where}: {need.key} names {need.column!r}, which the "
                f"{plan.assessment.definition} definition does not define; remove it from "
                f"the plan or choose another [assessment] definition."
            )


def _missing_columns(data: pd.DataFrame, plan: Plan, bm: str) -> list[str]:
    """Columns the plan's steps need that the data lacks or holds no value in.

    Each column is looked at once, though many steps need it (the seed plan
    has 174 needs of 17 columns), and a value among its first rows answers
    without a pass over the rest."""
    out: list[str] = []
    seen: set[str] = set()
    for _, need in plan.needs(bm):
        col = need.column
        if col in seen:
            continue
        seen.add(col)
        if col not in data.columns or not _has_value(data[col]):
            out.append(col)
    return out


def _has_value(column: pd.Series) -> bool:
    """True when ``column`` holds at least one non-missing value."""
    return bool(column.iloc[:1024].notna().any() or column.notna().any())


def _describe(col: str) -> str:
    from sarcostat.study.frailty import FRAILTY_FROM

    source = {**DERIVED_FROM, **FRAILTY_FROM}
    return f"{col} (derived from {source[col]})" if col in source else col


def _step_notes(plan: Plan, bm: str, missing: list[str]) -> tuple[dict, dict]:
    """({step: note} of steps skipped, {step: note} of steps run without some rows)."""
    skipped: dict[str, str] = {}
    shortened: dict[str, str] = {}
    if not missing:
        return skipped, shortened
    gone = set(missing)
    for name in plan.study.steps:
        step = get_step(name)
        needs = step.needs(plan, bm)
        required = [n for n in needs if not n.row and n.column in gone]
        rows = [n for n in needs if n.row]
        rows_gone = [n for n in rows if n.column in gone]
        lacking = required + rows_gone
        if not lacking:
            continue
        listed = "; ".join(
            f"{key}: {', '.join(dict.fromkeys(n.column for n in lacking if n.key == key))}"
            for key in dict.fromkeys(n.key for n in lacking)
        )
        if required or (rows and len(rows_gone) == len(rows)):
            skipped[name] = f"{step.heading} skipped: the cohort lacks {listed}."
        else:
            shortened[name] = (
                f"{step.heading}: left out the rows the cohort lacks data for ({listed})."
            )
    return skipped, shortened


def _as01(series: pd.Series) -> pd.Series:
    """Nullable boolean status -> float 0/1 with NaN (what the models take)."""
    return series.astype("boolean").astype("Float64").astype(float)


def analyze(
    cohort_or_path,
    plan=None,
    *,
    biomarker: str | None = None,
    mapping=None,
    sheet: str | int | None = None,
    synthetic: bool | None = None,
    progress: Callable[[str], None] | None = None,
    encoding: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
    threads: int | None = None,
    prepare: Callable[[], object] | None = None,
) -> StudyResult:
    """Run the analysis plan on a cohort: Tables 1-3 and Figures 1-2.

    Parameters
    ----------
    cohort_or_path : str, path, Cohort or pandas.DataFrame
        A cohort file (read with `sarcostat.io.read_cohort`), a Cohort
        already read, or a DataFrame with canonical columns.
    plan : Plan, path, dict or None, default None
        The analysis plan; None is the built-in default (the seed study).
    biomarker : str, optional
        Biomarker column; overrides the plan's ``[biomarker] column``.
    mapping : dict or path, optional
        Column mapping passed to ``read_cohort`` when reading a path.
    sheet : str or int, optional
        Excel sheet (name or 0-based index) when reading a workbook.
    synthetic : bool, optional
        Mark the result as synthetic data (the report says so plainly).
        Default: True when the input is the bundled demo cohort.
    progress : callable, optional
        Called with one short message per step.
    encoding, sep, decimal : str, optional
        How to read a text cohort file (see `sarcostat.io.read_cohort`);
        ``encoding`` is also tried for a plan file that is not UTF-8.
    threads : int, optional
        How many threads run the plan's steps (steps that do not read each
        other's results run at the same time; the results are the same, in
        the same order). Default: the environment variable
        ``SARCOSTAT_THREADS``, else 2 for a cohort of 100,000 rows or more
        (1 on a one-core machine) and 1 below. 1 runs them one after another.
        2 on Linux, from the main thread: the steps are shared with a forked
        copy of this process instead of a second thread (`_run_forked`).
    prepare : callable, optional
        With more than one thread: called on a second thread while the
        cohort is assessed, beside the import of what the steps use
        (`STEP_MODULES`), and waited for before the steps run (`_warm_up`);
        `sarcostat.analyze` imports the report's drawing modules there.

    Returns
    -------
    StudyResult
        ``.table1``, ``.fig1``, ``.table2``, ``.fig2``, ``.table3``
        DataFrames, ``.warnings``, ``.methods_text()``, ``.to_html()``,
        ``.to_docx(path)``, ``.write(outdir)``.

    Raises
    ------
    PlanError
        Invalid plan, or a column the cohort lacks (before any computation).
    DataError
        The cohort file has errors (all of them are listed).

    See Also
    --------
    sarcostat.study.Plan : what is computed, with every option.
    sarcostat.stats.compare.table1, sarcostat.stats.ancova.ls_means,
    sarcostat.stats.regression.linear_regression, sarcostat.stats.trend.quartile_trend,
    sarcostat.stats.logistic.or_per_sd : the analyses behind each part.

    Notes
    -----
    Steps: read and validate (errors stop here) → check every plan column →
    classify with the plan's definition (statuses as 0/1, <NA> when
    indeterminate), score the SPPB from its components where recorded, the
    SPS, ``sex_male`` → substitute censored biomarker values → Table 1 by
    the plan's group → Figure 1 (``ls_means`` per status, adjusted and, on
    its own complete cases, unadjusted) → Table 2 (``linear_regression`` of
    each outcome on the biomarker: the standardized β) → Figure 2 (quartiles
    formed once over everyone with a biomarker value, ``quartile_trend`` per
    outcome) → Table 3 (``or_per_sd``). Each model uses its own complete
    cases. Warnings of the stats layer (low events per variable, separation,
    excluded rows) are collected, once each, with the analysis they belong to.

    The R equivalent of each step is given in the docstring of the stats
    function it calls; ``benchmarks/analyze_ref.R`` runs all of them.

    References
    ----------
    Hornung RW, Reed LD. Estimation of average concentration in the presence
    of nondetectable values. Appl Occup Environ Hyg. 1990;5(1):46-51.
    doi:10.1080/1047322X.1990.10389587

    Examples
    --------
    >>> import sarcostat
    >>> from sarcostat.datasets import demo_cohort_path
    >>> res = sarcostat.analyze(demo_cohort_path())   # the synthetic demo cohort
    >>> res.synthetic, res.cohort["n"], res.cohort["n_group"]
    (True, 129, 20)
    >>> t3 = res.table3.set_index(["outcome", "model"])
    >>> bool(t3.at[("sarcopenia", "adjusted"), "odds_ratio"] < 1)
    True
    """
    say = progress or (lambda msg: None)
    threads = _requested_threads(threads)
    plan = _with_biomarker(_as_plan(plan, encoding), biomarker)
    say("read and validate the cohort")
    if mapping is None and _is_demo_path(cohort_or_path):
        # The demo cohort's sidecar map declares the biomarker and its LOD.
        from sarcostat.datasets import demo_mapping_path

        mapping = demo_mapping_path()
    data, units, biomarkers, source, cohort = _load(
        cohort_or_path, mapping, plan, sheet, {"encoding": encoding, "sep": sep, "decimal": decimal}
    )
    source_names = dict(getattr(cohort, "mapping", None) or {})
    plan = _plan_in_canonical_names(plan, source_names, set(data.columns))
    bm = _resolve_biomarker(plan, data, biomarkers)
    # Before any computation: a name that is neither a column of the cohort
    # nor one sarcostat knows is a mistake in the plan (PlanError, exit 2).
    plan.check_columns(
        list(data.columns) + list(DERIVED_COLUMNS), biomarker=bm, known=_known_columns()
    )
    if synthetic is None:
        synthetic = _is_demo(source, cohort)

    log = StepLog()
    _reading_notes(cohort, log)
    # The reader's own copy of the columns is not needed any more: at biobank
    # scale it would hold the cohort twice through every step.
    del cohort
    say(f"assess ({plan.assessment.definition}: sarcopenia and its components, SPPB, SPS)")
    # As read: what multiple imputation starts from (impute, then derive).
    raw = data if plan.missing.method == "mice" else None
    n_threads = _thread_count(threads, len(data))
    # Joined however this block ends: no import left running as the process exits.
    with _warming_up(prepare, n_threads > 1):
        data, indeterminate, not_measured = _assess(data, plan, log)
        # Frailty / osteosarcopenia columns, only when the plan names one.
        from sarcostat.study.frailty import frailty_columns_needed

        wanted = frailty_columns_needed(need.column for _, need in plan.needs(bm))
        data = _add_frailty(data, plan, wanted, log)
        _check_statuses(plan, data, bm)
        missing, skipped = _note_missing(data, plan, bm, indeterminate, log, say)
        label = plan.biomarker.label if plan.biomarker.label != "auto" else bm.replace("_", " ")
        data, censoring = _prepare_biomarker(data, plan, bm, label, log)

        covs = _model_covariates(plan)
        analyses: dict[str, Any] = {}
        frames: dict[str, pd.DataFrame] = {}
        steps = list(plan.study.steps)
        imputation = None
        if plan.missing.method == "mice":
            from sarcostat.study.missing import MICE_STEPS, impute_cohort

            steps += [s for s in MICE_STEPS if s not in steps]
            assert raw is not None
            substituted, _ = substitute_censored(raw, bm, method=plan.biomarker.censored)
            imputation = impute_cohort(
                substituted, plan, bm, lambda d: _derive_completed(d, plan, wanted), progress=say
            )
        ctx = StepContext(
            data=data,
            plan=plan,
            biomarker=bm,
            covariates=covs,
            analyses=analyses,
            log=log,
            missing=frozenset(missing),
            imputation=imputation,
            frames=frames,
        )
    frames = _run_steps(ctx, steps, skipped, say, n_threads)
    unit = plan.biomarker.unit if plan.biomarker.unit != "auto" else units.get(bm, "")
    return StudyResult(
        plan=plan,
        biomarker=bm,
        biomarker_label=label,
        biomarker_unit=unit,
        frames=frames,
        analyses=analyses,
        skipped=skipped,
        cohort=_cohort_summary(data, plan, bm, not_measured),
        censoring=censoring,
        warnings=tuple(log.items),
        source=source,
        synthetic=bool(synthetic),
        meta={"version": __version__, "covariates_model": covs},
        data=data,
        imputations=None if imputation is None else imputation.long,
    )


# ------------------------------------------------------------ the units of analyze
def _with_biomarker(plan: Plan, biomarker: str | None) -> Plan:
    """The plan with ``--biomarker`` / ``biomarker=`` applied."""
    if biomarker is None:
        return plan
    return dataclasses.replace(
        plan.replace(biomarker={"column": biomarker}),
        source=f"{plan.where} with biomarker {biomarker!r}",
    )


def _reading_notes(cohort, log: StepLog) -> None:
    """Column-level reading notes that change what is analysed (codes read as
    missing, a guessed encoding) belong in the report too."""
    for f in getattr(cohort, "issues", ()):
        if f.rule in ("labelled_missing", "encoding") and f.row is None:
            log.add(f"Data: {f.message}")


def _add_frailty(data: pd.DataFrame, plan: Plan, wanted, log: StepLog) -> pd.DataFrame:
    """Frailty / osteosarcopenia columns, only when the plan names one (``wanted``)."""
    from sarcostat.study.frailty import add_frailty_columns

    return add_frailty_columns(data, plan, log, wanted) if wanted else data


def _note_missing(
    data: pd.DataFrame,
    plan: Plan,
    bm: str,
    indeterminate: dict,
    log: StepLog,
    say: Callable[[str], None],
) -> tuple[list[str], dict[str, str]]:
    """(missing columns, {step: note} of steps skipped), every note logged.

    A column the plan names but the cohort lacks (or a derived column whose
    inputs it lacks) shortens or skips the steps that need it; one note per
    step lists every missing column. Indeterminate statuses are noted too."""
    missing = _missing_columns(data, plan, bm)
    skipped, shortened = _step_notes(plan, bm, missing)
    if missing:
        note = (
            "Columns the plan uses that the cohort lacks or holds no value in: "
            + ", ".join(_describe(c) for c in missing)
            + "; the parts that need them are skipped or shortened."
        )
        log.add(note)
        say(note)
    for text in list(skipped.values()) + list(shortened.values()):
        log.add(text)
        say(text)
    for status, k in indeterminate.items():
        if k and (
            status in plan.figure1.statuses
            or status in plan.outcomes.binary
            or status == plan.table1.group
        ):
            log.add(
                f"Classification: {k:,} participant(s) indeterminate for {in_text(status)} "
                f"(a needed measurement is missing); left out of analyses of that status."
            )
    return missing, skipped


def _prepare_biomarker(data: pd.DataFrame, plan: Plan, bm: str, label: str, log: StepLog):
    """(data, censoring): censored values substituted, statuses as float 0/1."""
    data, censoring = substitute_censored(data, bm, method=plan.biomarker.censored)
    if censoring.n_censored:
        log.add(f"Censored biomarker: {censoring.sentence()}")
    n_bm_missing = int(data[bm].isna().sum()) - (censoring.n_censored - censoring.n_substituted)
    if n_bm_missing:
        log.add(
            f"{n_bm_missing:,} participant(s) without a {label} value are left out of every "
            f"analysis of the biomarker."
        )
    return _statuses_as01(data, plan), censoring


def _statuses_as01(data: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """The statuses the plan analyses as float 0/1 (NaN when indeterminate),
    in one new frame sharing the other columns."""
    wanted = set(plan.figure1.statuses) | set(plan.outcomes.binary) | {plan.table1.group}
    return data.assign(
        **{
            c: _as01(data[c])
            for c in data.columns
            if c in wanted and str(data[c].dtype) in ("boolean", "bool")
        }
    )


#: Below this many rows the steps run one after another: their work is then
#: mostly Python (each of two threads waits for the interpreter lock for a
#: third of its time at 10^4-10^5 rows: +8-10% CPU for about 15% less wall
#: time), against 7-20% at 3x10^5-10^6 rows (+0-3% CPU, about 40% less
#: wall time on a free 2-core machine; benchmarks/README.md, section analyze).
PARALLEL_MIN_ROWS = 100_000
#: The environment variable that sets how many threads run the steps
#: (``SARCOSTAT_THREADS=1``: one after another, whatever the cohort's size;
#: the report's figures are then drawn in this process alone, see
#: `sarcostat._fork`).
THREADS_ENV = _fork.THREADS_ENV


#: Modules that nearly every step imports (scipy.stats: about 0.5 s): by
#: `_warm_up`, and by `_run_parallel` before its threads start.
STEP_MODULES = ("scipy.stats",)


@contextlib.contextmanager
def _warming_up(prepare: Callable[[], object] | None, on: bool) -> Iterator[None]:
    """`_warm_up` while the block runs (when ``on``), joined when it ends,
    normally or by an exception."""
    thread = _warm_up(prepare) if on else None
    try:
        yield
    finally:
        if thread is not None:
            thread.join()


def _warm_up(prepare: Callable[[], object] | None) -> Any:
    """A started thread that imports `STEP_MODULES` and calls ``prepare``.

    It runs while the cohort is assessed, on the core the assessment leaves
    idle, and is joined before the steps run, or before an error there
    leaves `analyze` (`_warming_up`): the forked copy that shares
    them (`_run_forked`) is then made with the modules loaded, instead of
    both processes importing them (0.5 s each at the start of their first
    step), and the report's drawing modules are loaded before the report
    (0.3 s more; about 0.7 s less in all at 10**6 rows, benchmarks/README.md).
    The assessment's own imports and these meet only through Python's
    per-module import locks (neither package imports the other). A module
    that fails to load here (any exception) is loaded again where it is
    used, which raises there with its own message.
    """
    import importlib
    import threading

    def work() -> None:
        try:
            for name in STEP_MODULES:
                importlib.import_module(name)
            if prepare is not None:
                prepare()
        except Exception:
            # Only loading ahead of use: whatever failed fails again where the
            # module is used, and is reported there (no traceback from a thread).
            pass

    thread = threading.Thread(target=work, name="sarcostat-warm-up", daemon=True)
    thread.start()
    return thread


def _requested_threads(threads: int | None) -> int | None:
    """``threads``, else ``$SARCOSTAT_THREADS``, else None (the default);
    checked before the cohort is read."""
    if threads is None:
        env = os.environ.get(THREADS_ENV, "").strip()
        if not env:
            return None
        if not env.isdigit() or int(env) < 1:
            raise ParameterError(
                f"{THREADS_ENV} must be a whole number of threads, 1 or more; got {env!r}."
            )
        return int(env)
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ParameterError(f"threads must be a whole number, 1 or more; got {threads!r}.")
    return threads


def _thread_count(requested: int | None, n_rows: int) -> int:
    """How many threads run the plan's steps: the number requested, else 2
    (1 on a one-core machine) for a cohort of `PARALLEL_MIN_ROWS` rows or
    more and 1 below."""
    if requested is not None:
        return requested
    return min(2, os.cpu_count() or 1) if n_rows >= PARALLEL_MIN_ROWS else 1


def _run_steps(
    ctx: StepContext,
    steps: list[str],
    skipped: dict[str, str],
    say: Callable[[str], None],
    threads: int = 1,
) -> dict:
    """Every step, one progress-bar tick each, into ``ctx.frames``; a step
    that cannot be computed on this cohort is skipped with a note (added to
    ``skipped``). With ``threads`` > 1, steps that do not read each other
    (`Step.reads`) run at the same time (`_run_parallel`); frames, analyses,
    notes and warnings are the same, in the same order, as one after another."""
    from sarcostat.progress import progress_bar

    frames = ctx.frames
    with progress_bar(total=len(steps), desc="analyze", unit="step") as bar:
        runnable = [s for s in steps if s not in skipped]
        if threads > 1 and len(runnable) > 1 and len(set(steps)) == len(steps):
            if threads == 2 and _fork.can_fork() and _run_forked(ctx, steps, skipped, say, bar):
                return frames
            _run_parallel(ctx, steps, skipped, say, bar, threads)
            return frames
        for name in steps:
            step = get_step(name)
            if name in skipped:
                frames[name] = step.empty()
            else:
                frames[name], note = _run_step(step, ctx, say)
                if note is not None:
                    skipped[name] = note
            bar.update(1)
    return frames


def _run_step(step, ctx: StepContext, say: Callable[[str], None]) -> tuple[Any, str | None]:
    """(frame, None), or (empty frame, note) when the step as a whole cannot be
    computed on this cohort (e.g. no participant in one group): the report
    says so and goes on."""
    say(step.title)
    try:
        return step.run(ctx), None
    except (DataError, ModelError) as exc:
        note = f"{step.heading} skipped: {exc}"
        ctx.log.add(note)
        say(note)
        return step.empty(), note


@dataclasses.dataclass
class _Task:
    """One step of a parallel run."""

    index: int
    name: str
    step: Any
    #: Indices of the steps it waits for.
    after: frozenset[int]
    #: Runs alone, on the study's own context (its reads are not declared).
    alone: bool
    #: Runs with no other step at the same time (`Step.runs_alone`), whenever
    #: the steps it reads are done and nothing else runs (first, as a rule).
    exclusive: bool = False
    #: Indices of the steps whose frames and analyses it sees.
    sees: tuple[int, ...] = ()
    state: str = "waiting"  # -> "running" -> "done"
    ctx: StepContext | None = None
    frame: Any = None
    note: str | None = None
    #: The analyses it added (run on a view of the study's).
    added: dict = dataclasses.field(default_factory=dict)


def _plan_tasks(steps: list[str], skipped: dict[str, str]) -> list[_Task]:
    """The steps with what each waits for: the earlier steps it reads, and the
    last step before it that runs alone; a step without `Step.reads`
    runs alone (after every earlier step, before every later one). One
    marked `Step.runs_alone` (cohort-sized temporaries) runs with no other
    step at the same time, but in any order (`_run_parallel`)."""
    tasks: list[_Task] = []
    alone_at = -1  # index of the last step that runs alone
    for i, name in enumerate(steps):
        step = get_step(name)
        reads = getattr(step, "reads", None)
        if name in skipped:
            task = _Task(i, name, step, frozenset(), False, state="done", frame=step.empty())
        elif reads is None:
            task = _Task(i, name, step, frozenset(range(i)), True)
            alone_at = i
        else:
            sees = [j for j in range(i) if j <= alone_at or steps[j] in reads]
            after = {j for j in sees if steps[j] in reads}
            if alone_at >= 0:
                after.add(alone_at)
            exclusive = bool(getattr(step, "runs_alone", False))
            task = _Task(i, name, step, frozenset(after), False, exclusive, sees=tuple(sees))
        tasks.append(task)
    return tasks


def _process_groups(tasks: list[_Task]) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    """The steps to run, as groups that must run in one process: a step with
    the steps it reads (`Step.reads`), and steps that fit a model in common
    (`Step.shared_fits`). Returns (groups that stay in the main process:
    those with a step of `Step.large_results`, in plan order; the others,
    costliest first (`Step.cost`), then in plan order). Each group lists its
    steps in plan order."""
    todo = [t.index for t in tasks if t.state != "done"]
    parent = {i: i for i in todo}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(a: int, b: int) -> None:
        parent[root(a)] = root(b)

    fitted_by: dict[str, int] = {}
    for i in todo:
        task = tasks[i]
        for j in task.after:
            if j in parent:
                join(i, j)
        for name in getattr(task.step, "shared_fits", ()):
            if name in fitted_by:
                join(i, fitted_by[name])
            else:
                fitted_by[name] = i
    groups: dict[int, list[int]] = {}
    for i in todo:
        groups.setdefault(root(i), []).append(i)
    local, portable = [], []
    for members in groups.values():
        group = tuple(members)
        if any(getattr(tasks[i].step, "large_results", False) for i in group):
            local.append(group)
        else:
            portable.append(group)
    local.sort()
    portable.sort(key=lambda g: (-sum(float(tasks[i].step.cost) for i in g), g))
    return local, portable


def _run_forked(
    ctx: StepContext,
    steps: list[str],
    skipped: dict[str, str],
    say: Callable[[str], None],
    bar,
) -> bool:
    """`_run_steps` shared with a forked copy of this process
    (`sarcostat._fork.split`), or False (nothing run) where the plan does
    not allow it: a step whose reads are not declared, or one that must
    run alone.

    Python work holds the interpreter lock, so two threads on two cores
    spend part of their time waiting for each other; two processes do not.
    The steps are shared as groups (`_process_groups`): this process runs
    the groups whose results are large, then both take the other groups
    one at a time, costliest first. Each process runs a group's steps one
    after another, as the serial run would, each on a context of its own
    (its log; the analyses and frames of the steps run before it in that
    process); the copy sends back, per step, its frame, skip note, the
    analyses it added and its log items, merged here in plan order, so the
    result is that of the serial run, whatever ran where. Its progress
    (step titles, ticks of the bar) comes as it happens, shown between this
    process's steps. Steps whose copy failed (an error, a signal) are run
    here; an error that is not the user's (not DataError or ModelError) in
    a step run here goes up unchanged."""
    from collections import ChainMap

    tasks = _plan_tasks(steps, skipped)
    if any(t.state != "done" and (t.alone or t.exclusive) for t in tasks):
        return False
    local, portable = _process_groups(tasks)
    analyses: dict = dict(ctx.analyses)
    frames: dict = dict(ctx.frames)

    def run_group(group: tuple[int, ...], live: bool) -> list[tuple]:
        # live: in this process, progress shown at once; in the copy, progress
        # is sent to this process as it happens (`_fork.tell`); a copy's
        # group run here after the copy failed keeps its lines for the merge.
        sent = not live and _fork.in_copy()
        out = []
        for i in group:
            task = tasks[i]
            added: dict = {}
            lines: list[str] = []
            view = dataclasses.replace(
                ctx,
                analyses=ChainMap(added, analyses),  # type: ignore[arg-type]
                log=StepLog(),
                frames=frames,
            )
            tell = (lambda line: _fork.tell(f"say\t{line}")) if sent else lines.append
            frame, note = _run_step(task.step, view, say if live else tell)
            analyses.update(added)
            frames[task.name] = frame
            if live:
                bar.update(1)
            elif sent:
                _fork.tell(f"done\t{task.index}")
            out.append((i, frame, note, added, list(view.log.items), lines, live))
        return out

    ticked: set[int] = set()

    def progress(message: str) -> None:  # a line the copy sent
        kind, _, text = message.partition("\t")
        if kind == "say":
            say(text)
        elif kind == "done" and text.isdigit() and int(text) not in ticked:
            ticked.add(int(text))
            bar.update(1)

    for task in tasks:
        if task.state == "done":
            bar.update(1)
    # This process's steps one at a time (in plan order; each group's in its
    # own order), so that the copy's progress is shown between them.
    mine = [(i,) for i in sorted(i for group in local for i in group)]
    done = _fork.split(
        portable,
        lambda g: run_group(g, True),
        lambda g: run_group(g, False),
        mine=mine,
        patience=3.0,
        on_message=progress,
    )
    by_index = {o[0]: o for group in done.values() for o in group}
    for task in tasks:
        if task.index not in by_index:
            ctx.frames[task.name] = task.frame
            continue
        _, frame, note, added, items, lines, live = by_index[task.index]
        if not live:
            for line in lines:
                say(line)
            if task.index not in ticked:
                bar.update(1)
        ctx.frames[task.name] = frame
        ctx.analyses.update(added)
        for item in items:
            ctx.log.add(item)
        if note is not None:
            skipped[task.name] = note
    return True


def _run_parallel(
    ctx: StepContext,
    steps: list[str],
    skipped: dict[str, str],
    say: Callable[[str], None],
    bar,
    threads: int,
) -> None:
    """`_run_steps` on ``threads`` threads (this one and ``threads - 1`` more).

    Each step runs as soon as the steps it reads (`Step.reads`) are done, on
    a copy of ``ctx`` with its own log, its own ``analyses`` (a view of those
    of the steps it reads, taking its own) and the frames of the steps it
    reads. Finished steps are merged into ``ctx`` in plan order (frames,
    analyses, log items, skip notes), so the result is the one of the serial
    run whatever order they finish in. A user error (DataError, ModelError)
    skips the step with its note; any other exception stops the run and is
    raised here, unchanged; on Ctrl-C this returns at once (the other
    thread is a daemon and ends with the process)."""
    import importlib
    import threading
    from collections import ChainMap

    from sarcostat.study.thread_warnings import thread_local_warnings

    # Steps import what they use on first use, on their own threads: safe,
    # because sarcostat's modules import one another without a cycle
    # (package __init__ files hand their names on lazily, sarcostat._lazy;
    # tests/test_import_cycles.py keeps it so), and Python's per-module import
    # locks make concurrent first imports of an acyclic graph wait for each
    # other instead of meeting half-made. `STEP_MODULES` (scipy.stats, which
    # nearly every step uses) are imported here first, if the warm-up has
    # not: its package __init__ imports its own modules (the pattern that
    # made sarcostat's cycles), and whether two threads can meet in a
    # third-party package's imports is not ours to check.
    for name in STEP_MODULES:
        importlib.import_module(name)
    tasks = _plan_tasks(steps, skipped)
    base_analyses = dict(ctx.analyses)
    say_lock = threading.Lock()

    def say_one(message: str) -> None:  # one line at a time (a counter may number them)
        with say_lock:
            say(message)

    caller = threading.current_thread()  # runs steps too (see next_task)
    cond = threading.Condition()
    failure: list[BaseException] = []
    merged = 0  # tasks[:merged] are merged into ctx

    def view(task: _Task) -> StepContext:
        if task.alone:
            return ctx
        analyses: dict = dict(base_analyses)
        for j in task.sees:
            analyses.update(tasks[j].added)
        return dataclasses.replace(
            ctx,
            analyses=ChainMap(task.added, analyses),  # type: ignore[arg-type]
            log=StepLog(),
            frames={steps[j]: tasks[j].frame for j in task.sees},
        )

    def merge() -> None:
        nonlocal merged
        while merged < len(tasks) and tasks[merged].state == "done":
            task = tasks[merged]
            ctx.frames[task.name] = task.frame
            if not task.alone:
                ctx.analyses.update(task.added)
                if task.ctx is not None:
                    for item in task.ctx.log.items:
                        ctx.log.add(item)
            if task.note is not None:
                skipped[task.name] = task.note
            task.ctx = None  # its log and view are not needed any more
            merged += 1

    def next_task(main: bool) -> _Task | None:
        running = [t for t in tasks if t.state == "running"]
        if any(t.exclusive for t in running):
            return None
        ready = [
            t
            for t in tasks
            if t.state == "waiting" and all(tasks[j].state == "done" for j in t.after)
        ]
        if not running:
            # A step that must run by itself goes first while nothing runs
            # (later it would wait for the other thread to run dry), on this
            # thread: its temporaries then reuse the memory the reading and
            # assessment freed (another thread's allocator arena would not).
            for task in ready:
                if task.exclusive:
                    return task if main else None
        startable = [
            task
            for task in ready
            if not (task.exclusive and running)
            # A step that runs alone starts once the steps before it are merged.
            and not (task.alone and merged < task.index)
        ]
        if not startable:
            return None
        # Longest first (`Step.cost`), then plan order: the last steps to
        # start are short ones, so neither thread is left running a long
        # step by itself at the end.
        return max(startable, key=lambda task: (float(task.step.cost), -task.index))

    def take() -> _Task | None:
        """The next step to run (marked running), or None when there is none left."""
        main = threading.current_thread() is caller
        with cond:
            while True:
                if failure or all(t.state != "waiting" for t in tasks):
                    return None
                task = next_task(main)
                if task is not None:
                    task.state = "running"
                    task.ctx = view(task)
                    return task
                cond.wait()

    def work() -> None:
        try:
            while (task := take()) is not None:
                assert task.ctx is not None
                task.frame, task.note = _run_step(task.step, task.ctx, say_one)
                with cond:
                    if task.alone:
                        # What the steps after it see: everything run up to it.
                        task.added = dict(ctx.analyses)
                    task.state = "done"
                    merge()
                    bar.update(1)
                    cond.notify_all()
        except BaseException as exc:
            with cond:
                failure.append(exc)
                cond.notify_all()

    with thread_local_warnings():
        with cond:
            for task in tasks:
                if task.state == "done":
                    bar.update(1)
            merge()
        helpers = [
            threading.Thread(target=work, name=f"sarcostat-step-{k}", daemon=True)
            for k in range(1, threads)
        ]
        try:
            for t in helpers:
                t.start()
            work()
            with cond:
                while not failure and merged < len(tasks):
                    cond.wait()
        except BaseException as exc:
            with cond:
                failure.insert(0, exc)
                cond.notify_all()
        stops = [e for e in failure if isinstance(e, KeyboardInterrupt)]
        if not stops:
            # After an error, a step running on another thread finishes (it
            # stops there) before the error goes up: nothing runs behind it.
            # After success each helper has left its loop: no thread of the
            # run is left when the report forks its figure drawing
            # (`sarcostat._fork`).
            for t in helpers:
                t.join()
        if failure:
            raise stops[0] if stops else failure[0]


def _cohort_summary(
    data: pd.DataFrame, plan: Plan, bm: str, not_measured: tuple[str, ...] = ()
) -> dict:
    """Counts of the report's cohort cards (no participant-level data), and
    the tests the definition left out as never measured (for the Methods)."""
    group = data[plan.table1.group] if plan.table1.group in data else pd.Series(dtype=float)
    sex = data["sex"].astype("string").str.lower() if "sex" in data else pd.Series(dtype="string")
    n = len(data)
    n_group = int((group == 1).sum())
    n_nogroup = int((group == 0).sum())
    return {
        "n": n,
        "n_male": int((sex == "male").sum()),
        "pct_male": 100.0 * float((sex == "male").sum()) / n if n else math.nan,
        "age_mean": float(data["age_yr"].mean()) if "age_yr" in data else math.nan,
        "age_sd": float(data["age_yr"].std()) if "age_yr" in data else math.nan,
        "group": plan.table1.group,
        "n_group": n_group,
        "n_nogroup": n_nogroup,
        "pct_group": 100.0 * n_group / (n_group + n_nogroup) if n_group + n_nogroup else math.nan,
        "n_indeterminate": int(group.isna().sum()),
        "definition": plan.assessment.definition,
        "tests_not_measured": list(not_measured),
        "n_biomarker": int(data[bm].notna().sum()),
    }


def _derive_completed(raw: pd.DataFrame, plan: Plan, wanted) -> pd.DataFrame:
    """One completed (imputed) raw data set -> its analysis data set: the
    assessment rerun on it (statuses as 0/1), as for the cohort itself."""
    data, _, _ = _assess(raw, plan, StepLog())
    if wanted:
        from sarcostat.study.frailty import add_frailty_columns

        data = add_frailty_columns(data, plan, StepLog(), wanted)
    return _statuses_as01(data, plan)


def _is_demo_path(path) -> bool:
    if not isinstance(path, (str, Path)):
        return False
    from sarcostat.datasets import demo_cohort_path

    try:
        return Path(path).resolve() == demo_cohort_path().resolve()
    except OSError:
        return False


def _is_demo(source, cohort) -> bool:
    if cohort is not None and getattr(cohort, "protocol", None):
        if cohort.protocol.get("synthetic"):
            return True
    return source is not None and _is_demo_path(source)
