"""check-table on the seed paper: the findings of issue 6 point 4, and every
recomputed P against R (tests/check_table/reference.R -> reference_p.json)."""

import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from sarcostat.cli import main
from sarcostat.datasets import seed_tables_path
from sarcostat.exceptions import DataError, ReadError
from sarcostat.study.check_table import _p_interval, check_published_tables, grim_check

HERE = Path(__file__).parent
REF = json.loads((HERE / "reference_p.json").read_text())


@pytest.fixture(scope="module")
def res():
    return check_published_tables(seed_tables_path())


def _cand(res, item, test, section="Table 1"):
    t = res.table
    row = t[(t["section"] == section) & (t["item"] == item) & (t["test"] == test)]
    assert len(row) == 1
    return row.iloc[0]


def test_sex_p_is_the_one_sided_fisher_p(res):
    s = res.summary.set_index("item").loc["sex"]
    assert s["verdict"] == "fits only a one-sided test"
    assert s["fits"] == "Fisher exact (less)"
    # R: fisher.test(matrix(c(8, 56, 12, 53), 2), alternative = "less")$p.value
    assert _cand(res, "sex", "Fisher exact (less)")["p_value"] == pytest.approx(
        REF["sex"]["fisher_less"], rel=1e-6
    )
    assert round(REF["sex"]["fisher_less"], 3) == 0.245
    assert "sex" in set(res.flags()["item"])


@pytest.mark.parametrize("item", ["height_cm", "chair_stand_s", "sppb_total"])
def test_welch_not_student(res, item):
    assert not _cand(res, item, "Student t")["fits"]
    assert _cand(res, item, "Welch t")["fits"]
    assert res.summary.set_index("item").loc[item, "verdict"] == "fits Welch only (not Student)"


def test_no_other_table1_row_is_welch_only(res):
    t1 = res.summary[res.summary["section"] == "Table 1"]
    welch_only = set(t1.loc[t1["verdict"] == "fits Welch only (not Student)", "item"])
    assert welch_only == {"height_cm", "chair_stand_s", "sppb_total"}


@pytest.mark.parametrize("item", list(REF["continuous"]))
def test_t_tests_match_r(res, item):
    # R: 2 * pt(-abs(t), df) with pooled (Student) and Welch-Satterthwaite SE/df
    assert _cand(res, item, "Student t")["p_value"] == pytest.approx(
        REF["continuous"][item]["student"], rel=1e-6
    )
    assert _cand(res, item, "Welch t")["p_value"] == pytest.approx(
        REF["continuous"][item]["welch"], rel=1e-6
    )


@pytest.mark.parametrize(
    "test,key",
    [
        ("Pearson chi-square", "pearson"),
        ("Yates chi-square", "yates"),
        ("Fisher exact", "fisher"),
        ("Fisher exact (greater)", "fisher_greater"),
    ],
)
def test_count_tests_match_r(res, test, key):
    # R: chisq.test(x, correct = FALSE/TRUE); fisher.test(x, alternative = ...)
    assert _cand(res, "sex", test)["p_value"] == pytest.approx(REF["sex"][key], rel=1e-6)


@pytest.mark.parametrize("key", list(REF["wald"]))
def test_wald_p_from_or_and_ci_matches_r(res, key):
    item, model = key.split(":")
    section = "Table 3 (unadjusted)" if model == "unadj" else "Table 3 (adjusted)"
    # R: se <- (log(U) - log(L)) / (2 * qnorm(0.975)); 2 * pnorm(-abs(log(OR) / se))
    row = _cand(res, item, "Wald z from OR and CI", section)
    assert row["p_value"] == pytest.approx(REF["wald"][key], rel=1e-6)
    assert row["p_min"] <= row["p_value"] <= row["p_max"]


@pytest.mark.parametrize("key", list(REF["beta"]))
def test_beta_p_matches_r(res, key):
    row = _cand(res, key, "t test of a simple regression beta (df = n - 2)", "Table 2 (unadjusted)")
    assert row["p_value"] == pytest.approx(REF["beta"][key], rel=1e-6)


def test_printed_trailing_zero_is_kept(res):
    # 0.010 (not 0.01): only P in [0.0095, 0.0105) fits, which Student does and Welch not.
    assert _cand(res, "gait_speed_m_s", "Student t")["printed"] == "0.010"
    assert _cand(res, "gait_speed_m_s", "Student t")["fits"]
    assert not _cand(res, "gait_speed_m_s", "Welch t")["fits"]


def test_grim_on_the_seed_integer_scores(res):
    g = res.grim.set_index(["item", "group"])
    assert g["consistent"].all()
    assert g.loc[("sps", "sarc"), "nearest_sum"] == 41
    assert g.loc[("sps", "nosarc"), "nearest_sum"] == 63
    assert g.loc[("sppb_total", "sarc"), "nearest_sum"] == 188


@pytest.mark.parametrize(
    "mean,n,ok",
    [
        (5.19, 28, False),  # Brown & Heathers' example: 145/28 = 5.179, 146/28 = 5.214
        (5.18, 28, True),
        (2.05, 20, True),
        (2.07, 20, False),  # 41/20 = 2.05, 42/20 = 2.10
        (Decimal("0.58"), 109, True),
        (Decimal("0.59"), 109, True),  # n > 100: every 2-decimal mean is possible (64/109 = 0.587)
        (Decimal("9.45"), 20, True),  # 189/20 exactly on the window edge
        (Decimal("9.43"), 20, False),  # 188/20 = 9.40, 189/20 = 9.45
    ],
)
def test_grim_boundaries(mean, n, ok):
    assert grim_check(mean, n)["consistent"] is ok


@pytest.mark.parametrize(
    "printed,interval",
    [
        ("<0.001", (0.0, 0.001)),
        (Decimal("0.010"), (0.0095, 0.0105)),
        (0.01, (0.005, 0.015)),
        (Decimal("0.245"), (0.2445, 0.2455)),
    ],
)
def test_printed_p_interval(printed, interval):
    assert _p_interval(printed) == pytest.approx(interval)


def test_a_p_that_fits_nothing_is_flagged():
    doc = json.loads(seed_tables_path().read_text())
    doc["table1"]["continuous"]["age_yr"]["p"] = 0.5
    res = check_published_tables(doc)
    assert res.summary.set_index("item").loc["age_yr", "verdict"] == "fits no test"


def test_missing_entries_and_files_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="table1"):
        check_published_tables({"n_total": 3})
    with pytest.raises(ReadError, match="not found"):
        check_published_tables(tmp_path / "nope.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    with pytest.raises(ReadError, match="line 1"):
        check_published_tables(bad)


def test_cli_prints_findings_and_writes_csv_json(tmp_path, capsys):
    assert main(["check-table"]) == 0
    out = capsys.readouterr().out
    assert "Table 1, sex: P = 0.245 fits only a one-sided test" in out
    assert "Fit Welch's t test, not Student's: height_cm, chair_stand_s, sppb_total" in out
    assert main(["check-table", str(seed_tables_path()), "-o", str(tmp_path / "c.csv")]) == 0
    assert "p_min" in (tmp_path / "c.csv").read_text().splitlines()[0]
    assert main(["check-table", "-o", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text())["summary"][0]["item"] == "sex"
    assert main(["check-table", "-o", str(tmp_path / "c.txt")]) == 2
    assert main(["check-table", str(tmp_path / "missing.json")]) == 1


@pytest.mark.rcheck
def test_r_reference_regenerates(tmp_path):
    if shutil.which("Rscript") is None:
        pytest.skip("Rscript not installed")
    out = tmp_path / "ref.json"
    subprocess.run(
        ["Rscript", str(HERE / "reference.R"), str(seed_tables_path()), str(out)], check=True
    )
    fresh = json.loads(out.read_text())
    for section in ("continuous",):
        for k, v in REF[section].items():
            assert fresh[section][k]["student"] == pytest.approx(v["student"], rel=1e-9)
            assert fresh[section][k]["welch"] == pytest.approx(v["welch"], rel=1e-9)
    for section in ("sex", "wald", "beta"):
        for k, v in REF[section].items():
            assert fresh[section][k] == pytest.approx(v, rel=1e-9)


def test_chair_stand_beta_p_fits_only_with_missing_values(res):
    # r = -0.068 gives P = 0.444 with n = 129 but 0.448 with n = 125-128:
    # consistent with 1-4 'unable' chair stands, not flagged.
    s = res.summary[(res.summary["section"] == "Table 2 (unadjusted)")].set_index("item")
    assert s.loc["chair_stand", "verdict"] == "fits only with fewer participants (missing values)"
    assert s.loc["chair_stand", "fits"] == "t test of beta with n = 125-128 (missing values)"
    assert "chair_stand" not in set(res.flags()["item"])
    assert list(res.flags()["item"]) == ["sex"]


@pytest.mark.parametrize(
    "cmd", [["check-table", "--help"], ["power", "--help"], ["simulate", "--help"]]
)
def test_help_of_my_commands(cmd, capsys):
    assert main(cmd) == 0
    assert "usage" in capsys.readouterr().out


def test_height_verdict_in_words_reports_the_truncation_honestly(res):
    s = res.summary.set_index("item").loc["height_cm"]
    # R: Welch t from 156.3/5.3/20 vs 160.8/9.1/109 gives 0.00382 (reference_p.json).
    assert round(REF["continuous"]["height_cm"]["welch"], 4) == 0.0038
    assert (
        "Welch t 0.0038 at the printed inputs (rounds to 0.004; truncated to 3 decimals it gives the printed 0.003)"
        in s["explanation"]
    )
    assert "Does not fit: Student t 0.0341" in s["explanation"]
    assert s["at_printed_inputs"] == "truncates"
    # gait speed 0.010 (Student 0.0144 at the printed inputs) fits only through the inputs' rounding.
    assert res.summary.set_index("item").loc["gait_speed_m_s", "at_printed_inputs"] == "no"
    assert any("truncation alone does not explain the table" in n for n in res.notes)


def _other_users_file():
    # Another paper: groups named differently, a 3-level count row, a row
    # with fewer participants, other comparisons, an OR model named freely.
    return {
        "table1": {
            "groups": {"cases": 30, "controls": 40},
            "categorical": {
                "smoking": {
                    "cases": {"never": [10, 33.3], "former": [12, 40.0], "current": [8, 26.7]},
                    "controls": {"never": 25, "former": 10, "current": 5},
                    "p": 0.02,
                },
            },
            "continuous": {
                "age": {"cases": [70.1, 5.2], "controls": [68.0, 6.0, 38], "p": 0.12},
                "score": {"cases": [2.5, 1.1], "controls": [1.9, 1.0], "p": 0.02, "integer": True},
            },
        },
        "comparisons": {"crp": {"cases": [3.1, 1.2], "controls": [2.2, 1.0], "p": "0.001"}},
        "table3_or_per_sd": {"frailty": {"model 2": [0.5, 0.3, 0.83, 0.007]}},
    }


def test_another_users_file_with_a_different_shape():
    res = check_published_tables(_other_users_file())
    s = res.summary.set_index("item")
    # 3 x 2 table: Pearson chi-square and r x 2 Fisher only.
    # R: x <- matrix(c(10, 12, 8, 25, 10, 5), 3)
    #    chisq.test(x, correct = FALSE)$p.value = 0.04987418483; fisher.test(x)$p.value = 0.04100017138
    smoke = res.table[res.table["item"] == "smoking"].set_index("test")
    assert set(smoke.index) == {"Pearson chi-square", "Fisher exact"}
    assert smoke.loc["Pearson chi-square", "p_value"] == pytest.approx(0.04987418483, rel=1e-6)
    assert smoke.loc["Fisher exact", "p_value"] == pytest.approx(0.04100017138, rel=1e-6)
    assert s.loc["smoking", "verdict"] == "fits no test"  # printed 0.02
    # The [mean, sd, n] form uses n = 38 for controls: R t.test from summaries, var.equal = TRUE.
    from scipy.stats import ttest_ind_from_stats

    age = res.table[(res.table["item"] == "age") & (res.table["test"] == "Student t")].iloc[0]
    assert age["p_value"] == pytest.approx(
        ttest_ind_from_stats(70.1, 5.2, 30, 68.0, 6.0, 38).pvalue
    )
    assert set(res.grim["item"]) == {"score"}  # flagged as an integer score
    assert "crp" in set(s.index) and "Table 3 (model 2)" in set(res.summary["section"])
    assert res.meta["groups"] == ("cases", "controls")


@pytest.mark.parametrize(
    "patch,key",
    [
        (lambda d: d.update(table1=[1]), "'table1' must be an object"),
        (lambda d: d["table1"]["groups"].update(x=3), "'table1.groups' must name two groups"),
        (
            lambda d: d["table1"]["groups"].update(cases=-2),
            "'table1.groups.cases' must be a whole number",
        ),
        (
            lambda d: d["table1"]["continuous"]["age"].pop("p"),
            "missing entry 'table1.continuous.age.p'",
        ),
        (
            lambda d: d["table1"]["continuous"]["age"].update(cases=[70.1]),
            r"'table1.continuous.age.cases' must be \[mean, sd\] or \[mean, sd, n\]",
        ),
        (
            lambda d: d["table1"]["continuous"]["age"].update(cases=["70", 5]),
            r"'table1.continuous.age.cases\[0\] \(mean\)' must be a number",
        ),
        (
            lambda d: d["table1"]["continuous"]["age"].update(p="n.s."),
            "'table1.continuous.age.p' must be a P value",
        ),
        (
            lambda d: d["table1"]["categorical"]["smoking"].pop("controls"),
            "missing entry 'table1.categorical.smoking.controls'",
        ),
        (
            lambda d: d["table1"]["categorical"]["smoking"]["controls"].pop("current"),
            "same two or more levels",
        ),
        (
            lambda d: d["table3_or_per_sd"]["frailty"].update({"model 2": [0.5, 0.3, 0.007]}),
            r"'table3_or_per_sd.frailty.model 2' must be \[OR, lower, upper, P\]",
        ),
        (
            lambda d: d["table3_or_per_sd"]["frailty"].update({"model 2": [0.5, 0.6, 0.83, 0.007]}),
            "0 < lower <= or <= upper",
        ),
        (
            lambda d: d.update(table2_standardized_beta={"x": {"adj": [0.2, 0.01]}}),
            "missing entry 'table2_standardized_beta.x.unadj'",
        ),
    ],
)
def test_malformed_input_names_the_key(patch, key):
    doc = _other_users_file()
    patch(doc)
    with pytest.raises(DataError, match=key):
        check_published_tables(doc)


def test_cli_malformed_file_is_one_line_error(tmp_path, capsys):
    f = tmp_path / "p.json"
    f.write_text(
        '{"table1": {"groups": {"a": 3, "b": 4}, "continuous": {"x": {"a": [1], "b": [2, 1], "p": 0.1}}}}'
    )
    assert main(["check-table", str(f)]) == 1
    err = capsys.readouterr().err
    assert (
        "'table1.continuous.x.a' must be [mean, sd] or [mean, sd, n]" in err
        and "Traceback" not in err
    )


def test_grim_failure_is_flagged_in_words():
    doc = _other_users_file()
    doc["table1"]["continuous"]["score"]["cases"] = [2.51, 1.1]  # no k/30 rounds to 2.51
    res = check_published_tables(doc)
    row = res.flags().set_index("item").loc["score (cases)"]
    assert row["verdict"] == "GRIM inconsistent"
    assert (
        "no sum of 30 integers has a mean that rounds to 2.51 (nearest 75/30 = 2.5000)"
        in row["explanation"]
    )


def test_grim_says_when_it_cannot_test():
    res = check_published_tables(seed_tables_path())
    s = res.summary[res.summary["section"] == "GRIM"].set_index("item")["explanation"]
    assert "uninformative" in s["sppb_total (nosarc)"] and "uninformative" in s["sps (nosarc)"]
    assert "uninformative" not in s["sps (sarc)"]  # 2 decimals, n = 20 < 100
