"""`sarcostat demo` and `sarcostat reproduce` on the bundled synthetic demo cohort."""

import contextlib
import io
import json
import shlex

import pandas as pd
import pytest

from sarcostat.cli import main


def _run(argv):
    so, se = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(so), contextlib.redirect_stderr(se):
        code = main(argv)
    return code, so.getvalue(), se.getvalue()


def test_demo_says_synthetic_and_prints_the_report_path(tmp_path):
    # A reduced plan keeps the test fast; `reproduce` below runs the full one.
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[figure1]\nstatuses = ["sarcopenia"]\n'
        '[outcomes]\ncontinuous = ["smi"]\nbinary = ["sarcopenia", "low_muscle_mass"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "demo"
    code, stdout, stderr = _run(["demo", "-o", str(out), "--plan", str(plan), "-q"])
    assert code == 0, stderr
    assert "SYNTHETIC" in stdout
    assert stdout.rstrip().splitlines()[-1] == f"Report: {(out / 'report.html').resolve()}"
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "These data are SYNTHETIC" in html
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True
    # The EPV warning of the adjusted sarcopenia model (20 events, 4 terms)
    # names the analysis, not the stats function that raised it.
    assert (
        "Table 3, sarcopenia (adjusted): 5.0 events per variable (min(20, 109) / 4) is "
        "below 10; estimates may be biased and unstable."
    ) in manifest["warnings"]
    # Statuses are named by their display labels, as in Table 3, not by column.
    assert (
        "Table 3, low muscle mass (adjusted): 6.5 events per variable (min(26, 103) / 4) is "
        "below 10; estimates may be biased and unstable."
    ) in manifest["warnings"]
    assert not any("low_muscle_mass" in w or "low_strength" in w for w in manifest["warnings"])
    # Console and report: one note for all low-EPV models, each model kept in the report.
    epv_lines = [line for line in stdout.splitlines() if "events per variable" in line]
    assert len(epv_lines) == 1 and "By analysis: Table 3 (" in epv_lines[0]
    n_epv = sum("events per variable" in w for w in manifest["warnings"])
    assert epv_lines[0].startswith(f"- {n_epv} logistic models")
    assert html.count("<li>Table 3, sarcopenia (adjusted): 5.0 events per variable") == 1


#: Every report-file option of ``analyze``, none at its default (EPS and PDF
#: carry SOURCE_DATE_EPOCH's date, so every file can be compared byte for byte).
REPORT_ARGS = [
    "--figure-format",
    "tiff,pdf,svg,eps",
    "--dpi",
    "150",
    "--figure-width",
    "double",
    "--greyscale",
    "--paper",
    "letter",
    "--font",
    "DejaVu Sans",
    "--p-style",
    "apa",
]
#: 2026-01-01 00:00 UTC: the time the reproducible outputs record.
EPOCH = "1767225600"


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    out = tmp_path_factory.mktemp("repro") / "out"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, stdout, stderr = _run(["reproduce", "-o", str(out), "-q", *REPORT_ARGS])
    return code, stdout, stderr, out


def test_reproduce_takes_analyzes_report_options():
    """reproduce parses the same report-file options as analyze and demo."""
    from sarcostat.cli import build_parser

    sub = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")

    def report_flags(name):
        group = next(g for g in sub.choices[name]._action_groups if g.title == "report files")
        return sorted(f for a in group._group_actions for f in a.option_strings)

    assert report_flags("reproduce") == report_flags("analyze") == report_flags("demo")
    assert "--p-style" in report_flags("reproduce")


def test_report_options_round_trip_through_manifest_and_flags(reproduced):
    from sarcostat.cli import build_parser
    from sarcostat.commands import report_options
    from sarcostat.report.options import ReportOptions

    code, _, stderr, out = reproduced
    assert code == 0, stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    recorded = ReportOptions.from_dict(manifest["report_options"])
    assert recorded == ReportOptions(
        figure_formats=("tiff", "pdf", "svg", "eps"),
        dpi=150,
        figure_width_mm=180.0,
        greyscale=True,
        paper="letter",
        font="DejaVu Sans",
        p_style="apa",
    )
    # The recorded command line and the options' own flags parse back to them.
    argv = shlex.split(manifest["command"])
    assert argv[:4] == ["sarcostat", "reproduce", "-o", out.name]
    assert report_options(build_parser().parse_args(argv[1:])) == recorded
    flags = ["reproduce", "-o", "x", *recorded.to_flags()]
    assert report_options(build_parser().parse_args(flags)) == recorded
    assert ReportOptions().to_flags() == []
    for name in ("roc", "fig1", "fig2", "flow"):
        assert not (out / f"{name}.png").exists()
    assert {"fig1.tiff", "fig1.eps", "fig2.pdf", "fig2.svg"} <= set(manifest["files"])


def test_replaying_the_recorded_command_gives_byte_identical_files(reproduced, tmp_path):
    code, _, stderr, out = reproduced
    assert code == 0, stderr
    first = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    argv = shlex.split(first["command"])[1:]
    argv[argv.index("-o") + 1] = str(tmp_path / "again")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        code, _, stderr = _run([*argv, "-q"])
    assert code == 0, stderr
    again = tmp_path / "again"
    second = json.loads((again / "manifest.json").read_text(encoding="utf-8"))
    assert second["files"] == first["files"]
    for name in first["files"]:
        if name != "manifest.json":
            assert (again / name).read_bytes() == (out / name).read_bytes(), name
    # The manifest differs only in the folder name of the command line.
    assert first["created"] == second["created"] == "2026-01-01T00:00:00+00:00"
    first.pop("command"), second.pop("command")
    assert first == second


def test_reproduce_writes_the_side_by_side_table(reproduced):
    code, stdout, stderr, out = reproduced
    assert code == 0, stderr
    table = pd.read_csv(out / "reproduce.csv")
    assert list(table.columns) == [
        "item",
        "kind",
        "published",
        "published_value",
        "reproduced",
        "difference",
        "within_tolerance",
        "direction_agrees",
        "significance_agrees",
        "target",
        "note",
    ]
    n, k = len(table), int(table["within_tolerance"].sum())
    assert f"{k} of {n} numbers reproduced within tolerance" in stdout
    html = (out / "reproduce.html").read_text(encoding="utf-8")
    assert f"{k} of {n} numbers reproduced within tolerance" in html
    assert "SYNTHETIC" in html
    # Known-impossible printed numbers are explained, not just listed as misses.
    ruled = table[table["target"] == "ruled out by the paper"]
    assert len(ruled) == 4 and ruled["note"].str.len().gt(20).all()
    assert "rule out" in stdout and "SMI and height allow" in html
    # A printed P that only another test gives says which.
    assert "one-sided" in table.set_index("item").at["table1/sex/p", "note"]
    # Every calibration target is met (a miss there would be a bug).
    assert table[table["target"] == "calibrated"]["within_tolerance"].all()
    # The full report is written alongside.
    assert (out / "report.html").is_file() and (out / "tables.docx").is_file()


def test_calibrated_demo_reproduces_the_seed_design(reproduced):
    table = pd.read_csv(reproduced[3] / "reproduce.csv").set_index("item")
    # The demo cohort is calibrated to these exactly (datasets/simulate.py).
    for item in (
        "cohort/n_total",
        "cohort/n_sarcopenia",
        "cohort/men/n",
        "table1/sex/men/sarc/n",
        "table1/sex/women/nosarc/n",
    ):
        assert table.at[item, "within_tolerance"], item
    for var in ("age_yr", "smi", "grip_kg", "sps"):
        for grp in ("sarc", "nosarc"):
            assert table.at[f"table1/{var}/{grp}/mean", "within_tolerance"], (var, grp)
    assert table.at["fig1/sarcopenia/sarc/mean", "within_tolerance"]
    # Unadjusted betas: the calibration target is within 0.05 of Table 2.
    unadj = table[table.index.str.match(r"table2/.*/unadjusted/beta")]
    assert unadj["within_tolerance"].all(), unadj
