"""`sarcostat classify` end to end on files read by sarcostat.io.read_cohort."""

import pandas as pd
import pytest

from sarcostat.cli import main

pytest.importorskip("sarcostat.io.cohort")
from sarcostat.datasets import example_cohort_path  # noqa: E402


def test_classify_prints_prevalence_and_writes_csv(tmp_path, capsys):
    out = tmp_path / "cls.csv"
    src = example_cohort_path()
    before = open(src, "rb").read()
    assert main(["classify", str(src), "--definition", "awgs2019,ewgsop2", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Prevalence (overall; cases / participants classifiable, 95% CI: Wilson)" in text
    assert "AWGS 2019 3/12 = 25.0% (8.9%–53.2%)" in " ".join(text.split())
    assert "Agreement (Cohen's kappa, 95% CI; 1 pair(s))" in text
    assert "protocol (" in text and "Gait speed measured over 4 m" in text
    table = pd.read_csv(out)
    assert table.columns[0] == "id"
    assert {
        "awgs2019_category",
        "awgs2019_sarcopenia",
        "awgs2019_reason",
        "ewgsop2_category",
        "awgs2019_low_muscle_mass",
        "awgs2019_low_strength",
        "awgs2019_low_performance",
    } <= set(table.columns)
    assert len(table) == 12
    assert open(src, "rb").read() == before  # input never modified


def test_single_definition_has_no_agreement_table(capsys):
    assert main(["classify", str(example_cohort_path())]) == 0
    assert "Agreement" not in capsys.readouterr().out


def test_unknown_definition_is_usage_error(capsys):
    assert main(["classify", str(example_cohort_path()), "--definition", "awgs2025"]) == 2
    err = capsys.readouterr().err
    assert "'--definition' option of classify" in err and "Traceback" not in err


def test_data_errors_are_printed_and_exit_1(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "ID,Sex,Height (cm),Weight (kg),ASM (kg),ASM method,HGS\n"
        "S1,M,170,70,20,BIA,-3\nS2,F,160,55,15,BIA,20\n"
    )
    assert main(["classify", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "grip_kg" in err and "nothing classified" in err


def test_output_must_not_overwrite_input(tmp_path, capsys):
    src = tmp_path / "c.csv"
    src.write_bytes(open(example_cohort_path(), "rb").read())
    assert main(["classify", str(src), "-o", str(src)]) == 2


def test_cli_definition_list_matches_registry():
    # the command lists names without importing pandas at --help time
    from sarcostat.assess.definitions import REGISTRY
    from sarcostat.commands import classify as cmd

    assert tuple(cmd.DEFINITIONS) == tuple(REGISTRY)


def test_prevalence_by_unknown_column_is_parameter_error():
    from sarcostat.assess import prevalence
    from sarcostat.exceptions import ParameterError

    with pytest.raises(ParameterError, match="'by' parameter of prevalence"):
        prevalence(pd.DataFrame({"sex": ["male"]}), by="site")


def test_classify_accepts_a_cohort_and_keeps_seed_table3_names():
    from sarcostat.assess import classify
    from sarcostat.io import read_cohort

    cohort = read_cohort(example_cohort_path())
    out = classify(cohort, "awgs2019")
    assert len(out) == len(cohort.data)
    for col in ("low_muscle_mass", "low_strength", "low_performance", "sarcopenia"):
        assert str(out[col].dtype) == "boolean"
