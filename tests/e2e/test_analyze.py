"""`sarcostat analyze` end to end on a generated cohort."""

import hashlib
import json
import math
import re

import docx
import numpy as np
import pandas as pd
import pytest

import sarcostat
from sarcostat.cli import main
from sarcostat.study.plan import SUPPLEMENTARY_STEPS

COVS = ["age_yr", "sex_male", "bmi"]


@pytest.fixture(scope="module")
def engine_data(cohort_csv):
    """The cohort prepared by hand from the lower layers, independently of study/."""
    from sarcostat.assess import classify
    from sarcostat.assess.sppb import score_sppb
    from sarcostat.assess.sps import sarcopenia_phenotype_score
    from sarcostat.io import read_cohort

    d = read_cohort(cohort_csv).data.copy()
    d["sppb_total"] = score_sppb(d)["sppb_total"].astype("Float64").astype(float)
    cls = classify(d, definition="awgs2019")
    for col in ("sarcopenia", "low_muscle_mass", "low_strength", "low_performance"):
        d[col] = cls[col].astype("Float64").astype(float)
    d["sps"] = sarcopenia_phenotype_score(d).astype("Float64").astype(float)
    d["sex_male"] = (d["sex"] == "male").astype(float)
    # LOD/sqrt(2), the default plan's rule.
    cens = d["sclerostin"].isna() & d["sclerostin_lod"].notna()
    d.loc[cens, "sclerostin"] = d.loc[cens, "sclerostin_lod"] / math.sqrt(2)
    return d


@pytest.fixture(scope="module")
def results(analyzed):
    return json.loads((analyzed[3] / "results.json").read_text(encoding="utf-8"))


def test_analyze_succeeds_with_progress_and_summary(analyzed):
    code, out, err, outdir = analyzed
    assert code == 0, err
    lines = [ln for ln in err.splitlines() if ln.startswith("[")]
    for step in (
        "read and validate",
        "assess",
        "Table 1",
        "Figure 1",
        "Table 2",
        "Figure 2",
        "Table 3",
        "figures",
        "tables.docx",
        "report.html",
    ):
        assert any(step in ln for ln in lines), step
    assert "Adjusted OR per SD for sarcopenia:" in out
    assert f"Report: {(outdir / 'report.html').resolve()}" in out
    assert "SYNTHETIC" not in out


def test_outdir_holds_every_file(analyzed):
    names = {p.name for p in analyzed[3].iterdir()}
    assert names == {
        "report.html",
        "tables.docx",
        "results.json",
        "manifest.json",
        "fig1.png",
        "fig1.svg",
        "fig2.png",
        "fig2.svg",
        "table1.csv",
        "fig1.csv",
        "table2.csv",
        "fig2.csv",
        "table3.csv",
    } | {f"{step}.csv" for step in SUPPLEMENTARY_STEPS} | {
        f"{step}.{ext}"
        for step in ("roc", "spline", "quartile_or", "flow")
        for ext in ("png", "svg")
    }


def test_censored_values_are_substituted_and_reported(results, analyzed):
    assert results["censoring"] == {
        "column": "sclerostin",
        "method": "lod_sqrt2",
        "n_censored": 3,
        "n_substituted": 3,
        "limits": [3.2],
    }
    assert any("3 sclerostin value(s) below the detection limit" in w for w in results["warnings"])
    html = (analyzed[3] / "report.html").read_text(encoding="utf-8")
    assert "3 sclerostin value(s) below the detection limit (LOD 3.2) were replaced by LOD/" in html


@pytest.mark.filterwarnings("ignore::sarcostat.exceptions.LowEventsWarning")
def test_table2_and_table3_equal_the_engine(results, engine_data):
    from sarcostat.stats.logistic import or_per_sd
    from sarcostat.stats.regression import linear_regression

    for outcome in (
        "asm_kg",
        "smi",
        "grip_kg",
        "gait_speed_m_s",
        "chair_stand_5x_s",
        "sppb_total",
        "sps",
    ):
        for model, covs in (("unadjusted", []), ("adjusted", COVS)):
            ref = linear_regression(
                engine_data, outcome=outcome, predictor="sclerostin", covariates=covs
            ).predictor_row()
            got = results["table2"][outcome][model]
            assert got["std_beta"] == pytest.approx(ref["std_beta"], rel=1e-9)
            assert got["p_value"] == pytest.approx(ref["p_value"], rel=1e-9)
            assert got["estimate"] == pytest.approx(ref["estimate"], rel=1e-9)
    for outcome in ("sarcopenia", "low_muscle_mass", "low_strength", "low_performance"):
        for model, covs in (("unadjusted", []), ("adjusted", COVS)):
            ref = or_per_sd(engine_data, outcome=outcome, predictor="sclerostin", covariates=covs)
            got = results["table3"][outcome][model]
            for key, val in (
                ("odds_ratio", ref.odds_ratio),
                ("or_ci_lower", ref.or_ci_lower),
                ("or_ci_upper", ref.or_ci_upper),
                ("p_value", ref.p_value),
            ):
                assert got[key] == pytest.approx(val, rel=1e-9), (outcome, model, key)
            assert (got["n"], got["events"]) == (ref.n, ref.events)


def test_figure1_equals_the_engine(results, engine_data):
    from sarcostat.stats.ancova import ls_means

    for status in ("sarcopenia", "low_muscle_mass", "low_strength", "low_performance"):
        ref = ls_means(engine_data, outcome="sclerostin", group=status, covariates=COVS)
        for model, res in (("adjusted", ref), ("unadjusted", ref.unadjusted)):
            means = res.means.set_index(res.means["level"].astype(float))
            for level, code in (("with", 1.0), ("without", 0.0)):
                got = results["fig1"][status][model][level]
                assert got["estimate"] == pytest.approx(means.at[code, "estimate"], rel=1e-9)
                assert got["ci_lower"] == pytest.approx(means.at[code, "ci_lower"], rel=1e-9)
                assert got["n"] == means.at[code, "n"]
                assert got["p_value"] == pytest.approx(res.p_value, rel=1e-9)


def test_figure2_equals_the_engine(results, engine_data):
    from sarcostat.stats.trend import quartile_trend, quartiles

    groups = quartiles(engine_data["sclerostin"], method="ntiles")
    for outcome in ("smi", "grip_kg", "sps"):
        ref = quartile_trend(
            engine_data, outcome=outcome, biomarker="sclerostin", covariates=COVS, groups=groups
        )
        for model, res in (("adjusted", ref), ("unadjusted", ref.unadjusted)):
            for m in res.means.to_dict("records"):
                got = results["fig2"][outcome][model][str(int(m["level"]))]
                assert got["estimate"] == pytest.approx(m["estimate"], rel=1e-9)
                assert got["p_trend"] == pytest.approx(res.p_trend, rel=1e-9)


def test_table1_equals_the_engine(results, engine_data):
    from sarcostat.stats.compare import table1

    ref = table1(
        engine_data,
        group="sarcopenia",
        continuous=["age_yr", "smi", "sps"],
        categorical=["sex"],
        continuous_test="levene",
        levels=(1.0, 0.0),
    ).table
    age = ref[ref["variable"] == "age_yr"].iloc[0]
    got = results["table1"]["age_yr"]
    assert got["mean_with"] == pytest.approx(age["mean1"], rel=1e-12)
    assert got["sd_without"] == pytest.approx(age["sd2"], rel=1e-12)
    assert got["p_value"] == pytest.approx(age["p_value"], rel=1e-12)
    men = ref[(ref["variable"] == "sex") & (ref["level"] == "male")].iloc[0]
    assert results["table1"]["sex"]["male"]["count_with"] == men["count1"]
    assert results["table1"]["sex"]["male"]["p_value"] == pytest.approx(men["p_value"], rel=1e-12)
    n_sarc = int((engine_data["sarcopenia"] == 1).sum())
    assert results["cohort"]["n_group"] == n_sarc


def test_csv_files_hold_the_json_numbers(results, analyzed):
    t2 = pd.read_csv(analyzed[3] / "table2.csv")
    row = t2[(t2["outcome"] == "smi") & (t2["model"] == "adjusted")].iloc[0]
    assert row["std_beta"] == pytest.approx(
        results["table2"]["smi"]["adjusted"]["std_beta"], rel=1e-12
    )
    f2 = pd.read_csv(analyzed[3] / "fig2.csv")
    assert set(f2["quartile"]) == {1, 2, 3, 4}
    assert set(f2["model"]) == {"unadjusted", "adjusted"}


def test_docx_holds_the_three_tables_with_row_labels(analyzed):
    doc = docx.Document(str(analyzed[3] / "tables.docx"))
    # The seed's three tables come first, then the supplementary tables.
    assert len(doc.tables) > 3
    assert doc.tables[3].rows[0].cells[0].text.strip() == "Variable"
    labels = [[r.cells[0].text.strip() for r in t.rows] for t in doc.tables]
    assert labels[0][1:] == [
        "Sex",
        "Men",
        "Women",
        "Age, yr",
        "Weight, kg",
        "Height, cm",
        "BMI, kg/m\u00b2",
        "ASM, kg",
        "SMI, kg/m\u00b2",
        "Grip strength, kg",
        "Gait speed, m/s",
        "Chair stand, s",
        "SPPB total score (range, 0\u201312)",
        "SPS (range, 0\u20133)",
    ]
    assert labels[1][2:] == [
        "ASM",
        "SMI",
        "Grip strength",
        "Gait speed",
        "Chair stand",
        "SPPB score",
        "SPS",
    ]
    assert labels[2][2:] == [
        "Sarcopenia",
        "Low muscle mass",
        "Weak muscle strength",
        "Poor physical performance",
    ]
    # P values as printed in the paper, each with the letter of its test.
    pcells = [
        "".join(run.text for run in r.cells[3].paragraphs[0].runs if not run.font.superscript)
        for r in doc.tables[0].rows[1:]
        if r.cells[3].text
    ]
    assert all(p == "<0.001" or (len(p) == 5 and p[1] == ".") for p in pcells), pcells


def test_manifest_records_provenance(analyzed, cohort_csv):
    man = json.loads((analyzed[3] / "manifest.json").read_text(encoding="utf-8"))
    assert man["input"]["sha256"] == hashlib.sha256(cohort_csv.read_bytes()).hexdigest()
    assert man["command"].startswith("sarcostat analyze")
    assert man["plan"]["biomarker"]["censored"] == "lod_sqrt2"
    assert man["versions"]["sarcostat"] == sarcostat.__version__
    assert "T" in man["created"]
    assert any("below the detection limit" in w for w in man["warnings"])


def test_python_api_on_a_cohort_object(cohort_csv, results, tmp_path):
    from sarcostat.io import read_cohort

    cohort = read_cohort(cohort_csv)
    plan = {
        "figure1": {"statuses": ["sarcopenia"]},
        "outcomes": {"continuous": ["smi"], "binary": ["sarcopenia"]},
    }
    res = sarcostat.analyze(cohort, plan=plan)
    assert isinstance(res.table1, pd.DataFrame) and isinstance(res.fig2, pd.DataFrame)
    assert list(res.table2["outcome"].unique()) == ["smi"]
    got = res.table2.set_index("model").at["adjusted", "std_beta"]
    assert got == pytest.approx(results["table2"]["smi"]["adjusted"]["std_beta"], rel=1e-12)
    assert res.table3.set_index("model").at["adjusted", "odds_ratio"] == pytest.approx(
        results["table3"]["sarcopenia"]["adjusted"]["odds_ratio"], rel=1e-12
    )
    assert res.fig1["level"].tolist()[:2] == ["with", "without"]
    assert "Student's t test" in res.methods_text()
    html = res.to_html()
    assert (
        html.startswith("<!DOCTYPE html>") and html.count("data:image/png;base64,") == 2 + 4
    )  # Figs 1-2 + ROC, spline, forest, flow
    doc = docx.Document(str(res.to_docx(tmp_path / "t.docx")))
    assert [r.cells[0].text for r in doc.tables[1].rows][2:] == ["SMI"]


def _run(argv):
    import contextlib
    import io

    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(argv)
    return code, so.getvalue(), se.getvalue()


def test_invalid_plan_is_a_clear_error_and_writes_nothing(cohort_csv, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[trend]\nquartiles = "ntiles"\n', encoding="utf-8")
    out = tmp_path / "report"
    code, _, err = _run(["analyze", str(cohort_csv), "--plan", str(plan), "-o", str(out)])
    assert code == 2
    assert "unknown key 'quartiles' in [trend]" in err and "quartile_method" in err
    assert "Traceback" not in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.toml"]


def test_unknown_column_in_plan_stops_before_computing(cohort_csv, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[outcomes]\ncontinuous = ["smi", "grip_strength"]\n', encoding="utf-8")
    out = tmp_path / "report"
    code, _, err = _run(["analyze", str(cohort_csv), "--plan", str(plan), "-o", str(out)])
    assert code == 2
    assert "outcomes.continuous names column 'grip_strength'" in err
    # Stopped before the assessment step: only the reading step was announced.
    assert not [ln for ln in err.splitlines() if ln.startswith("[") and "assess" in ln]
    assert not out.exists()


def test_unknown_biomarker_names_the_available_ones(cohort_csv, tmp_path):
    code, _, err = _run(
        ["analyze", str(cohort_csv), "--biomarker", "irisin", "-o", str(tmp_path / "r")]
    )
    assert code == 2
    assert "'irisin'" in err and "sclerostin" in err
    assert not (tmp_path / "r").exists()


def test_data_errors_stop_with_exit_1_and_write_nothing(cohort_csv, tmp_path):
    bad = pd.read_csv(cohort_csv)
    bad.loc[5, "age_yr"] = -70
    path = tmp_path / "bad.csv"
    bad.to_csv(path, index=False)
    code, _, err = _run(["analyze", str(path), "-o", str(tmp_path / "r")])
    assert code == 1
    assert "age_yr" in err and "Traceback" not in err
    assert not (tmp_path / "r").exists()


def test_status_the_definition_lacks_is_a_plan_error(cohort_csv):
    from sarcostat.exceptions import PlanError

    with pytest.raises(
        PlanError, match="names 'low_muscle_mass', which the sdoc2020 definition does not define"
    ):
        sarcostat.analyze(cohort_csv, plan={"assessment": {"definition": "sdoc2020"}})


def test_a_model_without_events_is_reported_not_fatal(cohort_csv):
    # An outcome that never happens cannot be modelled; the report says so
    # and the other analyses are still produced.
    from sarcostat.io import read_cohort

    data = read_cohort(cohort_csv).data.assign(never=0.0)
    res = sarcostat.analyze(
        data,
        plan={
            "biomarker": {"column": "sclerostin"},
            "figure1": {"statuses": ["sarcopenia"]},
            "outcomes": {"continuous": ["smi"], "binary": ["sarcopenia", "never"]},
        },
    )
    t3 = res.table3.set_index("outcome")
    assert t3.loc["sarcopenia", "odds_ratio"].notna().all()
    assert t3.loc["never", "odds_ratio"].isna().all()
    assert any(w.startswith("Table 3, never (unadjusted): not estimable") for w in res.warnings)


def test_map_file_names_the_biomarker_column(cohort_csv, tmp_path):
    # A lab export calls the biomarker "SOST"; the map declares it.
    d = pd.read_csv(cohort_csv).rename(columns={"Sclerostin (pmol/L)": "SOST"})
    path = tmp_path / "lab.csv"
    d.to_csv(path, index=False)
    cmap = tmp_path / "map.toml"
    cmap.write_text(
        '[biomarkers]\nsclerostin = {unit = "pmol/L", column = "SOST", lod = 3.2}\n',
        encoding="utf-8",
    )
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[figure1]\nstatuses = ["sarcopenia"]\n'
        '[outcomes]\ncontinuous = ["smi"]\nbinary = ["sarcopenia"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "r"
    code, stdout, err = _run(
        ["analyze", str(path), "--map", str(cmap), "--plan", str(plan), "-o", str(out), "-q"]
    )
    assert code == 0, err
    res = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert res["biomarker"] == {"column": "sclerostin", "label": "sclerostin", "unit": "pmol/L"}
    assert res["censoring"]["n_censored"] == 3
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    # File names only: the manifest is shared, the user's folders are not.
    assert man["command"] == (
        f"sarcostat analyze {path.name} --plan plan.toml --map {cmap.name} -o r -q"
    )


def test_excel_sheet_is_read(cohort_csv, tmp_path):
    d = pd.read_csv(cohort_csv)
    book = tmp_path / "visits.xlsx"
    with pd.ExcelWriter(book) as w:
        pd.DataFrame({"note": ["read me first"]}).to_excel(w, sheet_name="notes", index=False)
        d.to_excel(w, sheet_name="visits", index=False)
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[figure1]\nstatuses = ["sarcopenia"]\n'
        '[outcomes]\ncontinuous = ["smi"]\nbinary = ["sarcopenia"]\n',
        encoding="utf-8",
    )
    code, stdout, err = _run(
        [
            "analyze",
            str(book),
            "--sheet",
            "visits",
            "--plan",
            str(plan),
            "-o",
            str(tmp_path / "r"),
            "-q",
        ]
    )
    assert code == 0, err
    assert stdout.startswith(f"{len(d)} participants")


def test_derived_column_without_its_inputs_shortens_the_parts_that_need_it(cohort_csv, tmp_path):
    # Without the balance items there is no SPPB score: the rows of sppb_total
    # are left out with a note that says why, the rest of the report is made.
    d = pd.read_csv(cohort_csv).drop(columns=["side_by_side_s", "semi_tandem_s", "tandem_s"])
    path = tmp_path / "no_balance.csv"
    d.to_csv(path, index=False)
    code, stdout, err = _run(["analyze", str(path), "-o", str(tmp_path / "r")])
    assert code == 0, err
    assert "sppb_total (derived from side_by_side_s" in err
    assert "Table 2: left out the rows the cohort lacks data for (outcomes.continuous: " in err
    data = json.loads((tmp_path / "r" / "results.json").read_text(encoding="utf-8"))
    assert "sppb_total" not in data["table2"] and "smi" in data["table2"]
    assert "sppb_total" not in data["table1"] and "grip_kg" in data["table1"]


def test_indeterminate_classifications_are_warned_and_counted(cohort_csv):
    # Without grip there is no strength class: those participants are left out
    # of that status's analyses, and the report says how many.
    from sarcostat.io import read_cohort

    cohort = read_cohort(cohort_csv)
    cohort.data.loc[cohort.data.index[:3], ["grip_1_kg", "grip_2_kg", "grip_kg"]] = np.nan
    res = sarcostat.analyze(
        cohort,
        plan={
            "figure1": {"statuses": ["sarcopenia", "low_strength"]},
            "outcomes": {"continuous": ["smi"], "binary": ["low_strength"]},
        },
    )
    # 3 here plus the fixture's participant without grip.
    assert any(
        w.startswith(
            "Classification: 4 participant(s) indeterminate for weak muscle "
            "strength (a needed measurement is missing)"
        )
        for w in res.warnings
    )
    assert "weak muscle strength 4" in res.methods_text()
    f1 = res.fig1.groupby(["status", "model"])["n"].sum()
    assert f1["low_strength", "unadjusted"] == res.cohort["n"] - 4
    assert f1["sarcopenia", "unadjusted"] == res.cohort["n"]


def test_report_files_hold_no_participant_ids(analyzed, cohort_csv):
    ids = set(pd.read_csv(cohort_csv)["id"].astype(str))
    out = analyzed[3]
    for name in (
        "results.json",
        "manifest.json",
        "report.html",
        "table1.csv",
        "fig1.csv",
        "table2.csv",
        "fig2.csv",
        "table3.csv",
    ):
        text = (out / name).read_text(encoding="utf-8")
        # Embedded figures are base64: not text a reader sees.
        text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text)
        words = set(re.findall(r"[A-Za-z0-9_]+", text))
        assert not ids & words, (name, sorted(ids & words)[:5])
    doc = docx.Document(str(out / "tables.docx"))
    cells = {c.text for t in doc.tables for r in t.rows for c in r.cells}
    assert not ids & cells


def test_a_cohorts_dataframe_gives_the_same_study_as_the_cohort(cohort_csv, tmp_path):
    # `analyze(read_cohort(path).data)`: the DataFrame carries the censoring
    # columns (sclerostin NaN, sclerostin_lod = 3.2) and the 'unable' flags;
    # both must survive, so every table is the Cohort's, not a recount with
    # censored values dropped and an unable chair stand turned into missing.
    import pandas as pd

    from sarcostat.io import read_cohort

    raw = pd.read_csv(cohort_csv, dtype={"chair_stand_5x_s": object, "gait_time_4m_s": object})
    raw.loc[3, "chair_stand_5x_s"] = "unable"
    raw.loc[5, "gait_time_4m_s"] = "unable"
    path = tmp_path / "with_unable.csv"
    raw.to_csv(path, index=False)
    cohort = read_cohort(path)
    assert int(cohort.data["sclerostin_lod"].notna().sum()) == 3
    assert cohort.data["chair_stand_unable"].sum() == 1 and cohort.data["gait_unable"].sum() == 1

    from_cohort = sarcostat.analyze(cohort)
    from_frame = sarcostat.analyze(cohort.data.copy())
    assert from_frame.censoring.n_censored == from_cohort.censoring.n_censored == 3
    assert from_frame.censoring.n_substituted == from_cohort.censoring.n_substituted == 3
    assert from_frame.censoring.limits == (3.2,)
    for part in ("table1", "fig1", "table2", "fig2", "table3"):
        pd.testing.assert_frame_equal(
            getattr(from_frame, part), getattr(from_cohort, part), check_exact=True, obj=part
        )
    assert from_frame.warnings == from_cohort.warnings
