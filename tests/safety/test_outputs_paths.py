"""Issue 13, point 1: outputs never destroy what the command did not create.

Every case runs the command as a user would (``sarcostat.cli.main``) and
asserts the exit code, the message, that no traceback or "bug" net was
reached, and that every input file is still there, byte for byte.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from corpus_outputs import (
    assert_clean_failure,
    assert_unchanged,
    snapshot,
    temporaries,
    tree,
    workspace,
)

from sarcostat.cli import main


def cli(capsys, *args):
    rc = main([str(a) for a in args])
    cap = capsys.readouterr()
    return rc, cap.out, cap.err


@pytest.fixture
def ws(tmp_path):
    return workspace(tmp_path / "study")


# ----------------------------------------------------------------- an output path that is an input


def _single_file_commands(ws):
    """(command args without -o, inputs) for every command with a file output."""
    return {
        "classify": (["classify", ws.cohort, "--map", ws.mapping], "-o"),
        "check-table": (["check-table", ws.tables], "-o"),
        "screen": (
            ["screen", ws.cohort, ws.panel, "--map", ws.mapping, "--outcomes", "smi", "--quiet"],
            "-o",
        ),
    }


@pytest.mark.parametrize(
    "command, target",
    [
        ("classify", "cohort"),
        ("classify", "mapping"),
        ("check-table", "tables"),
        ("screen", "cohort"),
        ("screen", "panel"),
    ],
)
@pytest.mark.parametrize("overwrite", [False, True])
def test_file_output_naming_an_input_is_refused(ws, capsys, command, target, overwrite):
    args, opt = _single_file_commands(ws)[command]
    path = getattr(ws, target)
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, *args, opt, path, *(["--overwrite"] if overwrite else []))
    assert_clean_failure(rc, err, expect_rc=2, words=[str(path), "input file"])
    assert_unchanged(snap)


@pytest.mark.parametrize("command", ["classify", "check-table", "screen"])
def test_file_output_naming_another_existing_file_needs_overwrite(ws, capsys, command):
    args, opt = _single_file_commands(ws)[command]
    other = ws.root / "someone_elses.csv"
    other.write_text("a,b\n1,2\n")
    snap = snapshot([*ws.inputs, other])
    rc, out, err = cli(capsys, *args, opt, other)
    assert_clean_failure(rc, err, expect_rc=2, words=[str(other), "already exists"])
    assert_unchanged(snap)


@pytest.mark.parametrize("link", ["symlink", "hardlink", "dotdot"])
def test_output_reaching_the_cohort_by_another_name_is_refused(ws, capsys, link):
    snap = snapshot(ws.inputs)
    if link == "symlink":
        path = ws.root / "results.csv"
        path.symlink_to(ws.cohort)
    elif link == "hardlink":
        path = ws.root / "results.csv"
        os.link(ws.cohort, path)
    else:
        (ws.root / "sub").mkdir()
        path = ws.root / "sub" / ".." / "cohort.csv"
    rc, out, err = cli(
        capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", path, "--overwrite"
    )
    assert_clean_failure(rc, err, expect_rc=2, words=["input file"])
    assert_unchanged(snap)


def test_screen_html_pointing_at_the_cohort_through_a_link_is_refused(ws, capsys):
    snap = snapshot(ws.inputs)
    link = ws.root / "page.html"
    link.symlink_to(ws.cohort)
    rc, out, err = cli(
        capsys,
        "screen",
        ws.cohort,
        ws.panel,
        "--map",
        ws.mapping,
        "-o",
        ws.root / "res.csv",
        "--html",
        link,
        "--overwrite",
        "--quiet",
    )
    assert_clean_failure(rc, err, expect_rc=2, words=["--html", "input file"])
    assert_unchanged(snap)
    assert not (ws.root / "res.csv").exists()


@pytest.mark.parametrize("target", ["mapping", "plan", "cohort"])
def test_plan_init_never_writes_over_an_existing_file(ws, capsys, target):
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, "plan", "--init", getattr(ws, target))
    assert_clean_failure(rc, err, expect_rc=2, words=["already exists", "--force"])
    assert_unchanged(snap)


def test_simulate_does_not_replace_an_existing_cohort(ws, capsys):
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, "simulate", "--n", "20", "--seed", "1", "-o", ws.cohort)
    # cohort.csv exists, and so does cohort.toml (the map it would write beside it).
    assert_clean_failure(rc, err, expect_rc=2, words=["already exists"])
    assert_unchanged(snap)


def test_elisa_output_folder_that_is_a_plate_file_is_refused(ws, capsys):
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", ws.plate)
    assert_clean_failure(rc, err, expect_rc=2, words=[str(ws.plate)])
    assert_unchanged(snap)


def test_elisa_into_the_folder_holding_its_plates_is_refused(ws, capsys):
    snap = snapshot(ws.inputs)
    before = tree(ws.root)
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", ws.root)
    assert_clean_failure(rc, err, expect_rc=2, words=["not empty", "not an earlier output"])
    assert tree(ws.root) == before
    assert_unchanged(snap)


def test_elisa_overwrite_writes_beside_the_plates_and_keeps_them(ws, capsys):
    snap = snapshot(ws.inputs)
    rc, out, err = cli(
        capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", ws.root, "--overwrite"
    )
    assert rc == 0, err
    assert (ws.root / "qc_report.html").is_file() and (ws.root / "manifest.json").is_file()
    assert_unchanged(snap)
    assert temporaries(ws.root) == []


def test_elisa_overwrite_never_replaces_a_foreign_file_of_the_same_name(ws, capsys):
    out_dir = ws.root / "run"
    out_dir.mkdir()
    mine = out_dir / "qc.csv"
    mine.write_text("my own qc sheet\n")
    snap = snapshot([*ws.inputs, mine])
    rc, out, err = cli(
        capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", out_dir, "--overwrite"
    )
    assert_clean_failure(rc, err, expect_rc=2, words=[str(mine), "not written by"])
    assert_unchanged(snap)
    assert sorted(p.name for p in out_dir.iterdir()) == ["qc.csv"]


# ----------------------------------------------------------------- folders: analyze / elisa


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory):
    """A workspace and one earlier analyze report in report/."""
    ws = workspace(tmp_path_factory.mktemp("an") / "study")
    rc = main(
        ["analyze", str(ws.cohort), "--map", str(ws.mapping), "-o", str(ws.root / "report"), "-q"]
    )
    assert rc == 0
    return ws


def test_analyze_into_the_folder_holding_the_cohort_is_refused(analyzed, capsys):
    ws = analyzed
    snap = snapshot(ws.inputs)
    before = tree(ws.root)
    rc, out, err = cli(capsys, "analyze", ws.cohort, "--map", ws.mapping, "-o", ws.root, "-q")
    assert_clean_failure(rc, err, expect_rc=2, words=[str(ws.root), "not empty"])
    assert tree(ws.root) == before
    assert_unchanged(snap)


def test_analyze_dot_in_the_cohort_folder_is_refused(analyzed, capsys, monkeypatch):
    ws = analyzed
    monkeypatch.chdir(ws.root)
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, "analyze", "cohort.csv", "--map", "cohort.toml", "-o", ".", "-q")
    assert_clean_failure(rc, err, expect_rc=2, words=["not empty"])
    assert_unchanged(snap)


def test_analyze_output_that_is_the_cohort_file_is_refused(analyzed, capsys):
    ws = analyzed
    snap = snapshot(ws.inputs)
    for target in (ws.cohort, ws.mapping):
        rc, out, err = cli(capsys, "analyze", ws.cohort, "--map", ws.mapping, "-o", target)
        assert_clean_failure(rc, err, expect_rc=2, words=[str(target), "input file"])
    assert_unchanged(snap)


def test_analyze_with_a_foreign_manifest_deletes_nothing(analyzed, capsys, tmp_path):
    # The incident of the issue: a folder holding the cohort and *a* manifest.json.
    ws = analyzed
    mydata = tmp_path / "mydata"
    mydata.mkdir()
    shutil.copy(ws.cohort, mydata / "cohort.csv")
    (mydata / "manifest.json").write_text(json.dumps({"files": ["cohort.csv"]}))
    (mydata / "notes.docx").write_bytes(b"precious")
    before = tree(mydata)
    rc, out, err = cli(
        capsys, "analyze", mydata / "cohort.csv", "--map", ws.mapping, "-o", mydata, "-q"
    )
    assert_clean_failure(rc, err, expect_rc=2, words=[str(mydata)])
    assert tree(mydata) == before
    rc, out, err = cli(
        capsys,
        "analyze",
        mydata / "cohort.csv",
        "--map",
        ws.mapping,
        "-o",
        mydata,
        "-q",
        "--overwrite",
    )
    # Even with --overwrite: the foreign manifest.json is left alone.
    assert_clean_failure(rc, err, expect_rc=2, words=["manifest.json"])
    assert tree(mydata) == before


def test_rerun_replaces_only_the_files_of_the_earlier_report(analyzed, capsys):
    ws = analyzed
    rep = ws.root / "report"
    (rep / "my_notes.txt").write_text("keep me")
    snap = snapshot([*ws.inputs, rep / "my_notes.txt"])
    rc, out, err = cli(capsys, "analyze", ws.cohort, "--map", ws.mapping, "-o", rep, "-q")
    assert rc == 0, err
    assert_unchanged(snap)
    man = json.loads((rep / "manifest.json").read_text())
    assert "my_notes.txt" not in man["output"]["files"]
    assert "report.html" in man["output"]["files"]
    assert temporaries(ws.root) == []


def test_a_report_file_edited_by_the_user_is_not_replaced(analyzed, capsys, tmp_path):
    ws = analyzed
    rep = tmp_path / "rep2"
    shutil.copytree(ws.root / "report", rep)
    (rep / "tables.docx").write_bytes(b"edited in Word")
    before = tree(rep)
    rc, out, err = cli(capsys, "analyze", ws.cohort, "--map", ws.mapping, "-o", rep, "-q")
    assert_clean_failure(rc, err, expect_rc=2, words=["tables.docx", "changed since"])
    assert tree(rep) == before


def test_output_of_another_command_is_refused(analyzed, capsys):
    ws = analyzed
    snap = snapshot(ws.inputs)
    before = tree(ws.root / "report")
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", ws.root / "report")
    assert_clean_failure(rc, err, expect_rc=2, words=["sarcostat analyze", "sarcostat elisa"])
    assert tree(ws.root / "report") == before
    assert_unchanged(snap)


def test_elisa_rerun_and_a_listed_file_removed_by_the_user(ws, capsys):
    out_dir = ws.root / "elisa_out"
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", out_dir)
    assert rc == 0, err
    (out_dir / "qc.csv").unlink()
    (out_dir / "README.txt").write_text("mine")
    snap = snapshot([*ws.inputs, out_dir / "README.txt"])
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", out_dir)
    assert rc == 0, err
    assert (out_dir / "qc.csv").is_file()
    assert_unchanged(snap)


# ----------------------------------------------------------------- paths that cannot be written


@pytest.mark.parametrize(
    "make",
    ["missing_parent", "file_as_parent", "too_long", "dev_full", "empty", "trailing_slash_file"],
)
@pytest.mark.parametrize("command", ["classify", "elisa", "check-table"])
def test_unwritable_output_paths_are_one_line_errors(ws, capsys, make, command):
    if make == "missing_parent":
        path = ws.root / "no" / "such" / "out.csv"
    elif make == "file_as_parent":
        path = ws.cohort / "out.csv"
    elif make == "too_long":
        path = ws.root / ("x" * 300 + ".csv")
    elif make == "dev_full":
        path = "/dev/full"
    elif make == "empty":
        path = ""
    else:
        path = str(ws.cohort) + "/"
    snap = snapshot(ws.inputs)
    before = tree(ws.root)
    if command == "classify":
        args = ["classify", ws.cohort, "--map", ws.mapping, "-o", path]
    elif command == "check-table":
        args = ["check-table", ws.tables, "-o", path]
    else:
        args = ["elisa", ws.plate, "--layout", ws.layout, "-o", path]
    rc, out, err = cli(capsys, *args)
    assert_clean_failure(rc, err)
    assert len(err.strip().splitlines()) == 1, err
    assert tree(ws.root) == before
    assert_unchanged(snap)


def test_disk_full_or_file_size_limit_leaves_nothing(ws, tmp_path):
    """A write that fails half-way (RLIMIT_FSIZE: EFBIG, as a full disk would
    give ENOSPC) is one line, exit 1, and leaves no partial file."""
    import resource
    import signal

    from corpus_outputs import run_cli

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    out = ws.root / "classes.csv"
    snap = snapshot(ws.inputs)
    rc, stdout, err = run_cli(
        ["classify", ws.cohort, "--map", ws.mapping, "-o", out], preexec_fn=limit
    )
    assert_clean_failure(rc, err, expect_rc=1, words=[str(out), "too large"])
    assert not out.exists()
    assert temporaries(ws.root) == []
    assert_unchanged(snap)


def test_read_only_file_system_is_one_line(ws, capsys):
    target = "/proc/sarcostat-out"
    snap = snapshot(ws.inputs)
    rc, out, err = cli(capsys, "elisa", ws.plate, "--layout", ws.layout, "-o", target)
    assert_clean_failure(rc, err)
    assert target in err
    assert_unchanged(snap)


def test_unwritable_folder_without_root(ws, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    ro = ws.root / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        rc, out, err = cli(capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", ro / "x.csv")
        assert_clean_failure(rc, err, expect_rc=1, words=["permission denied"])
    finally:
        ro.chmod(0o755)


def test_existing_single_file_output_needs_overwrite(ws, capsys):
    out = ws.root / "classes.csv"
    rc, _, err = cli(capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", out)
    assert rc == 0, err
    first = out.read_bytes()
    rc, _, err = cli(capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", out)
    assert_clean_failure(rc, err, expect_rc=2, words=["already exists", "--overwrite"])
    assert out.read_bytes() == first
    rc, _, err = cli(capsys, "classify", ws.cohort, "--map", ws.mapping, "-o", out, "--overwrite")
    assert rc == 0, err
    assert temporaries(ws.root) == []
