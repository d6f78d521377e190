"""Multiple imputation: Tables 2-3, Figure 1's LS-mean differences and
Models 1-3 pooled by Rubin's rules, beside the complete cases (``[missing]``).

Each pooled row is the same model the table reports, fitted on each
completed data set by the same step, and pooled as ``mice::pool``:

- Table 2 (``table = "table2"``): ``estimate`` is B, the coefficient of the
  biomarker per unit in ``lm(outcome ~ biomarker + covariates)``;
  ``std_beta*`` pools the standardized beta, the same coefficient of
  ``lm(scale(outcome) ~ scale(biomarker) + covariates)`` in each data set.
- Table 3 (``"table3"``): ``estimate`` is the log odds ratio per SD of the
  biomarker (each data set's own SD, ``glm(outcome ~ scale(biomarker) +
  covariates, binomial)``), ``odds_ratio`` and its CI its exponential;
  ``*_per_unit`` pools the coefficient per biomarker unit.
- Figure 1 (``"fig1"``): the LS-mean difference with - without the status,
  the coefficient of the 0/1 status in ``lm(biomarker ~ status + covariates)``.
- Models 1-3 (``"model_sets"``): as Tables 2 and 3 under each adjustment set.

The complete-data df of every model is its residual df, n - p (for the
logistic models too), as ``mice::pool`` takes it from the first data set.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from sarcostat.exceptions import DataError
from sarcostat.study.missing import POOLED_STEPS, MissingPlan
from sarcostat.study.registry import Need, Step, StepContext, StepLog

NAN = math.nan


class MultipleImputation(Step):
    name = "multiple_imputation"
    heading = "Multiple imputation: pooled estimates beside the complete cases"
    title = "Multiple imputation (Rubin's rules, Barnard-Rubin df)"
    reads = POOLED_STEPS  # their complete-case frames and fits, beside the pooled ones
    section = "missing"
    options = MissingPlan
    section_comment = (
        "Missing data: complete cases (listwise deletion) or multiple imputation (MICE)."
    )
    result_type = "sarcostat.stats.mice.PooledEstimate"
    template = "steps/supplementary.html.j2"
    keys = ("table", "row", "model")
    columns = (
        "table",
        "row",
        "model",
        "quantity",
        "estimate",
        "se",
        "statistic",
        "df",
        "p_value",
        "ci_lower",
        "ci_upper",
        "m",
        "dfcom",
        "ubar",
        "b",
        "t",
        "riv",
        "lambda",
        "fmi",
        "n",
        "std_beta",
        "std_beta_se",
        "std_beta_df",
        "std_beta_p_value",
        "std_beta_ci_lower",
        "std_beta_ci_upper",
        "odds_ratio",
        "or_ci_lower",
        "or_ci_upper",
        "estimate_per_unit",
        "se_per_unit",
        "df_per_unit",
        "p_value_per_unit",
        "cc_estimate",
        "cc_se",
        "cc_ci_lower",
        "cc_ci_upper",
        "cc_p_value",
        "cc_n",
        "cc_std_beta",
        "cc_odds_ratio",
        "cc_or_ci_lower",
        "cc_or_ci_upper",
    )

    def needs(self, plan, biomarker):
        return [Need("biomarker.column", biomarker)]

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.study.steps import get

        imp = ctx.imputation
        if imp is None:
            raise DataError('needs [missing] method = "mice" in the plan.')
        names = [s for s in POOLED_STEPS if s in ctx.plan.study.steps]
        mlog = StepLog()
        fits: dict[str, list[tuple[pd.DataFrame, dict]]] = {s: [] for s in names}
        from sarcostat.progress import track

        for data_i in track(imp.analysis, desc="analyses of the imputed data sets", unit="set"):
            analyses_i: dict = {}
            ctx_i = StepContext(
                data=data_i,
                plan=ctx.plan,
                biomarker=ctx.biomarker,
                covariates=ctx.covariates,
                analyses=analyses_i,
                log=mlog,
                missing=ctx.missing,
            )
            for s in names:
                fits[s].append((get(s).run(ctx_i), analyses_i))
        if mlog.items:
            where = list(dict.fromkeys(n.split(": ", 1)[0] for n in mlog.items))
            ctx.log.add(
                f"Multiple imputation: {len(mlog.items)} warning(s) in the completed data sets "
                f"({'; '.join(where)}), e.g. {mlog.items[0]}"
            )
        conf = ctx.plan.ancova.confidence
        rows: list[dict] = []
        for s in names:
            cc = ctx.frames.get(s)
            rows += _POOLERS[s](fits[s], cc, conf, ctx.analyses)
        return pd.DataFrame(rows).reindex(columns=list(self.columns))


# --------------------------------------------------------------- pooling per table
def _pool(est, se, dfcom, conf) -> dict:
    from sarcostat.stats.mice import rubin_pool

    est, se = np.asarray(est, float), np.asarray(se, float)
    if not (np.all(np.isfinite(est)) and np.all(np.isfinite(se))) or not math.isfinite(dfcom):
        return {}
    return rubin_pool(est, se, dfcom=dfcom, confidence=conf).to_dict()


def _cc_row(cc: pd.DataFrame | None, **where) -> dict:
    if cc is None or cc.empty:
        return {}
    sel = np.ones(len(cc), bool)
    for k, v in where.items():
        sel &= (cc[k] == v).to_numpy()
    hit = cc[sel]
    return hit.iloc[0].to_dict() if len(hit) else {}


def _table2(
    fits, cc, conf, cc_analyses=None, *, table="table2", key="table2", frame_model="model"
) -> list[dict]:
    out = []
    first = fits[0][0]
    if table == "model_sets":
        first = first[first["table"] == "Table 2"]
    for rec in first.to_dict("records"):
        outcome, model = rec["outcome"], rec[frame_model]
        est, se, sb, sbse, dfc, ns = [], [], [], [], NAN, []
        for frame, analyses in fits:
            res = analyses.get(f"{key}/{outcome}/{model}")
            if res is None:
                est = []
                break
            r = res.predictor_row()
            scale = res.sd_predictor / res.sd_outcome
            est.append(float(r["estimate"]))
            se.append(float(r["se"]))
            sb.append(float(r["estimate"]) * scale)
            sbse.append(float(r["se"]) * scale)
            ns.append(int(res.n))
            if math.isnan(dfc):
                dfc = float(r["df"])  # residual df of the first data set, as mice::pool
        row = {"table": table, "row": outcome, "model": model, "quantity": "B per unit"}
        if est:
            p = _pool(est, se, dfc, conf)
            row.update(p)
            q = _pool(sb, sbse, dfc, conf)
            row.update(
                {
                    "std_beta": q.get("estimate", NAN),
                    "std_beta_se": q.get("se", NAN),
                    "std_beta_df": q.get("df", NAN),
                    "std_beta_p_value": q.get("p_value", NAN),
                    "std_beta_ci_lower": q.get("ci_lower", NAN),
                    "std_beta_ci_upper": q.get("ci_upper", NAN),
                    "n": float(np.mean(ns)),
                }
            )
        row.update(
            _complete_case(
                cc,
                "Table 2" if table == "model_sets" else None,
                outcome,
                model,
                ("estimate", "se", "ci_lower", "ci_upper", "p_value", "n", "std_beta"),
            )
        )
        out.append(row)
    return out


def _complete_case(cc, table_label, outcome, model, keys) -> dict:
    """The complete-case values beside a pooled row, as ``cc_<key>`` (NaN where
    absent); ``table_label`` picks the table's rows of a model-sets frame."""
    c = (
        _cc_row(cc, table=table_label, outcome=outcome, model=model)
        if table_label is not None
        else _cc_row(cc, outcome=outcome, model=model)
    )
    return {f"cc_{k}": c.get(k, NAN) for k in keys}


def _table3(
    fits, cc, conf, cc_analyses=None, *, table="table3", key="table3", frame_model="model"
) -> list[dict]:
    out = []
    first = fits[0][0]
    if table == "model_sets":
        first = first[first["table"] == "Table 3"]
    for rec in first.to_dict("records"):
        outcome, model = rec["outcome"], rec[frame_model]
        est, se, unit, unit_se, dfc, ns = [], [], [], [], NAN, []
        for frame, analyses in fits:
            res = analyses.get(f"{key}/{outcome}/{model}")
            if res is None or not math.isfinite(res.coef):
                est = []
                break
            est.append(float(res.coef))
            se.append(float(res.se))
            unit.append(float(res.coef) / res.sd_predictor)
            unit_se.append(float(res.se) / res.sd_predictor)
            ns.append(int(res.n))
            if math.isnan(dfc):
                # glm's df.residual: n - p (mice::pool takes it for logistic models too).
                dfc = float(res.n - len(res.table))
        row = {"table": table, "row": outcome, "model": model, "quantity": "log OR per SD"}
        if est:
            p = _pool(est, se, dfc, conf)
            row.update(p)
            q = _pool(unit, unit_se, dfc, conf)
            row.update(
                {
                    "odds_ratio": math.exp(p["estimate"]),
                    "or_ci_lower": math.exp(p["ci_lower"]),
                    "or_ci_upper": math.exp(p["ci_upper"]),
                    "estimate_per_unit": q.get("estimate", NAN),
                    "se_per_unit": q.get("se", NAN),
                    "df_per_unit": q.get("df", NAN),
                    "p_value_per_unit": q.get("p_value", NAN),
                    "n": float(np.mean(ns)),
                }
            )
        row.update(
            _complete_case(
                cc,
                "Table 3" if table == "model_sets" else None,
                outcome,
                model,
                ("estimate", "se", "p_value", "n", "odds_ratio", "or_ci_lower", "or_ci_upper"),
            )
        )
        out.append(row)
    return out


def _fig1_difference(res) -> tuple[float, float, float] | None:
    """(with - without, SE, residual df) of one LS-means result."""
    c = res.contrasts
    if c is None or len(c) != 1:
        return None
    rec = c.iloc[0]
    sign = -1.0 if float(rec["level_1"]) == 0 else 1.0
    return sign * float(rec["estimate"]), float(rec["se"]), float(rec["df"])


def _fig1(fits, cc, conf, cc_analyses=None) -> list[dict]:
    out = []
    statuses = list(dict.fromkeys(fits[0][0]["status"]))
    for status in statuses:
        for model in ("unadjusted", "adjusted"):
            est, se, dfc, ns = [], [], NAN, []
            for _, analyses in fits:
                res = analyses.get(f"fig1/{status}/{model}")
                d = _fig1_difference(res) if res is not None else None
                if d is None:
                    est = []
                    break
                est.append(d[0])
                se.append(d[1])
                ns.append(int(res.fit.n))
                if math.isnan(dfc):
                    dfc = d[2]
            row = {
                "table": "fig1",
                "row": status,
                "model": model,
                "quantity": "LS-mean difference (with - without)",
            }
            if est:
                row.update(_pool(est, se, dfc, conf))
                row["n"] = float(np.mean(ns))
            res = (cc_analyses or {}).get(f"fig1/{status}/{model}")
            d = _fig1_difference(res) if res is not None else None
            if d is not None:
                from scipy import stats as st

                half = float(st.t.ppf(1 - (1 - conf) / 2, d[2])) * d[1]
                row.update(
                    {
                        "cc_estimate": d[0],
                        "cc_se": d[1],
                        "cc_ci_lower": d[0] - half,
                        "cc_ci_upper": d[0] + half,
                        "cc_p_value": float(2 * st.t.sf(abs(d[0] / d[1]), d[2])),
                        "cc_n": int(res.fit.n),
                    }
                )
            out.append(row)
    return out


def _model_sets(fits, cc, conf, cc_analyses=None) -> list[dict]:
    return _table2(fits, cc, conf, table="model_sets", key="model_sets") + _table3(
        fits, cc, conf, table="model_sets", key="model_sets"
    )


_POOLERS = {"table2": _table2, "table3": _table3, "fig1": _fig1, "model_sets": _model_sets}


STEP = MultipleImputation()
