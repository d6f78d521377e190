"""Text built from data shows variables by their labels (flow items, the
tests a definition used, cells of plain tables), and plain tables show
degrees of freedom as whole numbers and common columns by their usual
headers."""

import math

import pandas as pd
import pytest

from sarcostat.report import parts
from sarcostat.report.format import DEFAULT_FORMAT


@pytest.mark.parametrize(
    "text, shown",
    [
        ("asm_kg", "ASM"),
        ("grip_kg (unadjusted)", "Grip strength (unadjusted)"),
        ("change in grip_kg", "change in grip strength"),
        ("missing covariate (age_yr, sex, bmi)", "missing covariate (age, sex, BMI)"),
        ("lacking smi", "lacking SMI"),
        (
            "low_strength: grip_kg, chair_stand_5x_s; low_muscle_mass: asm_kg",
            "Weak muscle strength: grip strength, chair stand; low muscle mass: ASM",
        ),
        # Only whole names: part of a longer name, or a name not known, stays.
        ("sppb_total_2", "sppb_total_2"),
        ("grip_left_kg", "grip_left_kg"),
        ("my_smi", "my_smi"),
        ("lacking alm_bmi", "lacking ALM/BMI"),
    ],
)
def test_variable_names_in_text_become_labels(text, shown):
    assert DEFAULT_FORMAT.in_words(text) == shown


def test_text_set_within_a_sentence_starts_in_lower_case():
    fmt = DEFAULT_FORMAT
    assert fmt.in_words("chair_stand_5x_s, smi", starts=False) == "chair stand, SMI"
    assert fmt.in_words("low_strength: grip_kg", starts=False) == (
        "weak muscle strength: grip strength"
    )


def test_plain_table_headers_df_and_cells():
    frame = pd.DataFrame(
        {
            "variable": ["grip_kg", "chair_stand_5x_s"],
            "estimate": [1.23456, -0.5],
            "se": [0.1, 0.2],
            "df": [127.0, 57.34],
            "ci_lower": [1.0, -0.9],
            "ci_upper": [1.5, -0.1],
            "p_value": [0.0004, 0.2],
        }
    )

    class Result:
        frames = {"x": frame}

    table = parts.frame_table(Result(), "x", "X")
    assert [h for h, _ in table.header[0]] == [
        "Variable",
        "Estimate",
        "SE",
        "df",
        "CI lower",
        "CI upper",
        "P",
    ]
    first, second = (row.cells for row in table.rows)
    assert first[0] == "Grip strength" and second[0] == "Chair stand"
    assert first[3] == "127"  # a whole df
    assert second[3] == DEFAULT_FORMAT.number(57.34, 3)  # Welch's df keeps decimals
    assert first[6] == DEFAULT_FORMAT.p(0.0004) and not math.isnan(
        float(first[1].replace("–", "-"))
    )


def test_flow_and_definitions_tables_of_the_demo_show_labels():
    import sarcostat
    from sarcostat.datasets import demo_cohort_path
    from sarcostat.report import supp_figures

    result = sarcostat.analyze(demo_cohort_path())
    items = [row.cells[1] for row in supp_figures.flow_table(result).rows]
    assert "ASM (unadjusted)" in items and "Chair stand (adjusted)" in items
    assert "missing covariate (age, sex, BMI)" in items
    assert not [i for i in items if "_" in i]
    (note,) = supp_figures.definitions_table(result).footnotes
    assert "grip strength" in note and "grip_kg" not in note and "lacking SMI" in note
    assert "tests used: weak muscle strength: grip strength" in note
    (sets,) = supp_figures.model_sets_table(result).footnotes
    assert sets == (
        "Model 1: unadjusted; Model 2: adjusted for age and sex; "
        "Model 3: adjusted for age, sex, and body mass index."
    )
    # A definition under which nobody has sarcopenia is named as the reader knows it.
    assert any("the outcome 'sarcopenia (IWGS 2011)' is constant" in w for w in result.warnings)


def test_lsmean_differences_and_log_biomarker_tables():
    import sarcostat
    from sarcostat.datasets import demo_cohort_path
    from sarcostat.report import supp_figures

    result = sarcostat.analyze(demo_cohort_path())
    fmt = DEFAULT_FORMAT
    diffs = result.frames["lsmean_differences"]
    table = supp_figures.lsmean_differences_table(result)
    assert len(table.rows) == len(diffs)
    first = table.rows[0].cells
    r = diffs.iloc[0]
    assert first[:4] == ["Figure 1", "Sarcopenia", "unadjusted", "with - without"]
    assert first[4] == (
        f"{fmt.number(r['estimate'], 3)} ({fmt.number(r['ci_lower'], 3)} to "
        f"{fmt.number(r['ci_upper'], 3)})"
    )
    assert first[5] == fmt.p(r["p_value"]) and first[6] == "none (LSD)"
    assert {row.cells[6] for row in table.rows} == {"none (LSD)", "Bonferroni"}

    logs = result.frames["log_biomarker"]
    table = supp_figures.log_biomarker_table(result)
    assert len(table.rows) == len(logs) // 2  # a row per outcome and scale
    names = [row.cells[0] for row in table.rows if row.cells[0]]
    assert names[0] == "ASM" and "Sarcopenia" in names
    sarc = next(row.cells for row in table.rows if row.cells[0] == "Sarcopenia")
    adj = logs[
        (logs["outcome"] == "sarcopenia")
        & (logs["model"] == "adjusted")
        & (logs["scale"] == sarc[1])
    ].iloc[0]
    assert sarc[4] == (
        f"{fmt.number(adj['estimate'], 2)} ({fmt.number(adj['ci_lower'], 2)} to "
        f"{fmt.number(adj['ci_upper'], 2)})"
    )


def test_counts_in_tables_have_thousands_separators():
    frame = pd.DataFrame({"group": ["all"], "year": [2024], "n": [201317], "n_cases": [9876.0]})

    class Result:
        frames = {"x": frame}

    (row,) = parts.frame_table(Result(), "x", "X").rows
    assert row.cells == ["all", "2024", "201,317", "9,876"]


def test_roc_cases_and_controls_have_thousands_separators():
    import sarcostat
    from sarcostat.datasets import demo_cohort_path
    from sarcostat.report import supp_figures

    result = sarcostat.analyze(demo_cohort_path())
    roc = result.frames["roc"].copy()
    roc["n_cases"] = 182459
    roc["n_controls"] = 752587

    class Scaled:
        frames = {"roc": roc}

    rows = supp_figures.roc_table(Scaled()).rows
    assert all("182,459/752,587" in row.cells for row in rows)
