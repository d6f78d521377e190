"""sarcostat elisa: files in, cohort-ready CSV, QC table and HTML report out."""

import subprocess
import sys

import pandas as pd
import pytest
from simulate import write_plate

from sarcostat.cli import main


def test_elisa_writes_outputs_and_summary(tmp_path, capsys):
    r1 = write_plate(tmp_path, "p1", "competitive", [0.0, 20.0, 60.0], seed=1)
    r2 = write_plate(tmp_path, "p2", "competitive", [0.0, 20.0, 60.0], seed=2)
    out = tmp_path / "out"
    rc = main(
        [
            "elisa",
            str(r1[0]),
            str(r2[0]),
            "--layout",
            str(r1[1]),
            "-o",
            str(out),
            "--lod",
            "3.2",
            "--acceptance",
            "kit",
        ]
    )
    assert rc == 0
    printed = capsys.readouterr().out
    assert "p1: 4PL falling" in printed and "p2: 4PL falling" in printed
    conc = pd.read_csv(out / "concentrations.csv", dtype=str)
    assert list(conc.columns) == ["id", "sclerostin"]
    assert conc.set_index("id").loc["S001", "sclerostin"] == "<3.2"
    assert float(conc.set_index("id").loc["S002", "sclerostin"]) > 0
    qc = pd.read_csv(out / "qc.csv")
    assert list(qc["plate"]) == ["p1", "p2"] and (qc["status"] == "ok").all()
    html = (out / "qc_report.html").read_text()
    # per plate: the heat map and the standard curve (with its residuals panel)
    assert html.count("<svg") == 4 and "LLOQ" in html
    # self-contained: no external resource is fetched
    assert 'src="http' not in html and "<link" not in html and "@import" not in html
    assert 'href="http' not in html
    samples = pd.read_csv(out / "samples.csv")
    assert {"id", "plate", "flags", "cv_pct", "n_wells", "unit"} <= set(samples.columns)


def test_elisa_mass_units(tmp_path):
    r1 = write_plate(tmp_path, "p1", "competitive", [0.0, 20.0], seed=1, cv=0, sd0=0)
    out = tmp_path / "out"
    assert (
        main(
            [
                "elisa",
                str(r1[0]),
                "--layout",
                str(r1[1]),
                "-o",
                str(out),
                "--lod",
                "3.2",
                "--mw",
                "22500",
                "--to-unit",
                "ng/mL",
            ]
        )
        == 0
    )
    conc = pd.read_csv(out / "concentrations.csv", dtype=str).set_index("id")
    assert conc.loc["S001", "sclerostin"] == "<0.072"
    assert float(conc.loc["S002", "sclerostin"]) == pytest.approx(0.45, rel=1e-3)
    smp = pd.read_csv(out / "samples.csv", dtype={"reported": str}).set_index("id")
    assert (smp["unit"] == "ng/mL").all()
    assert smp.loc["S001", "reported"] == "<0.072" and smp.loc["S001", "lod"] == pytest.approx(
        0.072
    )
    assert float(smp.loc["S002", "reported"]) == pytest.approx(0.45, rel=1e-3)


def test_bad_plate_exit_1_other_plates_written(tmp_path, capsys):
    good = write_plate(tmp_path, "good", "sandwich", [100.0, 200.0], seed=1)
    # the top standard of a sandwich curve read off-scale
    bad = write_plate(
        tmp_path, "bad", "sandwich", [100.0, 200.0], seed=2, override={"H1": "OVRFLW"}
    )
    out = tmp_path / "out"
    rc = main(["elisa", str(good[0]), str(bad[0]), "--layout", str(good[1]), "-o", str(out)])
    assert rc == 1
    err = capsys.readouterr().err
    assert "plate bad not processed" in err and "well H1" in err and "OVRFLW" in err
    assert "Traceback" not in err
    conc = pd.read_csv(out / "concentrations.csv")
    assert list(conc["id"]) == ["S001", "S002"]
    assert "NOT PROCESSED" in (out / "qc_report.html").read_text()


def test_usage_errors_without_traceback(tmp_path, capsys):
    r1 = write_plate(tmp_path, "p1", "competitive", [20.0], seed=1)
    rc = main(
        [
            "elisa",
            str(r1[0]),
            "--layout",
            str(r1[1]),
            "-o",
            str(tmp_path / "o"),
            "--to-unit",
            "ng/mL",
        ]
    )
    assert rc == 1 and "molecular weight" in capsys.readouterr().err
    rc = main(
        ["elisa", str(r1[0]), "--layout", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert rc == 1 and "missing.csv" in err and "Traceback" not in err
    assert main(["elisa", str(r1[0]), "--layout", str(r1[1]), "-o", "x", "--model", "3pl"]) == 2


@pytest.mark.parametrize(
    "name", ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-x", "a b", "", "x" * 65]
)
def test_analyte_that_is_not_a_column_name_is_refused(tmp_path, capsys, name):
    r1 = write_plate(tmp_path, "p1", "competitive", [20.0], seed=1)
    out = tmp_path / "o"
    rc = main(["elisa", str(r1[0]), "--layout", str(r1[1]), "-o", str(out), "--analyte", name])
    err = capsys.readouterr().err
    assert rc == 2 and "--analyte" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("name", ["IL-6", "sost_pg.ml", "dkk1"])
def test_analyte_plain_names_are_accepted(name):
    from sarcostat.commands.elisa import _check_analyte_name

    _check_analyte_name(name)


def test_elisa_subprocess_smoke(tmp_path):
    r1 = write_plate(tmp_path, "p1", "sandwich", [100.0], seed=1)
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "sarcostat",
            "elisa",
            str(r1[0]),
            "--layout",
            str(r1[1]),
            "-o",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert "4PL rising" in out.stdout


def test_every_plate_bad_still_writes_outputs(tmp_path, capsys):
    bad = write_plate(tmp_path, "bad", "sandwich", [100.0], seed=2, override={"H1": "OVRFLW"})
    out = tmp_path / "out"
    assert (
        main(
            [
                "elisa",
                str(bad[0]),
                str(tmp_path / "nope.csv"),
                "--layout",
                str(bad[1]),
                "-o",
                str(out),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "plate bad not processed" in err and "nope.csv" in err and "Traceback" not in err
    assert pd.read_csv(out / "concentrations.csv").empty
    assert list(pd.read_csv(out / "qc.csv")["status"]) == ["failed", "failed"]
