"""Table 1: baseline characteristics by the plan's group (``[table1]``)."""

from __future__ import annotations

import pandas as pd

from sarcostat.study.registry import Need, Step, StepContext

_TEST_NAMES = {
    "student": "Student's t test",
    "welch": "Welch's t test",
    "mannwhitney": "Mann-Whitney U test",
    "pearson": "chi-square test",
    "yates": "chi-square test with Yates' correction",
    "fisher": "Fisher's exact test",
}


class Table1(Step):
    name = "table1"
    heading = "Table 1"
    title = "Table 1 (baseline characteristics)"
    reads = ()
    cost = 0.35
    section = "table1"
    result_type = "sarcostat.stats.compare.StatResult"
    template = "steps/table1.html.j2"
    keys = ("variable", "level")
    columns = (
        "variable",
        "level",
        "kind",
        "mean_with",
        "sd_with",
        "n_with",
        "count_with",
        "pct_with",
        "mean_without",
        "sd_without",
        "n_without",
        "count_without",
        "pct_without",
        "test",
        "statistic",
        "df",
        "p_value",
    )

    def needs(self, plan, biomarker):
        t1 = plan.table1
        return (
            [Need("table1.group", t1.group)]
            + [Need("table1.continuous", c, row=True) for c in t1.continuous]
            + [Need("table1.categorical", c, row=True) for c in t1.categorical]
        )

    def run(self, ctx: StepContext) -> pd.DataFrame:
        from sarcostat.stats.compare import table1 as stats_table1

        t1 = ctx.plan.table1
        res = ctx.log.run(
            "Table 1",
            stats_table1,
            ctx.data,
            group=t1.group,
            continuous=ctx.present(t1.continuous),
            categorical=ctx.present(t1.categorical),
            continuous_test=t1.continuous_test,
            categorical_test=t1.categorical_test,
            levels=(1.0, 0.0),
        )
        ctx.analyses["table1"] = res
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
                "test": t["test"].map(lambda x: _TEST_NAMES.get(x, x)),
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


STEP = Table1()
