"""Tables 1-3 as display tables (text cells), shared by the HTML and DOCX writers.

Each builder reads a `StudyResult` and
returns a `DisplayTable`: a title, a one- or two-row header, body rows
of strings, and footnotes, laid out like the seed paper's tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sarcostat.report.format import (
    DEFAULT_FORMAT,
    LEVELS,
    POSTHOC,
    FormatConfig,
    capitalized,
    covariate_phrase,
)


@dataclass
class DisplayRow:
    cells: list[str]
    indent: bool = False
    #: Row label of the source table (variable / level), used by tests and CSV.
    key: str = ""


@dataclass
class DisplayTable:
    """A rendered table: header rows of (text, colspan) cells and body rows."""

    title: str
    header: list[list[tuple[str, int]]]
    rows: list[DisplayRow]
    footnotes: list[str] = field(default_factory=list)
    #: "Table 1", "Table S2": given by `sarcostat.report.parts.number_parts`
    #: (the title carries no number); empty for an unnumbered table.
    label: str = ""

    @property
    def caption(self) -> str:
        """``"<label>. <title>"``, or the title of an unnumbered table."""
        return f"{self.label}. {self.title}" if self.label else self.title

    @property
    def n_columns(self) -> int:
        return (
            sum(span for _, span in self.header[-1])
            if len(self.header) == 1
            else sum(span for _, span in self.header[0])
        )


#: Footnote letters of Table 1's P values, in order of first use.
SUPERSCRIPTS = "\u1d43\u1d47\u1d9c\u1d48\u1d49\u1da0\u1d4d\u02b0"


def _group_names(result) -> tuple[str, str]:
    group = result.plan.table1.group
    name = result.meta.get("group_label") or DEFAULT_FORMAT.short(group)
    return name, f"No {name[0].lower()}{name[1:]}"


def _adjusted_note(result) -> str:
    return f"\u1d43Adjusted for {covariate_phrase(result.plan.model.covariates)}."


def _is_nan(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def table1(result, fmt: FormatConfig = DEFAULT_FORMAT) -> DisplayTable:
    """Table 1: baseline characteristics by the plan's group."""
    df = result.frames["table1"]
    with_name, without_name = _group_names(result)
    n_with = result.cohort.get("n_group", "")
    n_without = result.cohort.get("n_nogroup", "")
    header = [
        [
            ("Variable", 1),
            (f"{with_name}\n(n={fmt.count(n_with)})", 1),
            (f"{without_name}\n(n={fmt.count(n_without)})", 1),
            ("P value", 1),
        ]
    ]
    # With more than one test in the table, each P value carries the letter of
    # its test (journal style), so a reader sees which test gave which P.
    tests = list(dict.fromkeys(df["test"].dropna())) if "test" in df else []
    mark = {t: SUPERSCRIPTS[i] for i, t in enumerate(tests)} if len(tests) > 1 else {}

    def p_cell(rec):
        text = fmt.p(rec["p_value"])
        return text + mark.get(rec.get("test"), "") if text else text

    rows: list[DisplayRow] = []
    done = set()
    for rec in df.to_dict("records"):
        var = rec["variable"]
        if rec["kind"] == "categorical":
            if var not in done:
                rows.append(DisplayRow([fmt.label(var), "", "", p_cell(rec)], key=var))
                done.add(var)
            level = rec["level"]
            rows.append(
                DisplayRow(
                    [
                        LEVELS.get(level, str(level)),
                        fmt.count_pct(rec["count_with"], rec["pct_with"]),
                        fmt.count_pct(rec["count_without"], rec["pct_without"]),
                        "",
                    ],
                    indent=True,
                    key=f"{var}={level}",
                )
            )
        else:
            rows.append(
                DisplayRow(
                    [
                        fmt.label(var),
                        fmt.mean_sd(rec["mean_with"], rec["sd_with"], var),
                        fmt.mean_sd(rec["mean_without"], rec["sd_without"], var),
                        p_cell(rec),
                    ],
                    key=var,
                )
            )
    notes = ["Values are expressed as number (%) or mean\u00b1standard deviation."]
    if mark:
        notes.append("; ".join(f"{m}{capitalized(t)}" for t, m in mark.items()) + ".")
    elif tests:
        notes.append(f"P values by {tests[0]}.")
    abbr = fmt.abbreviations(df["variable"].unique())
    if abbr:
        notes.append("; ".join(f"{a}, {m}" for a, m in abbr) + ".")
    return DisplayTable(
        title=f"Baseline characteristics of the study participants according to "
        f"{with_name.lower()} status",
        header=header,
        rows=rows,
        footnotes=notes,
    )


def table2(result, fmt: FormatConfig = DEFAULT_FORMAT) -> DisplayTable:
    """Table 2: standardized beta of each outcome on the biomarker."""
    df = result.frames["table2"]
    header = [
        [("Variable", 1), ("Unadjusted", 2), ("Adjusted\u1d43", 2)],
        [("", 1), ("\u03b2", 1), ("P value", 1), ("\u03b2", 1), ("P value", 1)],
    ]
    rows = []
    for outcome in dict.fromkeys(df["outcome"]):
        sub = df[df["outcome"] == outcome].set_index("model")
        cells = [fmt.short(outcome)]
        for model in ("unadjusted", "adjusted"):
            if model in sub.index:
                cells += [fmt.beta(sub.at[model, "std_beta"]), fmt.p(sub.at[model, "p_value"])]
            else:
                cells += ["", ""]
        rows.append(DisplayRow(cells, key=outcome))
    abbr = fmt.abbreviations(df["outcome"].unique())
    notes = [
        "\u03b2, standardized regression coefficient"
        + "".join(f"; {a}, {m}" for a, m in abbr)
        + ".",
        _adjusted_note(result),
    ]
    return DisplayTable(
        title=f"Associations between {result.biomarker_label} levels and "
        f"sarcopenia-related parameters by linear regression analysis",
        header=header,
        rows=rows,
        footnotes=notes,
    )


def table3(result, fmt: FormatConfig = DEFAULT_FORMAT) -> DisplayTable:
    """Table 3: odds ratio per SD of the biomarker."""
    df = result.frames["table3"]
    per = f"OR (95% CI) per SD increment in {result.biomarker_label}"
    header = [
        [("Variable", 1), ("Unadjusted", 2), ("Adjusted\u1d43", 2)],
        [("", 1), (per, 1), ("P value", 1), (per, 1), ("P value", 1)],
    ]
    rows = []
    for outcome in dict.fromkeys(df["outcome"]):
        sub = df[df["outcome"] == outcome].set_index("model")
        cells = [fmt.short(outcome)]
        for model in ("unadjusted", "adjusted"):
            if model in sub.index and not _is_nan(sub.at[model, "odds_ratio"]):
                cells += [
                    fmt.or_ci(
                        sub.at[model, "odds_ratio"],
                        sub.at[model, "or_ci_lower"],
                        sub.at[model, "or_ci_upper"],
                    ),
                    fmt.p(sub.at[model, "p_value"]),
                ]
            else:
                cells += ["not estimable", ""]
        rows.append(DisplayRow(cells, key=outcome))
    sd = df["sd"].dropna()
    sd_text = f" 1 SD = {fmt.number(sd.iloc[0], 2)} {result.biomarker_unit}." if len(sd) else ""
    notes = [
        "OR, odds ratio; CI, confidence interval; SD, standard deviation." + sd_text,
        _adjusted_note(result),
    ]
    return DisplayTable(
        title=f"Logistic regression analysis of the odds of sarcopenia and related "
        f"parameters according to {result.biomarker_label} levels",
        header=header,
        rows=rows,
        footnotes=notes,
    )


def figure1_values(result, fmt: FormatConfig = DEFAULT_FORMAT) -> DisplayTable:
    """The numbers behind Figure 1: LS mean (95% CI) with / without each status."""
    df = result.frames["fig1"]
    d = fmt.biomarker_decimals
    header = [
        [("Status", 1), ("Unadjusted", 3), ("Adjusted\u1d43", 3)],
        [
            ("", 1),
            ("With", 1),
            ("Without", 1),
            ("P value", 1),
            ("With", 1),
            ("Without", 1),
            ("P value", 1),
        ],
    ]
    rows = []
    for status in dict.fromkeys(df["status"]):
        cells = [fmt.short(status)]
        for model in ("unadjusted", "adjusted"):
            sub = df[(df["status"] == status) & (df["model"] == model)].set_index("level")
            for level in ("with", "without"):
                if level in sub.index:
                    r = sub.loc[level]
                    cells.append(
                        f"{fmt.number(r['estimate'], d)} ({fmt.number(r['ci_lower'], d)}"
                        f"\u2013{fmt.number(r['ci_upper'], d)}), n={fmt.count(r['n'])}"
                    )
                else:
                    cells.append("")
            cells.append(fmt.p(sub["p_value"].iloc[0]) if len(sub) else "")
        rows.append(DisplayRow(cells, key=status))
    unit = f" ({result.biomarker_unit})" if result.biomarker_unit else ""
    return DisplayTable(
        title=f"Values of Figure 1: LS means (95% CI) of {result.biomarker_label}{unit}",
        header=header,
        rows=rows,
        footnotes=[_adjusted_note(result)],
    )


def figure2_values(result, fmt: FormatConfig = DEFAULT_FORMAT) -> DisplayTable:
    """P for trend (unadjusted, adjusted) and highest vs lowest quartile per outcome."""
    df = result.frames["fig2"]
    header = [
        [
            ("Variable", 1),
            ("P for trend, unadjusted", 1),
            ("P for trend, adjusted\u1d43", 1),
            ("Q4 vs Q1, adjusted\u1d43\u1d47", 1),
        ]
    ]
    rows = []
    for outcome in dict.fromkeys(df["outcome"]):
        sub = df[df["outcome"] == outcome].drop_duplicates("model").set_index("model")
        get = lambda m, c: fmt.p(sub.at[m, c]) if m in sub.index and c in sub.columns else ""
        rows.append(
            DisplayRow(
                [
                    fmt.short(outcome),
                    get("unadjusted", "p_trend"),
                    get("adjusted", "p_trend"),
                    get("adjusted", "p_q1_vs_q4"),
                ],
                key=outcome,
            )
        )
    return DisplayTable(
        title="Values of Figure 2: P for trend across quartiles",
        header=header,
        rows=rows,
        footnotes=[
            _adjusted_note(result),
            f"\u1d47Pairwise comparison of the LS means, "
            f"{POSTHOC.get(result.plan.trend.posthoc, result.plan.trend.posthoc)}.",
        ],
    )


def all_tables(result, fmt: FormatConfig = DEFAULT_FORMAT) -> list[DisplayTable]:
    return [table1(result, fmt), table2(result, fmt), table3(result, fmt)]
