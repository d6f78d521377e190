"""Supplementary: Table 1 as journals ask for it: an Overall column, n and
missing per row, mean/SD and median/quartiles for every continuous row, and
median (IQR) with the Mann-Whitney P where the skewness rule or the plan says."""

from __future__ import annotations

import math

import pandas as pd

from sarcostat.study.registry import Need, Step, StepContext
from sarcostat.study.steps._supp import NAN, SECTION, SECTION_COMMENT, SupplementaryPlan

_PARTS = ("overall", "with", "without")
_STATS = ("n", "missing", "mean", "sd", "median", "q1", "q3", "count", "pct")


class Table1Full(Step):
    name = "table1_full"
    heading = "Supplementary: Baseline characteristics (overall and by group)"
    title = "Supplementary: Table 1 with an Overall column, n, missing, median (IQR)"
    reads = ()
    cost = 2.3
    section = SECTION
    options = SupplementaryPlan
    section_comment = SECTION_COMMENT
    result_type = "sarcostat.stats.result.StatResult"
    template = "steps/supplementary.html.j2"
    keys = ("variable", "level")
    columns = (
        "variable",
        "level",
        "kind",
        "display",
        *[f"{s}_{p}" for p in _PARTS for s in _STATS],
        "skewness",
        "test",
        "p_value",
        "p_mannwhitney",
        "p_shown",
    )

    def needs(self, plan, biomarker):
        t1 = plan.table1
        return (
            [Need("table1.group", t1.group), Need("biomarker.column", biomarker)]
            + [Need("table1.continuous", c, row=True) for c in t1.continuous]
            + [Need("table1.categorical", c, row=True) for c in t1.categorical]
            + [
                Need("supplementary.median_variables", c, row=True)
                for c in plan.supplementary.median_variables
            ]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.compare import mannwhitney_groups
        from sarcostat.stats.compare import table1 as stats_table1
        from sarcostat.stats.describe import describe_continuous

        plan, sup = ctx.plan, ctx.plan.supplementary
        group = plan.table1.group
        continuous = list(dict.fromkeys([*ctx.present(plan.table1.continuous), ctx.biomarker]))
        categorical = ctx.present(plan.table1.categorical)
        # The participants with a group, in the table's columns only (and ids,
        # for messages): never a copy of the whole cohort.
        cols = [c for c in dict.fromkeys(["id", group, *continuous, *categorical]) if c in ctx.data]
        data = ctx.data.loc[ctx.data[group].notna(), cols]
        seed = ctx.log.run(
            "Supplementary baseline table",
            stats_table1,
            data,
            group=group,
            continuous=continuous,
            categorical=categorical,
            continuous_test=plan.table1.continuous_test,
            categorical_test=plan.table1.categorical_test,
            levels=(1.0, 0.0),
        )
        ctx.analyses["table1_full/seed"] = seed
        tests = seed.table
        rows = []
        desc = describe_continuous(data, variables=continuous, group=group)
        ctx.analyses["table1_full/describe"] = desc
        d = desc.table
        for v in continuous:
            part = {
                "overall": d[(d["variable"] == v) & (d["group"] == "overall")],
                "with": d[(d["variable"] == v) & (d["group"] == 1)],
                "without": d[(d["variable"] == v) & (d["group"] == 0)],
            }
            rec = {"variable": v, "level": "", "kind": "continuous"}
            for p, sub in part.items():
                r = sub.iloc[0] if len(sub) else None
                for s in ("n", "missing", "mean", "sd", "median", "q1", "q3"):
                    rec[f"{s}_{p}"] = (
                        (int(r[s]) if s in ("n", "missing") else float(r[s]))
                        if r is not None
                        else NAN
                    )
            skew = float(part["overall"]["skewness"].iloc[0])
            rec["skewness"] = skew
            median = (
                sup.median_iqr == "all"
                or v in sup.median_variables
                or (sup.median_iqr == "skewed" and math.isfinite(skew) and abs(skew) > 1.0)
            )
            rec["display"] = "median_iqr" if median else "mean_sd"
            t = tests[tests["variable"] == v]
            rec["test"] = str(t["test"].iloc[0]) if len(t) else ""
            rec["p_value"] = float(t["p_value"].iloc[0]) if len(t) else NAN
            mw = ctx.log.attempt(
                f"Supplementary baseline table, {v}",
                mannwhitney_groups,
                data,
                outcome=v,
                group=group,
                levels=(1.0, 0.0),
            )
            rec["p_mannwhitney"] = float(mw.table["p_value"].iloc[0]) if mw is not None else NAN
            rec["p_shown"] = rec["p_mannwhitney"] if median else rec["p_value"]
            rows.append(rec)
        for v in categorical:
            col = data[v]
            t = tests[tests["variable"] == v]
            n_missing = {
                "overall": int(col.isna().sum()),
                "with": int(col[data[group] == 1].isna().sum()),
                "without": int(col[data[group] == 0].isna().sum()),
            }
            for r in t.to_dict("records"):
                level = r["level"]
                rec = {"variable": v, "level": str(level), "kind": "categorical"}
                masks = {
                    "overall": pd.Series(True, index=data.index),
                    "with": data[group] == 1,
                    "without": data[group] == 0,
                }
                for p, m in masks.items():
                    known = col[m].dropna()
                    count = int((known.astype(str) == str(level)).sum())
                    rec[f"n_{p}"] = int(len(known))
                    rec[f"missing_{p}"] = n_missing[p]
                    rec[f"count_{p}"] = count
                    rec[f"pct_{p}"] = 100.0 * count / len(known) if len(known) else NAN
                rec["display"] = "n_pct"
                rec["test"] = str(r["test"])
                rec["p_value"] = float(r["p_value"])
                rec["p_shown"] = float(r["p_value"])
                rows.append(rec)
        return pd.DataFrame(rows, columns=list(self.columns))


STEP = Table1Full()
