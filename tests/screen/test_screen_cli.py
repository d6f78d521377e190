"""``sarcostat screen`` end to end: files in, results + HTML out, messages not crashes."""

import numpy as np
import pandas as pd
import pytest
from screen_testdata import make_data

from sarcostat.cli import main

COVS = ["age_yr", "sex_male", "bmi"]


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("screen_cli")
    c, b = make_data(n=160, p=6, seed=11, binary=False)
    rng = np.random.default_rng(2)
    c["sex"] = np.where(c["sex_male"] == 1, "male", "female")
    c["height_cm"] = np.where(c["sex"] == "male", 170.0, 158.0)
    c["weight_kg"] = (c["bmi"] * (c["height_cm"] / 100) ** 2).round(2)
    c["muscle_mass_method"] = "bia"
    c["gait_speed_m_s"] = rng.normal(1.0, 0.25, len(c)).round(2)
    c = c.drop(columns=["sex_male", "bmi"])
    c.to_csv(tmp / "cohort.csv", index=False)
    b["label"] = "n/a"
    b.to_parquet(tmp / "bio.parquet", index=False)
    b.to_csv(tmp / "bio.csv", index=False)
    return tmp


def test_screen_command_writes_results_and_html(files, capsys):
    out = files / "res.parquet"
    rc = main(
        [
            "screen",
            str(files / "cohort.csv"),
            str(files / "bio.parquet"),
            "-o",
            str(out),
            "--chunk-size",
            "3",
            "--bonferroni",
            "--threads",
            "2",
        ]
    )
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    res = pd.read_parquet(out)
    # default outcomes present in the cohort; sarcopenia derived by AWGS 2019
    assert list(dict.fromkeys(res["outcome"])) == ["smi", "grip_kg", "gait_speed_m_s", "sarcopenia"]
    assert set(res.loc[res.outcome == "sarcopenia", "model"]) == {"logistic"}
    assert "p_bonferroni" in res.columns
    assert res.loc[res.biomarker == "label", "message"].str.contains("not numeric").all()
    # progress bars only on a terminal (sarcostat.progress): none under capture
    assert "biomarkers" not in cap.err
    html = (files / "res.html").read_text()
    assert "data:image/png;base64," in html and "OR per SD" in html and "x0" in html
    assert "smi (linear): 6 tests" in cap.out


def test_cli_results_equal_python_api(files, capsys):
    out = files / "res.csv"
    assert (
        main(
            [
                "screen",
                str(files / "cohort.csv"),
                str(files / "bio.csv"),
                "-o",
                str(out),
                "--outcomes",
                "smi,grip_kg",
                "--covariates",
                "age,sex,bmi",
                "--quiet",
                "--overwrite",
                "--threads",
                "1",
            ]
        )
        == 0
    )
    from sarcostat.io import read_cohort
    from sarcostat.stats.screen import screen

    data = read_cohort(files / "cohort.csv").data.copy()
    data["sex_male"] = (data["sex"] == "male").astype(float)
    want = screen(data, files / "bio.csv", outcomes=["smi", "grip_kg"], covariates=COVS).table
    got = pd.read_csv(out, keep_default_na=False, na_values=[""])
    np.testing.assert_allclose(got["p_value"], want["p_value"], rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(got["std_beta"], want["std_beta"], rtol=1e-12, equal_nan=True)


def test_unknown_outcome_and_bad_output_are_usage_errors(files, capsys):
    rc = main(
        [
            "screen",
            str(files / "cohort.csv"),
            str(files / "bio.parquet"),
            "-o",
            str(files / "r.parquet"),
            "--outcomes",
            "nope",
        ]
    )
    assert rc == 2 and "'nope' is neither a cohort column" in capsys.readouterr().err
    rc = main(
        [
            "screen",
            str(files / "cohort.csv"),
            str(files / "bio.parquet"),
            "-o",
            str(files / "r.xlsx"),
        ]
    )
    assert rc == 2 and ".parquet or .csv" in capsys.readouterr().err


def test_unmatched_ids_give_messages_not_a_crash(files, capsys):
    b = pd.read_parquet(files / "bio.parquet")
    b["id"] = "X" + b["id"]
    b.to_parquet(files / "other.parquet", index=False)
    out = files / "none.parquet"
    rc = main(
        [
            "screen",
            str(files / "cohort.csv"),
            str(files / "other.parquet"),
            "-o",
            str(out),
            "--outcomes",
            "smi",
            "--quiet",
        ]
    )
    # Issue 13: no matching id is an error (exit 1), and nothing is written.
    assert rc == 1
    err = capsys.readouterr().err
    assert "other.parquet: no id in column 'id' matches a cohort id" in err
    assert "Traceback" not in err
    assert not out.exists() and not out.with_suffix(".html").exists()


def test_bad_threads_option_is_a_usage_error(files, capsys):
    rc = main(
        [
            "screen",
            str(files / "cohort.csv"),
            str(files / "bio.parquet"),
            "-o",
            str(files / "t.parquet"),
            "--threads",
            "0",
        ]
    )
    assert (
        rc == 2
        and "'--threads' option of screen must be a positive integer" in capsys.readouterr().err
    )


def test_q_labels_and_synthetic_mark(files, capsys):
    """Issue 17 point 6: -q like every command, labels from the cohort map
    and a --labels file, and SYNTHETIC on the page of simulated data."""
    (files / "map.toml").write_text(
        "[protocol]\nsynthetic = true\n",
        encoding="utf-8",
    )
    (files / "labels.csv").write_text(
        "column,label\nx0,osteo (pmol/L)\nx1,Interleukin-6 (pg/mL)\nsmi,Muscle index\n",
        encoding="utf-8",
    )
    out = files / "lab.csv"
    args = [
        "screen",
        str(files / "cohort.csv"),
        str(files / "bio.csv"),
        "-o",
        str(out),
        "--outcomes",
        "smi,grip_kg",
        "-q",
        "--overwrite",
    ]
    assert (
        main([*args, "--map", str(files / "map.toml"), "--labels", str(files / "labels.csv")]) == 0
    )
    html = (files / "lab.html").read_text()
    assert 'osteo (pmol/L) <span class="raw">x0</span>' in html
    assert 'Interleukin-6 (pg/mL) <span class="raw">x1</span>' in html
    assert "<h2>Muscle index " in html and "Grip strength" in html
    assert "adjusted for Age, Sex (male = 1), BMI." in html  # study labels
    assert 'class="synthetic"' in html and "SYNTHETIC" in html
    # the results file keeps the column names
    assert set(pd.read_csv(out)["biomarker"]) >= {"x0", "x1"}
    # without the map: no mark, raw names
    assert main(args) == 0
    html = (files / "lab.html").read_text()
    assert 'class="synthetic"' not in html and "osteo" not in html
    capsys.readouterr()
    (files / "bad_labels.csv").write_text("name,text\nx1,IL6\n", encoding="utf-8")
    assert main([*args, "--labels", str(files / "bad_labels.csv")]) != 0
    assert "needs the columns 'column' and 'label'" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_and_silenced_by_q(files, monkeypatch):
    """The bar is sarcostat.progress's (tqdm on a terminal), not a line of its own."""
    import io

    from sarcostat import progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    args = [
        "screen",
        str(files / "cohort.csv"),
        str(files / "bio.parquet"),
        "-o",
        str(files / "bar.parquet"),
        "--outcomes",
        "smi",
        "--overwrite",
        "--threads",
        "1",
    ]
    try:
        for quiet in (False, True):
            tty = Tty()
            monkeypatch.setattr("sys.stderr", tty)
            assert main(args + (["-q"] if quiet else [])) == 0
            text = tty.getvalue()
            assert ("screen" in text and "biomarkers" in text) != quiet, text
    finally:
        progress.configure(quiet=False, stream=None)
