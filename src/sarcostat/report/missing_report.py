"""Display tables, figures, captions and Methods sentences of the missing-data steps.

``missing_data`` (n and % missing per variable by group), ``missing_patterns``
(as ``mice::md.pattern``), ``multiple_imputation`` (pooled estimates beside
the complete cases, with a forest plot of both) and
``imputation_diagnostics`` (trace plots of the chains' means and SDs, and
observed vs imputed densities). `DISPLAY`, `FIGURES`,
`CAPTIONS` and `METHODS` are merged into
`sarcostat.report.parts` and `sarcostat.report.methods` by step name.
"""

from __future__ import annotations

import math

import numpy as np

from sarcostat.report import tables
from sarcostat.report.figures import _new_figure, log_axis
from sarcostat.report.format import DEFAULT_FORMAT, FormatConfig, count_text, covariate_phrase

#: How the report names the completed data sets (it keeps the participant ids).
IMPUTATIONS_NOTE = (
    "The completed data sets are in imputations.csv (long format: imputation 0 is the data "
    "as read, 1 to m the completed ones; re-pool them in R with mice::as.mids). It is "
    "participant-level data, with the participant ids, like the cohort file itself: keep "
    "and share it under the same rules."
)

_TABLE_NAMES = {
    "table2": "Table 2",
    "table3": "Table 3",
    "fig1": "Figure 1",
    "model_sets": "Models 1-3",
}


def _ok(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _ci(fmt, est, lo, hi, decimals=3) -> str:
    if not _ok(est):
        return ""
    if not (_ok(lo) and _ok(hi)):
        return fmt.number(est, decimals)
    return f"{fmt.number(est, decimals)} ({fmt.number(lo, decimals)} to {fmt.number(hi, decimals)})"


def _row(cells, key=""):
    return tables.DisplayRow([str(c) for c in cells], key=key)


def _pct(n, pct, fmt) -> str:
    return f"{fmt.count(n)} ({fmt.number(pct, 1)})" if _ok(pct) else fmt.count(n)


def missing_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """Per variable: n (%) missing overall and by the plan's group."""
    df = result.frames["missing_data"]
    group = fmt.short(result.plan.table1.group)
    rows = [
        _row(
            [
                fmt.short(r["variable"]),
                _pct(r["n_missing"], r["pct_missing"], fmt),
                _pct(r["n_missing_with"], r["pct_missing_with"], fmt),
                _pct(r["n_missing_without"], r["pct_missing_without"], fmt),
            ],
            key=r["variable"],
        )
        for r in df.to_dict("records")
    ]
    n = int(df["n"].iloc[0]) if len(df) else 0
    return tables.DisplayTable(
        title="Missing values of the analysed variables, n (%)",
        header=[
            [
                ("Variable", 1),
                (f"All\n(n={count_text(n)})", 1),
                (f"{group}\n(n={count_text(int(df['n_with'].iloc[0]) if len(df) else 0)})", 1),
                (
                    f"No {group.lower()}\n(n={count_text(int(df['n_without'].iloc[0]) if len(df) else 0)})",
                    1,
                ),
            ]
        ],
        rows=rows,
        footnotes=[
            "Derived measures (SMI, SPPB total, sarcopenia status and its components) are "
            "missing when a measurement they need is; a participant whose group is unknown "
            "counts under All only."
        ],
    )


def patterns_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """The missingness patterns (1 observed, 0 missing), as mice::md.pattern."""
    df = result.frames["missing_patterns"]
    vars_ = [c for c in df.columns if c not in ("pattern", "count", "n_missing")]
    rows = [
        _row(
            [str(int(r["count"]))] + [str(int(r[v])) for v in vars_] + [str(int(r["n_missing"]))],
            key=str(r["pattern"]),
        )
        for r in df.to_dict("records")
    ]
    totals = [int(((1 - df[v]) * df["count"]).sum()) for v in vars_]
    rows.append(_row(["Missing"] + [str(t) for t in totals] + [str(sum(totals))], key="total"))
    return tables.DisplayTable(
        title="Missing-data patterns (as mice::md.pattern): 1 observed, 0 missing",
        header=[[("n", 1)] + [(fmt.short(v), 1) for v in vars_] + [("Missing", 1)]],
        rows=rows,
        footnotes=[
            "Rows: patterns with their number of participants; last row: missing per variable."
        ],
    )


def pooled_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """Complete cases and multiple imputation side by side."""
    df = result.frames["multiple_imputation"]
    m = int(df["m"].dropna().iloc[0]) if df["m"].notna().any() else result.plan.missing.imputations
    rows = []
    for r in df.to_dict("records"):
        t = r["table"]
        if t == "table3" or (t == "model_sets" and r["quantity"].startswith("log OR")):
            cc = _ci(fmt, r["cc_odds_ratio"], r["cc_or_ci_lower"], r["cc_or_ci_upper"], 2)
            mi = _ci(fmt, r["odds_ratio"], r["or_ci_lower"], r["or_ci_upper"], 2)
            what = "OR per SD"
            p = r["p_value"]
        elif t in ("table2", "model_sets"):
            k = r["cc_std_beta"] / r["cc_estimate"] if _ok(r["cc_estimate"]) else math.nan
            cc = _ci(fmt, r["cc_std_beta"], r["cc_ci_lower"] * k, r["cc_ci_upper"] * k)
            mi = _ci(fmt, r["std_beta"], r["std_beta_ci_lower"], r["std_beta_ci_upper"])
            what = "Standardized β"
            p = r["std_beta_p_value"]
        else:
            cc = _ci(fmt, r["cc_estimate"], r["cc_ci_lower"], r["cc_ci_upper"], 2)
            mi = _ci(fmt, r["estimate"], r["ci_lower"], r["ci_upper"], 2)
            what = "LS-mean difference"
            p = r["p_value"]
        rows.append(
            _row(
                [
                    _TABLE_NAMES.get(t, t),
                    fmt.short(r["row"]),
                    str(r["model"]),
                    what,
                    cc,
                    fmt.p(r["cc_p_value"]) if _ok(r["cc_p_value"]) else "",
                    str(int(r["cc_n"])) if _ok(r["cc_n"]) else "",
                    mi,
                    fmt.p(p) if _ok(p) else "",
                    fmt.number(r["fmi"], 2) if _ok(r["fmi"]) else "",
                ],
                key=f"{t}/{r['row']}/{r['model']}",
            )
        )
    return tables.DisplayTable(
        title=f"Complete cases and multiple imputation (m = {m}) side by side",
        header=[
            [("", 4), ("Complete cases", 3), (f"Multiple imputation (m = {m})", 3)],
            [
                ("Part", 1),
                ("Variable", 1),
                ("Model", 1),
                ("Estimate", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
                ("n", 1),
                ("Estimate (95% CI)", 1),
                ("P", 1),
                ("FMI", 1),
            ],
        ],
        rows=rows,
        footnotes=[
            "Pooled by Rubin's rules with Barnard-Rubin degrees of freedom (complete-data df "
            "= each model's residual df), as mice::pool; FMI, fraction of missing information. "
            "Table 2 standardized β and Table 3 OR per SD from each completed data set's own "
            "SDs; LS-mean difference: with minus without the status. Adjusted models: "
            f"{covariate_phrase(result.plan.model.covariates)}.",
            IMPUTATIONS_NOTE,
        ],
    )


def diagnostics_table(result, fmt: FormatConfig = DEFAULT_FORMAT):
    """Per imputed variable: method, cells imputed, observed vs imputed mean."""
    mres = result.analyses.get("imputation_diagnostics/mice")
    rows = []
    if mres is not None:
        first = mres.completed[0]
        for var, method in mres.methods.items():
            if not method:
                continue
            where = mres.where[var].to_numpy()
            obs = first[var].to_numpy()[~where]
            obs = obs[~np.isnan(obs)]
            imp = np.concatenate([c[var].to_numpy()[where] for c in mres.completed])
            rows.append(
                _row(
                    [
                        fmt.short(var),
                        "predictive mean matching" if method == "pmm" else "logistic regression",
                        str(int(where.sum())),
                        fmt.number(float(obs.mean()), 2) if obs.size else "",
                        fmt.number(float(np.nanmean(imp)), 2) if imp.size else "",
                    ],
                    key=var,
                )
            )
    return tables.DisplayTable(
        title="Imputed variables",
        header=[
            [
                ("Variable", 1),
                ("Method", 1),
                ("Cells imputed", 1),
                ("Observed mean", 1),
                ("Imputed mean (all m)", 1),
            ]
        ],
        rows=rows,
    )


DISPLAY = {
    "missing_data": (missing_table,),
    "missing_patterns": (patterns_table,),
    "multiple_imputation": (pooled_table,),
    "imputation_diagnostics": (diagnostics_table,),
}


# --------------------------------------------------------------- figures
def pooled_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, width: float = 6.5, width_mm: float | None = None
):
    """Complete-case and pooled estimates with 95% CIs, adjusted models of
    Table 2 (standardized β), Table 3 (OR per SD) and Figure 1 (difference)."""
    df = result.frames["multiple_imputation"]
    df = df[(df["model"] == "adjusted") & df["table"].isin(["table2", "table3", "fig1"])]
    panels = [t for t in ("table2", "table3", "fig1") if (df["table"] == t).any()]
    fig = _new_figure((width, 0.32 * max(len(df), 4) + 1.2))
    if not panels:
        return fig
    heights = [max(1, int((df["table"] == t).sum())) for t in panels]
    axes = fig.subplots(len(panels), 1, squeeze=False, gridspec_kw={"height_ratios": heights})
    fig.subplots_adjust(left=0.3, right=0.97, top=0.95, bottom=0.08, hspace=0.6)
    for ax, t in zip(axes[:, 0], panels):
        sub = df[df["table"] == t].reset_index(drop=True)
        y = np.arange(len(sub))[::-1].astype(float)
        for off, (est, lo, hi, color, label) in enumerate(_series(t, sub)):
            yy = y + (0.15 if off == 0 else -0.15)
            ok = np.isfinite(est)
            ax.errorbar(
                est[ok],
                yy[ok],
                xerr=[est[ok] - lo[ok], hi[ok] - est[ok]],
                fmt="o" if off == 0 else "s",
                color=color,
                ms=4,
                lw=1.1,
                capsize=2,
                label=label,
            )
        ax.axvline(1.0 if t == "table3" else 0.0, color="#888888", lw=0.8, ls="--")
        if t == "table3":
            log_axis(ax, "x")
        ax.set_yticks(y)
        ax.set_yticklabels([fmt.short(v) for v in sub["row"]], fontsize=7.5)
        ax.set_title(
            {
                "table2": "Table 2: standardized β",
                "table3": "Table 3: OR per SD",
                "fig1": "Figure 1: LS-mean difference (with - without)",
            }[t],
            fontsize=8.5,
            loc="left",
        )
        ax.tick_params(axis="x", which="both", labelsize=7)
        ax.spines[["top", "right"]].set_visible(False)
    axes[0, 0].legend(fontsize=7, frameon=False, loc="best")
    return fig


def _series(t, sub):
    f = lambda c: sub[c].astype(float).to_numpy()  # noqa: E731
    if t == "table3":
        return [
            (
                f("cc_odds_ratio"),
                f("cc_or_ci_lower"),
                f("cc_or_ci_upper"),
                "#555555",
                "Complete cases",
            ),
            (f("odds_ratio"), f("or_ci_lower"), f("or_ci_upper"), "#0072B2", "Multiple imputation"),
        ]
    if t == "table2":
        k = f("cc_std_beta") / f("cc_estimate")
        return [
            (
                f("cc_std_beta"),
                f("cc_ci_lower") * k,
                f("cc_ci_upper") * k,
                "#555555",
                "Complete cases",
            ),
            (
                f("std_beta"),
                f("std_beta_ci_lower"),
                f("std_beta_ci_upper"),
                "#0072B2",
                "Multiple imputation",
            ),
        ]
    return [
        (f("cc_estimate"), f("cc_ci_lower"), f("cc_ci_upper"), "#555555", "Complete cases"),
        (f("estimate"), f("ci_lower"), f("ci_upper"), "#0072B2", "Multiple imputation"),
    ]


def diagnostics_figure(
    result, *, fmt: FormatConfig = DEFAULT_FORMAT, width: float = 7.0, width_mm: float | None = None
):
    """Per imputed variable: trace of the imputed values' mean and SD over the
    iterations (one line per imputation), and observed vs imputed densities."""
    from scipy.stats import gaussian_kde

    mres = result.analyses.get("imputation_diagnostics/mice")
    chains = result.frames["imputation_diagnostics"]
    variables = [v for v, m in (mres.methods.items() if mres is not None else ()) if m]
    n = max(1, len(variables))
    fig = _new_figure((width, 1.7 * n + 0.6))
    axes = fig.subplots(n, 3, squeeze=False)
    fig.subplots_adjust(left=0.1, right=0.98, top=0.95, bottom=0.06, wspace=0.4, hspace=0.7)
    for k, var in enumerate(variables):
        sub = chains[chains["variable"] == var]
        for j, stat in enumerate(("mean", "sd")):
            ax = axes[k, j]
            for _, chain in sub.groupby("imputation"):
                ax.plot(chain["iteration"], chain[stat], lw=0.8, alpha=0.8)
            ax.set_title(f"{fmt.short(var)}: {stat.upper() if stat == 'sd' else stat}", fontsize=8)
            ax.set_xlabel("Iteration", fontsize=7)
            ax.tick_params(labelsize=6.5)
            ax.spines[["top", "right"]].set_visible(False)
        ax = axes[k, 2]
        where = mres.where[var].to_numpy()
        obs = mres.completed[0][var].to_numpy()[~where]
        obs = obs[np.isfinite(obs)]
        _density(ax, obs, "#0072B2", 1.6, "observed", gaussian_kde)
        for c in mres.completed:
            _density(ax, c[var].to_numpy()[where], "#D55E00", 0.7, None, gaussian_kde)
        ax.set_title(f"{fmt.short(var)}: density", fontsize=8)
        ax.tick_params(labelsize=6.5)
        ax.spines[["top", "right"]].set_visible(False)
    if not variables:
        axes[0, 0].text(0.5, 0.5, "nothing imputed", ha="center", va="center")
    return fig


def _density(ax, values, color, lw, label, kde):
    values = values[np.isfinite(values)]
    if values.size < 2 or np.ptp(values) == 0:
        if values.size:
            ax.axvline(float(values[0]), color=color, lw=lw)
        return
    grid = np.linspace(values.min(), values.max(), 100)
    pad = 0.1 * (grid[-1] - grid[0])
    grid = np.linspace(grid[0] - pad, grid[-1] + pad, 120)
    ax.plot(grid, kde(values)(grid), color=color, lw=lw, label=label)


FIGURES = {"multiple_imputation": pooled_figure, "imputation_diagnostics": diagnostics_figure}


def _pooled_caption(result, fmt: FormatConfig) -> str:
    return (
        "Adjusted estimates with 95% confidence intervals from the complete cases (grey) and "
        f"pooled over {result.plan.missing.imputations} imputed data sets (blue): Table 2 "
        "standardized β, Table 3 odds ratio per SD, Figure 1 LS-mean difference."
    )


def _diagnostics_caption(result, fmt: FormatConfig) -> str:
    return (
        "Left and middle: mean and SD of the imputed values after each iteration, one line "
        "per imputation (chains that mix without trend indicate convergence). Right: density "
        "of the observed values (blue) and of the imputed values of each imputation (red)."
    )


CAPTIONS = {
    "multiple_imputation": _pooled_caption,
    "imputation_diagnostics": _diagnostics_caption,
}


# --------------------------------------------------------------- Methods
def _m_missing(result, fmt):
    df = result.frames["missing_data"]
    if not len(df):
        return ""
    worst = df.sort_values("pct_missing", ascending=False).iloc[0]
    return (
        "Missing values were described per variable and by group, with the table of "
        f"missingness patterns (most missing: {fmt.short(worst['variable'])}, "
        f"{fmt.number(worst['pct_missing'], 1)}%)."
    )


def _m_mice(result, fmt):
    opts = result.plan.missing
    mres = result.analyses.get("imputation_diagnostics/mice")
    imputed = (
        ", ".join(fmt.short(v) for v, m in mres.methods.items() if m) if mres is not None else ""
    )
    return (
        "As a sensitivity analysis, missing values were multiply imputed by chained equations "
        f"({opts.imputations} imputed data sets, {opts.iterations} iterations each, seed "
        f"{opts.seed}; sarcostat's implementation of the mice algorithm): predictive mean "
        "matching (5 donors) for continuous variables and logistic regression for binary "
        "ones, each variable imputed from all the others, so that the imputation model "
        "included the biomarker, the outcomes and the covariates"
        + (f" (imputed: {imputed})" if imputed else "")
        + ". Raw measurements were imputed and the derived measures (BMI, SMI, SPPB total, "
        "sarcopenia status and its components) were derived afterwards from the imputed "
        "values (impute, then derive); a test the participant was unable to perform was kept "
        "as such, and biomarker values below the detection limit kept the substitution "
        "rule. Estimates were pooled by Rubin's rules with Barnard-Rubin degrees of freedom "
        "(complete-data df = each model's residual df), as mice::pool, and are reported "
        "beside the complete-case estimates."
    )


METHODS = {"missing_data": _m_missing, "multiple_imputation": _m_mice}
