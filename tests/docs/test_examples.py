"""The bundled example files: two identical copies, made by our simulators, copied out safely."""

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from sarcostat.cli import main
from sarcostat.datasets import copy_examples, example_files, examples_path
from sarcostat.exceptions import DataError

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = [
    "README.md",
    "clinic_baseline.xlsx",
    "clinic_map.toml",
    "dkk1_plan.toml",
    "elisa/layout_run1.csv",
    "elisa/layout_run2.csv",
    "elisa/run1_softmax.txt",
    "elisa/run2_gen5.txt",
    "mice_plan.toml",
    "missing_cohort.csv",
    "missing_map.toml",
    "panel.csv",
    "repool_mice.R",
]


def _digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def test_examples_folder_and_package_data_are_the_same_files():
    assert example_files() == EXPECTED
    top = sorted(
        p.relative_to(ROOT / "examples").as_posix()
        for p in (ROOT / "examples").rglob("*")
        if p.is_file()
    )
    assert top == EXPECTED
    for name in EXPECTED:
        assert _digest(ROOT / "examples" / name) == _digest(examples_path() / name), name


def test_examples_come_out_of_the_generator(tmp_path):
    # the files are what tests/docs/make_examples.py writes (xlsx compared by content:
    # the workbook's zip timestamps differ between runs)
    from make_examples import build

    build(tmp_path)
    for name in EXPECTED:
        if name.endswith(".xlsx"):
            a = pd.read_excel(tmp_path / name, dtype=str)
            b = pd.read_excel(examples_path() / name, dtype=str)
            pd.testing.assert_frame_equal(a, b)
        else:
            assert (tmp_path / name).read_bytes() == (examples_path() / name).read_bytes(), name


def test_plates_are_softmax_and_gen5_exports():
    softmax = (examples_path() / "elisa/run1_softmax.txt").read_bytes().decode("latin-1")
    assert softmax.startswith("##BLOCKS= 1") and "Temperature(\u00b0C)" in softmax
    gen5 = (examples_path() / "elisa/run2_gen5.txt").read_text()
    assert "Software Version" in gen5 and "Read 1:450" in gen5 and "Read 2:620" in gen5


def test_layout_sample_ids_are_the_cohort_ids():
    sheet = pd.read_excel(examples_path() / "clinic_baseline.xlsx", dtype=str)
    ids = set(sheet["Subject No"])
    wells = set()
    for k in (1, 2):
        grid = pd.read_csv(examples_path() / f"elisa/layout_run{k}.csv", index_col=0, dtype=str)
        wells |= {c for c in grid.to_numpy().ravel() if c and c[0] == "K"}
    assert wells == ids and len(ids) == 74
    panel = pd.read_csv(examples_path() / "panel.csv", dtype={"id": str})
    assert set(panel["id"]) == ids and panel.shape[1] == 42


def test_examples_command_copies_every_file(tmp_path, capsys):
    out = tmp_path / "new" / "folder"
    assert main(["examples", "-o", str(out)]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out
    for name in EXPECTED:
        assert _digest(out / name) == _digest(examples_path() / name)


def test_examples_command_never_overwrites(tmp_path, capsys):
    (tmp_path / "panel.csv").write_text("my own panel\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    assert main(["examples", "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "already holds panel.csv" in err and "never overwrites" in err
    # nothing copied, nothing changed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "panel.csv"]
    assert (tmp_path / "panel.csv").read_text() == "my own panel\n"


def test_examples_into_an_existing_empty_folder_and_not_onto_a_file(tmp_path):
    assert len(copy_examples(tmp_path)) == len(EXPECTED)
    target = tmp_path / "a_file"
    target.write_text("x")
    with pytest.raises(DataError, match="not a folder"):
        copy_examples(target)
    assert target.read_text() == "x"


def test_examples_refuse_a_linked_subfolder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    (dest / "elisa").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DataError, match="is a link"):
        copy_examples(dest)
    assert list(elsewhere.iterdir()) == [] and list(dest.iterdir()) == [dest / "elisa"]


def test_version_flag(capsys):
    from sarcostat import __version__

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"sarcostat {__version__}"


def test_help_lists_the_examples_command(capsys):
    main(["--help"])
    assert "examples" in capsys.readouterr().out
