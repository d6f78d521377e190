"""Prose: the Methods paragraph and the key findings of a study result.

Every choice the analysis made is stated, so the paragraph can be adapted
for a manuscript: tests per Table 1 row, covariates, reference-grid
settings, quartile and trend methods, censoring, and complete-case n.
"""

from __future__ import annotations

from sarcostat.report.format import (
    DEFAULT_FORMAT,
    POSTHOC,
    FormatConfig,
    capitalized,
    count_text,
    covariate_phrase,
)

_DEFINITIONS = {
    "awgs2019": "the 2019 Asian Working Group for Sarcopenia (AWGS 2019) criteria "
    "(Chen LK et al. J Am Med Dir Assoc 2020;21:300-307.e2)",
    "ewgsop2": "the revised European Working Group on Sarcopenia in Older People (EWGSOP2) "
    "criteria (Cruz-Jentoft AJ et al. Age Ageing 2019;48:16-31)",
    "fnih2014": "the Foundation for the National Institutes of Health (FNIH 2014) criteria",
    "ewgsop1": "the European Working Group on Sarcopenia in Older People (EWGSOP 2010) criteria",
    "awgs2014": "the 2014 Asian Working Group for Sarcopenia (AWGS 2014) criteria",
    "iwgs2011": "the International Working Group on Sarcopenia (IWGS 2011) criteria",
    "sdoc2020": "the Sarcopenia Definitions and Outcomes Consortium (SDOC 2020) criteria",
}

_QUARTILE = {
    "ntiles": "with SPSS RANK /NTILES(4) (mean ranks; ties share a group)",
    "percentile": "at the 25th, 50th and 75th percentiles (SPSS HAVERAGE definition)",
}
_TREND = {
    "score": "entering the quartile number (1-4) as a continuous term in the linear model",
    "median": "entering the median biomarker value of each quartile as a continuous term in "
    "the linear model",
    "poly": "the linear orthogonal-polynomial contrast (-3, -1, 1, 3) of the quartile LS means",
}
_CONT_TEST = {
    "student": "Student's t test",
    "welch": "Welch's t test",
    "levene": "the t test chosen by Levene's test at 0.05 (Student's when variances were "
    "equal, Welch's otherwise)",
    "mannwhitney": "the Mann-Whitney U test",
}
_CAT_TEST = {
    "auto": "the chi-square test, or Fisher's exact test when an expected count was below 5,",
    "pearson": "Pearson's chi-square test",
    "yates": "the chi-square test with Yates' continuity correction",
    "fisher": "Fisher's exact test",
}


def _n_range(df, column="n", by=None) -> str:
    if df is None or column not in df or df[column].dropna().empty:
        return "n not available"
    n = df.groupby(list(by), sort=False)[column].sum() if by else df[column]
    lo, hi = int(n.min()), int(n.max())
    return f"n={count_text(lo)}" if lo == hi else f"n={count_text(lo)}\u2013{count_text(hi)}"


def _indeterminate(result, fmt: FormatConfig) -> str:
    """ "0 indeterminate for sarcopenia", or the count for every status that has some."""
    data = result.data
    statuses = [result.plan.table1.group] + [
        s for s in result.plan.figure1.statuses if s != result.plan.table1.group
    ]
    counts = {}
    if data is not None:
        counts = {s: int(data[s].isna().sum()) for s in statuses if s in data}
    if not any(counts.values()):
        return (
            f"{fmt.count(result.cohort.get('n_indeterminate', 0))} indeterminate for "
            f"{fmt.short(result.plan.table1.group).lower()}"
        )
    return "indeterminate: " + ", ".join(
        f"{fmt.short(s).lower()} {fmt.count(n)}" for s, n in counts.items()
    )


def _ran(result, name: str) -> bool:
    """True when the plan ran step ``name`` (present and not skipped)."""
    return name in result.frames and name not in (getattr(result, "skipped", None) or {})


def _sd_phrase(result, fmt: FormatConfig) -> str:
    sd = result.frames["table3"].get("sd")
    if sd is None or sd.dropna().empty:
        return ""
    unit = f" {result.biomarker_unit}" if result.biomarker_unit else ""
    return f" (1 SD = {fmt.number(sd.dropna().iloc[0], 2)}{unit}, in the analysis sample)"


def _software() -> str:
    """Python and the numerical libraries the analyses actually ran on.

    Only libraries that were imported are named (statsmodels, for one, is no
    longer on the analysis path), so the sentence never cites a package that
    computed nothing.
    """
    import platform
    import sys
    from importlib import metadata

    out = [f"Python {platform.python_version()}"]
    for module, dist, label in (
        ("numpy", "numpy", "NumPy"),
        ("scipy", "scipy", "SciPy"),
        ("statsmodels", "statsmodels", "statsmodels"),
    ):
        if module not in sys.modules:
            continue
        try:
            out.append(f"{label} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(out)


#: The founding study whose analysis the default plan reproduces (CITATION.cff).
SEED_CITATION = (
    "Ahn SH, Jung HW, Lee E, et al. Decreased serum level of sclerostin in older adults "
    "with sarcopenia. Endocrinol Metab (Seoul). 2022;37(3):487\u2013496. "
    "doi:10.3803/EnM.2022.1428"
)


def _seed_design(plan) -> str:
    """The sentence citing the founding study, when the plan is its design.

    Only the biomarker may differ from the default plan (the design applies
    to any biomarker), and the steps must include the seed's five (the seed
    plan, or the default plan with or without supplementary analyses); any
    other change makes it the user's own design, which the paragraph then
    does not attribute to the seed study.
    """
    import dataclasses

    from sarcostat.study.plan import SEED_STEPS, BiomarkerPlan, Plan, StudyPlan

    if not set(SEED_STEPS) <= set(plan.study.steps):
        return ""
    if dataclasses.replace(plan, biomarker=BiomarkerPlan(), study=StudyPlan()) != Plan():
        return ""
    return f"The analysis plan follows that of the founding study ({SEED_CITATION})."


def methods_text(result, fmt: FormatConfig = DEFAULT_FORMAT) -> str:
    """A Methods paragraph for ``result`` (a StudyResult)."""
    plan = result.plan
    f = result.frames
    cov = covariate_phrase(plan.model.covariates)
    bm = result.biomarker_label
    conf = f"{plan.ancova.confidence:.0%}"
    by_test: dict[str, list[str]] = {}
    if _ran(result, "table1"):
        t1 = f["table1"]
        for v, t in t1.drop_duplicates("variable")[["variable", "test"]].itertuples(index=False):
            by_test.setdefault(t, []).append(fmt.short(v))
    tests_used = "; ".join(f"{t}: {', '.join(vs)}" for t, vs in by_test.items())
    weights = (
        "equal weights over factor levels (as SPSS GLM /EMMEANS)"
        if plan.ancova.weights == "equal"
        else "weights proportional to the cell counts"
    )
    binary = (
        "at its mean (i.e. the proportion of men), as SPSS does"
        if plan.ancova.binary_covariates == "proportion"
        else "as a factor averaged over its levels"
    )
    sex_phrase = f"sex was entered {binary}, and " if "sex" in plan.model.covariates else ""
    parts = [
        f"Sarcopenia and its components were classified with "
        f"{_DEFINITIONS.get(plan.assessment.definition, plan.assessment.definition)}; "
        f"participants whose status could not be determined from the available measurements "
        f"were left out of the analyses of that status ({_indeterminate(result, fmt)}).",
    ]
    not_measured = result.cohort.get("tests_not_measured") or []
    if not_measured:
        words = [fmt.in_words(t, starts=False) for t in not_measured]
        named = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
        parts.append(
            f"The cohort did not measure {named}; as the definition accepts any one of its "
            f"listed tests for a criterion, those criteria were assessed with the tests that "
            f"were done."
        )
    if _ran(result, "table1"):
        parts.append(
            f"Data are expressed as mean\u00b1standard deviation for continuous variables and "
            f"as numbers with percentages for categorical variables. Variables were compared by "
            f"{_CONT_TEST[plan.table1.continuous_test]} for continuous variables and "
            f"{_CAT_TEST[plan.table1.categorical_test]} for categorical variables"
            + (f" (tests used: {tests_used})" if tests_used else "")
            + "."
        )
    parts.append(f"{result.censoring.sentence()}")
    if _ran(result, "fig1"):
        parts.append(
            f"Least-squares (LS) means of {bm} with {conf} confidence intervals (CIs) were "
            f"estimated by status using analysis of covariance (ANCOVA), unadjusted and adjusted "
            f"for {cov}; in the reference grid continuous covariates were held at their means, "
            f"{sex_phrase}means were averaged with {weights}. Differences were "
            f"tested with the Type III F test ({_n_range(f['fig1'], by=('status', 'model'))})."
        )
    if _ran(result, "table2"):
        parts.append(
            f"Associations of {bm} with sarcopenia-related parameters were estimated by linear "
            f"regression, unadjusted and adjusted for {cov}, and reported as standardized "
            f"regression coefficients (\u03b2 = b\u00b7SD(x)/SD(y) in the analysis sample; "
            f"{_n_range(f['table2'])})."
        )
    if _ran(result, "fig2"):
        parts.append(
            f"{capitalized(bm)} was divided into quartiles "
            f"{_QUARTILE[plan.trend.quartile_method]}; LS means of each parameter across "
            f"quartiles were estimated by ANCOVA adjusted for {cov}, and P for trend, "
            f"unadjusted and adjusted, was obtained by {_TREND[plan.trend.trend]}; the highest "
            f"and lowest quartiles were compared with {POSTHOC[plan.trend.posthoc]} pairwise "
            f"comparisons ({_n_range(f['fig2'], by=('outcome', 'model'))})."
        )
    if _ran(result, "table3"):
        parts.append(
            f"Odds ratios (ORs) per 1 SD increment of {bm}{_sd_phrase(result, fmt)} were "
            f"estimated by "
            + ("Firth's penalized " if plan.table3.firth else "")
            + f"logistic regression, unadjusted and adjusted for {cov}, with Wald {conf} CIs "
            f"({_n_range(f['table3'])})."
        )
    from sarcostat.report.missing_report import METHODS as _MISSING
    from sarcostat.report.supp_figures import METHODS as _SUPPLEMENTARY

    for name in result.frames:
        if name in _SUPPLEMENTARY and _ran(result, name):
            parts.append(_SUPPLEMENTARY[name](result, fmt))
    for name in result.frames:
        if name in _MISSING and _ran(result, name):
            parts.append(_MISSING[name](result, fmt))
    parts.append(
        "Each analysis used the participants with complete data on its variables (listwise "
        "deletion). A P value <0.05 was considered significant."
    )
    parts.append(_seed_design(plan))
    parts.append(
        f"Analyses were performed with sarcostat {result.meta.get('version', '')}".rstrip()
        + f" ({_software()})."
    )
    return " ".join(p for p in parts if p)


def key_findings(result, fmt: FormatConfig = DEFAULT_FORMAT) -> list[str]:
    """A few plain-text lines: cohort, group difference, headline ORs."""
    c = result.cohort
    lines = [
        f"{fmt.count(c.get('n'))} participants, {fmt.count(c.get('n_group'))} "
        f"({fmt.number(c.get('pct_group'), 1)}%) "
        f"with {result.plan.table1.group.replace('_', ' ')}"
        + (f", {fmt.count(c['n_indeterminate'])} indeterminate" if c.get("n_indeterminate") else "")
        + (" [SYNTHETIC demo data]" if result.synthetic else "")
        + "."
    ]
    f1 = result.frames["fig1"] if _ran(result, "fig1") else None
    for model in ("unadjusted", "adjusted") if f1 is not None else ():
        sub = f1[(f1["model"] == model) & (f1["status"] == result.plan.table1.group)]
        if len(sub) == 2:
            w = sub[sub["level"] == "with"].iloc[0]
            wo = sub[sub["level"] == "without"].iloc[0]
            unit = f" ({result.biomarker_unit})" if result.biomarker_unit else ""
            lines.append(
                f"{result.biomarker_label}{unit}, LS mean {model}: "
                f"{fmt.number(w['estimate'], fmt.biomarker_decimals)} with vs "
                f"{fmt.number(wo['estimate'], fmt.biomarker_decimals)} without "
                f"{result.plan.table1.group.replace('_', ' ')}, {fmt.p_inline(w['p_value'])}."
            )
    t3 = result.frames["table3"] if _ran(result, "table3") else None
    records = [] if t3 is None else t3[t3["model"] == "adjusted"].to_dict("records")
    for rec in records:
        head = f"Adjusted OR per SD for {fmt.short(rec['outcome']).lower()}: "
        if not fmt.number(rec.get("odds_ratio"), fmt.or_decimals):
            lines.append(head + "not estimable (see the warnings).")
            continue
        lines.append(
            head + f"{fmt.or_ci(rec['odds_ratio'], rec['or_ci_lower'], rec['or_ci_upper'])}, "
            f"{fmt.p_inline(rec['p_value'])}."
        )
    for note in (getattr(result, "skipped", None) or {}).values():
        lines.append(note)
    if result.warnings:
        from sarcostat.report.notes import console_lines
        from sarcostat.report.output import withhold_ids

        # Id mentions are removed by their marker (no list of the ids needed).
        lines += console_lines([withhold_ids(w) for w in result.warnings])
    return lines
