"""Figures, display tables, captions and Methods sentences of the supplementary steps.

Each figure function takes a study result and only visual parameters and
returns a matplotlib Figure (drawn without pyplot, as report.figures does):
ROC curves (overall and by sex), the spline's odds-ratio curve with its 95%
band, a forest plot of the quartile odds ratios, and the participant flow
diagram. `DISPLAY`, `FIGURES`, `CAPTIONS` and
`METHODS` are merged into `sarcostat.report.parts` and
`sarcostat.report.methods` by step name.
"""

from __future__ import annotations

import math

from sarcostat.report import tables
from sarcostat.report.figures import _new_figure, log_axis, panel_columns, thin_curve
from sarcostat.report.format import (
    DEFAULT_FORMAT,
    FormatConfig,
    capitalized,
    count_text,
    covariate_phrase,
)

_STRATUM_STYLE = {
    "all": ("#222222", "-", "All"),
    "male": ("#2166ac", "--", "Men"),
    "female": ("#b2182b", ":", "Women"),
}


def _grid(n: int, ncols: int, panel=(3.0, 2.8)):
    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = _new_figure((panel[0] * ncols, panel[1] * nrows + 0.3))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    fig.subplots_adjust(left=0.09, right=0.98, top=0.88, bottom=0.16, wspace=0.35, hspace=0.6)
    return fig, axes


def roc_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, ncols: int = 4, width_mm: float | None = None
):
    """Empirical ROC curves of the biomarker for each binary outcome, all and by sex."""
    df = result.frames["roc"]
    outcomes = list(dict.fromkeys(df["outcome"]))
    fig, axes = _grid(max(1, len(outcomes)), panel_columns(width_mm, len(outcomes), ncols))
    for k, ax in enumerate(axes.flat):
        if k >= len(outcomes):
            ax.set_visible(False)
            continue
        outcome = outcomes[k]
        for stratum, (color, ls, label) in _STRATUM_STYLE.items():
            res = result.analyses.get(f"roc/{outcome}/{stratum}")
            if res is None:
                continue
            curve = res.table
            # A curve of 10**6 thresholds is drawn at figure resolution (LARGE_N).
            fpr, tpr = thin_curve(1 - curve["specificity"], curve["sensitivity"])
            ax.plot(
                fpr,
                tpr,
                color=color,
                ls=ls,
                lw=1.3,
                label=f"{label} (AUC {fmt.number(res.auc, 2)})",
            )
            if stratum == "all":
                ax.plot(1 - res.specificity, res.sensitivity, "o", color=color, ms=4)
        ax.plot([0, 1], [0, 1], color="#bbbbbb", lw=0.8)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.set_title(fmt.short(outcome), fontsize=9)
        ax.set_xlabel("1 - specificity", fontsize=8)
        ax.set_ylabel("Sensitivity", fontsize=8)
        ax.tick_params(labelsize=7)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=6.5, loc="lower right", frameon=False)
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def spline_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, ncols: int = 4, width_mm: float | None = None
):
    """Adjusted odds ratio (95% band) against the biomarker, median as reference."""
    df = result.frames["spline"]
    outcomes = [o for o, k in zip(df["outcome"], df["kind"]) if k == "logistic"]
    ncols = panel_columns(width_mm, len(outcomes), ncols)
    fig, axes = _grid(max(1, len(outcomes)), ncols)
    # Printed narrow, the two P values take a line each under the title.
    joint = "\n" if width_mm is not None and width_mm / ncols < 60 else ", "
    for k, ax in enumerate(axes.flat):
        if k >= len(outcomes):
            ax.set_visible(False)
            continue
        outcome = outcomes[k]
        res = result.analyses.get(f"spline/{outcome}")
        ax.set_title(fmt.short(outcome), fontsize=9)
        if res is None or not res.estimable:
            ax.text(0.5, 0.5, "not estimated", ha="center", va="center", fontsize=8)
            ax.set_axis_off()
            continue
        c = res.curve
        ax.fill_between(c["x"], c["or_ci_lower"], c["or_ci_upper"], color="#d1e5f0", lw=0)
        ax.plot(c["x"], c["odds_ratio"], color="#2166ac", lw=1.5)
        ax.axhline(1.0, color="#888888", lw=0.8, ls="--")
        ax.axvline(res.reference, color="#bbbbbb", lw=0.8)
        log_axis(ax, "y")
        # The knots as marks on the bottom edge (x in data, y in axes units).
        ax.plot(
            res.knots,
            [0.0] * len(res.knots),
            "|",
            color="#444444",
            ms=6,
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
        ax.set_xlabel(result.biomarker_label, fontsize=8)
        ax.set_ylabel("Odds ratio", fontsize=8)
        ax.tick_params(which="both", labelsize=7)
        # The P values under the title, as Figure 2 has its P for trend: inside
        # the panel they could sit on a curve that starts high.
        ax.set_title(
            f"{fmt.short(outcome)}\nP overall{fmt.p_inline(res.p_overall)[1:]}{joint}"
            f"P non-linear{fmt.p_inline(res.p_nonlinear)[1:]}",
            fontsize=9,
        )
        ax.spines[["top", "right"]].set_visible(False)
    return fig


def forest_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, width: float = 6.5, width_mm: float | None = None
):
    """Forest plot of the adjusted odds ratios by quartile (Q1 reference)."""
    df = result.frames["quartile_or"]
    rows = df[df["quartile"] > 1]
    n = len(rows) + len(dict.fromkeys(df["outcome"]))
    fig = _new_figure((width, 0.28 * max(n, 4) + 0.8))
    ax = fig.subplots()
    fig.subplots_adjust(left=0.38, right=0.97, top=0.95, bottom=0.12)
    y, labels, pos = 0, [], []
    for outcome in dict.fromkeys(df["outcome"]):
        sub = df[df["outcome"] == outcome]
        labels.append(f"{fmt.short(outcome)} (P trend{fmt.p_inline(sub['p_trend'].iloc[0])[1:]})")
        pos.append(y)
        y -= 1
        for rec in sub[sub["quartile"] > 1].to_dict("records"):
            est, lo, hi = rec["odds_ratio"], rec["or_ci_lower"], rec["or_ci_upper"]
            if all(math.isfinite(v) and v > 0 for v in (est, lo, hi)):
                ax.plot([lo, hi], [y, y], color="#444444", lw=1)
                ax.plot([est], [y], "s", color="#2166ac", ms=5)
            labels.append(f"    Q{int(rec['quartile'])} vs Q1")
            pos.append(y)
            y -= 1
    ax.axvline(1.0, color="#888888", lw=0.8, ls="--")
    log_axis(ax, "x")
    ax.set_yticks(pos)
    ax.set_yticklabels(labels, fontsize=7.5)
    ax.set_xlabel("Adjusted odds ratio (95% CI)", fontsize=8)
    ax.tick_params(axis="x", which="both", labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def flow_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, width: float = 6.5, width_mm: float | None = None
):
    """STROBE participant flow: read, excluded with reasons, analysed."""
    df = result.frames["flow"]
    read = df[df["stage"] == "read"]
    excl = df[df["stage"] == "excluded"]
    main = df[(df["stage"] == "analysed") & (df["item"] == "main adjusted analysis")]
    fig = _new_figure((width, 4.2))
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    box = {"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#333333", "lw": 1}
    n_read = int(read["n"].iloc[0]) if len(read) else 0
    ax.text(
        3,
        9,
        f"Participants read\nn = {count_text(n_read)}",
        ha="center",
        va="center",
        fontsize=9,
        bbox=box,
    )
    lines = [
        f"{fmt.in_words(rec['item'])}: n = {count_text(int(rec['n']))}"
        for rec in excl.to_dict("records")
    ]
    n_ex = int(excl["n"].sum()) if len(excl) else 0
    ax.text(
        5.0,
        5.8,
        f"Excluded (n = {count_text(n_ex)})\n" + "\n".join(lines),
        ha="left",
        va="center",
        fontsize=7.5,
        bbox=box,
    )
    n_main = int(main["n"].iloc[0]) if len(main) else 0
    ax.text(
        3,
        2.2,
        f"Analysed (main adjusted analysis)\nn = {count_text(n_main)}",
        ha="center",
        va="center",
        fontsize=9,
        bbox=box,
    )
    ax.annotate("", xy=(3, 3.0), xytext=(3, 8.3), arrowprops={"arrowstyle": "->", "lw": 1})
    ax.annotate("", xy=(4.9, 5.8), xytext=(3, 5.8), arrowprops={"arrowstyle": "->", "lw": 1})
    return fig


FIGURES = {
    "roc": roc_figure,
    "spline": spline_figure,
    "quartile_or": forest_figure,
    "flow": flow_figure,
}


def _roc_caption(result, fmt: FormatConfig) -> str:
    return (
        f"Receiver operating characteristic curves of {result.biomarker_label} for each "
        "status, in all participants and by sex; the dot marks the Youden-optimal threshold. "
        "AUC with DeLong 95% confidence intervals in the table below."
    )


def _spline_caption(result, fmt: FormatConfig) -> str:
    cov = covariate_phrase(result.plan.model.covariates)
    return (
        f"Adjusted odds ratios (95% confidence band) by {result.biomarker_label}, modelled by a "
        f"restricted cubic spline with 4 knots (tick marks) and adjusted for {cov}; the "
        "reference is the median (vertical line)."
    )


def _forest_caption(result, fmt: FormatConfig) -> str:
    cov = covariate_phrase(result.plan.model.covariates)
    return (
        f"Odds ratios (95% confidence intervals) by quartile of {result.biomarker_label} "
        f"(Q1 reference), adjusted for {cov}."
    )


def _flow_caption(result, fmt: FormatConfig) -> str:
    return (
        "Participant flow: each excluded participant is counted once, under the first "
        "reason that applies; the analysed n of every model is in the table."
    )


CAPTIONS = {
    "roc": _roc_caption,
    "spline": _spline_caption,
    "quartile_or": _forest_caption,
    "flow": _flow_caption,
}


# -- display tables -------------------------------------------------------------------
def _ci(fmt, est, lo, hi, decimals=3) -> str:
    if est is None or not isinstance(est, (int, float)) or not math.isfinite(est):
        return ""
    return f"{fmt.number(est, decimals)} ({fmt.number(lo, decimals)} to {fmt.number(hi, decimals)})"


def _row(cells, key="", indent=False):
    return tables.DisplayRow([str(c) for c in cells], indent=indent, key=key)


def table1_full_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["table1_full"]
    group = fmt.short(result.plan.table1.group).lower()
    rows = []
    for r in df.to_dict("records"):
        if r["kind"] == "continuous":
            cells = [fmt.short(r["variable"])]
            for p in ("overall", "with", "without"):
                if r["display"] == "median_iqr":
                    cells.append(
                        f"{fmt.number(r[f'median_{p}'], 2)} ({fmt.number(r[f'q1_{p}'], 2)}-"
                        f"{fmt.number(r[f'q3_{p}'], 2)})"
                    )
                else:
                    cells.append(f"{fmt.number(r[f'mean_{p}'], 2)}±{fmt.number(r[f'sd_{p}'], 2)}")
            cells += [
                f"{fmt.count(r['n_overall'])} / {fmt.count(r['missing_overall'])}",
                fmt.p(r["p_shown"]),
            ]
            rows.append(_row(cells, key=r["variable"]))
        else:
            cells = [f"{fmt.short(r['variable'])}: {r['level']}"]
            for p in ("overall", "with", "without"):
                cells.append(fmt.count_pct(r[f"count_{p}"], r[f"pct_{p}"]))
            cells += [
                f"{fmt.count(r['n_overall'])} / {fmt.count(r['missing_overall'])}",
                fmt.p(r["p_shown"]),
            ]
            rows.append(_row(cells, key=f"{r['variable']}:{r['level']}"))
    n_all = (
        int(result.data[result.plan.table1.group].notna().sum()) if result.data is not None else 0
    )
    return tables.DisplayTable(
        title="Baseline characteristics, overall and by group",
        header=[
            [
                ("Variable", 1),
                (f"Overall (n={count_text(n_all)})", 1),
                (f"With {group}", 1),
                (f"Without {group}", 1),
                ("n / missing", 1),
                ("P value", 1),
            ]
        ],
        rows=rows,
        footnotes=[
            f"Overall: all {count_text(n_all)} participants analysed (those with a determined {group} "
            "status). Values are mean±SD, or median (IQR) with the Mann-Whitney U test "
            "(normal approximation with tie correction, no continuity correction) for rows "
            "whose skewness exceeds 1 in absolute value or that the plan lists; number (%) "
            "for categorical rows. Quartiles by SPSS's weighted-average definition "
            "(HAVERAGE). Every row's mean, SD, median, 25th and 75th percentiles are in "
            "results.json."
        ],
    )


def table2_ci_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["table2_ci"]
    rows = []
    for outcome in dict.fromkeys(df["outcome"]):
        cells = [fmt.short(outcome)]
        for model in ("unadjusted", "adjusted"):
            sub = df[(df["outcome"] == outcome) & (df["model"] == model)]
            r = sub.iloc[0] if len(sub) else None
            if r is None:
                cells += ["", "", ""]
                continue
            cells += [
                _ci(fmt, r["estimate"], r["ci_lower"], r["ci_upper"]),
                _ci(fmt, r["std_beta"], r["std_beta_ci_lower"], r["std_beta_ci_upper"]),
                fmt.p(r["p_value"]),
            ]
        rows.append(_row(cells, key=outcome))
    cov = covariate_phrase(result.plan.model.covariates)
    return tables.DisplayTable(
        title="Linear regression of each parameter on the biomarker, with 95% CIs",
        header=[
            [("Variable", 1), ("Unadjusted", 3), ("Adjusted", 3)],
            [
                ("", 1),
                ("B (95% CI)", 1),
                ("β (95% CI)", 1),
                ("P", 1),
                ("B (95% CI)", 1),
                ("β (95% CI)", 1),
                ("P", 1),
            ],
        ],
        rows=rows,
        footnotes=[
            f"Adjusted for {cov}. B, unstandardized coefficient per unit of the biomarker; "
            "β, standardized coefficient; the CI of β is B's scaled by SD(x)/SD(y)."
        ],
    )


def model_sets_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["model_sets"]
    models = list(dict.fromkeys(df["model"]))
    rows = []
    for (table, outcome), sub in df.groupby(["table", "outcome"], sort=False):
        cells = [fmt.short(outcome)]
        for m in models:
            r = sub[sub["model"] == m]
            if not len(r):
                cells += ["", ""]
                continue
            r = r.iloc[0]
            if table == "Table 2":
                cells.append(
                    _ci(fmt, r["std_beta"], r["std_beta_ci_lower"], r["std_beta_ci_upper"])
                )
            else:
                cells.append(_ci(fmt, r["odds_ratio"], r["or_ci_lower"], r["or_ci_upper"], 2))
            cells.append(fmt.p(r["p_value"]))
        rows.append(_row(cells, key=outcome))
    covs = {m: first for m, first in zip(df["model"], df["covariates"])}
    return tables.DisplayTable(
        title="Standardized β (Table 2 outcomes) and OR per SD (Table 3 outcomes) "
        "under each adjustment set",
        header=[[("Variable", 1)] + [(m, 2) for m in models]],
        rows=rows,
        footnotes=[
            "; ".join(
                f"{m}: adjusted for {covariate_phrase([c.strip() for c in covs[m].split(',')])}"
                if covs[m] != "none"
                else f"{m}: unadjusted"
                for m in models
            )
            + "."
        ],
    )


def sex_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["sex_interaction"]
    rows = []
    for (table, outcome), sub in df.groupby(["table", "outcome"], sort=False):
        inter = sub[sub["stratum"] == "interaction"]
        cells = [fmt.short(outcome)]
        for s in ("male", "female"):
            r = sub[sub["stratum"] == s]
            if not len(r):
                cells += ["", ""]
                continue
            r = r.iloc[0]
            if table == "Table 2":
                cells.append(_ci(fmt, r["estimate"], r["ci_lower"], r["ci_upper"]))
            else:
                cells.append(_ci(fmt, r["odds_ratio"], r["or_ci_lower"], r["or_ci_upper"], 2))
            cells.append(fmt.p(r["p_value"]))
        i = inter.iloc[0] if len(inter) else None
        cells.append(fmt.p(i["p_interaction_wald"]) if i is not None else "")
        cells.append(fmt.p(i["p_interaction_lr"]) if i is not None else "")
        rows.append(_row(cells, key=outcome))
    return tables.DisplayTable(
        title="Estimates by sex and P for the biomarker × sex interaction",
        header=[
            [("Variable", 1), ("Men", 2), ("Women", 2), ("P interaction", 2)],
            [
                ("", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
                ("Wald", 1),
                ("LR", 1),
            ],
        ],
        rows=rows,
        footnotes=[
            "Table 2 outcomes: B per unit of the biomarker; Table 3 outcomes: OR per SD (SD of "
            "each stratum). Strata adjusted for the other covariates; the interaction P is that "
            "of the biomarker × sex product term in the fully adjusted model (Wald; likelihood "
            "ratio for logistic models)."
        ],
    )


def roc_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["roc"]
    label = {"all": "All", "male": "Men", "female": "Women"}
    rows = []
    for r in df.to_dict("records"):
        if not isinstance(r.get("auc"), float) or not math.isfinite(r["auc"]):
            rows.append(
                _row([fmt.short(r["outcome"]), label[r["stratum"]], "not estimable"] + [""] * 4)
            )
            continue
        rows.append(
            _row(
                [
                    fmt.short(r["outcome"]),
                    label.get(r["stratum"], r["stratum"]),
                    f"{count_text(int(r['n_cases']))}/{count_text(int(r['n_controls']))}",
                    _ci(fmt, r["auc"], r["auc_ci_lower"], r["auc_ci_upper"]),
                    f"{'<' if r['direction'] == '>' else '>'} {fmt.number(r['threshold'], 2)}",
                    _ci(
                        fmt,
                        100 * r["sensitivity"],
                        100 * r["sensitivity_ci_lower"],
                        100 * r["sensitivity_ci_upper"],
                        1,
                    ),
                    _ci(
                        fmt,
                        100 * r["specificity"],
                        100 * r["specificity_ci_lower"],
                        100 * r["specificity_ci_upper"],
                        1,
                    ),
                ],
                key=f"{r['outcome']}:{r['stratum']}",
            )
        )
    return tables.DisplayTable(
        title="Diagnostic value of the biomarker",
        header=[
            [
                ("Status", 1),
                ("Group", 1),
                ("Cases/controls", 1),
                ("AUC (95% CI)", 1),
                ("Cut-off", 1),
                ("Sensitivity, % (95% CI)", 1),
                ("Specificity, % (95% CI)", 1),
            ]
        ],
        rows=rows,
        footnotes=[
            "AUC with DeLong's 95% CI; cut-off maximising Youden's index (midpoints between "
            "adjacent observed values), positive below the cut-off when cases have lower "
            "values ('<') and above it otherwise ('>'), the direction chosen by the group "
            "medians; sensitivity and specificity with exact Clopper-Pearson 95% CIs."
        ],
    )


def spline_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["spline"]
    rows = []
    for r in df.to_dict("records"):
        if r.get("note"):
            rows.append(_row([fmt.short(r["outcome"]), r["kind"], str(r["note"]), "", ""]))
            continue
        rows.append(
            _row(
                [
                    fmt.short(r["outcome"]),
                    r["kind"],
                    count_text(int(r["n"])),
                    fmt.p(r["p_overall"]),
                    fmt.p(r["p_nonlinear"]),
                ],
                key=r["outcome"],
            )
        )
    knots = df["knots"].dropna()
    knot_text = str(knots.iloc[0]) if len(knots) else ""
    return tables.DisplayTable(
        title="Restricted cubic spline of the biomarker: Wald tests",
        header=[
            [("Variable", 1), ("Model", 1), ("n", 1), ("P overall", 1), ("P non-linearity", 1)]
        ],
        rows=rows,
        footnotes=[
            f"4 knots at the 5th, 35th, 65th and 95th percentiles ({knot_text}; Harrell, as "
            "rms::rcs); Wald tests as rms::anova (F for linear, chi-square for logistic models)."
        ],
    )


def quartile_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["quartile_or"]
    rows = []
    for outcome in dict.fromkeys(df["outcome"]):
        sub = df[df["outcome"] == outcome].sort_values("quartile")
        cells = [fmt.short(outcome)]
        for r in sub.to_dict("records"):
            if int(r["quartile"]) == 1:
                cells.append("1 (reference)")
            else:
                cells.append(_ci(fmt, r["odds_ratio"], r["or_ci_lower"], r["or_ci_upper"], 2))
        cells.append(fmt.p(sub["p_trend"].iloc[0]))
        rows.append(_row(cells, key=outcome))
    cov = covariate_phrase(result.plan.model.covariates)
    return tables.DisplayTable(
        title="Odds ratios (95% CI) by quartile of the biomarker",
        header=[[("Variable", 1), ("Q1", 1), ("Q2", 1), ("Q3", 1), ("Q4", 1), ("P for trend", 1)]],
        rows=rows,
        footnotes=[f"Adjusted for {cov}; the quartiles of Figure 2; Wald 95% CIs."],
    )


#: How a P adjustment of the LS-mean differences is named in the table.
_ADJUSTMENTS = {"lsd": "none (LSD)", "none": "none", "bonferroni": "Bonferroni", "sidak": "Šidák"}


def lsmean_differences_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """Every difference of LS means: one row per figure, variable, model and
    contrast, the difference with its CI, P and the P adjustment."""
    df = result.frames["lsmean_differences"]
    rows = []
    for r in df.to_dict("records"):
        rows.append(
            _row(
                [
                    r["figure"],
                    fmt.in_words(str(r["variable"])),
                    r["model"],
                    r["contrast"],
                    _ci(fmt, r["estimate"], r["ci_lower"], r["ci_upper"]),
                    fmt.p(r["p_value"]),
                    _ADJUSTMENTS.get(r["adjustment"], r["adjustment"]),
                ],
                key=f"{r['figure']}|{r['variable']}|{r['model']}|{r['contrast']}",
            )
        )
    return tables.DisplayTable(
        title="Differences in least-squares means with 95% CIs",
        header=[
            [
                ("Figure", 1),
                ("Variable", 1),
                ("Model", 1),
                ("Contrast", 1),
                ("Difference (95% CI)", 1),
                ("P", 1),
                ("P adjustment", 1),
            ]
        ],
        rows=rows,
        footnotes=[
            "Figure 1: participants with minus without each status; Figure 2: between "
            "quartiles of the biomarker. Standard errors and degrees of freedom are in "
            "results.json and lsmean_differences.csv."
        ],
    )


def log_biomarker_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """The Table 2 and Table 3 models with the biomarker log-transformed: the
    effect per doubling and per SD of the log, unadjusted and adjusted."""
    df = result.frames["log_biomarker"]
    rows = []
    for (table, outcome), sub in df.groupby(["table", "outcome"], sort=False):
        odds = table == "Table 3"
        for scale in dict.fromkeys(sub["scale"]):
            cells = [fmt.short(outcome) if scale == sub["scale"].iloc[0] else "", scale]
            for model in ("unadjusted", "adjusted"):
                r = sub[(sub["scale"] == scale) & (sub["model"] == model)]
                if not len(r):
                    cells += ["", ""]
                    continue
                r = r.iloc[0]
                decimals = 2 if odds else 3
                cells += [
                    _ci(fmt, r["estimate"], r["ci_lower"], r["ci_upper"], decimals),
                    fmt.p(r["p_value"]),
                ]
            rows.append(_row(cells, key=f"{outcome}|{scale}"))
    cov = covariate_phrase(result.plan.model.covariates)
    sd_log = df["sd_log"].dropna()
    sd_text = (
        f" (SD of the natural log: {fmt.number(float(sd_log.iloc[0]), 3)})" if len(sd_log) else ""
    )
    return tables.DisplayTable(
        title="Log-transformed biomarker: effect per doubling and per SD of the log",
        header=[
            [("Variable", 1), ("Scale", 1), ("Unadjusted", 2), ("Adjusted", 2)],
            [
                ("", 1),
                ("", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
            ],
        ],
        rows=rows,
        footnotes=[
            "Table 2 parameters: change in the parameter (its unit); Table 3 statuses: odds "
            f"ratio; per doubling of the biomarker and per SD of its log{sd_text}. "
            f"Adjusted for {cov}."
        ],
    )


def definitions_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["definitions"]
    rows = []
    for r in df.to_dict("records"):
        if not r["computable"]:
            lacks = fmt.in_words(str(r["lacking_inputs"]), starts=False)
            rows.append(_row([r["title"], "not computable", f"lacks {lacks}", ""]))
            continue
        rows.append(
            _row(
                [
                    r["title"],
                    f"{count_text(int(r['n_sarcopenia']))}/{count_text(int(r['n_classified']))} "
                    f"({fmt.number(r['prevalence'], 1)}%)",
                    _ci(fmt, r["odds_ratio"], r["or_ci_lower"], r["or_ci_upper"], 2)
                    or "not estimable",
                    fmt.p(r["p_value"]),
                ],
                key=r["definition"],
            )
        )
    notes = []
    for r in df.to_dict("records"):
        if r["computable"] and r["n_indeterminate"]:
            notes.append(
                f"{r['title']}: {count_text(int(r['n_indeterminate']))} indeterminate"
                + (
                    f" (lacking {fmt.in_words(r['lacking_inputs'], starts=False)})"
                    if r["lacking_inputs"]
                    else ""
                )
            )
        if r["tests_used"]:
            notes.append(_tests_used(r, fmt))
    return tables.DisplayTable(
        title="Prevalence and adjusted OR per SD under each definition",
        header=[
            [("Definition", 1), ("Sarcopenia, n/N (%)", 1), ("OR per SD (95% CI)", 1), ("P", 1)]
        ],
        rows=rows,
        footnotes=["; ".join(notes) + "." if notes else ""],
    )


def flow_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    df = result.frames["flow"]
    rows = [
        _row(
            [r["stage"], fmt.in_words(str(r["item"])), count_text(int(r["n"]))],
            indent=r["stage"] != "read",
        )
        for r in df.to_dict("records")
    ]
    return tables.DisplayTable(
        title="Participant flow",
        header=[[("Stage", 1), ("", 1), ("n", 1)]],
        rows=rows,
        footnotes=["Each excluded participant is counted once, under the first reason."],
    )


DISPLAY = {
    "table1_full": (table1_full_table,),
    "table2_ci": (table2_ci_table,),
    "model_sets": (model_sets_table,),
    "sex_interaction": (sex_table,),
    "roc": (roc_table,),
    "spline": (spline_table,),
    "quartile_or": (quartile_table,),
    "lsmean_differences": (lsmean_differences_table,),
    "log_biomarker": (log_biomarker_table,),
    "definitions": (definitions_table,),
    "flow": (flow_table,),
}


# -- Methods sentences -------------------------------------------------------------------
def _m_table1(result, fmt):
    return (
        "The supplementary baseline table adds an Overall column (all participants analysed), n and "
        "missing counts per row, and shows median (interquartile range, SPSS HAVERAGE "
        "percentiles) with the Mann-Whitney U test (normal approximation with tie correction) "
        "for variables with |skewness| > 1 (Bulmer 1979)"
        + (" or listed in the plan" if result.plan.supplementary.median_variables else "")
        + "."
    )


def _m_table2_ci(result, fmt):
    return (
        "95% CIs are given for the unstandardized (B) and standardized (β) coefficients, the "
        "latter B's interval scaled by SD(x)/SD(y) (Bring 1994, doi:10.1080/00031305.1994."
        "10476059)."
    )


def _m_models(result, fmt):
    sets = result.frames["model_sets"].drop_duplicates("model")

    def phrase(cols: str) -> str:
        names = ["sex" if c == "sex_male" else c for c in cols.split(", ")]
        return covariate_phrase(names)

    desc = "; ".join(
        f"{m}, {'unadjusted' if c == 'none' else 'adjusted for ' + phrase(c)}"
        for m, c in zip(sets["model"], sets["covariates"])
    )
    return f"Tables 2 and 3 were repeated under several adjustment sets ({desc})."


def _m_sex(result, fmt):
    return (
        "Effect modification by sex was tested with a biomarker × sex product term in the "
        "fully adjusted models (Wald test; likelihood ratio test for logistic models), and "
        "Tables 2 and 3 were repeated within men and women adjusted for the other covariates."
    )


def _m_roc(result, fmt):
    return (
        f"The diagnostic value of {result.biomarker_label} was assessed by ROC analysis overall "
        "and by sex: AUC with DeLong's 95% CI (DeLong et al. 1988, doi:10.2307/2531595), the "
        "threshold maximising Youden's index (thresholds midway between adjacent observed "
        "values, direction chosen by the group medians) with exact Clopper-Pearson 95% CIs of "
        "sensitivity and specificity, computed as R pROC (Robin et al. 2011, "
        "doi:10.1186/1471-2105-12-77)."
    )


def _m_spline(result, fmt):
    return (
        f"Dose-response was examined with a restricted cubic spline of {result.biomarker_label} "
        "(4 knots at the 5th, 35th, 65th and 95th percentiles; Harrell 2015, "
        "doi:10.1007/978-3-319-19425-7) in the fully adjusted linear and logistic models, "
        "with Wald tests of overall association and of non-linearity."
    )


def _m_quartile(result, fmt):
    return (
        f"Odds ratios by quartile of {result.biomarker_label} (Q1 reference; the quartiles of "
        "Figure 2) were estimated in the fully adjusted logistic model, with P for trend from "
        "the quartile "
        + ("median" if result.plan.trend.trend == "median" else "number")
        + " entered as a continuous term."
    )


def _m_log(result, fmt):
    return (
        f"{capitalized(result.biomarker_label)} was also analysed log-transformed, with effects "
        "back-transformed per doubling and per SD of the log (Bland & Altman 1996, "
        "doi:10.1136/bmj.312.7033.770)."
    )


def _tests_used(row, fmt) -> str:
    """ "EWGSOP2 tests used: ..." for one row of the definitions table (the
    table's footnote and the Methods say it alike)."""
    return f"{row['title']} tests used: {fmt.in_words(row['tests_used'], starts=False)}"


def _m_definitions(result, fmt):
    df = result.frames["definitions"]
    used = [
        _tests_used(r, fmt)
        for r in df.drop_duplicates("definition").to_dict("records")
        if r["tests_used"]
    ]
    return (
        "As a sensitivity analysis, prevalence (exact 95% CI) and the adjusted OR per SD were "
        "computed under every consensus definition computable from the cohort"
        + (f" ({'; '.join(used)})" if used else "")
        + "."
    )


def _m_flow(result, fmt):
    return (
        "Participant flow is reported following STROBE (von Elm et al. 2007, "
        "doi:10.1016/S0140-6736(07)61602-X)."
    )


def _m_lsmean(result, fmt):
    return (
        "Every difference in LS means (Figure 1: with minus without each status; Figure 2: "
        "between quartiles) is given with its 95% CI."
    )


METHODS = {
    "table1_full": _m_table1,
    "lsmean_differences": _m_lsmean,
    "table2_ci": _m_table2_ci,
    "model_sets": _m_models,
    "sex_interaction": _m_sex,
    "roc": _m_roc,
    "spline": _m_spline,
    "quartile_or": _m_quartile,
    "log_biomarker": _m_log,
    "definitions": _m_definitions,
    "flow": _m_flow,
}
