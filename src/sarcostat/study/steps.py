"""One function per report part: call the stats layer, return a tidy frame.

Each step keeps every stats result object in ``analyses`` (keyed
``"<part>/<row>/<model>"``) and turns it into the rows of the part's
DataFrame (columns documented on :class:`~sarcostat.study.result.StudyResult`).
A model that cannot be fitted (:class:`~sarcostat.exceptions.ModelError`, or a
:class:`~sarcostat.exceptions.DataError` such as an outcome without events)
gives a row of NaN and a warning instead of stopping the whole report (the
log's ``attempt``).
"""

from __future__ import annotations

import math

import pandas as pd

from sarcostat.study.labels import in_text

MODELS = ("unadjusted", "adjusted")
NAN = math.nan


def _covs(model: str, covs):
    return list(covs) if model == "adjusted" else []


# -- Table 1 ------------------------------------------------------------------------
_T1_TEST_NAMES = {
    "student": "Student's t test",
    "welch": "Welch's t test",
    "mannwhitney": "Mann-Whitney U test",
    "pearson": "chi-square test",
    "yates": "chi-square test with Yates' correction",
    "fisher": "Fisher's exact test",
}


def table1(data, plan, analyses, log) -> pd.DataFrame:
    from sarcostat.stats.compare import table1 as stats_table1

    group = plan.table1.group
    res = log.run(
        "Table 1",
        stats_table1,
        data,
        group=group,
        continuous=list(plan.table1.continuous),
        categorical=list(plan.table1.categorical),
        continuous_test=plan.table1.continuous_test,
        categorical_test=plan.table1.categorical_test,
        levels=(1.0, 0.0),
    )
    analyses["table1"] = res
    t = res.table
    out = pd.DataFrame(
        {
            "variable": t["variable"],
            "level": t["level"].where(t["level"].notna(), ""),
            "kind": t["kind"],
            "mean_with": t["mean1"],
            "sd_with": t["sd1"],
            "n_with": t["n1"],
            "count_with": t["count1"],
            "pct_with": t["pct1"],
            "mean_without": t["mean2"],
            "sd_without": t["sd2"],
            "n_without": t["n2"],
            "count_without": t["count2"],
            "pct_without": t["pct2"],
            "test": t["test"].map(lambda x: _T1_TEST_NAMES.get(x, x)),
            "statistic": t["statistic"],
            "df": t["df"],
            "p_value": t["p_value"],
        }
    )
    # The seed's layout: categorical rows (sex: men, then women) before the
    # continuous rows, each block in plan order.
    rank = {"male": 0, "female": 1}
    var_pos = {v: i for i, v in enumerate(dict.fromkeys(out["variable"]))}
    recs = out.to_dict("records")
    order = sorted(
        range(len(recs)),
        key=lambda i: (
            recs[i]["kind"] != "categorical",
            var_pos[recs[i]["variable"]],
            rank.get(recs[i]["level"], 2),
            i,
        ),
    )
    return out.iloc[order].reset_index(drop=True)


# -- Figure 1 -----------------------------------------------------------------------
def figure1(data, plan, bm, covs, analyses, log) -> pd.DataFrame:
    from sarcostat.stats.ancova import ls_means

    rows = []
    for status in plan.figure1.statuses:
        # One call fits the adjusted model and, on its own complete cases,
        # the unadjusted one (two separate SPSS UNIANOVA runs).
        res = log.attempt(
            f"Figure 1, {in_text(status)}",
            ls_means,
            data,
            outcome=bm,
            group=status,
            covariates=list(covs),
            weights=plan.ancova.weights,
            binary_covariates=plan.ancova.binary_covariates,
            adjust=plan.ancova.adjust,
            confidence=plan.ancova.confidence,
            unadjusted="own",
        )
        if res is None:
            continue
        fits = {"adjusted": res, "unadjusted": res.unadjusted if covs else res}
        for model in MODELS:
            r = fits[model]
            analyses[f"fig1/{status}/{model}"] = r
            sample = data.loc[r.fit.data.index]
            raw = sample.groupby(status)[bm].agg(["mean", "std"])
            # "with" (1) first, as in the paper's figure.
            for m in sorted(r.means.to_dict("records"), key=lambda m: -float(m["level"])):
                code = float(m["level"])
                rows.append(
                    {
                        "status": status,
                        "level": "with" if code == 1 else "without",
                        "model": model,
                        "estimate": float(m["estimate"]),
                        "se": float(m["se"]),
                        "ci_lower": float(m["ci_lower"]),
                        "ci_upper": float(m["ci_upper"]),
                        "n": int(m["n"]),
                        "mean": float(raw.at[code, "mean"]),
                        "sd": float(raw.at[code, "std"]),
                        "p_value": float(r.p_value),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "status",
            "level",
            "model",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "n",
            "mean",
            "sd",
            "p_value",
        ],
    )


# -- Table 2 ------------------------------------------------------------------------
def table2(data, plan, bm, covs, analyses, log) -> pd.DataFrame:
    from sarcostat.stats.regression import linear_regression

    rows = []
    for outcome in plan.outcomes.continuous:
        for model in MODELS:
            res = log.attempt(
                f"Table 2, {in_text(outcome)} ({model})",
                linear_regression,
                data,
                outcome=outcome,
                predictor=bm,
                covariates=_covs(model, covs),
                confidence=plan.ancova.confidence,
            )
            if res is None:
                rows.append({"outcome": outcome, "model": model, "n": 0})
                continue
            analyses[f"table2/{outcome}/{model}"] = res
            r = res.predictor_row()
            rows.append(
                {
                    "outcome": outcome,
                    "model": model,
                    "estimate": float(r["estimate"]),
                    "se": float(r["se"]),
                    "std_beta": float(r["std_beta"]),
                    "statistic": float(r["statistic"]),
                    "df": float(r["df"]),
                    "p_value": float(r["p_value"]),
                    "ci_lower": float(r["ci_lower"]),
                    "ci_upper": float(r["ci_upper"]),
                    "n": int(res.n),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "model",
            "estimate",
            "se",
            "std_beta",
            "statistic",
            "df",
            "p_value",
            "ci_lower",
            "ci_upper",
            "n",
        ],
    )


# -- Figure 2 -----------------------------------------------------------------------
def figure2(data, plan, bm, covs, analyses, log) -> pd.DataFrame:
    from sarcostat.stats.trend import quartile_trend, quartiles

    # Quartiles are formed once, over everyone with a biomarker value, so
    # every panel uses the same cut-points (as the paper's Fig. 2).
    grouping = quartiles(data[bm], method=plan.trend.quartile_method)
    analyses["fig2/quartiles"] = grouping
    rows = []
    for outcome in plan.outcomes.continuous:
        res = log.attempt(
            f"Figure 2, {in_text(outcome)}",
            quartile_trend,
            data,
            outcome=outcome,
            biomarker=bm,
            covariates=list(covs),
            trend=plan.trend.trend,
            adjust=plan.trend.posthoc,
            weights=plan.ancova.weights,
            binary_covariates=plan.ancova.binary_covariates,
            groups=grouping,
            confidence=plan.ancova.confidence,
            unadjusted="own",
        )
        if res is None:
            continue
        fits = {"adjusted": res, "unadjusted": res.unadjusted if covs else res}
        for model in MODELS:
            r = fits[model]
            analyses[f"fig2/{outcome}/{model}"] = r
            q1qk = (
                r.q1_vs_qk["p_value"].iloc[0] if r.q1_vs_qk is not None and len(r.q1_vs_qk) else NAN
            )
            for m in r.means.to_dict("records"):
                rows.append(
                    {
                        "outcome": outcome,
                        "model": model,
                        "quartile": int(m["level"]),
                        "estimate": float(m["estimate"]),
                        "se": float(m["se"]),
                        "ci_lower": float(m["ci_lower"]),
                        "ci_upper": float(m["ci_upper"]),
                        "n": int(m["n"]),
                        "biomarker_min": float(m["x_min"]),
                        "biomarker_max": float(m["x_max"]),
                        "biomarker_median": float(m["x_median"]),
                        "p_trend": float(r.p_trend),
                        "p_overall": float(r.p_overall),
                        "p_q1_vs_q4": float(q1qk),
                    }
                )
    return pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "model",
            "quartile",
            "estimate",
            "se",
            "ci_lower",
            "ci_upper",
            "n",
            "biomarker_min",
            "biomarker_max",
            "biomarker_median",
            "p_trend",
            "p_overall",
            "p_q1_vs_q4",
        ],
    )


# -- Table 3 ------------------------------------------------------------------------
def table3(data, plan, bm, covs, analyses, log) -> pd.DataFrame:
    from sarcostat.stats.logistic import or_per_sd

    rows = []
    for outcome in plan.outcomes.binary:
        for model in MODELS:
            res = log.attempt(
                f"Table 3, {in_text(outcome)} ({model})",
                or_per_sd,
                data,
                outcome=outcome,
                predictor=bm,
                covariates=_covs(model, covs),
                firth=plan.table3.firth,
                confidence=plan.ancova.confidence,
            )
            if res is None:
                rows.append({"outcome": outcome, "model": model, "n": 0, "events": 0})
                continue
            analyses[f"table3/{outcome}/{model}"] = res
            rows.append(
                {
                    "outcome": outcome,
                    "model": model,
                    "odds_ratio": res.odds_ratio,
                    "or_ci_lower": res.or_ci_lower,
                    "or_ci_upper": res.or_ci_upper,
                    "p_value": res.p_value,
                    "estimate": res.coef,
                    "se": res.se,
                    "n": int(res.n),
                    "events": int(res.events),
                    "epv": float(res.epv),
                    "sd": float(res.sd_predictor),
                }
            )
    return pd.DataFrame(
        rows,
        columns=[
            "outcome",
            "model",
            "odds_ratio",
            "or_ci_lower",
            "or_ci_upper",
            "p_value",
            "estimate",
            "se",
            "n",
            "events",
            "epv",
            "sd",
        ],
    )
